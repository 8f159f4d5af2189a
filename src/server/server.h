// Server: owns everything of one duet instance — config, keyspace, clients, the command
// table, the event loop — and runs the request flow of DESIGN.md ("One request, end to end").
//
// Threading: every method runs on the event-loop thread. No globals: all state hangs off
// this object.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "commands/command_table.h"
#include "commands/key_extraction.h"
#include "common/clock.h"
#include "common/latency_monitor.h"
#include "config/config.h"
#include "config/config_table.h"
#include "keyspace/evictor.h"
#include "keyspace/keyspace.h"
#include "keyspace/undo_log.h"
#include "net/event_loop.h"
#include "net/parallel_sender.h"
#include "persistence/snapshot.h"
#include "scripting/function_store.h"
#include "scripting/lua_engine.h"
#include "server/acl.h"
#include "server/blocking.h"
#include "server/client.h"
#include "server/held_replies.h"
#include "server/memory_release.h"
#include "server/memory_stats.h"
#include "server/metrics_service.h"
#include "server/migrate_sockets.h"
#include "server/oom_score.h"
#include "server/propagation.h"
#include "server/pubsub.h"
#include "server/replica_link.h"
#include "server/replication.h"
#include "server/slowlog.h"
#include "server/stats.h"
#include "server/tracking.h"
#include "server/watch_registry.h"

namespace duet {

class AofState;
class ScriptRun;
class ServerContext;
namespace rdb {
struct LoadOptions;
}

class Server {
 public:
  Server(Config* config, ConfigTable* config_table, const Clock* clock);
  ~Server();

  // Opens the listening sockets; returns an error naming the address on failure.
  Status Start();
  // Runs the event loop until shutdown; returns the process exit code.
  int Run();
  // Asks the loop to stop after this iteration (SHUTDOWN, SIGTERM).
  void RequestShutdown() {
    shutdown_requested_ = true;
    loop_.Stop();
  }
  // Stops accepting connections (a SHUTDOWN that will exit: Redis's closeListeningSockets, so
  // no client connects in the moments the loop or a stopped script takes to unwind).
  void CloseListeners();

  // Executes one command for a client (the Dispatcher path). args[0] is the command name.
  // Returns false when the command was not run because clients are paused (CLIENT PAUSE);
  // the caller keeps it in the query buffer and retries after the pause.
  bool Execute(Client& client, std::span<const std::string_view> args);

  Config& config() { return *config_; }
  ConfigTable& config_table() { return *config_table_; }
  Keyspace& keyspace() { return keyspace_; }
  CommandTable& commands() { return commands_; }
  ServerStats& stats() { return stats_; }
  SlowLog& slowlog() { return slowlog_; }
  LatencyMonitor& latency_monitor() { return latency_monitor_; }
  // Records a latency spike of `event` when latency-monitor-threshold is set and `latency_ms`
  // reaches it (Redis's latencyAddSampleIfNeeded), stamped with the clock's current second.
  // Costs one compare when the monitor is off (every command calls it).
  void AddLatencySample(std::string_view event, int64_t latency_ms) {
    int64_t threshold = config_->latency_monitor_threshold;
    if (threshold != 0 && latency_ms >= threshold) {
      latency_monitor_.AddSample(event, latency_ms, clock_->NowMs() / 1000);
    }
  }
  const Clock& clock() const { return *clock_; }
  EventLoop& loop() { return loop_; }

  // Clients, in creation order (CLIENT LIST order).
  const std::unordered_map<uint64_t, std::unique_ptr<Client>>& clients() const { return clients_; }
  Client* FindClient(uint64_t id);
  // Closes a client now, or after the current command when it is the one executing.
  void CloseClient(Client& client);
  // Marks a client to have its output written before the loop sleeps.
  void QueueWrite(Client& client);

  // MONITOR: feeds a formatted line to every monitoring client.
  void FeedMonitors(const Client& from, std::span<const std::string_view> args);
  std::vector<uint64_t>& monitors() { return monitors_; }

  // CLIENT PAUSE. Pausing while paused keeps the later end and the stricter mode (ALL wins
  // over WRITE), as Redis does. Unpausing resumes the paused clients before the loop sleeps.
  void PauseClients(int64_t until_ms, bool write_only);
  void UnpauseClients();
  // Paused by CLIENT PAUSE or by a shutdown waiting for its replicas (writes only).
  bool paused() const { return pause_until_ms_ != 0 || shutdown_pause_; }
  bool shutdown_requested() const { return shutdown_requested_; }
  // SIGTERM/SIGINT: the shutdown (final save, then stop) runs from the next cron tick, as
  // Redis's shutdown_asap (so DEBUG PAUSE-CRON holds it and SHUTDOWN ABORT can cancel it).
  void ScheduleSignalShutdown(const char* signal_name) { signal_shutdown_ = signal_name; }
  // The non-blocking signalfd SIGTERM and SIGINT arrive on (main.cc blocks them): the event
  // loop reads it, and so does a foreground save between keys (a save holds the loop).
  void SetSignalFd(int fd) { signal_fd_ = fd; }
  // Reads every pending signal of the signalfd and handles each as Redis's
  // sigShutdownHandler: logs it and schedules the shutdown (ScheduleSignalShutdown); a SIGINT
  // while a signal's shutdown is pending or running (a second Ctrl-C, e.g. during the final
  // save) logs "You insist... exiting now.", removes the save's temp file and exits with
  // status 1 at once, without saving (Redis's "insist" path). Returns how many it read.
  int ReadShutdownSignals();
  // The shutdown sequence (server/shutdown.cc, Redis 7.0's prepareForShutdown): SHUTDOWN's
  // options, or those shutdown-on-sigterm/sigint give a signal.
  struct ShutdownFlags {
    bool save = false;
    bool nosave = false;
    bool now = false;
    bool force = false;
  };
  enum class ShutdownStep {
    kExit,     // the final save is done, the loop stops after this iteration
    kWaiting,  // replicas lag: writes are paused until they catch up or shutdown-timeout
    kFailed,   // the final save failed (logged): the server runs on
  };
  // Starts a shutdown (one already waiting for replicas: kWaiting, nothing changes). Unless
  // `now` or shutdown-timeout is 0, a master whose replicas have not acknowledged its whole
  // stream waits for them: writes paused, REPLCONF GETACK sent; the cron finishes it.
  ShutdownStep PrepareShutdown(ShutdownFlags flags);
  // SHUTDOWN's client waits for the outcome: blocked until the process exits, or until the
  // shutdown fails or is aborted (-ERR Errors trying to SHUTDOWN).
  void WaitForShutdown(Client& c, const CommandSpec& spec, std::span<const std::string_view> args);
  // INFO's mem_total_replication_buffers: the stream held for the backlog or for a replica
  // that has not been sent it yet (Redis shares one buffer between them: the larger).
  size_t ReplicationBufferBytes();
  // The memory of the replicas' output buffers: not counted for maxmemory (Redis's
  // freeMemoryGetNotCountedMemory), INFO's part of mem_not_counted_for_evict.
  size_t ReplicaOutputBufferBytes();
  // Whether a shutdown waits for replicas (INFO's shutdown_in_milliseconds).
  bool shutdown_initiated() const { return shutdown_deadline_ms_ != 0; }
  int64_t shutdown_deadline_ms() const { return shutdown_deadline_ms_; }
  // SHUTDOWN ABORT: cancels a shutdown waiting for replicas, or a signal's not started yet;
  // false when there is none.
  bool AbortShutdown();

  int64_t start_time_ms() const { return start_time_ms_; }
  uint64_t next_client_id() const { return next_client_id_; }
  int hz() const { return config_->hz; }
  uint64_t cron_loops() const { return cron_loops_; }
  std::string run_id() const { return run_id_; }
  // The client whose command is executing right now (nullptr outside Execute).
  Client* current_client() { return current_client_; }

  // ---- maxmemory (server/eviction.cc) ----
  enum class EvictResult { kOk, kRunning, kFail };
  // Redis's performEvictions: when used memory (minus what Redis does not count: the AOF
  // buffer) is over maxmemory, evicts keys under maxmemory-policy until it is not, for at
  // most maxmemory-eviction-tenacity's time budget (500 us by default). kOk: under the
  // limit; kRunning: still over, eviction goes on from the event loop between commands;
  // kFail: over and nothing can be evicted (noeviction, or volatile-* without TTL keys).
  EvictResult PerformEvictions();
  // Client eviction (maxmemory-clients): while all clients hold at least the limit between
  // them, closes the one holding the most among those that may be evicted (not CLIENT
  // NO-EVICT), counting evicted_clients. Runs before the loop sleeps, after the
  // writes, so only what a client has not taken (or sent without an end) counts.
  void EvictClientsOverLimit();
  // Whether `spec` is refused with -OOM when nothing can be evicted (Redis's denyoom rule,
  // with its MULTI/EXEC extension).
  bool DeniedWhenOom(const Client& c, const CommandSpec& spec, CmdFlag flags) const;
  // used_memory as the maxmemory check sees it.
  uint64_t UsedMemoryForEviction();
  // How long used memory has been over maxmemory right now, in us (0 when it is not).
  uint64_t CurrentEvictionExceededUs() const;
  UsedMemoryGauge& memory_gauge() { return memory_gauge_; }
  // Tests: replaces the allocator's figure with `fn` (e.g. derived from the key count).
  void SetUsedMemorySourceForTest(std::function<uint64_t()> fn) {
    used_memory_source_ = std::move(fn);
  }
  // ---- MULTI/EXEC/WATCH (server/transaction.cc) ----
  WatchRegistry& watches() { return watches_; }
  // A key changed: WATCHers' transactions fail (Redis's signalModifiedKey).
  // `by_client` false: an expiry or eviction, nobody's change (BCAST NOLOOP clients hear it).
  void SignalModifiedKey(int db, std::string_view key, bool by_client = true);
  // FLUSHDB/FLUSHALL/SWAPDB are about to replace `db` (see CommandContext::DatabaseReplaced).
  void SignalDatabaseReplaced(int db, int replaced_with);
  // WATCH's view of a key: present in the table, logically expired.
  WatchRegistry::KeyState ProbeKey(int db, std::string_view key);
  // EXEC: runs the queued commands (or fails as Redis does) and ends the transaction.
  void ExecTransaction(Client& client);
  // DISCARD/RESET/EXEC's end: forgets the queued commands and every WATCHed key.
  void DiscardTransaction(Client& client);

  // ---- blocking commands (server/server_blocking.cc) ----
  // CommandContext::Block for `client` running `spec` with `args`; false inside EXEC.
  bool BlockClient(Client& client, const CommandSpec& spec, std::span<const std::string_view> args,
                   std::span<const std::string_view> keys, int64_t deadline_ms,
                   bool wake_on_delete = false);
  // CLIENT UNBLOCK: ends `client`'s wait with the timeout reply, or with the UNBLOCKED error
  // when `with_error`. Returns false when it is not blocked.
  bool UnblockClient(Client& client, bool with_error);
  // Replies to and unblocks every client whose deadline has passed (called before sleeping
  // and from the cron; public for tests with a manual clock).
  void HandleBlockedTimeouts();
  const BlockingRegistry& blocking() const { return blocking_; }

  // ---- scripting (server/script_*.cc) ----
  scripting::LuaEngine& lua() { return *lua_; }
  scripting::FunctionStore& functions() { return *functions_; }
  // The client scripts run their commands as (not listed by CLIENT LIST).
  Client& script_client() { return *script_client_; }
  // The running script, nullptr when none (set by ScriptRun).
  ScriptRun* script_run() { return script_run_; }
  void set_script_run(ScriptRun* run) { script_run_ = run; }
  // Whether used memory was over maxmemory with nothing to evict when the current top-level
  // command started (Redis's pre_command_oom_state; scripts' -OOM rules use it).
  bool pre_command_oom() const { return pre_command_oom_; }
  // Runs `spec` for the running script on the script client, its reply encoded in RESP
  // `resp` and appended to *reply, or given to `sink` (when not null) as the command writes
  // it (ScriptHost::Call). Accounted as any command (commandstats, SLOWLOG, MONITOR).
  // `propagate_to`: where its effects go (redis.set_repl).
  void RunScriptCommand(const CommandSpec& spec, std::span<const std::string_view> args, int resp,
                        ReplySink* sink, std::string* reply, int propagate_to = kPropagateAll);
  // A script's redis.call was refused with `error`: errorstats and the command's
  // rejected_calls (spec may be null: unknown command).
  void CountScriptRejection(const CommandSpec* spec, std::string_view error);
  // MONITOR's feed of EVAL/FCALL, which are skip_monitor so they can show before the
  // commands they run.
  void FeedMonitorsForScript(const Client& c, std::span<const std::string_view> args) {
    if (!monitors_.empty()) FeedMonitors(c, args);
  }
  // The flags the dispatcher applies to `spec` called with `args`: a script's shebang flags
  // for EVAL/EVALSHA/FCALL (Redis's evalGetCommandFlags), else spec.flags.
  CmdFlag EffectiveFlags(const CommandSpec& spec, std::span<const std::string_view> args) const;
  // A script went past the threshold: its caller's socket waits (protectClient).
  void ScriptBusyStarted(ScriptRun& run);
  // ... and ended: the caller's socket is served again.
  void ScriptBusyEnded(ScriptRun& run);
  // Updates stats().scripting from the engines (INFO memory, MEMORY STATS).
  void RefreshScriptingStats();
  // SCRIPT KILL (is_eval) / FUNCTION KILL: replies OK, NOTBUSY, UNKILLABLE or BUSY.
  void KillScript(ReplyBuilder& reply, bool is_eval);

  // ---- Pub/Sub, keyspace notifications, tracking (server/server_pubsub.cc) ----
  PubSub& pubsub() { return pubsub_; }

  // ---- ACL (server/server_acl.cc) ----
  Acl& acl() { return acl_; }
  // The rule context: the command index and acl-pubsub-default.
  AclRuleContext AclContext() const;
  // aclfile ("" when unset) and acllog-max-len.
  std::string AclFileName() const;
  // Creates the users of `user` directives, then loads the aclfile (Redis's
  // ACLLoadUsersAtStartup); an error is the text to log before exiting.
  Status LoadAclAtStartup();
  // The permission check of a command about to run or be queued (toplevel or MULTI): on
  // denial it is rejected with Redis's -NOPERM text and logged; returns true then.
  bool RejectedByAcl(Client& c, const CommandSpec& spec, std::span<const std::string_view> args);
  // Checks a command EXEC is about to run; on denial replies Redis's EXEC -NOPERM text.
  bool RejectedByAclInExec(Client& c, const CommandSpec& spec,
                           std::span<const std::string_view> args);
  // The check of a script's redis.call for `caller`: "" or the rejection text.
  std::string_view ScriptAclRejection(Client& caller, const CommandSpec& spec,
                                      std::span<const std::string_view> args);
  // Adds an ACL LOG entry for client `c` (a script's denials are its caller's).
  // `argv` is the command the client holds (CLIENT INFO's argv-mem=).
  void AddAclLogEntry(const Client& c, AclResult reason, AclLogContext context, std::string object,
                      std::string_view username, std::span<const std::string_view> argv);
  // AUTH / HELLO AUTH: on success `c` is that user; on failure the attempt is logged.
  bool AuthenticateClient(Client& c, std::string_view user, std::string_view pass,
                          std::string_view command_as_sent);
  // SORT BY/GET: one selector of the user of `c` (a script's caller) allows the command and
  // read access to every key (Redis's ACLUserCheckCmdWithUnrestrictedKeyAccess).
  bool UserMayReadAnyKey(const Client& c, const CommandSpec& spec,
                         std::span<const std::string_view> args) const;
  // Puts `c` back to the default user (RESET, new connections).
  void SetDefaultUser(Client& c);
  // The clients of a deleted user lose it and are closed (after their reply when it is the
  // one running the command), as Redis's ACLFreeUserAndKillClients.
  void CloseClientsOfUser(const AclUser* user);
  // After `user` changed from `before`: subscribers whose channels it no longer allows are
  // closed (Redis's ACLKillPubsubClientsIfNeeded).
  void KillRevokedSubscribers(const AclUser& before, const AclUser& user);
  MigrateSockets& migrate_sockets() { return migrate_sockets_; }
  // Delivers `message` to the subscribers of `channel` (shard channels when `shard`; else
  // also to the patterns matching it). Returns the number of deliveries (Redis's receivers).
  size_t Publish(std::string_view channel, std::string_view message, bool shard);
  // Appends push bytes to `c`'s output (delivered even under CLIENT REPLY OFF, as Redis's
  // CLIENT_PUSHING) and applies client-output-buffer-limit: a client over its hard limit, or
  // over its soft limit for longer than allowed, is closed before the loop sleeps.
  void Push(Client& c, std::string_view bytes);
  void CheckOutputBufferLimits(Client& c);
  // Redis's notifyKeyspaceEvent: publishes `event` on __keyspace@<db>__:<key> and `key` on
  // __keyevent@<db>__:<event>, as notify-keyspace-events asks for class `type`.
  void NotifyKeyspaceEvent(int type, std::string_view event, std::string_view key, int db);
  // CLIENT TRACKING ON (options already validated) / OFF.
  void EnableTracking(Client& c, uint64_t redirect, const ClientTracking& options,
                      const std::vector<std::string>& prefixes);
  void DisableTracking(Client& c);
  TrackingTable& tracking() { return tracking_; }
  // A key changed: tells the clients that read it (Redis's trackingInvalidateKey); with
  // `bcast`, also queues it for the BCAST prefixes it falls under.
  // `changer`: the client whose command changed it (null for expiries and evictions).
  void TrackingInvalidateKey(std::string_view key, bool bcast, const Client* changer);
  // FLUSHDB/FLUSHALL: every tracking client gets a null invalidation; the table empties.
  void TrackingInvalidateAllOnFlush();

  // ---- client buffers (server/clients_cron.cc) ----
  // Redis's clientsCron, once per cron tick: visits numclients/hz clients (at least 5, or
  // all of them when fewer) in turn and resizes their query and reply buffers as Redis
  // 7.0.15 does (clientsCronResizeQueryBuffer / clientsCronResizeOutputBuffer).
  void ClientsCron(int64_t now_ms);
  // The cron's two steps for one client (public for tests).
  void ResizeQueryBuffer(Client& c, int64_t now_ms);
  void ResizeReplyBuffer(Client& c, int64_t now_ms);
  // DEBUG REPLYBUFFER PEAK-RESET-TIME <never|reset|ms> / RESIZING <0|1>; `cmd` and `sub`
  // are DEBUG and REPLYBUFFER as the client typed them (for the syntax error). Replies.
  void DebugReplyBuffer(ReplyBuilder& reply, std::string_view cmd, std::string_view sub,
                        std::string_view option, std::string_view value);

  // Tests: registers a socket-less client (FindClient, CLIENT LIST and pushes see it).
  Client& AddClientForTest(std::unique_ptr<Client> c) {
    Client& ref = *c;
    clients_.emplace(c->id(), std::move(c));
    return ref;
  }

  // ---- serving while blocked, loading the dataset (server/loading.cc) ----
  // Redis's processEventsWhileBlocked, for work that holds the loop (a script past
  // busy-reply-threshold, a load): serves the ready events a few rounds without sleeping
  // (other clients get -BUSY or -LOADING but for the commands allowed then), writes their
  // replies (after the AOF buffer), and acts on a signal's shutdown during a load. Timers
  // (the cron) do not run meanwhile.
  void ProcessEventsWhileBlocked();
  // Redis's protectClient: `c`'s command runs on while the loop serves others; its socket's
  // events wait and it is not freed until UnprotectClient.
  void ProtectClient(Client& c) { c.is_protected = true; }
  void UnprotectClient(Client& c);
  // Whether the dataset is loading (Redis's server.loading): commands without the loading
  // flag get -LOADING, nothing propagates, nothing is evicted.
  bool loading() const { return stats_.persistence.loading; }
  // Redis's startLoading: INFO's loading fields start over for a load of `total_bytes`
  // (the sum of the files); key-load-delay and loading-process-events-interval-bytes are
  // read for this load.
  void StartLoading(uint64_t total_bytes);
  // Redis's stopLoading.
  void StopLoading();
  // The load has read `loaded_bytes` of the total: INFO's progress, then the other clients
  // are served (ProcessEventsWhileBlocked). Returns false when the server is to shut down
  // (SHUTDOWN, or SIGTERM/SIGINT meanwhile): the loader stops at once.
  bool LoadingProgress(uint64_t loaded_bytes);
  // key-load-delay (a test hook): after each key (RDB) or command (AOF) loaded, sleeps that
  // many microseconds (a negative -N sleeps 1 us once in N, as Redis's debugDelay).
  void KeyLoadDelay();
  // The RDB loader's hooks for a file whose first byte is byte `file_offset` of the load:
  // LoadingProgress every loading-process-events-interval-bytes, KeyLoadDelay after each
  // key, loading_rdb_used_mem from the file's used-mem aux field.
  void SetLoadingHooks(rdb::LoadOptions* opts, uint64_t file_offset);

  // ---- RDB persistence (server/rdb_server.cc) ----
  // Writes the dataset to `dbfilename` in the working directory now (SAVE, save points,
  // BGSAVE, DEBUG RELOAD, SHUTDOWN), logging as Redis does. On success the dirty counter
  // restarts and LASTSAVE moves; a failure is logged, sets rdb_last_bgsave_status to err
  // (which -MISCONF's writes under stop-writes-on-bgsave-error) and is returned.
  // `background`: BGSAVE or a save point (a failure is remembered for -MISCONF, as a child's
  // would be); SAVE, SHUTDOWN and DEBUG RELOAD save in the foreground.
  Status SaveRdb(bool background = false);
  // Loads `dbfilename` into the keyspace (startup, DEBUG RELOAD); a missing file loads
  // nothing. `replace`: keys and function libraries already present are replaced (DEBUG RELOAD
  // MERGE). The error names the file and the byte offset of the problem. Clients are served
  // meanwhile (LoadingProgress); a shutdown requested then stops the load with
  // rdb::kLoadStopped. `keep_expired`: keys whose TTL has passed are loaded too (a replica
  // loading its master's image: the master's DELs remove them).
  Status LoadRdb(bool replace = false, bool keep_expired = false);
  // SHUTDOWN's and SIGTERM's final save: always with `save`, never with `nosave`, else when
  // save points are configured. Returns false when the save failed and not `force` (the
  // server then keeps running).
  bool SaveBeforeShutdown(bool save, bool nosave, bool force);
  // Whether write commands get -MISCONF (the last save failed, save points are configured
  // and stop-writes-on-bgsave-error is on).
  bool WritesDeniedBySaveError() const;
  // Whether write commands get -NOREPLICAS: a master (not a replica) with min-replicas-to-write
  // and min-replicas-max-lag both set has fewer good replicas than that (Redis's
  // checkGoodReplicasStatus).
  bool WritesDeniedByReplicas() const;
  // Replicas whose last ACK is at most min-replicas-max-lag seconds old.
  size_t GoodReplicas() const;
  // The cron's check of the `save` points.
  void CheckSavePoints(int64_t now_ms);

  // ---- background snapshots (server/snapshot_server.cc, persistence/snapshot.h) ----
  enum class SnapshotPurpose { kNone, kRdb, kAofBase };
  // BGSAVE / a save point: starts writing `dbfilename` from a point-in-time snapshot while
  // the server keeps serving ("Background saving started by pid" in the log). An error
  // (another snapshot runs, the temp file cannot be opened) is logged and returned.
  Status StartBackgroundSave();
  // What the running snapshot is for (kNone: none runs).
  SnapshotPurpose snapshot_purpose() const { return snapshot_purpose_; }
  // BGSAVE SCHEDULE / BGSAVE inside EXEC while another snapshot runs: started by the cron
  // once none runs.
  void ScheduleBgsave() { bgsave_scheduled_ = true; }
  // Before a write command runs (Call, a served blocked client): every key it may touch is
  // captured by the running snapshot first; FLUSHDB/SWAPDB finish it first, FLUSHALL stops a
  // BGSAVE (as Redis kills the child) and finishes an AOF rewrite's base first.
  void SnapshotBeforeCommand(int db, const CommandSpec& spec,
                             std::span<const std::string_view> args);
  // Calls fn(db, key) for every key a write command may change: its keys in `db`, MOVE's
  // and COPY ... DB's target in the other database too (not FLUSHDB/FLUSHALL/SWAPDB's).
  void ForEachWrittenKey(int db, const CommandSpec& spec, std::span<const std::string_view> args,
                         const std::function<void(int, std::string_view)>& fn);
  // Before a key leaves without a command (eviction).
  void SnapshotBeforeFree(int db, const Entry& e) {
    if (snapshot_) snapshot_->BeforeFree(db, e, keyspace_.ctx().lru_clock);
  }
  // Whether a client's write must wait for the running snapshot (a key it writes is a big
  // key whose record is being written in steps, or is queued for it: Snapshot::WriteMustWait;
  // EXEC asks for every queued write, a script for its declared keys). Then the client is
  // held like a paused one (the caller leaves the command in its query buffer) and resumed
  // when a job is done. Writers that cannot wait (the master, a script's calls, a served
  // blocked client, AOF loading) are never held: their BeforeWrite finishes the key at once.
  bool SnapshotHolds(Client& c, const CommandSpec& spec, CmdFlag flags,
                     std::span<const std::string_view> args);
  // Resumes the clients SnapshotHolds held (from BeforeSleep, as unpaused clients).
  void ResumeSnapshotHeld();
  // Test hook: snapshots started from now on run one job step of `units` elements per tick
  // (Snapshot::Options::job_step_units), so a test sees a big key's record in progress.
  void SetSnapshotJobStepForTest(size_t units) { snapshot_job_step_units_ = units; }
  // Encodes the rest of the running snapshot now (a reload, a wholesale change).
  void SnapshotDrain();
  // Stops the running snapshot and removes its temp file (SHUTDOWN, FLUSHALL during BGSAVE).
  void AbortSnapshot();
  // One bounded slice of the running snapshot (BeforeSleep) and its completion (also from
  // the cron).
  void SnapshotTick();

  // ---- SCRIPT DEBUG YES sessions (server/ldb_rollback.cc, keyspace/undo_log.h) ----
  // While one lives, every key a write may change is remembered first (UndoBeforeCommand
  // from the dispatcher, expired and evicted entries, FLUSHDB/FLUSHALL/SWAPDB's databases)
  // and nothing of the session leaks out: no keyspace events, tracking invalidations or
  // WATCH touches, no save of FLUSHALL; when it ends the keys are put back, the effects
  // queued for the AOF and replicas, the blocked clients made ready and the dirty/expiry/
  // hit counters are dropped or restored (Redis's forked session, whose dataset nobody
  // sees). One at a time (the session blocks the server).
  class RollbackSession {
   public:
    explicit RollbackSession(Server& server);
    ~RollbackSession();
    RollbackSession(const RollbackSession&) = delete;
    RollbackSession& operator=(const RollbackSession&) = delete;

   private:
    Server& server_;
    uint64_t dirty_;
    uint64_t expired_keys_;
    uint64_t keyspace_hits_;
    uint64_t keyspace_misses_;
    size_t propagation_pending_;
    std::vector<DbKey> ready_;
  };
  bool in_rollback_session() const { return undo_ != nullptr; }
  // Before a write command runs inside a rollback session.
  void UndoBeforeCommand(int db, const CommandSpec& spec, std::span<const std::string_view> args);

  // ---- AOF persistence (server/aof_server.cc) ----
  // Startup: the AOF manifest is read (a bad one is an error); with appendonly the AOF is
  // loaded (Redis 7's upgrade of a single appendonly.aof first) and opened for appending
  // (creating the base, the incremental file and the manifest when missing), else the RDB
  // is loaded. Errors name the file (and the log the offset); the caller exits. Clients are
  // served while it loads (-LOADING but for the commands with the loading flag); a shutdown
  // requested meanwhile stops the load with rdb::kLoadStopped (the caller exits, saving
  // nothing).
  Status LoadDataAtStartup();
  // The message of a LoadDataAtStartup error whose lines were logged already (Redis's last
  // line is what tools and tests read, so nothing follows it).
  static constexpr std::string_view kErrorLogged = "(error logged)";
  // Loads the files of the manifest into the keyspace (startup, DEBUG LOADAOF), serving
  // clients meanwhile as LoadRdb; *loaded tells whether there was anything to load.
  Status LoadAof(bool* loaded);
  // Writes the buffered commands with one write() and fsyncs as appendfsync says (BeforeSleep,
  // before any reply leaves; the cron). `force`: write even while an everysec fsync runs.
  // A failed write under `always` exits (as Redis: the replies are promised durable);
  // otherwise writes get -MISCONF until a retry succeeds.
  void FlushAof(bool force);
  // DEBUG LOADAOF: the buffer written, the keyspace emptied, the manifest read again (so
  // sequence numbers continue from the files), history files removed, the AOF loaded.
  Status DebugLoadAof();
  // Removes the history files of the manifest unless aof-disable-auto-gc (after a rewrite,
  // on CONFIG SET aof-disable-auto-gc no, DEBUG LOADAOF).
  void DeleteAofHistory();
  // Once per cron tick: retries, everysec fsyncs, automatic and scheduled rewrites.
  void AofCron();
  // BGREWRITEAOF / automatic rewrite: a new incremental file is opened at once, the new
  // base is written from a background snapshot, then the manifest switches to it and the
  // older files are retired (and removed unless aof-disable-auto-gc). An error starting it
  // is logged and returned.
  Status RewriteAof();
  // The background rewrite's base is written (or failed): switch the manifest.
  void FinishAofRewrite(const Status& st);
  // CONFIG SET appendonly yes (with the initial rewrite) / no.
  Status StartAof();
  void StopAof();
  // SHUTDOWN / SIGTERM: the buffer written and fsynced.
  void ShutdownAof();
  bool aof_on() const { return aof_on_; }
  // Whether write commands get -MISCONF because the AOF could not be written; *err gets the
  // error text.
  bool WritesDeniedByAofError(std::string* err) const;

  // ---- replication, master side (server/replication_server.cc) ----
  ReplicationFeed& replication() { return replication_; }
  // SYNC / PSYNC: sends `c` a full resynchronization (PSYNC: "+FULLRESYNC <replid> <offset>"
  // first) and attaches it as a replica.
  // A PSYNC whose replication ID and offset (the first byte wanted) the backlog can continue
  // gets "+CONTINUE [<replid>]" and the backlog from there instead.
  void AttachReplica(Client& c, bool psync, std::string_view requested_replid,
                     int64_t requested_offset);
  // "ip:port" of a replica as Redis's replicationGetSlaveName names it in the log.
  std::string ReplicaName(const Client& c) const;
  // REPLCONF ACK <offset> from replica `c`.
  void ReplicaAcked(Client& c, int64_t offset);
  // WAIT: parks `c` until `numreplicas` replicas acknowledged `offset` or `deadline_ms`
  // (0: none). False when it may not block (inside MULTI/EXEC).
  bool BlockForReplicas(Client& c, const CommandSpec& spec, std::span<const std::string_view> args,
                        int64_t deadline_ms, int64_t offset, int64_t numreplicas);

  // ---- replication, replica side (server/replica_server.cc) ----
  // Whether this server is a replica (REPLICAOF host port, or the replicaof directive).
  bool is_replica_of_master() const { return !master_host_.empty(); }
  const std::string& master_host() const { return master_host_; }
  int master_port() const { return master_port_; }
  // REPLICAOF host port: drops any current master, keeps the dataset and connects (the
  // handshake and the sync run from the event loop). Already following host:port: false,
  // nothing done.
  bool SetMaster(const std::string& host, int port);
  // Startup: the replicaof directive makes this a replica (the cron connects).
  void ApplyReplicaofDirective();
  // REPLICAOF NO ONE: stops replicating; the replication ID moves to replid2 up to the
  // current offset and a new one starts; sub-replicas are disconnected (they can continue).
  void UnsetMaster();
  // The master client, when the link is up.
  Client* master_client();
  // Whether the link to the master is up (master_link_status:up).
  bool master_link_up() { return master_client() != nullptr; }
  // A replica whose link is down under replica-serve-stale-data no: only the commands with
  // the stale flag run.
  bool replica_stale() {
    return is_replica_of_master() && !master_link_up() &&
           config_table_->GetValue("replica-serve-stale-data") == "no";
  }
  // REPLCONF GETACK from the master: REPLCONF ACK <offset> on the master link.
  void SendAckToMaster();
  // INFO replication's replica fields (role:slave ... replica_announced).
  void AppendReplicaInfo(std::string& out);
  // ROLE as a replica.
  void ReplyRoleAsReplica(ReplyBuilder& r);
  const std::string& replid2() const { return replid2_; }
  int64_t second_replid_offset() const { return second_replid_offset_; }
  // Redis's shiftReplicationId: replid2 := replid up to offset + 1, a new replid.
  void ShiftReplicationId();

  // ---- propagation (server/propagation.h) ----
  Propagator& propagator() { return propagator_; }
  // Hands what is queued to the targets, unwrapped: effects produced outside any command
  // (active expiry, eviction, a lookup between commands).
  void FlushPropagationOutsideCommands() {
    if (propagator_.pending() != 0 && !current_client_) propagator_.Flush(false);
  }

  // Called by CONFIG SET after a directive changed.
  std::string ApplyConfigChange(const std::string& name);
  // oom-score-adj for this process's class (replica while it has a master). False when
  // /proc/self/oom_score_adj could not be read or written (logged).
  bool ApplyOomScoreAdj();

 private:
  void OnAccept(int listen_fd, bool is_unix);
  void OnClientEvent(int fd, uint64_t id, uint32_t events);
  // The live client `id` on socket `fd`, or nullptr once it was freed: an array read instead
  // of FindClient's hash lookup, for the per-request paths.
  Client* LiveClient(int fd, uint64_t id) const {
    Client* c = static_cast<size_t>(fd) < clients_by_fd_.size() ? clients_by_fd_[fd] : nullptr;
    return c && c->id() == id ? c : nullptr;
  }
  // A client socket's events. Edge-triggered: the kernel does not re-check a drained socket
  // on every epoll_wait (a measurable share of CPU per request at -P 1); EPOLLRDHUP tells a
  // short read that the end of the stream is already there (see ReadFromClient).
  static constexpr uint32_t kClientEvents = EPOLLIN | EPOLLRDHUP | EPOLLET;
  void ReadFromClient(Client& client);
  // After the writes of an iteration: the reads of read_at_end_ (which find the end of the
  // stream and free the client, its queued replies sent first, as Redis's order has it).
  void ReadAtEnd();
  void ProcessInput(Client& client);
  // Execute without CLIENT REPLY's muting; false when paused.
  bool Dispatch(Client& client, std::span<const std::string_view> args);
  // Runs the handler and accounts for it (stats, SLOWLOG, MONITOR); a command that blocks is
  // accounted when it unblocks. Used by Dispatch and EXEC.
  // `start_us` is the wall clock when the command started (CommandStartUs).
  void Call(Client& client, const CommandSpec& spec, std::span<const std::string_view> args,
            int64_t start_us);
  // The wall clock (µs) at which the next command starts: read from the Clock, except while
  // ProcessInput runs a batch, where each command starts when the previous one ended. That
  // is one clock read per command instead of three (start time, duration start, duration
  // end), a measurable share of a pipelined command's CPU.
  int64_t CommandStartUs();
  void EndClockChain(bool outer_chain) {
    chain_clock_ = outer_chain;
    if (!outer_chain) chained_clock_us_ = 0;
  }
  // MONITOR's feed for one command, unless its flags hide it (admin, skip-monitor).
  void FeedMonitorsIfWanted(const Client& client, const CommandSpec& spec,
                            std::span<const std::string_view> args);
  // The accounting part of Call.
  void RecordCall(Client& client, const CommandSpec& spec, std::span<const std::string_view> args,
                  int64_t duration_us, bool failed);
  // AOF internals (server/aof_server.cc).
  enum class AofLoadResult {
    kOk,
    kNotExist,
    kEmpty,
    kOpenErr,
    kFailed,
    kTruncated,
    kTruncatedNotLast,
    kStopped  // a shutdown was requested while it loaded
  };
  std::string AofPath(const std::string& name) const;
  // A snapshot's options from the config (paths left to the caller).
  rdb::Snapshot::Options SnapshotOptions(int64_t now_ms, bool aof_base);
  // rdb-key-save-delay (a test hook: microseconds per key saved; Redis's negative values
  // sleep 1 µs now and then, which is as good as none here, so they count as 0).
  int64_t KeySaveDelayUs() const;
  // After each key of a foreground save (SaveRdb): waits rdb-key-save-delay, as Redis's
  // rdbSaveRio does in every save, reading the shutdown signals meanwhile, and otherwise
  // reads them every 1024 keys, so a second SIGINT ends a long final save at once.
  // `keys`: the save's key count so far.
  void AfterKeySaved(int64_t delay_us, uint64_t* keys);
  // Starts a background snapshot into snapshot_ (rdb::Snapshot::Start). A started one counts
  // in INFO total_forks, and the time its start took is latest_fork_usec: the background
  // job stands where Redis forks a child, and monitoring (and Redis's tests) read these
  // fields to see that one began.
  Status StartSnapshot(const rdb::Snapshot::Options& o);
  Status LoadAofManifest();
  Status LoadAofFiles(bool* loaded);
  // `load_offset`: the bytes of the files loaded before this one (INFO's progress).
  AofLoadResult LoadAofFile(const std::string& name, bool last_file, uint64_t load_offset);
  // A signal's shutdown during a load (Redis's whileBlockedCron): nothing is saved.
  void WhileBlockedCron();
  // The pending signal's shutdown (from the cron; during a load with `nosave`), with the
  // signal's shutdown-on-* flags: PrepareShutdown. Returns whether the loop stops.
  bool ShutdownOnSignal(bool during_load);
  // From the cron: a signal's shutdown, or the end of the wait for replicas. Returns whether
  // the loop stops.
  bool ShutdownCron(int64_t now_ms);
  ShutdownFlags SignalShutdownFlags(const char* signal_name);
  // Every replica acknowledged master_repl_offset (Redis's isReadyToShutdown).
  bool ReadyToShutdown() const;
  // Logs the lagging replicas, makes the final save and stops the loop; a failed save
  // cancels the shutdown. Returns whether the loop stops.
  bool FinishShutdown();
  // The blocked SHUTDOWN clients get the error, writes resume.
  void CancelShutdown();
  // Runs one command read from an AOF on the loader's client, as Redis's loader calls the
  // command's proc directly: the handler with Call's effects on the data (expiry, snapshot,
  // dirty, propagation, invalidations) but none of its accounting (timing, commandstats,
  // SLOWLOG, latency, MONITOR). EXEC and scripts go through Call.
  void CallFromAof(Client& c, const CommandSpec& spec, std::span<const std::string_view> args);
  // The part of Call and CallFromAof that acts on the data: makes `c` the current client
  // (the caller of scripts when top level), shows writes expired keys as gone, lets a
  // background snapshot copy what a write may change, and runs the handler (an exception is
  // an error reply, never a crash). Returns the client that was current before (EXEC and
  // scripts nest calls); hand it to LeaveCall once the call's effects are propagated.
  Client* EnterAndRunHandler(ServerContext& ctx, Client& c, const CommandSpec& spec,
                             std::span<const std::string_view> args);
  // Call's closing steps: restores the outer current client, sends a top-level call's own
  // tracking invalidations and counts its changes in the dirty counter.
  void LeaveCall(Client& c, const CommandContext& ctx, Client* outer);
  Status OpenAofOnStart();
  Status WriteAofBase(const std::string& path);
  void RefreshAofSizes();
  void SyncAofStats();
  // Group commit under appendfsync always: whether it is on (always, and not suspended by
  // no-appendfsync-on-rewrite), the AOF offset the output of this iteration must wait for
  // (0: none), and the offset known durable.
  bool AofGroupCommit() const;
  uint64_t AofOffsetToAwait() const;
  uint64_t AofDurableOffset() const;
  // Queues an fdatasync of `fd` (then its close) on the fsync thread, remembering which AOF
  // offset it makes durable.
  void SubmitAofFsync(int fd, bool close_after);
  // Starts the next fsync when a thread is free and written bytes are not durable yet (under
  // always, or while replies are held).
  void PumpAofFsync();
  // Before the loop sleeps: under the group commit, caps the next iteration at
  // AofState::kAlwaysBatchEvents ready events.
  void PaceAofGroupCommit();
  // Accounts for the fsyncs that completed (the durable offset, latency samples); exits as
  // Redis does when one failed under always.
  void CollectAofFsyncs();
  // The fsync thread's wake-up (an eventfd in the event loop): collect, release, pump.
  void OnAofFsyncDone();
  // Makes everything written durable now, on this thread, and releases every held reply
  // (SHUTDOWN, CONFIG SET appendonly no, replies sent while a script is busy).
  void SyncAofAndRelease();
  // appendfsync always (server/aof_preextend.cc): makes sure the open incremental file has
  // filler ahead of its data for `need` more bytes, extending it by
  // AofState::kPreextendChunk when less than kPreextendLowWater would be left; drops the
  // filler when pre-extension is not wanted (another fsync policy, DEBUG AOF-FLUSH-SLEEP).
  // Returns whether the next write goes over filler (pwrite at the logical end).
  bool PreextendAof(size_t need);
  // Truncates the filler off the open incremental file at its logical end and goes back to
  // appending (before the file is closed, replaced or loaded, and at shutdown).
  void DropAofFiller();
  // Sends the output whose hold `durable` covers.
  void ReleaseHeldReplies(uint64_t durable);
  // Queues the effect of a call that just ran (its propagated form when it made the dataset
  // dirty) and, for a top-level call, flushes the queue (Redis's call() + afterCommand).
  void PropagateCall(const Client& client, const CommandSpec& spec, const CommandContext& ctx,
                     std::span<const std::string_view> args, bool top_level);
  // Re-runs the blocked commands waiting on keys that became ready, until none is left.
  void ServeReadyKeys();
  // Re-runs `client`'s blocked command for the ready `key`.
  void RerunBlocked(Client& client, const std::string& key);
  // Early sends (server/server_blocking.cc): while ServeReadyKeys serves kParallelSendMin or
  // more waiters of one key, each served client's reply goes to the ParallelSender (a copy,
  // one per distinct reply) as soon as it exists, so the helper thread sends while the next
  // readers are served. Only for a client that had no output pending before (its reply is
  // then all it has to send: nothing is reordered) and with no AOF (replies wait for the
  // AOF write of the iteration). FinishEarlySends waits for the sends and counts the bytes
  // as written; FlushPendingWrites then does each client's bookkeeping.
  bool CanSendEarly() const;
  void SendEarly(Client& client);
  void FinishEarlySends();
  // Ends a block: forgets the registration, accounts for the command, resumes input.
  void FinishBlocked(Client& client);
  bool WriteToClient(Client& client);
  // Tracking internals (server/server_pubsub.cc).
  void SendTrackingMessage(Client& c, std::string_view payload);
  void SendKeyInvalidation(Client& c, std::string_view key);
  void FlushPendingInvalidations(Client& c);
  void TrackingRememberKeys(Client& c, const CommandSpec& spec,
                            std::span<const std::string_view> args);
  void BroadcastTrackingInvalidations();
  void TrackingLimitKeys();
  void FreeClient(uint64_t id);
  void BeforeSleep();
  // Writes the output of the clients queued with QueueWrite (but script-protected ones).
  void FlushPendingWrites();
  // Writes `clients` (kParallelSendMin or more, each with output allowed) with the
  // ParallelSender's two threads, then finishes each with WriteToClient (bookkeeping, partial
  // writes, errors) on this thread.
  void WriteClientsInParallel(std::span<Client* const> clients);
  void Cron();
  bool ProtectedModeRejects(const Client& client) const;
  bool IsPausedFor(const Client& client, const CommandSpec& spec, CmdFlag flags) const;
  void Reject(Client& client, const CommandSpec* spec, std::string_view error);
  void CountError(std::string_view error);
  // CONFIG SET port/bind: re-opens the TCP listeners; "" or `error_text` (server/config_apply.cc).
  std::string RebindTcp(const std::string& error_text);
  // notify-keyspace-events -> the keyspace's "new" / "keymiss" hooks.
  void ApplyNotifyConfig();
  // lazyfree-lazy-expire / lazyfree-lazy-server-del -> the keyspace's freer hooks.
  void ApplyLazyFreeConfig();
  // repl-backlog-size into the backlog (at startup, and on CONFIG SET, which also raises a
  // size under Redis's 16 KB minimum).
  void ApplyReplBacklogSize(bool config_set);
  // jemalloc-bg-thread ("yes" unless set to "no"), as Redis applies it at startup and on
  // CONFIG SET.
  void ApplyAllocatorConfig();
  // CONFIG SET hz: re-arms the cron timer at the new frequency.
  void RearmCron();

  Config* config_;
  ConfigTable* config_table_;
  const Clock* clock_;
  EventLoop loop_;
  Keyspace keyspace_;
  CommandTable commands_;
  ServerStats stats_;
  SlowLog slowlog_;
  OomScoreAdjuster oom_score_;
  LatencyMonitor latency_monitor_;
  std::vector<int> listen_fds_;
  std::unordered_map<uint64_t, std::unique_ptr<Client>> clients_;
  std::vector<Client*> clients_by_fd_;  // the same clients, indexed by socket (LiveClient)
  // Clients with output to write before sleeping, as (fd, id): resolved with LiveClient.
  std::vector<std::pair<int, uint64_t>> pending_writes_;
  // A batch of at least this many clients to write is split with a second thread (not less:
  // handing a batch over costs a wake-up per loop iteration, which PUBLISH to 100
  // subscribers pays on every batch: +13% CPU per delivery at 64).
  static constexpr size_t kParallelSendMin = 256;
  ParallelSender sender_;
  std::vector<Client*> write_batch_;  // FlushPendingWrites' scratch
  std::vector<ParallelSender::Job> send_jobs_;
  std::vector<ParallelSender::Job> early_jobs_;          // the streamed batch's storage
  std::vector<std::pair<int, uint64_t>> early_clients_;  // (fd, id) per early job
  std::deque<std::string> early_replies_;                // the bytes early jobs point into
  std::vector<uint64_t> pending_close_;
  std::vector<uint64_t> more_input_;  // clients whose last read filled the buffer
  // Clients whose socket ends (peer_closed, or a read saw the end while replies were
  // queued): read again after this iteration's writes, which frees them (ReadAtEnd).
  std::vector<uint64_t> read_at_end_;
  std::vector<uint64_t> monitors_;
  std::vector<uint64_t> unpaused_;   // clients to resume in BeforeSleep after a pause ended
  std::vector<uint64_t> unblocked_;  // clients whose block ended: process their held input
  WatchRegistry watches_;
  PubSub pubsub_;
  Acl acl_;
  MigrateSockets migrate_sockets_;  // MIGRATE's cached connections
  TrackingTable tracking_;
  // Invalidations for the running client, sent after its reply; nullopt: a flush.
  std::vector<std::optional<std::string>> pending_invalidations_;
  int tracking_limit_effort_ = 0;
  // The client of the top-level command running now (a script's caller, EXEC's client):
  // Redis's server.current_client, which tracking compares with (NOLOOP, pending
  // invalidations); null outside commands and for expiries/evictions. With its command.
  Client* caller_ = nullptr;
  const CommandSpec* caller_spec_ = nullptr;
  std::span<const std::string_view> caller_args_;
  BlockingRegistry blocking_;
  uint64_t next_client_id_ = 1;
  int64_t start_time_ms_ = 0;
  uint64_t cron_loops_ = 0;
  int64_t last_save_try_ms_ = 0;  // CheckSavePoints' last attempt
  // The running load's key-load-delay and loading-process-events-interval-bytes.
  int64_t key_load_delay_us_ = 0;
  uint64_t loading_interval_bytes_ = 2 * 1024 * 1024;
  uint64_t key_load_count_ = 0;       // keys loaded, for a negative key-load-delay
  int64_t last_blocked_cron_ms_ = 0;  // WhileBlockedCron's last memory sample
  bool shutdown_requested_ = false;
  const char* signal_shutdown_ = nullptr;  // the signal whose shutdown the cron runs
  int signal_fd_ = -1;                     // SetSignalFd
  int64_t shutdown_deadline_ms_ = 0;       // waiting for replicas until then (shutdown_mstime)
  ShutdownFlags shutdown_flags_;
  std::vector<uint64_t> shutdown_waiters_;   // clients blocked in SHUTDOWN
  bool shutdown_pause_ = false;              // writes paused while the shutdown waits
  int script_propagate_to_ = kPropagateAll;  // the running script call's redis.set_repl
  Client* current_client_ = nullptr;
  bool chain_clock_ = false;      // ProcessInput is running a batch (see CommandStartUs)
  int64_t chained_clock_us_ = 0;  // when the batch's previous command ended; 0: none yet
  int64_t pause_until_ms_ = 0;
  bool pause_write_only_ = false;
  std::string run_id_;
  uint64_t cron_timer_id_ = 0;
  size_t clients_cron_fd_ = 0;  // where ClientsCron's round over clients_by_fd_ resumes
  // DEBUG REPLYBUFFER: how often a client's reply peak restarts (ms, -1 never), and whether
  // the cron resizes reply buffers at all.
  int64_t reply_peak_reset_ms_ = 5000;
  bool reply_buffer_resizing_ = true;
  Propagator propagator_;
  void SendToReplica(uint64_t client_id, std::string_view bytes);
  void ReplicationCron(int64_t now_ms);
  // WAIT's clients whose replicas have acknowledged enough get their reply (beforeSleep).
  void ServeWaitingForAcks();
  ReplicationFeed replication_{
      [this](uint64_t id, std::string_view bytes) { SendToReplica(id, bytes); }};
  // Replica side (server/replica_server.cc).
  void ConnectToMaster();
  void OnMasterLinkFinished(ReplicaLink::Outcome out);
  // Loads the RDB a full resynchronization received; false (logged) when it failed.
  bool LoadMasterRdb(const std::string& temp_path);
  void CreateMasterClient(int fd, std::string pending, int db);
  // The master client was freed: keep its offset and database for PSYNC.
  void MasterLinkLost(const Client& c);
  // After the master client's command of `bytes` ran: its offset moves, sub-replicas and the
  // backlog get the same bytes.
  void MasterStreamApplied(std::string_view bytes);
  void ReplicaCron(int64_t now_ms);
  void DisconnectReplicas();
  // The backlog is fed from the propagation point from now on.
  void EnsureReplicationTarget() {
    if (!propagator_.HasTarget(&replication_)) propagator_.AddTarget(&replication_);
  }
  std::string master_host_;
  int master_port_ = 0;
  uint64_t master_client_id_ = 0;
  int master_db_ = 0;              // the cached master's database (kept for +CONTINUE)
  int64_t repl_down_since_s_ = 0;  // when the link went down (0: never up)
  int64_t master_connect_ms_ = 0;  // the cron's last connection attempt
  int64_t last_ack_ms_ = 0;
  std::string replid2_ = std::string(40, '0');
  int64_t second_replid_offset_ = -1;
  std::unique_ptr<ReplicaLink> master_link_;
  std::vector<uint64_t> waiting_acks_;  // WAIT's blocked clients
  bool getack_pending_ = false;         // a REPLCONF GETACK goes out before the loop sleeps
  int64_t last_replication_cron_ms_ = 0;
  int64_t replication_cron_loops_ = 0;
  int64_t no_replicas_since_s_ = 0;  // repl-backlog-ttl counts from here
  // PSYNC: whether the backlog continues `replid` from `offset`; logs why not.
  bool TryPartialResync(Client& c, std::string_view replid, int64_t offset);
  std::unique_ptr<AofState> aof_;
  bool aof_on_ = false;
  std::unique_ptr<rdb::Snapshot> snapshot_;
  std::unique_ptr<UndoLog> undo_;  // a SCRIPT DEBUG YES session's, while one runs
  SnapshotPurpose snapshot_purpose_ = SnapshotPurpose::kNone;
  bool bgsave_scheduled_ = false;
  uint64_t dirty_before_bgsave_ = 0;
  int64_t snapshot_start_ms_ = 0;
  // The rewrite in progress: the base being written, whether it keeps the incremental file
  // it started with (CONFIG SET appendonly yes) or opened a new one.
  std::string aof_rewrite_base_;
  bool aof_rewrite_keep_incr_ = false;
  std::vector<KeyRef> snapshot_keys_;    // SnapshotBeforeCommand's scratch
  std::vector<uint64_t> snapshot_held_;  // clients SnapshotHolds held
  uint64_t snapshot_held_jobs_ = 0;      // Snapshot::jobs_done() when they were held
  size_t snapshot_job_step_units_ = 0;   // SetSnapshotJobStepForTest
  int aof_wake_fd_ = -1;                 // eventfd: the fsync thread finished a job
  HeldReplies held_replies_;
  int64_t last_aof_retry_ms_ = 0;
  Evictor evictor_{&keyspace_};
  UsedMemoryGauge memory_gauge_;
  MemoryReleaseTrigger memory_release_;  // cron: give big drops back to the OS at once
  std::unique_ptr<scripting::LuaEngine> lua_;
  std::unique_ptr<scripting::FunctionStore> functions_;
  std::unique_ptr<Client> script_client_;
  ScriptRun* script_run_ = nullptr;
  bool pre_command_oom_ = false;
  std::function<uint64_t()> used_memory_source_;
  bool eviction_running_ = false;            // over the limit after a time-limited round
  uint64_t gauge_lazyfreed_seen_ = 0;        // LazyFreer::freed_objects() at the last refresh
  int64_t gauge_near_limit_refresh_us_ = 0;  // PerformEvictions' last refresh near the limit
  // The /metrics endpoint (metrics-port); created by Start(), destroyed first (last member).
  std::unique_ptr<MetricsService> metrics_;
};

// Raises RLIMIT_NOFILE so `*maxclients` connections fit (Redis's adjustOpenFilesLimit). When
// the OS refuses, lowers *maxclients to what fits and returns Redis's CONFIG SET error text.
std::string AdjustOpenFilesLimit(int64_t* maxclients);

}  // namespace duet
