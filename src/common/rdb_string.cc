#include "common/rdb_string.h"

#include <liblzf/lzf.h>

#include <cstring>
#include <vector>

#include "common/strutil.h"

namespace duet::rdb {

namespace {
constexpr uint8_t kEncVal = 3;  // the two top bits 11: a special encoding
constexpr uint8_t kEncInt8 = 0, kEncInt16 = 1, kEncInt32 = 2, kEncLzf = 3;

void AppendLe(std::string* out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; i++) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
}  // namespace

void AppendLen(std::string* out, uint64_t len) {
  if (len < (1 << 6)) {
    out->push_back(static_cast<char>(len & 0xff));
  } else if (len < (1 << 14)) {
    out->push_back(static_cast<char>(((len >> 8) & 0xff) | 0x40));
    out->push_back(static_cast<char>(len & 0xff));
  } else if (len <= UINT32_MAX) {
    out->push_back(static_cast<char>(0x80));
    for (int i = 3; i >= 0; i--) out->push_back(static_cast<char>((len >> (8 * i)) & 0xff));
  } else {
    out->push_back(static_cast<char>(0x81));
    for (int i = 7; i >= 0; i--) out->push_back(static_cast<char>((len >> (8 * i)) & 0xff));
  }
}

void AppendString(std::string* out, std::string_view s, bool compress) {
  if (s.size() <= 11) {
    if (std::optional<int64_t> v = ParseInt64(s)) {
      if (*v >= -(1 << 7) && *v <= (1 << 7) - 1) {
        out->push_back(static_cast<char>((kEncVal << 6) | kEncInt8));
        AppendLe(out, static_cast<uint64_t>(*v), 1);
        return;
      }
      if (*v >= -(1 << 15) && *v <= (1 << 15) - 1) {
        out->push_back(static_cast<char>((kEncVal << 6) | kEncInt16));
        AppendLe(out, static_cast<uint64_t>(*v), 2);
        return;
      }
      if (*v >= -(int64_t{1} << 31) && *v <= (int64_t{1} << 31) - 1) {
        out->push_back(static_cast<char>((kEncVal << 6) | kEncInt32));
        AppendLe(out, static_cast<uint64_t>(*v), 4);
        return;
      }
    }
  }
  if (compress && s.size() > 20) {
    // As rdbSaveLzfStringObject: worth it only when at least 4 bytes are saved.
    std::vector<char> buf(s.size() - 4 + 1);
    unsigned n = lzf_compress(s.data(), static_cast<unsigned>(s.size()), buf.data(),
                              static_cast<unsigned>(s.size() - 4));
    if (n > 0) {
      out->push_back(static_cast<char>((kEncVal << 6) | kEncLzf));
      AppendLen(out, n);
      AppendLen(out, s.size());
      out->append(buf.data(), n);
      return;
    }
  }
  AppendLen(out, s.size());
  out->append(s);
}

bool ReadLen(std::string_view in, size_t* pos, uint64_t* len, bool* encoded) {
  *encoded = false;
  if (*pos >= in.size()) return false;
  uint8_t b = static_cast<uint8_t>(in[(*pos)++]);
  uint8_t type = b >> 6;
  if (type == 0) {
    *len = b & 0x3f;
  } else if (type == 1) {
    if (*pos >= in.size()) return false;
    *len = (static_cast<uint64_t>(b & 0x3f) << 8) | static_cast<uint8_t>(in[(*pos)++]);
  } else if (type == kEncVal) {
    *encoded = true;
    *len = b & 0x3f;
  } else if (b == 0x80 || b == 0x81) {
    int n = b == 0x80 ? 4 : 8;
    if (*pos + n > in.size()) return false;
    uint64_t v = 0;
    for (int i = 0; i < n; i++) v = (v << 8) | static_cast<uint8_t>(in[(*pos)++]);
    *len = v;
  } else {
    return false;
  }
  return true;
}

bool ReadString(std::string_view in, size_t* pos, std::string* out) {
  uint64_t len;
  bool encoded;
  if (!ReadLen(in, pos, &len, &encoded)) return false;
  if (!encoded) {
    if (len > in.size() - *pos) return false;
    out->assign(in.substr(*pos, len));
    *pos += len;
    return true;
  }
  if (len <= kEncInt32) {
    int n = 1 << len;
    if (*pos + n > in.size()) return false;
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--) v = (v << 8) | static_cast<uint8_t>(in[*pos + i]);
    *pos += n;
    int64_t sv = n == 1   ? static_cast<int8_t>(v)
                 : n == 2 ? static_cast<int16_t>(v)
                          : static_cast<int32_t>(v);
    *out = Int64ToString(sv);
    return true;
  }
  if (len != kEncLzf) return false;
  uint64_t clen, ulen;
  if (!ReadLen(in, pos, &clen, &encoded) || encoded) return false;
  if (!ReadLen(in, pos, &ulen, &encoded) || encoded) return false;
  if (clen > in.size() - *pos || ulen > (uint64_t{1} << 32)) return false;
  out->resize(ulen);
  unsigned n = lzf_decompress(in.data() + *pos, static_cast<unsigned>(clen), out->data(),
                              static_cast<unsigned>(ulen));
  if (n != ulen) return false;
  *pos += clen;
  return true;
}

}  // namespace duet::rdb
