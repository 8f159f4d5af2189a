// Server::Execute — the single choke point every command passes through: lookup, arity,
// protected commands, authentication, ACL permissions, pause, then the handler, then timing, stats,
// SLOWLOG and MONITOR; and CLIENT REPLY's muting around all of it. Handlers do none of these.
#include <algorithm>
#include <cstdio>
#include <exception>

#include "common/latency_histogram.h"
#include "common/log.h"
#include "common/strutil.h"
#include "protocol/errors.h"
#include "server/monitor_cmds.h"
#include "server/script_run.h"
#include "server/server.h"
#include "server/server_context.h"

namespace duet {

namespace {
bool ArityOk(const CommandSpec& spec, size_t argc) {
  return spec.arity > 0 ? argc == static_cast<size_t>(spec.arity)
                        : argc >= static_cast<size_t>(-spec.arity);
}

// enable-debug-command / enable-module-command: "no" (Redis's default), "yes", or "local"
// (unix socket and loopback clients only, Redis's islocalClient). duet keeps them among the
// directives it stores as text (Config::other).
bool ProtectedCommandAllowed(const Config& config, const Client& c, std::string_view directive) {
  auto it = config.other.find(std::string(directive));
  std::string_view value = it == config.other.end() ? std::string_view("no") : it->second;
  if (value == "yes") return true;
  if (value != "local") return false;
  return c.is_unix || c.peer_ip == "127.0.0.1" || c.peer_ip == "::1";
}
}  // namespace

void Server::CountError(std::string_view error) {
  stats_.total_error_replies++;
  size_t sp = error.find(' ');
  std::string code(error.substr(0, sp));
  if (!code.empty() && code[0] == '-') code.erase(0, 1);
  // Redis caps the number of distinct error codes it tracks at 128.
  if (stats_.error_codes.size() < 128 || stats_.error_codes.count(code)) {
    stats_.error_codes[code]++;
  }
}

void Server::Reject(Client& c, const CommandSpec* spec, std::string_view error) {
  if (spec) spec->rejected_calls++;
  if (spec && spec->name == "exec") {
    // A rejected EXEC ends any transaction and says why (Redis's execCommandAbort).
    DiscardTransaction(c);
    if (error.starts_with("ERR ")) error.remove_prefix(4);
    std::string abort = std::string(errors::kExecAbortBecause) + std::string(error);
    c.reply().Error(abort);
    CountError(abort);
    return;
  }
  c.reply().Error(error);
  CountError(error);
  // A command rejected while queueing makes the whole transaction fail (flagTransaction).
  if (c.multi) c.multi->aborted = true;
}

bool Server::DeniedWhenOom(const Client& c, const CommandSpec& spec, CmdFlag flags) const {
  if (!c.multi) return HasFlag(flags, CmdFlag::kDenyOom);
  const std::string& n = spec.name;
  if (n == "exec") {
    for (const QueuedCommand& q : c.multi->commands) {
      if (HasFlag(q.spec->flags, CmdFlag::kDenyOom)) return true;
    }
    return false;
  }
  return n != "discard" && n != "quit" && n != "reset";
}

bool Server::Execute(Client& c, std::span<const std::string_view> args) {
  // CLIENT REPLY OFF / SKIP drop everything the command writes, rejections included.
  // A replica gets the replication stream and nothing else (Redis's prepareClientToWrite).
  // The master's commands are not answered either (REPLCONF GETACK writes its ACK itself).
  c.reply().SetMuted(c.reply_mode == Client::ReplyMode::kOff || c.skip_next_reply || c.is_replica ||
                     c.is_master);
  bool ran = Dispatch(c, args);
  c.reply().SetMuted(false);
  if (!ran) return false;  // paused: it runs later, under the same reply mode
  // As Redis's resetClient: the skip ends with this command, and a CLIENT REPLY SKIP issued
  // by this command applies to the next one.
  c.skip_next_reply = false;
  // CLIENT CACHING applies to the next command, or to the whole next transaction.
  if (c.tracking && c.tracking->caching && !c.multi && !c.last_command.starts_with("client")) {
    c.tracking->caching = false;
  }
  if (c.reply_mode == Client::ReplyMode::kSkip) {
    c.reply_mode = Client::ReplyMode::kOn;
    c.skip_next_reply = true;
  }
  // Keys this command made ready serve the clients blocked on them (handleClientsBlockedOnKeys
  // after every top-level command).
  if (blocking_.HasReady()) ServeReadyKeys();
  return true;
}

namespace {
bool AllowedInSubscriberMode(const CommandSpec& spec) {
  const std::string& n = spec.name;
  return n == "ping" || n == "subscribe" || n == "ssubscribe" || n == "unsubscribe" ||
         n == "sunsubscribe" || n == "psubscribe" || n == "punsubscribe" || n == "quit" ||
         n == "reset";
}

// EVAL & co and FCALL & co (Redis's scriptPrepareForRun prevents their propagation).
bool IsScriptCall(const CommandSpec& spec) {
  const std::string& n = spec.name;
  return n.starts_with("eval") || n.starts_with("fcall");
}

// Whether `spec` may run while the dataset loads: it has the loading flag, and for EXEC so
// has every queued command (Redis's cmd_inv_flags).
bool AllowedWhileLoading(const Client& c, const CommandSpec& spec, CmdFlag flags) {
  if (!HasFlag(flags, CmdFlag::kLoading)) return false;
  if (spec.name != "exec" || !c.multi) return true;
  for (const auto& queued : c.multi->commands) {
    if (!HasFlag(queued.spec->flags, CmdFlag::kLoading)) return false;
  }
  return true;
}

// Commands that act on the transaction itself run at once inside MULTI instead of queueing.
bool RunsInsideMulti(const CommandSpec& spec) {
  const std::string& n = spec.name;
  return n == "exec" || n == "discard" || n == "multi" || n == "watch" || n == "quit" ||
         n == "reset";
}
}  // namespace

int64_t Server::CommandStartUs() {
  if (chained_clock_us_ != 0) return chained_clock_us_;
  return clock_->NowUs();
}

bool Server::Dispatch(Client& c, std::span<const std::string_view> args) {
  int64_t start_us = CommandStartUs();
  keyspace_.SetNow(start_us / 1000);
  c.last_interaction_ms = keyspace_.ctx().now_ms;

  // CLIENT LIST's cmd= is the command being looked up, "NULL" when it does not exist.
  const CommandSpec* spec = commands_.Find(args[0]);
  if (!spec) {
    c.last_command = "NULL";
    Reject(c, nullptr, errors::UnknownCommand(args[0], args.data() + 1, args.size() - 1));
    return true;
  }
  if (spec->IsContainer() && args.size() >= 2) {
    const CommandSpec* sub = CommandTable::FindSub(*spec, args[1]);
    if (!sub) {
      c.last_command = "NULL";
      Reject(c, nullptr, errors::UnknownSubcommand(args[0], args[1]));
      return true;
    }
    spec = sub;
  }
  c.last_command = spec->name;
  if (!ArityOk(*spec, args.size())) {
    Reject(c, spec, errors::WrongArity(spec->name));
    return true;
  }
  if (HasFlag(spec->flags, CmdFlag::kProtected)) {
    bool debug = spec->name == "debug";
    if (!ProtectedCommandAllowed(*config_, c,
                                 debug ? "enable-debug-command" : "enable-module-command")) {
      Reject(c, spec,
             errors::ProtectedCommand(debug ? "DEBUG" : "MODULE",
                                      debug ? "enable-debug-command" : "enable-module-command"));
      return true;
    }
  }
  // EVAL & co: the script's shebang flags stand in for the command's.
  CmdFlag flags =
      HasFlag(spec->flags, CmdFlag::kScriptFlags) ? EffectiveFlags(*spec, args) : spec->flags;
  bool auth_required = !c.authenticated && acl_.DefaultNeedsAuth();
  if (auth_required && !HasFlag(spec->flags, CmdFlag::kNoAuth)) {
    Reject(c, spec, errors::kNoAuth);
    return true;
  }
  if (c.multi && HasFlag(spec->flags, CmdFlag::kNoMulti)) {
    Reject(c, spec, errors::kNotAllowedInMulti);
    return true;
  }
  // ACL: a user allowed every command, key and channel (the default user) costs one test.
  if (c.user && !c.user->unrestricted && RejectedByAcl(c, *spec, args)) return true;
  // maxmemory, as Redis's processCommand: evict before every command while over the limit;
  // when nothing can be evicted, refuse the commands that may grow memory (reads, DEL,
  // EXPIRE... still run, so a full instance can be drained).
  // Inside MULTI every command but EXEC/DISCARD/QUIT/RESET is refused (queueing costs
  // memory), and EXEC when a queued command is denyoom, as Redis does.
  // Clients over maxmemory-clients go first, before any key (Redis's evictClients in
  // processCommand): the last command may have grown someone's output buffer. When that
  // someone is this client, its command is not run.
  if (config_->maxmemory_clients != 0) {
    EvictClientsOverLimit();
    if (c.closing) return true;
  }
  // The master's commands are obeyed whatever this replica's state (Redis's obey_client).
  bool from_master = c.is_master;
  pre_command_oom_ = config_->maxmemory != 0 && PerformEvictions() == EvictResult::kFail;
  // Keys evicted just now are invalidated before the command's own changes (Redis's
  // trackingHandlePendingKeyInvalidations after performEvictions).
  if (!pending_invalidations_.empty()) FlushPendingInvalidations(c);
  if (pre_command_oom_ && !from_master && DeniedWhenOom(c, *spec, flags)) {
    Reject(c, spec, errors::kOom);
    return true;
  }
  // Redis's is_write_command: a write, or EXEC with a queued write.
  bool write =
      HasFlag(flags, CmdFlag::kWrite) || (c.multi && c.multi->has_write && spec->name == "exec");
  // A failed save with stop-writes-on-bgsave-error: writes (and PING, as Redis) are refused
  // until a save succeeds.
  if (!from_master && WritesDeniedBySaveError()) {
    if (write || spec->name == "ping") {
      Reject(c, spec, errors::kMisconf);
      return true;
    }
  }
  // The AOF could not be written: writes (and PING) get -MISCONF until a write succeeds.
  if (aof_on_ && !from_master) {
    std::string aof_error;
    if ((write || spec->name == "ping") && WritesDeniedByAofError(&aof_error)) {
      Reject(c, spec, aof_error);
      return true;
    }
  }
  if (!from_master && write && WritesDeniedByReplicas()) {
    Reject(c, spec, errors::kNoReplicas);
    return true;
  }
  // A replica refuses writes from its clients (its master's commands are obeyed).
  bool replica = is_replica_of_master();
  if (replica && !from_master) {
    if (write && config_table_->GetValue("replica-read-only") == "yes") {
      Reject(c, spec, errors::kReadOnlyReplica);
      return true;
    }
  }
  // RESP2 subscribers may only run the commands that keep the connection in Pub/Sub mode
  // (RESP3 has no such limit: replies and pushes are told apart).
  if (c.pubsub_mode && c.resp == 2 && !AllowedInSubscriberMode(*spec)) {
    Reject(c, spec, errors::NotInSubscriberMode(spec->name));
    return true;
  }
  // A replica whose link is down serves only "stale" commands under
  // replica-serve-stale-data no (EXEC: when every queued command is one).
  if (replica && !from_master && replica_stale()) {
    bool stale_ok = HasFlag(flags, CmdFlag::kStale);
    if (spec->name == "exec" && c.multi) {
      for (const QueuedCommand& q : c.multi->commands) {
        if (!HasFlag(q.spec->flags, CmdFlag::kStale)) stale_ok = false;
      }
    }
    if (!stale_ok) {
      Reject(c, spec, errors::kMasterDown);
      return true;
    }
  }
  // The dataset is loading (clients are served between slices of the load): only commands
  // with the loading flag run meanwhile.
  if (loading() && !AllowedWhileLoading(c, *spec, flags)) {
    Reject(c, spec, errors::kLoading);
    return true;
  }
  // A script running past busy-reply-threshold: only allow-busy commands (SCRIPT KILL,
  // FUNCTION KILL, SHUTDOWN NOSAVE ...) run meanwhile.
  if (script_run_ && script_run_->timed_out() && !HasFlag(spec->flags, CmdFlag::kAllowBusy)) {
    Reject(c, spec, script_run_->eval_mode() ? errors::kBusyEval : errors::kBusyFunction);
    return true;
  }
  // A MONITOR client is a replica to Redis: it may not touch the keyspace (and is never
  // paused, so this also stops it from slipping writes through a CLIENT PAUSE).
  if ((c.is_monitor || c.is_replica) &&
      (HasFlag(flags, CmdFlag::kWrite) || HasFlag(flags, CmdFlag::kReadOnly) ||
       HasFlag(flags, CmdFlag::kMayReplicate))) {
    Reject(c, spec, errors::kReplicaKeyspace);
    return true;
  }
  if (IsPausedFor(c, *spec, flags)) return false;
  if (snapshot_ && SnapshotHolds(c, *spec, flags, args)) return false;
  // Keep the tracking table within tracking-table-max-keys.
  if (stats_.features.tracking_clients != 0) TrackingLimitKeys();

  if (c.multi && !RunsInsideMulti(*spec)) {
    // A transaction that can only fail keeps nothing (Redis's queueMultiCommand), which
    // CLIENT LIST's multi= shows.
    if (!c.multi->aborted && !c.watch_dirty) {
      if (HasFlag(flags, CmdFlag::kWrite)) c.multi->has_write = true;
      if (HasFlag(flags, CmdFlag::kMayReplicate)) c.multi->may_replicate = true;
      c.multi->commands.push_back({spec, std::vector<std::string>(args.begin(), args.end())});
    }
    c.reply().SimpleString("QUEUED");
    return true;
  }
  Call(c, *spec, args, start_us);
  return true;
}

void Server::Call(Client& c, const CommandSpec& spec, std::span<const std::string_view> args,
                  int64_t start_us) {
  ServerContext ctx(*this, c, spec, args[0], args);
  uint64_t errors_before = c.reply().error_count();
  Client* outer = EnterAndRunHandler(ctx, c, spec, args);  // EXEC calls back in here
  int64_t end_us = clock_->NowUs();
  // The wall clock, as Redis's ustime(): a step back in time counts as 0, not negative.
  int64_t duration = end_us > start_us ? end_us - start_us : 0;
  if (chain_clock_) chained_clock_us_ = end_us;
  // A tracking client remembers the keys its read commands fetched; a read inside a script
  // makes its caller remember the script's declared keys (Redis 7.0's rule; the _RO script
  // commands themselves are read-only but remember nothing).
  if (HasFlag(spec.flags, CmdFlag::kReadOnly)) {
    bool in_script = &c == script_client_.get() && caller_;
    Client& who = in_script ? *caller_ : c;
    if (who.tracking && !who.tracking->bcast && spec.name != "eval_ro" &&
        spec.name != "evalsha_ro" && spec.name != "fcall_ro") {
      TrackingRememberKeys(who, in_script ? *caller_spec_ : spec, in_script ? caller_args_ : args);
    }
  }
  // Nothing propagates while the dataset loads (Redis's propagateNow): what the AOF replays
  // is on disk already, and the few commands allowed meanwhile change no data.
  if (propagator_.active() && !loading()) {
    int64_t repl_offset = replication_.offset();
    PropagateCall(c, spec, ctx, args, !outer);
    if (replication_.offset() != repl_offset) c.repl_woff = replication_.offset();
  }
  LeaveCall(c, ctx, outer);
  // The latency monitor sees every call's own run time, a blocking one's included (Redis's
  // call()); the wait of a blocked client is not latency of the server.
  AddLatencySample(HasFlag(spec.flags, CmdFlag::kFast) ? "fast-command" : "command",
                   duration / 1000);
  if (c.blocked) {
    // It waits for a key: accounted for when it is served or times out.
    c.blocked->run_us += duration;
    FeedMonitorsIfWanted(c, spec, args);
    return;
  }
  uint64_t errors_now = c.reply().error_count();
  bool failed = errors_now != std::max(errors_before, c.errors_accounted);
  c.errors_accounted = errors_now;
  RecordCall(c, spec, args, duration, failed);
  FeedMonitorsIfWanted(c, spec, args);
}

Client* Server::EnterAndRunHandler(ServerContext& ctx, Client& c, const CommandSpec& spec,
                                   std::span<const std::string_view> args) {
  Client* outer = current_client_;
  current_client_ = &c;
  // A write that runs while clients are paused (only from a transaction that paused them
  // itself) must see expired keys gone, or it would add a key that is still in the table.
  bool& keep_expired = keyspace_.ctx().keep_expired;
  bool outer_keep_expired = keep_expired;
  // A replica leaves expiring to its master: its other clients see expired keys as gone but
  // do not delete them (writes do), and the master's own commands see them as they are
  // (Redis's expireIfNeeded on a replica).
  bool replica = is_replica_of_master();
  bool& ks_loading = keyspace_.ctx().loading;
  bool outer_ks_loading = ks_loading;
  if (replica) {
    if (c.is_master) ks_loading = true;
    keep_expired = true;
  }
  if (HasFlag(spec.flags, CmdFlag::kWrite)) {
    keep_expired = false;
    // A background snapshot captures what this may change before it changes.
    if (snapshot_) SnapshotBeforeCommand(c.db_index, spec, args);
    // A SCRIPT DEBUG YES session remembers what this may change, to undo it at its end.
    if (undo_) UndoBeforeCommand(c.db_index, spec, args);
  }
  if (!outer) {
    caller_ = &c;
    caller_spec_ = &spec;
    caller_args_ = args;
  }
  ArgReader reader(args.subspan(1));
  try {
    spec.handler(ctx, reader);
  } catch (const std::exception& e) {
    // Last resort: a bug must not take the server down or lose the connection.
    Log(LogLevel::kWarning, "Internal error in command '{}': {}", spec.name, e.what());
    c.reply().Error("ERR internal error");
  }
  // Restored only when clients are still paused (the command may have unpaused them).
  if (outer_keep_expired || replica) keep_expired = paused() || replica;
  ks_loading = outer_ks_loading;
  return outer;
}

void Server::LeaveCall(Client& c, const CommandContext& ctx, Client* outer) {
  current_client_ = outer;
  if (!outer) {
    caller_ = nullptr;
    // Its own invalidations follow the reply of the top-level command (after EXEC's array).
    if (!pending_invalidations_.empty()) FlushPendingInvalidations(c);
  }
  stats_.dirty += ctx.dirty();
}

void Server::PropagateCall(const Client& c, const CommandSpec& spec, const CommandContext& ctx,
                           std::span<const std::string_view> args, bool top_level) {
  // EXEC is never propagated itself: its commands are, wrapped by Flush (Redis's call()).
  // Nor are scripts and functions: the commands they call carry their effects.
  // A script's calls go where its redis.set_repl says.
  int to = &c == script_client_.get() ? script_propagate_to_ : kPropagateAll;
  if (ctx.replication_only()) to &= kPropagateRepl;
  if ((ctx.dirty() > 0 || ctx.propagation_forced()) && to != 0 && !ctx.propagation_prevented() &&
      spec.name != "exec" && !IsScriptCall(spec)) {
    if (ctx.rewritten()) {
      propagator_.Add(c.db_index, ctx.propagate_as(), to);
    } else {
      propagator_.Add(c.db_index, args, to);
    }
  }
  // RANDOMKEY and SCAN (Redis's CMD_TOUCHES_ARBITRARY_KEYS) expire keys they meet: those
  // deletions are independent, as active expiry's are.
  if (top_level) propagator_.Flush(spec.name != "randomkey" && spec.name != "scan");
}

void Server::RecordCall(Client& c, const CommandSpec& spec, std::span<const std::string_view> args,
                        int64_t duration, bool failed) {
  spec.calls++;
  spec.usec += static_cast<uint64_t>(duration);
  if (config_->latency_tracking) {  // INFO latencystats, in ns like Redis
    if (!spec.latency_histogram) spec.latency_histogram = std::make_shared<LatencyHistogram>();
    spec.latency_histogram->Record(duration * 1000);
  }
  stats_.total_commands_processed++;
  c.commands_processed++;
  if (failed) {
    spec.failed_calls++;
    if (!c.reply().last_error_counted()) CountError(c.reply().last_error());
  }
  bool to_slowlog = !HasFlag(spec.flags, CmdFlag::kSkipSlowlog) &&
                    config_->slowlog_log_slower_than >= 0 &&
                    duration >= config_->slowlog_log_slower_than;
  if (to_slowlog) {
    std::vector<std::string_view> redacted;  // only AUTH and HELLO allocate
    std::span<const std::string_view> shown = args;
    if (RedactArgs(spec, args, &redacted)) shown = redacted;
    slowlog_.MaybeAdd(config_->slowlog_log_slower_than,
                      static_cast<size_t>(config_->slowlog_max_len), duration,
                      keyspace_.ctx().now_ms / 1000, shown, c.PeerId(), c.name);
  }
}

void Server::FeedMonitorsIfWanted(const Client& c, const CommandSpec& spec,
                                  std::span<const std::string_view> args) {
  if (monitors_.empty() || HasFlag(spec.flags, CmdFlag::kSkipMonitor) ||
      HasFlag(spec.flags, CmdFlag::kAdmin)) {
    return;
  }
  std::vector<std::string_view> redacted;
  std::span<const std::string_view> shown = args;
  if (RedactArgs(spec, args, &redacted)) shown = redacted;
  FeedMonitors(c, shown);
}

void Server::FeedMonitors(const Client& from, std::span<const std::string_view> args) {
  if (undo_) return;  // a SCRIPT DEBUG YES session's commands: seen by nobody
  std::string source = from.is_script ? "lua"
                       : from.is_unix ? "unix:" + config_->unixsocket
                                      : from.PeerId();
  std::string line = MonitorLine(clock_->NowUs(), from.db_index, source, args);
  for (uint64_t id : monitors_) {
    Client* m = FindClient(id);
    // The sender sees its own commands too when it is a monitor (Redis does not skip it). A
    // monitor under CLIENT REPLY OFF/SKIP gets nothing, as every write to it is dropped.
    if (!m || m->reply_mode == Client::ReplyMode::kOff || m->skip_next_reply) continue;
    m->reply().Raw(line);
    QueueWrite(*m);
  }
}

}  // namespace duet
