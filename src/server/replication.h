// ReplicationFeed: the master side of Redis's replication stream, as far as duet serves it.
//
// A client that sends SYNC or PSYNC gets a full resynchronization (server/replication_cmds.cc:
// an RDB image of the dataset as a bulk payload) and is then added here as a replica. From
// then on it receives every effect the propagation point hands out, in the form Redis 7.0.15's
// replicationFeedSlaves writes: SELECT when the database differs from the last one fed (the
// first command after a replica attaches always carries one), then the command as a RESP
// array; PING every repl-ping-replica-period seconds and REPLCONF GETACK * for WAIT go through
// the same stream. That is what `redis-cli --replica` and Redis's own test suite
// (attach_to_replication_stream) read. The backlog keeps the last repl-backlog-size bytes of
// the stream, so a replica that reconnects with PSYNC <replid> <offset> inside it continues
// with +CONTINUE (server/replication_server.cc).
//
// The offset (master_repl_offset) counts the bytes fed since the backlog was created, which
// happens when the first replica attaches, as in Redis; it keeps counting after the last
// replica leaves. On a replica (server/replica_server.cc) the stream received from the master
// is proxied here byte for byte (FeedRaw) while the master's commands run (`proxying`, which
// makes Feed ignore their propagated effects), so sub-replicas and the backlog see the
// master's own offsets.
//
// Threading: event-loop thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
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

  void Feed(int db, std::string_view resp) override;
  // Bytes of a master's stream, fed as they are (a replica proxies its master's stream).
  void FeedRaw(std::string_view bytes) { Send(bytes); }
  // While set, Feed ignores effects (the master's commands are proxied with FeedRaw instead).
  void set_proxying(bool on) { proxying_ = on; }
  // PING (replicationCron), in whatever database was selected last.
  void FeedPing();
  // REPLCONF GETACK * (WAIT asks the replicas for their offsets).
  void FeedGetAck();

  // Adds a replica whose resynchronization has been sent. Returns true when this created the
  // backlog (none was active).
  bool Add(Replica r);
  // Forgets a replica (its client went away). Returns whether it was one.
  bool Remove(uint64_t client_id);
  Replica* Find(uint64_t client_id);
  const std::vector<Replica>& replicas() const { return replicas_; }
  bool empty() const { return replicas_.empty(); }

  // master_repl_offset.
  int64_t offset() const { return offset_; }
  bool backlog_active() const { return backlog_active_; }
  // repl-backlog-size: how many bytes of history the backlog keeps. A smaller size drops the
  // older history at once and gives back the memory that held it (Redis's
  // resizeReplicationBacklog); the buffer holds at most 1.5 times the size (16 KB more for
  // a small one) at any time.
  void set_backlog_size(int64_t size);
  int64_t backlog_size() const { return backlog_size_; }
  // repl_backlog_first_byte_offset / repl_backlog_histlen.
  int64_t BacklogFirstByte() const;
  int64_t BacklogHistlen() const;
  // The bytes the backlog's buffer holds from the allocator (INFO's mem_replication_backlog).
  size_t BacklogAllocatedBytes() const;
  // The stream from offset `from` (1-based, as PSYNC's offset) to the end, when the backlog
  // still holds it (from in [first byte, offset + 1]); nullopt otherwise.
  std::optional<std::string_view> BacklogFrom(int64_t from) const;
  // Frees the backlog (repl-backlog-ttl passed with no replica); the offset stays.
  void FreeBacklog();
  // Starts a fresh history at `offset` with an empty active backlog (a replica synchronized
  // with its master, or a master's first replica): the next effect fed starts with SELECT.
  void ResetHistory(int64_t offset);
  // The next effect fed starts with SELECT (a full resynchronization starts).
  void ForceSelect() { selected_db_ = -1; }
  // Forgets every replica (their clients are being closed).
  void ClearReplicas() { replicas_.clear(); }
  // Replicas whose acknowledged offset is at least `offset` (replicationCountAcksByOffset).
  size_t CountAcks(int64_t offset) const;

 private:
  void Send(std::string_view bytes);
  // Appends to the backlog, first dropping its oldest bytes down to backlog_size_ when the
  // append would pass BacklogLimit(): the buffer's capacity never exceeds that limit.
  void AppendToBacklog(std::string_view bytes);
  // backlog_size_ plus the headroom the buffer fills before it is trimmed (half the size,
  // at least kBacklogMinHeadroom): each trim moves backlog_size_ bytes, so the headroom
  // bounds that cost to two bytes moved per byte fed.
  size_t BacklogLimit() const;
  void ActivateBacklog();
  static constexpr size_t kBacklogMinHeadroom = 16 * 1024;

  Sink sink_;
  std::vector<Replica> replicas_;
  int selected_db_ = -1;  // Redis's slaveseldb
  int64_t offset_ = 0;
  bool backlog_active_ = false;
  bool proxying_ = false;
  int64_t backlog_size_ = 1024 * 1024;
  // The newest bytes of the stream: backlog_.size() bytes ending at offset_, at most
  // BacklogLimit() of them, in a buffer whose capacity stays within that limit.
  std::string backlog_;
  std::string scratch_;
};

}  // namespace duet
