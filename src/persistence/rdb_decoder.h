// RdbDecoder: reads RDB primitives from a byte range (an mmap'd file or a DUMP payload).
//
// Every read is bounds-checked: on bad or truncated input a read returns false and error()
// says what was wrong and at which byte offset; the decoder never reads outside its range.
// The first error sticks (later reads fail too).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace duet::rdb {

class RdbDecoder {
 public:
  // Strings longer than this are refused (a corrupt length must not allocate terabytes).
  static constexpr uint64_t kMaxString = uint64_t{1} << 40;

  RdbDecoder(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  size_t pos() const { return pos_; }
  size_t size() const { return size_; }
  size_t remaining() const { return size_ - pos_; }
  const uint8_t* data() const { return data_; }
  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }

  bool Byte(uint8_t* out);
  // A view of the next `n` bytes.
  bool Bytes(size_t n, std::string_view* out);
  // rdbLoadLenByRef: a length, or with *encoded set a special string encoding (kEnc*).
  bool Length(uint64_t* len, bool* encoded);
  // A length that must not be a special encoding.
  bool Length(uint64_t* len);
  // rdbGenericLoadStringObject: plain, integer-encoded (as decimal text) or LZF.
  bool String(std::string* out);
  // An integer encoded as a string (the text must be a 64-bit integer).
  bool Int64(int64_t* out);
  bool BinaryDouble(double* out);
  // rdbLoadDoubleValue (RDB_TYPE_ZSET): a length byte (253 nan, 254 +inf, 255 -inf) and text.
  bool OldDouble(double* out);
  bool Millis(int64_t* out);
  bool Seconds(int32_t* out);

  // Records an error at the current position; returns false.
  bool Fail(std::string_view what);

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  std::string error_;
};

}  // namespace duet::rdb
