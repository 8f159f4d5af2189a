// Db: one numbered database (SELECT n): the key table, the index of keys with a TTL, lazy and
// active expiry.
//
// Ownership: the Db owns its Entries (frees them on delete/clear). The expire index holds the
// same Entry pointers as the main table, for the keys that have a TTL, so active expiry can
// sample only those; whenever an entry pointer changes, Db repoints both tables.
//
// Time comes from the shared KeyspaceContext (cached once per command by the server, as Redis
// does), never from the system clock directly.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "core/segmented_table.h"
#include "keyspace/entry.h"

namespace duet {

// State shared by all databases of a server; owned by Keyspace.
struct KeyspaceContext {
  int64_t now_ms = 0;
  uint16_t lru_clock = 0;  // seconds, 16-bit wrapping (see LruClockFromMs)
  uint64_t expired_keys = 0;
  uint64_t keyspace_hits = 0;
  uint64_t keyspace_misses = 0;
  uint64_t expired_stale_perc_samples = 0;
  // Called after a key is deleted because it expired (AOF/replication propagate a DEL,
  // keyspace notifications fire). May be empty.
  std::function<void(int db_index, std::string_view key)> on_expired;
};

using KeyTable = SegmentedTable<EntryTraits>;

class Db {
 public:
  Db(int index, KeyspaceContext* ctx) : index_(index), ctx_(ctx) {}
  Db(Db&&) = default;
  Db& operator=(Db&&) = default;
  ~Db() { Clear(); }

  int index() const { return index_; }
  size_t size() const { return table_.size(); }
  size_t expires_size() const { return expires_.size(); }

  // Looks a key up for reading: expired keys are deleted (lazy expiry) and reported missing.
  // Touches the LRU clock. Does not count hits/misses (the caller decides; see FindRead).
  KeyTable::SlotRef Find(std::string_view key);
  // Find() with the key's precomputed KeyTable::Hash, for commands that may insert the key
  // afterwards with Add(e, hash) and so hash it only once.
  KeyTable::SlotRef Find(std::string_view key, uint64_t hash);
  // Find() for read commands: also counts keyspace_hits / keyspace_misses.
  Entry* FindRead(std::string_view key);
  // Like Find() but without touching the LRU clock (OBJECT IDLETIME, TTL, TYPE...).
  Entry* Peek(std::string_view key);
  bool Exists(std::string_view key) { return static_cast<bool>(Find(key)); }

  // Inserts a new key. Precondition: the key is not present (call Find first).
  void Add(Entry* e);
  // Add() with the key's precomputed KeyTable::Hash.
  void Add(Entry* e, uint64_t hash);
  // Sets key to a new entry, replacing (and freeing) any previous one.
  void Upsert(Entry* e);
  // Replaces the entry in `slot` (same key) with `e` and frees the old one unless `e` is it.
  void Replace(KeyTable::SlotRef slot, Entry* e);
  // Repoints `slot` to `e` when the old entry was already reallocated/freed by the caller.
  void Repoint(KeyTable::SlotRef slot, Entry* e);
  // Removes a key; returns whether it existed (not expired).
  bool Delete(std::string_view key);
  // Removes the key and hands its Entry to the caller instead of freeing it.
  Entry* Detach(std::string_view key);

  // Sets or clears (Entry::kNoExpire) the TTL of the entry in `slot`.
  void SetExpire(KeyTable::SlotRef slot, int64_t expire_ms);

  // One SCAN step over keys; fn(Entry*) is called for live keys. Returns the next cursor.
  uint64_t Scan(uint64_t cursor, const std::function<void(Entry*)>& fn);
  // A random live key's entry, or nullptr when empty.
  Entry* RandomEntry(uint64_t (*rng)());
  // Frees every entry.
  void Clear();
  // Swaps contents with another database (SWAPDB).
  void SwapContents(Db& other);

  // One bounded round of active expiry: samples keys with a TTL and deletes the expired
  // ones. Returns the number of keys sampled and sets *expired.
  size_t ActiveExpireStep(size_t samples, uint64_t rnd, size_t* expired);

  KeyTable& table() { return table_; }
  KeyspaceContext& ctx() { return *ctx_; }

 private:
  bool IsExpired(const Entry* e) const { return e->has_expire() && e->expire_ms() <= ctx_->now_ms; }
  void DeleteExpired(KeyTable::SlotRef slot);
  void Unindex(Entry* e);

  int index_;
  KeyspaceContext* ctx_;
  KeyTable table_;
  KeyTable expires_;
};

}  // namespace duet
