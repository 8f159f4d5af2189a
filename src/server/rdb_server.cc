// The server's side of RDB persistence: SAVE to `dbfilename`, loading at startup and for
// DEBUG RELOAD, save points, -MISCONF after a failed save; and the SAVE, BGSAVE and LASTSAVE
// commands.
//
// BGSAVE and save points write in the background (server/snapshot_server.cc).
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>

#include "common/log.h"
#include "common/strutil.h"
#include "persistence/rdb_file.h"
#include "protocol/errors.h"
#include "server/memory_stats.h"
#include "server/server.h"
#include "server/server_commands.h"
#include "server/server_context.h"

namespace duet {

Status Server::SaveRdb(bool background) {
  int64_t now = clock_->NowMs();
  keyspace_.SetNow(now);
  PersistenceStats& p = stats_.persistence;
  rdb::SaveOptions opts = rdb::SaveOptionsFor(*config_, now, ReadUsedMemory());
  opts.functions = functions_->Codes();
  uint64_t keys = 0;
  opts.after_key = [this, delay_us = KeySaveDelayUs(), &keys] { AfterKeySaved(delay_us, &keys); };
  Status st = rdb::SaveToFile(keyspace_, *config_, opts, config_->dbfilename);
  if (!st.ok()) {
    Log(LogLevel::kWarning, "{}", st.message());
    // Only a background save's failure is remembered (Redis's lastbgsave_status is set by
    // the child's end, never by a foreground rdbSave: SAVE, SHUTDOWN, DEBUG RELOAD).
    if (background) p.rdb_last_bgsave_ok = false;
    return st;
  }
  Log(LogLevel::kNotice, "DB saved on disk");
  stats_.dirty = 0;
  p.rdb_last_save_time = now / 1000;
  p.rdb_last_bgsave_ok = true;
  p.rdb_saves++;
  return st;
}

void Server::AfterKeySaved(int64_t delay_us, uint64_t* keys) {
  ++*keys;
  if (delay_us <= 0) {
    if (*keys % 1024 == 0) ReadShutdownSignals();
    return;
  }
  // The delay, cut short by nothing but spent watching the signalfd.
  int64_t deadline = MonotonicNowUs() + delay_us;
  for (int64_t left = delay_us; left > 0; left = deadline - MonotonicNowUs()) {
    if (signal_fd_ < 0) {
      usleep(static_cast<useconds_t>(left));
      break;
    }
    pollfd p{.fd = signal_fd_, .events = POLLIN, .revents = 0};
    timespec ts{.tv_sec = left / 1000000, .tv_nsec = (left % 1000000) * 1000};
    if (ppoll(&p, 1, &ts, nullptr) > 0) ReadShutdownSignals();
  }
}

Status Server::LoadRdb(bool replace, bool keep_expired) {
  int64_t start = clock_->NowMs();
  keyspace_.SetNow(start);
  PersistenceStats& p = stats_.persistence;
  rdb::LoadOptions opts;
  opts.now_ms = start;
  opts.keep_expired = keep_expired;
  opts.replace = replace;
  // Libraries are created as they are read (Redis's rdbFunctionLoad): one that fails, or that
  // exists already without MERGE, fails the load.
  opts.on_function = [this, replace](const std::string& code, std::string* err) {
    std::string name;
    return functions_->Load(code, replace, /*timeout_ms=*/0, &name, err);
  };
  rdb::LoadStats ls;
  bool missing = false;
  // Clients are served while it loads (server/loading.cc); a file that cannot be opened
  // is no load at all (Redis's rdbLoad starts loading after the fopen).
  struct stat file;
  bool exists = stat(config_->dbfilename.c_str(), &file) == 0;
  if (exists) {
    StartLoading(static_cast<uint64_t>(file.st_size));
    SetLoadingHooks(&opts, 0);
  }
  Status st = rdb::LoadFromFile(config_->dbfilename, keyspace_, *config_, opts, &ls, &missing);
  if (exists) StopLoading();
  if (!st.ok()) {
    if (st.message() == rdb::kLoadStopped) return st;
    // A file that could not be opened is reported as it is; a damaged one as Redis reports
    // it (the error, then what redis-check-rdb would say, then the termination notice).
    if (st.message().starts_with("Fatal error loading")) return st;
    Log(LogLevel::kWarning, "Internal error in RDB reading: {}", st.message());
    Log(LogLevel::kWarning, "--- RDB ERROR DETECTED --- {}", st.message());
    return Status::Error("Terminating server after rdb file reading failure.");
  }
  if (missing) return st;
  p.rdb_last_load_keys_loaded = ls.keys_loaded;
  p.rdb_last_load_keys_expired = ls.keys_expired;
  if (ls.empty_keys_skipped) {
    Log(LogLevel::kNotice,
        "Done loading RDB, keys loaded: {}, keys expired: {}, empty keys skipped: {}.",
        ls.keys_loaded, ls.keys_expired, ls.empty_keys_skipped);
  } else {
    Log(LogLevel::kNotice, "Done loading RDB, keys loaded: {}, keys expired: {}.", ls.keys_loaded,
        ls.keys_expired);
  }
  Log(LogLevel::kNotice, "DB loaded from disk: {:.3f} seconds",
      static_cast<double>(clock_->NowMs() - start) / 1000);
  return st;
}

bool Server::SaveBeforeShutdown(bool save, bool nosave, bool force) {
  // As Redis kills its child: the background save or rewrite stops, its temp file goes.
  if (snapshot_purpose_ == SnapshotPurpose::kRdb) {
    Log(LogLevel::kWarning, "There is a child saving an .rdb. Killing it!");
  } else if (snapshot_purpose_ == SnapshotPurpose::kAofBase) {
    // The AOF was just switched on and its first base is not written yet: without it the
    // dataset would be lost.
    if (aof_rewrite_keep_incr_ && !force) {
      Log(LogLevel::kWarning, "Writing initial AOF, can't exit.");
      return false;
    }
    if (aof_rewrite_keep_incr_) Log(LogLevel::kWarning, "Writing initial AOF. Exit anyway.");
    Log(LogLevel::kWarning, "There is a child rewriting the AOF. Killing it!");
  }
  AbortSnapshot();
  if (nosave || (!save && config_->save_params.empty())) return true;
  Log(LogLevel::kNotice, "Saving the final RDB snapshot before exiting.");
  if (SaveRdb().ok()) return true;
  if (force) {
    Log(LogLevel::kWarning, "Error trying to save the DB. Exit anyway.");
    return true;
  }
  Log(LogLevel::kWarning, "Error trying to save the DB, can't exit.");
  return false;
}

bool Server::WritesDeniedBySaveError() const {
  return config_->stop_writes_on_bgsave_error && !config_->save_params.empty() &&
         !stats_.persistence.rdb_last_bgsave_ok;
}

void Server::CheckSavePoints(int64_t now_ms) {
  const PersistenceStats& p = stats_.persistence;
  int64_t lastsave = p.rdb_last_save_time ? p.rdb_last_save_time : start_time_ms_ / 1000;
  if (snapshot_) return;
  // After a failed save, retry no sooner than 5 s later (CONFIG_BGSAVE_RETRY_DELAY).
  if (!p.rdb_last_bgsave_ok && now_ms - last_save_try_ms_ < 5000) return;
  for (const SaveParam& sp : config_->save_params) {
    if (stats_.dirty >= static_cast<uint64_t>(sp.changes) &&
        now_ms / 1000 - lastsave > sp.seconds) {
      Log(LogLevel::kNotice, "{} changes in {} seconds. Saving...", sp.changes, sp.seconds);
      StartBackgroundSave();
      return;
    }
  }
}

namespace {

void CmdSave(CommandContext& ctx, ArgReader& args) {
  Server& s = ServerContext::From(ctx).server();
  if (s.snapshot_purpose() == Server::SnapshotPurpose::kRdb) {
    return ctx.reply().Error(errors::kBgsaveInProgress);
  }
  if (!s.SaveRdb().ok()) return ctx.reply().Error(errors::kSaveFailed);
  ctx.reply().Ok();
}

// BGSAVE [SCHEDULE]
void CmdBgsave(CommandContext& ctx, ArgReader& args) {
  if (args.size() > 1 || (args.size() == 1 && !EqualsIgnoreCase(args[0], "schedule"))) {
    return ctx.reply().Error(errors::kSyntax);
  }
  bool schedule = args.size() == 1;
  ServerContext& sctx = ServerContext::From(ctx);
  Server& s = sctx.server();
  if (s.snapshot_purpose() == Server::SnapshotPurpose::kRdb) {
    return ctx.reply().Error(errors::kBgsaveInProgress);
  }
  if (s.snapshot_purpose() != Server::SnapshotPurpose::kNone || sctx.client().in_exec) {
    if (!schedule && !sctx.client().in_exec) return ctx.reply().Error(errors::kBgsaveChildActive);
    s.ScheduleBgsave();
    return ctx.reply().SimpleString("Background saving scheduled");
  }
  if (!s.StartBackgroundSave().ok()) return ctx.reply().Error(errors::kSaveFailed);
  ctx.reply().SimpleString("Background saving started");
}

void CmdLastsave(CommandContext& ctx, ArgReader& args) {
  Server& s = ServerContext::From(ctx).server();
  int64_t t = s.stats().persistence.rdb_last_save_time;
  ctx.reply().Integer(t ? t : s.start_time_ms() / 1000);
}

}  // namespace

void RegisterPersistenceCommands(CommandTable& table) {
  using F = CmdFlag;
  table.Add({.name = "save",
             .arity = 1,
             .flags = F::kAdmin | F::kNoScript | F::kNoAsyncLoading | F::kNoMulti,
             .handler = CmdSave,
             .acl_categories = "@admin @slow @dangerous"});
  table.Add({.name = "bgsave",
             .arity = -1,
             .flags = F::kAdmin | F::kNoScript | F::kNoAsyncLoading,
             .handler = CmdBgsave,
             .acl_categories = "@admin @slow @dangerous"});
  table.Add({.name = "lastsave",
             .arity = 1,
             .flags = F::kLoading | F::kStale | F::kFast,
             .handler = CmdLastsave,
             .acl_categories = "@admin @fast @dangerous"});
}

}  // namespace duet
