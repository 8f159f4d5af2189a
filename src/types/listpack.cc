#include "types/listpack.h"

#include <malloc.h>

#include <cassert>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "common/strutil.h"

namespace duet::lp {

namespace {

constexpr uint32_t kCountUnknown = 65535;

// Encoding bytes (listpack.c LP_ENCODING_*).
constexpr uint8_t k6BitStr = 0x80;
constexpr uint8_t k13BitInt = 0xC0;
constexpr uint8_t k12BitStr = 0xE0;
constexpr uint8_t k16BitInt = 0xF1;
constexpr uint8_t k24BitInt = 0xF2;
constexpr uint8_t k32BitInt = 0xF3;
constexpr uint8_t k64BitInt = 0xF4;
constexpr uint8_t k32BitStr = 0xF0;

inline uint32_t ReadU32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
         static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}
inline void WriteU32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
  p[2] = static_cast<uint8_t>(v >> 16);
  p[3] = static_cast<uint8_t>(v >> 24);
}

inline uint32_t HeaderCount(const uint8_t* lp) {
  return static_cast<uint32_t>(lp[4]) | static_cast<uint32_t>(lp[5]) << 8;
}
// Counts at or past 65535 are stored as 65535, "unknown: walk to count".
inline void SetHeaderCount(uint8_t* lp, uint64_t n) {
  if (n > kCountUnknown) n = kCountUnknown;
  lp[4] = static_cast<uint8_t>(n);
  lp[5] = static_cast<uint8_t>(n >> 8);
}
inline void SetBytes(uint8_t* lp, size_t n) { WriteU32(lp, static_cast<uint32_t>(n)); }

// Size of an entry's encoding + data (lpCurrentEncodedSizeUnsafe); 0 for an invalid byte.
inline uint64_t EncodedSize(const uint8_t* p) {
  uint8_t b = p[0];
  if ((b & 0x80) == 0) return 1;
  if ((b & 0xC0) == k6BitStr) return 1 + (b & 0x3F);
  if ((b & 0xE0) == k13BitInt) return 2;
  if ((b & 0xF0) == k12BitStr) return 2 + ((static_cast<uint64_t>(b & 0x0F) << 8) | p[1]);
  switch (b) {
    case k16BitInt:
      return 3;
    case k24BitInt:
      return 4;
    case k32BitInt:
      return 5;
    case k64BitInt:
      return 9;
    case k32BitStr:
      return uint64_t{5} + ReadU32(p + 1);
    case kEof:
      return 1;
    default:
      return 0;
  }
}

// Bytes needed to read EncodedSize (lpCurrentEncodedSizeBytes); 0 for an invalid byte.
inline uint32_t EncodedSizeBytes(uint8_t b) {
  if ((b & 0x80) == 0 || (b & 0xC0) == k6BitStr || (b & 0xE0) == k13BitInt) return 1;
  if ((b & 0xF0) == k12BitStr) return 2;
  if (b == k32BitStr) return 5;
  if ((b >= k16BitInt && b <= k64BitInt) || b == kEof) return 1;
  return 0;
}

// Size of the backlen field for an entry of `l` bytes. Redis's thresholds (lpEncodeBacklen),
// including its strict "< 16383" for two bytes: 16383 takes three.
inline uint32_t BacklenSize(uint64_t l) {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

// The backlen is written most significant group first; every byte but the first has bit 7 set,
// so reading backwards from the last byte knows when to stop.
inline uint32_t EncodeBacklen(uint8_t* buf, uint64_t l) {
  uint32_t n = BacklenSize(l);
  if (n == 1) {
    buf[0] = static_cast<uint8_t>(l);
    return 1;
  }
  buf[0] = static_cast<uint8_t>(l >> (7 * (n - 1)));
  for (uint32_t i = 1; i < n; i++) {
    buf[i] = static_cast<uint8_t>(((l >> (7 * (n - 1 - i))) & 127) | 128);
  }
  return n;
}

// Reads the backlen ending at `p` (its last byte); UINT64_MAX when longer than 5 bytes.
// `lo` bounds the walk (Validate), so a corrupt buffer is never read before `lo`.
inline uint64_t DecodeBacklen(const uint8_t* p, const uint8_t* lo) {
  uint64_t val = 0;
  uint64_t shift = 0;
  while (true) {
    val |= static_cast<uint64_t>(p[0] & 127) << shift;
    if (!(p[0] & 128)) break;
    shift += 7;
    if (shift > 28 || p == lo) return UINT64_MAX;
    p--;
  }
  return val;
}

inline uint8_t* Skip(uint8_t* p) {
  // Fast paths for the common small entries, whose backlen is one byte.
  uint8_t b = p[0];
  if (b < 0x80) return p + 2;                             // 7-bit uint
  if ((b & 0xC0) == k6BitStr) return p + 2 + (b & 0x3F);  // short string
  if ((b & 0xE0) == k13BitInt) return p + 3;              // 13-bit int
  uint64_t n = EncodedSize(p);
  return p + n + BacklenSize(n);
}

// An element ready to be written: encoding header (+ integer data) in `hdr`, and for strings
// the bytes in `data`.
struct Encoded {
  uint8_t hdr[9];
  uint32_t hdr_len = 0;
  std::string_view data;
  uint32_t EncLen() const { return hdr_len + static_cast<uint32_t>(data.size()); }
  uint32_t EntryLen() const { return EncLen() + BacklenSize(EncLen()); }
};

// lpEncodeIntegerGetType: the smallest of the integer encodings.
inline void EncodeInt(int64_t v, Encoded* e) {
  uint8_t* b = e->hdr;
  if (v >= 0 && v <= 127) {
    b[0] = static_cast<uint8_t>(v);
    e->hdr_len = 1;
  } else if (v >= -4096 && v <= 4095) {
    uint64_t u = v < 0 ? (uint64_t{1} << 13) + v : static_cast<uint64_t>(v);
    b[0] = static_cast<uint8_t>((u >> 8) | k13BitInt);
    b[1] = static_cast<uint8_t>(u & 0xFF);
    e->hdr_len = 2;
  } else {
    uint64_t u = static_cast<uint64_t>(v);  // two's complement = Redis's (1<<bits)+v
    uint32_t bytes;
    if (v >= -32768 && v <= 32767) {
      b[0] = k16BitInt;
      bytes = 2;
    } else if (v >= -8388608 && v <= 8388607) {
      b[0] = k24BitInt;
      bytes = 3;
    } else if (v >= INT32_MIN && v <= INT32_MAX) {
      b[0] = k32BitInt;
      bytes = 4;
    } else {
      b[0] = k64BitInt;
      bytes = 8;
    }
    for (uint32_t i = 0; i < bytes; i++) b[1 + i] = static_cast<uint8_t>(u >> (8 * i));
    e->hdr_len = 1 + bytes;
  }
}

// lpEncodeGetType + lpEncodeString: canonical integers become integer entries.
inline void EncodeString(std::string_view s, Encoded* e) {
  if (auto v = ParseInt64(s)) {
    EncodeInt(*v, e);
    return;
  }
  size_t len = s.size();
  uint8_t* b = e->hdr;
  if (len < 64) {
    b[0] = static_cast<uint8_t>(len | k6BitStr);
    e->hdr_len = 1;
  } else if (len < 4096) {
    b[0] = static_cast<uint8_t>((len >> 8) | k12BitStr);
    b[1] = static_cast<uint8_t>(len & 0xFF);
    e->hdr_len = 2;
  } else {
    b[0] = k32BitStr;
    WriteU32(b + 1, static_cast<uint32_t>(len));
    e->hdr_len = 5;
  }
  e->data = s;
}

inline size_t UsableSize(uint8_t* lp) { return malloc_usable_size(lp); }

// Writes entry `e` (EntryLen() bytes) at `q`; returns the byte after it.
inline uint8_t* WriteEntry(uint8_t* q, const Encoded& e) {
  memcpy(q, e.hdr, e.hdr_len);
  q += e.hdr_len;
  if (!e.data.empty()) {
    memcpy(q, e.data.data(), e.data.size());
    q += e.data.size();
  }
  return q + EncodeBacklen(q, e.EncLen());
}

// lpInsert: writes `e` before `p` or in place of the entry at `p` (kReplace), or deletes the
// entry at `p` (e == nullptr, kReplace). Grows with realloc before moving the tail, shrinks
// after, as Redis does.
uint8_t* InsertAt(uint8_t* lp, const Encoded* e, uint8_t* p, Where where, uint8_t** newp) {
  if (where == Where::kAfter) {
    p = Skip(p);
    where = Where::kBefore;
  }
  size_t old_bytes = Bytes(lp);
  size_t poff = static_cast<size_t>(p - lp);
  size_t replaced = 0;
  if (where == Where::kReplace) {
    uint64_t n = EncodedSize(p);
    replaced = n + BacklenSize(n);
  }
  size_t entry_len = e ? e->EntryLen() : 0;
  size_t new_bytes = old_bytes + entry_len - replaced;
  assert(new_bytes <= UINT32_MAX);

  // A string view into this very listpack would move under memmove/realloc: copy it first.
  std::string alias_copy;
  Encoded local;
  if (e && !e->data.empty()) {
    const uint8_t* d = reinterpret_cast<const uint8_t*>(e->data.data());
    if (d >= lp && d < lp + old_bytes) {
      alias_copy.assign(e->data);
      local = *e;
      local.data = alias_copy;
      e = &local;
    }
  }

  if (new_bytes > old_bytes && new_bytes > UsableSize(lp)) {
    lp = static_cast<uint8_t*>(realloc(lp, new_bytes));
    if (lp == nullptr) abort();
  }
  uint8_t* dst = lp + poff;
  if (entry_len != replaced) {
    memmove(dst + entry_len, dst + replaced, old_bytes - poff - replaced);
  }
  if (new_bytes < old_bytes) {
    lp = static_cast<uint8_t*>(realloc(lp, new_bytes));
    if (lp == nullptr) abort();
    dst = lp + poff;
  }
  if (e) WriteEntry(dst, *e);
  SetBytes(lp, new_bytes);
  if (where != Where::kReplace || e == nullptr) {
    uint32_t count = HeaderCount(lp);
    if (count != kCountUnknown) SetHeaderCount(lp, e ? count + 1 : count - 1);
  }
  if (newp) {
    *newp = dst;
    if (!e && dst[0] == kEof) *newp = nullptr;
  }
  return lp;
}

inline uint8_t* EndMarker(uint8_t* lp) { return lp + Bytes(lp) - 1; }

}  // namespace

std::string Value::ToString() const {
  if (!is_int) return std::string(sval);
  char buf[24];
  return std::string(buf, FormatInt64(ival, buf));
}

std::string_view Value::View(char* buf) const {
  if (!is_int) return sval;
  return std::string_view(buf, FormatInt64(ival, buf));
}

uint8_t* New(size_t capacity) {
  size_t size = capacity > kHeaderSize + 1 ? capacity : kHeaderSize + 1;
  auto* lp = static_cast<uint8_t*>(malloc(size));
  if (lp == nullptr) abort();
  SetBytes(lp, kHeaderSize + 1);
  SetHeaderCount(lp, 0);
  lp[kHeaderSize] = kEof;
  return lp;
}

void Free(uint8_t* lp) { free(lp); }

uint8_t* Dup(const uint8_t* lp) {
  size_t n = Bytes(lp);
  auto* copy = static_cast<uint8_t*>(malloc(n));
  if (copy == nullptr) abort();
  memcpy(copy, lp, n);
  return copy;
}

size_t Bytes(const uint8_t* lp) { return ReadU32(lp); }

uint32_t Length(const uint8_t* lp) {
  uint32_t count = HeaderCount(lp);
  if (count != kCountUnknown) return count;
  // Too many for the header: walk, and cache the count again if it fits (lpLength). The
  // buffer is always a malloc'd listpack, so writing through it is sound.
  auto* mlp = const_cast<uint8_t*>(lp);
  count = 0;
  for (uint8_t* p = First(mlp); p; p = Next(mlp, p)) count++;
  if (count < kCountUnknown) SetHeaderCount(mlp, count);
  return count;
}

uint8_t* First(uint8_t* lp) {
  uint8_t* p = lp + kHeaderSize;
  return p[0] == kEof ? nullptr : p;
}

uint8_t* Last(uint8_t* lp) { return Prev(lp, EndMarker(lp)); }

uint8_t* Next(uint8_t* lp, uint8_t* p) {
  p = Skip(p);
  return p[0] == kEof ? nullptr : p;
}

uint8_t* Prev(uint8_t* lp, uint8_t* p) {
  if (p - lp == static_cast<ptrdiff_t>(kHeaderSize)) return nullptr;
  uint64_t prevlen = DecodeBacklen(p - 1, lp + kHeaderSize);
  prevlen += BacklenSize(prevlen);
  return p - prevlen;
}

uint8_t* Seek(uint8_t* lp, int64_t index) {
  bool forward = true;
  uint32_t count = HeaderCount(lp);
  if (count != kCountUnknown) {
    if (index < 0) index += count;
    if (index < 0 || index >= static_cast<int64_t>(count)) return nullptr;
    // Past the middle, walk from the tail with a negative index.
    if (index > static_cast<int64_t>(count / 2)) {
      forward = false;
      index -= count;
    }
  } else if (index < 0) {
    forward = false;
  }
  uint8_t* p;
  if (forward) {
    p = First(lp);
    while (index > 0 && p) {
      p = Next(lp, p);
      index--;
    }
  } else {
    p = Last(lp);
    while (index < -1 && p) {
      p = Prev(lp, p);
      index++;
    }
  }
  return p;
}

Value Get(const uint8_t* p) {
  Value v;
  uint8_t b = p[0];
  if ((b & 0x80) == 0) {
    v.is_int = true;
    v.ival = b & 0x7F;
    return v;
  }
  if ((b & 0xC0) == k6BitStr) {
    v.sval = std::string_view(reinterpret_cast<const char*>(p + 1), b & 0x3F);
    return v;
  }
  if ((b & 0xE0) == k13BitInt) {
    uint64_t u = (static_cast<uint64_t>(b & 0x1F) << 8) | p[1];
    v.is_int = true;
    v.ival = u >= (1u << 12) ? static_cast<int64_t>(u) - (1 << 13) : static_cast<int64_t>(u);
    return v;
  }
  if ((b & 0xF0) == k12BitStr) {
    size_t len = (static_cast<size_t>(b & 0x0F) << 8) | p[1];
    v.sval = std::string_view(reinterpret_cast<const char*>(p + 2), len);
    return v;
  }
  if (b == k32BitStr) {
    v.sval = std::string_view(reinterpret_cast<const char*>(p + 5), ReadU32(p + 1));
    return v;
  }
  uint32_t bytes = b == k16BitInt ? 2 : b == k24BitInt ? 3 : b == k32BitInt ? 4 : 8;
  uint64_t u = 0;
  for (uint32_t i = 0; i < bytes; i++) u |= static_cast<uint64_t>(p[1 + i]) << (8 * i);
  if (bytes < 8) {
    uint32_t bits = bytes * 8;
    if (u >= (uint64_t{1} << (bits - 1))) u -= uint64_t{1} << bits;  // sign-extend
  }
  v.is_int = true;
  v.ival = static_cast<int64_t>(u);
  return v;
}

uint8_t* Insert(uint8_t* lp, std::string_view ele, uint8_t* p, Where where, uint8_t** newp) {
  Encoded e;
  EncodeString(ele, &e);
  return InsertAt(lp, &e, p, where, newp);
}

uint8_t* InsertInteger(uint8_t* lp, int64_t v, uint8_t* p, Where where, uint8_t** newp) {
  Encoded e;
  EncodeInt(v, &e);
  return InsertAt(lp, &e, p, where, newp);
}

uint8_t* Append(uint8_t* lp, std::string_view ele) {
  return Insert(lp, ele, EndMarker(lp), Where::kBefore);
}
uint8_t* AppendInteger(uint8_t* lp, int64_t v) {
  return InsertInteger(lp, v, EndMarker(lp), Where::kBefore);
}
uint8_t* Prepend(uint8_t* lp, std::string_view ele) {
  return Insert(lp, ele, lp + kHeaderSize, Where::kBefore);
}
uint8_t* PrependInteger(uint8_t* lp, int64_t v) {
  return InsertInteger(lp, v, lp + kHeaderSize, Where::kBefore);
}
uint8_t* Replace(uint8_t* lp, uint8_t** p, std::string_view ele) {
  return Insert(lp, ele, *p, Where::kReplace, p);
}
uint8_t* ReplaceInteger(uint8_t* lp, uint8_t** p, int64_t v) {
  return InsertInteger(lp, v, *p, Where::kReplace, p);
}

uint8_t* Delete(uint8_t* lp, uint8_t* p, uint8_t** newp) {
  return InsertAt(lp, nullptr, p, Where::kReplace, newp);
}

uint8_t* DeleteRange(uint8_t* lp, int64_t index, uint32_t count) {
  if (count == 0) return lp;
  uint64_t n = Length(lp);
  uint8_t* p = Seek(lp, index);
  if (p == nullptr) return lp;
  if (index < 0) index += static_cast<int64_t>(n);
  uint64_t num = count;
  if (num > n - index) num = n - index;
  size_t bytes = Bytes(lp);
  size_t poff = static_cast<size_t>(p - lp);
  if (num == n - index) {
    // Everything from p to the end goes: p becomes the end marker.
    p[0] = kEof;
    SetBytes(lp, poff + 1);
    SetHeaderCount(lp, static_cast<uint64_t>(index));
  } else {
    uint8_t* tail = p;
    for (uint64_t i = 0; i < num; i++) tail = Skip(tail);
    memmove(p, tail, bytes - static_cast<size_t>(tail - lp));
    SetBytes(lp, bytes - static_cast<size_t>(tail - p));
    SetHeaderCount(lp, n - num);
  }
  uint8_t* shrunk = static_cast<uint8_t*>(realloc(lp, Bytes(lp)));
  return shrunk ? shrunk : lp;
}

uint8_t* DeleteRangeWithEntry(uint8_t* lp, uint8_t** p, uint32_t count) {
  if (count == 0) return lp;
  size_t bytes = Bytes(lp);
  uint8_t* first = *p;
  uint8_t* tail = first;
  uint32_t deleted = 0;
  while (count--) {
    deleted++;
    tail = Skip(tail);
    if (tail[0] == kEof) break;
  }
  size_t poff = static_cast<size_t>(first - lp);
  memmove(first, tail, bytes - static_cast<size_t>(tail - lp));
  SetBytes(lp, bytes - static_cast<size_t>(tail - first));
  uint32_t n = HeaderCount(lp);
  if (n != kCountUnknown) SetHeaderCount(lp, n - deleted);
  uint8_t* shrunk = static_cast<uint8_t*>(realloc(lp, Bytes(lp)));
  if (shrunk) lp = shrunk;
  *p = lp + poff;
  if ((*p)[0] == kEof) *p = nullptr;
  return lp;
}

uint8_t* Merge(uint8_t* lp, const uint8_t* other) {
  uint64_t total = static_cast<uint64_t>(Length(lp)) + Length(other);
  size_t bytes = Bytes(lp);
  size_t body = Bytes(other) - kHeaderSize - 1;
  if (body == 0) return lp;
  bool self = other == lp;
  lp = static_cast<uint8_t*>(realloc(lp, bytes + body));
  if (lp == nullptr) abort();
  if (self) other = lp;
  memcpy(lp + bytes - 1, other + kHeaderSize, body);
  lp[bytes - 1 + body] = kEof;
  SetBytes(lp, bytes + body);
  SetHeaderCount(lp, total);
  return lp;
}

uint8_t* PrependInGap(uint8_t* lp, size_t room, std::string_view ele) {
  Encoded e;
  EncodeString(ele, &e);
  size_t len = e.EntryLen();
  if (len > room) return nullptr;
  // The header is written anew rather than moved (reading back moved bytes stalls). The
  // entry lands on [lp - len + 6, lp + 6): the gap and the old header, never an element, so
  // a view of `ele` into the elements stays valid while it is copied.
  size_t bytes = Bytes(lp);
  uint32_t count = HeaderCount(lp);
  uint8_t* start = lp - len;
  SetBytes(start, bytes + len);
  SetHeaderCount(start, count == kCountUnknown ? count : count + 1);
  WriteEntry(start + kHeaderSize, e);
  return start;
}

uint8_t* DropFront(uint8_t* lp, uint32_t count) {
  if (count == 0) return lp;
  uint8_t* tail = lp + kHeaderSize;
  for (uint32_t i = 0; i < count; i++) tail = Skip(tail);
  size_t span = static_cast<size_t>(tail - (lp + kHeaderSize));
  size_t bytes = Bytes(lp);
  uint32_t n = HeaderCount(lp);
  uint8_t* start = lp + span;  // the new header overlaps the old one when span < 6
  SetBytes(start, bytes - span);
  SetHeaderCount(start, n == kCountUnknown ? n : n - count);
  // An unknown count is walked, and written back when it fits again (as DeleteRange does).
  if (n == kCountUnknown) Length(start);
  return start;
}

bool AppendInRoom(uint8_t* lp, size_t room, std::string_view ele) {
  Encoded e;
  EncodeString(ele, &e);
  size_t len = e.EntryLen();
  if (len > room) return false;
  // The entry lands on the end marker and the room: a view of `ele` into the elements stays
  // valid.
  WriteEntry(EndMarker(lp), e)[0] = kEof;
  SetBytes(lp, Bytes(lp) + len);
  uint32_t count = HeaderCount(lp);
  if (count != kCountUnknown) SetHeaderCount(lp, count + 1);
  return true;
}

void DropBack(uint8_t* lp, uint32_t count) {
  if (count == 0) return;
  uint32_t n = Length(lp);
  uint8_t* p = Seek(lp, -static_cast<int64_t>(count));
  p[0] = kEof;
  SetBytes(lp, static_cast<size_t>(p - lp) + 1);
  SetHeaderCount(lp, n - count);
}

bool Equals(const uint8_t* p, std::string_view s) {
  Value v = Get(p);
  if (!v.is_int) return v.sval == s;
  auto parsed = ParseInt64(s);
  return parsed && *parsed == v.ival;
}

bool Equals(const uint8_t* p, std::string_view s, const std::optional<int64_t>& s_int) {
  Value v = Get(p);
  if (!v.is_int) return v.sval == s;
  return s_int && *s_int == v.ival;
}

uint8_t* Find(uint8_t* lp, uint8_t* p, std::string_view s, uint32_t skip) {
  // `s` is encoded once: a string element equals it exactly when its encoding header and
  // bytes are the same (Redis writes the shortest length encoding), so each candidate costs
  // one header compare and, on a header match, one memcmp. An integer element can only equal
  // a canonical integer string (the same rule as lpFind's).
  Encoded want;
  std::optional<int64_t> as_int = ParseInt64(s);
  if (!as_int) EncodeString(s, &want);
  uint32_t skipcnt = 0;
  while (p && p[0] != kEof) {
    if (skipcnt == 0) {
      uint8_t b = p[0];
      bool is_str = (b & 0xC0) == k6BitStr || (b & 0xF0) == k12BitStr || b == k32BitStr;
      if (is_str) {
        if (!as_int) {
          if (b == want.hdr[0] && memcmp(p, want.hdr, want.hdr_len) == 0 &&
              memcmp(p + want.hdr_len, s.data(), s.size()) == 0) {
            return p;
          }
        } else {
          // A listpack from elsewhere may hold an integer as a string: compare bytes.
          Value v = Get(p);
          if (v.sval == s) return p;
        }
      } else if (as_int && Get(p).ival == *as_int) {
        return p;
      }
      skipcnt = skip;
    } else {
      skipcnt--;
    }
    p = Skip(p);
  }
  return nullptr;
}

size_t EntrySizeFor(std::string_view ele) {
  Encoded e;
  EncodeString(ele, &e);
  return e.EntryLen();
}

bool Validate(const uint8_t* lp, size_t size, bool deep) {
  if (size < kHeaderSize + 1) return false;
  if (Bytes(lp) != size) return false;
  if (lp[size - 1] != kEof) return false;
  if (!deep) return true;
  const uint8_t* end = lp + size;  // one past the last byte
  const uint8_t* p = lp + kHeaderSize;
  uint32_t count = 0;
  while (p[0] != kEof) {
    uint32_t lenbytes = EncodedSizeBytes(p[0]);
    if (lenbytes == 0) return false;
    if (p + lenbytes >= end) return false;  // the header and the end marker after it
    uint64_t enclen = EncodedSize(p);
    uint64_t backlen_size = BacklenSize(enclen);
    uint64_t entrylen = enclen + backlen_size;
    if (entrylen >= static_cast<uint64_t>(end - p)) return false;  // must leave the marker
    const uint8_t* next = p + entrylen;
    uint64_t prevlen = DecodeBacklen(next - 1, p);
    if (prevlen == UINT64_MAX || prevlen + backlen_size != entrylen) return false;
    p = next;
    count++;
  }
  if (p != end - 1) return false;
  uint32_t header = HeaderCount(lp);
  return header == kCountUnknown || header == count;
}

}  // namespace duet::lp
