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

class LazyFreer;
class UndoLog;         // keyspace/undo_log.h
class LatencyMonitor;  // common/latency_monitor.h

// State shared by all databases of a server; owned by Keyspace.
struct KeyspaceContext {
  int64_t now_ms = 0;
  uint16_t lru_clock = 0;  // LruClock::now(): the stamp of a key accessed now
  uint64_t accesses = 0;   // key accesses so far (drives LruClock's ticks)
  uint64_t expired_keys = 0;
  uint64_t keyspace_hits = 0;
  uint64_t keyspace_misses = 0;
  uint64_t expired_stale_perc_samples = 0;
  // Per-key access metadata (the 16 spare bits of a key's table slot) is the LRU clock, or,
  // when `lfu` is set (an LFU maxmemory-policy), an LFU counter and stamp (keyspace/lfu.h).
  // The server keeps these in step with the config.
  bool lfu = false;
  int lfu_log_factor = 10;
  int lfu_decay_time = 1;
  uint64_t rng_state = 0x2545f4914f6cdd1dULL;  // for LFU's probabilistic increments
  // Called after a key is deleted because it expired (AOF/replication propagate a DEL,
  // keyspace notifications fire). May be empty.
  std::function<void(int db_index, std::string_view key)> on_expired;
  // lazyfree-lazy-expire: set to the keyspace's LazyFreer to free big expired values in the
  // background.
  LazyFreer* expire_freer = nullptr;
  // Blocking commands (BLPOP, BZPOPMIN ...): while `blocked_waiters` is non-zero, a key that
  // comes into existence as a list or sorted set (added, or replacing a value of another
  // type) is reported through on_key_ready, and SWAPDB through on_dbs_swapped, so the server
  // can serve the clients waiting for it (Redis's signalKeyAsReady in dbAdd).
  size_t blocked_waiters = 0;
  std::function<void(int db_index, std::string_view key)> on_key_ready;
  std::function<void(int db_a, int db_b)> on_dbs_swapped;
  // lazyfree-lazy-server-del: the same for values the server replaces (SET over a big
  // value, RENAME/MOVE/COPY onto an existing key).
  LazyFreer* server_del_freer = nullptr;
  // Keyspace notifications: a key created (Redis's "new" event in dbAdd) and a read lookup
  // that missed ("keymiss"). Set by the server only while notify-keyspace-events asks for
  // those events, so the common paths pay one null test.
  std::function<void(int db_index, std::string_view key)> on_key_added;
  std::function<void(int db_index, std::string_view key)> on_key_miss;
  // CLIENT PAUSE holds the dataset still (Redis's checkClientPauseTimeoutAndReturnIfPaused in
  // expireIfNeeded): while set, an expired key a lookup meets is reported missing but not
  // deleted, and not counted as expired. The server clears it around write commands.
  bool keep_expired = false;
  // While an AOF loads, keys never expire (Redis's checkAlreadyExpired and expireIfNeeded
  // while loading): a past PEXPIREAT sets the time, lookups find the key; expiry resumes
  // once loading is done.
  bool loading = false;
  // The latency monitor: while `latency_threshold_ms` is non-zero, deleting an expired key
  // that takes at least that many ms is recorded as an "expire-del" event.
  LatencyMonitor* latency = nullptr;
  int64_t latency_threshold_ms = 0;
  // While set (a SCRIPT DEBUG YES session), an expired entry a lookup deletes is reported to
  // it before it is freed, so that the session's end can put it back.
  UndoLog* undo = nullptr;
  // While set (a background snapshot runs), an expired entry is reported to it before it is
  // freed: a big key whose record the snapshot is writing in steps is finished first.
  std::function<void(int db_index, const Entry& e)> before_expired_free;
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
  // The entry as stored, expired or not, nothing deleted or touched (Redis's dictFind): for
  // bookkeeping that must not expire keys (WATCH, blocked clients' readiness checks).
  Entry* PeekStored(std::string_view key) {
    KeyTable::SlotRef slot = table_.Find(key);
    return slot ? static_cast<Entry*>(slot.get()) : nullptr;
  }
  bool Exists(std::string_view key) { return static_cast<bool>(Find(key)); }

  // Inserts a new key. Precondition: the key is not present (call Find first).
  void Add(Entry* e);
  // Add() with the key's precomputed KeyTable::Hash.
  void Add(Entry* e, uint64_t hash);
  // Sizes an empty database for about `keys` keys of which `expires` have a TTL (RDB's
  // RESIZEDB; SegmentedTable::Reserve). No effect on a table that holds keys.
  void Reserve(size_t keys, size_t expires) {
    table_.Reserve(keys);
    expires_.Reserve(expires);
  }
  // Sets key to a new entry, replacing (and freeing) any previous one.
  void Upsert(Entry* e);
  // Replaces the entry in `slot` (same key) with `e` and frees the old one unless `e` is it.
  void Replace(KeyTable::SlotRef slot, Entry* e);
  // Removes a key; returns whether it existed (not expired).
  bool Delete(std::string_view key);
  // Removes the key and hands its Entry to the caller instead of freeing it.
  Entry* Detach(std::string_view key);

  // Sets or clears (Entry::kNoExpire) the TTL of the entry in `slot`.
  void SetExpire(KeyTable::SlotRef slot, int64_t expire_ms);

  // One SCAN step over keys (a hash range holding about `want` keys, at most one segment:
  // SegmentedTable::Scan); fn(Entry*) is called for live keys. Returns the next cursor.
  uint64_t Scan(uint64_t cursor, const std::function<void(Entry*)>& fn, size_t want = SIZE_MAX);
  // A random live key's entry, or nullptr when empty. Expired keys picked on the way are
  // deleted. `rnd` is any fresh random value.
  Entry* RandomEntry(uint64_t rnd);
  // Frees every entry.
  void Clear();
  // An emptied key table or TTL index gives its segments back. Segments do not merge as keys
  // are deleted, so without this a database whose keys all expired or were deleted would
  // keep its peak table size (~11 bytes per former key, twice with TTLs).
  void ReleaseEmptyTables();
  // Empties the database at once and hands its entries to `freer` to free in the background
  // (FLUSHDB/FLUSHALL ASYNC).
  void ClearAsync(LazyFreer& freer);
  // Swaps contents with another database (SWAPDB).
  void SwapContents(Db& other);
  // SegmentedTable::SetOneSizeClass on the key table and the TTL index.
  void SetOneSizeClass(bool on) {
    table_.SetOneSizeClass(on);
    expires_.SetOneSizeClass(on);
  }

  // One bounded round of active expiry: checks at least `samples` keys with a TTL (whole
  // segments of the expire index, continuing where the previous round stopped, like Redis
  // 6+'s cursor over the expires dict) and deletes the expired ones. Returns the number of
  // keys checked and sets *expired. A cursor rather than random sampling guarantees that
  // every expired key is reclaimed within one pass over the index.
  size_t ActiveExpireStep(size_t samples, size_t* expired);

  // Clamps the LRU stamps of one segment of the key table to at most LruClock::kMaxAge
  // ticks old (see lru_clock.h), continuing where the previous call stopped. Returns
  // whether the pass over the table completed.
  bool AgeSweepStep(uint16_t oldest_stamp, uint16_t now_stamp);
  // The next AgeSweepStep starts a new pass from the table's beginning.
  void RestartAgeSweep() { age_cursor_ = 0; }
  // on_key_ready for `e` when someone may wait for it (see KeyspaceContext).
  void SignalIfAwaited(const Entry* e) {
    if (ctx_->blocked_waiters != 0 &&
        (e->type() == ValueType::kList || e->type() == ValueType::kZSet ||
         e->type() == ValueType::kStream)) {
      ctx_->on_key_ready(index_, e->key());
    }
  }

  // A stream value `old` is leaving the key (deleted, expired, overwritten): XREADGROUP
  // waiters are told (Redis's signalDeletedKeyAsReady). Call before freeing `old`.
  void SignalIfStreamGone(const Entry* old) {
    if (ctx_->blocked_waiters != 0 && old->type() == ValueType::kStream) {
      ctx_->on_key_ready(index_, old->key());
    }
  }
  // `key` may now serve its waiters (XADD to an existing stream, XGROUP CREATE ... MKSTREAM).
  void SignalReady(std::string_view key) {
    if (ctx_->blocked_waiters != 0) ctx_->on_key_ready(index_, key);
  }

  KeyTable& table() { return table_; }
  KeyTable& expires() { return expires_; }
  KeyspaceContext& ctx() { return *ctx_; }

 private:
  bool IsExpired(const Entry* e) const {
    return e->has_expire() && e->expire_ms() <= ctx_->now_ms && !ctx_->loading;
  }
  // Deletes the expired key in `slot`, unless keep_expired holds it.
  void DeleteExpired(KeyTable::SlotRef slot);
  // Frees an expired key's entry taken out of the tables, and accounts for the expiry.
  void FreeExpired(Entry* e, std::string_view key);
  // Access metadata for a key created now, and after an access to a key.
  uint16_t NewMeta() const;
  uint16_t TouchedMeta(uint16_t meta);
  void Unindex(Entry* e);

  int index_;
  KeyspaceContext* ctx_;
  KeyTable table_;
  KeyTable expires_;
  uint64_t expire_cursor_ = 0;  // ActiveExpireStep's position in expires_
  uint64_t age_cursor_ = 0;     // AgeSweepStep's position in table_
};

}  // namespace duet
