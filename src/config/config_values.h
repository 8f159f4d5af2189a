// Parsing and formatting of config values with Redis's exact rules (util.c, sds.c, config.c).
// These decide which inputs CONFIG SET and the config file accept, and the text CONFIG GET
// and CONFIG REWRITE print, so they follow Redis byte for byte.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace duet {

// "yes"/"no" (case-insensitive).
std::optional<bool> ParseYesNo(std::string_view s);

// Redis's memtoull: digits with an optional b/k/kb/m/mb/g/gb unit (k = 1000, kb = 1024,
// case-insensitive). A leading '-' is an error; an empty digit string is 0 and an overflowing
// number saturates, as strtoull does in Redis.
std::optional<uint64_t> ParseMemory(std::string_view s);

// Redis's sdssplitargs: splits a config line into arguments ("..." with \n \xHH escapes,
// '...' with \' only). Returns nullopt on unbalanced quotes or a closing quote followed by a
// non-space.
std::optional<std::vector<std::string>> SplitConfigArgs(std::string_view line);

// Redis's sdssplitlen(s, " "): CONFIG SET's split of a multi-argument value. An empty
// string gives no arguments; consecutive spaces give empty arguments.
std::vector<std::string> SplitOnSpaces(std::string_view s);

// notify-keyspace-events: letters -> NotifyFlags bits (-1 on an unknown letter), and back to
// Redis's canonical letters ("AKE", "g$xK"...).
int KeyspaceEventsFromString(std::string_view s);
std::string KeyspaceEventsToString(int flags);

// CONFIG REWRITE's memory format: "64mb", "1gb", "3kb", or plain bytes.
std::string FormatMemoryForRewrite(long long bytes);

// "%f" with trailing zeros (and a trailing '.') removed: 50 -> "50", 99.9 -> "99.9".
std::string FormatTrimmedDouble(double v);

// Redis's string2d: strtod over the whole string, no leading space, no NaN.
std::optional<double> ParseConfigDouble(std::string_view s);

// strtoll over the whole string as C does it (leading spaces and '+' accepted, "" is 0):
// the parse Redis uses for `save` and client-output-buffer-limit seconds.
std::optional<long long> ParseCLongLong(std::string_view s);

}  // namespace duet
