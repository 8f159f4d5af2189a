// Client: one connection's state: socket, query buffer, output buffer, protocol version,
// selected database, authentication, and the attributes CLIENT LIST reports.
//
// Owned by the Server (clients_ map, keyed by id). All fields are touched only by the
// event-loop thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/io_buffer.h"
#include "protocol/reply_builder.h"
#include "protocol/request_parser.h"
#include "server/pubsub.h"
#include "server/tracking.h"

namespace duet {

struct CommandSpec;
struct AclUser;  // server/acl_user.h

// A command queued between MULTI and EXEC (its arguments copied out of the query buffer).
struct QueuedCommand {
  const CommandSpec* spec;
  std::vector<std::string> args;
};

// MULTI ... EXEC state (server/transaction.h runs it).
struct MultiState {
  std::vector<QueuedCommand> commands;
  bool aborted = false;  // a command was rejected while queueing: EXEC answers EXECABORT
  // A queued command has the write flag (EXEC is a write: READONLY, MISCONF, NOREPLICAS),
  // or may replicate (CLIENT PAUSE WRITE holds the EXEC for either), as Redis's
  // mstate.cmd_flags.
  bool has_write = false;
  bool may_replicate = false;
};

// A key this client WATCHes.
struct WatchedKey {
  int db;
  std::string key;
  bool expired_at_watch;  // logically expired when WATCHed (Redis's watchedKey.expired)
};

// A client parked by a blocking command (BLPOP & co) until a key is ready or a deadline.
struct BlockedState {
  const CommandSpec* spec = nullptr;
  std::vector<std::string> args;  // the command, re-run when a key becomes ready
  std::vector<std::string> keys;  // distinct keys waited on, in the command's order
  int db = 0;
  int64_t deadline_ms = 0;      // 0: no timeout
  int64_t run_us = 0;           // time spent running the command so far (not waiting)
  bool still_waiting = false;   // set by a re-run that found nothing to serve
  bool wake_on_delete = false;  // re-run also when a waited-on stream is deleted (XREADGROUP)
  // The client's error-reply count when it blocked: an error replied since (a served BLMOVE
  // whose destination has another type, CLIENT UNBLOCK ... ERROR) makes the call a failed
  // one, as Server::Call counts a direct call.
  uint64_t errors_before = 0;
  // WAIT: blocked until `wait_replicas` replicas acknowledged `wait_offset` (-1: not WAIT).
  int64_t wait_offset = -1;
  int64_t wait_replicas = 0;
};

class Client {
 public:
  Client(uint64_t id, int fd) : id_(id), fd_(fd), reply_(&out_) {}

  uint64_t id() const { return id_; }
  int fd() const { return fd_; }

  IoBuffer& query() { return query_; }
  std::string& out() { return out_; }
  size_t& out_pos() { return out_pos_; }
  ReplyBuilder& reply() { return reply_; }
  RequestParser& parser() { return parser_; }
  const IoBuffer& query() const { return query_; }
  const std::string& out() const { return out_; }
  size_t out_pos() const { return out_pos_; }
  const RequestParser& parser() const { return parser_; }

  int db_index = 0;
  int* db_index_ptr() { return &db_index; }
  int resp = 2;
  bool authenticated = false;
  // The ACL user (server/acl.h); null for internal clients (AOF loading), which may run
  // everything. Reset to the default user when its user is deleted.
  const AclUser* user = nullptr;
  bool close_after_reply = false;
  bool closing = false;        // marked for close (CLIENT KILL, QUIT) after current batch
  bool pending_write = false;  // in the server's pending-write list
  // Output positions as cumulative offsets into everything ever queued for this client:
  // out_base is where out()[0] sits; bytes before out_allowed may be sent (the server moves
  // it at the end of each loop iteration, or when the AOF fsync its output waits for
  // completes: server/held_replies.h).
  uint64_t out_base = 0;
  uint64_t out_allowed = 0;
  bool want_write_event = false;
  bool is_unix = false;
  bool is_monitor = false;
  // Attached with SYNC/PSYNC: it receives the replication stream and no replies
  // (server/replication.h).
  bool is_replica = false;
  // The connection to this server's master (server/replica_server.cc): its commands run
  // unanswered (but REPLCONF GETACK) and bypass the replica's write and memory checks.
  bool is_master = false;
  // The client that runs the commands of an AOF file while it loads (Server::LoadAofFile).
  bool is_aof_loader = false;
  // REPLCONF capa psync2: +CONTINUE names the replication ID.
  bool repl_capa_psync2 = false;
  // REPLCONF listening-port / ip-address, sent by a replica before PSYNC.
  int64_t repl_listening_port = 0;
  std::string repl_ip_address;
  // master_repl_offset right after this client's last command that propagated (WAIT).
  int64_t repl_woff = 0;
  bool is_script = false;  // the server's script client (MONITOR shows it as "lua")
  // Its command is still running while the loop serves others (its script runs past
  // busy-reply-threshold, or its DEBUG RELOAD/LOADAOF loads): the events of its socket wait
  // until that ends and it is never freed meanwhile (Redis's protectClient, Server::
  // ProtectClient); missed_read notes a read to do then.
  bool is_protected = false;
  bool missed_read = false;
  // The peer shut its side (EPOLLRDHUP, EPOLLHUP or EPOLLERR was reported): recv returns 0
  // once the data before the end is read, and edge-triggered epoll reports nothing more.
  bool peer_closed = false;
  // SCRIPT DEBUG YES|SYNC (Redis's CLIENT_LUA_DEBUG): this client's next EVAL runs under
  // the Lua debugger (server/script_cmds.cc). Without lua_debug_sync (Redis's
  // CLIENT_LUA_DEBUG_SYNC, which YES does not clear) the session's changes to the dataset
  // are rolled back at its end.
  bool lua_debug = false;
  bool lua_debug_sync = false;
  bool no_evict = false;
  bool paused = false;  // stopped reading due to CLIENT PAUSE
  // CLIENT REPLY. kOff drops every reply. kSkip is set by CLIENT REPLY SKIP; when that command
  // ends the dispatcher turns it into skip_next_reply, which drops the output of the next
  // command (rejections included) and is cleared when that command ends.
  enum class ReplyMode { kOn, kOff, kSkip } reply_mode = ReplyMode::kOn;
  bool skip_next_reply = false;

  std::string name;
  std::string lib_name;
  std::string lib_ver;
  std::string peer_ip;
  int peer_port = 0;
  std::string local_addr;
  int64_t created_ms = 0;
  int64_t last_interaction_ms = 0;
  std::string last_command = "NULL";  // lower-case name for CLIENT LIST cmd=
  uint64_t commands_processed = 0;
  // reply().error_count() when the last call of this client was accounted for: a command run
  // inside another (EXEC's queue) accounts for its own errors, so the outer one counts as
  // failed only for errors it replied itself (Redis's prev_err_count rule).
  uint64_t errors_accounted = 0;
  // Buffer sizing, as Redis's clientsCron resizes them (server/clients_cron.cc).
  size_t query_peak = 0;  // most query bytes held since the last cron visit (querybuf_peak)
  // The reply buffer Redis would give this client (rbs=: its static buffer, 16 KB at first,
  // shrunk for clients that get small replies, grown back up to 16 KB for busy ones), and
  // the most bytes a batch of replies put in it since the peak was last reset (rbp=).
  size_t reply_buf_size = 16 * 1024;
  size_t out_peak = 0;
  int64_t out_peak_reset_ms = 0;
  size_t read_hint = 0;  // bytes still missing from a partially received command, if known

  // MULTI/EXEC and WATCH (server/transaction.h).
  std::unique_ptr<MultiState> multi;  // non-null between MULTI and EXEC/DISCARD
  std::vector<WatchedKey> watched;
  bool watch_dirty = false;  // a WATCHed key changed: EXEC fails (Redis's CLIENT_DIRTY_CAS)
  bool in_exec = false;      // running EXEC's commands: blocking commands do not block
  // Blocking commands (server/blocking.h).
  std::unique_ptr<BlockedState> blocked;
  const std::string* serving_key = nullptr;  // set while a blocked command is re-run

  // Pub/Sub (server/pubsub.h). `pubsub_mode` is Redis's CLIENT_PUBSUB: set by a (P|S)SUBSCRIBE,
  // cleared when the last subscription goes; in RESP2 it limits the commands accepted.
  std::unique_ptr<ClientSubscriptions> subscriptions;
  bool pubsub_mode = false;
  // When the output buffer first went over its class's soft limit (unix ms), 0 if it is not.
  int64_t obuf_soft_limit_since_ms = 0;
  // CLIENT TRACKING (server/tracking.h); null while tracking is off.
  std::unique_ptr<ClientTracking> tracking;

  // Redis's getClientPeerId: "ip:port", "[ipv6]:port", or "<unixsocket>:0" (local_addr holds
  // the socket path for unix clients). CLIENT LIST addr=, CLIENT KILL ADDR, SLOWLOG, logs.
  std::string PeerId() const {
    if (is_unix) return local_addr + ":0";
    return (peer_ip.find(':') != std::string::npos ? "[" + peer_ip + "]" : peer_ip) + ":" +
           std::to_string(peer_port);
  }

 private:
  uint64_t id_;
  int fd_;
  IoBuffer query_;
  std::string out_;
  size_t out_pos_ = 0;
  ReplyBuilder reply_;
  RequestParser parser_;
};

}  // namespace duet
