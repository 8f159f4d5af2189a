// The server's side of background snapshots (persistence/snapshot.h): BGSAVE and save points
// write `dbfilename`, an AOF rewrite writes its new base, both from a point-in-time snapshot
// that the event loop encodes in slices (BeforeSleep) while a thread writes the file. Writes
// reach the snapshot first through SnapshotBeforeCommand (the dispatcher, served blocked
// clients) and SnapshotBeforeFree (eviction).
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <vector>

#include "commands/key_extraction.h"
#include "common/log.h"
#include "common/strutil.h"
#include "persistence/rdb_file.h"
#include "server/memory_stats.h"
#include "server/server.h"

namespace duet {
namespace {

// A slice of snapshot work per event-loop iteration: short enough that no command waits
// behind it noticeably, long enough that an idle server saves at full speed.
constexpr int64_t kSliceUs = 1000;

}  // namespace

int64_t Server::KeySaveDelayUs() const {
  auto it = config_->other.find("rdb-key-save-delay");
  if (it == config_->other.end()) return 0;
  std::optional<int64_t> v = ParseInt64(it->second);
  return v && *v > 0 ? *v : 0;
}

rdb::Snapshot::Options Server::SnapshotOptions(int64_t now_ms, bool aof_base) {
  rdb::Snapshot::Options o;
  o.save = rdb::SaveOptionsFor(*config_, now_ms, ReadUsedMemory());
  o.save.aof_base = aof_base;
  o.save.functions = functions_->Codes();
  o.compress = config_->rdbcompression;
  o.checksum = config_->rdbchecksum;
  o.key_delay_us = KeySaveDelayUs();
  o.job_step_units = snapshot_job_step_units_;
  return o;
}

Status Server::StartSnapshot(const rdb::Snapshot::Options& o) {
  int64_t start_us = MonotonicNowUs();
  Status st = rdb::Snapshot::Start(keyspace_, o, start_us, &snapshot_);
  if (st.ok()) {
    stats_.persistence.total_forks++;
    stats_.persistence.latest_fork_usec = static_cast<uint64_t>(MonotonicNowUs() - start_us);
  }
  return st;
}

Status Server::StartBackgroundSave() {
  PersistenceStats& p = stats_.persistence;
  if (snapshot_) return Status::Error("Background save already in progress");
  int64_t now = clock_->NowMs();
  keyspace_.SetNow(now);
  rdb::Snapshot::Options o = SnapshotOptions(now, /*aof_base=*/false);
  o.final_path = config_->dbfilename;
  o.tmp_path = rdb::TempSavePath(config_->dbfilename);
  dirty_before_bgsave_ = stats_.dirty;
  last_save_try_ms_ = now;
  Status st = StartSnapshot(o);
  if (!st.ok()) {
    p.rdb_last_bgsave_ok = false;
    Log(LogLevel::kWarning, "{}", st.message());
    return st;
  }
  snapshot_purpose_ = SnapshotPurpose::kRdb;
  snapshot_start_ms_ = now;
  p.rdb_bgsave_in_progress = true;
  p.rdb_save_time_start = now / 1000;
  p.current_save_keys_total = snapshot_->keys_total();
  p.current_save_keys_processed = 0;
  Log(LogLevel::kNotice, "Background saving started by pid {}", getpid());
  loop_.RequestWakeWithinMs(0);
  return st;
}

void Server::SnapshotBeforeCommand(int db, const CommandSpec& spec,
                                   std::span<const std::string_view> args) {
  rdb::Snapshot& s = *snapshot_;
  std::string_view name = spec.name;
  if (name == "flushall") {
    // Redis kills a BGSAVE child here; an AOF rewrite's base must stay the image of its start.
    // Inside a SCRIPT DEBUG YES session the flush is rolled back: the save goes on.
    if (snapshot_purpose_ == SnapshotPurpose::kRdb && !undo_) {
      AbortSnapshot();
    } else {
      SnapshotDrain();
    }
    return;
  }
  if (name == "flushdb" || name == "swapdb") return SnapshotDrain();
  ForEachWrittenKey(db, spec, args, [&s](int d, std::string_view key) { s.BeforeWrite(d, key); });
}

bool Server::SnapshotHolds(Client& c, const CommandSpec& spec, CmdFlag flags,
                           std::span<const std::string_view> args) {
  if (c.is_master || c.is_script || loading() || undo_) return false;
  bool exec = c.multi && spec.name == "exec";
  if (c.multi && !exec) return false;  // queued (or MULTI's own commands), not run now
  // Scripts and functions (may-replicate) are checked for their declared keys.
  if (!exec && !HasFlag(flags, CmdFlag::kWrite) && !HasFlag(flags, CmdFlag::kMayReplicate)) {
    return false;
  }
  rdb::Snapshot& s = *snapshot_;
  bool wait = false;
  auto check = [&](int db, std::string_view key) {
    if (!wait && s.WriteMustWait(db, key)) wait = true;
  };
  if (exec) {
    if (c.multi->aborted || c.watch_dirty) return false;
    int db = c.db_index;
    std::vector<std::string_view> qargs;
    for (const QueuedCommand& q : c.multi->commands) {
      qargs.assign(q.args.begin(), q.args.end());
      if (q.spec->name == "select" && qargs.size() == 2) {
        std::optional<int64_t> id = ParseInt64(qargs[1]);
        if (id && *id >= 0 && *id < keyspace_.db_count()) db = static_cast<int>(*id);
        continue;
      }
      if (HasFlag(q.spec->flags, CmdFlag::kWrite)) ForEachWrittenKey(db, *q.spec, qargs, check);
      if (wait) break;
    }
  } else {
    ForEachWrittenKey(c.db_index, spec, args, check);
  }
  if (!wait) return false;
  if (snapshot_held_.empty()) snapshot_held_jobs_ = s.jobs_done();
  snapshot_held_.push_back(c.id());
  loop_.RequestWakeWithinMs(0);
  return true;
}

void Server::ResumeSnapshotHeld() {
  if (snapshot_held_.empty()) return;
  for (uint64_t id : snapshot_held_) unpaused_.push_back(id);
  snapshot_held_.clear();
  loop_.RequestWakeWithinMs(0);
}

void Server::ForEachWrittenKey(int db, const CommandSpec& spec,
                               std::span<const std::string_view> args,
                               const std::function<void(int, std::string_view)>& fn) {
  std::string_view name = spec.name;
  std::vector<KeyRef>& keys = snapshot_keys_;
  keys.clear();
  if (GetCommandKeys(spec, args, &keys)) {
    for (const KeyRef& k : keys) fn(db, args[static_cast<size_t>(k.pos)]);
  }
  // Keys of another database.
  auto db_arg = [&](std::string_view v) {
    std::optional<int64_t> id = ParseInt64(v);
    return id && *id >= 0 && *id < keyspace_.db_count() ? static_cast<int>(*id) : -1;
  };
  if (name == "move" && args.size() == 3) {
    if (int to = db_arg(args[2]); to >= 0) fn(to, args[1]);
  } else if (name == "copy") {
    for (size_t i = 3; i + 1 < args.size(); i++) {
      if (EqualsIgnoreCase(args[i], "db")) {
        if (int to = db_arg(args[i + 1]); to >= 0) fn(to, args[2]);
      }
    }
  }
}

void Server::SnapshotDrain() {
  if (!snapshot_) return;
  snapshot_->Drain();
  stats_.persistence.current_save_keys_processed = snapshot_->keys_processed();
}

void Server::AbortSnapshot() {
  if (!snapshot_) return;
  PersistenceStats& p = stats_.persistence;
  snapshot_->Abort();
  snapshot_.reset();
  ResumeSnapshotHeld();
  if (snapshot_purpose_ == SnapshotPurpose::kRdb) {
    // As Redis's child killed by SIGUSR1: not an error.
    Log(LogLevel::kWarning, "Background saving terminated by signal 10");
    p.rdb_bgsave_in_progress = false;
    p.rdb_save_time_start = -1;
  } else {
    p.aof_rewrite_in_progress = false;
    p.aof_rewrite_time_start = -1;
    aof_rewrite_keep_incr_ = false;
  }
  snapshot_purpose_ = SnapshotPurpose::kNone;
}

void Server::SnapshotTick() {
  // Held writers retry once a job is done (or the snapshot is gone).
  if (!snapshot_held_.empty() && (!snapshot_ || snapshot_->jobs_done() != snapshot_held_jobs_)) {
    ResumeSnapshotHeld();
  }
  if (!snapshot_) {
    if (bgsave_scheduled_ && !shutdown_requested_) {
      bgsave_scheduled_ = false;
      StartBackgroundSave();
    }
    return;
  }
  rdb::Snapshot& s = *snapshot_;
  PersistenceStats& p = stats_.persistence;
  if (!s.encoded()) {
    keyspace_.SetNow(clock_->NowMs());
    s.Step(MonotonicNowUs(), kSliceUs);
    p.current_save_keys_processed = s.keys_processed();
    if (!snapshot_held_.empty() && s.jobs_done() != snapshot_held_jobs_) ResumeSnapshotHeld();
    loop_.RequestWakeWithinMs(s.throttled() ? 1 : 0);
    return;
  }
  if (!s.done()) {
    loop_.RequestWakeWithinMs(10);  // the writer thread writes the rest and fsyncs
    return;
  }
  Status st = s.result();
  SnapshotPurpose purpose = snapshot_purpose_;
  snapshot_.reset();
  ResumeSnapshotHeld();
  snapshot_purpose_ = SnapshotPurpose::kNone;
  int64_t now = clock_->NowMs();
  if (purpose == SnapshotPurpose::kAofBase) {
    FinishAofRewrite(st);
    return;
  }
  p.rdb_bgsave_in_progress = false;
  p.rdb_last_bgsave_time_sec = p.rdb_save_time_start >= 0 ? now / 1000 - p.rdb_save_time_start : 0;
  p.rdb_save_time_start = -1;
  if (st.ok()) {
    Log(LogLevel::kNotice, "DB saved on disk");
    Log(LogLevel::kNotice, "Background saving terminated with success");
    stats_.dirty = stats_.dirty > dirty_before_bgsave_ ? stats_.dirty - dirty_before_bgsave_ : 0;
    p.rdb_last_save_time = now / 1000;
    p.rdb_last_bgsave_ok = true;
    p.rdb_saves++;
  } else {
    Log(LogLevel::kWarning, "{}", st.message());
    Log(LogLevel::kWarning, "Background saving error");
    p.rdb_last_bgsave_ok = false;
  }
}

}  // namespace duet
