#include "protocol/request_parser.h"

#include <cctype>
#include <climits>
#include <cstring>

#include "common/strutil.h"

namespace duet {

namespace {
constexpr size_t kInlineMaxSize = 64 * 1024;  // PROTO_INLINE_MAX_SIZE

// Parses the integer between buf[start] and the '\r' at `cr`, with string2ll's rules.
bool ParseCount(std::string_view buf, size_t start, size_t cr, int64_t* out) {
  // Fast path for the short positive counts of nearly every request (same acceptance as
  // string2ll: no sign, no leading zero); anything else takes the general parser.
  size_t n = cr - start;
  const char* p = buf.data() + start;
  if (n >= 1 && n <= 9 && p[0] >= '1' && p[0] <= '9') {
    int64_t v = 0;
    size_t i = 0;
    for (; i < n; i++) {
      unsigned d = static_cast<unsigned char>(p[i]) - '0';
      if (d > 9) break;
      v = v * 10 + d;
    }
    if (i == n) {
      *out = v;
      return true;
    }
  }
  auto v = ParseInt64(buf.substr(start, cr - start));
  if (!v) return false;
  *out = *v;
  return true;
}

}  // namespace

RequestParser::Outcome RequestParser::Fail(std::string msg) {
  error_ = std::move(msg);
  return {State::kError};
}

void RequestParser::ReleaseLargeScratch() {
  constexpr size_t kKeepArgs = 1024;  // what ParseMultibulk reserves up front at most
  if (args_.capacity() > kKeepArgs) std::vector<std::string_view>().swap(args_);
  if (inline_args_.capacity() > kKeepArgs) std::vector<std::string>().swap(inline_args_);
}

RequestParser::Outcome RequestParser::Parse(std::string_view buf, const ParserLimits& limits) {
  if (buf.empty()) return {State::kIncomplete};
  if (buf[0] == '*') return ParseMultibulk(buf, limits);
  return ParseInline(buf);
}

RequestParser::Outcome RequestParser::ParseMultibulk(std::string_view buf,
                                                     const ParserLimits& limits) {
  size_t cr = buf.find('\r');
  if (cr == std::string_view::npos) {
    if (buf.size() > kInlineMaxSize) return Fail("Protocol error: too big mbulk count string");
    return {State::kIncomplete};
  }
  if (cr + 2 > buf.size()) return {State::kIncomplete};  // need the '\n' too
  int64_t count;
  if (!ParseCount(buf, 1, cr, &count) || count > INT_MAX) {
    return Fail("Protocol error: invalid multibulk length");
  }
  if (count > 10 && limits.auth_required) {
    return Fail("Protocol error: unauthenticated multibulk length");
  }
  size_t pos = cr + 2;
  if (count <= 0) return {State::kEmpty, pos};

  args_.clear();
  if (static_cast<size_t>(count) < 1024) args_.reserve(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; i++) {
    size_t lcr = buf.find('\r', pos);
    if (lcr == std::string_view::npos) {
      if (buf.size() - pos > kInlineMaxSize) {
        return Fail("Protocol error: too big bulk count string");
      }
      return {State::kIncomplete};
    }
    if (lcr + 2 > buf.size()) return {State::kIncomplete};
    if (buf[pos] != '$') {
      return Fail(std::string("Protocol error: expected '$', got '") + buf[pos] + "'");
    }
    int64_t len;
    if (!ParseCount(buf, pos + 1, lcr, &len) || len < 0 || len > limits.proto_max_bulk_len) {
      return Fail("Protocol error: invalid bulk length");
    }
    if (len > 16384 && limits.auth_required) {
      return Fail("Protocol error: unauthenticated bulk length");
    }
    pos = lcr + 2;
    // Like Redis, the two bytes after the payload are skipped without being checked.
    if (buf.size() - pos < static_cast<size_t>(len) + 2) {
      return {State::kIncomplete, 0, pos + static_cast<size_t>(len) + 2};
    }
    args_.emplace_back(buf.data() + pos, static_cast<size_t>(len));
    pos += static_cast<size_t>(len) + 2;
  }
  return {State::kCommand, pos};
}

RequestParser::Outcome RequestParser::ParseInline(std::string_view buf) {
  size_t nl = buf.find('\n');
  if (nl == std::string_view::npos) {
    if (buf.size() > kInlineMaxSize) return Fail("Protocol error: too big inline request");
    return {State::kIncomplete};
  }
  size_t line_len = nl;
  if (line_len > 0 && buf[line_len - 1] == '\r') line_len--;
  if (!SplitArgs(buf.substr(0, line_len), &inline_args_)) {  // common/strutil.h
    return Fail("Protocol error: unbalanced quotes in request");
  }
  if (inline_args_.empty()) return {State::kEmpty, nl + 1};
  args_.assign(inline_args_.begin(), inline_args_.end());
  return {State::kCommand, nl + 1};
}

}  // namespace duet
