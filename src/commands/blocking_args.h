// Argument parsing shared by the blocking commands (BLPOP & co, BZPOPMIN & co) and the
// *MPOP commands, with Redis 7.0's rules and error order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "commands/command_context.h"

namespace duet {

// A blocking command's timeout in seconds (Redis 7.0's getTimeoutFromObjectOrReply): parsed
// as a long double, times 1000, truncated to integer ms; so "0.0001" is 0 (wait forever)
// and "inf" or "1e20" overflow to a negative value ("ERR timeout is negative"). Returns the
// absolute deadline in unix ms (0 = none) or nullopt after replying the error. A deadline
// past the 64-bit range means no deadline.
std::optional<int64_t> ParseBlockTimeoutOrReply(CommandContext& ctx, std::string_view arg);

// [B]LMPOP / [B]ZMPOP: `numkeys key [key ...] <where> [COUNT count]` starting at args[first].
struct MpopArgs {
  std::span<const std::string_view> keys;
  bool second_word = false;  // RIGHT for LMPOP, MAX for ZMPOP
  size_t count = 1;
};
// `words` are the two accepted <where> words ("LEFT","RIGHT" or "MIN","MAX"); an unknown one
// is a syntax error. Errors, in Redis's order: numkeys (kNumkeysNotPositive), missing <where>
// (syntax), <where>, then COUNT (kCountNotPositive) and anything else (syntax). Returns
// nullopt after replying.
std::optional<MpopArgs> ParseMpopArgsOrReply(CommandContext& ctx,
                                             std::span<const std::string_view> args, size_t first,
                                             std::string_view first_word,
                                             std::string_view second_word);

}  // namespace duet
