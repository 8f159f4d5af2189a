#include "keyspace/keyspace.h"

#include "keyspace/lfu.h"

namespace duet {

Keyspace::Keyspace(int databases) {
  dbs_.reserve(static_cast<size_t>(databases));
  for (int i = 0; i < databases; i++) dbs_.emplace_back(i, &ctx_);
}

void Keyspace::SetNow(int64_t now_ms) {
  ctx_.now_ms = now_ms;
  ctx_.lru_clock = LruClockFromMs(now_ms);
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
