#include "keyspace/evictor.h"

#include <limits>

#include "keyspace/lfu.h"

namespace duet {

EvictionPolicy ParseEvictionPolicy(std::string_view name) {
  if (name == "allkeys-lru") return EvictionPolicy::kAllKeysLru;
  if (name == "allkeys-lfu") return EvictionPolicy::kAllKeysLfu;
  if (name == "allkeys-random") return EvictionPolicy::kAllKeysRandom;
  if (name == "volatile-lru") return EvictionPolicy::kVolatileLru;
  if (name == "volatile-lfu") return EvictionPolicy::kVolatileLfu;
  if (name == "volatile-random") return EvictionPolicy::kVolatileRandom;
  if (name == "volatile-ttl") return EvictionPolicy::kVolatileTtl;
  return EvictionPolicy::kNoEviction;
}

uint64_t Evictor::LfuScore(uint16_t meta) const {
  const KeyspaceContext& c = keyspace_->ctx();
  return 255 - lfu::DecayedCounter(meta, c.now_ms, c.lfu_decay_time);
}

void Evictor::SampleAllKeys(Db& db, bool lfu, int segments, Candidate* best) {
  const LruClock& clock = keyspace_->lru_clock();
  auto consider = [&](KeyTable::SlotRef s) {
    uint64_t score = lfu ? LfuScore(s.meta()) : clock.Age(s.meta());
    if (!best->entry || score > best->score) {
      *best = {static_cast<Entry*>(s.get()), db.index(), score};
    }
  };
  // Segments can be empty (a sparse table after many deletions): count only the ones that
  // gave candidates, and fall back to one random key if many tries found none.
  int sampled = 0;
  for (int tries = 0; sampled < segments && tries < segments + 32; tries++) {
    bool any = false;
    db.table().SampleSegment(keyspace_->NextRandom(), [&](KeyTable::SlotRef s) {
      any = true;
      consider(s);
    });
    sampled += any;
  }
  if (sampled == 0) consider(db.table().Random(keyspace_->NextRandom()));
}

void Evictor::SampleVolatile(Db& db, EvictionPolicy policy, int keys, Candidate* best) {
  const LruClock& clock = keyspace_->lru_clock();
  int seen = 0;
  // Whole segments of the TTL index until `keys` candidates were seen (at least one).
  for (int round = 0; seen < keys && round < 40; round++) {
    db.expires().SampleSegment(keyspace_->NextRandom(), [&](KeyTable::SlotRef s) {
      if (seen >= keys) return;
      seen++;
      auto* e = static_cast<Entry*>(s.get());
      uint64_t score;
      if (policy == EvictionPolicy::kVolatileTtl) {
        score = std::numeric_limits<uint64_t>::max() - static_cast<uint64_t>(e->expire_ms());
      } else {
        uint16_t meta = db.table().Find(e->key()).meta();
        score = policy == EvictionPolicy::kVolatileLfu ? LfuScore(meta) : clock.Age(meta);
      }
      if (!best->entry || score > best->score) *best = {e, db.index(), score};
    });
  }
  if (seen == 0) {  // only empty segments came up: any key with a TTL will do
    *best = {static_cast<Entry*>(db.expires().Random(keyspace_->NextRandom()).get()), db.index(),
             0};
  }
}

bool Evictor::EvictOne(EvictionPolicy policy, int samples, LazyFreer* freer, int* db_index,
                       std::string* key) {
  if (policy == EvictionPolicy::kNoEviction) return false;
  bool volatile_only = policy == EvictionPolicy::kVolatileLru ||
                       policy == EvictionPolicy::kVolatileLfu ||
                       policy == EvictionPolicy::kVolatileRandom ||
                       policy == EvictionPolicy::kVolatileTtl;
  int dbs = keyspace_->db_count();
  Candidate best;
  if (policy == EvictionPolicy::kAllKeysRandom || policy == EvictionPolicy::kVolatileRandom) {
    for (int i = 0; i < dbs && !best.entry; i++) {
      Db& d = keyspace_->db(next_random_db_);
      next_random_db_ = (next_random_db_ + 1) % dbs;
      if (volatile_only) {
        if (d.expires_size() == 0) continue;
        KeyTable::SlotRef s = d.expires().Random(keyspace_->NextRandom());
        best = {static_cast<Entry*>(s.get()), d.index(), 0};
      } else if (d.size() > 0) {
        KeyTable::SlotRef s = d.table().Random(keyspace_->NextRandom());
        best = {static_cast<Entry*>(s.get()), d.index(), 0};
      }
    }
  } else {
    int segments = samples < 5 ? 1 : (samples + 4) / 5;
    for (int i = 0; i < dbs; i++) {
      Db& d = keyspace_->db(i);
      if (volatile_only) {
        int keys = policy == EvictionPolicy::kVolatileTtl ? samples * 16 : samples * 4;
        if (d.expires_size() > 0) SampleVolatile(d, policy, keys, &best);
      } else if (d.size() > 0) {
        SampleAllKeys(d, policy == EvictionPolicy::kAllKeysLfu, segments, &best);
      }
    }
  }
  if (!best.entry) return false;
  Db& d = keyspace_->db(best.db);
  if (db_index) *db_index = best.db;
  if (key) key->assign(best.entry->key());
  // Detach (not Delete): an evicted key that happened to be expired is still removed, and
  // counted as expired by Detach, which is what Redis's eviction of it amounts to.
  Entry* e = d.Detach(best.entry->key());
  if (e) FreeEntryMaybeLazy(e, freer);
  return true;
}

}  // namespace duet
