#include "keyspace/evictor.h"

#include <algorithm>
#include <limits>
#include <utility>

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

uint64_t Evictor::Rank(uint16_t meta, bool lfu) const {
  if (lfu) return LfuScore(meta);
  const LruClock& c = keyspace_->lru_clock();
  return std::numeric_limits<uint64_t>::max() - (c.ticks() - c.Age(meta));
}

void Evictor::AddToPool(const PoolEntry& c) {
  auto it = std::lower_bound(pool_.begin(), pool_.end(), c.rank,
                             [](const PoolEntry& p, uint64_t r) { return p.rank < r; });
  pool_.insert(it, c);
  if (pool_.size() > kPoolSize) pool_.erase(pool_.begin());  // drop the worst
}

void Evictor::RefillPool(bool lfu, int segments) {
  for (int i = 0; i < keyspace_->db_count(); i++) {
    Db& d = keyspace_->db(i);
    if (d.size() == 0) continue;
    for (int n = 0, tries = 0; n < segments && tries < segments + 32; tries++) {
      // The segment's best kPerSegment slots (rank, element), worst first.
      std::pair<uint64_t, Entry*> top[kPerSegment];
      size_t found = 0;
      d.table().SampleSegment(keyspace_->NextRandom(), [&](KeyTable::SlotRef s) {
        std::pair<uint64_t, Entry*> slot{Rank(s.meta(), lfu), static_cast<Entry*>(s.get())};
        // One element changes per slot: move it to its place (the rest is in order).
        if (found < kPerSegment) {
          size_t j = found++;
          for (; j > 0 && slot < top[j - 1]; j--) top[j] = top[j - 1];
          top[j] = slot;
        } else if (slot.first > top[0].first) {
          size_t j = 0;
          for (; j + 1 < found && top[j + 1] < slot; j++) top[j] = top[j + 1];
          top[j] = slot;
        }
      });
      if (found == 0) continue;
      n++;
      for (size_t k = 0; k < found; k++) {
        // Hashing dereferences the entry: skip the ones the full pool would drop anyway.
        if (pool_.size() >= kPoolSize && top[k].first <= pool_.front().rank) continue;
        Entry* e = top[k].second;
        AddToPool({top[k].first, KeyTable::Hash(e->key()), e, i});
      }
    }
  }
}

Entry* Evictor::DetachFromPool(bool lfu, int segments, int* db_index) {
  for (int attempt = 0; attempt < 64; attempt++) {
    if (pool_.size() <= kRefillBelow) RefillPool(lfu, segments);
    if (pool_.empty()) return nullptr;
    PoolEntry c = pool_.back();
    pool_.pop_back();
    Db& d = keyspace_->db(c.db);
    KeyTable::SlotRef s = d.table().FindPointer(c.entry, c.hash);
    if (!s) continue;  // deleted (or moved) since it was sampled
    // Touched since it was sampled: no longer a candidate. (An LRU age that saturated at
    // kMaxAge only looks newer as time passes; such a key was not touched.)
    bool saturated = !lfu && keyspace_->lru_clock().Age(s.meta()) == LruClock::kMaxAge;
    if (!saturated && Rank(s.meta(), lfu) < c.rank) continue;
    auto* e = static_cast<Entry*>(s.get());
    *db_index = c.db;
    return d.Detach(e->key());
  }
  return nullptr;
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

Entry* Evictor::DetachOne(EvictionPolicy policy, int samples, int* db_index) {
  if (policy == EvictionPolicy::kNoEviction) return nullptr;
  bool volatile_only =
      policy == EvictionPolicy::kVolatileLru || policy == EvictionPolicy::kVolatileLfu ||
      policy == EvictionPolicy::kVolatileRandom || policy == EvictionPolicy::kVolatileTtl;
  int dbs = keyspace_->db_count();
  if (policy != pool_policy_) {  // the pool's ranks mean something else now
    pool_.clear();
    pool_policy_ = policy;
  }
  int segments = samples < 5 ? 1 : (samples + 4) / 5;
  if (policy == EvictionPolicy::kAllKeysLru || policy == EvictionPolicy::kAllKeysLfu) {
    bool lfu = policy == EvictionPolicy::kAllKeysLfu;
    if (Entry* e = DetachFromPool(lfu, segments, db_index)) return e;
    // 64 stale pool entries in a row (a burst of deletions): sample directly below.
  }
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
  if (!best.entry) return nullptr;
  *db_index = best.db;
  // Detach (not Delete): an evicted key that happened to be expired is still removed, and
  // counted as expired by Detach, which is what Redis's eviction of it amounts to.
  return keyspace_->db(best.db).Detach(best.entry->key());
}

}  // namespace duet
