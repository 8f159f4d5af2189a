// ReplySink: receives a reply's values instead of their RESP bytes, for a caller that would
// only parse the bytes back (a script's redis.call builds Lua values from them).
//
// A ReplyBuilder with a sink (ReplyBuilder::SetSink) resolves the protocol first (RESP2 maps
// arrive as arrays of 2n, doubles as bulk strings, booleans as integers ...) and calls the
// sink once per RESP value it would have written, in order; aggregates arrive as a header
// followed by their elements. Pre-encoded bytes (Raw) and headers inserted after their
// elements (Mark/Insert*Header) are not values the sink can take: at the first of those the
// builder drops the sink and writes everything after as bytes, which always begin at a
// value's boundary; the receiver parses them after the sink's values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace duet {

class ReplySink {
 public:
  virtual ~ReplySink() = default;
  virtual void Status(std::string_view s) = 0;   // +s
  virtual void Error(std::string_view msg) = 0;  // -msg (msg without the '-')
  virtual void Integer(int64_t v) = 0;           // :v
  virtual void Bulk(std::string_view s) = 0;     // $len s
  virtual void NullBulk() = 0;                   // RESP2 $-1 or *-1
  virtual void Null() = 0;                       // RESP3 _
  // '*' array, '%' map (n pairs), '~' set, '>' push; its n elements (2n for a map) follow.
  virtual void Header(char type, size_t n) = 0;
  virtual void Double(double v) = 0;                                    // RESP3 ,v
  virtual void Bool(bool v) = 0;                                        // RESP3 #t/#f
  virtual void BigNumber(std::string_view s) = 0;                       // RESP3 (s
  virtual void Verbatim(std::string_view s, std::string_view fmt) = 0;  // RESP3 =
};

}  // namespace duet
