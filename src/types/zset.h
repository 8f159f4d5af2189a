// Sorted sets (ZSET): the value object and the operations other families build on.
//
// Two encodings, as Redis 7.0:
//   - "listpack": one listpack of member, score, member, score... ordered by (score, member),
//     used while the set has <= zset-max-listpack-entries members of <= zset-max-listpack-value
//     bytes each. Scores are stored as Redis's d2string text (integers as listpack integers),
//     so the bytes equal Redis's and RDB/DUMP can copy them.
//   - "skiplist" (OBJECT ENCODING's name; the structure is ours): each member and its score in
//     one allocation (ZElem), an order-statistic B+tree of ZElem pointers ordered by
//     (score, member) for ranks and ranges in O(log n), and a SegmentedTable member -> ZElem
//     for ZSCORE/ZADD lookups. About 45 bytes per member of 13 bytes, vs ~114 in Redis.
// A set converts to the big encoding when it outgrows the listpack limits and converts back
// only where Redis does (ConvertToListpackIfNeeded, for results built by ZUNIONSTORE & co).
//
// Positions are ranks in ascending (score, member) order; every range command reduces to
// [lo, hi) rank intervals (RankOfScore/RankOfLex) walked with a Cursor, so one code path
// serves both encodings. Member order is bytewise (memcmp, shorter prefix first).
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

class ZSetValue : public CompositeValue {
 public:
  class Cursor;

  // An empty set in the encoding Redis's zsetTypeCreate picks for `size_hint` members whose
  // longest is `value_len_hint` bytes: listpack when both are within the limits.
  static ZSetValue* Create(size_t size_hint, size_t value_len_hint, const Limits& limits);
  ~ZSetValue() override;
  // For a value not yet in the keyspace: the same set with its listpack moved inline into an
  // object of the exact size (this object is freed), or `this` when nothing is gained.
  ZSetValue* Compacted();
  // A set holding `members`, which are sorted by (score, member) without duplicates (results
  // of ZRANGESTORE, ZUNIONSTORE...): listpack when they fit the limits, as Redis converts
  // such results.
  static ZSetValue* FromSorted(const std::vector<std::pair<std::string, double>>& members,
                               const Limits& limits);

  size_t MemoryUsage() const override;
  CompositeValue* Clone() const override;
  std::string_view EncodingName() const override { return IsListpack() ? "listpack" : "skiplist"; }
  size_t FreeEffort() const override { return IsListpack() ? 1 : Size(); }
  static void operator delete(void* p) { free(p); }

  bool IsListpack() const { return Inline() || (Rep() & kBigTag) == 0; }
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

  // One ZSCAN step over the big encoding (SCAN's guarantee: a member present for the whole
  // scan is returned at least once): calls fn(member, score) for the members of whole hash
  // segments until at least `count` were visited; returns the next cursor (0 when done).
  // Precondition: !IsListpack() (a listpack is returned whole, as Redis does).
  template <typename Fn>
  uint64_t ScanBig(uint64_t cursor, size_t count, Fn&& fn) {
    size_t visited = 0;
    do {
      cursor = big()->dict.Scan(cursor, [&](Table::SlotRef ref) {
        const auto* e = static_cast<const ZElem*>(ref.get());
        fn(e->member(), e->score);
        visited++;
      });
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

  // Representation. The object is [vptr][payload]: a small set's listpack lives inline in
  // the payload (one allocation per key for the value, like Redis's robj + listpack but
  // without the robj), and its allocation never moves (the Entry points at it). When the
  // payload's first 4 bytes are 0 (never a listpack's total size), bytes 8..15 hold a
  // pointer instead: a listpack that outgrew the allocation, or the big encoding
  // (| kBigTag). The payload is at least 16 bytes.
  static constexpr uintptr_t kBigTag = 1;
  ZSetValue() = default;
  // A value object with room for `lp_bytes` of inline listpack, holding the external form
  // (rep 0) until the caller sets one.
  static ZSetValue* Allocate(size_t lp_bytes);
  bool Inline() const;
  uintptr_t Rep() const;
  void SetRep(uintptr_t rep);
  size_t InlineCapacity() const;
  // The listpack (inline or external). Precondition: IsListpack().
  uint8_t* lp() const;
  Big* big() const { return reinterpret_cast<Big*>(Rep() & ~kBigTag); }
  // Installs a heap listpack: copied inline (and freed) when it fits, kept external else.
  void SetListpack(uint8_t* heap_lp);
  // Applies a listpack mutation fn(lp) -> new lp. An inline listpack is copied out first (the
  // listpack functions realloc), `*p` (an element pointer into the listpack, may be null) is
  // translated into the copy.
  template <typename Fn>
  void MutateLp(Fn&& fn, uint8_t* p = nullptr) {
    uint8_t* cur = lp();
    if (!Inline()) {
      SetRep(0);
      SetListpack(fn(cur, p));
      return;
    }
    uint8_t* tmp = lp::Dup(cur);
    uint8_t* np = p ? tmp + (p - cur) : nullptr;
    SetListpack(fn(tmp, np));
  }
  void FreeRep();
  ZElem* FindElem(std::string_view member) const;
  void BigInsert(ZElem* e);
  void LpInsert(std::string_view member, double score);

  // The payload through a plain pointer: it extends past payload_'s declared 16 bytes to the
  // end of the allocation, which the compiler must not assume otherwise.
  uint8_t* Payload() const {
    return reinterpret_cast<uint8_t*>(const_cast<ZSetValue*>(this)) + sizeof(void*);
  }

  alignas(8) uint8_t payload_[16];
};

// Iterates members in order from a position; valid until the set changes.
class ZSetValue::Cursor {
 public:
  bool valid() const { return lp_ ? p_ != nullptr : tc_.valid(); }
  std::string_view member() const;
  double score() const;
  void Next();
  void Prev();

 private:
  friend class ZSetValue;
  uint8_t* lp_ = nullptr;
  uint8_t* p_ = nullptr;  // listpack: the member entry
  Tree::Cursor tc_;
  mutable char buf_[24];
};

// ---- Key-level helpers for other families (GEOADD, BZPOPMIN, SORT) ----

// The sorted set at `key` for writing, or nullptr when missing; kWrongType otherwise.
Result<ZSetValue*> FindForWrite(Db& db, std::string_view key);
// The sorted set at `key` for reading (counts keyspace hits/misses).
Result<ZSetValue*> FindForRead(Db& db, std::string_view key);
// The sorted set at `key`, created (zsetTypeCreate(size_hint, value_len_hint)) when missing.
// *created tells whether the key was added. kWrongType if the key holds another type.
Result<ZSetValue*> FindOrCreate(Db& db, std::string_view key, size_t size_hint,
                                size_t value_len_hint, const Limits& limits, bool* created);

struct Popped {
  std::string member;
  double score;
};
// ZPOPMIN/ZPOPMAX core: removes up to `count` members from the low (`max` false) or high end,
// appending them to *out in pop order, and deletes the key when it becomes empty. Missing key:
// nothing popped. kWrongType for another type. The caller calls KeyModified when *out grew.
OpStatus Pop(Db& db, std::string_view key, bool max, size_t count, std::vector<Popped>* out);

}  // namespace duet::zset
