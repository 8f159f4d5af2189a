// Glob matching with the semantics of Redis 7.0.15's stringmatchlen (util.c), used by every
// pattern in duet: KEYS, SCAN/HSCAN/SSCAN/ZSCAN MATCH, CONFIG GET, COMMAND LIST FILTERBY
// PATTERN, PSUBSCRIBE and PUBSUB CHANNELS, and later ACL patterns.
//
// Syntax, as Redis reads it:
//   *        any run of bytes; consecutive stars are one star
//   ?        any one byte
//   [...]    one byte from a class: `^` first negates; `\x` is the byte x, compared
//            case-sensitively even with nocase; `a-z` is a range (its ends are swapped when
//            reversed, and compared as signed chars, then lower-cased with nocase); a `-`
//            range end may be `]` (then the class goes on); a class without `]` ends at the
//            end of the pattern
//   \x       the byte x; a backslash at the very end of the pattern is a literal backslash
//   other    the byte itself (ASCII case-insensitive with nocase)
// and one quirk: an empty string matches only the empty pattern (not even "*").
//
// Cost: O(len(pattern) * len(str)) time and O(1) space in the worst case (no recursion, no
// allocation): the CVE-2022-36021 patterns ("a*a*a*...b") finish at once. The result is the
// same as Redis's backtracking matcher with its skipLongerMatches cut for every input.
#pragma once

#include <string_view>

namespace duet {

// True when `str` matches the glob `pattern`; nocase folds ASCII letters (Redis's nocase).
bool GlobMatch(std::string_view pattern, std::string_view str, bool nocase = false);

}  // namespace duet
