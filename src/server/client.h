// Client: one connection's state: socket, query buffer, output buffer, protocol version,
// selected database, authentication, and the attributes CLIENT LIST reports.
//
// Owned by the Server (clients_ map, keyed by id). All fields are touched only by the
// event-loop thread.
#pragma once

#include <cstdint>
#include <string>

#include "common/io_buffer.h"
#include "protocol/reply_builder.h"
#include "protocol/request_parser.h"

namespace duet {

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
  bool close_after_reply = false;
  bool closing = false;        // marked for close (CLIENT KILL, QUIT) after current batch
  bool pending_write = false;  // in the server's pending-write list
  bool want_write_event = false;
  bool is_unix = false;
  bool is_monitor = false;
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
  size_t out_peak = 0;   // most output bytes held at once since the buffer last shrank (rbp=)
  size_t read_hint = 0;  // bytes still missing from a partially received command, if known

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
