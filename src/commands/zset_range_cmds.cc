// ZRANGE (BYSCORE BYLEX REV LIMIT WITHSCORES), ZRANGESTORE and the older forms ZREVRANGE,
// Z[REV]RANGEBYSCORE, Z[REV]RANGEBYLEX: one parser (Redis's zrangeGenericCommand, in its
// order of checks) and one walker over rank intervals for every range kind.
#include <algorithm>
#include <string>
#include <vector>

#include "commands/zset_reply.h"
#include "protocol/errors.h"
#include "types/zset.h"

namespace duet::zsetcmd {

namespace {

using zset::ZSet;

enum class Kind { kAuto, kRank, kScore, kLex };
enum class Dir { kAuto, kForward, kReverse };

// argc_start: index of the source key in args (1 for ZRANGESTORE, whose args[0] is dst).
void RangeGeneric(CommandContext& ctx, ArgReader& args, size_t src_idx, bool store, Kind kind,
                  Dir dir) {
  ReplyBuilder& r = ctx.reply();
  size_t minidx = src_idx + 1, maxidx = src_idx + 2;
  bool withscores = false;
  int64_t offset = 0, limit = -1;
  bool has_limit = false;
  for (size_t j = src_idx + 3; j < args.size(); j++) {
    size_t left = args.size() - j - 1;
    std::string_view o = args[j];
    if (!store && EqualsIgnoreCase(o, "withscores")) {
      withscores = true;
    } else if (EqualsIgnoreCase(o, "limit") && left >= 2) {
      std::optional<int64_t> a = ParseInt64(args[j + 1]);
      std::optional<int64_t> b = a ? ParseInt64(args[j + 2]) : std::nullopt;
      if (!a || !b) return r.Error(errors::kNotInteger);
      offset = *a;
      limit = *b;
      has_limit = true;
      j += 2;
    } else if (dir == Dir::kAuto && EqualsIgnoreCase(o, "rev")) {
      dir = Dir::kReverse;
    } else if (kind == Kind::kAuto && EqualsIgnoreCase(o, "bylex")) {
      kind = Kind::kLex;
    } else if (kind == Kind::kAuto && EqualsIgnoreCase(o, "byscore")) {
      kind = Kind::kScore;
    } else {
      return r.Error(errors::kSyntax);
    }
  }
  if (dir == Dir::kAuto) dir = Dir::kForward;
  if (kind == Kind::kAuto) kind = Kind::kRank;
  // Redis tests opt_limit != -1, so "LIMIT 0 -1" passes with a rank range.
  if (has_limit && limit != -1 && kind == Kind::kRank) {
    return r.Error(
        "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
  }
  if (withscores && kind == Kind::kLex) {
    return r.Error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
  }
  bool rev = dir == Dir::kReverse;
  if (rev && kind != Kind::kRank) std::swap(minidx, maxidx);

  int64_t start = 0, end = 0;
  zset::ScoreRange srange;
  zset::LexRange lrange;
  if (kind == Kind::kRank) {
    std::optional<int64_t> a = ParseInt64(args[minidx]);
    std::optional<int64_t> b = a ? ParseInt64(args[maxidx]) : std::nullopt;
    if (!a || !b) return r.Error(errors::kNotInteger);
    start = *a;
    end = *b;
  } else if (kind == Kind::kScore) {
    if (!zset::ParseScoreRange(args[minidx], args[maxidx], &srange)) {
      return r.Error("ERR min or max is not a float");
    }
  } else if (!zset::ParseLexRange(args[minidx], args[maxidx], &lrange)) {
    return r.Error("ERR min or max not valid string range item");
  }

  Result<ZSet> found = zset::FindForRead(ctx.db(), args[src_idx]);
  if (!found.ok()) return r.Error(found.status());
  ZSet& z = *found;

  // The ranks to emit: [first, first + n) ascending, or descending from `first` when rev.
  size_t n = 0, first = 0;
  if (z) {
    size_t size = z.Size();
    if (kind == Kind::kRank) {
      int64_t llen = static_cast<int64_t>(size);
      if (start < 0) start += llen;
      if (end < 0) end += llen;
      if (start < 0) start = 0;
      if (!(start > end || start >= llen)) {
        if (end >= llen) end = llen - 1;
        n = static_cast<size_t>(end - start + 1);
        first = rev ? size - 1 - static_cast<size_t>(start) : static_cast<size_t>(start);
      }
    } else {
      auto [lo, hi] = kind == Kind::kScore ? z.ScoreRangeRanks(srange) : z.LexRangeRanks(lrange);
      size_t avail = hi - lo;
      // A negative offset skips everything (Redis's `while (offset--)`); a negative limit
      // means no limit.
      if (offset >= 0 && static_cast<uint64_t>(offset) < avail) {
        avail -= static_cast<size_t>(offset);
        n = limit < 0 ? avail : std::min<size_t>(avail, static_cast<size_t>(limit));
        first = rev ? hi - 1 - static_cast<size_t>(offset) : lo + static_cast<size_t>(offset);
      }
    }
  }

  if (store) {
    // As Redis's zrangestore handler: a set created for n members of unknown length (a
    // score/lex range hints 0), filled in emission order with zsetAdd's conversions, so the
    // first members of an oversized result go through the listpack (where -0 becomes 0).
    zset::Limits limits = zset::LimitsFrom(ctx.config());
    ZSet dst;
    if (n) {
      dst = ZSet::Create(kind == Kind::kRank ? n : 0, 0, limits);
      ZSet::Cursor c = z.At(first);
      for (size_t i = 0; i < n; i++) {
        dst.Add(c.score(), c.member(), zset::kAddNone, limits, nullptr);
        if (rev) {
          c.Prev();
        } else {
          c.Next();
        }
      }
    }
    return StoreValue(ctx, args[0], std::move(dst), "zrangestore");
  }
  ScoredHeader(r, n, withscores);
  if (!n) return;
  ZSet::Cursor c = z.At(first);
  for (size_t i = 0; i < n; i++) {
    Scored(r, c.member(), c.score(), withscores);
    if (rev) {
      c.Prev();
    } else {
      c.Next();
    }
  }
}

}  // namespace

void StoreValue(CommandContext& ctx, std::string_view dst, zset::ZSet z, std::string_view event) {
  Db& db = ctx.db();
  if (!z || z.Size() == 0) {
    if (db.Delete(dst)) ctx.KeyModified(dst, kNotifyGeneric, "del");
    return ctx.reply().Integer(0);
  }
  size_t n = z.Size();
  db.Upsert(z.Release(dst));
  ctx.KeyModified(dst, kNotifyZset, event);
  ctx.reply().Integer(static_cast<int64_t>(n));
}

void StoreResult(CommandContext& ctx, std::string_view dst,
                 std::vector<std::pair<std::string, double>>& members, std::string_view event) {
  StoreValue(ctx, dst,
             members.empty() ? ZSet() : ZSet::FromSorted(members, zset::LimitsFrom(ctx.config())),
             event);
}

void CmdZRange(CommandContext& ctx, ArgReader& args) {
  RangeGeneric(ctx, args, 0, false, Kind::kAuto, Dir::kAuto);
}
void CmdZRangeStore(CommandContext& ctx, ArgReader& args) {
  RangeGeneric(ctx, args, 1, true, Kind::kAuto, Dir::kAuto);
}
void CmdZRevRange(CommandContext& ctx, ArgReader& args) {
  RangeGeneric(ctx, args, 0, false, Kind::kRank, Dir::kReverse);
}
void CmdZRangeByScore(CommandContext& ctx, ArgReader& args) {
  RangeGeneric(ctx, args, 0, false, Kind::kScore, Dir::kForward);
}
void CmdZRevRangeByScore(CommandContext& ctx, ArgReader& args) {
  RangeGeneric(ctx, args, 0, false, Kind::kScore, Dir::kReverse);
}
void CmdZRangeByLex(CommandContext& ctx, ArgReader& args) {
  RangeGeneric(ctx, args, 0, false, Kind::kLex, Dir::kForward);
}
void CmdZRevRangeByLex(CommandContext& ctx, ArgReader& args) {
  RangeGeneric(ctx, args, 0, false, Kind::kLex, Dir::kReverse);
}

}  // namespace duet::zsetcmd
