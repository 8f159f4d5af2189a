#include "commands/blocking_args.h"

#include <cmath>
#include <limits>

#include "common/strutil.h"
#include "protocol/errors.h"

namespace duet {

std::optional<int64_t> ParseTimeoutOrReply(CommandContext& ctx, std::string_view arg,
                                           TimeoutUnit unit) {
  int64_t tval;
  if (unit == TimeoutUnit::kSeconds) {
    std::optional<long double> secs = ParseLongDouble(arg);
    if (!secs) {
      ctx.reply().Error(errors::kTimeoutNotFloat);
      return std::nullopt;
    }
    long double ms = ceill(*secs * 1000.0L);
    // Redis casts with (long long); on x86-64 an out-of-range value (and inf) becomes
    // LLONG_MIN, which it then reports as negative. Reproduce that without the UB.
    if (std::isnan(ms) || ms >= 9223372036854775808.0L || ms < -9223372036854775808.0L) {
      tval = std::numeric_limits<int64_t>::min();
    } else {
      tval = static_cast<int64_t>(ms);
    }
  } else {
    std::optional<int64_t> ms = ParseInt64(arg);
    if (!ms) {
      ctx.reply().Error(errors::kTimeoutNotInteger);
      return std::nullopt;
    }
    tval = *ms;
  }
  if (tval < 0) {
    ctx.reply().Error(errors::kTimeoutNegative);
    return std::nullopt;
  }
  if (tval == 0) return 0;
  return static_cast<int64_t>(static_cast<uint64_t>(tval) + static_cast<uint64_t>(ctx.now_ms()));
}

std::optional<int64_t> ParseBlockTimeoutOrReply(CommandContext& ctx, std::string_view arg) {
  std::optional<int64_t> deadline = ParseTimeoutOrReply(ctx, arg, TimeoutUnit::kSeconds);
  if (deadline && *deadline < 0) return 0;  // wrapped past INT64_MAX: beyond any clock
  return deadline;
}

std::optional<MpopArgs> ParseMpopArgsOrReply(CommandContext& ctx,
                                             std::span<const std::string_view> args, size_t first,
                                             std::string_view first_word,
                                             std::string_view second_word) {
  ReplyBuilder& r = ctx.reply();
  std::optional<int64_t> numkeys = ParseInt64(args[first]);
  if (!numkeys || *numkeys < 1) {
    r.Error(errors::kNumkeysNotPositive);
    return std::nullopt;
  }
  if (static_cast<uint64_t>(*numkeys) >= args.size() - first - 1) {  // no room for <where>
    r.Error(errors::kSyntax);
    return std::nullopt;
  }
  size_t where_idx = first + 1 + static_cast<size_t>(*numkeys);
  MpopArgs out;
  if (EqualsWord(args[where_idx], second_word)) {
    out.second_word = true;
  } else if (!EqualsWord(args[where_idx], first_word)) {
    r.Error(errors::kSyntax);
    return std::nullopt;
  }
  bool have_count = false;
  for (size_t j = where_idx + 1; j < args.size(); j++) {
    if (!have_count && EqualsWord(args[j], "count") && j + 1 < args.size()) {
      std::optional<int64_t> c = ParseInt64(args[++j]);
      if (!c || *c < 1) {
        r.Error(errors::kCountNotPositive);
        return std::nullopt;
      }
      out.count = static_cast<size_t>(*c);
      have_count = true;
    } else {
      r.Error(errors::kSyntax);
      return std::nullopt;
    }
  }
  out.keys = args.subspan(first + 1, static_cast<size_t>(*numkeys));
  return out;
}

}  // namespace duet
