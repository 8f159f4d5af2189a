// List value logic: Redis 7.0's list type (t_list.c) without RESP. commands/list_cmds.cc
// parses arguments and builds replies; the lead's blocking commands (BLPOP BRPOP BLMOVE
// BRPOPLPUSH BLMPOP) use Pop, Move and FirstNonEmpty below as their non-blocking core.
//
// Representation: always a quicklist (types/quicklist.h); OBJECT ENCODING says "quicklist"
// for every list, as Redis 7.0 does (listpack-encoded lists only arrived in 7.2). A list is
// never empty: the functions that remove elements delete the key with the last one.
//
// Lookups follow Redis: functions for read commands count keyspace hits/misses
// (lookupKeyRead), write paths do not (lookupKeyWrite); both delete an expired key first.
// Functions that change a key say so; the caller reports it with ctx.KeyModified() and
// (for pushes) answers with the new length. Functions that add elements take the Config for
// list_packed_threshold (elements that large get a plain quicklist node).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/function_ref.h"
#include "common/status.h"
#include "config/config.h"
#include "keyspace/db.h"
#include "types/quicklist.h"

namespace duet::lists {

// LEFT is the head, RIGHT the tail.
enum class End : uint8_t { kHead, kTail };

// The list value stored in an Entry (ValueType::kList).
class ListValue final : public CompositeValue {
 public:
  // An empty list with the node size and compression depth from `config`
  // (list-max-listpack-size, list-compress-depth); the caller adds at least one element.
  explicit ListValue(const Config& config);
  ListValue(const ListValue& other) = default;

  size_t MemoryUsage() const override;
  CompositeValue* Clone() const override { return new ListValue(*this); }
  std::string_view EncodingName() const override { return "quicklist"; }
  // One allocation per node (Redis's lazyfreeGetFreeEffort for quicklists).
  size_t FreeEffort() const override { return ql_.node_count(); }

  Quicklist& ql() { return ql_; }
  const Quicklist& ql() const { return ql_; }
  size_t size() const { return ql_.size(); }
  // `packed_threshold`: Config::list_packed_threshold (see Quicklist's plain nodes).
  void Push(End end, std::string_view ele, uint64_t packed_threshold) {
    end == End::kHead ? ql_.PushHead(ele, packed_threshold) : ql_.PushTail(ele, packed_threshold);
  }

 private:
  Quicklist ql_;
};

// The list at `key`, or nullptr when missing. Errors: kWrongType. ForRead counts a keyspace
// hit or miss; ForWrite does not.
Result<ListValue*> FindForRead(Db& db, std::string_view key);
Result<ListValue*> FindForWrite(Db& db, std::string_view key);

// ---- core shared with the blocking commands ----------------------------------------------

// LPUSH/RPUSH (and LPUSHX/RPUSHX with `only_if_exists`): pushes `elems` one by one at `end`
// (so LPUSH k a b leaves b at the head), creating the list when missing unless
// `only_if_exists`. Returns the new length; 0 when `only_if_exists` and the key is missing
// (nothing created). Errors: kWrongType. Modifies the key when it returns > 0.
Result<size_t> Push(Db& db, const Config& config, std::string_view key, End end,
                    std::span<const std::string_view> elems, bool only_if_exists = false);

// Pops min(count, length) elements from `end` of the list at `key` (write lookup). When that
// number n is > 0, calls on_count(n) once and then on_elem(element) for each element in pop
// order (the view is valid only during the call), and deletes the key if it became empty.
// Returns n: 0 when the key is missing or count is 0 (nothing called, nothing changed; a
// count of 0 still checks the type). Errors: kWrongType. Modifies the key when n > 0.
Result<size_t> Pop(Db& db, std::string_view key, End end, size_t count,
                   FunctionRef<void(size_t n)> on_count,
                   FunctionRef<void(std::string_view)> on_elem);

// LMOVE/RPOPLPUSH: pops one element from `from` of `src` and pushes it at `to` of `dst`
// (creating dst when missing), as Redis's lmoveGenericCommand: the source is looked up first
// (missing -> nullopt, nothing changed; another type -> kWrongType); then, only when the
// source exists, the destination type is checked before anything is popped (kWrongType,
// nothing changed). src == dst rotates the list (a one-element list stays as it is). The
// source key is deleted if it became empty. Returns the moved element. Modifies dst and then
// src on success.
Result<std::optional<std::string>> Move(Db& db, const Config& config, std::string_view src,
                                        std::string_view dst, End from, End to);

// LMPOP/BLMPOP/BLPOP's key choice: the index in `keys` of the first key holding a list
// (write lookups, in order; missing keys are skipped). nullopt when none does. Errors:
// kWrongType when a key holding another type comes before the first list, as Redis checks
// each key's type as it reaches it. Changes nothing (lists are never empty).
Result<std::optional<size_t>> FirstNonEmpty(Db& db, std::span<const std::string_view> keys);

// ---- the rest of the non-blocking commands -----------------------------------------------

// LLEN: the length, 0 when missing. Errors: kWrongType.
Result<size_t> Length(Db& db, std::string_view key);

// LINDEX: the element at `index` (negative from the tail), nullopt when missing or out of
// range. Errors: kWrongType.
Result<std::optional<std::string>> Index(Db& db, std::string_view key, int64_t index);

// LRANGE with Redis's index arithmetic (negative from the tail, clamped; empty when the
// range is). on_count(n) is called once with the number of elements (also when 0, also for
// a missing key), then on_elem for each, head to tail. Errors: kWrongType (nothing called).
OpStatus Range(Db& db, std::string_view key, int64_t start, int64_t end,
               FunctionRef<void(size_t n)> on_count, FunctionRef<void(std::string_view)> on_elem);

// LSET. Errors, in Redis's order: kWrongType; kNoSuchKey when missing; kIndexOutOfRange
// ("ERR index out of range") when `index` is outside the list. Modifies the key on success.
OpStatus Set(Db& db, const Config& config, std::string_view key, int64_t index,
             std::string_view ele);

// LINSERT: inserts `ele` before (or `after`) the first element equal to `pivot` from the
// head. Returns the new length, 0 when the key is missing, -1 when the pivot is absent.
// Errors: kWrongType. Modifies the key when it returns > 0.
Result<int64_t> Insert(Db& db, const Config& config, std::string_view key, bool after,
                       std::string_view pivot, std::string_view ele);

// LREM: removes elements equal to `ele`: `count` > 0 at most count from the head, < 0 at most
// -count from the tail, 0 all. Returns how many went (0 for a missing key); deletes the key
// if it became empty. Errors: kWrongType. Modifies the key when it returns > 0.
Result<size_t> Remove(Db& db, std::string_view key, int64_t count, std::string_view ele);

// LTRIM with LRANGE's index arithmetic; an empty range deletes the key. Returns whether the
// key existed (it is then modified, as Redis always signals it); *removed (optional) gets
// the number of elements removed. Errors: kWrongType.
Result<bool> Trim(Db& db, std::string_view key, int64_t start, int64_t end,
                  size_t* removed = nullptr);

// LPOS options, validated by the caller.
struct PosParams {
  int64_t rank = 1;    // != 0; negative scans from the tail
  int64_t count = -1;  // -1: no COUNT (one match, reply a single value); 0: all matches
  int64_t maxlen = 0;  // 0: no limit on compared elements
};
// LPOS: the 0-based (from the head) indexes of the matches of `ele` in scan order; at most
// `count` of them (all when 0, one when -1), skipping the first |rank|-1 matches and
// comparing at most maxlen elements. A missing key has no matches. Errors: kWrongType.
OpStatus Positions(Db& db, std::string_view key, std::string_view ele, const PosParams& params,
                   FunctionRef<void(int64_t index)> on_match);

}  // namespace duet::lists
