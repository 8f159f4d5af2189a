// SegmentedTable: the keyspace hash table. An extendible hash table of small open-addressing
// segments, so it grows one segment at a time and never rehashes the whole table (no pause
// while the keyspace grows from 0 to 100M keys).
//
// Layout. A directory of 2^global_depth pointers, indexed by the top bits of the 64-bit hash,
// points to segments; a segment with local depth d is shared by 2^(global_depth - d)
// consecutive directory slots. A segment is an 8-byte header and an open-addressing slot
// array (linear probing) sized to a jemalloc size class: 512, 640, 768, 896 or 1024 bytes
// (63 to 127 slots). A segment past 80% fill first grows to the next class; a 1024-byte one
// splits in two by the next hash bit. Only that segment's elements move, and because
// segments grow in ~20% steps (not by doubling) the table stays 64-80% full at every size,
// with no size where all segments have just split (uniform hashing would otherwise make
// every segment split at the same moment, halving the fill). The directory doubles when a
// segment at full depth splits (a pointer copy, ~1 ms at 100M keys).
// A segment whose count fell below 60% of the next smaller class moves down to the class
// that fits it at its next Insert: without that, a table under churn at a constant size
// (eviction at maxmemory: every insert pays for an erase elsewhere) ratchets each segment
// up to the largest class its count ever reached (measured: 11.4 -> 16 bytes per key in
// 15 s of new-key SETs at the limit). Segments are never merged: split halves stay split.
//
// One size class (SetOneSizeClass; the keyspace sets it while maxmemory is set). Moving
// segments between five jemalloc bins costs memory the allocator holds but cannot reuse:
// each bin keeps the slabs of the most segments it ever held, while the table's mix of
// classes shifts as it fills and churns (measured at maxmemory 64mb: 5-10 MB of half-empty
// 640-1024-byte slabs, allocator active 8-12 MB above allocated). With every new segment
// 1024 bytes (127 slots, split at 80% into two of ~40%) a segment's memory is always
// reused by the next one; the price is density: 40-80% full, ~13 bytes per element on
// average instead of ~11. Existing smaller segments stay until they next grow.
//
// Elements are opaque pointers to caller-owned objects (the table never frees them).
// Each slot is 64 bits: the pointer in the low 48 bits, 16 bits of caller metadata on top
// (the keyspace keeps its LRU clock there, so LRU costs no bytes in the entry).
// Traits provides: static std::string_view KeyOf(const void* element), and optionally
// `static constexpr bool kHashInMeta = true`: the table then keeps the 16 hash bits that pick
// an element's home slot in its metadata (callers must not use meta()), so deletion's
// backward shift and segment growth place elements without dereferencing and rehashing them
// (one cache miss per element moved; erasing from a set of 1M members was ~1/3 of ZPOPMIN).
//
// Scan guarantee (Redis SCAN semantics): an element present for the whole scan is returned. A
// cursor is a position in a fixed 2^32 hash-prefix space; one Scan() step returns the
// elements of a prefix range within one segment (the whole segment, or a part sized to the
// caller's COUNT), and an element's prefix is fixed, so nothing is skipped or repeated.
#pragma once

#include <xxhash.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <vector>

namespace duet {

template <typename Traits>
class SegmentedTable {
 public:
  // Element pointers are at least 8-byte aligned, so their low 3 bits carry a tag of the
  // key's hash: a probe dereferences an element only when the tag matches (1 in 8 for a
  // different key), which saves a cache miss per extra probe.
  static constexpr uint64_t kAddrMask = (uint64_t{1} << 48) - 1;
  static constexpr uint64_t kTagMask = 7;
  static constexpr uint64_t kPtrMask = kAddrMask & ~kTagMask;
  static constexpr bool kHashMeta = [] {
    if constexpr (requires { Traits::kHashInMeta; }) {
      return Traits::kHashInMeta;
    } else {
      return false;
    }
  }();

  // A reference to one occupied slot; valid until the next Insert/Erase/Clear.
  class SlotRef {
   public:
    SlotRef() = default;
    explicit SlotRef(uint64_t* slot) : slot_(slot) {}
    explicit operator bool() const { return slot_ != nullptr; }
    void* get() const { return reinterpret_cast<void*>(*slot_ & kPtrMask); }
    uint16_t meta() const { return static_cast<uint16_t>(*slot_ >> 48); }
    void set_meta(uint16_t m) { *slot_ = (*slot_ & kAddrMask) | (uint64_t{m} << 48); }
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
      one_class_ = o.one_class_;
      o.dir_.clear();
      o.Reset();
    }
    return *this;
  }

  static uint64_t Hash(std::string_view key) { return XXH3_64bits(key.data(), key.size()); }

  size_t size() const { return size_; }
  // From now on every new segment is 1024 bytes (see "One size class" above), or, when
  // `on` is false, the smallest class that fits (the default). Existing segments stay.
  void SetOneSizeClass(bool on) { one_class_ = on; }
  bool one_size_class() const { return one_class_; }
  size_t segment_count() const { return segments_; }
  // Bytes of the directory and all segments.
  size_t bytes_used() const {
    size_t n = dir_.size() * sizeof(void*);
    const Segment* prev = nullptr;
    for (uintptr_t d : dir_) {
      const Segment* seg = SegOf(d);
      if (seg != prev) n += sizeof(Segment) + seg->capacity * sizeof(uint64_t);
      prev = seg;
    }
    return n;
  }

  SlotRef Find(std::string_view key, uint64_t hash) const {
    uint64_t tag = Tag(hash);
    uintptr_t d = dir_[DirIndex(hash)];
    Segment* seg = SegOf(d);
    uint32_t cap = CapOf(d);  // from the directory: no read of the segment header
    uint32_t i = Home(hash, cap);
    for (uint32_t n = 0; n < cap; n++) {
      uint64_t s = seg->slots[i];
      if (s == 0) return SlotRef();
      if ((s & kTagMask) == tag && Traits::KeyOf(Ptr(s)) == key) return SlotRef(&seg->slots[i]);
      i = Next(i, cap);
    }
    return SlotRef();
  }
  SlotRef Find(std::string_view key) const { return Find(key, Hash(key)); }

  // Starts loading the home slot of `hash` into the cache (for a lookup coming soon).
  void Prefetch(uint64_t hash) const {
    uintptr_t d = dir_[DirIndex(hash)];
    const void* slot = &SegOf(d)->slots[Home(hash, CapOf(d))];
    // GCC 12 drops a prefetch whose address comes from an integer-to-pointer cast; the empty
    // asm hides the origin. (A read prefetch: generic x86-64 has no PREFETCHW.)
    asm volatile("" : "+r"(slot));
    __builtin_prefetch(slot);
  }

  // Starts loading the directory entry of `hash` into the cache: a batch of lookups
  // prefetches every directory entry, then (Prefetch) every home slot, then looks them up,
  // so the two dependent misses of each overlap with the other lookups' instead of stalling.
  void PrefetchDirectory(uint64_t hash) const { __builtin_prefetch(&dir_[DirIndex(hash)]); }

  // The slot holding exactly `element`, searched along the probe sequence of `hash`
  // without dereferencing any element (so `element` may be a stale pointer: a match means
  // it is in the table now). Empty SlotRef when absent.
  SlotRef FindPointer(const void* element, uint64_t hash) const {
    Segment* seg = SegmentFor(hash);
    uint32_t cap = seg->capacity;
    uint32_t i = Home(hash, cap);
    uint64_t want = reinterpret_cast<uint64_t>(element);
    for (uint32_t n = 0; n < cap; n++) {
      uint64_t s = seg->slots[i];
      if (s == 0) return SlotRef();
      if ((s & kPtrMask) == want) return SlotRef(&seg->slots[i]);
      i = Next(i, cap);
    }
    return SlotRef();
  }

  // Inserts an element whose key is not present. Returns its slot. (`meta` is ignored under
  // kHashInMeta.)
  SlotRef Insert(void* element, uint64_t hash, uint16_t meta = 0) {
    if constexpr (kHashMeta) meta = HomeBits(hash);
    Segment* seg = SegmentFor(hash);
    if (uint32_t{seg->count} < ShrinkBelow(seg->capacity)) {
      // Shrunk here rather than in Erase, so Erase never moves a segment (see the header).
      Resize(hash, CapacityFor(seg->count + 1u));
      seg = SegmentFor(hash);
    }
    while (seg->count >= MaxFill(seg->capacity)) {
      if (seg->capacity < kMaxSlots) {
        Grow(hash);
      } else if (seg->local_depth < 32) {
        Split(hash);
      } else {
        // Depth is capped at 32 (the scan cursor's prefix width); past that a segment just
        // fills up. 127 keys sharing 32 hash bits is not reachable by chance.
        if (uint32_t{seg->count} + 1 == seg->capacity) abort();
        break;
      }
      seg = SegmentFor(hash);
    }
    size_++;
    return SlotRef(Place(seg, hash, Pack(element, meta) | Tag(hash)));
  }

  // Removes the element with `key`; returns it, or nullptr if absent.
  void* Erase(std::string_view key, uint64_t hash) {
    uint64_t tag = Tag(hash);
    uintptr_t d = dir_[DirIndex(hash)];
    Segment* seg = SegOf(d);
    uint32_t cap = CapOf(d);
    uint32_t i = Home(hash, cap);
    for (uint32_t n = 0; n < cap; n++) {
      uint64_t s = seg->slots[i];
      if (s == 0) return nullptr;
      if ((s & kTagMask) == tag && Traits::KeyOf(Ptr(s)) == key) {
        RemoveAt(seg, i);
        size_--;
        return Ptr(s);
      }
      i = Next(i, cap);
    }
    return nullptr;
  }

  // One scan step: calls fn(SlotRef) for every element whose 32-bit hash prefix lies in a
  // range starting at `cursor`, and returns the cursor after that range (0 when the scan is
  // complete). fn must not insert or erase.
  // The range ends at the end of the segment holding `cursor`'s prefix, or sooner so that
  // about `want` elements fall in it (SCAN's COUNT: Redis returns about COUNT per call, not
  // a whole segment of ~60-100): a partial step hashes the segment's elements to pick the
  // ones in range. An element's prefix never changes and always lies in the range of the
  // segment that holds it, so ranges visited in order return every element present for the
  // whole scan exactly once, however segments grow or split in between.
  template <typename Fn>
  uint64_t Scan(uint64_t cursor, Fn&& fn, size_t want = SIZE_MAX) {
    uint64_t prefix = cursor & 0xffffffffULL;
    size_t dir_index = static_cast<size_t>(prefix >> (32 - global_depth_));
    Segment* seg = SegOf(dir_[dir_index]);
    uint64_t span = uint64_t{1} << (32 - seg->local_depth);
    uint64_t seg_start = (prefix >> (32 - seg->local_depth)) * span;
    uint64_t end = seg_start + span;
    if (want < seg->count) {
      // The segment's elements spread evenly over its range (uniform hashing).
      uint64_t width = std::max<uint64_t>(1, span * want / seg->count);
      end = std::min(end, prefix + width);
    }
    if (prefix == seg_start && end == seg_start + span) {
      for (uint32_t i = 0; i < seg->capacity; i++) {
        if (seg->slots[i]) fn(SlotRef(&seg->slots[i]));
      }
    } else {
      for (uint32_t i = 0; i < seg->capacity; i++) {
        uint64_t s = seg->slots[i];
        if (s == 0) continue;
        uint64_t p = Hash(Traits::KeyOf(Ptr(s))) >> 32;
        if (p >= prefix && p < end) fn(SlotRef(&seg->slots[i]));
      }
    }
    return end >= (uint64_t{1} << 32) ? 0 : end;
  }

  // A random occupied slot (empty SlotRef if the table is empty), every element equally
  // likely: SRANDMEMBER, SPOP, HRANDFIELD and RANDOMKEY draw from here. `rnd` is any random
  // 64-bit value; call again with fresh randomness for another sample.
  //
  // Rejection sampling: a trial picks a directory entry and a slot index below kMaxSlots, and
  // succeeds when the entry is the first of its segment's range (so each segment is tried
  // equally often whatever its depth) and the slot is occupied. Every element then has the
  // same chance per trial. Expected trials: directory size * kMaxSlots / size(), about 2-4
  // for a table 64-80% full. A table that mass deletions left very sparse (segments never
  // merge) could need hundreds: after kRandomTrials the pick falls back to the first
  // occupied slot from a random position, which is biased towards elements after empty runs
  // (the bias every open-addressing pick had before, and Redis's dict pick has too).
  SlotRef Random(uint64_t rnd) const {
    if (size_ == 0) return SlotRef();
    const uint64_t d = dir_.size();
    uint64_t state = rnd;
    for (int trial = 0; trial < kRandomTrials; trial++) {
      uint64_t r = SplitMix64(&state);
      size_t di = static_cast<size_t>(((r & 0xffffffffULL) * d) >> 32);
      uintptr_t entry = dir_[di];
      Segment* seg = SegOf(entry);
      size_t span = size_t{1} << (global_depth_ - seg->local_depth);
      if ((di & (span - 1)) != 0) continue;  // not the segment's first directory entry
      uint32_t i = static_cast<uint32_t>(((r >> 32) * kMaxSlots) >> 32);
      if (i < CapOf(entry) && seg->slots[i] != 0) return SlotRef(&seg->slots[i]);
    }
    for (size_t attempt = 0;; attempt++) {
      uint64_t r = SplitMix64(&state);
      Segment* seg = SegOf(dir_[r % d]);
      if (seg->count == 0) continue;
      uint32_t i = static_cast<uint32_t>((r >> 32) % seg->capacity);
      for (uint32_t n = 0; n < seg->capacity; n++, i = Next(i, seg->capacity)) {
        if (seg->slots[i]) return SlotRef(&seg->slots[i]);
      }
    }
  }

  // Calls fn(SlotRef) for every element of one pseudo-random segment (each chosen with the
  // probability of its share of the hash space, so every element is equally likely to be
  // visited). For sampling many elements at the cost of one or two cache misses (eviction).
  // fn must not insert or erase.
  template <typename Fn>
  void SampleSegment(uint64_t rnd, Fn&& fn) const {
    const Segment* seg = SegOf(dir_[static_cast<size_t>(rnd % dir_.size())]);
    for (uint32_t i = 0; i < seg->capacity; i++) {
      if (seg->slots[i]) fn(SlotRef(const_cast<uint64_t*>(&seg->slots[i])));
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

  // Sizes an empty table for about `n` elements, for a loader that knows the final count
  // (RDB's RESIZEDB): the directory and the segments are created at the depth and size class
  // that hold `n` uniformly hashed elements in the fewest bytes while a segment two standard
  // deviations above its expected share stays under MaxFill, so inserting them moves almost
  // no element. (Moving an element costs a cache miss, and a rehash unless kHashInMeta; a
  // table grown from one segment moves each element about five times.) A table that is not
  // empty, or `n` within one segment, is left as it is. The caller bounds `n`: about 12-17
  // bytes are allocated per element.
  void Reserve(size_t n) {
    if (size_ != 0 || n <= MaxFill(kMinSlots) / 2) return;
    size_t best_bytes = SIZE_MAX;
    uint8_t best_depth = 0;
    uint32_t best_cap = kMaxSlots;
    for (uint8_t depth = 0; depth <= 32; depth++) {
      double per = static_cast<double>(n) / static_cast<double>(uint64_t{1} << depth);
      double need = per + 2 * std::sqrt(per);
      for (uint32_t cap : kClassSlots) {
        if (one_class_ && cap != kMaxSlots) continue;
        if (need > MaxFill(cap)) continue;
        size_t bytes = (size_t{1} << depth) * (sizeof(Segment) + cap * sizeof(uint64_t));
        if (bytes < best_bytes) {
          best_bytes = bytes;
          best_depth = depth;
          best_cap = cap;
        }
        break;  // the smallest class that fits is the best one at this depth
      }
      if (per < MaxFill(kMinSlots) / 4) break;  // deeper only costs more
    }
    if (best_depth == 0) return;
    FreeSegments();
    dir_.resize(size_t{1} << best_depth);
    for (uintptr_t& d : dir_) d = DirValue(NewSegment(best_depth, best_cap));
    global_depth_ = best_depth;
    segments_ = dir_.size();
  }

  // Drops every element (without freeing them) and shrinks back to one segment.
  void Clear() {
    FreeSegments();
    Reset();
  }

 private:
  // Slot counts per size class: (bytes - 8-byte header) / 8.
  static constexpr uint32_t kClassSlots[] = {63, 79, 95, 111, 127};
  // ShrinkBelow relies on the classes being 16 slots apart (not a static_assert: clang 14
  // does not evaluate this class template's static array in one, and the fuzz build is clang).
  static constexpr uint32_t kMinSlots = 63;
  static constexpr uint32_t kMaxSlots = 127;
  static constexpr int kRandomTrials = 128;

  // splitmix64: a fresh, well-mixed 64-bit value per call from a counter state.
  static uint64_t SplitMix64(uint64_t* state) {
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  struct Segment {
    uint16_t count;
    uint8_t local_depth;
    uint8_t pad;
    uint32_t capacity;  // slots
    uint64_t slots[];   // capacity entries
  };

  static uint32_t MaxFill(uint32_t capacity) { return capacity * 4 / 5; }
  // A segment whose count fell below 60% of the next smaller class moves down to the class
  // that fits it (on its next Insert). The gap to that class's MaxFill (80%) is the
  // hysteresis that keeps a segment from moving back and forth on every insert/erase.
  uint32_t ShrinkBelow(uint32_t capacity) const {
    return one_class_ || capacity == kMinSlots ? 0u : (capacity - 16u) * 3u / 5u;
  }
  static void* Ptr(uint64_t s) { return reinterpret_cast<void*>(s & kPtrMask); }
  static uint64_t Tag(uint64_t hash) { return (hash >> 32) & kTagMask; }
  static uint64_t Pack(void* p, uint16_t meta) {
    return reinterpret_cast<uint64_t>(p) | (uint64_t{meta} << 48);
  }
  // Slot choice uses hash bits 16..31 (the directory uses the top bits, the tag bits
  // 32..34): a multiply-shift range reduction instead of a division. 16 bits, so that
  // kHashInMeta tables can keep them in the slot.
  static uint16_t HomeBits(uint64_t hash) { return static_cast<uint16_t>(hash >> 16); }
  static uint32_t HomeOf(uint16_t bits, uint32_t capacity) {
    return (uint32_t{bits} * capacity) >> 16;
  }
  static uint32_t Home(uint64_t hash, uint32_t capacity) {
    return HomeOf(HomeBits(hash), capacity);
  }
  // The home slot of an occupied slot's element.
  static uint32_t SlotHome(uint64_t s, uint32_t capacity) {
    if constexpr (kHashMeta) {
      return HomeOf(static_cast<uint16_t>(s >> 48), capacity);
    } else {
      return Home(Hash(Traits::KeyOf(Ptr(s))), capacity);
    }
  }
  static uint32_t Next(uint32_t i, uint32_t capacity) { return i + 1 == capacity ? 0 : i + 1; }
  size_t DirIndex(uint64_t hash) const {
    return global_depth_ == 0 ? 0 : static_cast<size_t>(hash >> (64 - global_depth_));
  }
  Segment* SegmentFor(uint64_t hash) const { return SegOf(dir_[DirIndex(hash)]); }

  // Directory entries are segment pointers (8-byte aligned by malloc) with the index of the
  // segment's size class in the low bits, so a lookup knows the slot count before it touches
  // the segment: one cache miss fewer per Find/Erase.
  static constexpr uintptr_t kClassMask = 7;  // 5 classes; malloc aligns to >= 8
  static Segment* SegOf(uintptr_t d) { return reinterpret_cast<Segment*>(d & ~kClassMask); }
  static uint32_t CapOf(uintptr_t d) { return kClassSlots[d & kClassMask]; }
  static uintptr_t DirValue(Segment* seg) {
    uintptr_t c = 0;
    while (kClassSlots[c] != seg->capacity) c++;
    return reinterpret_cast<uintptr_t>(seg) | c;
  }

  static Segment* NewSegment(uint8_t depth, uint32_t capacity) {
    auto* seg = static_cast<Segment*>(calloc(1, sizeof(Segment) + capacity * sizeof(uint64_t)));
    if (!seg || (reinterpret_cast<uintptr_t>(seg) & kClassMask)) abort();
    seg->local_depth = depth;
    seg->capacity = capacity;
    return seg;
  }
  // The smallest size class that holds `count` elements under the fill limit.
  uint32_t CapacityFor(uint32_t count) const {
    if (one_class_) return kMaxSlots;
    for (uint32_t c : kClassSlots) {
      if (count <= MaxFill(c)) return c;
    }
    return kMaxSlots;
  }

  uint64_t* Place(Segment* seg, uint64_t hash, uint64_t packed) {
    return PlaceAt(seg, Home(hash, seg->capacity), packed);
  }
  uint64_t* PlaceAt(Segment* seg, uint32_t i, uint64_t packed) {
    uint32_t cap = seg->capacity;
    while (seg->slots[i] != 0) i = Next(i, cap);
    seg->slots[i] = packed;
    seg->count++;
    return &seg->slots[i];
  }

  // Backward-shift deletion keeps probe chains intact without tombstones.
  void RemoveAt(Segment* seg, uint32_t hole) {
    uint32_t cap = seg->capacity;
    seg->slots[hole] = 0;
    seg->count--;
    uint32_t i = Next(hole, cap);
    while (seg->slots[i] != 0) {
      uint32_t home = SlotHome(seg->slots[i], cap);
      // Move slot i into the hole if its home is not in (hole, i] cyclically.
      bool in_range = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
      if (!in_range) {
        seg->slots[hole] = seg->slots[i];
        seg->slots[i] = 0;
        hole = i;
      }
      i = Next(i, cap);
    }
  }

  // Points every directory slot that referenced `old` (the range of `hash`) at `seg`.
  void Repoint(uint64_t hash, uint8_t local_depth, Segment* first, Segment* second) {
    size_t span = size_t{1} << (global_depth_ - local_depth);
    size_t start = DirIndex(hash) & ~(span - 1);
    uintptr_t a = DirValue(first);
    uintptr_t b = second ? DirValue(second) : a;
    for (size_t i = 0; i < span; i++) dir_[start + i] = i < span / 2 ? a : b;
  }

  // Starts loading every element of `seg` into the cache before a move reads their keys, so
  // the misses overlap instead of being paid one after another.
  static void PrefetchElements(const Segment* seg) {
    if constexpr (kHashMeta) return;  // a move reads no element
    for (uint32_t i = 0; i < seg->capacity; i++) {
      if (uint64_t s = seg->slots[i]) {
        const void* p = Ptr(s);
        asm volatile("" : "+r"(p));  // see Prefetch: GCC drops it otherwise
        __builtin_prefetch(p);
      }
    }
  }

  // Moves a segment's elements into the next larger size class.
  void Grow(uint64_t hash) {
    uint32_t cap = SegmentFor(hash)->capacity;
    uint32_t bigger = kMaxSlots;
    for (uint32_t c : kClassSlots) {
      if (c > cap && !one_class_) {
        bigger = c;
        break;
      }
    }
    Resize(hash, bigger);
  }

  // Moves a segment's elements into a segment of `capacity` slots (same hash range, so the
  // scan guarantee holds).
  void Resize(uint64_t hash, uint32_t capacity) {
    Segment* old = SegmentFor(hash);
    uint32_t cap = old->capacity;
    PrefetchElements(old);
    Segment* seg = NewSegment(old->local_depth, capacity);
    for (uint32_t i = 0; i < cap; i++) {
      uint64_t s = old->slots[i];
      if (s) PlaceAt(seg, SlotHome(s, capacity), s);
    }
    Repoint(hash, old->local_depth, seg, nullptr);
    free(old);
  }

  void Split(uint64_t hash) {
    Segment* old = SegmentFor(hash);
    if (old->local_depth == global_depth_) {
      // Double the directory: each pointer appears twice.
      std::vector<uintptr_t> bigger(dir_.size() * 2);
      for (size_t i = 0; i < dir_.size(); i++) bigger[2 * i] = bigger[2 * i + 1] = dir_[i];
      dir_.swap(bigger);
      global_depth_++;
    }
    uint8_t depth = old->local_depth + 1;
    uint64_t bit = uint64_t{1} << (64 - depth);
    uint32_t high_count = 0;
    PrefetchElements(old);
    uint64_t hashes[kMaxSlots];  // each element hashed once (a split segment is the largest)
    for (uint32_t i = 0; i < old->capacity; i++) {
      uint64_t s = old->slots[i];
      if (!s) continue;
      hashes[i] = Hash(Traits::KeyOf(Ptr(s)));
      if (hashes[i] & bit) high_count++;
    }
    Segment* low = NewSegment(depth, CapacityFor(old->count - high_count));
    Segment* high = NewSegment(depth, CapacityFor(high_count));
    for (uint32_t i = 0; i < old->capacity; i++) {
      uint64_t s = old->slots[i];
      if (!s) continue;
      Place((hashes[i] & bit) ? high : low, hashes[i], s);
    }
    Repoint(hash, old->local_depth, low, high);
    free(old);
    segments_++;
  }

  void Reset() {
    global_depth_ = 0;
    size_ = 0;
    dir_.assign(1, DirValue(NewSegment(0, CapacityFor(0))));
    segments_ = 1;
  }

  void FreeSegments() {
    Segment* prev = nullptr;
    for (uintptr_t d : dir_) {
      Segment* s = SegOf(d);
      if (s != prev) free(s);
      prev = s;
    }
    dir_.clear();
  }

  std::vector<uintptr_t> dir_;  // tagged segment pointers (see SegOf/CapOf)
  uint8_t global_depth_ = 0;
  size_t size_ = 0;
  size_t segments_ = 0;
  bool one_class_ = false;  // SetOneSizeClass
};

}  // namespace duet
