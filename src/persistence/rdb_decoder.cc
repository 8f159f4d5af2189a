#include "persistence/rdb_decoder.h"

#include <liblzf/lzf.h>

#include <cmath>
#include <cstring>

#include "common/strutil.h"
#include "persistence/rdb_format.h"

namespace duet::rdb {

bool RdbDecoder::Fail(std::string_view what) {
  if (error_.empty()) {
    error_ = std::string(what) + " at offset " + std::to_string(pos_);
  }
  return false;
}

bool RdbDecoder::Byte(uint8_t* out) {
  if (failed()) return false;
  if (pos_ >= size_) return Fail("unexpected end of data");
  *out = data_[pos_++];
  return true;
}

bool RdbDecoder::Bytes(size_t n, std::string_view* out) {
  if (failed()) return false;
  if (n > size_ - pos_) return Fail("unexpected end of data");
  *out = {reinterpret_cast<const char*>(data_ + pos_), n};
  pos_ += n;
  return true;
}

bool RdbDecoder::Length(uint64_t* len, bool* encoded) {
  *encoded = false;
  uint8_t b = 0;
  if (!Byte(&b)) return false;
  uint8_t kind = b >> 6;
  if (kind == kLenEncoded) {
    *encoded = true;
    *len = b & 0x3f;
    return true;
  }
  if (kind == kLen6Bit) {
    *len = b & 0x3f;
    return true;
  }
  if (kind == kLen14Bit) {
    uint8_t b2 = 0;
    if (!Byte(&b2)) return false;
    *len = (uint64_t{b & 0x3fu} << 8) | b2;
    return true;
  }
  std::string_view v;
  if (b == kLen32Bit) {
    if (!Bytes(4, &v)) return false;
  } else if (b == kLen64Bit) {
    if (!Bytes(8, &v)) return false;
  } else {
    return Fail("unknown length encoding " + std::to_string(b));
  }
  uint64_t x = 0;
  for (char c : v) x = (x << 8) | static_cast<uint8_t>(c);
  *len = x;
  return true;
}

bool RdbDecoder::Length(uint64_t* len) {
  bool encoded;
  if (!Length(len, &encoded)) return false;
  if (encoded) return Fail("unexpected string encoding where a length belongs");
  return true;
}

bool RdbDecoder::String(std::string* out) {
  uint64_t len;
  bool encoded;
  if (!Length(&len, &encoded)) return false;
  if (encoded) {
    std::string_view v;
    int64_t x;
    switch (len) {
      case kEncInt8:
        if (!Bytes(1, &v)) return false;
        x = static_cast<int8_t>(v[0]);
        break;
      case kEncInt16: {
        if (!Bytes(2, &v)) return false;
        int16_t i;
        std::memcpy(&i, v.data(), 2);
        x = i;
        break;
      }
      case kEncInt32: {
        if (!Bytes(4, &v)) return false;
        int32_t i;
        std::memcpy(&i, v.data(), 4);
        x = i;
        break;
      }
      case kEncLzf: {
        uint64_t clen, ulen;
        if (!Length(&clen) || !Length(&ulen)) return false;
        if (ulen == 0 || ulen > kMaxString) return Fail("bad LZF string length");
        if (!Bytes(clen, &v)) return false;
        out->resize(ulen);
        unsigned got = lzf_decompress(v.data(), static_cast<unsigned>(clen), out->data(),
                                      static_cast<unsigned>(ulen));
        if (got != ulen) return Fail("invalid LZF compressed string");
        return true;
      }
      default:
        return Fail("unknown string encoding " + std::to_string(len));
    }
    char buf[24];
    out->assign(buf, FormatInt64(x, buf));
    return true;
  }
  if (len > kMaxString) return Fail("string length too large");
  std::string_view v;
  if (!Bytes(len, &v)) return false;
  out->assign(v);
  return true;
}

bool RdbDecoder::Int64(int64_t* out) {
  std::string s;
  if (!String(&s)) return false;
  std::optional<int64_t> v = ParseInt64(s);
  if (!v) return Fail("expected an integer");
  *out = *v;
  return true;
}

bool RdbDecoder::BinaryDouble(double* out) {
  std::string_view v;
  if (!Bytes(8, &v)) return false;
  std::memcpy(out, v.data(), 8);
  return true;
}

bool RdbDecoder::OldDouble(double* out) {
  uint8_t len = 0;
  if (!Byte(&len)) return false;
  if (len == 253) {
    *out = std::nan("");
    return true;
  }
  if (len == 254) {
    *out = INFINITY;
    return true;
  }
  if (len == 255) {
    *out = -INFINITY;
    return true;
  }
  std::string_view v;
  if (!Bytes(len, &v)) return false;
  std::string text(v);
  char* end = nullptr;
  *out = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return Fail("invalid double value");
  return true;
}

bool RdbDecoder::Millis(int64_t* out) {
  std::string_view v;
  if (!Bytes(8, &v)) return false;
  std::memcpy(out, v.data(), 8);
  return true;
}

bool RdbDecoder::Seconds(int32_t* out) {
  std::string_view v;
  if (!Bytes(4, &v)) return false;
  std::memcpy(out, v.data(), 4);
  return true;
}

}  // namespace duet::rdb
