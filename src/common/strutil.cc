#include "common/strutil.h"

#include <cctype>
#include <cerrno>
#include <charconv>
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

size_t FormatDouble17g(double v, char* buf) {
  // An integral value of at most 17 digits prints as its plain digits under %.17g (the
  // exponent form starts at 1e17); -0 keeps its sign.
  if (v > -1e17 && v < 1e17) {
    auto i = static_cast<int64_t>(v);
    if (static_cast<double>(i) == v) {
      if (i == 0 && std::signbit(v)) {
        memcpy(buf, "-0", 2);
        return 2;
      }
      return FormatInt64(i, buf);
    }
  }
  // The C++ standard defines to_chars with a format and precision as printf's conversion.
  std::to_chars_result r = std::to_chars(buf, buf + 32, v, std::chars_format::general, 17);
  return static_cast<size_t>(r.ptr - buf);
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
int HexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

bool SplitArgs(std::string_view line, std::vector<std::string>* out) {
  out->clear();
  // sdssplitargs works on a C string: an embedded NUL ends the input.
  size_t nul = line.find('\0');
  if (nul != std::string_view::npos) line = line.substr(0, nul);
  size_t i = 0, n = line.size();
  auto at = [&](size_t k) -> char { return k < n ? line[k] : '\0'; };
  while (true) {
    while (i < n && isspace(static_cast<unsigned char>(line[i]))) i++;
    if (i >= n) return true;
    bool in_dq = false, in_sq = false, done = false;
    std::string cur;
    while (!done) {
      char c = at(i);
      if (in_dq) {
        if (c == '\\' && at(i + 1) == 'x' && HexDigitValue(at(i + 2)) >= 0 &&
            HexDigitValue(at(i + 3)) >= 0) {
          cur.push_back(
              static_cast<char>(HexDigitValue(at(i + 2)) * 16 + HexDigitValue(at(i + 3))));
          i += 3;
        } else if (c == '\\' && at(i + 1)) {
          i++;
          char e = at(i);
          switch (e) {
            case 'n':
              cur.push_back('\n');
              break;
            case 'r':
              cur.push_back('\r');
              break;
            case 't':
              cur.push_back('\t');
              break;
            case 'b':
              cur.push_back('\b');
              break;
            case 'a':
              cur.push_back('\a');
              break;
            default:
              cur.push_back(e);
              break;
          }
        } else if (c == '"') {
          // A closing quote must be followed by a space or the end.
          if (at(i + 1) && !isspace(static_cast<unsigned char>(at(i + 1)))) return false;
          done = true;
        } else if (!c) {
          return false;  // unterminated quotes
        } else {
          cur.push_back(c);
        }
      } else if (in_sq) {
        if (c == '\\' && at(i + 1) == '\'') {
          i++;
          cur.push_back('\'');
        } else if (c == '\'') {
          if (at(i + 1) && !isspace(static_cast<unsigned char>(at(i + 1)))) return false;
          done = true;
        } else if (!c) {
          return false;
        } else {
          cur.push_back(c);
        }
      } else {
        switch (c) {
          case ' ':
          case '\n':
          case '\r':
          case '\t':
          case '\0':
            done = true;
            break;
          case '"':
            in_dq = true;
            break;
          case '\'':
            in_sq = true;
            break;
          default:
            cur.push_back(c);
            break;
        }
      }
      if (at(i)) i++;
    }
    out->push_back(std::move(cur));
  }
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

void AppendRepr(std::string& out, std::string_view s) {
  out.push_back('"');
  for (char ch : s) {
    switch (ch) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\a':
        out += "\\a";
        break;
      case '\b':
        out += "\\b";
        break;
      default: {
        auto u = static_cast<unsigned char>(ch);
        // Redis passes the (signed) char to isprint: bytes >= 0x80 are never printable.
        if (u < 0x80 && isprint(u)) {
          out.push_back(ch);
        } else {
          char buf[8];
          snprintf(buf, sizeof(buf), "\\x%02x", u);
          out += buf;
        }
      }
    }
  }
  out.push_back('"');
}

std::string QuoteRepr(std::string_view s) {
  std::string out;
  AppendRepr(out, s);
  return out;
}

}  // namespace duet
