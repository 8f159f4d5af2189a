// SetValue: the value of a Redis set, in Redis 7.0's two encodings.
//
//   intset     every member is an integer string2ll accepts (ParseInt64) and there are at
//              most set-max-intset-entries of them: a sorted Intset (types/intset.h).
//   hashtable  anything else. Converted from intset on the first non-integer member or when
//              the intset would exceed the limit; never converted back (as Redis).
//
// The hashtable is a SegmentedTable (core/segmented_table.h) whose elements are members:
// one malloc'd block each, a length prefix (1 byte below 128, else 4) followed by the bytes.
// A 15-byte member is one 16-byte jemalloc block plus its 8-byte slot (at 64-80% fill):
// ~27 bytes where Redis spends ~80 (dictEntry + sds + bucket). Up to kSmallMax members the
// "hashtable" is a plain array of the same member blocks searched linearly (a table's first
// segment alone is 512 bytes); it becomes a SegmentedTable past that and never goes back.
//
// Members are read as string_views. For the intset encoding the decimal text is written into
// a caller buffer (kIntBufSize); views into the hashtable are valid until the set changes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/strutil.h"
#include "core/segmented_table.h"
#include "keyspace/entry.h"
#include "types/intset.h"

namespace duet {

// One member of the hashtable encoding.
namespace set_member {
void* New(std::string_view s);
void Free(void* m);
inline std::string_view View(const void* m) {
  const auto* p = static_cast<const uint8_t*>(m);
  if (p[0] < 0x80) return {reinterpret_cast<const char*>(p + 1), p[0]};
  size_t len = (size_t{p[0] & 0x7fu} << 24) | (size_t{p[1]} << 16) | (size_t{p[2]} << 8) | p[3];
  return {reinterpret_cast<const char*>(p + 4), len};
}
// Bytes malloc'd for a member of `len` bytes (before allocator rounding).
inline size_t AllocSize(size_t len) { return len + (len < 0x80 ? 1 : 4); }
}  // namespace set_member

struct SetMemberTraits {
  static std::string_view KeyOf(const void* m) { return set_member::View(m); }
  static constexpr bool kHashInMeta = true;  // erases and growth never rehash members
};

class SetValue final : public CompositeValue {
 public:
  using Table = SegmentedTable<SetMemberTraits>;
  enum class Encoding : uint8_t { kIntset, kHashtable };
  static constexpr size_t kIntBufSize = 24;
  static constexpr uint32_t kSmallMax = 16;

  // Redis's setTypeCreate: an empty intset when `first` (the member about to be added) is an
  // integer, else an empty hashtable.
  static SetValue* Create(std::string_view first);
  // An empty intset set (results of SINTERSTORE/SUNIONSTORE/SDIFFSTORE start as one).
  static SetValue* CreateIntset();
  static SetValue* CreateHashtable();
  ~SetValue() override;

  Encoding encoding() const { return intset_ ? Encoding::kIntset : Encoding::kHashtable; }
  size_t size() const { return intset_ ? intset_->size() : (table_ ? table_->size() : small_->n); }

  // Adds `member`; returns false if it was present. An intset converts to the hashtable when
  // `member` is not an integer, or when the add makes it exceed `max_intset_entries`.
  bool Add(std::string_view member, size_t max_intset_entries);
  // Removes `member`; returns false if absent. Never converts.
  bool Remove(std::string_view member);
  bool Contains(std::string_view member) const;
  void ConvertToHashtable();
  // Exchanges the members (and encodings) of two sets.
  void SwapContents(SetValue& other);

  // Calls fn(std::string_view) for every member (intset: ascending). fn must not change the
  // set.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    if (table_) {
      table_->ForEach([&](Table::SlotRef s) { fn(set_member::View(s.get())); });
      return;
    }
    if (small_) {
      for (uint32_t i = 0; i < small_->n; i++) fn(set_member::View(small_->m[i]));
      return;
    }
    char buf[kIntBufSize];
    for (size_t i = 0, n = intset_->size(); i < n; i++) {
      fn(std::string_view(buf, FormatInt64(intset_->Get(i), buf)));
    }
  }

  // A random member (text in `buf` for an intset). `rnd` is any fresh random value.
  // Precondition: size() > 0.
  std::string_view Random(uint64_t rnd, char* buf) const;
  // Removes a random member and returns it. Precondition: size() > 0.
  std::string PopRandom(uint64_t rnd);

  // ForEach in steps: fn(member) for the members of one table segment from `cursor` (0 to
  // begin; ForEach's order), returning the next cursor, 0 when done. Other encodings: every
  // member at once. Valid only while the set does not change between steps.
  template <typename Fn>
  uint64_t ForEachStep(uint64_t cursor, Fn&& fn) const {
    if (!table_) {
      ForEach(fn);
      return 0;
    }
    return table_->Scan(cursor, [&](Table::SlotRef s) { fn(set_member::View(s.get())); });
  }

  // One SSCAN step: calls fn(std::string_view) for the members of the next part of the set
  // and returns the next cursor (0 when done). An intset or a small array returns
  // everything at once. Members present for the whole scan are returned once
  // (SegmentedTable::Scan); at least `count` members are visited, a few more at most, unless
  // the scan ends first.
  template <typename Fn>
  uint64_t Scan(uint64_t cursor, size_t count, Fn&& fn) const {
    if (!table_) {
      ForEach(fn);
      return 0;
    }
    size_t seen = 0;
    do {
      cursor = table_->Scan(
          cursor,
          [&](Table::SlotRef s) {
            fn(set_member::View(s.get()));
            seen++;
          },
          count - seen);
    } while (cursor != 0 && seen < count);
    return cursor;
  }

  size_t MemoryUsage() const override;
  CompositeValue* Clone() const override;
  std::string_view EncodingName() const override;
  // One allocation per member in the hashtable encoding (UNLINK frees big sets lazily).
  size_t FreeEffort() const override { return intset_ ? 1 : size(); }

  // For tests and diagnostics.
  const Intset* intset() const { return intset_; }

 private:
  SetValue() = default;
  // The small form of the hashtable encoding: `n` member blocks, room for `cap`.
  struct Small {
    uint32_t n;
    uint32_t cap;
    void* m[];
  };
  static Small* NewSmall(uint32_t cap);
  // Hashtable insert of a member known to be absent.
  void InsertNew(std::string_view member, uint64_t hash);
  void SmallAppend(std::string_view member);
  // Index of `member` in small_, or -1.
  int SmallFind(std::string_view member) const;
  void SmallRemoveAt(uint32_t i);
  void SmallToTable();

  // Exactly one of these is set.
  Intset* intset_ = nullptr;  // intset encoding
  Small* small_ = nullptr;    // hashtable encoding, up to kSmallMax members
  Table* table_ = nullptr;    // hashtable encoding
  size_t member_bytes_ = 0;   // malloc'd member bytes (hashtable), for MemoryUsage
};

}  // namespace duet
