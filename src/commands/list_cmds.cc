// LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP LLEN LRANGE LINDEX LSET LINSERT LREM LTRIM LPOS LMOVE
// RPOPLPUSH LMPOP: parse, call types/list_type.h, reply. Argument checks come in Redis's
// order (t_list.c): some commands parse their numbers before looking the key up (LRANGE,
// LTRIM, LREM, LPOS, LPOP's count), others after (LINDEX, LSET), and the replies differ
// accordingly. The blocking variants are the lead's (they share the types/ core).
#include <vector>

#include "commands/blocking_args.h"
#include "commands/command_context.h"
#include "commands/families.h"
#include "commands/list_args.h"
#include "protocol/errors.h"
#include "types/list_type.h"

namespace duet {

namespace {

using lists::End;

// Redis adds one to the dirty counter per element changed; KeyModified adds the first.
void Modified(CommandContext& ctx, std::string_view key, size_t changes, std::string_view event) {
  ctx.KeyModified(key, kNotifyList, event);
  if (changes > 1) ctx.AddDirty(changes - 1);
}

std::string_view PushEvent(End end) { return end == End::kHead ? "lpush" : "rpush"; }
std::string_view PopEvent(End end) { return end == End::kHead ? "lpop" : "rpop"; }

void PushGeneric(CommandContext& ctx, ArgReader& args, End end, bool only_if_exists) {
  std::string_view key = args[0];
  Result<size_t> len =
      lists::Push(ctx.db(), ctx.config(), key, end, args.All().subspan(1), only_if_exists);
  if (!len.ok()) return ctx.reply().Error(len.status());
  if (*len > 0) Modified(ctx, key, args.size() - 1, PushEvent(end));
  ctx.reply().Integer(static_cast<int64_t>(*len));
}

void CmdLPush(CommandContext& ctx, ArgReader& args) { PushGeneric(ctx, args, End::kHead, false); }
void CmdRPush(CommandContext& ctx, ArgReader& args) { PushGeneric(ctx, args, End::kTail, false); }
void CmdLPushX(CommandContext& ctx, ArgReader& args) { PushGeneric(ctx, args, End::kHead, true); }
void CmdRPushX(CommandContext& ctx, ArgReader& args) { PushGeneric(ctx, args, End::kTail, true); }

void PopGeneric(CommandContext& ctx, ArgReader& args, End end) {
  if (args.size() > 2) return ctx.reply().Error(errors::WrongArity(ctx.spec().name));
  std::string_view key = args[0];
  bool has_count = args.size() == 2;
  int64_t count = 1;
  if (has_count) {
    std::optional<int64_t> v = ParseInt64(args[1]);
    if (!v || *v < 0) return ctx.reply().Error(errors::kNotPositive);
    count = *v;
  }
  ReplyBuilder& r = ctx.reply();
  if (count == 0) {  // type check only: an existing list answers an empty array
    Result<lists::ListValue*> list = lists::FindForWrite(ctx.db(), key);
    if (!list.ok()) return r.Error(list.status());
    return *list ? r.ArrayHeader(0) : r.NullArray();
  }
  Result<size_t> n = lists::Pop(
      ctx.db(), key, end, static_cast<size_t>(count),
      [&](size_t total) {
        if (has_count) r.ArrayHeader(total);
      },
      [&](std::string_view v) { r.Bulk(v); });
  if (!n.ok()) return r.Error(n.status());
  if (*n == 0) return has_count ? r.NullArray() : r.Null();
  Modified(ctx, key, *n, PopEvent(end));
  ctx.NotifyDelIfGone(key);
}

void CmdLPop(CommandContext& ctx, ArgReader& args) { PopGeneric(ctx, args, End::kHead); }
void CmdRPop(CommandContext& ctx, ArgReader& args) { PopGeneric(ctx, args, End::kTail); }

void CmdLLen(CommandContext& ctx, ArgReader& args) {
  Result<size_t> len = lists::Length(ctx.db(), args[0]);
  if (!len.ok()) return ctx.reply().Error(len.status());
  ctx.reply().Integer(static_cast<int64_t>(*len));
}

void CmdLRange(CommandContext& ctx, ArgReader& args) {
  std::optional<int64_t> start = ParseInt64(args[1]);
  std::optional<int64_t> end = start ? ParseInt64(args[2]) : std::nullopt;
  if (!start || !end) return ctx.reply().Error(errors::kNotInteger);
  ReplyBuilder& r = ctx.reply();
  OpStatus st = lists::Range(
      ctx.db(), args[0], *start, *end, [&](size_t n) { r.ArrayHeader(n); },
      [&](std::string_view v) { r.Bulk(v); });
  if (st != OpStatus::kOk) r.Error(st);
}

void CmdLIndex(CommandContext& ctx, ArgReader& args) {
  // The key is checked before the index is parsed: a missing key answers nil to any index.
  Result<lists::ListValue*> list = lists::FindForRead(ctx.db(), args[0]);
  if (!list.ok()) return ctx.reply().Error(list.status());
  if (*list == nullptr) return ctx.reply().Null();
  std::optional<int64_t> index = ParseInt64(args[1]);
  if (!index) return ctx.reply().Error(errors::kNotInteger);
  std::string v;
  if (!(*list)->ql().Get(*index, &v)) return ctx.reply().Null();
  ctx.reply().Bulk(v);
}

void CmdLSet(CommandContext& ctx, ArgReader& args) {
  std::string_view key = args[0];
  Result<lists::ListValue*> list = lists::FindForWrite(ctx.db(), key);
  if (!list.ok()) return ctx.reply().Error(list.status());
  if (*list == nullptr) return ctx.reply().Error(errors::kNoSuchKey);
  std::optional<int64_t> index = ParseInt64(args[1]);
  if (!index) return ctx.reply().Error(errors::kNotInteger);
  OpStatus st = lists::Set(ctx.db(), ctx.config(), key, *index, args[2]);
  if (st != OpStatus::kOk) return ctx.reply().Error(st);
  ctx.KeyModified(key, kNotifyList, "lset");
  ctx.reply().Ok();
}

void CmdLInsert(CommandContext& ctx, ArgReader& args) {
  bool after;
  if (EqualsWord(args[1], "after")) {
    after = true;
  } else if (EqualsWord(args[1], "before")) {
    after = false;
  } else {
    return ctx.reply().Error(errors::kSyntax);
  }
  Result<int64_t> len = lists::Insert(ctx.db(), ctx.config(), args[0], after, args[2], args[3]);
  if (!len.ok()) return ctx.reply().Error(len.status());
  if (*len > 0) ctx.KeyModified(args[0], kNotifyList, "linsert");
  ctx.reply().Integer(*len);
}

void CmdLRem(CommandContext& ctx, ArgReader& args) {
  std::optional<int64_t> count = ParseInt64(args[1]);
  if (!count) return ctx.reply().Error(errors::kNotInteger);
  Result<size_t> removed = lists::Remove(ctx.db(), args[0], *count, args[2]);
  if (!removed.ok()) return ctx.reply().Error(removed.status());
  if (*removed > 0) {
    Modified(ctx, args[0], *removed, "lrem");
    ctx.NotifyDelIfGone(args[0]);
  }
  ctx.reply().Integer(static_cast<int64_t>(*removed));
}

void CmdLTrim(CommandContext& ctx, ArgReader& args) {
  std::optional<int64_t> start = ParseInt64(args[1]);
  std::optional<int64_t> end = start ? ParseInt64(args[2]) : std::nullopt;
  if (!start || !end) return ctx.reply().Error(errors::kNotInteger);
  size_t removed = 0;
  Result<bool> existed = lists::Trim(ctx.db(), args[0], *start, *end, &removed);
  if (!existed.ok()) return ctx.reply().Error(existed.status());
  // Redis signals the key even when nothing was trimmed, but adds only what was removed to
  // the dirty counter.
  if (*existed && removed > 0) Modified(ctx, args[0], removed, "ltrim");
  if (*existed && removed == 0) {
    ctx.KeyModifiedInDb(ctx.db_index(), args[0]);
    ctx.Notify(kNotifyList, "ltrim", args[0]);
  }
  if (*existed) ctx.NotifyDelIfGone(args[0]);
  ctx.reply().Ok();
}

void CmdLPos(CommandContext& ctx, ArgReader& args) {
  lists::PosParams params;
  ReplyBuilder& r = ctx.reply();
  for (size_t j = 2; j < args.size(); j++) {
    std::string_view opt = args[j];
    bool more = j + 1 < args.size();
    if (EqualsWord(opt, "rank") && more) {
      std::optional<int64_t> v = ParseInt64(args[++j]);
      if (!v) return r.Error(errors::kNotInteger);
      if (*v == 0) return r.Error(errors::kLposRankZero);
      params.rank = *v;
    } else if (EqualsWord(opt, "count") && more) {
      std::optional<int64_t> v = ParseInt64(args[++j]);
      if (!v || *v < 0) return r.Error(errors::kLposCountNegative);
      params.count = *v;
    } else if (EqualsWord(opt, "maxlen") && more) {
      std::optional<int64_t> v = ParseInt64(args[++j]);
      if (!v || *v < 0) return r.Error(errors::kLposMaxlenNegative);
      params.maxlen = *v;
    } else {
      return r.Error(errors::kSyntax);
    }
  }
  std::vector<int64_t> matches;
  OpStatus st = lists::Positions(ctx.db(), args[0], args[1], params,
                                 [&](int64_t index) { matches.push_back(index); });
  if (st != OpStatus::kOk) return r.Error(st);
  if (params.count != -1) {
    r.ArrayHeader(matches.size());
    for (int64_t m : matches) r.Integer(m);
  } else if (matches.empty()) {
    r.Null();
  } else {
    r.Integer(matches[0]);
  }
}

void MoveGeneric(CommandContext& ctx, std::string_view src, std::string_view dst, End from,
                 End to) {
  Result<std::optional<std::string>> v = lists::Move(ctx.db(), ctx.config(), src, dst, from, to);
  if (!v.ok()) return ctx.reply().Error(v.status());
  if (!*v) return ctx.reply().Null();
  SignalMoveAndReply(ctx, src, dst, **v, from == End::kHead, to == End::kHead);
}

void CmdLMove(CommandContext& ctx, ArgReader& args) {
  End from, to;
  if (!ParseListEndOrReply(ctx, args[2], &from) || !ParseListEndOrReply(ctx, args[3], &to)) return;
  MoveGeneric(ctx, args[0], args[1], from, to);
}

void CmdRPopLPush(CommandContext& ctx, ArgReader& args) {
  MoveGeneric(ctx, args[0], args[1], End::kTail, End::kHead);
}

void CmdLMPop(CommandContext& ctx, ArgReader& args) {
  ReplyBuilder& r = ctx.reply();
  std::optional<MpopArgs> m = ParseMpopArgsOrReply(ctx, args.All(), 0, "left", "right");
  if (!m) return;
  End end = m->second_word ? End::kTail : End::kHead;
  size_t count = m->count;
  std::span<const std::string_view> keys = m->keys;
  Result<std::optional<size_t>> which = lists::FirstNonEmpty(ctx.db(), keys);
  if (!which.ok()) return r.Error(which.status());
  if (!*which) return r.NullArray();
  std::string_view key = keys[**which];
  Result<size_t> n = lists::Pop(
      ctx.db(), key, end, static_cast<size_t>(count),
      [&](size_t total) {
        r.ArrayHeader(2);
        r.Bulk(key);
        r.ArrayHeader(total);
      },
      [&](std::string_view v) { r.Bulk(v); });
  if (n.ok() && *n > 0) {
    Modified(ctx, key, *n, PopEvent(end));
    ctx.NotifyDelIfGone(key);
    // Replayed as [LR]POP key count (Redis's lmpopGenericCommand).
    if (ctx.propagating()) {
      ctx.PropagateAs({end == End::kHead ? "LPOP" : "RPOP", std::string(key), std::to_string(*n)});
    }
  }
}

constexpr CmdFlag kWrite = CmdFlag::kWrite;
constexpr CmdFlag kReadOnly = CmdFlag::kReadOnly;
constexpr CmdFlag kDenyOom = CmdFlag::kDenyOom;
constexpr CmdFlag kFast = CmdFlag::kFast;

}  // namespace

void RegisterListCommands(CommandTable& table) {
  auto add = [&table](auto&&... spec) { table.Add(spec...); };
  add("lpush", -3, kWrite | kDenyOom | kFast, 1, 1, 1, CmdLPush, "@write @list @fast");
  add("rpush", -3, kWrite | kDenyOom | kFast, 1, 1, 1, CmdRPush, "@write @list @fast");
  add("lpushx", -3, kWrite | kDenyOom | kFast, 1, 1, 1, CmdLPushX, "@write @list @fast");
  add("rpushx", -3, kWrite | kDenyOom | kFast, 1, 1, 1, CmdRPushX, "@write @list @fast");
  add("lpop", -2, kWrite | kFast, 1, 1, 1, CmdLPop, "@write @list @fast");
  add("rpop", -2, kWrite | kFast, 1, 1, 1, CmdRPop, "@write @list @fast");
  add("llen", 2, kReadOnly | kFast, 1, 1, 1, CmdLLen, "@read @list @fast");
  add("lrange", 4, kReadOnly, 1, 1, 1, CmdLRange, "@read @list @slow");
  add("lindex", 3, kReadOnly, 1, 1, 1, CmdLIndex, "@read @list @slow");
  add("lset", 4, kWrite | kDenyOom, 1, 1, 1, CmdLSet, "@write @list @slow");
  add("linsert", 5, kWrite | kDenyOom, 1, 1, 1, CmdLInsert, "@write @list @slow");
  add("lrem", 4, kWrite, 1, 1, 1, CmdLRem, "@write @list @slow");
  add("ltrim", 4, kWrite, 1, 1, 1, CmdLTrim, "@write @list @slow");
  add("lpos", -3, kReadOnly, 1, 1, 1, CmdLPos, "@read @list @slow");
  add("lmove", 5, kWrite | kDenyOom, 1, 2, 1, CmdLMove, "@write @list @slow");
  add("rpoplpush", 3, kWrite | kDenyOom, 1, 2, 1, CmdRPopLPush, "@write @list @slow");
  add("lmpop", -4, kWrite, 0, 0, 0, CmdLMPop, "@write @list @slow");
}

}  // namespace duet
