// XPENDING, XCLAIM, XAUTOCLAIM: inspecting and transferring a group's pending entries
// (Redis 7.0.15's xpendingCommand, xclaimCommand, xautoclaimCommand, quirks included:
// XCLAIM stops reading IDs at the first argument that is not one; XAUTOCLAIM's next cursor
// is the entry after the last one examined).
#include <limits>
#include <vector>

#include "commands/command_context.h"
#include "commands/families.h"
#include "commands/stream_common.h"
#include "protocol/errors.h"

namespace duet {

namespace {

using namespace stream_cmds;  // NOLINT: the family's own helpers
using stream::StreamConsumer;
using stream::StreamGroup;
using stream::StreamNack;

std::optional<StreamID> ParseIntervalOrReply(CommandContext& ctx, std::string_view arg,
                                             uint64_t missing, bool* exclusive) {
  *exclusive = arg.size() > 1 && arg[0] == '(';
  if (*exclusive) return ParseIdOrReply(ctx, arg.substr(1), missing, true);
  return ParseIdOrReply(ctx, arg, missing, false);
}

// XPENDING key group [[IDLE min-idle-time] start end count [consumer]]
void CmdXpending(CommandContext& ctx, ArgReader& args) {
  std::span<const std::string_view> a = args.All();
  size_t argc = a.size() + 1;
  bool justinfo = argc == 3;
  StreamID start, end;
  int64_t count = 0, minidle = 0;
  std::string_view consumer_name;
  bool has_consumer = false;
  if (argc != 3 && (argc < 6 || argc > 9)) return ctx.reply().Error(errors::kSyntax);
  if (argc >= 6) {
    size_t startidx = 2;
    if (EqualsIgnoreCase(a[2], "idle")) {
      std::optional<int64_t> v = ParseInt64(a[3]);
      if (!v) return ctx.reply().Error(errors::kNotInteger);
      minidle = *v;
      if (argc < 8) return ctx.reply().Error(errors::kSyntax);
      startidx += 2;
    }
    std::optional<int64_t> c = ParseInt64(a[startidx + 2]);
    if (!c) return ctx.reply().Error(errors::kNotInteger);
    count = *c < 0 ? 0 : *c;
    bool ex;
    std::optional<StreamID> s = ParseIntervalOrReply(ctx, a[startidx], 0, &ex);
    if (!s) return;
    start = *s;
    if (ex && !start.Incr()) return ctx.reply().Error(errors::kStreamBadStart);
    std::optional<StreamID> e = ParseIntervalOrReply(ctx, a[startidx + 1], UINT64_MAX, &ex);
    if (!e) return;
    end = *e;
    if (ex && !end.Decr()) return ctx.reply().Error(errors::kStreamBadEnd);
    if (startidx + 3 < a.size()) {
      consumer_name = a[startidx + 3];
      has_consumer = true;
    }
  }
  bool failed = false;
  StreamValue* s = LookupRead(ctx, a[0], &failed);
  if (failed) return;
  StreamGroup* g = s ? s->FindGroup(a[1]) : nullptr;
  if (g == nullptr) return ctx.reply().Error(errors::NoSuchKeyOrGroup(a[0], a[1]));
  ReplyBuilder& r = ctx.reply();
  if (justinfo) {
    r.ArrayHeader(4);
    r.Integer(static_cast<int64_t>(g->pel.size()));
    if (g->pel.empty()) {
      r.Null();
      r.Null();
      r.NullArray();
      return;
    }
    ReplyId(r, g->pel.begin()->first);
    ReplyId(r, g->pel.back().first);
    size_t n = 0;
    for (const auto& [name, c] : g->consumers) n += c->pel.empty() ? 0 : 1;
    r.ArrayHeader(n);
    for (const auto& [name, c] : g->consumers) {
      if (c->pel.empty()) continue;
      r.ArrayHeader(2);
      r.Bulk(name);
      r.Bulk(std::to_string(c->pel.size()));
    }
    return;
  }
  std::vector<std::pair<StreamID, StreamNack*>> rows;
  int64_t now = ctx.now_ms();
  auto collect = [&](auto& pel) {
    for (auto it = pel.lower_bound(start); count != 0 && it != pel.end(); ++it) {
      if (it->first > end) break;
      StreamNack* nack = it->second;
      if (minidle != 0 && now - nack->delivery_time < minidle) continue;
      rows.emplace_back(it->first, nack);
      count--;
    }
  };
  if (has_consumer) {
    StreamConsumer* c = g->FindConsumer(consumer_name);
    if (c == nullptr) return r.ArrayHeader(0);
    collect(c->pel);
  } else {
    collect(g->pel);
  }
  r.ArrayHeader(rows.size());
  for (auto& [id, nack] : rows) {
    r.ArrayHeader(4);
    ReplyId(r, id);
    r.Bulk(nack->consumer->name);
    int64_t elapsed = now - nack->delivery_time;
    r.Integer(elapsed < 0 ? 0 : elapsed);
    r.Integer(static_cast<int64_t>(nack->delivery_count));
  }
}

std::optional<int64_t> ParseLongLongOrReply(CommandContext& ctx, std::string_view arg,
                                            std::string_view err) {
  std::optional<int64_t> v = ParseInt64(arg);
  if (!v) ctx.reply().Error(err);
  return v;
}

// XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME unix-ms]
//   [RETRYCOUNT count] [FORCE] [JUSTID] [LASTID id]
void CmdXclaim(CommandContext& ctx, ArgReader& args) {
  std::span<const std::string_view> a = args.All();
  bool failed = false;
  StreamValue* s = LookupRead(ctx, a[0], &failed);
  if (failed) return;
  StreamGroup* g = s ? s->FindGroup(a[1]) : nullptr;
  if (g == nullptr) return ctx.reply().Error(errors::NoSuchKeyOrGroup(a[0], a[1]));
  std::optional<int64_t> minidle = ParseLongLongOrReply(ctx, a[3], errors::kXclaimMinIdle);
  if (!minidle) return;
  if (*minidle < 0) *minidle = 0;
  std::vector<StreamID> ids;
  size_t j = 4;
  for (; j < a.size(); j++) {
    StreamID id;
    if (!stream::ParseID(a[j], 0, true, &id)) break;
    ids.push_back(id);
  }
  int64_t now = ctx.now_ms();
  int64_t retrycount = -1, deliverytime = -1;
  bool force = false, justid = false;
  StreamID last_id;
  for (; j < a.size(); j++) {
    size_t more = a.size() - 1 - j;
    std::string_view opt = a[j];
    if (EqualsIgnoreCase(opt, "force")) {
      force = true;
    } else if (EqualsIgnoreCase(opt, "justid")) {
      justid = true;
    } else if (EqualsIgnoreCase(opt, "idle") && more) {
      std::optional<int64_t> v = ParseLongLongOrReply(ctx, a[++j], errors::kXclaimIdle);
      if (!v) return;
      deliverytime = now - *v;
    } else if (EqualsIgnoreCase(opt, "time") && more) {
      std::optional<int64_t> v = ParseLongLongOrReply(ctx, a[++j], errors::kXclaimTime);
      if (!v) return;
      deliverytime = *v;
    } else if (EqualsIgnoreCase(opt, "retrycount") && more) {
      std::optional<int64_t> v = ParseLongLongOrReply(ctx, a[++j], errors::kXclaimRetry);
      if (!v) return;
      retrycount = *v;
    } else if (EqualsIgnoreCase(opt, "lastid") && more) {
      std::optional<StreamID> v = ParseIdOrReply(ctx, a[++j], 0, true);
      if (!v) return;
      last_id = *v;
    } else {
      return ctx.reply().Error(errors::UnrecognizedXclaimOption(opt));
    }
  }
  bool propagate_last_id = false;
  if (last_id > g->last_id) {
    g->last_id = last_id;
    propagate_last_id = true;
  }
  if (deliverytime != -1) {
    if (deliverytime < 0 || deliverytime > now) deliverytime = now;
  } else {
    deliverytime = now;
  }
  StreamConsumer* consumer = nullptr;
  std::vector<std::pair<StreamID, bool>> out;  // claimed IDs (entry exists)
  int64_t dirty = 0;
  // The command propagates as one XCLAIM per change in Redis's idempotent form (or
  // XGROUP SETID for a moved last ID alone).
  ctx.PreventPropagation();
  for (size_t i = 0; i < ids.size(); i++) {
    StreamID id = ids[i];
    StreamNack* nack = g->FindNack(id);
    if (!s->Contains(id)) {
      if (nack != nullptr) {
        PropagateXclaim(ctx, a[0], a[1], *g, a[4 + i], *nack);
        propagate_last_id = false;
        dirty++;
        g->Ack(id);
      }
      continue;
    }
    if (force && nack == nullptr) {
      nack = g->AddLoadedPending(id, now, 1);
      nack->consumer = nullptr;
    }
    if (nack == nullptr) continue;
    if (nack->consumer != nullptr && *minidle != 0 && now - nack->delivery_time < *minidle) {
      continue;
    }
    if (consumer == nullptr) consumer = LookupOrCreateConsumer(ctx, g, a[2], a[0]);
    nack->delivery_time = deliverytime;
    if (retrycount >= 0) {
      nack->delivery_count = static_cast<uint64_t>(retrycount);
    } else if (!justid) {
      nack->delivery_count++;
    }
    g->Assign(nack, id, consumer);
    out.emplace_back(id, true);
    PropagateXclaim(ctx, a[0], a[1], *g, a[4 + i], *nack);
    propagate_last_id = false;
    dirty++;
  }
  if (propagate_last_id) {
    dirty++;
    PropagateGroupId(ctx, a[0], a[1], *g);
  }
  ctx.AddDirty(dirty);
  ReplyBuilder& r = ctx.reply();
  r.ArrayHeader(out.size());
  for (auto& [id, exists] : out) {
    if (justid) {
      ReplyId(r, id);
    } else {
      ReplyEntry(r, *s->Get(id));
    }
  }
}

// XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID]
void CmdXautoclaim(CommandContext& ctx, ArgReader& args) {
  std::span<const std::string_view> a = args.All();
  std::optional<int64_t> minidle = ParseLongLongOrReply(ctx, a[3], errors::kXautoclaimMinIdle);
  if (!minidle) return;
  if (*minidle < 0) *minidle = 0;
  bool ex;
  std::optional<StreamID> start = ParseIntervalOrReply(ctx, a[4], 0, &ex);
  if (!start) return;
  if (ex && !start->Incr()) return ctx.reply().Error(errors::kStreamBadStart);
  int64_t count = 100;
  bool justid = false;
  for (size_t j = 5; j < a.size(); j++) {
    size_t more = a.size() - 1 - j;
    if (EqualsIgnoreCase(a[j], "count") && more) {
      constexpr int64_t kMax = std::numeric_limits<int64_t>::max() / 16;
      std::optional<int64_t> v = ParseInt64(a[j + 1]);
      if (!v || *v < 1 || *v > kMax) return ctx.reply().Error(errors::kGeoCountPositive);
      count = *v;
      j++;
    } else if (EqualsIgnoreCase(a[j], "justid")) {
      justid = true;
    } else {
      return ctx.reply().Error(errors::kSyntax);
    }
  }
  bool failed = false;
  StreamValue* s = LookupRead(ctx, a[0], &failed);
  if (failed) return;
  StreamGroup* g = s ? s->FindGroup(a[1]) : nullptr;
  if (g == nullptr) return ctx.reply().Error(errors::NoSuchKeyOrGroup(a[0], a[1]));
  StreamConsumer* consumer = nullptr;
  ctx.PreventPropagation();  // each change propagates as Redis's XCLAIM form
  int64_t attempts = count * 10;
  int64_t now = ctx.now_ms();
  std::vector<StreamID> claimed, deleted;
  int64_t dirty = 0;
  auto it = g->pel.lower_bound(*start);
  while (attempts-- != 0 && count != 0 && it != g->pel.end()) {
    StreamID id = it->first;
    StreamNack* nack = it->second;
    ++it;
    if (!s->Contains(id)) {
      dirty++;
      PropagateXclaim(ctx, a[0], a[1], *g, id.ToString(), *nack);
      StreamID next = it == g->pel.end() ? StreamID{} : it->first;
      bool at_end = it == g->pel.end();
      g->Ack(id);  // invalidates the PEL's iterators: find the next one again
      it = at_end ? g->pel.end() : g->pel.lower_bound(next);
      deleted.push_back(id);
      count--;
      continue;
    }
    if (*minidle != 0 && now - nack->delivery_time < *minidle) continue;
    if (consumer == nullptr) consumer = LookupOrCreateConsumer(ctx, g, a[2], a[0]);
    nack->delivery_time = now;
    if (!justid) nack->delivery_count++;
    g->Assign(nack, id, consumer);
    PropagateXclaim(ctx, a[0], a[1], *g, id.ToString(), *nack);
    claimed.push_back(id);
    count--;
    dirty++;
  }
  StreamID endid = it == g->pel.end() ? StreamID{} : it->first;
  ctx.AddDirty(dirty);
  ReplyBuilder& r = ctx.reply();
  r.ArrayHeader(3);
  ReplyId(r, endid);
  r.ArrayHeader(claimed.size());
  for (StreamID id : claimed) {
    if (justid) {
      ReplyId(r, id);
    } else {
      ReplyEntry(r, *s->Get(id));
    }
  }
  r.ArrayHeader(deleted.size());
  for (StreamID id : deleted) ReplyId(r, id);
}

}  // namespace

void RegisterStreamClaimCommands(CommandTable& table) {
  using F = CmdFlag;
  table.Add({.name = "xpending",
             .arity = -3,
             .flags = F::kReadOnly,
             .first_key = 1,
             .last_key = 1,
             .step = 1,
             .handler = CmdXpending,
             .acl_categories = "@read @stream @slow"});
  table.Add({.name = "xclaim",
             .arity = -6,
             .flags = F::kWrite | F::kFast,
             .first_key = 1,
             .last_key = 1,
             .step = 1,
             .handler = CmdXclaim,
             .acl_categories = "@write @stream @fast"});
  table.Add({.name = "xautoclaim",
             .arity = -6,
             .flags = F::kWrite | F::kFast,
             .first_key = 1,
             .last_key = 1,
             .step = 1,
             .handler = CmdXautoclaim,
             .acl_categories = "@write @stream @fast"});
}

}  // namespace duet
