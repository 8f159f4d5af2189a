#include "common/glob.h"

#include <cstddef>

namespace duet {

namespace {

// Redis compares pattern and string bytes as C `char`s (signed on x86-64), through glibc's
// tolower() in the C locale with nocase. That maps 'A'-'Z' to 'a'-'z' and, for a negative
// char other than -1 (EOF), returns the unsigned byte value: tolower(-128) is 128. Both
// matter for class ranges, which compare the resulting ints.
int Byte(char c) { return static_cast<signed char>(c); }
int Lower(int c) {
  if (c >= 'A' && c <= 'Z') return c + ('a' - 'A');
  if (c < -1) return c + 256;
  return c;
}

// Matches the one-byte element of `p` that starts at `i` (anything but '*') against `c`.
// Sets *matched and returns the index just past the element.
size_t MatchElement(std::string_view p, size_t i, char c, bool nocase, bool* matched) {
  const size_t n = p.size();
  switch (p[i]) {
    case '?':
      *matched = true;
      return i + 1;
    case '\\':
      if (i + 1 < n) {
        *matched = nocase ? Lower(Byte(p[i + 1])) == Lower(Byte(c)) : p[i + 1] == c;
        return i + 2;
      }
      break;  // a trailing backslash is a literal backslash
    case '[': {
      size_t j = i + 1;
      bool negate = j < n && p[j] == '^';
      if (negate) j++;
      bool match = false;
      for (;; j++) {
        if (p.size() - j >= 2 && p[j] == '\\') {
          j++;
          if (p[j] == c) match = true;  // escaped bytes ignore nocase, as in Redis
        } else if (j < n && p[j] == ']') {
          break;
        } else if (j == n) {
          j--;  // no closing bracket: the class runs to the end of the pattern
          break;
        } else if (n - j >= 3 && p[j + 1] == '-') {
          int start = Byte(p[j]), end = Byte(p[j + 2]), b = Byte(c);
          if (start > end) {
            int t = start;
            start = end;
            end = t;
          }
          if (nocase) {
            start = Lower(start);
            end = Lower(end);
            b = Lower(b);
          }
          j += 2;
          if (b >= start && b <= end) match = true;
        } else if (nocase ? Lower(Byte(p[j])) == Lower(Byte(c)) : p[j] == c) {
          match = true;
        }
      }
      *matched = negate ? !match : match;
      return j + 1;
    }
    default:
      break;
  }
  *matched = nocase ? Lower(Byte(p[i])) == Lower(Byte(c)) : p[i] == c;
  return i + 1;
}

}  // namespace

// Every element but '*' consumes exactly one byte, so the classic single-backtrack scheme is
// exact: on a mismatch only the most recent star needs to absorb one more byte. An earlier
// star taking more bytes could only move the later star's segment to the right, where the
// later star can already reach on its own (Redis's skipLongerMatches argument).
bool GlobMatch(std::string_view pattern, std::string_view str, bool nocase) {
  // Redis's loop runs only while both sides have bytes left, so "" matches only "".
  if (str.empty()) return pattern.empty();
  const size_t m = pattern.size(), n = str.size();
  constexpr size_t kNone = static_cast<size_t>(-1);
  size_t p = 0, s = 0;
  size_t star_p = kNone, star_s = 0;  // where the pattern resumes after the last star
  while (s < n) {
    if (p < m && pattern[p] == '*') {
      while (p < m && pattern[p] == '*') p++;
      if (p == m) return true;
      star_p = p;
      star_s = s;
      continue;
    }
    bool matched = false;
    size_t next = p < m ? MatchElement(pattern, p, str[s], nocase, &matched) : p;
    if (matched) {
      p = next;
      s++;
      continue;
    }
    if (star_p == kNone) return false;
    p = star_p;
    s = ++star_s;
  }
  while (p < m && pattern[p] == '*') p++;
  return p == m;
}

}  // namespace duet
