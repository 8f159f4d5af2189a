// Sorted-set scores and ranges: parsing and formatting with Redis 7.0's exact rules.
//
//   - ParseScore: a score argument (ZADD, ZINCRBY, WEIGHTS...): strtod over the whole
//     argument, no leading space, "inf"/"+inf"/"-inf" accepted, NaN and overflow (1e400)
//     rejected ("ERR value is not a valid float"); Redis's getDoubleFromObject.
//   - ParseScoreRange: ZRANGEBYSCORE/ZCOUNT bounds: "(" makes a bound exclusive; strtod must
//     consume everything but, unlike ParseScore, overflow gives +-inf, "" is 0 and leading
//     spaces pass (zslParseRange); NaN is refused ("ERR min or max is not a float").
//   - ParseLexRange: "-" and "+" are the extremes, "[x" inclusive, "(x" exclusive, anything
//     else refused ("ERR min or max not valid string range item").
//   - FormatScore: the text a listpack stores for a score (Redis 7.0.15's d2string): integral
//     values within +-2^62 as plain digits (-0 is "0"), "inf"/"-inf", else "%.17g".
//   - FormatScoreReply: addReplyDouble's text ("%.17g", "inf"/"-inf"; -0 stays "-0"); replies
//     go through ReplyBuilder::Double, this is for ZSCAN's bulk strings.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace duet::zset {

std::optional<double> ParseScore(std::string_view s);

// Writes the d2string text of `v` into buf (>= 32 bytes); returns its length.
size_t FormatScore(double v, char* buf);
size_t FormatScoreReply(double v, char* buf);

struct ScoreRange {
  double min = 0, max = 0;
  bool minex = false, maxex = false;
  // Whether `v` is at or above the lower bound / at or below the upper bound.
  bool AboveMin(double v) const { return minex ? v > min : v >= min; }
  bool BelowMax(double v) const { return maxex ? v < max : v <= max; }
  // Whether no value can be in the range (Redis answers empty without looking).
  bool Empty() const { return min > max || (min == max && (minex || maxex)); }
};
bool ParseScoreRange(std::string_view min, std::string_view max, ScoreRange* out);

struct LexBound {
  enum Kind { kMinusInf, kPlusInf, kValue } kind = kMinusInf;
  std::string_view value;
  bool exclusive = false;
};
struct LexRange {
  LexBound min, max;
  // Whether `m` is at or above the lower bound / at or below the upper bound.
  bool AboveMin(std::string_view m) const;
  bool BelowMax(std::string_view m) const;
  bool Empty() const;
};
bool ParseLexRange(std::string_view min, std::string_view max, LexRange* out);

// Member order of sorted sets: bytewise (memcmp), a prefix sorts first (Redis's sdscmp).
inline int CompareMembers(std::string_view a, std::string_view b) { return a.compare(b); }

}  // namespace duet::zset
