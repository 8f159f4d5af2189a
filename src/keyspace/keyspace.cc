#include "keyspace/keyspace.h"

#include <algorithm>

#include "common/allocator.h"
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
  // Visit every database's table within LruClock::kSweepTicks ticks: a database of S
  // segments is swept at S / (ticks_per_db / 2) segments per tick (credit carried between
  // ticks, so a small table costs one segment now and then, not one per tick), which
  // finishes its pass in half its share of the ticks. Empty databases are skipped for free.
  size_t dbs = dbs_.size();
  // At least one tick per pass: past 4096 databases (the `databases` directive has no upper
  // bound) the share would round to zero.
  uint32_t half_share =
      std::max<uint32_t>(1, LruClock::kSweepTicks / static_cast<uint32_t>(dbs) / 2);
  for (size_t step = 0; step < dbs; step++) {
    Db& d = dbs_[age_sweep_db_];
    if (d.size() == 0) {
      d.RestartAgeSweep();
      age_sweep_db_ = (age_sweep_db_ + 1) % dbs;
      age_sweep_credit_ = 0;
      continue;
    }
    age_sweep_credit_ += d.table().segment_count();
    size_t segments = age_sweep_credit_ / half_share;
    age_sweep_credit_ %= half_share;
    for (size_t i = 0; i < segments; i++) {
      if (!d.AgeSweepStep(lru_.OldestStamp(), lru_.now())) continue;
      age_sweep_db_ = (age_sweep_db_ + 1) % dbs;  // pass complete
      age_sweep_credit_ = 0;
      break;
    }
    return;
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

bool Keyspace::ClearDb(int index, bool async) {
  Db& d = db(index);
  bool had_keys = d.size() > 0;
  if (async && had_keys) {
    d.ClearAsync(lazy_freer_);
  } else {
    d.Clear();
  }
  return had_keys;
}

void Keyspace::FlushDb(int index, bool async) {
  if (ClearDb(index, async) && !async) ReleaseFreedMemory();
}

void Keyspace::FlushAll(bool async) {
  bool freed = false;
  for (int i = 0; i < db_count(); i++) freed |= ClearDb(i, async);
  if (freed && !async) ReleaseFreedMemory();
}

void Keyspace::ReleaseFreedMemory() {
  // This thread's cache goes back to the slabs here (only this thread can flush it); the
  // purge itself runs on the lazy-free worker, so the caller does not wait for it.
  allocator::FlushThreadCache();
  lazy_freer_.Purge();
}

size_t Keyspace::TotalKeys() const {
  size_t n = 0;
  for (const Db& d : dbs_) n += d.size();
  return n;
}

}  // namespace duet
