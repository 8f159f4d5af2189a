// SplitHashValue: a "hashtable" hash of few fields with one long value (a BullMQ job: six
// short fields and a 1 KB `data`), stored so that no allocation is rounded up far.
//
// Stored in one block (a big packed hash, types/hash_type.h), key + pairs of ~1,130 bytes
// take the allocator's 1280-byte class: ~150 bytes of rounding per job. Here the longest
// value's first H bytes, H the largest allocator size class not above its length (1024 for
// 1,038 bytes), live in a block of exactly H bytes (the "head"), and the packed pairs hold a
// split element (types/packed_pairs.h) with the rest of it; the pairs sit in this object's
// own allocation behind its header: 1024 + 128 + the Entry's 32 bytes instead of 1280.
//
// Immutable: HashWriter joins the pairs into its private copy before a change and Commit
// builds a new value (or a big packed entry) from the result. Readers reach it through
// HashView, which joins a split value into scratch space when it is read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "keyspace/entry.h"

namespace duet::hashes {

// The allocator's size class for `n` bytes (jemalloc's: 16-byte steps to 128, then four
// classes per doubling).
size_t SizeClass(size_t n);

class SplitHashValue final : public CompositeValue {
 public:
  // A split value of plain packed pairs `pairs` when that takes less memory than a big packed
  // entry (whose header, expire and key take `entry_fixed` bytes besides the pairs); nullptr
  // when it would not (no value long enough, or too little saved).
  static SplitHashValue* TrySplit(std::string_view pairs, size_t entry_fixed);
  ~SplitHashValue() override;
  SplitHashValue(const SplitHashValue&) = delete;
  SplitHashValue& operator=(const SplitHashValue&) = delete;
  // Allocated with malloc (the pairs follow the object in the same block).
  static void operator delete(void* p);

  size_t MemoryUsage() const override;
  CompositeValue* Clone() const override;
  std::string_view EncodingName() const override { return "hashtable"; }

  // The packed pairs (one split element) and the split value's head.
  std::string_view pairs() const { return {Bytes(), pairs_len_}; }
  std::string_view head() const { return {head_, head_len_}; }
  // Plain packed pairs: the split value joined.
  std::string Join() const;

 private:
  SplitHashValue(char* head, uint32_t head_len, uint32_t pairs_len)
      : head_(head), head_len_(head_len), pairs_len_(pairs_len) {}
  static SplitHashValue* Make(std::string_view pairs, std::string_view head);
  const char* Bytes() const { return reinterpret_cast<const char*>(this + 1); }

  char* head_;  // malloc'd, owned
  uint32_t head_len_;
  uint32_t pairs_len_;
};

// The value at packed-pairs offset `off` of `pairs` as one string: joined with `head` into
// `*scratch` when it is a split element, else a view into `pairs` (integers formatted into
// `num`, >= 21 bytes). *next receives the offset after it.
std::string_view ValueAt(std::string_view pairs, std::string_view head, size_t off, size_t* next,
                         char* num, std::string* scratch);

}  // namespace duet::hashes
