// Argument parsing shared by the blocking commands (BLPOP & co, BZPOPMIN & co; the timeout
// parser also serves CLIENT PAUSE and, later, XREAD BLOCK and WAIT) and the
// *MPOP commands, with Redis 7.0's rules and error order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "commands/command_context.h"

namespace duet {

// How a timeout argument is counted.
enum class TimeoutUnit { kSeconds, kMilliseconds };

// The one timeout parser, Redis 7.0.15's getTimeoutFromObjectOrReply, for every command
// that takes a timeout (BLPOP & co, BZPOPMIN & co, CLIENT PAUSE; later XREAD BLOCK, WAIT).
// Seconds are a long double converted as ceill(seconds * 1000): a positive fraction of a
// millisecond rounds up (0.001 and 0.0001 are 1 ms), so no positive timeout ever means
// "forever", while a tiny negative one (-0.0001) rounds to 0, which does. Milliseconds are
// a strict integer. Errors, replied here: kTimeoutNotFloat / kTimeoutNotInteger, then
// kTimeoutNegative, also for seconds whose milliseconds do not fit 64 bits ("inf", "1e20":
// Redis's cast makes them LLONG_MIN). Returns 0 for no timeout, else now + the milliseconds
// as Redis's 64-bit addition computes it (it wraps to a negative value past INT64_MAX), or
// nullopt after replying an error.
std::optional<int64_t> ParseTimeoutOrReply(CommandContext& ctx, std::string_view arg,
                                           TimeoutUnit unit);

// A blocking command's deadline: ParseTimeoutOrReply in seconds, as an absolute unix ms
// deadline or 0 for none. A sum that wrapped is no deadline, as in Redis, whose timeout
// table orders deadlines as unsigned and so never reaches it.
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
