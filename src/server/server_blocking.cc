// Blocking commands on the Server: parking a client (CommandContext::Block), serving it when
// a key it waits on becomes ready, timeouts, CLIENT UNBLOCK and disconnects.
//
// Serving re-runs the blocked command with the ready key set (ServerContext::ReadyKey): the
// command either serves from that key and replies, or finds nothing (the key went away or
// has another type) and calls Block again, which leaves the client waiting where it was.
// Clients waiting on one key are served first-come first-served; keys are served in the
// order they became ready, and a command served this way may make further keys ready
// (BLMOVE pushes), which are served in the same pass.
#include <algorithm>
#include <string>
#include <vector>

#include "protocol/errors.h"
#include "server/server.h"
#include "server/server_context.h"

namespace duet {

namespace {
int64_t NowUs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1'000'000 + ts.tv_nsec / 1000;
}
}  // namespace

bool Server::BlockClient(Client& c, const CommandSpec& spec, std::span<const std::string_view> args,
                         std::span<const std::string_view> keys, int64_t deadline_ms,
                         bool wake_on_delete) {
  if (c.in_exec) return false;  // inside EXEC a blocking command answers as on timeout
  if (c.blocked) {              // a re-run that found nothing: keep waiting
    c.blocked->still_waiting = true;
    return true;
  }
  auto st = std::make_unique<BlockedState>();
  st->spec = &spec;
  st->args.assign(args.begin(), args.end());
  for (std::string_view k : keys) {
    if (std::find(st->keys.begin(), st->keys.end(), k) == st->keys.end()) st->keys.emplace_back(k);
  }
  st->db = c.db_index;
  st->deadline_ms = deadline_ms;
  st->wake_on_delete = wake_on_delete;
  st->errors_before = c.reply().error_count();
  blocking_.Add(c.id(), st->db, st->keys, deadline_ms);
  keyspace_.ctx().blocked_waiters = blocking_.registrations();
  c.blocked = std::move(st);
  return true;
}

void Server::FinishBlocked(Client& c) {
  std::unique_ptr<BlockedState> st = std::move(c.blocked);
  blocking_.Remove(c.id(), st->db, st->keys, st->deadline_ms);
  keyspace_.ctx().blocked_waiters = blocking_.registrations();
  std::vector<std::string_view> args(st->args.begin(), st->args.end());
  // Failed (commandstats failed_calls, errorstats) when it was served with an error, as
  // Redis's updateStatsOnUnblock does.
  RecordCall(c, *st->spec, args, st->run_us, c.reply().error_count() != st->errors_before);
  QueueWrite(c);
  // Commands that arrived while it waited run now (before the loop sleeps).
  unblocked_.push_back(c.id());
  loop_.RequestWakeWithinMs(0);
}

void Server::RerunBlocked(Client& c, const std::string& key) {
  BlockedState& st = *c.blocked;
  st.still_waiting = false;
  std::vector<std::string_view> args(st.args.begin(), st.args.end());
  ServerContext ctx(*this, c, *st.spec, args[0], args);
  ArgReader reader(std::span<const std::string_view>(args).subspan(1));
  int saved_db = c.db_index;
  c.db_index = st.db;
  c.serving_key = &key;
  Client* outer = current_client_;
  current_client_ = &c;
  Client* outer_caller = caller_;
  caller_ = &c;
  int64_t start = NowUs();
  if (snapshot_) SnapshotBeforeCommand(st.db, *st.spec, args);
  st.spec->handler(ctx, reader);
  int64_t reply_us = NowUs() - start;
  st.run_us += reply_us;
  // Served, the pop it did propagates (Redis's serveClientBlockedOnList); still waiting, it
  // changed nothing.
  if (propagator_.active()) PropagateCall(c, *st.spec, ctx, args, !outer);
  current_client_ = outer;
  caller_ = outer_caller;
  // Its own invalidations follow its reply (Redis's afterCommand for a served client).
  if (!outer_caller && !pending_invalidations_.empty()) FlushPendingInvalidations(c);
  c.serving_key = nullptr;
  c.db_index = saved_db;
  stats_.dirty += ctx.dirty();
  if (st.still_waiting) return;
  // Redis's updateStatsOnUnblock: the time taken to serve it is its own latency event.
  AddLatencySample("command-unblocking", reply_us / 1000);
  FinishBlocked(c);
}

void Server::ServeReadyKeys() {
  // Not while a script runs past busy-reply-threshold and other clients' commands (PING,
  // HELLO, SCRIPT KILL...) are served meanwhile (Redis's isInsideYieldingLongCommand): the
  // script is atomic, so what it pushed so far waits for its end, when the EVAL's own
  // top-level call serves the keys.
  if (script_run_) return;
  // An early-send batch opened below ends with this pass, even if a handler throws.
  struct EndEarlySends {
    Server* server;
    ~EndEarlySends() {
      if (server->sender_.streaming()) server->FinishEarlySends();
    }
  } end_early_sends{this};
  while (blocking_.HasReady()) {
    for (const DbKey& k : blocking_.TakeReady()) {
      // The time is now, not when the command that readied the key started (Redis's
      // updateCachedTime in handleClientsBlockedOnKeys): a key that expired meanwhile (a
      // long EXEC) serves no one and is deleted.
      keyspace_.SetNow(clock_->NowMs());
      std::vector<uint64_t> waiters = blocking_.Waiters(k.db, k.key);
      if (waiters.size() >= kParallelSendMin && !sender_.streaming() && CanSendEarly()) {
        early_jobs_.resize(waiters.size());
        sender_.Begin(early_jobs_);
      }
      for (uint64_t id : waiters) {
        // Once the key is gone (popped empty) no later waiter can be served from it, as
        // Redis does, except the XREADGROUPs answering that their stream went away: a
        // push for one of a thousand BZPOPMIN workers re-runs one command, not a thousand.
        Client* c = FindClient(id);
        if (!c || !c->blocked) continue;
        if (!c->blocked->wake_on_delete && !keyspace_.db(k.db).Peek(k.key)) continue;
        bool idle = sender_.streaming() && c->out_pos() == c->out().size() &&
                    !c->want_write_event && !c->is_protected && !c->close_after_reply;
        RerunBlocked(*c, k.key);
        if (idle && !c->blocked && !c->closing) SendEarly(*c);
      }
    }
  }
}

bool Server::CanSendEarly() const { return !aof_on_ && held_replies_.empty(); }

void Server::SendEarly(Client& c) {
  std::string_view bytes = std::string_view(c.out()).substr(c.out_pos());
  if (bytes.empty()) return;
  // Readers of one key woken by one XADD mostly get the same bytes: keep one copy.
  if (early_replies_.empty() || early_replies_.back() != bytes) early_replies_.emplace_back(bytes);
  const std::string& copy = early_replies_.back();
  if (sender_.Add({.fd = c.fd(), .data = copy.data(), .len = copy.size()})) {
    early_clients_.emplace_back(c.fd(), c.id());
  }
}

void Server::FinishEarlySends() {
  std::span<ParallelSender::Job> jobs = sender_.Finish();
  for (size_t i = 0; i < jobs.size(); i++) {
    // The copy was all the client had to send, so what went out is the start of its output;
    // anything after it (a partial send, output added since) is written as usual.
    Client* c = LiveClient(early_clients_[i].first, early_clients_[i].second);
    if (!c) continue;
    c->out_pos() += jobs[i].sent;
    stats_.net_output_bytes += jobs[i].sent;
  }
  early_clients_.clear();
  early_replies_.clear();
}

bool Server::UnblockClient(Client& c, bool with_error) {
  // SHUTDOWN's wait for replicas ends only with the shutdown (Redis's BLOCKED_SHUTDOWN).
  if (!c.blocked || c.blocked->spec->name == "shutdown") return false;
  if (c.blocked->wait_offset >= 0 && !with_error) {
    // WAIT answers how many replicas acknowledged so far (replyToBlockedClientTimedOut).
    c.reply().Integer(static_cast<int64_t>(replication_.CountAcks(c.blocked->wait_offset)));
  } else if (with_error) {
    c.reply().Error(errors::kUnblocked);
  } else {
    c.reply().NullArray();
  }
  FinishBlocked(c);
  return true;
}

void Server::HandleBlockedTimeouts() {
  if (blocking_.timeouts() == 0) return;
  for (uint64_t id : blocking_.DueClients(clock_->NowMs())) {
    if (Client* c = FindClient(id)) UnblockClient(*c, /*with_error=*/false);
  }
}

}  // namespace duet
