// String value logic: the semantics of SET and its variants, INCR/DECR/INCRBYFLOAT, APPEND,
// SETRANGE/GETRANGE and the expire-time rules they share. No RESP here: functions return a
// Result or OpStatus and commands/string_cmds.cc and counter_cmds.cc build the replies.
//
// Lookups follow Redis: functions that read for a read command count keyspace hits/misses
// (through strings::Get, types/string_storage.h); write paths use Db::Find, which does not.
// Every function that changes a key says so; the caller reports it with KeyModified().
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/status.h"
#include "keyspace/db.h"

namespace duet::strings {

// ---- expire times ------------------------------------------------------------------------

enum class ExpireUnit { kSeconds, kMilliseconds };

// Turns an EX/PX/EXAT/PXAT argument (already parsed as an integer) into an absolute Unix time
// in ms, as Redis's getExpireMillisecondsOrReply does: kInvalidExpire when the value is <= 0,
// when seconds overflow on conversion to ms, or when the relative time added to `now_ms`
// wraps to <= 0 (Redis's signed overflow).
Result<int64_t> ExpireAtMs(int64_t value, ExpireUnit unit, bool relative, int64_t now_ms);

// ---- SET family --------------------------------------------------------------------------

enum class SetCondition { kAlways, kIfMissing /* NX */, kIfExists /* XX */ };

struct SetParams {
  SetCondition condition = SetCondition::kAlways;
  // KEEPTTL: an existing key keeps its TTL. Otherwise the key ends with `expire_at_ms`
  // (Entry::kNoExpire = no TTL).
  bool keep_ttl = false;
  int64_t expire_at_ms = Entry::kNoExpire;
};

// SET key value with `params`. Returns kOk when the key was written (the caller reports the
// modification), kSkipped when NX/XX was not met. Never fails on type: SET overwrites any
// value. The encoding tag is derived from the value (int / embstr / raw) as Redis's
// tryObjectEncoding does. An existing string whose allocation fits the new value (and whose
// TTL layout does not change) is overwritten in place, without malloc/free.
OpStatus Set(Db& db, std::string_view key, std::string_view value, const SetParams& params);

// ---- counters ----------------------------------------------------------------------------

// INCRBY: adds `delta` to the integer in `key` (0 when missing) and stores the result, tagged
// "int", keeping the TTL. Errors: kWrongType; kNotInteger when the value is not a strict
// 64-bit integer; kOutOfRange when the sum overflows. Modifies the key on success.
Result<int64_t> IncrBy(Db& db, std::string_view key, int64_t delta);

// INCRBYFLOAT: adds `increment` (text, parsed as Redis's string2ld: strtold, "inf" and hex
// accepted, NaN and overflow rejected) to the number in `key` (0 when missing) in long double
// arithmetic and stores the result formatted as Redis's "%.17Lf" human form (trailing zeros
// trimmed), keeping the TTL. Returns the stored text, valid until the next keyspace change.
// Errors, in Redis's order: kWrongType; kNotFloat when the stored value or then `increment`
// is not a number; kIncrNanOrInf when the sum is NaN or infinite. Modifies the key on
// success.
Result<std::string_view> IncrByFloat(Db& db, std::string_view key, std::string_view increment);

// ---- partial reads and writes ------------------------------------------------------------

// APPEND: appends `value`, creating the key (as SET would) when missing. Returns the new
// length. Errors: kWrongType; kStringTooLong when the result would exceed `max_len`
// (proto-max-bulk-len). Modifies the key on success.
Result<size_t> Append(Db& db, std::string_view key, std::string_view value, int64_t max_len);

// SETRANGE with `offset` >= 0: overwrites bytes from `offset`, zero-padding as needed.
// An empty `value` changes nothing and returns the current length (0 for a missing key,
// which is not created). Returns the new length; `*modified` says whether the key changed.
// Errors: kWrongType; kStringTooLong when offset + value size exceeds `max_len`.
Result<size_t> SetRange(Db& db, std::string_view key, int64_t offset, std::string_view value,
                        int64_t max_len, bool* modified);

// GETRANGE's index arithmetic: the bytes of `s` between `start` and `end` inclusive,
// negative indexes counting from the end, clamped to the string; empty when the range is.
std::string_view Substring(std::string_view s, int64_t start, int64_t end);

}  // namespace duet::strings
