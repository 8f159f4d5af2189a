#include "keyspace/keyspace.h"

#include "keyspace/lfu.h"

namespace duet {

Keyspace::Keyspace(int databases) {
  dbs_.reserve(static_cast<size_t>(databases));
  for (int i = 0; i < databases; i++) dbs_.emplace_back(i, &ctx_);
}

void Keyspace::SetNow(int64_t now_ms) {
  ctx_.now_ms = now_ms;
  // The key count only scales the tick interval; one database's size is a fine proxy
  // between ticks, the total is computed on the tick itself.
  if (lru_.Update(now_ms, ctx_.accesses, last_total_keys_)) {
    ctx_.lru_clock = lru_.now();
    last_total_keys_ = TotalKeys();
    AgeSweepOnTick();
  }
}

void Keyspace::AgeSweepOnTick() {
  if (ctx_.lfu) return;  // the slots hold LFU counters
  // Visit every database's table within LruClock::kSweepTicks ticks: each tick sweeps
  // enough segments of the current database for a whole pass in a fraction of that.
  size_t dbs = dbs_.size();
  uint32_t ticks_per_db = LruClock::kSweepTicks / static_cast<uint32_t>(dbs);
  for (size_t step = 0; step < dbs; step++) {
    Db& d = dbs_[age_sweep_db_];
    size_t segments = d.table().segment_count() / (ticks_per_db / 2) + 1;
    bool done = false;
    for (size_t i = 0; i < segments && !done; i++) {
      done = d.AgeSweepStep(lru_.OldestStamp(), lru_.now());
    }
    if (!done) return;
    age_sweep_db_ = (age_sweep_db_ + 1) % dbs;
    if (d.size() > 0) return;  // an empty database costs nothing: go on to the next one
  }
}

void Keyspace::ActiveExpireCycle(int64_t budget_us, int64_t (*monotonic_us)()) {
  constexpr size_t kSamples = 20;
  int64_t start = monotonic_us();
  int dbs = db_count();
  for (int visited = 0; visited < dbs; visited++) {
    Db& d = db(expire_db_cursor_);
    expire_db_cursor_ = (expire_db_cursor_ + 1) % dbs;
    for (int round = 0; d.expires_size() > 0; round++) {
      size_t expired = 0;
      size_t sampled = d.ActiveExpireStep(kSamples, &expired);
      // Stop on this db when under 10% of the sample was stale, as Redis does.
      if (sampled == 0 || expired * 10 <= sampled) break;
      if ((round & 15) == 15 && monotonic_us() - start > budget_us) return;
    }
    if (monotonic_us() - start > budget_us) return;
  }
}

void Keyspace::SetAccessPolicy(std::string_view maxmemory_policy, int lfu_log_factor,
                               int lfu_decay_time) {
  ctx_.lfu = lfu::IsLfuPolicy(maxmemory_policy);
  ctx_.lfu_log_factor = lfu_log_factor;
  ctx_.lfu_decay_time = lfu_decay_time;
}

void Keyspace::FlushDb(int index, bool async) {
  Db& d = db(index);
  if (async && d.size() > 0) {
    d.ClearAsync(lazy_freer_);
  } else {
    d.Clear();
  }
}

void Keyspace::FlushAll(bool async) {
  for (int i = 0; i < db_count(); i++) FlushDb(i, async);
}

size_t Keyspace::TotalKeys() const {
  size_t n = 0;
  for (const Db& d : dbs_) n += d.size();
  return n;
}

}  // namespace duet
