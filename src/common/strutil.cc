#include "common/strutil.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace duet {

namespace {
constexpr size_t kMaxIntChars = 21;  // LONG_STR_SIZE in Redis
constexpr size_t kMaxLongDoubleChars = 5 * 1024;

std::optional<uint64_t> ParseDigits(std::string_view s) {
  if (s.empty() || s[0] < '1' || s[0] > '9') return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}
}  // namespace

std::optional<int64_t> ParseInt64(std::string_view s) {
  if (s.empty() || s.size() >= kMaxIntChars) return std::nullopt;
  if (s.size() == 1 && s[0] == '0') return 0;
  bool negative = s[0] == '-';
  if (negative) s.remove_prefix(1);
  auto mag = ParseDigits(s);
  if (!mag) return std::nullopt;
  if (negative) {
    if (*mag > static_cast<uint64_t>(INT64_MAX) + 1) return std::nullopt;
    return static_cast<int64_t>(0 - *mag);
  }
  if (*mag > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
  return static_cast<int64_t>(*mag);
}

std::optional<uint64_t> ParseUint64(std::string_view s) {
  if (s.empty() || s.size() >= kMaxIntChars) return std::nullopt;
  if (s.size() == 1 && s[0] == '0') return 0;
  return ParseDigits(s);
}

std::optional<long double> ParseLongDouble(std::string_view s) {
  if (s.empty() || s.size() >= kMaxLongDoubleChars) return std::nullopt;
  char buf[kMaxLongDoubleChars];
  memcpy(buf, s.data(), s.size());
  buf[s.size()] = '\0';
  errno = 0;
  char* end = nullptr;
  long double v = strtold(buf, &end);
  if (isspace(static_cast<unsigned char>(buf[0])) || *end != '\0' ||
      static_cast<size_t>(end - buf) != s.size() ||
      (errno == ERANGE && (v == HUGE_VALL || v == -HUGE_VALL || std::fpclassify(v) == FP_ZERO)) ||
      std::isnan(v)) {
    return std::nullopt;
  }
  return v;
}

std::optional<double> ParseDouble(std::string_view s) {
  if (s.empty() || s.size() >= kMaxLongDoubleChars) return std::nullopt;
  char buf[kMaxLongDoubleChars];
  memcpy(buf, s.data(), s.size());
  buf[s.size()] = '\0';
  errno = 0;
  char* end = nullptr;
  double v = strtod(buf, &end);
  if (isspace(static_cast<unsigned char>(buf[0])) || *end != '\0' ||
      static_cast<size_t>(end - buf) != s.size() ||
      (errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL || std::fpclassify(v) == FP_ZERO)) ||
      std::isnan(v)) {
    return std::nullopt;
  }
  return v;
}

size_t FormatInt64(int64_t v, char* buf) {
  char tmp[24];
  size_t n = 0;
  uint64_t mag = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  do {
    tmp[n++] = static_cast<char>('0' + mag % 10);
    mag /= 10;
  } while (mag);
  size_t len = 0;
  if (v < 0) buf[len++] = '-';
  while (n) buf[len++] = tmp[--n];
  return len;
}

std::string Int64ToString(int64_t v) {
  char buf[24];
  return std::string(buf, FormatInt64(v, buf));
}

std::string LongDoubleToHumanString(long double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[5 * 1024 + 64];
  int len = snprintf(buf, sizeof(buf), "%.17Lf", v);
  if (len <= 0 || static_cast<size_t>(len) >= sizeof(buf)) return "0";
  if (strchr(buf, '.') != nullptr) {
    char* p = buf + len - 1;
    while (*p == '0') {
      p--;
      len--;
    }
    if (*p == '.') len--;
  }
  if (len == 2 && buf[0] == '-' && buf[1] == '0') return "0";
  return std::string(buf, static_cast<size_t>(len));
}

namespace {
unsigned char Fold(unsigned char c, bool nocase) {
  return nocase ? static_cast<unsigned char>(tolower(c)) : c;
}

// Recursive glob matcher; `nesting` bounds recursion on pathological patterns like Redis does.
bool Match(const char* p, size_t plen, const char* s, size_t slen, bool nocase, int nesting) {
  if (nesting > 1000) return false;
  while (plen && slen) {
    switch (p[0]) {
      case '*':
        while (plen > 1 && p[1] == '*') {
          p++;
          plen--;
        }
        if (plen == 1) return true;
        while (slen) {
          if (Match(p + 1, plen - 1, s, slen, nocase, nesting + 1)) return true;
          s++;
          slen--;
        }
        return false;
      case '?':
        s++;
        slen--;
        break;
      case '[': {
        p++;
        plen--;
        bool negate = plen && p[0] == '^';
        if (negate) {
          p++;
          plen--;
        }
        bool matched = false;
        while (true) {
          if (plen == 0) break;
          if (p[0] == '\\' && plen >= 2) {
            p++;
            plen--;
            if (p[0] == s[0]) matched = true;
          } else if (p[0] == ']') {
            break;
          } else if (plen >= 3 && p[1] == '-') {
            unsigned char start = Fold(p[0], nocase), end = Fold(p[2], nocase);
            unsigned char c = Fold(s[0], nocase);
            if (start > end) std::swap(start, end);
            p += 2;
            plen -= 2;
            if (c >= start && c <= end) matched = true;
          } else if (Fold(p[0], nocase) == Fold(s[0], nocase)) {
            matched = true;
          }
          p++;
          plen--;
        }
        if (plen == 0) {
          // Unterminated class: Redis treats the end of pattern as the closing bracket.
          p--;
          plen++;
        }
        if (negate) matched = !matched;
        if (!matched) return false;
        s++;
        slen--;
        break;
      }
      case '\\':
        if (plen >= 2) {
          p++;
          plen--;
        }
        [[fallthrough]];
      default:
        if (Fold(p[0], nocase) != Fold(s[0], nocase)) return false;
        s++;
        slen--;
        break;
    }
    p++;
    plen--;
    if (slen == 0) {
      while (plen && *p == '*') {
        p++;
        plen--;
      }
      break;
    }
  }
  return plen == 0 && slen == 0;
}
}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view str, bool nocase) {
  return Match(pattern.data(), pattern.size(), str.data(), str.size(), nocase, 0);
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); i++) {
    if (tolower(static_cast<unsigned char>(a[i])) != tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

void ToLowerInPlace(std::string& s) {
  for (char& c : s) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  ToLowerInPlace(out);
  return out;
}

}  // namespace duet
