// Parsing and formatting of config values with Redis's rules and error texts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace duet {

// "yes"/"no" (case-insensitive).
std::optional<bool> ParseYesNo(std::string_view s);
// Redis's memtoull: digits with optional b/k/kb/m/mb/g/gb suffix (k = 1000, kb = 1024).
std::optional<int64_t> ParseMemory(std::string_view s);

}  // namespace duet
