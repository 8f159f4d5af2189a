// libFuzzer target: feeds arbitrary bytes to the request parser the way the server does
// (repeatedly, consuming complete commands) and checks its invariants.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "protocol/request_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  duet::RequestParser parser;
  duet::ParserLimits limits;
  limits.auth_required = size > 0 && (data[0] & 1);
  std::string_view buf(reinterpret_cast<const char*>(data), size);
  while (!buf.empty()) {
    auto out = parser.Parse(buf, limits);
    if (out.state == duet::RequestParser::State::kIncomplete ||
        out.state == duet::RequestParser::State::kError) {
      break;
    }
    if (out.consumed == 0 || out.consumed > buf.size()) abort();  // must make progress
    if (out.state == duet::RequestParser::State::kCommand) {
      if (parser.args().empty()) abort();
      for (std::string_view a : parser.args()) {
        // Multibulk views must point inside the buffer.
        if (buf[0] == '*' &&
            (a.data() < buf.data() || a.data() + a.size() > buf.data() + buf.size()))
          abort();
      }
    }
    buf.remove_prefix(out.consumed);
  }
  return 0;
}
