// Sorted sets (ZSET): the value object and the operations other families build on.
//
// Two encodings, as Redis 7.0:
//   - "listpack": one listpack of member, score, member, score... ordered by (score, member),
//     used while the set has <= zset-max-listpack-entries members of <= zset-max-listpack-value
//     bytes each. Scores are stored as Redis's d2string text (integers as listpack integers),
//     so the bytes equal Redis's and RDB/DUMP can copy them. The listpack is stored inside
//     the key's Entry (Entry::NewPacked), as small hashes are: one allocation per key.
//   - "skiplist" (OBJECT ENCODING's name; the structure is ours): each member and its score in
//     one allocation (ZElem), an order-statistic B+tree of ZElem pointers ordered by
//     (score, member) for ranks and ranges in O(log n), and a SegmentedTable member -> ZElem
//     for ZSCORE/ZADD lookups. About 45 bytes per member of 13 bytes, vs ~114 in Redis.
// A set converts to the big encoding when it outgrows the listpack limits and converts back
// only where Redis does (ConvertToListpackIfNeeded, for results built by ZUNIONSTORE & co).
//
// Positions are ranks in ascending (score, member) order; every range command reduces to
// [lo, hi) rank intervals (RankOfScore/RankOfLex) walked with a Cursor, so one code path
// serves both encodings. Commands reach a set through a ZSet handle. Member order is bytewise
// (memcmp, shorter prefix first).
//
// Nothing here writes RESP; the command layer (commands/zset_*_cmds.cc) parses and replies.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "config/config.h"
#include "core/order_tree.h"
#include "core/segmented_table.h"
#include "keyspace/db.h"
#include "keyspace/entry.h"
#include "types/listpack.h"
#include "types/zset_score.h"

namespace duet::zset {

// The listpack limits in force (from the config at the time of the call).
struct Limits {
  size_t max_listpack_entries = 128;
  size_t max_listpack_value = 64;
};
inline Limits LimitsFrom(const Config& c) {
  return {static_cast<size_t>(c.zset_max_listpack_entries),
          static_cast<size_t>(c.zset_max_listpack_value)};
}

// One member of the big encoding: [double score][length: u8, or 0xFF then u32][bytes].
struct ZElem {
  double score;
  static ZElem* New(std::string_view member, double score);
  static void Free(ZElem* e) { free(e); }
  std::string_view member() const;
  size_t AllocSize() const;
};
struct ZElemOrder {
  // (score, member) order; members bytewise.
  static bool Less(const void* a, const void* b);
};
struct ZElemKey {
  static std::string_view KeyOf(const void* e) { return static_cast<const ZElem*>(e)->member(); }
  static constexpr bool kHashInMeta = true;  // erases and growth never rehash members
};

// ZADD's condition flags (zsetAdd's in_flags).
enum AddFlag : int {
  kAddNone = 0,
  kAddIncr = 1 << 0,
  kAddNx = 1 << 1,
  kAddXx = 1 << 2,
  kAddGt = 1 << 3,
  kAddLt = 1 << 4,
};
// What Add did (zsetAdd's out_flags).
// kSame: the member exists and its score stays the same (not a NOP: ZADD INCR still replies
// the score).
enum class AddResult { kAdded, kUpdated, kSame, kNop, kNaN };

// The big encoding's value object (OBJECT ENCODING "skiplist"). A small set has no value
// object: its listpack lives inside the key's Entry (see ZSet).
class ZSetValue final : public CompositeValue {
 public:
  class Cursor;

  ZSetValue() = default;
  ~ZSetValue() override;
  ZSetValue(const ZSetValue&) = delete;
  ZSetValue& operator=(const ZSetValue&) = delete;

  size_t MemoryUsage() const override;
  CompositeValue* Clone() const override;
  std::string_view EncodingName() const override { return "skiplist"; }
  size_t FreeEffort() const override { return Size(); }

  size_t Size() const { return big()->tree.size(); }
  // zsetAdd on the big encoding (see ZSet::Add); never converts.
  AddResult Add(double score, std::string_view member, int flags, double* new_score);
  std::optional<double> Score(std::string_view member) const;
  bool Remove(std::string_view member);
  std::optional<size_t> Rank(std::string_view member) const;
  size_t RankOfScore(double s, bool after) const;
  // Members ordered before the bound (see ZSet::RankOfLex), for `before(member)`.
  template <typename Before>
  size_t CountBefore(Before&& before) const {
    return big()->tree.CountBelow(
        [&](const void* x) { return before(static_cast<const ZElem*>(x)->member()); });
  }
  Cursor At(size_t rank) const;
  size_t RemoveRankRange(size_t lo, size_t hi);
  void Insert(std::string_view member, double score) { BigInsert(ZElem::New(member, score)); }

  // One ZSCAN step (SCAN's guarantee: a member present for the whole scan is returned at
  // once): calls fn(member, score) for the members of hash ranges until at least `count`
  // were visited (a few more at most); returns the next cursor (0 when done).
  template <typename Fn>
  uint64_t ScanBig(uint64_t cursor, size_t count, Fn&& fn) {
    size_t visited = 0;
    do {
      cursor = big()->dict.Scan(
          cursor,
          [&](Table::SlotRef ref) {
            const auto* e = static_cast<const ZElem*>(ref.get());
            fn(e->member(), e->score);
            visited++;
          },
          count - visited);
    } while (cursor != 0 && visited < count);
    return cursor;
  }

 private:
  friend class Cursor;
  using Tree = OrderTree<ZElemOrder>;
  using Table = SegmentedTable<ZElemKey>;
  struct Big {
    Tree tree;
    Table dict;
  };

  Big* big() const { return const_cast<Big*>(&big_); }
  ZElem* FindElem(std::string_view member) const;
  void BigInsert(ZElem* e);

  Big big_;
};

// Iterates members in order from a position (either encoding); valid until the set changes.
class ZSetValue::Cursor {
 public:
  bool valid() const { return lp_ ? p_ != nullptr : tc_.valid(); }
  std::string_view member() const;
  double score() const;
  void Next();
  void Prev();

 private:
  friend class ZSetValue;
  friend class ZSet;
  uint8_t* lp_ = nullptr;
  uint8_t* p_ = nullptr;  // listpack: the member entry
  Tree::Cursor tc_;
  mutable char buf_[24];
};

// A sorted set in either encoding, as the commands use it. Either a handle to a key's set
// (FindForRead / FindForWrite), or a set not yet in the keyspace (Create,
// FromSorted; it owns its storage until Release hands it to an Entry).
//
// A small set's listpack lives INSIDE the key's Entry (Entry::NewPacked, as small hashes
// do): one allocation per key, no value object. A change through a write handle is made on a
// copy of the listpack and written back at once: in place when it fits the entry's
// allocation, else as a new entry through Db::Replace (TTL and LRU stamp kept); a conversion
// to the big encoding replaces the entry the same way. So the handle stays valid across its
// own changes, but nothing else may change or delete the key while it is in use, and a read
// handle (FindForRead, Of) must not be changed.
class ZSet {
 public:
  using Cursor = ZSetValue::Cursor;

  ZSet() = default;  // no set: operator bool is false
  ZSet(ZSet&& o) noexcept { *this = std::move(o); }
  ZSet& operator=(ZSet&& o) noexcept;
  ~ZSet() { FreeOwned(); }
  explicit operator bool() const { return lp_ != nullptr || big_ != nullptr; }

  // An empty set in the encoding Redis's zsetTypeCreate picks for `size_hint` members whose
  // longest is `value_len_hint` bytes: listpack when both are within the limits.
  static ZSet Create(size_t size_hint, size_t value_len_hint, const Limits& limits);
  // A set holding `members`, sorted by (score, member) without duplicates (results of
  // ZUNIONSTORE...): listpack when they fit the limits, as Redis converts such results.
  static ZSet FromSorted(const std::vector<std::pair<std::string, double>>& members,
                         const Limits& limits);
  // A read handle on the sorted set in `e`. Precondition: e->type() == ValueType::kZSet.
  static ZSet Of(Entry* e);
  // A write handle on the sorted set in `slot` of `db`.
  static ZSet OfSlot(Db& db, KeyTable::SlotRef slot);

  // A detached set as a new entry for `key` (packed when a listpack); the handle becomes
  // empty. Precondition: detached and non-empty.
  Entry* Release(std::string_view key);

  bool IsListpack() const { return lp_ != nullptr; }
  std::string_view EncodingName() const { return IsListpack() ? "listpack" : "skiplist"; }
  size_t Size() const;

  // zsetAdd: adds or updates `member` under ZADD's flags. With kAddIncr `score` is an
  // increment. *new_score receives the resulting score when the member was added or updated
  // (or would have been but the score was equal). kNaN: the increment produced NaN (nothing
  // changed). Converts to the big encoding past the limits.
  AddResult Add(double score, std::string_view member, int flags, const Limits& limits,
                double* new_score);
  std::optional<double> Score(std::string_view member) const;
  // Removes `member`; false if absent. The caller deletes the key when Size() drops to 0.
  bool Remove(std::string_view member);
  // 0-based ascending rank of `member`.
  std::optional<size_t> Rank(std::string_view member) const;

  // Number of members with score < s (after == false) or <= s (after == true).
  size_t RankOfScore(double s, bool after) const;
  // Number of members ordered before the bound: for a lower bound, the members below the
  // range; for an upper bound (`upper`), the members up to and including the range's end.
  size_t RankOfLex(const LexBound& b, bool upper) const;
  // The [lo, hi) ranks of a score / lex range (lo == hi when empty).
  std::pair<size_t, size_t> ScoreRangeRanks(const ScoreRange& r) const;
  std::pair<size_t, size_t> LexRangeRanks(const LexRange& r) const;

  // Cursor at `rank` (invalid past the end).
  Cursor At(size_t rank) const;
  // Removes ranks [lo, hi). Returns how many were removed.
  size_t RemoveRankRange(size_t lo, size_t hi);

  // Converts to the big encoding (no-op if already there).
  void ConvertToBig();
  // zsetConvertToListpackIfNeeded: back to a listpack when the set fits the limits
  // (`max_member_len` is the longest member, `total_len` the sum of member lengths).
  void ConvertToListpackIfNeeded(size_t max_member_len, size_t total_len, const Limits& limits);

  // Calls fn(member, score) for every member in ascending order.
  void ForEach(const std::function<void(std::string_view, double)>& fn) const;

  // The big encoding's object. Precondition: !IsListpack().
  ZSetValue* big() const { return big_; }

 private:
  void FreeOwned();
  // Installs a heap listpack `heap_lp` (taken) or a big object `big` (taken) as this set's
  // representation: in the key's entry when attached, else owned.
  void SetListpack(uint8_t* heap_lp);
  void SetBig(ZSetValue* big);
  // Applies a listpack mutation fn(heap lp, element ptr) -> new heap lp to a copy of the
  // listpack (or the owned one), `p` translated into it, then installs the result.
  template <typename Fn>
  void MutateLp(Fn&& fn, uint8_t* p = nullptr) {
    if (entry_ == nullptr) {
      lp_ = fn(lp_, p);
      return;
    }
    uint8_t* tmp = lp::Dup(lp_);
    SetListpack(fn(tmp, p ? tmp + (p - lp_) : nullptr));
  }
  void LpInsert(std::string_view member, double score);

  uint8_t* lp_ = nullptr;     // listpack encoding: the entry's packed bytes, or owned
  ZSetValue* big_ = nullptr;  // big encoding: the entry's object, or owned
  Entry* entry_ = nullptr;    // attached: the key's entry (nullptr: detached, owning)
  Db* db_ = nullptr;          // write handle: where to replace the entry
  KeyTable::SlotRef slot_;
};

// ---- Key-level helpers for other families (GEOADD, BZPOPMIN, SORT) ----

// A write handle on the sorted set at `key`, empty when missing; kWrongType otherwise.
Result<ZSet> FindForWrite(Db& db, std::string_view key);
// A read handle on the sorted set at `key` (counts keyspace hits/misses).
Result<ZSet> FindForRead(Db& db, std::string_view key);
// SORT's zsetConvert: the sorted set at `key` (present) in the big encoding; returns its entry.
Entry* ConvertToBigAt(Db& db, std::string_view key);

struct Popped {
  std::string member;
  double score;
};
// ZPOPMIN/ZPOPMAX core: removes up to `count` members from the low (`max` false) or high end,
// appending them to *out in pop order, and deletes the key when it becomes empty. Missing key:
// nothing popped. kWrongType for another type. The caller calls KeyModified when *out grew.
OpStatus Pop(Db& db, std::string_view key, bool max, size_t count, std::vector<Popped>* out);

}  // namespace duet::zset
