// Keyspace: the numbered databases of one server and their shared context (cached time,
// LRU clock, keyspace statistics).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "keyspace/db.h"
#include "keyspace/lazy_free.h"
#include "keyspace/lru_clock.h"

namespace duet {

class Keyspace {
 public:
  explicit Keyspace(int databases);

  int db_count() const { return static_cast<int>(dbs_.size()); }
  Db& db(int index) { return dbs_[static_cast<size_t>(index)]; }
  KeyspaceContext& ctx() { return ctx_; }

  // Caches the time for the commands that follow (Redis caches it per command / per loop),
  // and advances the LRU clock (which may run a slice of the stamp-aging sweep).
  void SetNow(int64_t now_ms);
  // Seconds since the slot's LRU stamp (OBJECT IDLETIME).
  uint64_t IdleSeconds(uint16_t stamp) const { return lru_.IdleSeconds(stamp, ctx_.now_ms); }
  const LruClock& lru_clock() const { return lru_; }

  // Active expiry cycle (Redis's activeExpireCycle, "slow" mode): visits databases in turn,
  // checking keys with a TTL about 20 at a time (Db::ActiveExpireStep, which walks the
  // expire index with a cursor), and keeps going on a database while more than 10% of the
  // checked keys were expired, until `budget_us` of monotonic time is spent.
  void ActiveExpireCycle(int64_t budget_us, int64_t (*monotonic_us)());

  // What the per-key access metadata tracks: LFU counters under an LFU maxmemory-policy
  // (with lfu-log-factor / lfu-decay-time), the LRU clock otherwise. Called at startup and
  // whenever one of those directives changes.
  void SetAccessPolicy(std::string_view maxmemory_policy, int lfu_log_factor, int lfu_decay_time);
  // While maxmemory is set the databases' tables give every new segment one size (1024
  // bytes; core/segmented_table.h): at the limit each new key evicts another, and segments
  // moving between size classes would leave the allocator holding half-empty slabs that
  // used_memory does not count (the RSS bound of bench/at_limit.py). Without a limit the
  // tables keep the denser size classes.
  void SetOneSizeClass(bool on) {
    for (Db& d : dbs_) d.SetOneSizeClass(on);
  }

  // A pseudo-random 64-bit value (RANDOMKEY picks, sampling); not for security.
  uint64_t NextRandom() {
    rng_state_ = rng_state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return rng_state_ ^ (rng_state_ >> 31);
  }

  // Removes every key of one database / of every database; with `async` the memory is
  // released by the lazy-free thread (the keys are gone at once either way). A synchronous
  // flush that removed keys then gives the freed memory back to the OS (ReleaseFreedMemory),
  // as Redis purges jemalloc after one; the lazy-free thread does so after an async one.
  void FlushDb(int index, bool async);
  void FlushAll(bool async = false);
  // Returns this thread's cached free regions to the allocator and has the lazy-free thread
  // purge the allocator's unused pages, without waiting for it.
  void ReleaseFreedMemory();
  // Db::ReleaseEmptyTables for every database (from the cron).
  void ReleaseEmptyTables() {
    for (Db& d : dbs_) d.ReleaseEmptyTables();
  }
  // The background freer (FLUSH* ASYNC, UNLINK); its counters feed INFO.
  LazyFreer& lazy_freer() { return lazy_freer_; }
  size_t TotalKeys() const;

 private:
  // Empties one database (see FlushDb); returns whether it had keys.
  bool ClearDb(int index, bool async);

  LazyFreer lazy_freer_;  // declared first: destroyed (joined) after the databases
  std::vector<Db> dbs_;
  KeyspaceContext ctx_;
  int expire_db_cursor_ = 0;
  LruClock lru_;
  // One slice of the sweep that keeps LRU stamps from wrapping (lru_clock.h), per tick.
  void AgeSweepOnTick();
  size_t age_sweep_db_ = 0;
  size_t age_sweep_credit_ = 0;  // segments owed to the current database's sweep
  size_t last_total_keys_ = 0;
  uint64_t rng_state_ = 0x853c49e6748fea9bULL;
};

}  // namespace duet
