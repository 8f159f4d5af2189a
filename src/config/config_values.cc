#include "config/config_values.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "common/strutil.h"
#include "config/config.h"

namespace duet {

std::optional<bool> ParseYesNo(std::string_view s) {
  if (EqualsIgnoreCase(s, "yes")) return true;
  if (EqualsIgnoreCase(s, "no")) return false;
  return std::nullopt;
}

std::optional<uint64_t> ParseMemory(std::string_view s) {
  if (!s.empty() && s[0] == '-') return std::nullopt;
  size_t i = 0;
  while (i < s.size() && isdigit(static_cast<unsigned char>(s[i]))) i++;
  std::string_view unit = s.substr(i);
  uint64_t mul;
  if (unit.empty() || EqualsIgnoreCase(unit, "b")) {
    mul = 1;
  } else if (EqualsIgnoreCase(unit, "k")) {
    mul = 1000;
  } else if (EqualsIgnoreCase(unit, "kb")) {
    mul = 1024;
  } else if (EqualsIgnoreCase(unit, "m")) {
    mul = 1000 * 1000;
  } else if (EqualsIgnoreCase(unit, "mb")) {
    mul = 1024 * 1024;
  } else if (EqualsIgnoreCase(unit, "g")) {
    mul = 1000ULL * 1000 * 1000;
  } else if (EqualsIgnoreCase(unit, "gb")) {
    mul = 1024ULL * 1024 * 1024;
  } else {
    return std::nullopt;
  }
  if (i >= 128) return std::nullopt;
  // Digits only, so strtoull cannot stop early; like Redis, overflow is not an error
  // (strtoull saturates) and neither is an empty digit string.
  std::string digits(s.substr(0, i));
  uint64_t val = strtoull(digits.c_str(), nullptr, 10);
  if (mul > 1 && val > UINT64_MAX / mul) return std::nullopt;
  return val * mul;
}

std::optional<std::vector<std::string>> SplitConfigArgs(std::string_view line) {
  std::vector<std::string> out;
  if (!SplitArgs(line, &out)) return std::nullopt;
  return out;
}

std::vector<std::string> SplitOnSpaces(std::string_view s) {
  std::vector<std::string> out;
  if (s.empty()) return out;
  size_t start = 0;
  while (true) {
    size_t sp = s.find(' ', start);
    if (sp == std::string_view::npos) {
      out.emplace_back(s.substr(start));
      return out;
    }
    out.emplace_back(s.substr(start, sp - start));
    start = sp + 1;
  }
}

int KeyspaceEventsFromString(std::string_view s) {
  int flags = 0;
  for (char c : s) {
    switch (c) {
      case 'A':
        flags |= kNotifyAll;
        break;
      case 'g':
        flags |= kNotifyGeneric;
        break;
      case '$':
        flags |= kNotifyString;
        break;
      case 'l':
        flags |= kNotifyList;
        break;
      case 's':
        flags |= kNotifySet;
        break;
      case 'h':
        flags |= kNotifyHash;
        break;
      case 'z':
        flags |= kNotifyZset;
        break;
      case 'x':
        flags |= kNotifyExpired;
        break;
      case 'e':
        flags |= kNotifyEvicted;
        break;
      case 'K':
        flags |= kNotifyKeyspace;
        break;
      case 'E':
        flags |= kNotifyKeyevent;
        break;
      case 't':
        flags |= kNotifyStream;
        break;
      case 'm':
        flags |= kNotifyKeyMiss;
        break;
      case 'd':
        flags |= kNotifyModule;
        break;
      case 'n':
        flags |= kNotifyNew;
        break;
      default:
        return -1;
    }
  }
  return flags;
}

std::string KeyspaceEventsToString(int flags) {
  std::string out;
  // As in Redis, 'n' is only printed when the classes are not all set (it is not part of A).
  if ((flags & kNotifyAll) == kNotifyAll) {
    out += 'A';
  } else {
    static const std::pair<int, char> kClasses[] = {
        {kNotifyGeneric, 'g'}, {kNotifyString, '$'}, {kNotifyList, 'l'},    {kNotifySet, 's'},
        {kNotifyHash, 'h'},    {kNotifyZset, 'z'},   {kNotifyExpired, 'x'}, {kNotifyEvicted, 'e'},
        {kNotifyStream, 't'},  {kNotifyModule, 'd'}, {kNotifyNew, 'n'},
    };
    for (const auto& [bit, c] : kClasses) {
      if (flags & bit) out += c;
    }
  }
  if (flags & kNotifyKeyspace) out += 'K';
  if (flags & kNotifyKeyevent) out += 'E';
  if (flags & kNotifyKeyMiss) out += 'm';
  return out;
}

std::string FormatMemoryForRewrite(long long bytes) {
  constexpr long long kGb = 1024LL * 1024 * 1024, kMb = 1024 * 1024, kKb = 1024;
  if (bytes && bytes % kGb == 0) return std::to_string(bytes / kGb) + "gb";
  if (bytes && bytes % kMb == 0) return std::to_string(bytes / kMb) + "mb";
  if (bytes && bytes % kKb == 0) return std::to_string(bytes / kKb) + "kb";
  return std::to_string(bytes);
}

std::string FormatTrimmedDouble(double v) {
  char buf[128];
  snprintf(buf, sizeof(buf), "%f", v);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  return s;
}

std::optional<double> ParseConfigDouble(std::string_view s) {
  if (s.empty() || s.size() >= 5120 || isspace(static_cast<unsigned char>(s[0]))) {
    return std::nullopt;
  }
  std::string buf(s);
  char* end = nullptr;
  errno = 0;
  double v = strtod(buf.c_str(), &end);
  if (*end != '\0' || std::isnan(v) ||
      (errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL || v == 0.0))) {
    return std::nullopt;
  }
  return v;
}

std::optional<long long> ParseCLongLong(std::string_view s) {
  std::string buf(s);
  char* end = nullptr;
  long long v = strtoll(buf.c_str(), &end, 10);
  if (*end != '\0') return std::nullopt;
  return v;
}

}  // namespace duet
