// The replica side of replication (Redis 7.0.15's replication.c as far as a replica goes):
// REPLICAOF's state changes, the link to the master (server/replica_link.h), loading the
// master's RDB, the master client that applies the stream, ACKs and the cron.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "common/log.h"
#include "common/strutil.h"
#include "net/socket.h"
#include "persistence/aof_manifest.h"
#include "protocol/errors.h"
#include "server/aof.h"
#include "server/server.h"

namespace duet {

namespace {

int64_t DirectiveInt(ConfigTable& t, const char* name, int64_t fallback) {
  return ParseInt64(t.GetValue(name)).value_or(fallback);
}

}  // namespace

Client* Server::master_client() {
  return master_client_id_ != 0 ? FindClient(master_client_id_) : nullptr;
}

void Server::ApplyReplicaofDirective() {
  auto it = config_->other.find("replicaof");
  if (it == config_->other.end()) return;
  size_t sp = it->second.rfind(' ');
  master_host_ = it->second.substr(0, sp);
  master_port_ = static_cast<int>(ParseInt64(it->second.substr(sp + 1)).value_or(0));
  if (stats_.master_replid.empty()) stats_.master_replid = NewReplicationId();
  replication_.set_proxying(true);
  keyspace_.ctx().keep_expired = true;
  master_connect_ms_ = 0;
}

bool Server::SetMaster(const std::string& host, int port) {
  if (!master_host_.empty() && EqualsIgnoreCase(master_host_, host) && master_port_ == port) {
    return false;
  }
  bool was_master = master_host_.empty();
  master_host_.clear();  // so freeing the master client does not reconnect
  if (Client* m = master_client()) FreeClient(m->id());
  if (master_link_) master_link_->Cancel();
  master_host_ = host;
  master_port_ = port;
  config_->other["replicaof"] = host + " " + std::to_string(port);  // CONFIG REWRITE
  if (was_master) {
    // The history so far is this server's own: PSYNC asks the new master to continue it
    // (Redis's replicationCacheMasterUsingMyself). Local writes are not fed to sub-replicas
    // any more: they get the master's stream.
    if (stats_.master_replid.empty()) stats_.master_replid = NewReplicationId();
    master_db_ = 0;
    replication_.set_proxying(true);
  }
  keyspace_.ctx().keep_expired = true;
  // Clients blocked as on a master are told the instance changed (disconnectAllBlockedClients).
  std::vector<uint64_t> blocked;
  for (auto& [id, c] : clients_) {
    if (c->blocked && !c->paused) blocked.push_back(id);
  }
  for (uint64_t id : blocked) {
    Client* c = FindClient(id);
    if (!c) continue;
    c->reply().Error(errors::kUnblockedRoleChange);
    FinishBlocked(*c);
    c->close_after_reply = true;
    QueueWrite(*c);
  }
  ApplyOomScoreAdj();  // the replica class's value
  Log(LogLevel::kNotice, "Connecting to MASTER {}:{}", host, port);
  ConnectToMaster();
  return true;
}

void Server::UnsetMaster() {
  if (master_host_.empty()) return;
  master_host_.clear();
  config_->other.erase("replicaof");
  if (Client* m = master_client()) FreeClient(m->id());
  if (master_link_) master_link_->Cancel();
  ShiftReplicationId();
  DisconnectReplicas();
  replication_.set_proxying(false);
  replication_.ForceSelect();
  keyspace_.ctx().keep_expired = paused();
  repl_down_since_s_ = 0;
  ApplyOomScoreAdj();  // back to the master class's value
}

void Server::ShiftReplicationId() {
  if (stats_.master_replid.empty()) stats_.master_replid = NewReplicationId();
  replid2_ = stats_.master_replid;
  // +1: the first byte the new history does not share with the old one.
  second_replid_offset_ = replication_.offset() + 1;
  stats_.master_replid = NewReplicationId();
  Log(LogLevel::kNotice,
      "Setting secondary replication ID to {}, valid up to offset: {}. New "
      "replication ID is {}",
      replid2_, second_replid_offset_, stats_.master_replid);
}

void Server::DisconnectReplicas() {
  std::vector<uint64_t> ids;
  for (const ReplicationFeed::Replica& r : replication_.replicas()) ids.push_back(r.client_id);
  for (uint64_t id : ids) {
    if (Client* c = FindClient(id)) CloseClient(*c);
  }
  replication_.ClearReplicas();
}

void Server::ConnectToMaster() {
  if (!master_link_) {
    master_link_ = std::make_unique<ReplicaLink>(
        &loop_, clock_, [this](ReplicaLink::Outcome out) { OnMasterLinkFinished(std::move(out)); });
  }
  master_connect_ms_ = clock_->NowMs();
  ReplicaLink::Options o;
  o.host = master_host_;
  o.port = master_port_;
  o.masterauth = config_table_->GetValue("masterauth");
  o.masteruser = config_table_->GetValue("masteruser");
  int64_t announce_port = DirectiveInt(*config_table_, "replica-announce-port", 0);
  o.listening_port = announce_port != 0 ? announce_port : config_->port;
  o.announce_ip = config_table_->GetValue("replica-announce-ip");
  if (stats_.master_replid.empty()) stats_.master_replid = NewReplicationId();
  o.psync_replid = stats_.master_replid;
  o.psync_offset = replication_.offset() + 1;
  o.temp_path = "temp-" + std::to_string(clock_->NowMs() / 1000) + "." +
                std::to_string(static_cast<long>(getpid())) + ".rdb";
  master_link_->Start(std::move(o));
}

void Server::OnMasterLinkFinished(ReplicaLink::Outcome out) {
  if (!out.full) {
    // +CONTINUE: the same history, maybe under a new ID (the master was promoted).
    if (!out.replid.empty() && out.replid != stats_.master_replid) {
      replid2_ = stats_.master_replid;
      second_replid_offset_ = replication_.offset() + 1;
      stats_.master_replid = out.replid;
      Log(LogLevel::kNotice, "Master replication ID changed to {}", out.replid);
      DisconnectReplicas();  // they must learn the new ID
    }
    Log(LogLevel::kNotice, "MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.");
    if (!replication_.backlog_active()) replication_.ResetHistory(replication_.offset());
    EnsureReplicationTarget();
    CreateMasterClient(out.fd, std::move(out.pending), master_db_);
    return;
  }
  // The sub-replicas follow a history that ends here.
  DisconnectReplicas();
  if (!LoadMasterRdb(out.rdb_path)) {
    close(out.fd);
    return;  // the cron tries again
  }
  stats_.master_replid = out.replid;
  replid2_ = std::string(40, '0');
  second_replid_offset_ = -1;
  replication_.ResetHistory(out.offset);
  EnsureReplicationTarget();
  CreateMasterClient(out.fd, std::move(out.pending), 0);
  Log(LogLevel::kNotice, "MASTER <-> REPLICA sync: Finished with success");
  if (aof_on_) {
    // Redis's restartAOFAfterSYNC: the AOF starts again from the new dataset.
    StopAof();
    if (Status st = StartAof(); !st.ok()) Log(LogLevel::kWarning, "{}", st.message());
  }
}

bool Server::LoadMasterRdb(const std::string& temp_path) {
  if (snapshot_) AbortSnapshot();
  if (rename(temp_path.c_str(), config_->dbfilename.c_str()) != 0) {
    Log(LogLevel::kWarning,
        "Failed trying to rename the temp DB into {} in MASTER <-> REPLICA synchronization: {}",
        config_->dbfilename, strerror(errno));
    unlink(temp_path.c_str());
    return false;
  }
  Log(LogLevel::kNotice, "MASTER <-> REPLICA sync: Flushing old data");
  keyspace_.FlushAll();
  functions_->Flush();
  TrackingInvalidateAllOnFlush();
  Log(LogLevel::kNotice, "MASTER <-> REPLICA sync: Loading DB in memory");
  Status st = LoadRdb(/*replace=*/false, /*keep_expired=*/true);
  if (!st.ok()) {
    Log(LogLevel::kWarning, "{}", st.message());
    Log(LogLevel::kWarning,
        "Failed trying to load the MASTER synchronization DB from disk, check server logs.");
    keyspace_.FlushAll();
    functions_->Flush();
    return false;
  }
  return true;
}

void Server::CreateMasterClient(int fd, std::string pending, int db) {
  SetNonBlocking(fd);
  if (config_->tcp_keepalive > 0) SetKeepAlive(fd, config_->tcp_keepalive);
  auto client = std::make_unique<Client>(next_client_id_++, fd);
  Client& c = *client;
  c.is_master = true;
  c.authenticated = true;
  c.db_index = db;
  c.peer_ip = master_host_;
  c.peer_port = master_port_;
  c.local_addr = LocalAddress(fd);
  c.created_ms = c.last_interaction_ms = clock_->NowMs();
  c.out_peak_reset_ms = c.created_ms;
  uint64_t id = c.id();
  if (static_cast<size_t>(fd) >= clients_by_fd_.size()) clients_by_fd_.resize(fd + 1, nullptr);
  clients_by_fd_[fd] = &c;
  clients_.emplace(id, std::move(client));
  master_client_id_ = id;
  repl_down_since_s_ = 0;
  loop_.AddFd(fd, kClientEvents, [this, fd, id](uint32_t ev) { OnClientEvent(fd, id, ev); });
  SendAckToMaster();
  if (!pending.empty()) {
    char* dst = c.query().PrepareWrite(pending.size());
    std::copy(pending.begin(), pending.end(), dst);
    c.query().CommitWrite(pending.size());
    ProcessInput(c);
  }
  // Anything already in the socket arrived before the edge the loop will report.
  if (LiveClient(fd, id)) ReadFromClient(c);
}

void Server::MasterLinkLost(const Client& c) {
  master_client_id_ = 0;
  master_db_ = c.db_index;
  repl_down_since_s_ = clock_->NowMs() / 1000;
  if (master_host_.empty()) return;  // REPLICAOF changed: no reconnection to this one
  Log(LogLevel::kNotice, "Connection with master lost.");
  Log(LogLevel::kNotice, "* Caching the disconnected master state.");
  master_connect_ms_ = 0;  // reconnect on the next cron
}

void Server::MasterStreamApplied(std::string_view bytes) { replication_.FeedRaw(bytes); }

void Server::SendAckToMaster() {
  Client* m = master_client();
  if (!m) return;
  std::string off = std::to_string(replication_.offset());
  std::string ack =
      "*3\r\n$8\r\nREPLCONF\r\n$3\r\nACK\r\n$" + std::to_string(off.size()) + "\r\n" + off + "\r\n";
  SendToReplica(m->id(), ack);
}

void Server::ReplicaCron(int64_t now_ms) {
  if (master_host_.empty()) return;
  int64_t timeout_s = DirectiveInt(*config_table_, "repl-timeout", 60);
  if (master_link_ && master_link_->active()) {
    master_link_->CheckTimeout(now_ms, timeout_s);
    return;
  }
  Client* m = master_client();
  if (!m) {
    if (now_ms - master_connect_ms_ >= 1000) {
      Log(LogLevel::kNotice, "Connecting to MASTER {}:{}", master_host_, master_port_);
      ConnectToMaster();
    }
    return;
  }
  if (now_ms - m->last_interaction_ms > timeout_s * 1000) {
    Log(LogLevel::kWarning, "MASTER timeout: no data nor PING received...");
    FreeClient(m->id());
    return;
  }
  if (now_ms - last_ack_ms_ >= 1000) {
    last_ack_ms_ = now_ms;
    SendAckToMaster();
  }
}

void Server::AppendReplicaInfo(std::string& out) {
  Client* m = master_client();
  int64_t now_s = clock_->NowMs() / 1000;
  int64_t off = replication_.offset();
  int64_t read_off = off + (m ? static_cast<int64_t>(m->query().size()) : 0);
  bool transfer = master_link_ && master_link_->state() == ReplicaLink::State::kTransfer;
  out += "master_host:" + master_host_ + "\r\n";
  out += "master_port:" + std::to_string(master_port_) + "\r\n";
  out += std::string("master_link_status:") + (m ? "up" : "down") + "\r\n";
  out += "master_last_io_seconds_ago:" +
         std::to_string(m ? now_s - m->last_interaction_ms / 1000 : -1) + "\r\n";
  out += std::string("master_sync_in_progress:") + (transfer ? "1" : "0") + "\r\n";
  out += "slave_read_repl_offset:" + std::to_string(read_off) + "\r\n";
  out += "slave_repl_offset:" + std::to_string(off) + "\r\n";
  if (transfer) {
    int64_t size = master_link_->transfer_size();
    int64_t read = master_link_->transfer_read();
    double perc = size > 0 ? static_cast<double>(read) / static_cast<double>(size) * 100 : 0;
    char pbuf[32];
    snprintf(pbuf, sizeof(pbuf), "%.2f", perc);
    out += "master_sync_total_bytes:" + std::to_string(size) + "\r\n";
    out += "master_sync_read_bytes:" + std::to_string(read) + "\r\n";
    out += "master_sync_left_bytes:" + std::to_string(size - read) + "\r\n";
    out += std::string("master_sync_perc:") + pbuf + "\r\n";
    out += "master_sync_last_io_seconds_ago:" +
           std::to_string(now_s - master_link_->last_io_ms() / 1000) + "\r\n";
  }
  if (!m) {
    out += "master_link_down_since_seconds:" +
           std::to_string(repl_down_since_s_ ? now_s - repl_down_since_s_ : -1) + "\r\n";
  }
  out += "slave_priority:" + config_table_->GetValue("replica-priority") + "\r\n";
  out += std::string("slave_read_only:") +
         (config_table_->GetValue("replica-read-only") == "yes" ? "1" : "0") + "\r\n";
  out += std::string("replica_announced:") +
         (config_table_->GetValue("replica-announced") == "yes" ? "1" : "0") + "\r\n";
}

void Server::ReplyRoleAsReplica(ReplyBuilder& r) {
  // ["slave", host, port, state, offset]; the state as Redis's ROLE names repl_state.
  const char* state = "connect";
  if (master_client()) {
    state = "connected";
  } else if (master_link_) {
    switch (master_link_->state()) {
      case ReplicaLink::State::kIdle:
        state = "connect";
        break;
      case ReplicaLink::State::kConnecting:
        state = "connecting";
        break;
      case ReplicaLink::State::kHandshake:
      case ReplicaLink::State::kPsync:
        state = "handshake";
        break;
      case ReplicaLink::State::kTransfer:
        state = "sync";
        break;
    }
  }
  r.ArrayHeader(5);
  r.Bulk("slave");
  r.Bulk(master_host_);
  r.Integer(master_port_);
  r.Bulk(state);
  r.Integer(master_client() ? replication_.offset() : -1);
}

}  // namespace duet
