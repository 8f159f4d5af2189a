// ZUNION ZINTER ZDIFF, their STORE forms and ZINTERCARD: Redis's
// zunionInterDiffGenericCommand (numkeys, key types, then WEIGHTS/AGGREGATE/WITHSCORES/LIMIT
// in that order of checks). Inputs may be sorted sets or sets (members of a set score 1).
#include <algorithm>
#include <cmath>
#include <string>
#include <unordered_map>
#include <vector>

#include "commands/zset_reply.h"
#include "protocol/errors.h"
#include "types/set_value.h"
#include "types/typed_lookup.h"
#include "types/zset.h"

namespace duet::zsetcmd {

namespace {

using zset::ZSet;

enum class Op { kUnion, kInter, kDiff };
enum class Aggr { kSum, kMin, kMax };

// One input: a sorted set or a set (members of a set score 1), both null when the key is
// missing, and its weight.
struct Source {
  ZSet z;
  const SetValue* set = nullptr;
  double weight = 1.0;
  size_t Size() const { return z ? z.Size() : set ? set->size() : 0; }
  std::optional<double> Score(std::string_view m) const {
    if (z) return z.Score(m);
    if (set && set->Contains(m)) return 1.0;
    return std::nullopt;
  }
  // fn(member, score) for every member (sorted sets in order).
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    if (z) {
      for (ZSet::Cursor c = z.At(0); c.valid(); c.Next()) fn(c.member(), c.score());
    } else if (set) {
      set->ForEach([&](std::string_view m) { fn(m, 1.0); });
    }
  }
};

void Aggregate(Aggr a, double* target, double v) {
  switch (a) {
    case Aggr::kSum:
      *target += v;
      if (std::isnan(*target)) *target = 0.0;  // inf + -inf
      break;
    case Aggr::kMin:
      *target = std::min(*target, v);
      break;
    case Aggr::kMax:
      *target = std::max(*target, v);
      break;
  }
}

double Weighted(double score, double weight) {
  double v = score * weight;
  return std::isnan(v) ? 0.0 : v;  // 0 * inf
}

bool ByScoreThenMember(const std::pair<std::string, double>& a,
                       const std::pair<std::string, double>& b) {
  if (a.second != b.second) return a.second < b.second;
  return a.first < b.first;
}

// dst: the STORE destination (nullptr for the reply forms). card_only: ZINTERCARD.
void SetOpGeneric(CommandContext& ctx, ArgReader& args, const std::string_view* dst,
                  size_t numkeys_idx, Op op, bool card_only) {
  ReplyBuilder& r = ctx.reply();
  std::optional<int64_t> setnum = ParseInt64(args[numkeys_idx]);
  if (!setnum) return r.Error(errors::kNotInteger);
  if (*setnum < 1) {
    return r.Error("ERR at least 1 input key is needed for '" + ctx.spec().name + "' command");
  }
  if (*setnum > static_cast<int64_t>(args.size() - numkeys_idx - 1)) {
    return r.Error(errors::kSyntax);
  }
  size_t n = static_cast<size_t>(*setnum);
  std::vector<Source> src(n);
  size_t j = numkeys_idx + 1;
  for (size_t i = 0; i < n; i++, j++) {
    Entry* e = ctx.db().FindRead(args[j]);
    if (e && e->type() != ValueType::kZSet && e->type() != ValueType::kSet) {
      return r.Error(errors::kWrongType);
    }
    if (e && e->type() == ValueType::kZSet) src[i].z = ZSet::Of(e);
    if (e && e->type() == ValueType::kSet) src[i].set = ValueOf<SetValue>(e);
  }
  Aggr aggr = Aggr::kSum;
  bool withscores = false;
  int64_t limit = 0;
  while (j < args.size()) {
    size_t remaining = args.size() - j;
    std::string_view o = args[j];
    if (op != Op::kDiff && !card_only && remaining >= n + 1 && EqualsIgnoreCase(o, "weights")) {
      j++;
      for (size_t i = 0; i < n; i++, j++) {
        std::optional<double> w = zset::ParseScore(args[j]);
        if (!w) return r.Error("ERR weight value is not a float");
        src[i].weight = *w;
      }
    } else if (op != Op::kDiff && !card_only && remaining >= 2 &&
               EqualsIgnoreCase(o, "aggregate")) {
      std::string_view a = args[j + 1];
      if (EqualsIgnoreCase(a, "sum")) {
        aggr = Aggr::kSum;
      } else if (EqualsIgnoreCase(a, "min")) {
        aggr = Aggr::kMin;
      } else if (EqualsIgnoreCase(a, "max")) {
        aggr = Aggr::kMax;
      } else {
        return r.Error(errors::kSyntax);
      }
      j += 2;
    } else if (!dst && !card_only && EqualsIgnoreCase(o, "withscores")) {
      withscores = true;
      j++;
    } else if (card_only && remaining >= 2 && EqualsIgnoreCase(o, "limit")) {
      std::optional<int64_t> l = ParseInt64(args[j + 1]);
      if (!l || *l < 0) return r.Error("ERR LIMIT can't be negative");
      limit = *l;
      j += 2;
    } else {
      return r.Error(errors::kSyntax);
    }
  }

  std::vector<std::pair<std::string, double>> out;
  if (op == Op::kInter) {
    // Smallest input first: every result member must be in it.
    std::stable_sort(src.begin(), src.end(),
                     [](const Source& a, const Source& b) { return a.Size() < b.Size(); });
    if (src[0].Size() > 0) {
      size_t card = 0;
      bool done = false;
      src[0].ForEach([&](std::string_view m, double s0) {
        if (done) return;
        double score = Weighted(s0, src[0].weight);
        for (size_t i = 1; i < n; i++) {
          std::optional<double> s = src[i].Score(m);
          if (!s) return;
          // Only the first input's product is NaN-fixed (0 * inf); Redis aggregates the
          // others' raw products (MIN/MAX then ignore a NaN, SUM turns it into 0).
          Aggregate(aggr, &score, *s * src[i].weight);
        }
        if (card_only) {
          if (++card == static_cast<size_t>(limit) && limit) done = true;
          return;
        }
        out.emplace_back(std::string(m), score);
      });
      if (card_only) return r.Integer(static_cast<int64_t>(card));
    } else if (card_only) {
      return r.Integer(0);
    }
  } else if (op == Op::kUnion) {
    std::stable_sort(src.begin(), src.end(),
                     [](const Source& a, const Source& b) { return a.Size() < b.Size(); });
    std::unordered_map<std::string, double> acc;
    for (const Source& s : src) {
      s.ForEach([&](std::string_view m, double score) {
        double v = Weighted(score, s.weight);
        auto [it, fresh] = acc.try_emplace(std::string(m), v);
        if (!fresh) Aggregate(aggr, &it->second, v);
      });
    }
    out.reserve(acc.size());
    for (auto& [m, s] : acc) out.emplace_back(m, s);
  } else {
    src[0].ForEach([&](std::string_view m, double score) {
      for (size_t i = 1; i < n; i++) {
        if (src[i].Score(m)) return;
      }
      out.emplace_back(std::string(m), score);
    });
  }
  std::sort(out.begin(), out.end(), ByScoreThenMember);
  if (dst) return StoreResult(ctx, *dst, out, ctx.spec().name);
  ScoredHeader(r, out.size(), withscores);
  for (const auto& [m, s] : out) Scored(r, m, s, withscores);
}

}  // namespace

void CmdZUnion(CommandContext& ctx, ArgReader& args) {
  SetOpGeneric(ctx, args, nullptr, 0, Op::kUnion, false);
}
void CmdZInter(CommandContext& ctx, ArgReader& args) {
  SetOpGeneric(ctx, args, nullptr, 0, Op::kInter, false);
}
void CmdZDiff(CommandContext& ctx, ArgReader& args) {
  SetOpGeneric(ctx, args, nullptr, 0, Op::kDiff, false);
}
void CmdZUnionStore(CommandContext& ctx, ArgReader& args) {
  std::string_view dst = args[0];
  SetOpGeneric(ctx, args, &dst, 1, Op::kUnion, false);
}
void CmdZInterStore(CommandContext& ctx, ArgReader& args) {
  std::string_view dst = args[0];
  SetOpGeneric(ctx, args, &dst, 1, Op::kInter, false);
}
void CmdZDiffStore(CommandContext& ctx, ArgReader& args) {
  std::string_view dst = args[0];
  SetOpGeneric(ctx, args, &dst, 1, Op::kDiff, false);
}
void CmdZInterCard(CommandContext& ctx, ArgReader& args) {
  SetOpGeneric(ctx, args, nullptr, 0, Op::kInter, true);
}

}  // namespace duet::zsetcmd
