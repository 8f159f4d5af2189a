// The options shared by SCAN, HSCAN, SSCAN and ZSCAN: [MATCH pattern] [COUNT count] and, for
// SCAN only, [TYPE type]; parsed as Redis 7.0's scanGenericCommand does.
#pragma once

#include <optional>
#include <string_view>

#include "protocol/arg_reader.h"

namespace duet {

struct ScanOptions {
  std::string_view pattern = "*";  // "*" means no filtering
  size_t count = 10;
  std::optional<std::string_view> type;  // SCAN's TYPE
};

// Parses the options left in `args`. Returns the error reply text on failure: "ERR syntax
// error" for an unknown option, an option without its value, COUNT < 1, or TYPE outside SCAN;
// "ERR value is not an integer or out of range" for a non-integer COUNT.
std::optional<std::string_view> ParseScanOptions(ArgReader& args, bool allow_type,
                                                 ScanOptions* out);

// The cursor as SCAN replies it: decimal text of `cursor` in `buf` (>= 21 bytes).
std::string_view FormatScanCursor(uint64_t cursor, char* buf);

}  // namespace duet
