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
#include "types/zset.h"

namespace duet::zsetcmd {

namespace {

using zset::ZSetValue;

enum class Op { kUnion, kInter, kDiff };
enum class Aggr { kSum, kMin, kMax };

// One input: a sorted set (nullptr when the key is missing) and its weight.
struct Source {
  ZSetValue* z = nullptr;
  double weight = 1.0;
  size_t Size() const { return z ? z->Size() : 0; }
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
                  size_t numkeys_idx,
                  Op op, bool card_only) {
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
    Result<ZSetValue*> z = zset::FindForRead(ctx.db(), args[j]);
    if (!z.ok()) return r.Error(z.status());
    src[i].z = *z;
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
      for (ZSetValue::Cursor c = src[0].z->At(0); c.valid(); c.Next()) {
        std::string_view m = c.member();
        double score = Weighted(c.score(), src[0].weight);
        bool in_all = true;
        for (size_t i = 1; i < n && in_all; i++) {
          std::optional<double> s = src[i].z->Score(m);
          if (!s) {
            in_all = false;
          } else {
            Aggregate(aggr, &score, Weighted(*s, src[i].weight));
          }
        }
        if (!in_all) continue;
        if (card_only) {
          if (++card == static_cast<size_t>(limit) && limit) break;
          continue;
        }
        out.emplace_back(std::string(m), score);
      }
      if (card_only) return r.Integer(static_cast<int64_t>(card));
    } else if (card_only) {
      return r.Integer(0);
    }
  } else if (op == Op::kUnion) {
    std::stable_sort(src.begin(), src.end(),
                     [](const Source& a, const Source& b) { return a.Size() < b.Size(); });
    std::unordered_map<std::string, double> acc;
    std::vector<std::string_view> order;
    for (const Source& s : src) {
      if (!s.z) continue;
      for (ZSetValue::Cursor c = s.z->At(0); c.valid(); c.Next()) {
        double v = Weighted(c.score(), s.weight);
        auto [it, fresh] = acc.try_emplace(std::string(c.member()), v);
        if (!fresh) Aggregate(aggr, &it->second, v);
      }
    }
    out.reserve(acc.size());
    for (auto& [m, s] : acc) out.emplace_back(m, s);
  } else {
    if (src[0].z) {
      for (ZSetValue::Cursor c = src[0].z->At(0); c.valid(); c.Next()) {
        std::string_view m = c.member();
        bool elsewhere = false;
        for (size_t i = 1; i < n && !elsewhere; i++) {
          elsewhere = src[i].z && src[i].z->Score(m).has_value();
        }
        if (!elsewhere) out.emplace_back(std::string(m), c.score());
      }
    }
  }
  std::sort(out.begin(), out.end(), ByScoreThenMember);
  if (dst) return StoreResult(ctx, *dst, out);
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
