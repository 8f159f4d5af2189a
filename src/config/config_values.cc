#include "config/config_values.h"

#include <cerrno>
#include <cstdlib>

#include "common/strutil.h"

namespace duet {

std::optional<bool> ParseYesNo(std::string_view s) {
  if (EqualsIgnoreCase(s, "yes")) return true;
  if (EqualsIgnoreCase(s, "no")) return false;
  return std::nullopt;
}

std::optional<int64_t> ParseMemory(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && s[i] == '-') i++;
  size_t digits_start = i;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') i++;
  if (i == digits_start) return std::nullopt;
  std::string unit = ToLower(s.substr(i));
  int64_t mul;
  if (unit.empty() || unit == "b") mul = 1;
  else if (unit == "k") mul = 1000;
  else if (unit == "kb") mul = 1024;
  else if (unit == "m") mul = 1000 * 1000;
  else if (unit == "mb") mul = 1024 * 1024;
  else if (unit == "g") mul = 1000LL * 1000 * 1000;
  else if (unit == "gb") mul = 1024LL * 1024 * 1024;
  else return std::nullopt;
  std::string num(s.substr(0, i));
  errno = 0;
  char* end = nullptr;
  long long v = strtoll(num.c_str(), &end, 10);
  if (errno == ERANGE || *end != '\0') return std::nullopt;
  if (v != 0 && (v > INT64_MAX / mul || v < INT64_MIN / mul)) return std::nullopt;
  return static_cast<int64_t>(v) * mul;
}

}  // namespace duet
