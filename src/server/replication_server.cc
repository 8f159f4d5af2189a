// Server side of the replication master (server/replication.h): full resynchronization of a
// SYNC/PSYNC client, the stream's sink, ACKs, WAIT's blocked clients, the replicas' PING.
#include <algorithm>
#include <string>

#include "common/log.h"
#include "common/strutil.h"
#include "persistence/rdb_encoder.h"
#include "persistence/rdb_file.h"
#include "server/memory_stats.h"
#include "server/server.h"

namespace duet {

namespace {

ReplicationFeed::Replica ReplicaEntry(const Client& c, int64_t now_s, bool pre_psync) {
  ReplicationFeed::Replica r;
  r.client_id = c.id();
  r.ip = c.repl_ip_address.empty() ? c.peer_ip : c.repl_ip_address;
  r.listening_port = c.repl_listening_port;
  r.ack_time_s = now_s;
  r.pre_psync = pre_psync;
  return r;
}

}  // namespace

std::string Server::ReplicaName(const Client& c) const {
  std::string ip = c.repl_ip_address.empty() ? c.peer_ip : c.repl_ip_address;
  if (ip.find(':') != std::string::npos) ip = "[" + ip + "]";
  if (c.repl_listening_port != 0) return ip + ":" + std::to_string(c.repl_listening_port);
  return ip + ":<unknown-replica-port>";
}

bool Server::TryPartialResync(Client& c, std::string_view replid, int64_t offset) {
  if (stats_.master_replid.empty()) stats_.master_replid = NewReplicationId();
  if (replid != stats_.master_replid && (replid != replid2_ || offset > second_replid_offset_)) {
    if (replid == "?") {
      Log(LogLevel::kNotice, "Full resync requested by replica {}", ReplicaName(c));
    } else if (replid != replid2_) {
      Log(LogLevel::kNotice,
          "Partial resynchronization not accepted: Replication ID mismatch (Replica asked for "
          "'{}', my replication IDs are '{}' and '{}')",
          replid, stats_.master_replid, replid2_);
    } else {
      Log(LogLevel::kNotice,
          "Partial resynchronization not accepted: Requested offset for second ID was {}, but "
          "I can reply up to {}",
          offset, second_replid_offset_);
    }
    return false;
  }
  std::optional<std::string_view> from = replication_.BacklogFrom(offset);
  if (!from) {
    Log(LogLevel::kNotice,
        "Unable to partial resync with replica {} for lack of backlog (Replica request was: {}).",
        ReplicaName(c), offset);
    if (offset > replication_.offset()) {
      Log(LogLevel::kWarning,
          "Warning: replica {} tried to PSYNC with an offset that is greater than the master "
          "replication offset.",
          ReplicaName(c));
    }
    return false;
  }
  c.is_replica = true;
  replication_.Add(ReplicaEntry(c, clock_->NowMs() / 1000, /*pre_psync=*/false));
  SendToReplica(c.id(), c.repl_capa_psync2 ? "+CONTINUE " + stats_.master_replid + "\r\n"
                                           : std::string("+CONTINUE\r\n"));
  SendToReplica(c.id(), *from);
  Log(LogLevel::kNotice,
      "Partial resynchronization request from {} accepted. Sending {} bytes of backlog starting "
      "from offset {}.",
      ReplicaName(c), from->size(), offset);
  return true;
}

void Server::AttachReplica(Client& c, bool psync, std::string_view requested_replid,
                           int64_t requested_offset) {
  Log(LogLevel::kNotice, "Replica {} asks for synchronization", ReplicaName(c));
  if (psync) {
    if (TryPartialResync(c, requested_replid, requested_offset)) {
      stats_.sync_partial_ok++;
      return;
    }
    // A replica that named a history ("?" asks for a full one on purpose) counts as a
    // failed partial one.
    if (requested_replid != "?") stats_.sync_partial_err++;
  }
  stats_.sync_full++;
  c.is_replica = true;
  replication_.ForceSelect();  // the stream after the image starts with SELECT
  if (replication_.Add(ReplicaEntry(c, clock_->NowMs() / 1000, /*pre_psync=*/!psync))) {
    // The first replica creates the backlog, under a new replication ID (Redis's
    // changeReplicationId + clearReplicationId2).
    stats_.master_replid = NewReplicationId();
    replid2_ = std::string(40, '0');
    second_replid_offset_ = -1;
    Log(LogLevel::kNotice,
        "Replication backlog created, my new replication IDs are '{}' and "
        "'0000000000000000000000000000000000000000'",
        stats_.master_replid);
  }
  Log(LogLevel::kNotice, "Starting BGSAVE for SYNC with target: disk");
  EnsureReplicationTarget();
  // The image of the dataset now; every effect from here on follows it in the stream.
  int64_t now = clock_->NowMs();
  keyspace_.SetNow(now);
  rdb::SaveOptions opts = rdb::SaveOptionsFor(*config_, now, ReadUsedMemory());
  opts.functions = functions_->Codes();
  rdb::RdbEncoder enc(config_->rdbcompression);
  rdb::EncodeKeyspace(keyspace_, opts, config_->rdbchecksum, enc);
  (void)enc.Finish();  // no sink: it cannot fail
  const std::string& image = enc.buffer();
  std::string head;
  if (psync) {
    head = "+FULLRESYNC " + stats_.master_replid + " " + std::to_string(replication_.offset()) +
           "\r\n";
  }
  head += "$" + std::to_string(image.size()) + "\r\n";
  SendToReplica(c.id(), head);
  SendToReplica(c.id(), image);
  Log(LogLevel::kNotice, "Synchronization with replica {} succeeded", ReplicaName(c));
}

void Server::SendToReplica(uint64_t client_id, std::string_view bytes) {
  Client* c = FindClient(client_id);
  if (!c) return;
  // Written even while the replica's own command runs muted (replies to it are dropped, the
  // stream is not).
  bool muted = c->reply().muted();
  c->reply().SetMuted(false);
  c->reply().Raw(bytes);
  c->reply().SetMuted(muted);
  QueueWrite(*c);
}

size_t Server::GoodReplicas() const {
  int64_t now_s = clock_->NowMs() / 1000;
  size_t good = 0;
  for (const ReplicationFeed::Replica& r : replication_.replicas()) {
    if (now_s - r.ack_time_s <= config_->min_replicas_max_lag) good++;
  }
  return good;
}

bool Server::WritesDeniedByReplicas() const {
  if (is_replica_of_master() || config_->min_replicas_to_write <= 0 ||
      config_->min_replicas_max_lag <= 0) {
    return false;
  }
  return GoodReplicas() < static_cast<size_t>(config_->min_replicas_to_write);
}

size_t Server::ReplicationBufferBytes() {
  auto bytes = static_cast<size_t>(replication_.BacklogHistlen());
  for (const ReplicationFeed::Replica& r : replication_.replicas()) {
    if (Client* c = FindClient(r.client_id)) {
      bytes = std::max(bytes, c->out().size() - c->out_pos());
    }
  }
  return bytes;
}

size_t Server::ReplicaOutputBufferBytes() {
  size_t bytes = 0;
  for (const ReplicationFeed::Replica& r : replication_.replicas()) {
    // The allocation itself: jemalloc rounds a large buffer up to its size class (by up to
    // a quarter), and that memory is the replica's too.
    if (Client* c = FindClient(r.client_id)) bytes += AllocatedBytes(c->out());
  }
  return bytes;
}

void Server::ReplicaAcked(Client& c, int64_t offset) {
  ReplicationFeed::Replica* r = replication_.Find(c.id());
  if (!r) return;
  if (offset > r->ack_offset) r->ack_offset = offset;
  r->ack_time_s = clock_->NowMs() / 1000;
}

bool Server::BlockForReplicas(Client& c, const CommandSpec& spec,
                              std::span<const std::string_view> args, int64_t deadline_ms,
                              int64_t offset, int64_t numreplicas) {
  std::vector<std::string_view> full;
  full.reserve(args.size() + 1);
  full.push_back(spec.name);
  full.insert(full.end(), args.begin(), args.end());
  if (!BlockClient(c, spec, full, {}, deadline_ms)) return false;
  c.blocked->wait_offset = offset;
  c.blocked->wait_replicas = numreplicas;
  waiting_acks_.push_back(c.id());
  getack_pending_ = true;  // ask the replicas for their offsets before sleeping
  return true;
}

void Server::ServeWaitingForAcks() {
  std::vector<uint64_t> still;
  for (uint64_t id : waiting_acks_) {
    Client* c = FindClient(id);
    if (!c || !c->blocked || c->blocked->wait_offset < 0) continue;
    auto acked = static_cast<int64_t>(replication_.CountAcks(c->blocked->wait_offset));
    if (acked >= c->blocked->wait_replicas) {
      c->reply().Integer(acked);
      FinishBlocked(*c);
    } else {
      still.push_back(id);
    }
  }
  waiting_acks_.swap(still);
}

void Server::ApplyReplBacklogSize(bool config_set) {
  int64_t size = ParseInt64(config_table_->GetValue("repl-backlog-size")).value_or(1024 * 1024);
  // As Redis's resizeReplicationBacklog: CONFIG SET raises a size under 16 KB to 16 KB, which
  // CONFIG GET then shows; the configuration file's value is used as written.
  constexpr int64_t kMinSize = 16 * 1024;
  if (config_set && size < kMinSize) {
    size = kMinSize;
    config_->other["repl-backlog-size"] = std::to_string(kMinSize);
  }
  replication_.set_backlog_size(size);
}

void Server::ReplicationCron(int64_t now_ms) {
  // Once a second, as Redis's replicationCron; PING when the count of its runs is a multiple
  // of repl-ping-replica-period (so a replica attached mid-period is not pinged at once).
  if (now_ms - last_replication_cron_ms_ < 1000) return;
  last_replication_cron_ms_ = now_ms;
  int64_t period = ParseInt64(config_table_->GetValue("repl-ping-replica-period")).value_or(10);
  // A replica's sub-replicas get its master's PINGs (proxied), not its own.
  if (period > 0 && replication_cron_loops_ % period == 0 && !replication_.empty() &&
      !is_replica_of_master()) {
    replication_.FeedPing();
  }
  replication_cron_loops_++;
  // repl-backlog-ttl: a master without replicas for that long frees its backlog, and the
  // next replica starts a new history (a replica keeps its backlog, to serve PSYNCs after a
  // promotion).
  int64_t now_s = now_ms / 1000;
  if (!replication_.empty()) {
    no_replicas_since_s_ = now_s;
  } else {
    if (no_replicas_since_s_ == 0) no_replicas_since_s_ = now_s;
    int64_t ttl = ParseInt64(config_table_->GetValue("repl-backlog-ttl")).value_or(3600);
    if (ttl > 0 && replication_.backlog_active() && !is_replica_of_master() &&
        now_s - no_replicas_since_s_ > ttl) {
      stats_.master_replid = NewReplicationId();
      replid2_ = std::string(40, '0');
      second_replid_offset_ = -1;
      replication_.FreeBacklog();
      Log(LogLevel::kNotice,
          "Replication backlog freed after {} seconds without connected replicas.", ttl);
    }
  }
}

}  // namespace duet
