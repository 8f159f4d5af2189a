// SCAN and KEYS over one database.
//
// A SCAN cursor is the keyspace table's prefix cursor (core/segmented_table.h): one table
// step returns the keys whose hash prefix lies in a range sized to COUNT, and a key's prefix
// never changes, so every key present for the whole scan is returned once however the
// keyspace grows or shrinks between calls. Cursor values are opaque to clients; any number
// is accepted and continues from that prefix.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "keyspace/db.h"

namespace duet {

// Parses a SCAN cursor as Redis does (strtoul, base 10): an optional sign ('-' negates
// modulo 2^64), digits, nothing after them (bytes after a NUL are ignored, as C strings end
// there). The empty string is cursor 0. nullopt ("ERR invalid cursor") for a leading space,
// trailing garbage or a value past 2^64 - 1.
std::optional<uint64_t> ParseScanCursor(std::string_view s);

// Which keys a SCAN call reports.
struct ScanFilter {
  std::string_view pattern = "*";        // glob (GlobMatch); "*" skips matching
  std::optional<std::string_view> type;  // TYPE's name, case-insensitive; unset = any
};

// One SCAN call: steps through the table from `cursor` until about `count` keys were visited
// (before filtering, as Redis counts) or the scan is complete, and appends the live keys that
// pass `filter` to `out`. Expired keys met on the way are deleted. Returns the cursor for the
// next call, 0 when the scan is complete. The Entry pointers are valid until the next
// keyspace modification.
uint64_t ScanKeys(Db& db, uint64_t cursor, size_t count, const ScanFilter& filter,
                  std::vector<const Entry*>* out);

// KEYS: appends every live key matching `pattern` to `out` (same validity as ScanKeys).
void MatchingKeys(Db& db, std::string_view pattern, std::vector<const Entry*>* out);

}  // namespace duet
