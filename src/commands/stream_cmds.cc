// XADD XRANGE XREVRANGE XLEN XDEL XTRIM: Redis 7.0.15's t_stream.c semantics, argument
// order and errors. The storage is types/stream.h.
#include <vector>

#include "commands/command_context.h"
#include "commands/families.h"
#include "commands/stream_common.h"
#include "protocol/errors.h"

namespace duet {

namespace {

using namespace stream_cmds;  // NOLINT: the family's own helpers
using stream::TrimArgs;

struct AddTrimArgs {
  TrimArgs trim;
  bool id_given = false;
  bool seq_given = true;
  bool no_mkstream = false;
  StreamID id;
  size_t id_pos = 0;    // index in args of the ID (XADD)
  size_t trim_pos = 0;  // index in args of the MAXLEN/MINID threshold
};

// streamParseAddOrTrimArgsOrReply; args[0] is the key. Returns false after replying.
bool ParseAddOrTrim(CommandContext& ctx, std::span<const std::string_view> args, bool xadd,
                    AddTrimArgs* out) {
  bool limit_given = false;
  size_t i = 1;
  for (; i < args.size(); i++) {
    size_t more = args.size() - 1 - i;
    std::string_view opt = args[i];
    if (xadd && opt == "*") break;
    bool maxlen = EqualsIgnoreCase(opt, "maxlen");
    if ((maxlen || EqualsIgnoreCase(opt, "minid")) && more) {
      if (out->trim.strategy != TrimArgs::kNone) {
        ctx.reply().Error(errors::kStreamMaxlenMinid);
        return false;
      }
      out->trim.approx = false;
      std::string_view next = args[i + 1];
      if (more >= 2 && (next == "~" || next == "=")) {
        out->trim.approx = next == "~";
        i++;
      }
      out->trim_pos = i + 1;
      if (maxlen) {
        std::optional<int64_t> v = ParseInt64(args[i + 1]);
        if (!v) {
          ctx.reply().Error(errors::kNotInteger);
          return false;
        }
        if (*v < 0) {
          ctx.reply().Error(errors::kStreamMaxlenNegative);
          return false;
        }
        out->trim.maxlen = *v;
        out->trim.strategy = TrimArgs::kMaxLen;
      } else {
        std::optional<StreamID> id = ParseIdOrReply(ctx, args[i + 1], 0, true);
        if (!id) return false;
        out->trim.minid = *id;
        out->trim.strategy = TrimArgs::kMinId;
      }
      i++;
    } else if (EqualsIgnoreCase(opt, "limit") && more) {
      std::optional<int64_t> v = ParseInt64(args[i + 1]);
      if (!v) {
        ctx.reply().Error(errors::kNotInteger);
        return false;
      }
      if (*v < 0) {
        ctx.reply().Error(errors::kStreamLimitNegative);
        return false;
      }
      out->trim.limit = *v;
      limit_given = true;
      i++;
    } else if (xadd && EqualsIgnoreCase(opt, "nomkstream")) {
      out->no_mkstream = true;
    } else if (xadd) {
      std::optional<StreamID> id = ParseIdOrReply(ctx, opt, 0, true, &out->seq_given);
      if (!id) return false;
      out->id = *id;
      out->id_given = true;
      break;
    } else {
      ctx.reply().Error(errors::kSyntax);
      return false;
    }
  }
  out->id_pos = i;
  if (out->trim.limit != 0 && out->trim.strategy == TrimArgs::kNone) {
    ctx.reply().Error(errors::kStreamLimitNoStrategy);
    return false;
  }
  if (!xadd && out->trim.strategy == TrimArgs::kNone) {
    ctx.reply().Error(errors::kStreamXtrimNoStrategy);
    return false;
  }
  if (ctx.MustObey()) {
    // The AOF and the master send trims in their exact form (PropagateAddOrTrim): "=" with
    // the LIMIT the client gave kept in place, which must not cut the trim short.
    out->trim.limit = 0;
  } else if (limit_given) {
    if (!out->trim.approx) {
      ctx.reply().Error(errors::kStreamLimitNoApprox);
      return false;
    }
  } else if (out->trim.approx) {
    int64_t limit = 100 * ctx.config().stream_node_max_entries;
    if (ctx.config().stream_node_max_entries > 1000000 / 100) limit = 1000000;
    if (limit <= 0) limit = 10000;
    if (limit > 1000000) limit = 1000000;
    out->trim.limit = limit;
  } else {
    out->trim.limit = 0;
  }
  return true;
}

// Redis's XADD/XTRIM propagation: an approximate trim ("~") is replayed as the exact trim it
// did ("=" and the length left, or the first ID left); an ID XADD generated (or completed)
// as that ID.
void PropagateAddOrTrim(CommandContext& ctx, std::span<const std::string_view> a,
                        const AddTrimArgs& p, const StreamValue& s, const StreamID* added) {
  bool trim = p.trim.strategy != TrimArgs::kNone && p.trim.approx;
  bool id = added && (!p.id_given || !p.seq_given);
  if (!ctx.propagating() || (!trim && !id)) return;
  std::vector<std::string> argv;
  argv.reserve(a.size() + 1);
  argv.emplace_back(ctx.name());
  argv.insert(argv.end(), a.begin(), a.end());
  if (trim) {
    argv[p.trim_pos] = "=";
    argv[p.trim_pos + 1] =
        p.trim.strategy == TrimArgs::kMaxLen ? std::to_string(s.length()) : s.first_id().ToString();
  }
  if (id) argv[p.id_pos + 1] = added->ToString();
  ctx.PropagateAs(std::move(argv));
}

// XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value ...
void CmdXadd(CommandContext& ctx, ArgReader& args) {
  std::span<const std::string_view> a = args.All();
  AddTrimArgs p;
  if (!ParseAddOrTrim(ctx, a, true, &p)) return;
  size_t field_pos = p.id_pos + 1;
  if (a.size() < field_pos + 2 || (a.size() - field_pos) % 2 == 1) {
    return ctx.reply().Error(errors::WrongArity("xadd"));
  }
  if (p.id_given && p.seq_given && p.id.IsZero()) {
    return ctx.reply().Error(errors::kStreamIdZero);
  }
  std::string_view key = a[0];
  bool failed = false;
  StreamValue* s = LookupWrite(ctx, key, &failed);
  if (failed) return;
  if (s == nullptr) {
    if (p.no_mkstream) return ctx.reply().Null();
    s = CreateAt(ctx, key);
  }
  if (s->last_id() == StreamID::Max()) {
    return ctx.reply().Error(errors::kStreamExhausted);
  }
  StreamID id;
  bool ok = true;
  bool seq_exhausted = false;
  if (p.id_given) {
    if (p.seq_given) {
      id = p.id;
    } else if (s->last_id().ms == p.id.ms) {
      if (s->last_id().seq == UINT64_MAX) {
        // Redis fails here without setting errno, so it answers with the other error.
        seq_exhausted = true;
      } else {
        id = s->last_id();
        id.seq++;
      }
    } else {
      id = p.id;
    }
  } else {
    id = s->NextId(static_cast<uint64_t>(ctx.now_ms()));
  }
  if (seq_exhausted) return ctx.reply().Error(errors::kStreamTooLarge);
  if (ok && id <= s->last_id()) ok = false;
  std::span<const std::string_view> fv = a.subspan(field_pos);
  // On these failures Redis leaves a stream it just created in place, empty.
  if (!ok) return ctx.reply().Error(errors::kStreamIdTooSmall);
  size_t total = 0;
  for (std::string_view f : fv) total += f.size();
  if (total > (size_t{1} << 30)) return ctx.reply().Error(errors::kStreamTooLarge);
  s->Append(id, fv, Limits(ctx));
  ReplyId(ctx.reply(), id);
  ctx.KeyModified(key, kNotifyStream, "xadd");
  if (p.trim.strategy != TrimArgs::kNone) {
    if (s->Trim(p.trim) != 0) ctx.Notify(kNotifyStream, "xtrim", key);
  }
  PropagateAddOrTrim(ctx, a, p, *s, &id);
  ctx.db().SignalReady(key);
}

// XRANGE / XREVRANGE key start end [COUNT count]
void RangeCommand(CommandContext& ctx, ArgReader& args, bool rev) {
  std::span<const std::string_view> a = args.All();
  std::string_view start_arg = rev ? a[2] : a[1];
  std::string_view end_arg = rev ? a[1] : a[2];
  auto parse_bound = [&](std::string_view arg, uint64_t missing, bool* exclusive) {
    *exclusive = arg.size() > 1 && arg[0] == '(';
    if (*exclusive) return ParseIdOrReply(ctx, arg.substr(1), missing, true);
    return ParseIdOrReply(ctx, arg, missing, false);
  };
  bool start_ex, end_ex;
  std::optional<StreamID> start = parse_bound(start_arg, 0, &start_ex);
  if (!start) return;
  if (start_ex && !start->Incr()) return ctx.reply().Error(errors::kStreamBadStart);
  std::optional<StreamID> end = parse_bound(end_arg, UINT64_MAX, &end_ex);
  if (!end) return;
  if (end_ex && !end->Decr()) return ctx.reply().Error(errors::kStreamBadEnd);
  int64_t count = -1;
  for (size_t j = 3; j < a.size(); j++) {
    size_t more = a.size() - j - 1;
    if (EqualsIgnoreCase(a[j], "count") && more >= 1) {
      std::optional<int64_t> v = ParseInt64(a[j + 1]);
      if (!v) return ctx.reply().Error(errors::kNotInteger);
      count = *v < 0 ? 0 : *v;
      j++;
    } else {
      return ctx.reply().Error(errors::kSyntax);
    }
  }
  bool failed = false;
  StreamValue* s = LookupRead(ctx, a[0], &failed);
  if (failed) return;
  if (s == nullptr) return ctx.reply().ArrayHeader(0);
  if (count == 0) return ctx.reply().NullArray();
  std::vector<stream::EntryView> entries;
  s->Range(*start, *end, rev, count < 0 ? 0 : static_cast<size_t>(count),
           [&](const stream::EntryView& e) {
             entries.push_back(e);
             return true;
           });
  ctx.reply().ArrayHeader(entries.size());
  for (const stream::EntryView& e : entries) ReplyEntry(ctx.reply(), e);
}

void CmdXrange(CommandContext& ctx, ArgReader& args) { RangeCommand(ctx, args, false); }
void CmdXrevrange(CommandContext& ctx, ArgReader& args) { RangeCommand(ctx, args, true); }

void CmdXlen(CommandContext& ctx, ArgReader& args) {
  bool failed = false;
  StreamValue* s = LookupRead(ctx, args[0], &failed);
  if (failed) return;
  ctx.reply().Integer(s ? static_cast<int64_t>(s->length()) : 0);
}

// XDEL key id [id ...]
void CmdXdel(CommandContext& ctx, ArgReader& args) {
  bool failed = false;
  StreamValue* s = LookupWrite(ctx, args[0], &failed);
  if (failed) return;
  if (s == nullptr) return ctx.reply().Integer(0);
  std::vector<StreamID> ids;
  for (size_t j = 1; j < args.size(); j++) {
    std::optional<StreamID> id = ParseIdOrReply(ctx, args[j], 0, true);
    if (!id) return;
    ids.push_back(*id);
  }
  int64_t deleted = 0;
  for (StreamID id : ids) {
    if (s->Delete(id)) {
      if (id > s->max_deleted_id()) s->set_max_deleted_id(id);
      deleted++;
    }
  }
  if (deleted != 0) {
    ctx.KeyModified(args[0], kNotifyStream, "xdel");
    ctx.AddDirty(deleted - 1);
  }
  ctx.reply().Integer(deleted);
}

// XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count]
void CmdXtrim(CommandContext& ctx, ArgReader& args) {
  AddTrimArgs p;
  if (!ParseAddOrTrim(ctx, args.All(), false, &p)) return;
  bool failed = false;
  StreamValue* s = LookupWrite(ctx, args[0], &failed);
  if (failed) return;
  if (s == nullptr) return ctx.reply().Integer(0);
  int64_t deleted = s->Trim(p.trim);
  if (deleted != 0) {
    ctx.KeyModified(args[0], kNotifyStream, "xtrim");
    ctx.AddDirty(deleted - 1);
    PropagateAddOrTrim(ctx, args.All(), p, *s, nullptr);
  }
  ctx.reply().Integer(deleted);
}

}  // namespace

void RegisterStreamCommands(CommandTable& table) {
  using F = CmdFlag;
  table.Add({.name = "xadd",
             .arity = -5,
             .flags = F::kWrite | F::kDenyOom | F::kFast,
             .first_key = 1,
             .last_key = 1,
             .step = 1,
             .handler = CmdXadd,
             .acl_categories = "@write @stream @fast"});
  table.Add({.name = "xrange",
             .arity = -4,
             .flags = F::kReadOnly,
             .first_key = 1,
             .last_key = 1,
             .step = 1,
             .handler = CmdXrange,
             .acl_categories = "@read @stream @slow"});
  table.Add({.name = "xrevrange",
             .arity = -4,
             .flags = F::kReadOnly,
             .first_key = 1,
             .last_key = 1,
             .step = 1,
             .handler = CmdXrevrange,
             .acl_categories = "@read @stream @slow"});
  table.Add({.name = "xlen",
             .arity = 2,
             .flags = F::kReadOnly | F::kFast,
             .first_key = 1,
             .last_key = 1,
             .step = 1,
             .handler = CmdXlen,
             .acl_categories = "@read @stream @fast"});
  table.Add({.name = "xdel",
             .arity = -3,
             .flags = F::kWrite | F::kFast,
             .first_key = 1,
             .last_key = 1,
             .step = 1,
             .handler = CmdXdel,
             .acl_categories = "@write @stream @fast"});
  table.Add({.name = "xtrim",
             .arity = -4,
             .flags = F::kWrite,
             .first_key = 1,
             .last_key = 1,
             .step = 1,
             .handler = CmdXtrim,
             .acl_categories = "@write @stream @slow"});
}

}  // namespace duet
