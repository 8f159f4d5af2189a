// PackedPairs: the in-entry encoding of a small hash (OBJECT ENCODING "listpack"): field,
// value, field, value... in insertion order, as a Redis listpack holds them, but without a
// listpack's 6-byte header, end byte and per-element back-lengths, which only serve backward
// walks and in-place growth that a hash stored inside its Entry does not need. For 10 fields
// of 4 bytes with 10-byte values that is 177 bytes of entry instead of 202, one jemalloc size
// class (192 instead of 224) lower.
//
// Layout: [u16 pair count, little endian; 0xFFFF: 65535 or more, count by walking] then the
// elements, each a header byte and its payload:
//   0x00..0xBF  a string of that many bytes (0..191) follows
//   0xC0 / 0xC1 a string whose length follows as u16 / u32 (little endian), then its bytes
//   0xC2..0xC5  an integer of 1 / 2 / 4 / 8 bytes follows (little endian, two's complement)
//   0xC6..0xFF  the integer 0..57 itself
// As in a listpack, a string that is a canonical 64-bit integer (ParseInt64: what
// lpStringToInt64 accepts) is stored as that integer and read back in decimal, so replies are
// the same bytes.
//
// Readers take the bytes as a string_view (inside the Entry, or a writer's copy); writers edit
// a std::string. Offsets are byte positions in those bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "types/listpack.h"

namespace duet::pairs {

constexpr size_t kNone = static_cast<size_t>(-1);
constexpr size_t kFirst = 2;  // offset of the first element

// An empty encoding (no pairs).
inline std::string Empty() { return std::string(2, '\0'); }

size_t PairCount(std::string_view p);

// The element at `off` (an integer, or a string viewing into `p`); *next receives the offset
// after it. Precondition: off < p.size().
lp::Value Get(std::string_view p, size_t off, size_t* next);
// The offset after the element at `off`.
size_t Skip(std::string_view p, size_t off);

// The offset of the field element equal to `field` (fields are the even elements), or kNone.
size_t FindField(std::string_view p, std::string_view field);
// The offset of the i-th field. Precondition: i < PairCount(p).
size_t NthField(std::string_view p, size_t i);

// Calls fn(field, value) (lp::Value each) for every pair in order.
template <typename Fn>
void ForEachPair(std::string_view p, Fn&& fn) {
  size_t off = kFirst;
  while (off < p.size()) {
    lp::Value f = Get(p, off, &off);
    lp::Value v = Get(p, off, &off);
    fn(f, v);
  }
}

// Split elements (only in a SplitHashValue's pairs, types/hash_split.h): a long value whose
// first bytes live in a separate block; the element holds the rest. Encoded as 0xC1 with the
// top bit of its u32 length set; Get returns the rest as a string, so walks and Skip work
// unchanged, and only a reader of the value must join the two parts.
bool IsSplit(std::string_view p, size_t off);
// `p` with the string element at `off` replaced by a split element holding its bytes from
// `head_len` on. Precondition: the element is a string longer than head_len.
std::string WithSplitValue(std::string_view p, size_t off, size_t head_len);

// The encoded form of one element (a string, or an integer when it is a canonical one).
std::string EncodeElement(std::string_view s);

// Appends a pair (PairCount grows by one).
void AppendPair(std::string* p, std::string_view field, std::string_view value);
// Replaces the value element at `off`.
void ReplaceValue(std::string* p, size_t off, std::string_view value);
// Removes the pair whose field is at `off` (PairCount drops by one).
void ErasePair(std::string* p, size_t off);

}  // namespace duet::pairs
