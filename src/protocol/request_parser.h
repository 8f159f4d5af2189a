// Parses client requests (RESP multibulk and inline) out of a query buffer, with Redis 7.0's
// limits and protocol-error texts.
//
// The parser is stateless between calls: Parse() looks at the bytes from `pos` and either
// returns one complete command (argument views point into the buffer for multibulk, into the
// parser's scratch storage for inline), asks for more bytes, or reports a protocol error.
// Views stay valid until the buffer is modified or Parse() is called again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace duet {

struct ParserLimits {
  int64_t proto_max_bulk_len = 512LL * 1024 * 1024;
  bool auth_required = false;  // unauthenticated clients get tighter limits, as in Redis
};

class RequestParser {
 public:
  enum class State { kCommand, kEmpty, kIncomplete, kError };

  struct Outcome {
    State state;
    size_t consumed = 0;  // bytes to drop from the buffer (kCommand, kEmpty)
    // For kIncomplete on a multibulk request: total bytes the buffer needs from `pos` to
    // hold the command, when known (lets the reader size its next read). 0 if unknown.
    size_t need = 0;
  };

  Outcome Parse(std::string_view buf, const ParserLimits& limits);

  const std::vector<std::string_view>& args() const { return args_; }
  // Redis's error text for the last kError, e.g. "Protocol error: invalid bulk length".
  const std::string& error() const { return error_; }
  // Frees the argument storage a command of many arguments grew (a 100,000-argument SADD
  // leaves 1.6 MB of views), so that memory goes back once the command ran, as Redis frees a
  // command's argv. Small storage is kept for reuse. Invalidates args().
  void ReleaseLargeScratch();

 private:
  Outcome ParseMultibulk(std::string_view buf, const ParserLimits& limits);
  Outcome ParseInline(std::string_view buf);
  Outcome Fail(std::string msg);

  std::vector<std::string_view> args_;
  std::vector<std::string> inline_args_;
  std::string error_;
};

}  // namespace duet
