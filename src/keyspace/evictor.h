// Evictor: chooses and removes keys under a maxmemory-policy (Redis's evict.c, minus the
// memory arithmetic, which the server does: see server/eviction.h).
//
// Sampling. Redis samples maxmemory-samples (5) random keys per database into a 16-entry
// pool. duet's keyspace table is made of segments of 63-127 contiguous 8-byte slots with
// each key's LRU stamp / LFU counter in the slot itself, so reading a whole segment costs
// about as much as reading one random key (a few cache lines) and gives ~90 candidates.
// Under allkeys-lru/lfu a refill reads ceil(maxmemory-samples / 5) random segments per
// database (by default one, about 90 keys) and puts the best 4 of each into a pool that
// keeps the best 16 candidates seen; each eviction takes the pool's best, and a refill
// happens when the pool is down to 12, so a segment is read once per ~4 evictions. A pool
// entry holds the key's hash and Entry pointer and is revalidated before use without
// dereferencing it (SegmentedTable::FindPointer), and dropped if the key was touched
// since it was sampled. Together with LruClock's fine ticks this comes close to exact LRU
// (bench/hit_ratio.py measures it).
// The volatile-lru/lfu/ttl policies sample the TTL index instead, whose slots carry no
// stamp: each candidate costs a lookup there, so they read maxmemory-samples * 4 keys.
// The random policies pick one random key (rotating over the databases, as Redis does).
//
// Scores: LRU by LruClock age, LFU by 255 - decayed counter (Redis's idle for LFU), TTL by
// the nearest expire time. Keys without a TTL are never candidates under volatile-*.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "keyspace/keyspace.h"

namespace duet {

enum class EvictionPolicy : uint8_t {
  kNoEviction,
  kAllKeysLru,
  kAllKeysLfu,
  kAllKeysRandom,
  kVolatileLru,
  kVolatileLfu,
  kVolatileRandom,
  kVolatileTtl,
};

// The policy a maxmemory-policy value names; kNoEviction for anything unknown.
EvictionPolicy ParseEvictionPolicy(std::string_view name);

class Evictor {
 public:
  explicit Evictor(Keyspace* keyspace) : keyspace_(keyspace) {}

  // Detaches one key chosen under `policy` from its database and returns it (the caller
  // frees it, with FreeEntryMaybeLazy, after reading its key for notifications: so the
  // caller can measure what the free alone releases, as Redis's performEvictions does), or
  // returns nullptr when the policy has nothing to evict (noeviction, or volatile-* with no
  // key that has a TTL). `samples` is maxmemory-samples; *db_index is set to the key's db.
  Entry* DetachOne(EvictionPolicy policy, int samples, int* db_index);

 private:
  struct Candidate {
    Entry* entry = nullptr;
    int db = -1;
    uint64_t score = 0;  // higher evicts first
  };
  struct PoolEntry {
    uint64_t rank;  // higher evicts first (see Rank)
    uint64_t hash;  // KeyTable::Hash of the key
    Entry* entry;   // possibly stale: revalidated with FindPointer before use
    int db;
  };
  static constexpr size_t kPoolSize = 16;
  static constexpr size_t kPerSegment = 4;
  static constexpr size_t kRefillBelow = 12;

  // An allkeys-lru/lfu victim from the pool; nullptr when every database is empty.
  Entry* DetachFromPool(bool lfu, int segments, int* db_index);
  void RefillPool(bool lfu, int segments);
  void AddToPool(const PoolEntry& c);
  // Eviction priority of a key's slot metadata: under LRU the inverse of its last access in
  // unwrapped ticks (comparable across refills), under LFU 255 - decayed counter.
  uint64_t Rank(uint16_t meta, bool lfu) const;
  void SampleAllKeys(Db& db, bool lfu, int segments, Candidate* best);
  void SampleVolatile(Db& db, EvictionPolicy policy, int keys, Candidate* best);
  uint64_t LfuScore(uint16_t meta) const;

  Keyspace* keyspace_;
  int next_random_db_ = 0;       // Redis's static next_db for the random policies
  std::vector<PoolEntry> pool_;  // ascending rank: the best candidate is at the back
  EvictionPolicy pool_policy_ = EvictionPolicy::kNoEviction;
};

}  // namespace duet
