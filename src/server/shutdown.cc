// The shutdown sequence of SHUTDOWN and of SIGTERM/SIGINT, as Redis 7.0.15's
// prepareForShutdown / isReadyToShutdown / finishShutdown / abortShutdown.
//
// A master whose replicas have not acknowledged its whole stream does not exit at once
// (unless NOW, or shutdown-timeout 0): it pauses writes, asks the replicas for their offsets
// (REPLCONF GETACK) and lets the cron finish the shutdown once every replica's ACK offset
// equals master_repl_offset or shutdown-timeout seconds have passed. The SHUTDOWN clients
// stay blocked meanwhile. Finishing logs the replicas that lag, makes the final save and
// stops the loop; when the save fails (or SHUTDOWN ABORT comes first) the shutdown is
// cancelled: the blocked clients get "Errors trying to SHUTDOWN", writes resume.
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <string>
#include <string_view>
#include <vector>

#include "common/log.h"
#include "common/strutil.h"
#include "persistence/rdb_file.h"
#include "protocol/errors.h"
#include "server/server.h"

namespace duet {

Server::ShutdownFlags Server::SignalShutdownFlags(const char* signal_name) {
  ShutdownFlags f;
  std::string_view sig = signal_name ? signal_name : "";
  std::string value =
      config_table_->GetValue(sig == "SIGINT" ? "shutdown-on-sigint" : "shutdown-on-sigterm");
  std::vector<std::string> words;
  SplitArgs(value, &words);
  for (const std::string& word : words) {
    if (word == "save") f.save = true;
    if (word == "nosave") f.nosave = true;
    if (word == "now") f.now = true;
    if (word == "force") f.force = true;
  }
  return f;
}

bool Server::ReadyToShutdown() const {
  for (const ReplicationFeed::Replica& r : replication_.replicas()) {
    if (r.ack_offset != replication_.offset()) return false;
  }
  return true;
}

Server::ShutdownStep Server::PrepareShutdown(ShutdownFlags flags) {
  if (shutdown_initiated()) return ShutdownStep::kWaiting;
  // A half-loaded dataset is never saved.
  if (loading()) {
    flags.save = false;
    flags.nosave = true;
  }
  shutdown_flags_ = flags;
  Log(LogLevel::kWarning, "User requested shutdown...");
  int64_t timeout_s = ParseInt64(config_table_->GetValue("shutdown-timeout")).value_or(10);
  if (!flags.now && timeout_s != 0 && !ReadyToShutdown()) {
    shutdown_deadline_ms_ = clock_->NowMs() + timeout_s * 1000;
    if (!paused()) getack_pending_ = true;  // fed before the loop sleeps
    shutdown_pause_ = true;
    keyspace_.ctx().keep_expired = true;  // paused: the dataset stands still
    Log(LogLevel::kNotice, "Waiting for replicas before shutting down.");
    return ShutdownStep::kWaiting;
  }
  return FinishShutdown() ? ShutdownStep::kExit : ShutdownStep::kFailed;
}

bool Server::FinishShutdown() {
  int64_t offset = replication_.offset();
  int64_t now_s = clock_->NowMs() / 1000;
  size_t lagging = 0;
  for (const ReplicationFeed::Replica& r : replication_.replicas()) {
    if (r.ack_offset == offset) continue;
    lagging++;
    const Client* c = FindClient(r.client_id);
    Log(LogLevel::kWarning,
        "Lagging replica {} reported offset {} behind master, lag={}, state=online.",
        c ? ReplicaName(*c) : "client id #" + std::to_string(r.client_id), offset - r.ack_offset,
        now_s - r.ack_time_s);
  }
  size_t n = replication_.replicas().size();
  if (n > 0) {
    Log(LogLevel::kNotice, "{} of {} replicas are in sync when shutting down.", n - lagging, n);
  }
  if (!SaveBeforeShutdown(shutdown_flags_.save, shutdown_flags_.nosave, shutdown_flags_.force)) {
    Log(LogLevel::kWarning,
        "Errors trying to shut down the server. Check the logs for more information.");
    CancelShutdown();
    return false;
  }
  // Best effort: what the replicas have not been sent yet (Redis's flushSlavesOutputBuffers).
  for (const ReplicationFeed::Replica& r : replication_.replicas()) {
    if (Client* c = FindClient(r.client_id); c && !c->closing) WriteToClient(*c);
  }
  CloseListeners();
  RequestShutdown();
  return true;
}

void Server::CancelShutdown() {
  shutdown_deadline_ms_ = 0;
  shutdown_flags_ = {};
  signal_shutdown_ = nullptr;
  std::vector<uint64_t> waiters;
  waiters.swap(shutdown_waiters_);
  for (uint64_t id : waiters) {
    Client* c = FindClient(id);
    if (!c || !c->blocked) continue;
    c->reply().Error(errors::kShutdownFailed);
    FinishBlocked(*c);
  }
  shutdown_pause_ = false;
  if (pause_until_ms_ == 0) UnpauseClients();
}

bool Server::AbortShutdown() {
  if (shutdown_initiated()) {
    CancelShutdown();
  } else if (signal_shutdown_) {
    signal_shutdown_ = nullptr;  // requested by a signal, not started yet
  } else {
    return false;
  }
  Log(LogLevel::kNotice, "Shutdown manually aborted.");
  return true;
}

void Server::WaitForShutdown(Client& c, const CommandSpec& spec,
                             std::span<const std::string_view> args) {
  std::vector<std::string_view> full;
  full.reserve(args.size() + 1);
  full.push_back(spec.name);
  full.insert(full.end(), args.begin(), args.end());
  if (BlockClient(c, spec, full, {}, /*deadline_ms=*/0)) shutdown_waiters_.push_back(c.id());
}

bool Server::ShutdownOnSignal(bool during_load) {
  const char* name = signal_shutdown_;
  ShutdownFlags flags = SignalShutdownFlags(name);
  if (during_load) flags = ShutdownFlags{.nosave = true};
  ShutdownStep step = PrepareShutdown(flags);
  if (step != ShutdownStep::kWaiting) signal_shutdown_ = nullptr;
  if (step == ShutdownStep::kFailed && during_load) {
    Log(LogLevel::kWarning,
        "{} received but errors trying to shut down the server, check the logs for more "
        "information",
        name);
  }
  return step == ShutdownStep::kExit;
}

int Server::ReadShutdownSignals() {
  int n = 0;
  signalfd_siginfo si;
  while (signal_fd_ >= 0 && read(signal_fd_, &si, sizeof(si)) == sizeof(si)) {
    n++;
    bool sigint = si.ssi_signo == SIGINT;
    // A second SIGINT (Redis's shutdown_asap already set): the user wants out now, without
    // the save or the wait for replicas (Redis's sigShutdownHandler).
    if (sigint && signal_shutdown_) {
      Log(LogLevel::kWarning, "You insist... exiting now.");
      unlink(rdb::TempSavePath(config_->dbfilename).c_str());
      _exit(1);  // not a clean shutdown; no destructor runs under a save's feet
    }
    if (loading()) {
      Log(LogLevel::kWarning, "Received shutdown signal during loading, scheduling shutdown.");
    } else {
      Log(LogLevel::kWarning, "Received {} scheduling shutdown...", sigint ? "SIGINT" : "SIGTERM");
    }
    ScheduleSignalShutdown(sigint ? "SIGINT" : "SIGTERM");
  }
  return n;
}

bool Server::ShutdownCron(int64_t now_ms) {
  if (signal_shutdown_ && !shutdown_initiated()) return ShutdownOnSignal(/*during_load=*/false);
  if (shutdown_initiated() && (now_ms >= shutdown_deadline_ms_ || ReadyToShutdown())) {
    return FinishShutdown();
  }
  return false;
}

}  // namespace duet
