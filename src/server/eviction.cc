// maxmemory: Server::PerformEvictions (Redis's performEvictions in evict.c) and the figures
// it works from. The key choice is the Evictor's (keyspace/evictor.h).
#include <algorithm>
#include <cmath>

#include "server/server.h"

namespace duet {

namespace {
// Redis's evictionTimeLimitUs: 50 us per step of tenacity up to 10 (500 us by default),
// then a 15% geometric progression, and no limit at 100.
int64_t EvictionTimeLimitUs(int tenacity) {
  if (tenacity <= 10) return int64_t{50} * tenacity;
  if (tenacity < 100) return static_cast<int64_t>(500.0 * std::pow(1.15, tenacity - 10.0));
  return INT64_MAX;
}
}  // namespace

uint64_t Server::UsedMemoryForEviction() {
  if (used_memory_source_) return used_memory_source_();
  // Frees done by the lazy-free thread are invisible to the gauge until a refresh: refresh
  // when it has freed something since the last one.
  uint64_t freed = keyspace_.lazy_freer().freed_objects();
  if (freed != gauge_lazyfreed_seen_) {
    gauge_lazyfreed_seen_ = freed;
    memory_gauge_.Refresh();
  }
  uint64_t used = memory_gauge_.Get();
  // Redis's freeMemoryGetNotCountedMemory: the replicas' output buffers and the AOF buffer.
  uint64_t not_counted = stats_.persistence.aof_buffer_length;
  if (!replication_.replicas().empty()) not_counted += ReplicaOutputBufferBytes();
  return used > not_counted ? used - not_counted : 0;
}

uint64_t Server::CurrentEvictionExceededUs() const {
  int64_t start = stats_.eviction_exceeded_start_us;
  return start ? static_cast<uint64_t>(MonotonicNowUs() - start) : 0;
}

Server::EvictResult Server::PerformEvictions() {
  // While clients are paused the dataset stands still: no eviction either; nor while it
  // loads (Redis's isSafeToPerformEvictions).
  if (paused() || loading()) return EvictResult::kOk;
  // A replica leaves its dataset to its master (replica-ignore-maxmemory).
  if (is_replica_of_master() && config_table_->GetValue("replica-ignore-maxmemory") == "yes") {
    return EvictResult::kOk;
  }
  EvictResult result = EvictResult::kOk;
  uint64_t limit = config_->maxmemory;
  uint64_t used = limit != 0 ? UsedMemoryForEviction() : 0;
  // Between refreshes the gauge drifts from the allocator's own figure (what INFO's
  // used_memory reads): objects cycling through the thread cache move the one and not the
  // other. Near the limit, where a few KB decide, it is re-read at most every 10 ms, so a
  // client that reads used_memory never sees it past the limit with nothing evicted.
  if (limit != 0 && used + std::max<uint64_t>(limit / 16, 64 * 1024) > limit) {
    int64_t now_us = MonotonicNowUs();
    if (now_us - gauge_near_limit_refresh_us_ >= 10'000) {
      gauge_near_limit_refresh_us_ = now_us;
      memory_gauge_.Refresh();
      used = UsedMemoryForEviction();
    }
  }
  if (limit != 0 && used > limit) {
    result = EvictResult::kFail;
    // As Redis: the goal is fixed up front and only what each delete itself releases counts
    // towards it. Re-measuring the total would also count what the eviction adds (tracking
    // invalidations and keyspace events queued in client buffers) and drain the keyspace in
    // a feedback loop.
    int64_t to_free = static_cast<int64_t>(used - limit);
    int64_t freed = 0;
    EvictionPolicy policy = ParseEvictionPolicy(config_->maxmemory_policy);
    LazyFreer* freer = config_->lazyfree_lazy_eviction ? &keyspace_.lazy_freer() : nullptr;
    int64_t start = MonotonicNowUs();
    int64_t budget = EvictionTimeLimitUs(config_->maxmemory_eviction_tenacity);
    bool monitor = config_->latency_monitor_threshold != 0;
    for (uint64_t n = 1;; n++) {
      int db = 0;
      // "eviction-del" times the whole pick-and-delete (Redis times the delete alone; the
      // pick is a few µs against a millisecond threshold).
      int64_t del_start = monitor ? MonotonicNowUs() : 0;
      // Only the detach and the free count as freed (see to_free above).
      int64_t before = static_cast<int64_t>(UsedMemoryForEviction());
      Entry* victim = evictor_.DetachOne(policy, config_->maxmemory_samples, &db);
      if (!victim) break;
      SnapshotBeforeFree(db, *victim);
      if (undo_) undo_->BeforeFree(db, *victim);  // a SCRIPT DEBUG YES session's
      freed += before - static_cast<int64_t>(UsedMemoryForEviction());
      // As Redis: WATCH and tracking hear of it (nobody's change), then the "evicted" event.
      SignalModifiedKey(db, victim->key(), /*by_client=*/false);
      NotifyKeyspaceEvent(kNotifyEvicted, "evicted", victim->key(), db);
      if (propagator_.active()) {
        std::string_view del = config_->lazyfree_lazy_eviction ? "UNLINK" : "DEL";
        std::string_view argv[] = {del, victim->key()};
        propagator_.Add(db, argv);
      }
      before = static_cast<int64_t>(UsedMemoryForEviction());
      FreeEntryMaybeLazy(victim, freer);
      freed += before - static_cast<int64_t>(UsedMemoryForEviction());
      if (monitor) AddLatencySample("eviction-del", (MonotonicNowUs() - del_start) / 1000);
      stats_.evicted_keys++;
      if (freed >= to_free) {
        result = EvictResult::kOk;
        break;
      }
      // A lazily freed value leaves memory on the other thread's time, so every 16 keys
      // the total is checked too; and the clock is read every 16 keys, as Redis does.
      if ((n & 15) == 0 && freer && UsedMemoryForEviction() <= limit) {
        result = EvictResult::kOk;
        break;
      }
      if ((n & 15) == 0 && MonotonicNowUs() - start >= budget) {
        result = EvictResult::kRunning;
        break;
      }
    }
    if (result == EvictResult::kFail && freer && keyspace_.lazy_freer().pending_objects() > 0) {
      // What the lazy-free thread is releasing may bring us under the limit (Redis waits up
      // to 1 ms for it); keep trying from the event loop rather than failing the command.
      result = EvictResult::kRunning;
    }
    AddLatencySample("eviction-cycle", (MonotonicNowUs() - start) / 1000);
    // Each eviction is its own effect, never wrapped in MULTI (Redis's propagate_no_multi).
    FlushPropagationOutsideCommands();
  }
  eviction_running_ = result == EvictResult::kRunning;
  if (eviction_running_) loop_.RequestWakeWithinMs(0);
  // INFO's total/current_eviction_exceeded_time.
  if (result == EvictResult::kOk) {
    if (stats_.eviction_exceeded_start_us) {
      stats_.total_eviction_exceeded_us += CurrentEvictionExceededUs();
      stats_.eviction_exceeded_start_us = 0;
    }
  } else if (!stats_.eviction_exceeded_start_us) {
    stats_.eviction_exceeded_start_us = MonotonicNowUs();
  }
  return result;
}

}  // namespace duet
