#include "persistence/legacy_blobs.h"

#include <cstring>
#include <string>
#include <vector>

#include "common/strutil.h"

namespace duet::rdb {
namespace {

uint32_t U32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

uint16_t U16(const uint8_t* p) {
  uint16_t v;
  std::memcpy(&v, p, 2);
  return v;
}

// One ziplist entry decoded at `p` (within [p, end)): its element and total size.
struct ZlEntry {
  size_t prevlen;
  size_t size;
  bool is_int;
  int64_t ival;
  std::string_view sval;
};

bool DecodeZlEntry(const uint8_t* p, const uint8_t* end, ZlEntry* e) {
  size_t avail = static_cast<size_t>(end - p);
  if (avail < 2) return false;
  size_t h = 1;
  if (p[0] < 254) {
    e->prevlen = p[0];
  } else if (p[0] == 254) {
    if (avail < 5) return false;
    e->prevlen = U32(p + 1);
    h = 5;
  } else {
    return false;
  }
  if (h >= avail) return false;
  uint8_t enc = p[h];
  size_t hdr, len = 0;
  e->is_int = false;
  switch (enc >> 6) {
    case 0:
      hdr = 1;
      len = enc & 0x3f;
      break;
    case 1:
      if (avail < h + 2) return false;
      hdr = 2;
      len = (size_t{enc & 0x3fu} << 8) | p[h + 1];
      break;
    case 2:
      if (enc != 0x80 || avail < h + 5) return false;
      hdr = 5;
      len =
          (size_t{p[h + 1]} << 24) | (size_t{p[h + 2]} << 16) | (size_t{p[h + 3]} << 8) | p[h + 4];
      break;
    default: {
      hdr = 1;
      e->is_int = true;
      const uint8_t* d = p + h + 1;
      size_t need;
      if (enc == 0xc0) {
        need = 2;
      } else if (enc == 0xd0) {
        need = 4;
      } else if (enc == 0xe0) {
        need = 8;
      } else if (enc == 0xf0) {
        need = 3;
      } else if (enc == 0xfe) {
        need = 1;
      } else if (enc >= 0xf1 && enc <= 0xfd) {
        need = 0;
      } else {
        return false;
      }
      if (avail < h + hdr + need) return false;
      if (enc == 0xc0) {
        e->ival = static_cast<int16_t>(U16(d));
      } else if (enc == 0xd0) {
        e->ival = static_cast<int32_t>(U32(d));
      } else if (enc == 0xe0) {
        int64_t v;
        std::memcpy(&v, d, 8);
        e->ival = v;
      } else if (enc == 0xf0) {
        int32_t v = static_cast<int32_t>((uint32_t{d[0]} << 8) | (uint32_t{d[1]} << 16) |
                                         (uint32_t{d[2]} << 24));
        e->ival = v >> 8;
      } else if (enc == 0xfe) {
        e->ival = static_cast<int8_t>(d[0]);
      } else {
        e->ival = (enc & 0x0f) - 1;
      }
      e->size = h + hdr + need;
      return true;
    }
  }
  if (len > avail - h - hdr) return false;
  e->sval = {reinterpret_cast<const char*>(p + h + hdr), len};
  e->size = h + hdr + len;
  return true;
}

}  // namespace

bool ForEachZiplistElement(std::string_view zl, FunctionRef<void(std::string_view)> fn) {
  const auto* b = reinterpret_cast<const uint8_t*>(zl.data());
  if (zl.size() < 11 || U32(b) != zl.size() || b[zl.size() - 1] != 0xff) return false;
  if (U32(b + 4) > zl.size() - 1) return false;
  size_t declared = U16(b + 8);
  const uint8_t* end = b + zl.size() - 1;
  // Validate first, then call back: a corrupt blob must not leave half a value behind.
  std::vector<ZlEntry> entries;
  size_t prev = 0;
  size_t tail = 10;  // the header's zltail: the offset of the last entry (10 when empty)
  for (const uint8_t* p = b + 10; p < end;) {
    ZlEntry e;
    if (!DecodeZlEntry(p, end, &e) || e.prevlen != prev) return false;
    tail = static_cast<size_t>(p - b);
    prev = e.size;
    p += e.size;
    entries.push_back(e);
  }
  if (declared != 0xffff && declared != entries.size()) return false;
  if (U32(b + 4) != tail) return false;
  char buf[24];
  for (const ZlEntry& e : entries) {
    fn(e.is_int ? std::string_view(buf, FormatInt64(e.ival, buf)) : e.sval);
  }
  return true;
}

bool ForEachZipmapPair(std::string_view zm,
                       FunctionRef<void(std::string_view, std::string_view)> fn) {
  const auto* b = reinterpret_cast<const uint8_t*>(zm.data());
  size_t n = zm.size();
  if (n < 2 || b[n - 1] != 0xff) return false;
  size_t pos = 1;
  auto read_len = [&](size_t* len) {
    if (pos >= n) return false;
    if (b[pos] < 254) {
      *len = b[pos++];
      return true;
    }
    if (b[pos] == 254 && pos + 5 <= n) {
      *len = U32(b + pos + 1);
      pos += 5;
      return true;
    }
    return false;
  };
  std::vector<std::pair<std::string_view, std::string_view>> pairs;
  while (pos < n && b[pos] != 0xff) {
    size_t klen, vlen;
    if (!read_len(&klen) || klen > n - pos) return false;
    std::string_view k(zm.data() + pos, klen);
    pos += klen;
    if (!read_len(&vlen) || pos >= n) return false;
    size_t free_bytes = b[pos++];
    if (vlen > n - pos || free_bytes > n - pos - vlen) return false;
    std::string_view v(zm.data() + pos, vlen);
    pos += vlen + free_bytes;
    pairs.emplace_back(k, v);
  }
  if (pos != n - 1) return false;
  for (auto& [k, v] : pairs) fn(k, v);
  return true;
}

bool ForEachIntsetElement(std::string_view is, FunctionRef<void(int64_t)> fn) {
  const auto* b = reinterpret_cast<const uint8_t*>(is.data());
  if (is.size() < 8) return false;
  uint32_t width = U32(b);
  uint64_t count = U32(b + 4);
  if (width != 2 && width != 4 && width != 8) return false;
  if (8 + count * width != is.size()) return false;
  auto at = [&](uint64_t i) {
    const uint8_t* p = b + 8 + i * width;
    if (width == 2) return int64_t{static_cast<int16_t>(U16(p))};
    if (width == 4) return int64_t{static_cast<int32_t>(U32(p))};
    int64_t v;
    std::memcpy(&v, p, 8);
    return v;
  };
  for (uint64_t i = 1; i < count; i++) {
    if (at(i) <= at(i - 1)) return false;
  }
  for (uint64_t i = 0; i < count; i++) fn(at(i));
  return true;
}

}  // namespace duet::rdb
