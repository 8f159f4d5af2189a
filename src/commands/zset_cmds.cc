// Sorted-set commands: ZADD ZINCRBY ZREM ZCARD ZSCORE ZMSCORE ZRANK ZREVRANK ZCOUNT ZLEXCOUNT
// ZREMRANGEBY{RANK,SCORE,LEX} ZPOPMIN ZPOPMAX ZMPOP ZRANDMEMBER ZSCAN, and the registration
// of the whole family (ranges are in zset_range_cmds.cc, ZUNION & co in zset_setop_cmds.cc).
// Argument checks run in Redis 7.0's order (t_zset.c), so the first error reported matches.
#include <climits>
#include <cmath>
#include <string>
#include <unordered_set>
#include <vector>

#include "commands/families.h"
#include "commands/scan_args.h"
#include "commands/zset_reply.h"
#include "common/glob.h"
#include "keyspace/scan.h"
#include "protocol/errors.h"
#include "types/listpack.h"
#include "types/zset.h"

namespace duet {

namespace {

using zset::AddResult;
using zset::ZSet;
using namespace zsetcmd;

constexpr std::string_view kNanResult = "ERR resulting score is not a number (NaN)";
constexpr std::string_view kMinMaxNotFloat = "ERR min or max is not a float";
constexpr std::string_view kMinMaxNotLex = "ERR min or max not valid string range item";

// ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]; ZINCRBY shares it
// (zaddGenericCommand with INCR forced).
void ZAddGeneric(CommandContext& ctx, ArgReader& args, int flags) {
  std::string_view key = args[0];
  bool ch = false;
  size_t idx = 1;
  for (; idx < args.size(); idx++) {
    std::string_view o = args[idx];
    if (EqualsIgnoreCase(o, "nx")) {
      flags |= zset::kAddNx;
    } else if (EqualsIgnoreCase(o, "xx")) {
      flags |= zset::kAddXx;
    } else if (EqualsIgnoreCase(o, "ch")) {
      ch = true;
    } else if (EqualsIgnoreCase(o, "incr")) {
      flags |= zset::kAddIncr;
    } else if (EqualsIgnoreCase(o, "gt")) {
      flags |= zset::kAddGt;
    } else if (EqualsIgnoreCase(o, "lt")) {
      flags |= zset::kAddLt;
    } else {
      break;
    }
  }
  size_t elements = args.size() - idx;
  if (elements % 2 || elements == 0) return ctx.reply().Error(errors::kSyntax);
  elements /= 2;
  const bool nx = flags & zset::kAddNx, xx = flags & zset::kAddXx;
  const bool gt = flags & zset::kAddGt, lt = flags & zset::kAddLt;
  const bool incr = flags & zset::kAddIncr;
  if (nx && xx) {
    return ctx.reply().Error("ERR XX and NX options at the same time are not compatible");
  }
  if ((gt && nx) || (lt && nx) || (gt && lt)) {
    return ctx.reply().Error("ERR GT, LT, and/or NX options at the same time are not compatible");
  }
  if (incr && elements > 1) {
    return ctx.reply().Error("ERR INCR option supports a single increment-element pair");
  }
  double scores_inline[8];
  std::vector<double> scores_heap;
  double* scores = scores_inline;
  if (elements > 8) {
    scores_heap.resize(elements);
    scores = scores_heap.data();
  }
  for (size_t j = 0; j < elements; j++) {
    std::optional<double> s = zset::ParseScore(args[idx + 2 * j]);
    if (!s) return ctx.reply().Error(errors::kNotFloat);
    scores[j] = *s;
  }

  Db& db = ctx.db();
  zset::Limits limits = zset::LimitsFrom(ctx.config());
  Result<ZSet> found = zset::FindForWrite(db, key);
  if (!found.ok()) return ctx.reply().Error(found.status());
  ZSet& z = *found;
  size_t added = 0, updated = 0, processed = 0;
  double score = 0;
  // A new key's set is built before it enters the keyspace, so it can be compacted to one
  // exact-size allocation (the common "ZADD key s1 m1 s2 m2 ..." on a fresh key).
  bool created = false;
  if (!z && !xx) {
    // Redis 7.0's zaddGenericCommand picks the encoding from the first member alone
    // (entries limit 0 or a first member over the value limit: skiplist), then converts as
    // members are added; 130 copies of one member stay a listpack.
    z = ZSet::Create(1, args[idx + 1].size(), limits);
    created = true;
  }
  if (z) {
    for (size_t j = 0; j < elements; j++) {
      double ns = 0;
      AddResult r = z.Add(scores[j], args[idx + 2 * j + 1], flags, limits, &ns);
      if (r == AddResult::kNaN) {
        // Only an increment on an existing member gives NaN, so the key existed.
        if (added || updated) {
          ctx.KeyModified(key, kNotifyZset, incr ? "zincr" : "zadd");
          ctx.AddDirty(added + updated - 1);
        }
        return ctx.reply().Error(kNanResult);
      }
      if (r == AddResult::kAdded) added++;
      if (r == AddResult::kUpdated) updated++;
      if (r != AddResult::kNop) processed++;
      score = ns;
    }
    if (created && z.Size() != 0) db.Add(z.Release(key));
  }
  if (added || updated) {
    ctx.KeyModified(key, kNotifyZset, incr ? "zincr" : "zadd");
    ctx.AddDirty(added + updated - 1);
  }
  if (incr) {
    if (processed) return ctx.reply().Double(score);
    return ctx.reply().Null();
  }
  ctx.reply().Integer(static_cast<int64_t>(ch ? added + updated : added));
}

void CmdZAdd(CommandContext& ctx, ArgReader& args) { ZAddGeneric(ctx, args, zset::kAddNone); }
void CmdZIncrBy(CommandContext& ctx, ArgReader& args) { ZAddGeneric(ctx, args, zset::kAddIncr); }

void CmdZRem(CommandContext& ctx, ArgReader& args) {
  std::string_view key = args[0];
  Result<ZSet> z = zset::FindForWrite(ctx.db(), key);
  if (!z.ok()) return ctx.reply().Error(z.status());
  if (!*z) return ctx.reply().Integer(0);
  int64_t deleted = 0;
  for (size_t j = 1; j < args.size(); j++) {
    if (z->Remove(args[j])) deleted++;
    if (z->Size() == 0) {
      ctx.db().Delete(key);
      break;
    }
  }
  if (deleted) {
    ctx.KeyModified(key, kNotifyZset, "zrem");
    ctx.NotifyDelIfGone(key);
    ctx.AddDirty(deleted - 1);
  }
  ctx.reply().Integer(deleted);
}

void CmdZCard(CommandContext& ctx, ArgReader& args) {
  Result<ZSet> z = zset::FindForRead(ctx.db(), args[0]);
  if (!z.ok()) return ctx.reply().Error(z.status());
  ctx.reply().Integer(*z ? static_cast<int64_t>(z->Size()) : 0);
}

void CmdZScore(CommandContext& ctx, ArgReader& args) {
  Result<ZSet> z = zset::FindForRead(ctx.db(), args[0]);
  if (!z.ok()) return ctx.reply().Error(z.status());
  std::optional<double> s = *z ? z->Score(args[1]) : std::nullopt;
  if (!s) return ctx.reply().Null();
  ctx.reply().Double(*s);
}

void CmdZMScore(CommandContext& ctx, ArgReader& args) {
  Result<ZSet> z = zset::FindForRead(ctx.db(), args[0]);
  if (!z.ok()) return ctx.reply().Error(z.status());
  ctx.reply().ArrayHeader(args.size() - 1);
  for (size_t j = 1; j < args.size(); j++) {
    std::optional<double> s = *z ? z->Score(args[j]) : std::nullopt;
    if (s) {
      ctx.reply().Double(*s);
    } else {
      ctx.reply().Null();
    }
  }
}

void RankGeneric(CommandContext& ctx, ArgReader& args, bool reverse) {
  Result<ZSet> z = zset::FindForRead(ctx.db(), args[0]);
  if (!z.ok()) return ctx.reply().Error(z.status());
  std::optional<size_t> r = *z ? z->Rank(args[1]) : std::nullopt;
  if (!r) return ctx.reply().Null();
  ctx.reply().Integer(static_cast<int64_t>(reverse ? z->Size() - 1 - *r : *r));
}
void CmdZRank(CommandContext& ctx, ArgReader& args) { RankGeneric(ctx, args, false); }
void CmdZRevRank(CommandContext& ctx, ArgReader& args) { RankGeneric(ctx, args, true); }

void CmdZCount(CommandContext& ctx, ArgReader& args) {
  zset::ScoreRange range;
  if (!zset::ParseScoreRange(args[1], args[2], &range)) return ctx.reply().Error(kMinMaxNotFloat);
  Result<ZSet> z = zset::FindForRead(ctx.db(), args[0]);
  if (!z.ok()) return ctx.reply().Error(z.status());
  if (!*z) return ctx.reply().Integer(0);
  auto [lo, hi] = z->ScoreRangeRanks(range);
  ctx.reply().Integer(static_cast<int64_t>(hi - lo));
}

void CmdZLexCount(CommandContext& ctx, ArgReader& args) {
  zset::LexRange range;
  if (!zset::ParseLexRange(args[1], args[2], &range)) return ctx.reply().Error(kMinMaxNotLex);
  Result<ZSet> z = zset::FindForRead(ctx.db(), args[0]);
  if (!z.ok()) return ctx.reply().Error(z.status());
  if (!*z) return ctx.reply().Integer(0);
  auto [lo, hi] = z->LexRangeRanks(range);
  ctx.reply().Integer(static_cast<int64_t>(hi - lo));
}

enum class RemKind { kRank, kScore, kLex };

void RemRangeGeneric(CommandContext& ctx, ArgReader& args, RemKind kind) {
  std::string_view key = args[0];
  int64_t start = 0, end = 0;
  zset::ScoreRange srange;
  zset::LexRange lrange;
  if (kind == RemKind::kRank) {
    std::optional<int64_t> a = ParseInt64(args[1]);
    std::optional<int64_t> b = a ? ParseInt64(args[2]) : std::nullopt;
    if (!a || !b) return ctx.reply().Error(errors::kNotInteger);
    start = *a;
    end = *b;
  } else if (kind == RemKind::kScore) {
    if (!zset::ParseScoreRange(args[1], args[2], &srange)) {
      return ctx.reply().Error(kMinMaxNotFloat);
    }
  } else if (!zset::ParseLexRange(args[1], args[2], &lrange)) {
    return ctx.reply().Error(kMinMaxNotLex);
  }
  Result<ZSet> found = zset::FindForWrite(ctx.db(), key);
  if (!found.ok()) return ctx.reply().Error(found.status());
  ZSet& z = *found;
  if (!z) return ctx.reply().Integer(0);
  size_t lo, hi;
  if (kind == RemKind::kRank) {
    int64_t llen = static_cast<int64_t>(z.Size());
    if (start < 0) start += llen;
    if (end < 0) end += llen;
    if (start < 0) start = 0;
    if (start > end || start >= llen) return ctx.reply().Integer(0);
    if (end >= llen) end = llen - 1;
    lo = static_cast<size_t>(start);
    hi = static_cast<size_t>(end) + 1;
  } else if (kind == RemKind::kScore) {
    std::tie(lo, hi) = z.ScoreRangeRanks(srange);
  } else {
    std::tie(lo, hi) = z.LexRangeRanks(lrange);
  }
  size_t deleted = z.RemoveRankRange(lo, hi);
  bool emptied = z.Size() == 0;
  if (emptied) ctx.db().Delete(key);
  if (deleted) {
    ctx.KeyModified(key, kNotifyZset,
                    kind == RemKind::kScore  ? "zremrangebyscore"
                    : kind == RemKind::kRank ? "zremrangebyrank"
                                             : "zremrangebylex");
    if (emptied) ctx.Notify(kNotifyGeneric, "del", key);
    ctx.AddDirty(deleted - 1);
  }
  ctx.reply().Integer(static_cast<int64_t>(deleted));
}
void CmdZRemRangeByRank(CommandContext& ctx, ArgReader& args) {
  RemRangeGeneric(ctx, args, RemKind::kRank);
}
void CmdZRemRangeByScore(CommandContext& ctx, ArgReader& args) {
  RemRangeGeneric(ctx, args, RemKind::kScore);
}
void CmdZRemRangeByLex(CommandContext& ctx, ArgReader& args) {
  RemRangeGeneric(ctx, args, RemKind::kLex);
}

// genericZpopCommand for ZPOPMIN/ZPOPMAX/ZMPOP. `count` < 0: no COUNT given (one element,
// flat reply). `emit_key`: ZMPOP's [key, [[member, score]...]] shape.
void PopGeneric(CommandContext& ctx, std::span<const std::string_view> keys, bool max,
                int64_t count, bool emit_key) {
  Db& db = ctx.db();
  ZSet z;
  std::string_view key;
  for (std::string_view k : keys) {
    Result<ZSet> f = zset::FindForWrite(db, k);
    if (!f.ok()) return ctx.reply().Error(f.status());
    if (*f) {
      z = std::move(*f);
      key = k;
      break;
    }
  }
  ReplyBuilder& r = ctx.reply();
  if (!z) return emit_key ? r.NullArray() : r.ArrayHeader(0);
  if (count == 0) return r.ArrayHeader(0);
  bool nested = emit_key || (r.resp3() && count > 0);
  size_t n = std::min<size_t>(count < 0 ? 1 : static_cast<size_t>(count), z.Size());
  if (emit_key) {
    r.ArrayHeader(2);
    r.Bulk(key);
  }
  r.ArrayHeader(nested ? n : 2 * n);
  // Reply straight from the set, then remove the element (no copies).
  for (size_t i = 0; i < n; i++) {
    size_t rank = max ? z.Size() - 1 : 0;
    ZSet::Cursor c = z.At(rank);
    if (nested) r.ArrayHeader(2);
    r.Bulk(c.member());
    r.Double(c.score());
    z.RemoveRankRange(rank, rank + 1);
  }
  bool emptied = z.Size() == 0;
  if (emptied) db.Delete(key);
  ctx.KeyModified(key, kNotifyZset, max ? "zpopmax" : "zpopmin");
  if (emptied) ctx.Notify(kNotifyGeneric, "del", key);
  ctx.AddDirty(n - 1);
  // ZMPOP is replayed as ZPOPMIN/ZPOPMAX key count (Redis's genericZpopCommand).
  if (emit_key && ctx.propagating()) {
    ctx.PropagateAs({max ? "ZPOPMAX" : "ZPOPMIN", std::string(key), std::to_string(n)});
  }
}

void PopMinMax(CommandContext& ctx, ArgReader& args, bool max) {
  if (args.size() > 2) return ctx.reply().Error(errors::kSyntax);
  int64_t count = -1;
  if (args.size() == 2) {
    std::optional<int64_t> c = ParseInt64(args[1]);
    if (!c || *c < 0) return ctx.reply().Error(errors::kNotPositive);
    count = *c;
  }
  PopGeneric(ctx, args.All().subspan(0, 1), max, count, false);
}
void CmdZPopMin(CommandContext& ctx, ArgReader& args) { PopMinMax(ctx, args, false); }
void CmdZPopMax(CommandContext& ctx, ArgReader& args) { PopMinMax(ctx, args, true); }

// ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]
void CmdZMPop(CommandContext& ctx, ArgReader& args) {
  std::optional<int64_t> numkeys = ParseInt64(args[0]);
  if (!numkeys || *numkeys < 1) return ctx.reply().Error("ERR numkeys should be greater than 0");
  size_t where_idx = 1 + static_cast<size_t>(*numkeys);
  if (*numkeys >= static_cast<int64_t>(args.size()) || where_idx >= args.size()) {
    return ctx.reply().Error(errors::kSyntax);
  }
  bool max;
  if (EqualsIgnoreCase(args[where_idx], "min")) {
    max = false;
  } else if (EqualsIgnoreCase(args[where_idx], "max")) {
    max = true;
  } else {
    return ctx.reply().Error(errors::kSyntax);
  }
  int64_t count = -1;
  for (size_t j = where_idx + 1; j < args.size(); j++) {
    bool more = j + 1 < args.size();
    if (count == -1 && EqualsIgnoreCase(args[j], "count") && more) {
      std::optional<int64_t> c = ParseInt64(args[++j]);
      if (!c || *c < 1) return ctx.reply().Error("ERR count should be greater than 0");
      count = *c;
    } else {
      return ctx.reply().Error(errors::kSyntax);
    }
  }
  if (count == -1) count = 1;
  PopGeneric(ctx, args.All().subspan(1, static_cast<size_t>(*numkeys)), max, count, true);
}

// ZRANDMEMBER key [count [WITHSCORES]]
void CmdZRandMember(CommandContext& ctx, ArgReader& args) {
  ReplyBuilder& r = ctx.reply();
  if (args.size() == 1) {
    Result<ZSet> z = zset::FindForRead(ctx.db(), args[0]);
    if (!z.ok()) return r.Error(z.status());
    if (!*z) return r.Null();
    size_t rank = ctx.keyspace().NextRandom() % z->Size();
    return r.Bulk(z->At(rank).member());
  }
  std::optional<int64_t> l = ParseInt64(args[1]);
  if (!l) return r.Error(errors::kNotInteger);
  if (*l == INT64_MIN) {
    return r.Error(
        "ERR value is out of range, value must between -9223372036854775807 and "
        "9223372036854775807");
  }
  bool withscores = false;
  if (args.size() > 3 || (args.size() == 3 && !EqualsIgnoreCase(args[2], "withscores"))) {
    return r.Error(errors::kSyntax);
  }
  if (args.size() == 3) {
    withscores = true;
    if (*l < -INT64_MAX / 2 || *l > INT64_MAX / 2) return r.Error("ERR value is out of range");
  }
  Result<ZSet> found = zset::FindForRead(ctx.db(), args[0]);
  if (!found.ok()) return r.Error(found.status());
  ZSet& z = *found;
  if (!z || *l == 0) return r.ArrayHeader(0);
  size_t size = z.Size();
  auto& ks = ctx.keyspace();
  if (*l < 0 || *l == 1) {
    // Repeats allowed: `count` independent draws.
    size_t count = static_cast<size_t>(*l < 0 ? -*l : *l);
    ScoredHeader(r, count, withscores);
    for (size_t i = 0; i < count; i++) {
      ZSet::Cursor c = z.At(ks.NextRandom() % size);
      Scored(r, c.member(), c.score(), withscores);
    }
    return;
  }
  size_t count = static_cast<size_t>(*l);
  if (count >= size) {  // the whole set, in descending order as Redis replies it
    ScoredHeader(r, size, withscores);
    for (ZSet::Cursor c = z.At(size - 1); c.valid(); c.Prev()) {
      Scored(r, c.member(), c.score(), withscores);
    }
    return;
  }
  // Distinct ranks: partial Fisher-Yates over rank indexes when count is a large share of
  // the set, rejection sampling otherwise.
  std::vector<size_t> ranks;
  ranks.reserve(count);
  if (count * 3 > size) {
    std::vector<size_t> all(size);
    for (size_t i = 0; i < size; i++) all[i] = i;
    for (size_t i = 0; i < count; i++) {
      size_t j = i + ks.NextRandom() % (size - i);
      std::swap(all[i], all[j]);
      ranks.push_back(all[i]);
    }
  } else {
    std::unordered_set<size_t> seen;
    while (ranks.size() < count) {
      size_t k = ks.NextRandom() % size;
      if (seen.insert(k).second) ranks.push_back(k);
    }
  }
  ScoredHeader(r, count, withscores);
  for (size_t k : ranks) {
    ZSet::Cursor c = z.At(k);
    Scored(r, c.member(), c.score(), withscores);
  }
}

// ZSCAN key cursor [MATCH pattern] [COUNT count]
void CmdZScan(CommandContext& ctx, ArgReader& args) {
  std::optional<uint64_t> cursor = ParseScanCursor(args[1]);
  if (!cursor) return ctx.reply().Error(errors::kInvalidCursor);
  ReplyBuilder& r = ctx.reply();
  Result<ZSet> found = zset::FindForRead(ctx.db(), args[0]);
  if (!found.ok()) return r.Error(found.status());
  ZSet& z = *found;
  char cbuf[24];
  if (!z) {
    r.ArrayHeader(2);
    r.Bulk("0");
    return r.ArrayHeader(0);
  }
  args.Next();
  args.Next();
  ScanOptions opts;
  if (auto err = ParseScanOptions(args, /*allow_type=*/false, &opts)) return r.Error(*err);
  bool all = opts.pattern == "*";
  std::vector<std::pair<std::string, double>> out;
  uint64_t next = 0;
  auto take = [&](std::string_view m, double s) {
    if (all || GlobMatch(opts.pattern, m)) out.emplace_back(std::string(m), s);
  };
  if (z.IsListpack()) {
    // A listpack is returned whole in one call, as Redis does.
    for (ZSet::Cursor c = z.At(0); c.valid(); c.Next()) take(c.member(), c.score());
  } else {
    next = z.big()->ScanBig(*cursor, opts.count, take);
  }
  r.ArrayHeader(2);
  r.Bulk(FormatScanCursor(next, cbuf));
  r.ArrayHeader(out.size() * 2);
  // A listpack replies its stored score text (d2string), the big encoding "%.17g".
  char sbuf[32];
  bool lp = z.IsListpack();
  for (const auto& [m, s] : out) {
    r.Bulk(m);
    r.Bulk(
        std::string_view(sbuf, lp ? zset::FormatScore(s, sbuf) : zset::FormatScoreReply(s, sbuf)));
  }
}

constexpr CmdFlag kWrite = CmdFlag::kWrite;
constexpr CmdFlag kReadOnly = CmdFlag::kReadOnly;
constexpr CmdFlag kDenyOom = CmdFlag::kDenyOom;
constexpr CmdFlag kFast = CmdFlag::kFast;

}  // namespace

void RegisterZSetCommands(CommandTable& table) {
  auto add = [&](const char* name, int arity, CmdFlag flags, int first, int last,
                 CommandHandler handler, const char* acl) {
    table.Add({.name = name,
               .arity = arity,
               .flags = flags,
               .first_key = first,
               .last_key = last,
               .step = first ? 1 : 0,
               .handler = handler,
               .acl_categories = acl});
  };
  const char* kRF = "@read @sortedset @fast";
  const char* kRS = "@read @sortedset @slow";
  const char* kWF = "@write @sortedset @fast";
  const char* kWS = "@write @sortedset @slow";
  add("zadd", -4, kWrite | kDenyOom | kFast, 1, 1, CmdZAdd, kWF);
  add("zincrby", 4, kWrite | kDenyOom | kFast, 1, 1, CmdZIncrBy, kWF);
  add("zrem", -3, kWrite | kFast, 1, 1, CmdZRem, kWF);
  add("zcard", 2, kReadOnly | kFast, 1, 1, CmdZCard, kRF);
  add("zcount", 4, kReadOnly | kFast, 1, 1, CmdZCount, kRF);
  add("zlexcount", 4, kReadOnly | kFast, 1, 1, CmdZLexCount, kRF);
  add("zscore", 3, kReadOnly | kFast, 1, 1, CmdZScore, kRF);
  add("zmscore", -3, kReadOnly | kFast, 1, 1, CmdZMScore, kRF);
  add("zrank", 3, kReadOnly | kFast, 1, 1, CmdZRank, kRF);
  add("zrevrank", 3, kReadOnly | kFast, 1, 1, CmdZRevRank, kRF);
  add("zrange", -4, kReadOnly, 1, 1, CmdZRange, kRS);
  add("zrangestore", -5, kWrite | kDenyOom, 1, 2, CmdZRangeStore, kWS);
  add("zrangebyscore", -4, kReadOnly, 1, 1, CmdZRangeByScore, kRS);
  add("zrevrangebyscore", -4, kReadOnly, 1, 1, CmdZRevRangeByScore, kRS);
  add("zrangebylex", -4, kReadOnly, 1, 1, CmdZRangeByLex, kRS);
  add("zrevrangebylex", -4, kReadOnly, 1, 1, CmdZRevRangeByLex, kRS);
  add("zrevrange", -4, kReadOnly, 1, 1, CmdZRevRange, kRS);
  add("zpopmin", -2, kWrite | kFast, 1, 1, CmdZPopMin, kWF);
  add("zpopmax", -2, kWrite | kFast, 1, 1, CmdZPopMax, kWF);
  add("zmpop", -4, kWrite, 0, 0, CmdZMPop, kWS);
  add("zrandmember", -2, kReadOnly, 1, 1, CmdZRandMember, kRS);
  add("zremrangebyrank", 4, kWrite, 1, 1, CmdZRemRangeByRank, kWS);
  add("zremrangebyscore", 4, kWrite, 1, 1, CmdZRemRangeByScore, kWS);
  add("zremrangebylex", 4, kWrite, 1, 1, CmdZRemRangeByLex, kWS);
  add("zunion", -3, kReadOnly, 0, 0, CmdZUnion, kRS);
  add("zinter", -3, kReadOnly, 0, 0, CmdZInter, kRS);
  add("zdiff", -3, kReadOnly, 0, 0, CmdZDiff, kRS);
  add("zunionstore", -4, kWrite | kDenyOom, 1, 1, CmdZUnionStore, kWS);
  add("zinterstore", -4, kWrite | kDenyOom, 1, 1, CmdZInterStore, kWS);
  add("zdiffstore", -4, kWrite | kDenyOom, 1, 1, CmdZDiffStore, kWS);
  add("zintercard", -3, kReadOnly, 0, 0, CmdZInterCard, kRS);
  add("zscan", -3, kReadOnly, 1, 1, CmdZScan, kRS);
}

}  // namespace duet
