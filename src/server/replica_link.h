// ReplicaLink: the replica's connection to its master up to the replication stream, as
// Redis 7.0.15's connectWithMaster/syncWithMaster/readSyncBulkPayload do it.
//
// Non-blocking, driven by the event loop: connect, PING, then AUTH (masterauth, masteruser),
// REPLCONF listening-port [ip-address], REPLCONF capa eof capa psync2 (pipelined, replies
// read in order), then PSYNC <replid> <offset> (or "? -1"). The master answers
// +FULLRESYNC <replid> <offset> followed by the RDB payload as `$<len>` or diskless
// `$EOF:<40-byte mark>` (empty keepalive lines are skipped), which is written to a temp file
// in the working directory; or +CONTINUE [<new replid>] (a partial resynchronization).
// Either way the link then hands its socket and the bytes read past the payload to the
// owner (`Finished`), which makes the master client of them.
//
// Owned by the Server (server/replica_server.cc). Event-loop thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "net/event_loop.h"

namespace duet {

class ReplicaLink {
 public:
  // Redis's repl_state, as far as INFO and the cron need it.
  enum class State { kIdle, kConnecting, kHandshake, kPsync, kTransfer };

  struct Options {
    std::string host;
    int port = 0;
    std::string masterauth;  // empty: no AUTH
    std::string masteruser;  // AUTH <user> <pass> when set
    int64_t listening_port = 0;
    std::string announce_ip;  // REPLCONF ip-address when set
    std::string psync_replid = "?";
    int64_t psync_offset = -1;  // the first byte wanted (PSYNC's offset), -1 with "?"
    std::string temp_path;      // where a full resynchronization's RDB is written
  };

  struct Outcome {
    bool full = false;     // +FULLRESYNC: the RDB is in Options::temp_path
    std::string replid;    // the master's replication ID (full), or the new one (+CONTINUE ...)
    int64_t offset = 0;    // full: the master's offset at the image
    int fd = -1;           // the connection, now the owner's
    std::string pending;   // bytes of the stream read past the payload
    std::string rdb_path;  // full: the received RDB (Options::temp_path)
  };
  using Finished = std::function<void(Outcome)>;

  ReplicaLink(EventLoop* loop, const Clock* clock, Finished on_finished)
      : loop_(loop), clock_(clock), on_finished_(std::move(on_finished)) {}
  ~ReplicaLink() { Cancel(); }
  ReplicaLink(const ReplicaLink&) = delete;
  ReplicaLink& operator=(const ReplicaLink&) = delete;

  // Starts connecting. False (logged) when the connection cannot even be started; the
  // caller retries from its cron.
  bool Start(Options opts);
  // Closes the connection and removes the temp file of an unfinished transfer.
  void Cancel();
  // repl-timeout: gives up (logged, as Redis) when nothing was read for `timeout_s`.
  // Returns true when it gave up.
  bool CheckTimeout(int64_t now_ms, int64_t timeout_s);

  State state() const { return state_; }
  bool active() const { return state_ != State::kIdle; }
  // INFO's master_sync_* fields while transferring.
  int64_t transfer_size() const { return transfer_size_; }
  int64_t transfer_read() const { return transfer_read_; }
  int64_t last_io_ms() const { return last_io_ms_; }

 private:
  void OnEvent(uint32_t events);
  void OnConnected();
  void OnReadable();
  // Reads what the socket has into in_; false when the link failed (already cancelled).
  bool ReadSome();
  // Takes one line off in_ (without \r\n); false when none is complete.
  bool TakeLine(std::string* line);
  // Handles the handshake replies in in_; false when the link failed.
  bool HandleHandshakeReplies();
  bool HandlePsyncReply();
  bool HandleTransfer();
  bool WriteAll(const std::string& bytes);
  void Fail(const std::string& why);
  void Finish(bool full);

  EventLoop* loop_;
  const Clock* clock_;
  Finished on_finished_;
  Options opts_;
  State state_ = State::kIdle;
  int fd_ = -1;
  int file_fd_ = -1;
  std::string in_;
  // The handshake commands sent whose replies are still to read, oldest first.
  enum class Pending { kPing, kAuth, kPort, kIp, kCapa };
  std::vector<Pending> pending_;
  std::string replid_;
  int64_t offset_ = 0;
  bool eof_mode_ = false;
  std::string eof_mark_;
  bool have_size_ = false;
  int64_t transfer_size_ = -1;
  int64_t transfer_read_ = 0;
  int64_t last_io_ms_ = 0;
};

}  // namespace duet
