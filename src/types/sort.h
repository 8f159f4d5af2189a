// SORT / SORT_RO logic (Redis 7.0's sort.c) without RESP: loads the elements of a list, set
// or sorted set, weights them (the elements themselves, or BY pattern lookups), sorts, cuts
// the LIMIT window and resolves the GET patterns. commands/sort_cmds.cc parses and replies.
//
// Patterns (BY and GET) follow lookupKeyByPattern: the first '*' is replaced by the element;
// "key*->field" reads a hash field (when "->" follows the '*' and something follows "->");
// otherwise the key must hold a string. A pattern without '*' finds nothing, and GET "#" is
// the element itself. Like Redis, the pattern is scanned as a C string (up to a NUL byte).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "config/config.h"
#include "keyspace/db.h"

namespace duet::sorting {

struct SortParams {
  bool desc = false;
  bool alpha = false;
  int64_t limit_start = 0;
  int64_t limit_count = -1;  // negative: to the end
  std::optional<std::string_view> by;
  std::vector<std::string_view> gets;
  // STORE destination: also makes pattern lookups write lookups and, for sets, forces a
  // sorted (ALPHA) result under BY without '*' so the stored order is deterministic.
  std::optional<std::string_view> store;
  // Called from a script: a set under BY without '*' is sorted as for STORE (Redis makes
  // scripts' replies deterministic).
  bool from_script = false;
};

struct SortResult {
  // One row per output element and GET pattern (the element itself when there is no GET);
  // nullopt where a GET found nothing.
  std::vector<std::optional<std::string>> rows;
  // "One or more scores can't be converted into double": a numeric sort met a weight that
  // strtod rejects (trailing garbage, NaN, overflow/underflow). Redis still sorts and
  // stores nothing; the command replies the error.
  bool bad_score = false;
};

// Sorts the value at `key` (a missing key is an empty list). Errors: kWrongType when it is
// not a list, set or sorted set. A sorted set in the listpack encoding is converted to the
// skiplist encoding first, as Redis 7.0 does (even for SORT_RO).
Result<SortResult> Sort(Db& db, std::string_view key, const SortParams& params);

// Redis's lookupKeyByPattern for one element. `write` selects a write lookup (no keyspace
// hit/miss counting).
std::optional<std::string> LookupByPattern(Db& db, std::string_view pattern,
                                           std::string_view element, bool write);

// Parses a weight as Redis's SORT does (strtod over the whole string: leading blanks, hex
// and "inf" accepted; "" is 0). nullopt when rejected.
std::optional<double> ParseSortWeight(std::string_view s);

// SORT ... STORE: replaces `key` with a list of `items` (deleting it when `items` is empty).
// Returns whether the key changed.
bool StoreList(Db& db, const Config& config, std::string_view key,
               const std::vector<std::optional<std::string>>& items);

}  // namespace duet::sorting
