// The group commit of `appendfsync always` (docs/architecture.md, "The commit path of
// appendfsync always"): after the loop's write() of an iteration's commands, fdatasyncs run
// on the FsyncPool (each hedged over two threads) while the loop goes on; the output the
// iteration produced is held (server/held_replies.h) until an fsync that started after its
// AOF bytes were written completes, then released from the eventfd handler.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "common/log.h"
#include "common/strutil.h"
#include "server/aof.h"
#include "server/server.h"

namespace duet {

bool Server::AofGroupCommit() const {
  return aof_on_ && config_->appendfsync == "always" &&
         !(config_->no_appendfsync_on_rewrite && stats_.persistence.aof_rewrite_in_progress);
}

uint64_t Server::AofOffsetToAwait() const {
  uint64_t need = held_replies_.last_need();
  if (AofGroupCommit()) need = std::max(need, aof_->written);
  return need;
}

uint64_t Server::AofDurableOffset() const { return aof_->durable; }

void Server::SubmitAofFsync(int fd, bool close_after) {
  AofState& a = *aof_;
  uint64_t job = a.fsync.Submit(fd, close_after);
  a.sync_jobs.push_back({job, a.written, MonotonicNowUs()});
}

void Server::PumpAofFsync() {
  AofState& a = *aof_;
  if (!aof_on_ || a.fd < 0 || a.written <= std::max(a.durable, a.sync_requested)) return;
  // While lone fdatasyncs are slow (hedge_until_us), each job runs as kAlwaysFsyncCopies
  // concurrent ones while threads allow (see FsyncPool). When every thread is busy, the
  // next job starts when one ends (OnAofFsyncDone) and covers everything written meanwhile.
  int free_threads = AofState::kAlwaysFsyncThreads - a.pool.BusyCopies();
  if (free_threads <= 0) return;
  int64_t now_us = MonotonicNowUs();
  if (now_us >= a.hedge_until_us && free_threads == AofState::kAlwaysFsyncThreads) {
    // Lone fdatasyncs are fast: one on the loop, as Redis does, costs less than waking a
    // pool thread and then the loop again.
    int err = fdatasync(a.fd) == 0 ? 0 : errno;
    if (err != 0 && err != EINVAL) {
      Log(LogLevel::kWarning,
          "Can't persist AOF for fsync error when the AOF fsync policy is 'always': {}. "
          "Exiting...",
          std::strerror(err));
      std::exit(1);
    }
    int64_t took = MonotonicNowUs() - now_us;
    AddLatencySample("aof-fsync-always", took / 1000);
    a.lone_fsync_avg_us += (took - a.lone_fsync_avg_us) / 4;
    if (a.lone_fsync_avg_us > AofState::kSlowFsyncUs) a.hedge_until_us = now_us + 1000000;
    a.durable = std::max(a.durable, a.written);
    a.last_incr_fsync_offset = a.last_incr_size;
    a.last_fsync_s = clock_->NowMs() / 1000;
    return;
  }
  int copies = now_us < a.hedge_until_us ? std::min(free_threads, AofState::kAlwaysFsyncCopies) : 1;
  uint64_t job = a.pool.Submit(a.fd, copies);
  a.pool_jobs.push_back({job, a.written, now_us, copies});
  a.sync_requested = a.written;
  a.last_incr_fsync_offset = a.last_incr_size;
  a.last_fsync_s = clock_->NowMs() / 1000;
}

void Server::PaceAofGroupCommit() {
  // At -P 1 the clients whose replies one fsync released send their next commands together;
  // executed as one batch they would wait for one fsync while the loop idles. Taken in
  // batches of at most kAlwaysBatchEvents, the next batch runs while the last one syncs.
  if (AofGroupCommit() && MonotonicNowUs() < aof_->hedge_until_us) {
    loop_.LimitNextIteration(AofState::kAlwaysBatchEvents);
  }
}

void Server::CollectAofFsyncs() {
  AofState& a = *aof_;
  bool always = config_->appendfsync == "always";
  uint64_t done = a.fsync.Completed();
  while (!a.sync_jobs.empty() && a.sync_jobs.front().job <= done) {
    const AofState::SyncJob& j = a.sync_jobs.front();
    if (j.offset > a.durable) a.durable = j.offset;
    a.sync_jobs.pop_front();
  }
  std::vector<FsyncPool::Finished> finished;
  a.pool.TakeFinished(&finished);
  int pool_error = 0;
  for (const FsyncPool::Finished& f : finished) {
    auto it = std::find_if(a.pool_jobs.begin(), a.pool_jobs.end(),
                           [&f](const AofState::SyncJob& j) { return j.job == f.job; });
    if (it == a.pool_jobs.end()) continue;
    if (f.error != 0 && f.error != EINVAL) {
      pool_error = f.error;
      continue;  // nothing became durable
    }
    if (it->offset > a.durable) a.durable = it->offset;
    int64_t now_us = MonotonicNowUs();
    if (always) AddLatencySample("aof-fsync-always", (now_us - it->started_us) / 1000);
    if (it->copies == 1) {
      a.lone_fsync_avg_us += (now_us - it->started_us - a.lone_fsync_avg_us) / 4;
      if (a.lone_fsync_avg_us > AofState::kSlowFsyncUs) a.hedge_until_us = now_us + 1000000;
    }
    a.pool_jobs.erase(it);
  }
  if (pool_error != 0) {
    Log(LogLevel::kWarning,
        "Can't persist AOF for fsync error when the AOF fsync policy is 'always': {}. "
        "Exiting...",
        std::strerror(pool_error));
    std::exit(1);
  }
  if (always && a.fsync.failed()) {
    // The held replies were promised durable: as Redis, stop rather than send them.
    Log(LogLevel::kWarning,
        "Can't persist AOF for fsync error when the AOF fsync policy is 'always': {}. "
        "Exiting...",
        std::strerror(a.fsync.last_errno()));
    std::exit(1);
  }
}

void Server::OnAofFsyncDone() {
  uint64_t count;
  ssize_t ignored = read(aof_wake_fd_, &count, sizeof(count));
  (void)ignored;
  CollectAofFsyncs();
  ReleaseHeldReplies(aof_->durable);
  if (config_->appendfsync == "always" || !held_replies_.empty()) PumpAofFsync();
  if (aof_on_) SyncAofStats();
}

void Server::SyncAofAndRelease() {
  AofState& a = *aof_;
  a.fsync.WaitIdle();
  a.pool.WaitIdle();
  CollectAofFsyncs();
  if (a.fd >= 0 && a.written > a.durable) fdatasync(a.fd);
  a.durable = a.written;
  ReleaseHeldReplies(a.durable);
}

}  // namespace duet
