#include "server/server.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <random>

#include "common/allocator.h"
#include "common/log.h"
#include "common/proc_title.h"
#include "config/proc_title_template.h"
#include "net/socket.h"
#include "server/aof.h"
#include "server/memory_stats.h"
#include "server/server_commands.h"

namespace duet {

namespace {
constexpr size_t kReadChunk = 16 * 1024;  // PROTO_IOBUF_LEN

// Redis 7.0.15's text byte for byte, its "Setup a an" included.
constexpr std::string_view kProtectedModeDenied =
    "-DENIED Redis is running in protected mode because protected mode is enabled and no "
    "password is set for the default user. In this mode connections are only accepted from "
    "the loopback interface. If you want to connect from external computers to Redis you may "
    "adopt one of the following solutions: 1) Just disable protected mode sending the command "
    "'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the "
    "same host the server is running, however MAKE SURE Redis is not publicly accessible from "
    "internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively "
    "you can just disable the protected mode by editing the Redis configuration file, and "
    "setting the protected mode option to 'no', and then restarting the server. 3) If you "
    "started the server manually just for testing, restart it with the '--protected-mode no' "
    "option. 4) Setup a an authentication password for the default user. NOTE: You only need to "
    "do one of the above things in order for the server to start accepting connections from "
    "the outside.\r\n";

std::string RandomHex(size_t n) {
  std::random_device rd;
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; i++) out.push_back(kHex[rd() & 15]);
  return out;
}

}  // namespace

Server::Server(Config* config, ConfigTable* config_table, const Clock* clock)
    : config_(config),
      config_table_(config_table),
      clock_(clock),
      keyspace_(config->databases),
      run_id_(RandomHex(40)),
      aof_(std::make_unique<AofState>(*config, *clock)),
      lua_(std::make_unique<scripting::LuaEngine>()),
      functions_(std::make_unique<scripting::FunctionStore>()),
      script_client_(std::make_unique<Client>(0, -1)) {
  script_client_->is_script = true;
  script_client_->authenticated = true;
  script_client_->in_exec = true;  // scripts never block (Redis's CLIENT_DENY_BLOCKING)
  RegisterAllCommands(commands_);
  RegisterServerCommands(commands_);
  for (const auto& [from, to] : config_->rename_commands) commands_.Rename(from, to);
  acl_.Init(commands_);
  acl_.SetDefaultPassword(config_->requirepass, AclContext());
  config_table_->SetUserLinesProvider([this] {
    return AclFileName().empty() ? acl_.UserLines(AclContext()) : std::vector<std::string>();
  });
  config_table_->SetApplyHook([this](const std::string& name) { return ApplyConfigChange(name); });
  keyspace_.SetAccessPolicy(config_->maxmemory_policy, config_->lfu_log_factor,
                            config_->lfu_decay_time);
  ApplyLazyFreeConfig();
  ApplyReplBacklogSize(/*config_set=*/false);
  keyspace_.SetOneSizeClass(config_->maxmemory != 0);
  KeyspaceContext& kctx = keyspace_.ctx();
  kctx.latency = &latency_monitor_;
  kctx.latency_threshold_ms = config_->latency_monitor_threshold;
  kctx.on_key_ready = [this](int db, std::string_view key) { blocking_.MarkReady(db, key); };
  kctx.on_dbs_swapped = [this](int a, int b) {
    // Redis's scanDatabaseForReadyKeys: a waited-on key that now exists may serve. Found
    // as it is stored (dictFind): an expired one is deleted by the re-run that meets it,
    // after SWAPDB, not by SWAPDB itself (its DEL is not part of SWAPDB's effects).
    for (int db : {a, b}) {
      Db& d = keyspace_.db(db);
      for (const std::string& key : blocking_.KeysWaitedIn(db)) {
        if (Entry* e = d.PeekStored(key)) d.SignalIfAwaited(e);
      }
    }
  };
  // A big key whose record a background snapshot writes in steps is finished before it
  // expires away.
  kctx.before_expired_free = [this](int db, const Entry& e) {
    if (snapshot_) snapshot_->BeforeExpire(db, e, keyspace_.ctx().lru_clock);
  };
  auto previous_on_expired = kctx.on_expired;
  kctx.on_expired = [this, previous_on_expired](int db, std::string_view key) {
    if (previous_on_expired) previous_on_expired(db, key);
    NotifyKeyspaceEvent(kNotifyExpired, "expired", key, db);
    // Propagated as the deletion it was (Redis's deleteExpiredKeyAndPropagate).
    if (propagator_.active()) {
      std::string_view argv[] = {config_->lazyfree_lazy_expire ? "UNLINK" : "DEL", key};
      propagator_.Add(db, argv);
    }
    // An expiry is nobody's change (Redis passes no client: BCAST NOLOOP clients hear it).
    SignalModifiedKey(db, key, /*by_client=*/false);
  };
  ApplyNotifyConfig();
  // The fsync thread wakes the loop after each job (group commit under appendfsync always).
  aof_wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  auto wake = [](void* fd) {
    uint64_t one = 1;
    ssize_t ignored = write(*static_cast<int*>(fd), &one, sizeof(one));
    (void)ignored;
  };
  aof_->fsync.SetOnDone(wake, &aof_wake_fd_);
  aof_->pool.SetOnDone(wake, &aof_wake_fd_);
}

void Server::ApplyNotifyConfig() {
  KeyspaceContext& kctx = keyspace_.ctx();
  int flags = config_->notify_keyspace_events;
  kctx.on_key_added = nullptr;
  kctx.on_key_miss = nullptr;
  if (flags & kNotifyNew) {
    kctx.on_key_added = [this](int db, std::string_view key) {
      NotifyKeyspaceEvent(kNotifyNew, "new", key, db);
    };
  }
  if (flags & kNotifyKeyMiss) {
    kctx.on_key_miss = [this](int db, std::string_view key) {
      NotifyKeyspaceEvent(kNotifyKeyMiss, "keymiss", key, db);
    };
  }
}

void Server::ApplyAllocatorConfig() {
  auto it = config_->other.find("jemalloc-bg-thread");
  allocator::SetBackgroundThread(it == config_->other.end() || it->second != "no");
}

void Server::ApplyLazyFreeConfig() {
  LazyFreer* freer = &keyspace_.lazy_freer();
  keyspace_.ctx().expire_freer = config_->lazyfree_lazy_expire ? freer : nullptr;
  keyspace_.ctx().server_del_freer = config_->lazyfree_lazy_server_del ? freer : nullptr;
}

Server::~Server() {
  if (aof_on_) propagator_.RemoveTarget(aof_.get());
  aof_->fsync.SetOnDone(nullptr, nullptr);
  aof_->pool.SetOnDone(nullptr, nullptr);
  if (aof_wake_fd_ >= 0) close(aof_wake_fd_);
  for (auto& [id, c] : clients_) close(c->fd());
  for (int fd : listen_fds_) close(fd);
}

void Server::CloseListeners() {
  for (int fd : listen_fds_) {
    loop_.RemoveFd(fd);
    close(fd);
  }
  listen_fds_.clear();
}

Status Server::Start() {
  start_time_ms_ = clock_->NowMs();
  if (Status acl = LoadAclAtStartup(); !acl.ok()) return acl;
  keyspace_.SetNow(start_time_ms_);
  for (const std::string& raw : config_->bind) {
    // A leading '-' marks an address that may be unavailable (e.g. IPv6 off).
    bool optional = !raw.empty() && raw[0] == '-';
    std::string addr = optional ? raw.substr(1) : raw;
    if (config_->port == 0) break;
    std::string err;
    int fd = ListenTcp(addr, config_->port, config_->tcp_backlog, &err);
    if (fd < 0) {
      if (optional) continue;
      return Status::Error(err + "\nFailed listening on port " + std::to_string(config_->port) +
                           " (tcp), aborting.");
    }
    listen_fds_.push_back(fd);
    loop_.AddFd(fd, EPOLLIN, [this, fd](uint32_t) { OnAccept(fd, false); });
  }
  if (!config_->unixsocket.empty()) {
    std::string err;
    int fd = ListenUnix(config_->unixsocket, static_cast<unsigned>(config_->unixsocketperm),
                        config_->tcp_backlog, &err);
    if (fd < 0) return Status::Error(err);
    listen_fds_.push_back(fd);
    loop_.AddFd(fd, EPOLLIN, [this, fd](uint32_t) { OnAccept(fd, true); });
  }
  if (listen_fds_.empty() && config_->port != 0) {
    return Status::Error("Failed listening on port " + std::to_string(config_->port) +
                         " (tcp), aborting.");
  }
  loop_.SetBeforeSleep([this] { BeforeSleep(); });
  if (aof_wake_fd_ < 0) return Status::Error(std::string("eventfd: ") + std::strerror(errno));
  loop_.AddFd(aof_wake_fd_, EPOLLIN, [this](uint32_t) { OnAofFsyncDone(); });
  int hz = config_->hz > 0 ? config_->hz : 1;
  cron_timer_id_ = loop_.AddPeriodicTimer(1000 / hz, [this] { Cron(); });
  ApplyAllocatorConfig();  // after daemonizing: jemalloc's background threads do not fork
  stats_.used_memory_startup = ReadUsedMemory();  // INFO used_memory_startup
  AdjustOpenFilesLimit(&config_->maxclients);     // logs when maxclients had to be lowered
  metrics_ = std::make_unique<MetricsService>(*this);
  if (std::string err = metrics_->Reconfigure(); !err.empty()) return Status::Error(err);
  return Status::Ok();
}

int Server::Run() {
  loop_.Run();
  return 0;
}

Client* Server::FindClient(uint64_t id) {
  auto it = clients_.find(id);
  return it == clients_.end() ? nullptr : it->second.get();
}

bool Server::ProtectedModeRejects(const Client& client) const {
  if (!config_->protected_mode || !acl_.default_user()->nopass() || client.is_unix) return false;
  const std::string& ip = client.peer_ip;
  return !(ip == "127.0.0.1" || ip == "::1" || ip.rfind("127.", 0) == 0 ||
           ip == "::ffff:127.0.0.1");
}

void Server::OnAccept(int listen_fd, bool is_unix) {
  // Accept a bounded batch per wake-up, like Redis's MAX_ACCEPTS_PER_CALL.
  for (int i = 0; i < 1000; i++) {
    std::string ip;
    int port = 0;
    bool unix_peer = false;
    int fd = AcceptConnection(listen_fd, &ip, &port, &unix_peer);
    if (fd < 0) return;
    if (!is_unix) {
      SetNoDelay(fd);
      if (config_->tcp_keepalive > 0) SetKeepAlive(fd, config_->tcp_keepalive);
    }
    auto client = std::make_unique<Client>(next_client_id_++, fd);
    client->is_unix = is_unix;
    client->peer_ip = ip;
    client->peer_port = port;
    client->local_addr = is_unix ? config_->unixsocket : LocalAddress(fd);
    client->created_ms = client->last_interaction_ms = clock_->NowMs();
    client->out_peak_reset_ms = client->created_ms;
    SetDefaultUser(*client);
    stats_.total_connections_received++;
    if (static_cast<int>(clients_.size()) >= config_->maxclients) {
      static constexpr std::string_view kMsg = "-ERR max number of clients reached\r\n";
      ssize_t ignored = write(fd, kMsg.data(), kMsg.size());
      (void)ignored;
      stats_.rejected_connections++;
      close(fd);
      continue;
    }
    if (ProtectedModeRejects(*client)) {
      ssize_t ignored = write(fd, kProtectedModeDenied.data(), kProtectedModeDenied.size());
      (void)ignored;
      stats_.rejected_connections++;
      close(fd);
      continue;
    }
    uint64_t id = client->id();
    if (static_cast<size_t>(fd) >= clients_by_fd_.size()) clients_by_fd_.resize(fd + 1, nullptr);
    clients_by_fd_[fd] = client.get();
    clients_.emplace(id, std::move(client));
    // Edge-triggered (kClientEvents): ReadFromClient re-queues a client whose read filled
    // the buffer, or whose stream ends behind the data it read, so neither input nor the
    // end of the stream is left behind without a new edge.
    loop_.AddFd(fd, kClientEvents, [this, fd, id](uint32_t ev) { OnClientEvent(fd, id, ev); });
  }
}

void Server::OnClientEvent(int fd, uint64_t id, uint32_t events) {
  Client* c = LiveClient(fd, id);
  if (!c) return;
  if (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) c->peer_closed = true;
  if (c->is_protected) {
    if (events & (EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP)) c->missed_read = true;
    return;
  }
  if (events & EPOLLOUT) {
    if (!WriteToClient(*c)) return;  // freed
  }
  if (events & (EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP)) ReadFromClient(*c);
}

void Server::ReadFromClient(Client& c) {
  if (c.closing) return;
  // A large bulk argument is read in one go once its length is known (Redis does the same),
  // instead of 16 KB per wake-up.
  size_t want = c.read_hint > kReadChunk ? c.read_hint : kReadChunk;
  IoBuffer& q = c.query();
  char* dst = q.PrepareWrite(want);
  // recv/send rather than read/write: the socket calls skip the VFS layer (measurable at -P 1,
  // where the kernel is most of the cost of a request).
  ssize_t n = recv(c.fd(), dst, want, 0);
  stats_.total_reads_processed++;
  if (n < 0) {
    if (errno == EAGAIN || errno == EINTR) return;
    FreeClient(c.id());
    return;
  }
  if (n == 0) {
    // The end of the stream. Replies still queued for what the client sent before it go out
    // first (Redis writes them in beforeSleep before its next read sees the end).
    if (c.pending_write && !c.is_protected) {
      read_at_end_.push_back(c.id());
      return;
    }
    FreeClient(c.id());
    return;
  }
  q.CommitWrite(static_cast<size_t>(n));
  if (q.size() > c.query_peak) c.query_peak = q.size();
  stats_.net_input_bytes += static_cast<uint64_t>(n);
  c.last_interaction_ms = keyspace_.ctx().now_ms;
  if (static_cast<int64_t>(q.size()) > config_->client_query_buffer_limit && !c.is_master) {
    Log(LogLevel::kWarning, "Closing client that reached max query buffer length: id={} addr={}",
        c.id(), c.PeerId());
    stats_.client_query_buffer_limit_disconnections++;
    FreeClient(c.id());
    return;
  }
  ProcessInput(c);
  // A full read may have left bytes in the socket, and edge-triggered epoll will not report
  // them again: read them on the next loop iteration (after other clients had their turn).
  if (!LiveClient(c.fd(), c.id())) return;
  if (static_cast<size_t>(n) == want) {
    more_input_.push_back(c.id());
    loop_.RequestWakeWithinMs(0);
  } else if (c.peer_closed) {
    // A short read drained the data, but the end of the stream behind it was reported with
    // that data (or before it): no event will come for it, so read it after the writes.
    read_at_end_.push_back(c.id());
  }
}

void Server::ReadAtEnd() {
  if (read_at_end_.empty()) return;
  std::vector<uint64_t> ids;
  ids.swap(read_at_end_);
  for (uint64_t id : ids) {
    if (Client* c = FindClient(id)) ReadFromClient(*c);
  }
  // Whatever those reads queued (nothing, unless a socket held data after all) is written
  // in the next iteration.
  if (!pending_writes_.empty() || !read_at_end_.empty()) loop_.RequestWakeWithinMs(0);
}

void Server::ProcessInput(Client& c) {
  uint64_t id = c.id();
  int fd = c.fd();
  IoBuffer& q = c.query();
  ParserLimits limits;
  limits.proto_max_bulk_len = config_->proto_max_bulk_len;
  c.read_hint = 0;
  // Commands of this batch chain their clock reads (CommandStartUs); nested batches (a
  // resumed client inside ServeReadyKeys) keep the outer chain.
  bool outer_chain = chain_clock_;
  chain_clock_ = true;
  while (q.size() > 0 && !c.close_after_reply && !c.closing) {
    if (c.paused || c.blocked) break;
    limits.auth_required = !c.authenticated && acl_.DefaultNeedsAuth();
    RequestParser::Outcome out = c.parser().Parse(q.Readable(), limits);
    if (out.state == RequestParser::State::kIncomplete) {
      c.read_hint = out.need > q.size() ? out.need - q.size() : 0;
      break;
    }
    if (out.state == RequestParser::State::kError) {
      c.reply().Error("ERR " + c.parser().error());
      CountError("ERR");
      Log(LogLevel::kVerbose, "Protocol error ({}) from client: id={} addr={}", c.parser().error(),
          c.id(), c.PeerId());
      c.close_after_reply = true;
      break;
    }
    if (out.state == RequestParser::State::kCommand) {
      const auto& args = c.parser().args();
      if (!Execute(c, std::span<const std::string_view>(args.data(), args.size()))) {
        c.paused = true;
        break;
      }
      if (!LiveClient(fd, id)) {  // freed during execution (not expected, but safe)
        EndClockChain(outer_chain);
        return;
      }
    }
    // The master's stream: its offset counts what was applied, which sub-replicas and the
    // backlog get as it is.
    if (c.is_master) MasterStreamApplied(q.Readable().substr(0, out.consumed));
    q.Consume(out.consumed);
  }
  EndClockChain(outer_chain);
  c.parser().ReleaseLargeScratch();
  if (!c.out().empty() || c.close_after_reply) QueueWrite(c);
}

void Server::QueueWrite(Client& c) {
  if (c.pending_write) return;
  c.pending_write = true;
  pending_writes_.emplace_back(c.fd(), c.id());
}

bool Server::WriteToClient(Client& c) {
  std::string& out = c.out();
  size_t& pos = c.out_pos();
  // What Redis's static reply buffer would have held of this batch (rbp=).
  c.out_peak = std::max(c.out_peak, std::min(out.size(), c.reply_buf_size));
  stats_.total_writes_processed++;
  // Output past out_allowed waits (for the end of the iteration, or for an AOF fsync).
  size_t limit = out.size();
  if (c.out_allowed - c.out_base < limit) limit = static_cast<size_t>(c.out_allowed - c.out_base);
  while (pos < limit) {
    ssize_t n = send(c.fd(), out.data() + pos, limit - pos, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) break;
      FreeClient(c.id());
      return false;
    }
    pos += static_cast<size_t>(n);
    stats_.net_output_bytes += static_cast<uint64_t>(n);
  }
  if (pos == limit && limit < out.size()) {
    // Everything allowed is out; the rest is released later (ReleaseHeldReplies writes it):
    // drop the sent part so a client that is always partly held does not grow its buffer.
    if (pos > 0) {
      out.erase(0, pos);
      c.out_base += pos;
      pos = 0;
    }
    if (c.want_write_event) {
      c.want_write_event = false;
      loop_.ModifyFd(c.fd(), kClientEvents);
    }
  } else if (pos == out.size()) {
    c.out_base += out.size();
    out.clear();
    pos = 0;
    // What went beyond Redis's reply buffer lives in its reply list, freed once written:
    // keep no more than twice the buffer (or a 16 KB chunk) allocated, so memory queued
    // for slow readers (tracking invalidations, pub/sub) leaves used_memory when sent.
    if (out.capacity() > 2 * std::max<size_t>(c.reply_buf_size, 16 * 1024)) {
      std::string().swap(out);
    }
    if (c.want_write_event) {
      c.want_write_event = false;
      loop_.ModifyFd(c.fd(), kClientEvents);
    }
    if (c.close_after_reply) {
      FreeClient(c.id());
      return false;
    }
  } else if (!c.want_write_event) {
    c.want_write_event = true;
    loop_.ModifyFd(c.fd(), kClientEvents | EPOLLOUT);
  }
  return true;
}

void Server::CloseClient(Client& c) {
  if (&c == current_client_) {
    c.closing = true;
    pending_close_.push_back(c.id());
    return;
  }
  FreeClient(c.id());
}

void Server::FreeClient(uint64_t id) {
  auto it = clients_.find(id);
  if (it == clients_.end()) return;
  Client& c = *it->second;
  // Its socket may be in an early send's batch: the helper must be done with it.
  if (sender_.streaming()) FinishEarlySends();
  // Its command is still running up the stack (a busy script's caller, DEBUG RELOAD): freed
  // by BeforeSleep once that returned (Redis's freeClientAsync for a protected client).
  if (c.is_protected) {
    if (!c.closing) {
      c.closing = true;
      pending_close_.push_back(id);
    }
    return;
  }
  loop_.RemoveFd(c.fd());
  clients_by_fd_[c.fd()] = nullptr;
  close(c.fd());
  if (c.is_monitor) std::erase(monitors_, id);
  if (c.is_master) MasterLinkLost(c);
  if (c.is_replica && replication_.Remove(id)) {
    Log(LogLevel::kNotice, "Connection with replica {} lost.", ReplicaName(c));
  }
  if (c.blocked) {
    blocking_.Remove(id, c.blocked->db, c.blocked->keys, c.blocked->deadline_ms);
    keyspace_.ctx().blocked_waiters = blocking_.registrations();
  }
  if (!c.watched.empty()) watches_.UnwatchAll(c);
  if (c.subscriptions) pubsub_.RemoveClient(&c);
  if (c.tracking) DisableTracking(c);
  clients_.erase(it);
}

void Server::BeforeSleep() {
  if (!pending_close_.empty()) {
    std::vector<uint64_t> close_now;
    close_now.swap(pending_close_);
    for (uint64_t id : close_now) FreeClient(id);
  }
  if (!more_input_.empty()) {
    std::vector<uint64_t> again;
    again.swap(more_input_);
    for (uint64_t id : again) {
      if (Client* c = FindClient(id)) ReadFromClient(*c);
    }
  }
  // Clients whose pause ended: run what they hold, in id (arrival) order, before writing.
  if (!unpaused_.empty()) {
    std::vector<uint64_t> resume;
    resume.swap(unpaused_);
    std::sort(resume.begin(), resume.end());
    for (uint64_t id : resume) {
      Client* c = FindClient(id);
      if (!c || !c->paused) continue;
      c->paused = false;
      ProcessInput(*c);
    }
  }
  // An eviction round that ran out of time continues here, between commands.
  if (eviction_running_) PerformEvictions();
  HandleBlockedTimeouts();
  if (blocking_.HasReady()) ServeReadyKeys();
  // Clients whose block ended: run the commands they sent meanwhile.
  while (!unblocked_.empty()) {
    std::vector<uint64_t> resume;
    resume.swap(unblocked_);
    for (uint64_t id : resume) {
      Client* c = FindClient(id);
      if (c && !c->blocked && !c->paused) ProcessInput(*c);
    }
  }
  if (tracking_.HasPrefixes()) BroadcastTrackingInvalidations();
  if (std::optional<int64_t> deadline = blocking_.NextDeadline()) {
    loop_.RequestWakeWithinMs(std::max<int64_t>(0, *deadline - clock_->NowMs()));
  }
  // The effects of this iteration reach the AOF (written, and fsynced under `always`) before
  // any of its replies leaves.
  // WAIT's clients whose replicas acknowledged, then one GETACK for the WAITs that block.
  if (!waiting_acks_.empty()) ServeWaitingForAcks();
  if (getack_pending_) {
    getack_pending_ = false;
    replication_.FeedGetAck();
  }
  FlushPropagationOutsideCommands();
  if (aof_on_) FlushAof(false);
  FlushPendingWrites();
  ReadAtEnd();
  PaceAofGroupCommit();
  SnapshotTick();
  if (config_->maxmemory_clients != 0) EvictClientsOverLimit();
  if (shutdown_requested_) loop_.Stop();
}

void Server::FlushPendingWrites() {
  // An early-send batch ends with its ServeReadyKeys pass; should a pass ever write output
  // meanwhile, its sends come first (both use the one ParallelSender).
  if (sender_.streaming()) FinishEarlySends();
  // Under appendfsync always, what this iteration produced waits for the fsync of the AOF
  // bytes written so far (and anything after a held reply waits at least as long).
  uint64_t need = AofOffsetToAwait();
  bool hold = need > AofDurableOffset();
  // Swap out: writing may queue nothing new, but be safe against re-entrancy.
  std::vector<std::pair<int, uint64_t>> pending;
  pending.swap(pending_writes_);
  for (auto [fd, id] : pending) {
    Client* c = LiveClient(fd, id);
    if (!c) continue;
    if (c->is_protected) {  // written once its command ends
      pending_writes_.emplace_back(fd, id);
      continue;
    }
    c->pending_write = false;
    uint64_t end = c->out_base + c->out().size();
    if (hold) {
      held_replies_.Add(need, fd, id, end);
      continue;
    }
    c->out_allowed = end;
    if (c->out_pos() >= c->out().size()) {  // nothing to send (written early): bookkeeping
      WriteToClient(*c);
      continue;
    }
    write_batch_.push_back(c);
  }
  if (write_batch_.size() >= kParallelSendMin) {
    WriteClientsInParallel(write_batch_);
  } else {
    for (Client* c : write_batch_) WriteToClient(*c);
  }
  write_batch_.clear();
  if (hold) PumpAofFsync();  // held output always has an fsync coming
  if (pending_writes_.empty() && pending_writes_.capacity() < pending.capacity()) {
    pending.clear();
    pending_writes_.swap(pending);
  }
}

void Server::WriteClientsInParallel(std::span<Client* const> clients) {
  send_jobs_.resize(clients.size());
  for (size_t i = 0; i < clients.size(); i++) {
    Client& c = *clients[i];
    size_t limit = c.out().size();
    if (c.out_allowed - c.out_base < limit) limit = static_cast<size_t>(c.out_allowed - c.out_base);
    size_t pos = std::min(c.out_pos(), limit);
    send_jobs_[i] = {.fd = c.fd(), .data = c.out().data() + pos, .len = limit - pos};
  }
  // The other thread only reads these output buffers until Run returns.
  sender_.Run(send_jobs_);
  for (size_t i = 0; i < clients.size(); i++) {
    // WriteToClient finds the bytes sent and does the rest as for a plain write: a socket
    // that was full gets EPOLLOUT, a failed one is freed when its send fails again.
    clients[i]->out_pos() += send_jobs_[i].sent;
    stats_.net_output_bytes += send_jobs_[i].sent;
    WriteToClient(*clients[i]);
  }
}

void Server::ReleaseHeldReplies(uint64_t durable) {
  held_replies_.Release(durable, [this](const HeldReplies::Hold& h) {
    Client* c = LiveClient(h.fd, h.id);
    if (!c) return;
    if (h.end > c->out_allowed) c->out_allowed = h.end;
    if (c->is_protected) {  // its command is running: written once it ends
      QueueWrite(*c);
      return;
    }
    WriteToClient(*c);
  });
}

void Server::Cron() {
  if (config_->pause_cron) return;  // DEBUG PAUSE-CRON: none of the periodic work
  int64_t now = clock_->NowMs();
  if ((signal_shutdown_ || shutdown_initiated()) && ShutdownCron(now)) return;
  cron_loops_++;
  keyspace_.SetNow(now);
  ClientsCron(now);
  migrate_sockets_.CloseIdle(now / 1000);

  // Instantaneous metrics, sampled every 100 ms like Redis's trackInstantaneousMetric.
  if (now - stats_.last_sample_ms >= 100) {
    int64_t dt = now - stats_.last_sample_ms;
    if (stats_.last_sample_ms != 0 && dt > 0) {
      int i = stats_.sample_idx;
      stats_.ops_samples[i] =
          (stats_.total_commands_processed - stats_.last_sample_ops) * 1000 / dt;
      stats_.in_bytes_samples[i] = (stats_.net_input_bytes - stats_.last_sample_in) * 1000 / dt;
      stats_.out_bytes_samples[i] = (stats_.net_output_bytes - stats_.last_sample_out) * 1000 / dt;
      stats_.sample_idx = (i + 1) % ServerStats::kSamples;
    }
    stats_.last_sample_ms = now;
    stats_.last_sample_ops = stats_.total_commands_processed;
    stats_.last_sample_in = stats_.net_input_bytes;
    stats_.last_sample_out = stats_.net_output_bytes;
    memory_gauge_.Refresh();              // the epoch refresh for the maxmemory gauge
    uint64_t used = memory_gauge_.Get();  // INFO used_memory_peak
    if (used > stats_.used_memory_peak) stats_.used_memory_peak = used;
    keyspace_.ReleaseEmptyTables();
    if (memory_release_.Observe(used)) keyspace_.ReleaseFreedMemory();
  }

  // No eviction from here: as Redis, keys are evicted before commands, and after CONFIG SET
  // maxmemory lowers the limit (eviction_running_, from BeforeSleep). The cron may run
  // between a command and the write of its output: a PUBLISH's copies to its subscribers
  // would count as used memory and evict keys that the flush of those buffers leaves room for.

  // Idle timeout.
  if (config_->timeout > 0) {
    std::vector<uint64_t> idle;
    for (auto& [id, c] : clients_) {
      // Monitors and clients held by CLIENT PAUSE (blocked, to Redis) do not time out.
      if (!c->is_monitor && !c->is_replica && !c->is_master && !c->paused &&
          now - c->last_interaction_ms > int64_t{config_->timeout} * 1000) {
        idle.push_back(id);
      }
    }
    for (uint64_t id : idle) {
      Log(LogLevel::kVerbose, "Closing idle client");
      FreeClient(id);
    }
  }

  if (pause_until_ms_ && now >= pause_until_ms_) UnpauseClients();

  // Keep the tracking table within tracking-table-max-keys even with no command coming.
  if (stats_.features.tracking_clients != 0) TrackingLimitKeys();

  SnapshotTick();
  if (!config_->save_params.empty()) CheckSavePoints(now);
  AofCron();
  ReplicationCron(now);
  ReplicaCron(now);

  // Active expiry: at most a quarter of the cron period, and never more than 5 ms in one go
  // so a concurrent client is not kept waiting.
  // While clients are paused the dataset stays still: no active expiry (as Redis).
  // A replica leaves expiring to its master (the master's DELs come in its stream).
  if (config_->active_expire_enabled && !paused() && !is_replica_of_master()) {
    int hz = config_->hz > 0 ? config_->hz : 1;
    int64_t budget = 250'000 / hz;
    if (budget > 5000) budget = 5000;
    int64_t start = MonotonicNowUs();
    keyspace_.ActiveExpireCycle(budget, MonotonicNowUs);
    FlushPropagationOutsideCommands();
    // The budget is checked between keys: freeing one big value can overrun it.
    AddLatencySample("expire-cycle", (MonotonicNowUs() - start) / 1000);
  }
}

void Server::PauseClients(int64_t until_ms, bool write_only) {
  if (pause_until_ms_) {
    if (until_ms < pause_until_ms_) until_ms = pause_until_ms_;
    write_only = write_only && pause_write_only_;
  }
  pause_until_ms_ = until_ms;
  pause_write_only_ = write_only;
  // Paused, the dataset stands still: lookups leave expired keys in place (and so do active
  // expiry and eviction, which do not run).
  keyspace_.ctx().keep_expired = true;
}

void Server::UnpauseClients() {
  pause_until_ms_ = 0;
  // Writes stay paused while a shutdown waits (the held readers run).
  keyspace_.ctx().keep_expired = shutdown_pause_ || is_replica_of_master();
  // The paused clients run their held commands from BeforeSleep, not from here: this may be
  // called by CLIENT UNPAUSE while another client's command is executing.
  for (auto& [id, c] : clients_) {
    if (c->paused) unpaused_.push_back(id);
  }
}

bool Server::IsPausedFor(const Client& client, const CommandSpec& spec, CmdFlag flags) const {
  // MONITOR clients count as replicas, which Redis never pauses.
  if ((!pause_until_ms_ && !shutdown_pause_) || client.is_monitor) return false;
  if (pause_until_ms_ && !pause_write_only_) return true;
  // EXEC writes when a queued command does.
  if (client.multi && (client.multi->has_write || client.multi->may_replicate) &&
      spec.name == "exec") {
    return true;
  }
  return HasFlag(flags, CmdFlag::kWrite) || HasFlag(flags, CmdFlag::kMayReplicate);
}

std::string Server::ApplyConfigChange(const std::string& name) {
  if (name == "loglevel") {
    static const char* kLevels[] = {"debug", "verbose", "notice", "warning", "nothing"};
    for (int i = 0; i < 5; i++) {
      if (config_->loglevel == kLevels[i]) SetLogLevel(static_cast<LogLevel>(i));
    }
  } else if (name == "proc-title-template") {
    // Redis's updateProcTitleTemplate (the template was validated by CONFIG SET).
    std::optional<std::string> title =
        ExpandProcTitleTemplate(*config_, config_table_->GetValue(name), proc_title::ExecName());
    if (title) proc_title::Set(*title);
  } else if (name == "requirepass") {
    // The default user's password (Redis's ACLUpdateDefaultUserPassword); connections keep
    // their authentication, new ones need the new password.
    acl_.SetDefaultPassword(config_->requirepass, AclContext());
  } else if (name == "maxmemory") {
    keyspace_.SetOneSizeClass(config_->maxmemory != 0);
    if (config_->maxmemory != 0 && UsedMemoryForEviction() > config_->maxmemory) {
      Log(LogLevel::kWarning,
          "WARNING: the new maxmemory value set via CONFIG SET ({}) is smaller than the current "
          "memory usage ({}). This will result in key eviction and/or the inability to accept "
          "new write commands depending on the maxmemory-policy.",
          config_->maxmemory, UsedMemoryForEviction());
      // As Redis's startEvictionTimeProc: the evictions run from the event loop, after this
      // command (inside MULTI, after EXEC), each DEL its own effect.
      eviction_running_ = true;
      loop_.RequestWakeWithinMs(0);
    }
  } else if (name == "appendonly") {
    if (config_->appendonly && !aof_on_) {
      if (Status st = StartAof(); !st.ok()) {
        Log(LogLevel::kWarning, "{}", st.message());
        return "Unable to turn on AOF. Check server logs.";
      }
    } else if (!config_->appendonly && aof_on_) {
      StopAof();
    }
  } else if (name == "aof-disable-auto-gc") {
    DeleteAofHistory();
  } else if (name == "notify-keyspace-events") {
    ApplyNotifyConfig();
  } else if (name == "lazyfree-lazy-expire" || name == "lazyfree-lazy-server-del") {
    ApplyLazyFreeConfig();
  } else if (name == "repl-backlog-size") {
    ApplyReplBacklogSize(/*config_set=*/true);
  } else if (name == "maxmemory-policy" || name == "lfu-log-factor" || name == "lfu-decay-time") {
    keyspace_.SetAccessPolicy(config_->maxmemory_policy, config_->lfu_log_factor,
                              config_->lfu_decay_time);
  } else if (name == "jemalloc-bg-thread") {
    ApplyAllocatorConfig();
  } else if (name == "hz") {
    RearmCron();
  } else if (name == "latency-monitor-threshold") {
    keyspace_.ctx().latency_threshold_ms = config_->latency_monitor_threshold;
  } else if (name == "port") {
    return RebindTcp("Unable to listen on this port. Check server logs.");
  } else if (name == "bind") {
    return RebindTcp("Failed to bind to specified addresses.");
  } else if (name == "maxclients") {
    return AdjustOpenFilesLimit(&config_->maxclients);
  } else if (name == "oom-score-adj" || name == "oom-score-adj-values") {
    if (!ApplyOomScoreAdj()) return "Failed to set current oom_score_adj. Check server logs.";
  } else if (name == "slowlog-max-len") {
    slowlog_.Trim(static_cast<size_t>(config_->slowlog_max_len));
  } else if (name.starts_with("metrics-")) {
    return metrics_ ? metrics_->Reconfigure() : "";
  } else if (name == "dir") {
    if (chdir(config_->dir.c_str()) != 0) return strerror(errno);
    char buf[4096];
    if (getcwd(buf, sizeof(buf))) config_->dir = buf;
  }
  return "";
}

}  // namespace duet
