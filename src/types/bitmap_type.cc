#include "types/bitmap_type.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>

#include "common/strutil.h"

namespace duet::bitmap {

namespace {

using u128 = unsigned __int128;
using i128 = __int128;

const uint8_t* Bytes(std::string_view s) { return reinterpret_cast<const uint8_t*>(s.data()); }

uint64_t Load64(const uint8_t* p) {
  uint64_t w;
  memcpy(&w, p, 8);
  return w;
}

bool BitAt(const uint8_t* p, uint64_t offset) { return (p[offset >> 3] >> (7 - (offset & 7))) & 1; }

// SWAR popcount (Hacker's Delight 5-2), used when the CPU has no POPCNT instruction.
uint64_t PopcountPortable(const uint8_t* p, size_t n) {
  uint64_t count = 0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w = Load64(p + i);
    w = w - ((w >> 1) & 0x5555555555555555ULL);
    w = (w & 0x3333333333333333ULL) + ((w >> 2) & 0x3333333333333333ULL);
    w = (w + (w >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
    count += (w * 0x0101010101010101ULL) >> 56;
  }
  for (; i < n; i++) count += std::popcount(p[i]);
  return count;
}

#if defined(__x86_64__)
// Built for POPCNT regardless of -march, chosen at run time: four independent accumulators
// keep the popcnt units busy on long bitmaps.
__attribute__((target("popcnt"))) uint64_t PopcountHw(const uint8_t* p, size_t n) {
  uint64_t c0 = 0, c1 = 0, c2 = 0, c3 = 0;
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    c0 += __builtin_popcountll(Load64(p + i));
    c1 += __builtin_popcountll(Load64(p + i + 8));
    c2 += __builtin_popcountll(Load64(p + i + 16));
    c3 += __builtin_popcountll(Load64(p + i + 24));
  }
  for (; i + 8 <= n; i += 8) c0 += __builtin_popcountll(Load64(p + i));
  for (; i < n; i++) c0 += __builtin_popcount(p[i]);
  return c0 + c1 + c2 + c3;
}
#endif

uint64_t PopcountBytes(const uint8_t* p, size_t n) {
#if defined(__x86_64__)
  static const bool has_popcnt = __builtin_cpu_supports("popcnt");
  if (has_popcnt) return PopcountHw(p, n);
#endif
  return PopcountPortable(p, n);
}

// Set bits in the inclusive bit range [first, last] of p.
uint64_t CountBits(const uint8_t* p, uint64_t first, uint64_t last) {
  uint64_t first_byte = first >> 3, last_byte = last >> 3;
  // Masks keep the bits of the edge bytes that lie inside the range.
  uint8_t head_mask = static_cast<uint8_t>(0xff >> (first & 7));
  uint8_t tail_mask = static_cast<uint8_t>(0xff << (7 - (last & 7)));
  if (first_byte == last_byte) return std::popcount<uint8_t>(p[first_byte] & head_mask & tail_mask);
  uint64_t count = std::popcount<uint8_t>(p[first_byte] & head_mask) +
                   std::popcount<uint8_t>(p[last_byte] & tail_mask);
  return count + PopcountBytes(p + first_byte + 1, last_byte - first_byte - 1);
}

// The first bit equal to `want` in the inclusive bit range [first, last] of p, or -1.
int64_t FirstBit(const uint8_t* p, uint64_t first, uint64_t last, bool want) {
  uint64_t b = first;
  for (; b <= last && (b & 7); b++) {
    if (BitAt(p, b) == want) return static_cast<int64_t>(b);
  }
  if (b > last) return -1;
  // Whole bytes: skip the ones holding no candidate, a word at a time.
  uint64_t byte = b >> 3, end_byte = (last + 1) >> 3;
  const uint8_t skip = want ? 0x00 : 0xff;
  const uint64_t skip_word = want ? 0 : ~uint64_t{0};
  while (byte + 8 <= end_byte && Load64(p + byte) == skip_word) byte += 8;
  for (; byte < end_byte; byte++) {
    if (p[byte] != skip) {
      uint8_t v = want ? p[byte] : static_cast<uint8_t>(~p[byte]);
      return static_cast<int64_t>(byte * 8 + std::countl_zero(v));
    }
  }
  for (b = byte * 8; b <= last; b++) {
    if (BitAt(p, b) == want) return static_cast<int64_t>(b);
  }
  return -1;
}

// Redis's BITCOUNT/BITPOS index arithmetic: negative indexes count from the end, then both
// ends are clamped into [0, len - 1]. The result may be empty (start > end).
void NormalizeRange(int64_t len, int64_t& start, int64_t& end) {
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
}

uint64_t FieldMask(int bits) { return bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1; }

// Fits an exact result into `type` under the overflow policy.
std::optional<int64_t> Fit(FieldType type, i128 v, Overflow ow) {
  i128 max, min;
  if (type.is_signed) {
    max = (i128{1} << (type.bits - 1)) - 1;
    min = -max - 1;
  } else {
    max = (i128{1} << type.bits) - 1;
    min = 0;
  }
  if (v >= min && v <= max) return static_cast<int64_t>(v);
  switch (ow) {
    case Overflow::kFail:
      return std::nullopt;
    case Overflow::kSat:
      return static_cast<int64_t>(v > max ? max : min);
    case Overflow::kWrap:
      break;
  }
  // Two's complement truncation to the field width; signed fields are sign-extended back.
  uint64_t u = static_cast<uint64_t>(static_cast<u128>(v));
  uint64_t mask = FieldMask(type.bits);
  u &= mask;
  if (type.is_signed && type.bits < 64 && (u >> (type.bits - 1)) & 1) u |= ~mask;
  return static_cast<int64_t>(u);
}

}  // namespace

bool GetBit(std::string_view s, uint64_t offset) {
  if ((offset >> 3) >= s.size()) return false;
  return BitAt(Bytes(s), offset);
}

bool SetBit(char* data, uint64_t offset, bool on) {
  auto* p = reinterpret_cast<uint8_t*>(data) + (offset >> 3);
  uint8_t mask = static_cast<uint8_t>(0x80 >> (offset & 7));
  bool old = *p & mask;
  *p = on ? (*p | mask) : (*p & ~mask);
  return old;
}

std::optional<uint64_t> ParseBitOffset(std::string_view arg, int hash_bits, int64_t max_bytes) {
  bool use_hash = hash_bits > 0 && !arg.empty() && arg[0] == '#';
  std::optional<int64_t> v = ParseInt64(use_hash ? arg.substr(1) : arg);
  if (!v) return std::nullopt;
  int64_t offset = *v;
  // Redis multiplies in signed 64-bit arithmetic; on overflow it wraps (done here unsigned).
  if (use_hash) {
    offset = static_cast<int64_t>(static_cast<uint64_t>(offset) * static_cast<uint64_t>(hash_bits));
  }
  if (offset < 0 || (offset >> 3) >= max_bytes) return std::nullopt;
  return static_cast<uint64_t>(offset);
}

std::optional<RangeUnit> ParseRangeUnit(std::string_view arg) {
  if (EqualsWord(arg, "bit")) return RangeUnit::kBit;
  if (EqualsWord(arg, "byte")) return RangeUnit::kByte;
  return std::nullopt;
}

uint64_t Popcount(std::string_view s) { return PopcountBytes(Bytes(s), s.size()); }

uint64_t CountRange(std::string_view s, int64_t start, int64_t end, RangeUnit unit) {
  // Both negative and reversed: empty, even where clamping would make it non-empty.
  if (start < 0 && end < 0 && start > end) return 0;
  int64_t len = static_cast<int64_t>(s.size());
  if (unit == RangeUnit::kBit) len *= 8;
  NormalizeRange(len, start, end);
  if (start > end) return 0;
  if (unit == RangeUnit::kByte) {
    return PopcountBytes(Bytes(s) + start, static_cast<size_t>(end - start + 1));
  }
  return CountBits(Bytes(s), static_cast<uint64_t>(start), static_cast<uint64_t>(end));
}

int64_t FindBit(std::string_view s, bool bit, int64_t start, std::optional<int64_t> end,
                RangeUnit unit) {
  int64_t len = static_cast<int64_t>(s.size());
  if (unit == RangeUnit::kBit) len *= 8;
  int64_t last = end.value_or(-1);
  NormalizeRange(len, start, last);
  if (start > last) return -1;
  uint64_t first_bit = static_cast<uint64_t>(start), last_bit = static_cast<uint64_t>(last);
  if (unit == RangeUnit::kByte) {
    first_bit *= 8;
    last_bit = last_bit * 8 + 7;
  }
  int64_t pos = FirstBit(Bytes(s), first_bit, last_bit, bit);
  if (pos >= 0 || bit || end) return pos;
  return static_cast<int64_t>(last_bit + 1);
}

std::optional<BitOpKind> ParseBitOp(std::string_view name) {
  if (EqualsWord(name, "and")) return BitOpKind::kAnd;
  if (EqualsWord(name, "or")) return BitOpKind::kOr;
  if (EqualsWord(name, "xor")) return BitOpKind::kXor;
  if (EqualsWord(name, "not")) return BitOpKind::kNot;
  return std::nullopt;
}

void BitOp(BitOpKind op, std::span<const std::string_view> srcs, std::span<char> out) {
  const size_t n = out.size();
  auto* dst = reinterpret_cast<uint8_t*>(out.data());
  auto byte_at = [&](size_t i, size_t j) -> uint8_t {
    return j < srcs[i].size() ? Bytes(srcs[i])[j] : 0;
  };
  if (op == BitOpKind::kNot) {
    for (size_t j = 0; j < n; j++) dst[j] = static_cast<uint8_t>(~byte_at(0, j));
    return;
  }
  auto combine = [op](auto a, auto b) {
    switch (op) {
      case BitOpKind::kAnd:
        return a & b;
      case BitOpKind::kOr:
        return a | b;
      default:
        return a ^ b;
    }
  };
  // Where every source has bytes, combine a word at a time.
  size_t common = n;
  for (std::string_view s : srcs) common = std::min(common, s.size());
  size_t j = 0;
  for (; j + 8 <= common; j += 8) {
    uint64_t w = Load64(Bytes(srcs[0]) + j);
    for (size_t i = 1; i < srcs.size(); i++) w = combine(w, Load64(Bytes(srcs[i]) + j));
    memcpy(dst + j, &w, 8);
  }
  for (; j < n; j++) {
    uint8_t v = byte_at(0, j);
    for (size_t i = 1; i < srcs.size(); i++) v = static_cast<uint8_t>(combine(v, byte_at(i, j)));
    dst[j] = v;
  }
}

std::optional<FieldOp> ParseFieldOp(std::string_view arg) {
  if (EqualsWord(arg, "get")) return FieldOp::kGet;
  if (EqualsWord(arg, "set")) return FieldOp::kSet;
  if (EqualsWord(arg, "incrby")) return FieldOp::kIncrBy;
  if (EqualsWord(arg, "overflow")) return FieldOp::kOverflow;
  return std::nullopt;
}

std::optional<FieldType> ParseFieldType(std::string_view arg) {
  // Redis reads the width with strlen(), so it also ends at a NUL byte.
  arg = arg.substr(0, arg.find('\0'));
  if (arg.empty() || (arg[0] != 'i' && arg[0] != 'u')) return std::nullopt;
  bool is_signed = arg[0] == 'i';
  std::optional<int64_t> bits = ParseInt64(arg.substr(1));
  if (!bits || *bits < 1 || *bits > (is_signed ? 64 : 63)) return std::nullopt;
  return FieldType{is_signed, static_cast<int>(*bits)};
}

std::optional<Overflow> ParseOverflow(std::string_view arg) {
  if (EqualsWord(arg, "wrap")) return Overflow::kWrap;
  if (EqualsWord(arg, "sat")) return Overflow::kSat;
  if (EqualsWord(arg, "fail")) return Overflow::kFail;
  return std::nullopt;
}

// A field spans at most 9 bytes (64 bits starting at bit 7 of a byte); both accessors move
// those bytes through a 128-bit big-endian window whose top byte is the field's first byte.
int64_t GetField(std::string_view s, uint64_t offset, FieldType type) {
  uint64_t first = offset >> 3;
  int shift = static_cast<int>(offset & 7);
  int nbytes = (shift + type.bits + 7) / 8;
  u128 w = 0;
  for (int i = 0; i < nbytes && first + i < s.size(); i++) {
    w |= static_cast<u128>(Bytes(s)[first + i]) << (120 - 8 * i);
  }
  uint64_t u = static_cast<uint64_t>(w >> (128 - shift - type.bits)) & FieldMask(type.bits);
  if (type.is_signed && type.bits < 64 && (u >> (type.bits - 1)) & 1) u |= ~FieldMask(type.bits);
  return static_cast<int64_t>(u);
}

void SetField(char* data, uint64_t offset, FieldType type, int64_t value) {
  auto* p = reinterpret_cast<uint8_t*>(data) + (offset >> 3);
  int shift = static_cast<int>(offset & 7);
  int nbytes = (shift + type.bits + 7) / 8;
  u128 w = 0;
  for (int i = 0; i < nbytes; i++) w |= static_cast<u128>(p[i]) << (120 - 8 * i);
  int low = 128 - shift - type.bits;
  u128 mask = static_cast<u128>(FieldMask(type.bits)) << low;
  u128 bits = static_cast<u128>(static_cast<uint64_t>(value) & FieldMask(type.bits)) << low;
  w = (w & ~mask) | bits;
  for (int i = 0; i < nbytes; i++) p[i] = static_cast<uint8_t>(w >> (120 - 8 * i));
}

std::optional<int64_t> FieldIncr(FieldType type, int64_t old, int64_t incr, Overflow ow) {
  return Fit(type, i128{old} + incr, ow);
}

std::optional<int64_t> FieldSet(FieldType type, int64_t value, Overflow ow) {
  if (type.is_signed && type.bits < 64 && ow == Overflow::kSat) {
    // Redis computes max - value in 64 bits; for values within 2^63 of the field's maximum
    // that wraps negative and the value is taken as an overflow upwards. Clients see it:
    // SET i8 with -9223372036854775808 under SAT stores 127.
    int64_t max = (int64_t{1} << (type.bits - 1)) - 1;
    if (value <= max + std::numeric_limits<int64_t>::min()) return max;
  }
  if (type.is_signed) return Fit(type, value, ow);
  return Fit(type, static_cast<i128>(static_cast<uint64_t>(value)), ow);
}

}  // namespace duet::bitmap
