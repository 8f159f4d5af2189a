// SegmentedTable: the keyspace hash table. An extendible hash table of small open-addressing
// segments, so it grows one segment at a time and never rehashes the whole table (no pause
// while the keyspace grows from 0 to 100M keys).
//
// Layout. A directory of 2^global_depth pointers, indexed by the top bits of the 64-bit hash,
// points to segments; a segment with local depth d is shared by 2^(global_depth - d)
// consecutive directory slots. A segment is 512 bytes (one jemalloc size class): an 8-byte
// header and 63 slots, linear probing from (hash % 63). When a segment passes kMaxFill it
// splits in two by the next hash bit; only that segment's elements move. The directory
// doubles when a segment at full depth splits (a pointer copy, ~1 ms at 100M keys).
//
// Elements are opaque pointers to caller-owned objects (the table never frees them).
// Each slot is 64 bits: the pointer in the low 48 bits, 16 bits of caller metadata on top
// (the keyspace keeps its LRU clock there, so LRU costs no bytes in the entry).
// Traits provides: static std::string_view KeyOf(const void* element).
//
// Scan guarantee (Redis SCAN semantics): an element present for the whole scan is returned at
// least once. A cursor is a position in a fixed 2^32 hash-prefix space; one Scan() step
// returns all elements of one segment, and a split only moves elements to a segment that
// covers a later prefix range, so nothing is skipped. Elements may be returned twice.
#pragma once

#include <xxhash.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <vector>

namespace duet {

template <typename Traits>
class SegmentedTable {
 public:
  static constexpr uint64_t kPtrMask = (uint64_t{1} << 48) - 1;

  // A reference to one occupied slot; valid until the next Insert/Erase/Clear.
  class SlotRef {
   public:
    SlotRef() = default;
    explicit SlotRef(uint64_t* slot) : slot_(slot) {}
    explicit operator bool() const { return slot_ != nullptr; }
    void* get() const { return reinterpret_cast<void*>(*slot_ & kPtrMask); }
    uint16_t meta() const { return static_cast<uint16_t>(*slot_ >> 48); }
    void set_meta(uint16_t m) { *slot_ = (*slot_ & kPtrMask) | (uint64_t{m} << 48); }
    // Replaces the element (same key) keeping the metadata.
    void Replace(void* p) { *slot_ = (*slot_ & ~kPtrMask) | reinterpret_cast<uint64_t>(p); }

   private:
    uint64_t* slot_ = nullptr;
  };

  SegmentedTable() { Reset(); }
  ~SegmentedTable() { FreeSegments(); }
  SegmentedTable(const SegmentedTable&) = delete;
  SegmentedTable& operator=(const SegmentedTable&) = delete;
  SegmentedTable(SegmentedTable&& o) noexcept { *this = std::move(o); }
  SegmentedTable& operator=(SegmentedTable&& o) noexcept {
    if (this != &o) {
      FreeSegments();
      dir_ = std::move(o.dir_);
      global_depth_ = o.global_depth_;
      size_ = o.size_;
      segments_ = o.segments_;
      o.dir_.clear();
      o.Reset();
    }
    return *this;
  }

  static uint64_t Hash(std::string_view key) { return XXH3_64bits(key.data(), key.size()); }

  size_t size() const { return size_; }
  size_t segment_count() const { return segments_; }
  size_t bytes_used() const { return segments_ * sizeof(Segment) + dir_.size() * sizeof(void*); }

  SlotRef Find(std::string_view key, uint64_t hash) const {
    Segment* seg = SegmentFor(hash);
    uint32_t i = Home(hash);
    for (uint32_t n = 0; n < kSlots; n++) {
      uint64_t s = seg->slots[i];
      if (s == 0) return SlotRef();
      if (Traits::KeyOf(Ptr(s)) == key) return SlotRef(&seg->slots[i]);
      i = Next(i);
    }
    return SlotRef();
  }
  SlotRef Find(std::string_view key) const { return Find(key, Hash(key)); }

  // Inserts an element whose key is not present. Returns its slot.
  SlotRef Insert(void* element, uint64_t hash, uint16_t meta = 0) {
    Segment* seg = SegmentFor(hash);
    // Depth is capped at 32 (the scan cursor's prefix width); past that a segment just fills.
    while (seg->count >= kMaxFill && seg->local_depth < 32) {
      Split(hash);
      seg = SegmentFor(hash);
    }
    if (seg->count == kSlots) abort();  // 63 keys sharing 32 hash bits: not reachable by chance
    size_++;
    return SlotRef(Place(seg, hash, Pack(element, meta)));
  }

  // Removes the element with `key`; returns it, or nullptr if absent.
  void* Erase(std::string_view key, uint64_t hash) {
    Segment* seg = SegmentFor(hash);
    uint32_t i = Home(hash);
    for (uint32_t n = 0; n < kSlots; n++) {
      uint64_t s = seg->slots[i];
      if (s == 0) return nullptr;
      if (Traits::KeyOf(Ptr(s)) == key) {
        RemoveAt(seg, i);
        size_--;
        return Ptr(s);
      }
      i = Next(i);
    }
    return nullptr;
  }

  // Calls fn(SlotRef) for every element of one segment and returns the next cursor (0 when
  // the scan is complete). fn must not insert or erase.
  template <typename Fn>
  uint64_t Scan(uint64_t cursor, Fn&& fn) {
    uint64_t prefix = cursor & 0xffffffffULL;
    size_t dir_index = static_cast<size_t>(prefix >> (32 - global_depth_));
    Segment* seg = dir_[dir_index];
    for (uint32_t i = 0; i < kSlots; i++) {
      if (seg->slots[i]) fn(SlotRef(&seg->slots[i]));
    }
    // Next prefix: the first one past this segment's range.
    uint64_t span = uint64_t{1} << (32 - seg->local_depth);
    uint64_t next = ((prefix >> (32 - seg->local_depth)) + 1) * span;
    return next >= (uint64_t{1} << 32) ? 0 : next;
  }

  // A pseudo-random occupied slot (empty SlotRef if the table is empty). `rnd` is any
  // random 64-bit value; call again with fresh randomness for another sample.
  SlotRef Random(uint64_t rnd) const {
    if (size_ == 0) return SlotRef();
    size_t d = dir_.size();
    for (size_t attempt = 0;; attempt++) {
      Segment* seg = dir_[(rnd + attempt * 0x9E3779B97F4A7C15ULL) % d];
      if (seg->count == 0) continue;
      uint32_t i = static_cast<uint32_t>((rnd >> 32) % kSlots);
      for (uint32_t n = 0; n < kSlots; n++, i = Next(i)) {
        if (seg->slots[i]) return SlotRef(&seg->slots[i]);
      }
    }
  }

  // Calls fn(SlotRef) for every element. fn must not insert or erase.
  template <typename Fn>
  void ForEach(Fn&& fn) {
    uint64_t cursor = 0;
    do {
      cursor = Scan(cursor, fn);
    } while (cursor != 0);
  }

  // Drops every element (without freeing them) and shrinks back to one segment.
  void Clear() {
    FreeSegments();
    Reset();
  }

 private:
  static constexpr uint32_t kSlots = 63;
  static constexpr uint32_t kMaxFill = 50;  // ~0.8: keeps linear probes short

  struct Segment {
    uint16_t count;
    uint8_t local_depth;
    uint8_t pad[5];
    uint64_t slots[kSlots];
  };
  static_assert(sizeof(Segment) == 512);

  static void* Ptr(uint64_t s) { return reinterpret_cast<void*>(s & kPtrMask); }
  static uint64_t Pack(void* p, uint16_t meta) {
    return reinterpret_cast<uint64_t>(p) | (uint64_t{meta} << 48);
  }
  static uint32_t Home(uint64_t hash) { return static_cast<uint32_t>(hash % kSlots); }
  static uint32_t Next(uint32_t i) { return i + 1 == kSlots ? 0 : i + 1; }
  // Directory index uses the top bits; segments of depth 0 cover everything.
  Segment* SegmentFor(uint64_t hash) const {
    return dir_[global_depth_ == 0 ? 0 : static_cast<size_t>(hash >> (64 - global_depth_))];
  }

  static Segment* NewSegment(uint8_t depth) {
    auto* seg = static_cast<Segment*>(calloc(1, sizeof(Segment)));
    if (!seg) abort();
    seg->local_depth = depth;
    return seg;
  }

  uint64_t* Place(Segment* seg, uint64_t hash, uint64_t packed) {
    uint32_t i = Home(hash);
    while (seg->slots[i] != 0) i = Next(i);
    seg->slots[i] = packed;
    seg->count++;
    return &seg->slots[i];
  }

  // Backward-shift deletion keeps probe chains intact without tombstones.
  void RemoveAt(Segment* seg, uint32_t hole) {
    seg->slots[hole] = 0;
    seg->count--;
    uint32_t i = Next(hole);
    while (seg->slots[i] != 0) {
      uint32_t home = Home(Hash(Traits::KeyOf(Ptr(seg->slots[i]))));
      // Move slot i into the hole if its home is not in (hole, i] cyclically.
      bool in_range = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
      if (!in_range) {
        seg->slots[hole] = seg->slots[i];
        seg->slots[i] = 0;
        hole = i;
      }
      i = Next(i);
    }
  }

  void Split(uint64_t hash) {
    size_t index = global_depth_ == 0 ? 0 : static_cast<size_t>(hash >> (64 - global_depth_));
    Segment* old = dir_[index];
    if (old->local_depth == global_depth_) {
      // Double the directory: each pointer appears twice.
      std::vector<Segment*> bigger(dir_.size() * 2);
      for (size_t i = 0; i < dir_.size(); i++) bigger[2 * i] = bigger[2 * i + 1] = dir_[i];
      dir_.swap(bigger);
      global_depth_++;
      index = static_cast<size_t>(hash >> (64 - global_depth_));
    }
    uint8_t depth = old->local_depth + 1;
    Segment* low = NewSegment(depth);
    Segment* high = NewSegment(depth);
    uint64_t bit = uint64_t{1} << (64 - depth);
    for (uint32_t i = 0; i < kSlots; i++) {
      uint64_t s = old->slots[i];
      if (!s) continue;
      uint64_t h = Hash(Traits::KeyOf(Ptr(s)));
      Place((h & bit) ? high : low, h, s);
    }
    // Repoint the directory range that `old` covered.
    size_t span = size_t{1} << (global_depth_ - old->local_depth);
    size_t start = index & ~(span - 1);
    for (size_t i = 0; i < span; i++) dir_[start + i] = i < span / 2 ? low : high;
    free(old);
    segments_++;
  }

  void Reset() {
    global_depth_ = 0;
    size_ = 0;
    dir_.assign(1, NewSegment(0));
    segments_ = 1;
  }

  void FreeSegments() {
    Segment* prev = nullptr;
    for (Segment* s : dir_) {
      if (s != prev) free(s);
      prev = s;
    }
    dir_.clear();
  }

  std::vector<Segment*> dir_;
  uint8_t global_depth_ = 0;
  size_t size_ = 0;
  size_t segments_ = 0;
};

}  // namespace duet
