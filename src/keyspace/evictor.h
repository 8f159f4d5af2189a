// Evictor: chooses and removes keys under a maxmemory-policy (Redis's evict.c, minus the
// memory arithmetic, which the server does: see server/eviction.h).
//
// Sampling. Redis samples maxmemory-samples (5) random keys per database into a 16-entry
// pool. duet's keyspace table is made of segments of 63-127 contiguous 8-byte slots with
// each key's LRU stamp / LFU counter in the slot itself, so reading a whole segment costs
// about as much as reading one random key (a cache miss or two) and gives ~90 candidates.
// Under allkeys-lru/lfu EvictOne reads ceil(maxmemory-samples / 5) random segments per
// database (by default one, about 90 keys) and evicts the best candidate; together with
// LruClock's fine ticks this comes close to exact LRU (bench/hit_ratio.py measures it).
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

  // Removes one key chosen under `policy` and returns true, or returns false when the
  // policy has nothing to evict (noeviction, or volatile-* with no key that has a TTL).
  // The value is freed on `freer` (lazyfree-lazy-eviction) when given and the value is
  // big. `samples` is maxmemory-samples. Sets *db_index and *key to the evicted key (for
  // notifications/propagation) when they are non-null.
  bool EvictOne(EvictionPolicy policy, int samples, LazyFreer* freer, int* db_index = nullptr,
                std::string* key = nullptr);

 private:
  struct Candidate {
    Entry* entry = nullptr;
    int db = -1;
    uint64_t score = 0;  // higher evicts first
  };
  void SampleAllKeys(Db& db, bool lfu, int segments, Candidate* best);
  void SampleVolatile(Db& db, EvictionPolicy policy, int keys, Candidate* best);
  uint64_t LfuScore(uint16_t meta) const;

  Keyspace* keyspace_;
  int next_random_db_ = 0;  // Redis's static next_db for the random policies
};

}  // namespace duet
