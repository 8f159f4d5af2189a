// Serving clients while the event loop is held (Redis's processEventsWhileBlocked: a script
// past busy-reply-threshold, a dataset load) and the bookkeeping of a load: INFO's loading_*
// fields, the hooks through which the RDB and AOF loaders hand control back between slices,
// key-load-delay, and a shutdown requested while a load runs.
//
// Why the loader calls into the loop rather than the loop into the loader: a load is a
// recursive descent through the file (values inside values, EVAL inside the AOF running
// scripts that may themselves serve events), which Redis runs to the end on the loop's thread
// while serving clients from its progress callback. Doing the same keeps one code path for
// startup, DEBUG RELOAD and DEBUG LOADAOF, needs no resumable decoder and no second thread
// touching the keyspace.
#include <unistd.h>

#include <optional>

#include "common/log.h"
#include "common/strutil.h"
#include "persistence/rdb_file.h"
#include "server/memory_stats.h"
#include "server/server.h"

namespace duet {

namespace {

int64_t HiddenInt(const Config& config, const char* name, int64_t fallback) {
  auto it = config.other.find(name);
  if (it == config.other.end()) return fallback;
  std::optional<int64_t> v = ParseInt64(it->second);
  return v ? *v : fallback;
}

}  // namespace

void Server::ProcessEventsWhileBlocked() {
  // A few rounds while there is work, never sleeping (Redis's four).
  for (int i = 0; i < 4; i++) {
    int n = loop_.PollOnce();
    // Clients whose last read filled the buffer have more in their sockets, which
    // edge-triggered epoll does not report again (BeforeSleep's job, which does not run
    // while the loop is held). A protected one reads once it is unprotected.
    if (!more_input_.empty()) {
      std::vector<uint64_t> again;
      again.swap(more_input_);
      for (uint64_t id : again) {
        Client* c = FindClient(id);
        if (!c) continue;
        if (c->is_protected) {
          c->missed_read = true;
        } else {
          ReadFromClient(*c);
        }
      }
    }
    // As Redis's beforeSleep while blocked: the AOF buffer (commands that ran before) is
    // written before any reply; under always the replies wait for its fsync, which the
    // fsync thread's wake-up (served by PollOnce) releases.
    if (aof_on_) FlushAof(false);
    FlushPendingWrites();
    ReadAtEnd();
    if (n == 0) break;
  }
  WhileBlockedCron();
}

void Server::WhileBlockedCron() {
  if (!loading()) return;
  // INFO's used_memory_peak follows the load (Redis's cronUpdateMemoryStats there), at most
  // every 100 ms: reading the allocator's figures is not free.
  int64_t now = clock_->NowMs();
  if (now - last_blocked_cron_ms_ >= 100) {
    last_blocked_cron_ms_ = now;
    memory_gauge_.Refresh();
    uint64_t used = memory_gauge_.Get();
    if (used > stats_.used_memory_peak) stats_.used_memory_peak = used;
  }
  // SIGTERM/SIGINT during a load: exit without saving the half-loaded dataset (Redis's
  // prepareForShutdown(SHUTDOWN_NOSAVE) from whileBlockedCron).
  if (signal_shutdown_) ShutdownOnSignal(/*during_load=*/true);
}

void Server::UnprotectClient(Client& c) {
  c.is_protected = false;
  if (c.missed_read) {
    c.missed_read = false;
    more_input_.push_back(c.id());
    loop_.RequestWakeWithinMs(0);
  }
}

void Server::StartLoading(uint64_t total_bytes) {
  PersistenceStats& p = stats_.persistence;
  p.loading = true;
  p.loading_start_time = clock_->NowMs() / 1000;
  p.loading_loaded_bytes = 0;
  p.loading_total_bytes = total_bytes;
  p.loading_rdb_used_mem = 0;
  p.rdb_last_load_keys_expired = 0;
  p.rdb_last_load_keys_loaded = 0;
  key_load_delay_us_ = HiddenInt(*config_, "key-load-delay", 0);
  int64_t interval = HiddenInt(*config_, "loading-process-events-interval-bytes", 2 << 20);
  loading_interval_bytes_ = interval > 0 ? static_cast<uint64_t>(interval) : 2 << 20;
  key_load_count_ = 0;
}

void Server::StopLoading() { stats_.persistence.loading = false; }

bool Server::LoadingProgress(uint64_t loaded_bytes) {
  stats_.persistence.loading_loaded_bytes = loaded_bytes;
  ProcessEventsWhileBlocked();
  return !shutdown_requested_;
}

void Server::KeyLoadDelay() {
  int64_t us = key_load_delay_us_;
  // Redis's debugDelay: a negative -N sleeps 1 us once in N keys (at random there; every
  // N-th here).
  if (us < 0) us = key_load_count_++ % static_cast<uint64_t>(-us) == 0 ? 1 : 0;
  if (us > 0) usleep(static_cast<useconds_t>(us));
}

void Server::SetLoadingHooks(rdb::LoadOptions* opts, uint64_t file_offset) {
  opts->progress_interval = loading_interval_bytes_;
  opts->on_progress = [this, file_offset](size_t offset) {
    return LoadingProgress(file_offset + offset);
  };
  if (key_load_delay_us_ != 0) opts->on_key = [this] { KeyLoadDelay(); };
  opts->on_used_mem = [this](uint64_t used) { stats_.persistence.loading_rdb_used_mem = used; };
}

}  // namespace duet
