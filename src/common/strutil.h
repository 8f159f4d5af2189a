// String <-> number conversions and argument splitting with Redis's exact acceptance rules.
// These decide which inputs are "not an integer" or "not a valid float", so they must match
// Redis byte for byte (string2ll, string2ld, ld2string in redis/src/util.c). Glob matching
// is in common/glob.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/glob.h"  // GlobMatch, for the callers that found it here

namespace duet {

// Strict signed 64-bit parse: no spaces, no '+', no leading zeros ("0" only), no "-0".
std::optional<int64_t> ParseInt64(std::string_view s);
// Strict unsigned 64-bit parse with the same rules (no sign allowed).
std::optional<uint64_t> ParseUint64(std::string_view s);
// Redis's string2ld: strtold over the whole string, no leading space, no NaN, no overflow.
std::optional<long double> ParseLongDouble(std::string_view s);
// Redis's string2d-style parse used for float arguments (strtod, same rejections).
std::optional<double> ParseDouble(std::string_view s);

// Decimal text of v, written into buf (at least 21 bytes); returns the length.
size_t FormatInt64(int64_t v, char* buf);
// Exactly printf's "%.17g" of v (Redis's addReplyDouble and d2string text), written into buf
// (at least 32 bytes); returns the length. Integral values print through FormatInt64 and the
// rest through std::to_chars, both several times faster than snprintf.
size_t FormatDouble17g(double v, char* buf);
std::string Int64ToString(int64_t v);
// Redis's ld2string(LD_STR_HUMAN): "%.17Lf" with trailing zeros (and '.') removed.
std::string LongDoubleToHumanString(long double v);

// Splits a line the way Redis's sdssplitargs does: blanks separate arguments, "double
// quotes" take \n \r \t \b \a \xHH escapes, 'single quotes' take \', a closing quote must
// be followed by a blank or the end, an embedded NUL ends the input. Used for inline
// commands and config lines. Returns false on unbalanced quotes.
bool SplitArgs(std::string_view line, std::vector<std::string>* out);

// Appends Redis's sdscatrepr of `s`: double-quoted, with \\ \" \n \r \t \a \b escapes and
// \xHH for every other byte outside printable ASCII (MONITOR lines, CONFIG REWRITE values,
// AOF manifest names, the Lua debugger's output).
void AppendRepr(std::string& out, std::string_view s);
// AppendRepr into a new string.
std::string QuoteRepr(std::string_view s);

// ASCII case-insensitive equality.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
// Redis matches option words with strcasecmp on C strings, so an argument ends at its first
// NUL byte: EqualsWord("NX\0junk", "nx") is true.
inline bool EqualsWord(std::string_view arg, std::string_view word) {
  return EqualsIgnoreCase(arg.substr(0, arg.find('\0')), word);
}
void ToLowerInPlace(std::string& s);
std::string ToLower(std::string_view s);

}  // namespace duet
