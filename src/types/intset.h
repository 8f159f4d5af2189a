// Intset: Redis's sorted array of distinct integers (intset.c), the small encoding of sets
// whose members are all integers.
//
// One malloc'd buffer in Redis's exact layout, so RDB can later write it unchanged:
//   <encoding u32 LE: element width in bytes, 2, 4 or 8> <length u32 LE> <elements LE>
// Elements are sorted ascending and all stored at the current width. Adding a value that
// does not fit upgrades every element to the wider width (O(n), as Redis); removals never
// downgrade. Lookups are binary searches. Each Add/Remove reallocates to the exact size, as
// Redis does (sets stay small: set-max-intset-entries is 512 by default).
#pragma once

#include <cstddef>
#include <cstdint>

namespace duet {

class Intset {
 public:
  static constexpr size_t kHeaderSize = 8;

  Intset();  // empty, 16-bit width
  ~Intset();
  Intset(const Intset& o);
  Intset& operator=(const Intset&) = delete;
  Intset(Intset&& o) noexcept : buf_(o.buf_) { o.buf_ = nullptr; }

  size_t size() const;
  // Current element width in bytes: 2, 4 or 8.
  uint32_t width() const;
  // Bytes of the buffer (header + elements), what Redis's intsetBlobLen reports.
  size_t bytes() const { return kHeaderSize + size() * width(); }
  const uint8_t* data() const { return buf_; }

  // The element at sorted position `i`. Precondition: i < size().
  int64_t Get(size_t i) const;
  bool Contains(int64_t v) const;
  // Inserts `v` in order; returns false (no change) if it is already present.
  bool Add(int64_t v);
  // Removes `v`; returns false if it was absent.
  bool Remove(int64_t v);
  // Removes the element at sorted position `i`. Precondition: i < size().
  void RemoveAt(size_t i);

 private:
  // Binary search: true and the position if found, else false and the insert position.
  bool Search(int64_t v, size_t* pos) const;
  void Set(size_t i, int64_t v);
  void SetLength(size_t n);
  void Resize(size_t n);  // reallocates for n elements at the current width
  void Upgrade(uint32_t new_width);

  uint8_t* buf_;
};

}  // namespace duet
