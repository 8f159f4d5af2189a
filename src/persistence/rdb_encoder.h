// RdbEncoder: writes RDB primitives (lengths, strings with Redis's integer and LZF
// encodings, binary doubles, opcodes) into a buffer, in Redis 7.0.15's exact bytes.
//
// The buffer is handed to a sink whenever it grows past kFlushBytes (a file writer), or kept
// whole when there is no sink (DUMP payloads). The CRC-64 of everything encoded is kept, for
// the RDB trailer and DUMP's footer. A sink failure is remembered: later writes are dropped and
// Finish() returns the error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace duet::rdb {

class RdbEncoder {
 public:
  static constexpr size_t kFlushBytes = 64 * 1024;
  using Sink = std::function<Status(std::string_view)>;

  // `compress`: rdbcompression (LZF for strings over 20 bytes when it saves at least 4).
  explicit RdbEncoder(bool compress, Sink sink = nullptr)
      : compress_(compress), sink_(std::move(sink)) {}

  void Byte(uint8_t b) {
    buf_.push_back(static_cast<char>(b));
    MaybeFlush();
  }
  void Raw(std::string_view bytes) {
    buf_.append(bytes);
    MaybeFlush();
  }
  // rdbSaveLen: 6-bit, 14-bit, 32-bit or 64-bit big-endian length.
  void Length(uint64_t len);
  // rdbSaveRawString: an integer encoding when `s` is a short canonical integer fitting 32
  // bits, else LZF when enabled and worth it, else length + bytes.
  void String(std::string_view s);
  // rdbSaveLongLongAsStringObject.
  void Int64String(int64_t v);
  // rdbSaveBinaryDoubleValue: 8 bytes little endian.
  void BinaryDouble(double v);
  // 8-byte little-endian millisecond time (after kOpExpireTimeMs).
  void Millis(int64_t ms);

  // The CRC-64 of all bytes encoded so far.
  uint64_t Crc() const;
  // Bytes encoded so far (flushed or not).
  uint64_t written() const { return flushed_ + buf_.size(); }
  // Hands the rest of the buffer to the sink; the first sink error, if any.
  Status Finish();
  // Without a sink: the encoded bytes.
  std::string& buffer() { return buf_; }

 private:
  void MaybeFlush() {
    if (sink_ && buf_.size() >= kFlushBytes) Flush();
  }
  void Flush();

  bool compress_;
  Sink sink_;
  std::string buf_;
  uint64_t crc_ = 0;  // of the flushed bytes
  uint64_t flushed_ = 0;
  Status error_;
  std::string lzf_;  // scratch for compression
};

}  // namespace duet::rdb
