#include "types/packed_pairs.h"

#include <cstring>
#include <functional>
#include <optional>

#include "common/strutil.h"

namespace duet::pairs {

namespace {

constexpr uint8_t kStrMax = 0xBF;    // headers 0..0xBF: inline string length
constexpr uint8_t kStr16 = 0xC0;     // u16 length follows
constexpr uint8_t kStr32 = 0xC1;     // u32 length follows
constexpr uint8_t kInt8 = 0xC2;      // 0xC2..0xC5: 1, 2, 4, 8 integer bytes follow
constexpr uint8_t kSmallInt = 0xC6;  // 0xC6..0xFF: the integer (h - 0xC6)
constexpr int64_t kSmallIntMax = 0xFF - kSmallInt;
constexpr size_t kIntBytes[] = {1, 2, 4, 8};
constexpr uint16_t kCountUnknown = 0xFFFF;
constexpr uint32_t kSplitBit = uint32_t{1} << 31;  // in a kStr32 length: a split element

uint64_t LoadLE(const char* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; i++) v |= static_cast<uint64_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  return v;
}

void StoreLE(char* p, uint64_t v, size_t n) {
  for (size_t i = 0; i < n; i++) p[i] = static_cast<char>(v >> (8 * i));
}

uint16_t StoredCount(std::string_view p) { return static_cast<uint16_t>(LoadLE(p.data(), 2)); }

// Appends the encoded form of one element to *out (`s` must not point into *out).
void EncodeTo(std::string* out, std::string_view s) {
  if (std::optional<int64_t> v = ParseInt64(s)) {
    if (*v >= 0 && *v <= kSmallIntMax) {
      out->push_back(static_cast<char>(kSmallInt + *v));
      return;
    }
    size_t k = *v >= INT8_MIN && *v <= INT8_MAX     ? 0
               : *v >= INT16_MIN && *v <= INT16_MAX ? 1
               : *v >= INT32_MIN && *v <= INT32_MAX ? 2
                                                    : 3;
    char buf[9];
    buf[0] = static_cast<char>(kInt8 + k);
    StoreLE(buf + 1, static_cast<uint64_t>(*v), kIntBytes[k]);
    out->append(buf, 1 + kIntBytes[k]);
    return;
  }
  size_t len = s.size();
  char head[5];
  size_t head_len;
  if (len <= kStrMax) {
    head[0] = static_cast<char>(len);
    head_len = 1;
  } else if (len <= UINT16_MAX) {
    head[0] = static_cast<char>(kStr16);
    StoreLE(head + 1, len, 2);
    head_len = 3;
  } else {
    head[0] = static_cast<char>(kStr32);
    StoreLE(head + 1, len, 4);
    head_len = 5;
  }
  out->append(head, head_len);
  out->append(s);
}

// The encoded form of one element.
std::string Encode(std::string_view s) {
  std::string out;
  EncodeTo(&out, s);
  return out;
}

// Whether `s` points into the bytes of *p.
bool Inside(const std::string* p, std::string_view s) {
  return !s.empty() && std::less_equal<const char*>()(p->data(), s.data()) &&
         std::less<const char*>()(s.data(), p->data() + p->size());
}

// Skip without decoding the element: the offset after the element at `off`.
size_t SkipElement(std::string_view p, size_t off) {
  auto h = static_cast<uint8_t>(p[off]);
  if (h <= kStrMax) return off + 1 + h;
  if (h >= kSmallInt) return off + 1;
  if (h >= kInt8) return off + 1 + kIntBytes[h - kInt8];
  size_t lb = h == kStr16 ? 2 : 4;
  return off + 1 + lb + (LoadLE(p.data() + off + 1, lb) & ~size_t{kSplitBit});
}

void AddToCount(std::string* p, int delta) {
  uint16_t c = StoredCount(*p);
  size_t n;
  if (c != kCountUnknown) {
    n = static_cast<size_t>(static_cast<int64_t>(c) + delta);
  } else {
    n = PairCount(*p);  // already reflects the change
  }
  StoreLE(p->data(), n >= kCountUnknown ? kCountUnknown : n, 2);
}

}  // namespace

size_t PairCount(std::string_view p) {
  uint16_t c = StoredCount(p);
  if (c != kCountUnknown) return c;
  size_t n = 0;
  for (size_t off = kFirst; off < p.size(); off = Skip(p, Skip(p, off))) n++;
  return n;
}

lp::Value Get(std::string_view p, size_t off, size_t* next) {
  const char* b = p.data() + off;
  auto h = static_cast<uint8_t>(b[0]);
  lp::Value v;
  if (h <= kStrMax) {
    v.sval = std::string_view(b + 1, h);
    *next = off + 1 + h;
  } else if (h == kStr16 || h == kStr32) {
    size_t lb = h == kStr16 ? 2 : 4;
    size_t len = LoadLE(b + 1, lb) & ~size_t{kSplitBit};
    v.sval = std::string_view(b + 1 + lb, len);
    *next = off + 1 + lb + len;
  } else if (h >= kSmallInt) {
    v.is_int = true;
    v.ival = h - kSmallInt;
    *next = off + 1;
  } else {
    size_t n = kIntBytes[h - kInt8];
    uint64_t u = LoadLE(b + 1, n);
    // Sign-extend from n bytes.
    if (n < 8 && (u >> (8 * n - 1)) & 1) u |= ~uint64_t{0} << (8 * n);
    v.is_int = true;
    v.ival = static_cast<int64_t>(u);
    *next = off + 1 + n;
  }
  return v;
}

bool IsSplit(std::string_view p, size_t off) {
  return static_cast<uint8_t>(p[off]) == kStr32 && (LoadLE(p.data() + off + 1, 4) & kSplitBit);
}

std::string WithSplitValue(std::string_view p, size_t off, size_t head_len) {
  size_t next;
  std::string_view v = Get(p, off, &next).sval;
  std::string_view tail = v.substr(head_len);
  std::string out(p.substr(0, off));
  out.push_back(static_cast<char>(kStr32));
  char len[4];
  StoreLE(len, tail.size() | kSplitBit, 4);
  out.append(len, 4);
  out.append(tail);
  out.append(p.substr(next));
  return out;
}

std::string EncodeElement(std::string_view s) { return Encode(s); }

size_t Skip(std::string_view p, size_t off) { return SkipElement(p, off); }

size_t FindField(std::string_view p, std::string_view field) {
  std::optional<int64_t> as_int = ParseInt64(field);
  size_t off = kFirst;
  if (!as_int && field.size() <= kStrMax) {
    // A field that is not an integer is stored as a string, and one this short always with
    // the one-byte header that is its length: a header compare rules out most fields
    // without decoding them.
    const auto want = static_cast<uint8_t>(field.size());
    while (off < p.size()) {
      auto h = static_cast<uint8_t>(p[off]);
      if (h == want && memcmp(p.data() + off + 1, field.data(), want) == 0) return off;
      off = SkipElement(p, off);
      off = SkipElement(p, off);
    }
    return kNone;
  }
  while (off < p.size()) {
    size_t at = off;
    lp::Value f = Get(p, off, &off);
    if (as_int ? (f.is_int && f.ival == *as_int) : (!f.is_int && f.sval == field)) return at;
    off = Skip(p, off);
  }
  return kNone;
}

size_t NthField(std::string_view p, size_t i) {
  size_t off = kFirst;
  for (; i > 0; i--) off = Skip(p, Skip(p, off));
  return off;
}

void AppendPair(std::string* p, std::string_view field, std::string_view value) {
  if (Inside(p, field) || Inside(p, value)) {
    std::string f = Encode(field);  // encoded first: appending may move what they view
    std::string v = Encode(value);
    p->append(f);
    p->append(v);
  } else {
    EncodeTo(p, field);
    EncodeTo(p, value);
  }
  AddToCount(p, 1);
}

void ReplaceValue(std::string* p, size_t off, std::string_view value) {
  std::string v = Encode(value);
  p->replace(off, Skip(*p, off) - off, v);
}

void ErasePair(std::string* p, size_t off) {
  p->erase(off, Skip(*p, Skip(*p, off)) - off);
  AddToCount(p, -1);
}

}  // namespace duet::pairs
