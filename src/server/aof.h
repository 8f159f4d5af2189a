// AofState: the server's append-only file while `appendonly` is on (Redis 7 multi-part AOF):
// the open incremental file, the buffer of propagated commands not yet written, the manifest
// and the counters INFO persistence reports. The Server owns it (server/aof_server.cc runs
// it); as a PropagationTarget it receives every propagated command and appends it to `buf`
// in Redis's AOF encoding (a SELECT when the database changes, `#TS:` annotations when
// aof-timestamp-enabled).
//
// Threading: event-loop thread; `fsync` and `pool` run fdatasyncs on their own threads and
// wake the loop (an eventfd) after each.
#pragma once

#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "config/config.h"
#include "persistence/aof_manifest.h"
#include "persistence/fsync_pool.h"
#include "persistence/fsync_thread.h"
#include "server/propagation.h"

namespace duet {

class AofState : public PropagationTarget {
 public:
  AofState(const Config& config, const Clock& clock);
  void Feed(int db, std::string_view resp) override;
  int kind() const override { return kPropagateAof; }

  int fd = -1;                // the incremental file being appended to
  std::string buf;            // commands not yet written (Redis's aof_buf)
  uint64_t fed = 0;           // bytes ever appended to buf (a logical offset)
  uint64_t written = 0;       // ... of which written to the file
  int selected_db = -1;       // the database the file's last SELECT chose (-1: none yet)
  int64_t cur_timestamp = 0;  // the last #TS annotation's second
  aof::Manifest manifest;
  int64_t current_size = 0;       // aof_current_size: base + incremental files
  int64_t rewrite_base_size = 0;  // aof_base_size: the size after the last rewrite
  int64_t last_incr_size = 0;     // bytes in the current incremental file
  int64_t last_incr_fsync_offset = 0;
  int64_t last_fsync_s = 0;           // when the last fsync was started (unix seconds)
  int64_t flush_postponed_start = 0;  // everysec: a write waiting for a running fsync
  bool last_write_ok = true;
  int last_write_errno = 0;
  int64_t last_write_error_log_s = 0;
  uint64_t delayed_fsync = 0;
  // Group commit: `written` bytes known durable (a completed fdatasync covered them), the
  // highest offset an fsync queued or running on `pool` covers, and the fsyncs queued or
  // running, each with the offset it covers (`fsync`'s complete in order, `pool`'s in any).
  uint64_t durable = 0;
  uint64_t sync_requested = 0;
  struct SyncJob {
    uint64_t job;        // FsyncThread / FsyncPool job number
    uint64_t offset;     // `written` when it was queued
    int64_t started_us;  // monotonic, for the aof-fsync-always latency sample
    int copies = 1;      // FsyncPool copies it runs as
  };
  std::deque<SyncJob> sync_jobs;
  std::vector<SyncJob> pool_jobs;
  FsyncThread fsync;  // everysec fsyncs, closing retired files
  // appendfsync always (server/aof_commit.cc): concurrent fdatasyncs of the open file
  // (persistence/fsync_pool.h), each group commit hedged over two of them, and at most
  // kAlwaysBatchEvents ready events per loop iteration, so that with many clients one batch
  // executes while the one before it is being synced.
  static constexpr int kAlwaysFsyncThreads = 4;
  static constexpr int kAlwaysFsyncCopies = 2;
  static constexpr int kAlwaysBatchEvents = 32;
  // Hedging and the event cap are on for a second whenever the moving average of unhedged
  // jobs' latency (weight 1/4) is above kSlowFsyncUs: when lone fdatasyncs are fast they
  // only cost CPU.
  static constexpr int64_t kSlowFsyncUs = 2000;
  int64_t lone_fsync_avg_us = 0;
  int64_t hedge_until_us = 0;
  FsyncPool pool{kAlwaysFsyncThreads};
  // appendfsync always keeps the open incremental file physically ahead of its data
  // (persistence/aof_filler.h, Server::PreextendAof): while `preextended`, the file is
  // `physical_size` bytes, filler from `last_incr_size` on, written with pwrite at
  // `last_incr_size` (O_APPEND off); extended by kPreextendChunk once less than
  // kPreextendLowWater would be left ahead (1 MB: A/B on this VM, 64 KB-4 MB all gained at
  // -c 50; 4 MB lost at -c 200, its writeback stalls the commits that meet it). After a
  // failed extension it is not tried again before `preextend_retry_s`.
  // DUET_AOF_PREEXTEND=0 in the environment turns it off (A/B benchmarks).
  static constexpr int64_t kPreextendChunk = 1 << 20;
  static constexpr int64_t kPreextendLowWater = 512 << 10;
  bool preextend_allowed = true;
  bool preextended = false;
  int64_t physical_size = 0;
  int64_t preextend_retry_s = 0;

 private:
  const Config& config_;
  const Clock& clock_;
};

}  // namespace duet
