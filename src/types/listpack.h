// Listpack: Redis 7.0's compact sequence of strings and integers (listpack.c), byte for byte.
//
// The small encodings of lists (quicklist nodes), hashes and sorted sets store their elements
// in one listpack: a single malloc'd buffer that RDB/DUMP can later write unchanged, so the
// format is exactly Redis's:
//   <total-bytes u32 LE> <num-elements u16 LE (65535 = count unknown, walk to count)>
//   <entry>... <0xFF>
// and an entry is <encoding+data> <backlen>, backlen being the size of encoding+data in
// 1-5 bytes, written so the list can be walked backwards. Integers use the 7-bit uint,
// 13/16/24/32/64-bit int encodings; strings the 6-bit, 12-bit and 32-bit length encodings.
// A string that is a canonical 64-bit integer (string2ll succeeds, <= 20 chars) is stored as
// an integer, as Redis's lpInsertString does, so "123" and 123 are the same element.
//
// Like Redis's API, functions that change a listpack may reallocate it and return the new
// pointer (the old one is invalid afterwards); element pointers `p` point at an entry's first
// byte and are invalidated by any change unless returned through `newp`. An `ele` argument may
// be a view into the same listpack (it is copied first when it is).
//
// Growth reallocs only past malloc_usable_size (jemalloc size classes absorb most inserts);
// deletions shrink the buffer with realloc, as Redis's lpShrinkToFit does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace duet::lp {

// Header (6 bytes) and end marker (1 byte): an empty listpack is 7 bytes.
inline constexpr size_t kHeaderSize = 6;
inline constexpr uint8_t kEof = 0xFF;
// The bytes of an empty listpack, to copy into a buffer of one's own.
inline constexpr uint8_t kEmpty[kHeaderSize + 1] = {kHeaderSize + 1, 0, 0, 0, 0, 0, kEof};

// One element as read from a listpack: a string (view into the listpack, valid until the
// next change) or an integer.
struct Value {
  bool is_int = false;
  int64_t ival = 0;
  std::string_view sval;

  // The element's bytes: the string, or the integer in decimal (Redis replies with integers
  // stored in a listpack as bulk strings of their decimal form).
  std::string ToString() const;
  // Writes the decimal form of an integer element into `buf` (>= 21 bytes) and returns a view
  // of the element's bytes (the string itself for string elements).
  std::string_view View(char* buf) const;
};

uint8_t* New(size_t capacity = 0);  // an empty listpack (capacity: bytes to reserve)
void Free(uint8_t* lp);
uint8_t* Dup(const uint8_t* lp);
size_t Bytes(const uint8_t* lp);  // total size including header and end marker
// Number of elements. When the header says 65535 it walks, and writes the count back into the
// header if it fits again (lpLength), so DUMP bytes match Redis's.
uint32_t Length(const uint8_t* lp);

// Navigation; nullptr past either end.
uint8_t* First(uint8_t* lp);
uint8_t* Last(uint8_t* lp);
uint8_t* Next(uint8_t* lp, uint8_t* p);
uint8_t* Prev(uint8_t* lp, uint8_t* p);
// The element at `index` (negative counts from the tail: -1 is the last); nullptr if out of
// range. Walks from the nearer end.
uint8_t* Seek(uint8_t* lp, int64_t index);

Value Get(const uint8_t* p);

enum class Where { kBefore, kAfter, kReplace };
// Inserts `ele` before/after the element at `p` (a valid element), or replaces it; Append and
// Prepend add at the ends. When `newp` is given it receives the inserted element's position.
uint8_t* Insert(uint8_t* lp, std::string_view ele, uint8_t* p, Where where,
                uint8_t** newp = nullptr);
uint8_t* InsertInteger(uint8_t* lp, int64_t v, uint8_t* p, Where where, uint8_t** newp = nullptr);
uint8_t* Append(uint8_t* lp, std::string_view ele);
uint8_t* AppendInteger(uint8_t* lp, int64_t v);
uint8_t* Prepend(uint8_t* lp, std::string_view ele);
uint8_t* PrependInteger(uint8_t* lp, int64_t v);
uint8_t* Replace(uint8_t* lp, uint8_t** p, std::string_view ele);
uint8_t* ReplaceInteger(uint8_t* lp, uint8_t** p, int64_t v);

// Deletes the element at `p`; `newp` receives the element that followed it (nullptr at the
// end).
uint8_t* Delete(uint8_t* lp, uint8_t* p, uint8_t** newp = nullptr);
// Deletes `count` elements starting at `index` (negative from the tail).
uint8_t* DeleteRange(uint8_t* lp, int64_t index, uint32_t count);
// Deletes `count` elements starting at `*p`; *p is updated to the element after them.
uint8_t* DeleteRangeWithEntry(uint8_t* lp, uint8_t** p, uint32_t count);
// Appends every element of `other` (lp stays valid as the result).
uint8_t* Merge(uint8_t* lp, const uint8_t* other);

// Front changes that move the header instead of the elements, for a caller that keeps free
// bytes in front of a listpack inside its allocation (the quicklist's head node). Neither
// reallocates, frees or calls malloc_usable_size, so `lp` need not be an allocation's start.
//
// Writes `ele` as the new first element into the `room` writable bytes just before `lp`: the
// header moves left by the entry's size and the entry goes between it and the old first
// element. Returns the listpack's new start, or nullptr (nothing written) when the entry
// needs more than `room` bytes. `ele` may be a view into the listpack's elements.
uint8_t* PrependInGap(uint8_t* lp, size_t room, std::string_view ele);
// Removes the first `count` elements (precondition: count <= Length(lp)) by moving the header
// right over them; the bytes before the returned new start are free for the caller.
uint8_t* DropFront(uint8_t* lp, uint32_t count);
// The same at the other end: appends `ele` into the `room` writable bytes after the end
// marker (false, nothing written, when the entry needs more), and removes the last `count`
// elements (count <= Length(lp)) leaving the bytes past the new end marker free.
bool AppendInRoom(uint8_t* lp, size_t room, std::string_view ele);
void DropBack(uint8_t* lp, uint32_t count);

// Whether the element at `p` equals `s` (an integer element compares by its decimal form).
bool Equals(const uint8_t* p, std::string_view s);
// The same with `s_int` = ParseInt64(s), for callers that compare one `s` with many elements.
bool Equals(const uint8_t* p, std::string_view s, const std::optional<int64_t>& s_int);
// Finds the first element equal to `s` from `p` on, looking at every (skip+1)th element
// (skip = 1 visits fields of a field/value listpack). nullptr when absent.
uint8_t* Find(uint8_t* lp, uint8_t* p, std::string_view s, uint32_t skip);

// The bytes a string element of this content takes (encoding + data + backlen): 15 for a
// 13-byte string, 2 for small integers; used to decide conversions by size.
size_t EntrySizeFor(std::string_view ele);

// Structural check of an untrusted listpack (RESTORE/RDB), lpValidateIntegrity: the header's
// size matches `size` and the end marker is last; when `deep`, also every entry's encoding and
// backlen are consistent, entries end exactly at the marker and the element count matches the
// header (unless 65535). Never reads outside [lp, lp + size).
bool Validate(const uint8_t* lp, size_t size, bool deep);

}  // namespace duet::lp
