// Set lookups and algebra (SINTER/SUNION/SDIFF and their STORE/CARD forms, SMOVE), as Redis
// 7.0's t_set.c computes them. No RESP: the commands in commands/set_*_cmds.cc reply.
#pragma once

#include <algorithm>
#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "keyspace/db.h"
#include "types/set_value.h"

namespace duet::sets {

// The set stored at `key` for a read command (keyspace hits/misses counted): nullptr when
// missing, kWrongType when it holds another type.
Result<SetValue*> FindForRead(Db& db, std::string_view key);
// Same for a write command (no hit/miss counting).
Result<SetValue*> FindForWrite(Db& db, std::string_view key);

// Looks up every key for reading; nullptr stands for a missing key. Every key is checked
// before any work is done, so one WRONGTYPE key fails the whole command (Redis 7.0).
Result<std::vector<const SetValue*>> FindAllForRead(Db& db, std::span<const std::string_view> keys);

// SADD's creation: the set at `key`, created (setTypeCreate from `first`, the first member to
// be added) when missing. kWrongType when the key holds another type.
Result<SetValue*> FindOrCreate(Db& db, std::string_view key, std::string_view first);

// The intersection: calls fn(std::string_view) for each member, in the iteration order of
// the smallest set (ascending for an intset), stopping after `limit` members (0 = no limit).
// Returns how many were reported. Any nullptr in `sets` makes the result empty.
template <typename Fn>
size_t Intersect(std::vector<const SetValue*> sets, size_t limit, Fn&& fn) {
  for (const SetValue* s : sets) {
    if (s == nullptr || s->size() == 0) return 0;
  }
  std::stable_sort(sets.begin(), sets.end(),
                   [](const SetValue* a, const SetValue* b) { return a->size() < b->size(); });
  size_t found = 0;
  bool done = false;
  sets[0]->ForEach([&](std::string_view m) {
    if (done) return;
    for (size_t j = 1; j < sets.size(); j++) {
      if (sets[j] != sets[0] && !sets[j]->Contains(m)) return;
    }
    fn(m);
    if (++found == limit) done = true;
  });
  return found;
}

// Results as new sets (owned by the caller), built as Redis builds them: an empty intset
// that members are added to, so the encoding follows the usual conversion rules with
// `max_intset_entries`. nullptr entries of `sets` are empty sets.
SetValue* IntersectToSet(const std::vector<const SetValue*>& sets, size_t max_intset_entries);
SetValue* Union(const std::vector<const SetValue*>& sets, size_t max_intset_entries);
// Members of sets[0] that are in none of the others.
SetValue* Diff(const std::vector<const SetValue*>& sets, size_t max_intset_entries);

// Stores `result` at `key` (replacing any value and its TTL, as Redis's setKey), or deletes
// `key` when `result` is empty (and frees it). Returns result's size; `*changed` says whether
// the key changed (a store, or the deletion of an existing key).
size_t Store(Db& db, std::string_view key, SetValue* result, bool* changed);

}  // namespace duet::sets
