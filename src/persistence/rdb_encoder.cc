#include "persistence/rdb_encoder.h"

#include <liblzf/lzf.h>

#include <cstring>

#include "common/crc64.h"
#include "common/strutil.h"
#include "persistence/rdb_format.h"

namespace duet::rdb {
namespace {

// rdbEncodeInteger: the shortest of the 8/16/32-bit encodings, or 0 when `v` needs more.
size_t EncodeInteger(int64_t v, uint8_t* out) {
  if (v >= INT8_MIN && v <= INT8_MAX) {
    out[0] = (kLenEncoded << 6) | kEncInt8;
    out[1] = static_cast<uint8_t>(v);
    return 2;
  }
  if (v >= INT16_MIN && v <= INT16_MAX) {
    out[0] = (kLenEncoded << 6) | kEncInt16;
    uint16_t u = static_cast<uint16_t>(v);
    std::memcpy(out + 1, &u, 2);
    return 3;
  }
  if (v >= INT32_MIN && v <= INT32_MAX) {
    out[0] = (kLenEncoded << 6) | kEncInt32;
    uint32_t u = static_cast<uint32_t>(v);
    std::memcpy(out + 1, &u, 4);
    return 5;
  }
  return 0;
}

}  // namespace

void RdbEncoder::Length(uint64_t len) {
  uint8_t b[9];
  if (len < (1 << 6)) {
    Byte(static_cast<uint8_t>(len));
    return;
  }
  if (len < (1 << 14)) {
    b[0] = static_cast<uint8_t>((len >> 8) | (kLen14Bit << 6));
    b[1] = static_cast<uint8_t>(len);
    Raw({reinterpret_cast<char*>(b), 2});
    return;
  }
  if (len <= UINT32_MAX) {
    b[0] = kLen32Bit;
    for (int i = 0; i < 4; i++) b[1 + i] = static_cast<uint8_t>(len >> (24 - 8 * i));
    Raw({reinterpret_cast<char*>(b), 5});
    return;
  }
  b[0] = kLen64Bit;
  for (int i = 0; i < 8; i++) b[1 + i] = static_cast<uint8_t>(len >> (56 - 8 * i));
  Raw({reinterpret_cast<char*>(b), 9});
}

void RdbEncoder::String(std::string_view s) {
  if (s.size() <= 11 && !s.empty()) {
    // rdbTryIntegerEncoding: only when the text is exactly the integer's canonical form.
    if (std::optional<int64_t> v = ParseInt64(s)) {
      char canon[24];
      if (std::string_view(canon, FormatInt64(*v, canon)) == s) {
        uint8_t enc[5];
        if (size_t n = EncodeInteger(*v, enc)) {
          Raw({reinterpret_cast<char*>(enc), n});
          return;
        }
      }
    }
  }
  if (compress_ && s.size() > 20) {
    // rdbSaveLzfStringObject: worth it only when the output fits in len - 4 bytes.
    size_t outlen = s.size() - 4;
    if (lzf_.size() < outlen + 1) lzf_.resize(outlen + 1);
    unsigned clen = lzf_compress(s.data(), static_cast<unsigned>(s.size()), lzf_.data(),
                                 static_cast<unsigned>(outlen));
    if (clen != 0) {
      Byte((kLenEncoded << 6) | kEncLzf);
      Length(clen);
      Length(s.size());
      Raw({lzf_.data(), clen});
      return;
    }
  }
  Length(s.size());
  Raw(s);
}

void RdbEncoder::Int64String(int64_t v) {
  uint8_t enc[5];
  if (size_t n = EncodeInteger(v, enc)) {
    Raw({reinterpret_cast<char*>(enc), n});
    return;
  }
  char buf[24];
  size_t len = FormatInt64(v, buf);
  Length(len);
  Raw({buf, len});
}

void RdbEncoder::BinaryDouble(double v) {
  char b[8];
  std::memcpy(b, &v, 8);
  Raw({b, 8});
}

void RdbEncoder::Millis(int64_t ms) {
  char b[8];
  std::memcpy(b, &ms, 8);
  Raw({b, 8});
}

uint64_t RdbEncoder::Crc() const { return Crc64(crc_, buf_.data(), buf_.size()); }

void RdbEncoder::Flush() {
  if (buf_.empty()) return;
  crc_ = Crc64(crc_, buf_.data(), buf_.size());
  flushed_ += buf_.size();
  if (error_.ok()) error_ = sink_(buf_);
  buf_.clear();
}

Status RdbEncoder::Finish() {
  if (sink_) Flush();
  return error_;
}

}  // namespace duet::rdb
