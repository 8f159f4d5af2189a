#include "types/zset_score.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "common/strutil.h"

namespace duet::zset {

std::optional<double> ParseScore(std::string_view s) { return ParseDouble(s); }

size_t FormatScore(double v, char* buf) {
  int len;
  if (std::isnan(v)) {
    len = snprintf(buf, 32, "nan");
  } else if (std::isinf(v)) {
    len = snprintf(buf, 32, "%s", v < 0 ? "-inf" : "inf");
  } else if (v >= -4611686018427387904.0 && v <= 4611686018427387904.0 &&
             v == static_cast<double>(static_cast<long long>(v))) {
    // Redis 7.0.15's d2string tries double2ll first (|v| <= LLONG_MAX/2), so -0 is "0".
    len = static_cast<int>(FormatInt64(static_cast<long long>(v), buf));
  } else {
    return FormatDouble17g(v, buf);
  }
  return static_cast<size_t>(len);
}

size_t FormatScoreReply(double v, char* buf) {
  int len;
  if (std::isinf(v)) {
    len = snprintf(buf, 32, "%s", v < 0 ? "-inf" : "inf");
  } else {
    return FormatDouble17g(v, buf);
  }
  return static_cast<size_t>(len);
}

namespace {

// One bound of zslParseRange: strtod must consume the whole text (a C string: an embedded
// NUL ends it), NaN refused; overflow is not checked.
bool ParseScoreBound(std::string_view s, double* v, bool* ex) {
  *ex = false;
  if (!s.empty() && s[0] == '(') {
    *ex = true;
    s.remove_prefix(1);
  }
  std::string buf(s.substr(0, s.find('\0')));
  char* end = nullptr;
  *v = strtod(buf.c_str(), &end);
  return *end == '\0' && !std::isnan(*v);
}

bool ParseLexBound(std::string_view s, LexBound* b) {
  if (s.empty()) return false;
  switch (s[0]) {
    case '+':
      if (s.size() != 1) return false;
      b->kind = LexBound::kPlusInf;
      return true;
    case '-':
      if (s.size() != 1) return false;
      b->kind = LexBound::kMinusInf;
      return true;
    case '(':
    case '[':
      b->kind = LexBound::kValue;
      b->exclusive = s[0] == '(';
      b->value = s.substr(1);
      return true;
    default:
      return false;
  }
}

}  // namespace

bool ParseScoreRange(std::string_view min, std::string_view max, ScoreRange* out) {
  return ParseScoreBound(min, &out->min, &out->minex) &&
         ParseScoreBound(max, &out->max, &out->maxex);
}

bool ParseLexRange(std::string_view min, std::string_view max, LexRange* out) {
  return ParseLexBound(min, &out->min) && ParseLexBound(max, &out->max);
}

bool LexRange::AboveMin(std::string_view m) const {
  switch (min.kind) {
    case LexBound::kMinusInf:
      return true;
    case LexBound::kPlusInf:
      return false;
    default:
      return min.exclusive ? m > min.value : m >= min.value;
  }
}

bool LexRange::BelowMax(std::string_view m) const {
  switch (max.kind) {
    case LexBound::kMinusInf:
      return false;
    case LexBound::kPlusInf:
      return true;
    default:
      return max.exclusive ? m < max.value : m <= max.value;
  }
}

bool LexRange::Empty() const {
  // zslIsInLexRange's early check: min > max, or equal with an exclusive side.
  if (min.kind == LexBound::kPlusInf || max.kind == LexBound::kMinusInf) return true;
  if (min.kind != LexBound::kValue || max.kind != LexBound::kValue) return false;
  int c = min.value.compare(max.value);
  return c > 0 || (c == 0 && (min.exclusive || max.exclusive));
}

}  // namespace duet::zset
