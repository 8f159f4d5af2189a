#include "keyspace/scan.h"

#include <limits>

#include "common/glob.h"
#include "common/strutil.h"

namespace duet {

std::optional<uint64_t> ParseScanCursor(std::string_view s) {
  s = s.substr(0, s.find('\0'));
  if (s.empty()) return 0;  // strtoul parses nothing and leaves the end pointer on the NUL
  bool negative = false;
  size_t i = 0;
  if (s[0] == '+' || s[0] == '-') {
    negative = s[0] == '-';
    i = 1;
  }
  if (i == s.size()) return std::nullopt;
  uint64_t v = 0;
  for (; i < s.size(); i++) {
    char c = s[i];
    if (c < '0' || c > '9') return std::nullopt;
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (std::numeric_limits<uint64_t>::max() - d) / 10) return std::nullopt;  // ERANGE
    v = v * 10 + d;
  }
  return negative ? uint64_t{0} - v : v;
}

namespace {
// Only "*" itself skips matching; "" matches just the empty key, as in Redis.
bool MatchesAll(std::string_view pattern) { return pattern == "*"; }
}  // namespace

uint64_t ScanKeys(Db& db, uint64_t cursor, size_t count, const ScanFilter& filter,
                  std::vector<const Entry*>* out) {
  bool match_all = MatchesAll(filter.pattern);
  size_t visited = 0;
  // Like Redis's maxiterations: bounds the work when many segments are empty.
  size_t max_steps = count > std::numeric_limits<size_t>::max() / 10 ? count : count * 10;
  size_t steps = 0;
  do {
    cursor = db.Scan(
        cursor,
        [&](Entry* e) {
          visited++;
          if (!match_all && !GlobMatch(filter.pattern, e->key())) return;
          if (filter.type) {
            // Redis looks each candidate up (a NOTOUCH read lookup) to learn its type.
            db.ctx().keyspace_hits++;
            if (!EqualsIgnoreCase(*filter.type, TypeName(e->type()))) return;
          }
          out->push_back(e);
        },
        count - visited);
    steps++;
  } while (cursor != 0 && visited < count && steps < max_steps);
  return cursor;
}

void MatchingKeys(Db& db, std::string_view pattern, std::vector<const Entry*>* out) {
  bool match_all = MatchesAll(pattern);
  out->reserve(out->size() + db.size());
  uint64_t cursor = 0;
  do {
    cursor = db.Scan(cursor, [&](Entry* e) {
      if (match_all || GlobMatch(pattern, e->key())) out->push_back(e);
    });
  } while (cursor != 0);
}

}  // namespace duet
