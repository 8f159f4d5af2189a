// ReplicationFeed: the master side of Redis's replication stream, as far as duet serves it.
//
// A client that sends SYNC or PSYNC gets a full resynchronization (server/replication_cmds.cc:
// an RDB image of the dataset as a bulk payload) and is then added here as a replica. From
// then on it receives every effect the propagation point hands out, in the form Redis 7.0.15's
// replicationFeedSlaves writes: SELECT when the database differs from the last one fed (the
// first command after a replica attaches always carries one), then the command as a RESP
// array; PING every repl-ping-replica-period seconds and REPLCONF GETACK * for WAIT go through
// the same stream. That is what `redis-cli --replica` and Redis's own test suite
// (attach_to_replication_stream) read. duet cannot be a replica itself (no REPLICAOF), and
// there is no backlog to serve partial resynchronizations from: every PSYNC is a full one.
//
// The offset (master_repl_offset) counts the bytes fed since the backlog was created, which
// happens when the first replica attaches, as in Redis; it keeps counting after the last
// replica leaves.
//
// Threading: event-loop thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "server/propagation.h"

namespace duet {

// A new random replication ID: 40 lowercase hex characters.
std::string NewReplicationId();

class ReplicationFeed : public PropagationTarget {
 public:
  struct Replica {
    uint64_t client_id = 0;
    std::string ip;              // REPLCONF ip-address, else the peer's address
    int64_t listening_port = 0;  // REPLCONF listening-port
    int64_t ack_offset = 0;      // the highest REPLCONF ACK offset
    int64_t ack_time_s = 0;      // when the last ACK arrived (unix seconds)
    bool pre_psync = false;      // attached with SYNC: sends no ACKs
  };
  // Writes bytes of the stream to one replica's connection.
  using Sink = std::function<void(uint64_t client_id, std::string_view bytes)>;

  explicit ReplicationFeed(Sink sink) : sink_(std::move(sink)) {}

  void Feed(int db, std::span<const std::string> argv) override;
  // PING (replicationCron), in whatever database was selected last.
  void FeedPing();
  // REPLCONF GETACK * (WAIT asks the replicas for their offsets).
  void FeedGetAck();

  // Adds a replica whose full resynchronization has been sent; the next effect fed starts with
  // SELECT. Returns true when this created the backlog (the first replica ever).
  bool Add(Replica r);
  // Forgets a replica (its client went away). Returns whether it was one.
  bool Remove(uint64_t client_id);
  Replica* Find(uint64_t client_id);
  const std::vector<Replica>& replicas() const { return replicas_; }
  bool empty() const { return replicas_.empty(); }

  // master_repl_offset.
  int64_t offset() const { return offset_; }
  bool backlog_active() const { return backlog_active_; }
  // repl_backlog_first_byte_offset / repl_backlog_histlen for a backlog of `size` bytes.
  int64_t BacklogFirstByte(int64_t size) const;
  int64_t BacklogHistlen(int64_t size) const;
  // Replicas whose acknowledged offset is at least `offset` (replicationCountAcksByOffset).
  size_t CountAcks(int64_t offset) const;

 private:
  void Send(std::string_view bytes);

  Sink sink_;
  std::vector<Replica> replicas_;
  int selected_db_ = -1;  // Redis's slaveseldb
  int64_t offset_ = 0;
  bool backlog_active_ = false;
  std::string scratch_;
};

}  // namespace duet
