// XREAD and XREADGROUP, with BLOCK (Redis 7.0.15's xreadCommand and
// serveClientsBlockedOnStreamKey). A blocked reader is parked through ctx.BlockRewritten
// with "$" replaced by the ID it stood for; when a waited-on key becomes ready the command
// re-runs with ctx.ReadyKey() set and serves that key alone, as Redis does, or waits on.
#include <string>
#include <vector>

#include "commands/blocking_args.h"
#include "commands/command_context.h"
#include "commands/families.h"
#include "commands/stream_common.h"
#include "protocol/errors.h"

namespace duet {

namespace {

using namespace stream_cmds;  // NOLINT: the family's own helpers
using stream::StreamConsumer;
using stream::StreamGroup;

constexpr size_t kBlockedDefaultCount = 1000;  // XREAD_BLOCKED_DEFAULT_COUNT

struct ReadArgs {
  int64_t timeout = -1;  // -1: no BLOCK; else the absolute deadline (0 = forever)
  int64_t count = 0;
  size_t streams_arg = 0;  // index in args of the first key
  size_t streams_count = 0;
  bool noack = false;
  std::string_view group;
  std::string_view consumer;
  bool has_group = false;
};

// The ID of the stream's last live entry (the stream is not empty).
StreamID LastValidId(const StreamValue& s) {
  StreamID maxid;
  s.Range(StreamID{}, StreamID::Max(), true, 1, [&](const stream::EntryView& v) {
    maxid = v.id;
    return false;
  });
  return maxid;
}

// XREADGROUP's history: the consumer's own pending entries after `after`.
void ReplyHistory(CommandContext& ctx, StreamValue& s, StreamConsumer* consumer, StreamID after,
                  size_t count) {
  ReplyBuilder& r = ctx.reply();
  StreamID start = after;
  start.Incr();
  std::vector<std::pair<StreamID, stream::StreamNack*>> ids;
  for (auto it = consumer->pel.lower_bound(start); it != consumer->pel.end(); ++it) {
    if (count != 0 && ids.size() >= count) break;
    ids.emplace_back(it->first, it->second);
  }
  r.ArrayHeader(ids.size());
  for (auto& [id, nack] : ids) {
    std::optional<stream::EntryView> e = s.Get(id);
    if (e) {
      ReplyEntry(r, *e);
      nack->delivery_time = ctx.now_ms();
      nack->delivery_count++;
    } else {
      r.ArrayHeader(2);
      ReplyId(r, id);
      r.NullArray();
    }
  }
}

// A re-run after `key` became ready: serve it alone, or keep waiting.
void ServeReady(CommandContext& ctx, const ReadArgs& ra, std::span<const std::string_view> a,
                const std::string& key, int64_t deadline) {
  std::span<const std::string_view> keys = a.subspan(ra.streams_arg, ra.streams_count);
  size_t idx = 0;
  while (idx < keys.size() && keys[idx] != key) idx++;
  Entry* e = ctx.db().Peek(key);
  if (e == nullptr || e->type() != ValueType::kStream) {
    if (ra.has_group) return ctx.reply().Error(errors::kXreadStreamGone);
    ctx.BlockRewritten(keys, deadline, {}, ra.has_group);
    return;
  }
  auto* s = static_cast<StreamValue*>(e->object());
  StreamID gt;
  StreamGroup* group = nullptr;
  if (ra.has_group) {
    group = s->FindGroup(ra.group);
    if (group == nullptr) return ctx.reply().Error(errors::kXreadGroupGone);
    gt = group->last_id;
  } else {
    // The ID recorded at block time ("$" was rewritten to the ID it stood for).
    stream::ParseID(a[ra.streams_arg + ra.streams_count + idx], 0, true, &gt);
  }
  if (!(s->last_id() > gt)) {
    ctx.BlockRewritten(keys, deadline, {}, ra.has_group);
    return;
  }
  StreamConsumer* consumer = nullptr;
  if (group) {
    ctx.PreventPropagation();  // its deliveries propagate as XCLAIMs
    consumer = LookupOrCreateConsumer(ctx, group, ra.consumer, key, ra.noack, ra.group);
  }
  ReplyBuilder& r = ctx.reply();
  if (r.resp3()) {
    r.MapHeader(1);
  } else {
    r.ArrayHeader(1);
    r.ArrayHeader(2);
  }
  r.Bulk(key);
  size_t count = ra.count ? static_cast<size_t>(ra.count) : kBlockedDefaultCount;
  ReplyRangeForGroup(ctx, *s, gt, count, group, consumer, ra.noack, key, ra.group);
}

void ReadCommand(CommandContext& ctx, ArgReader& args, bool xreadgroup) {
  std::span<const std::string_view> a = args.All();
  ReadArgs ra;
  for (size_t i = 0; i < a.size(); i++) {
    size_t more = a.size() - i - 1;
    std::string_view o = a[i];
    if (EqualsIgnoreCase(o, "block") && more) {
      if (ctx.FromScript()) {
        return ctx.reply().Error(errors::StreamBlockFromScript(ctx.name()));
      }
      i++;
      std::optional<int64_t> deadline = ParseTimeoutOrReply(ctx, a[i], TimeoutUnit::kMilliseconds);
      if (!deadline) return;
      // A sum that wrapped is no deadline, as for the other blocking commands.
      ra.timeout = *deadline < 0 ? 0 : *deadline;
    } else if (EqualsIgnoreCase(o, "count") && more) {
      i++;
      std::optional<int64_t> c = ParseInt64(a[i]);
      if (!c) return ctx.reply().Error(errors::kNotInteger);
      ra.count = *c < 0 ? 0 : *c;
    } else if (EqualsIgnoreCase(o, "streams") && more) {
      ra.streams_arg = i + 1;
      ra.streams_count = a.size() - ra.streams_arg;
      if (ra.streams_count % 2 != 0) return ctx.reply().Error(errors::kXreadUnbalanced);
      ra.streams_count /= 2;
      break;
    } else if (EqualsIgnoreCase(o, "group") && more >= 2) {
      if (!xreadgroup) return ctx.reply().Error(errors::kXreadGroupOption);
      ra.group = a[i + 1];
      ra.consumer = a[i + 2];
      ra.has_group = true;
      i += 2;
    } else if (EqualsIgnoreCase(o, "noack")) {
      if (!xreadgroup) return ctx.reply().Error(errors::kXreadNoackOption);
      ra.noack = true;
    } else {
      return ctx.reply().Error(errors::kSyntax);
    }
  }
  if (ra.streams_arg == 0) return ctx.reply().Error(errors::kSyntax);
  if (xreadgroup && !ra.has_group) return ctx.reply().Error(errors::kXreadMissingGroup);

  if (const std::string* ready = ctx.ReadyKey()) {
    return ServeReady(ctx, ra, a, *ready, ra.timeout < 0 ? 0 : ra.timeout);
  }

  size_t n = ra.streams_count;
  std::vector<StreamID> ids(n);
  std::vector<StreamGroup*> groups(n, nullptr);
  std::vector<bool> dollar(n, false);
  for (size_t k = 0; k < n; k++) {
    std::string_view key = a[ra.streams_arg + k];
    std::string_view arg = a[ra.streams_arg + n + k];
    bool failed = false;
    StreamValue* s = LookupRead(ctx, key, &failed);
    if (failed) return;
    if (ra.has_group) {
      if (s == nullptr || (groups[k] = s->FindGroup(ra.group)) == nullptr) {
        return ctx.reply().Error(errors::XreadNoGroup(key, ra.group));
      }
    }
    if (arg == "$") {
      if (xreadgroup) return ctx.reply().Error(errors::kXreadGroupDollar);
      ids[k] = s ? s->last_id() : StreamID{};
      dollar[k] = true;
      continue;
    }
    if (arg == ">") {
      if (!xreadgroup) return ctx.reply().Error(errors::kXreadGt);
      ids[k] = StreamID::Max();
      continue;
    }
    std::optional<StreamID> id = ParseIdOrReply(ctx, arg, 0, true);
    if (!id) return;
    ids[k] = *id;
  }

  // Serve synchronously what can be served, key by key as Redis does (a key named twice
  // sees the group state the first read left). The reply's length is known only at the
  // end: the header is inserted in front of the served keys then.
  ReplyBuilder& r = ctx.reply();
  size_t mark = r.Mark();
  size_t served = 0;
  for (size_t k = 0; k < n; k++) {
    std::string_view key = a[ra.streams_arg + k];
    Entry* e = ctx.db().Peek(key);
    if (e == nullptr) continue;
    auto* s = static_cast<StreamValue*>(e->object());
    StreamID gt = ids[k];
    bool history = false;
    if (ra.has_group) {
      if (!(gt == StreamID::Max())) {
        history = true;
      } else if (s->length() != 0 && LastValidId(*s) > groups[k]->last_id) {
        gt = groups[k]->last_id;
      } else {
        continue;
      }
    } else if (s->length() == 0 || !(LastValidId(*s) > gt)) {
      continue;
    }
    served++;
    if (!r.resp3()) r.ArrayHeader(2);
    r.Bulk(key);
    StreamConsumer* consumer = nullptr;
    if (ra.has_group) {
      ctx.PreventPropagation();  // its deliveries propagate as XCLAIMs (Redis's form)
      consumer = LookupOrCreateConsumer(ctx, groups[k], ra.consumer, key, ra.noack, ra.group);
    }
    if (history) {
      ReplyHistory(ctx, *s, consumer, gt, static_cast<size_t>(ra.count));
    } else {
      ReplyRangeForGroup(ctx, *s, gt, static_cast<size_t>(ra.count), groups[k], consumer, ra.noack,
                         key, ra.group);
    }
    if (ra.has_group) ctx.AddDirty(1);
  }
  if (served != 0) {
    return r.resp3() ? r.InsertMapHeader(mark, served) : r.InsertArrayHeader(mark, served);
  }
  if (ra.timeout != -1) {
    std::span<const std::string_view> keys = a.subspan(ra.streams_arg, n);
    // Re-run with "$" replaced by the ID it meant now.
    std::vector<std::string> id_strs;
    std::vector<std::string_view> rewritten;
    bool any_dollar = false;
    for (bool d : dollar) any_dollar |= d;
    if (any_dollar) {
      id_strs.reserve(n);
      rewritten.push_back(ctx.name());
      for (size_t i = 0; i < ra.streams_arg + n; i++) rewritten.push_back(a[i]);
      for (size_t k = 0; k < n; k++) {
        if (dollar[k]) {
          id_strs.push_back(ids[k].ToString());
          rewritten.push_back(id_strs.back());
        } else {
          rewritten.push_back(a[ra.streams_arg + n + k]);
        }
      }
    }
    if (!ctx.BlockRewritten(keys, ra.timeout, rewritten, ra.has_group)) r.NullArray();
    return;
  }
  r.NullArray();
}

void CmdXread(CommandContext& ctx, ArgReader& args) { ReadCommand(ctx, args, false); }
void CmdXreadgroup(CommandContext& ctx, ArgReader& args) { ReadCommand(ctx, args, true); }

}  // namespace

void RegisterStreamReadCommands(CommandTable& table) {
  using F = CmdFlag;
  table.Add({.name = "xread",
             .arity = -4,
             .flags = F::kReadOnly | F::kBlocking,
             .handler = CmdXread,
             .acl_categories = "@read @stream @slow @blocking"});
  table.Add({.name = "xreadgroup",
             .arity = -7,
             .flags = F::kWrite | F::kBlocking,
             .handler = CmdXreadgroup,
             .acl_categories = "@write @stream @slow @blocking"});
}

}  // namespace duet
