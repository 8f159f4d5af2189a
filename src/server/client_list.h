// CLIENT LIST / CLIENT INFO lines and the client attributes CLIENT KILL filters on, in Redis
// 7.0's format:
//   id=7 addr=127.0.0.1:50520 laddr=127.0.0.1:6379 fd=8 name= age=3 idle=0 flags=N db=0
//   sub=0 psub=0 ssub=0 multi=-1 qbuf=26 qbuf-free=16358 argv-mem=10 multi-mem=0 rbs=1024
//   rbp=16 obl=0 oll=0 omem=0 tot-mem=18562 events=r cmd=client|list user=default redir=-1
//   resp=2
// (one line, '\n'-terminated by the callers). The field order and names are Redis's; the
// memory figures describe duet's own buffers (see AppendClientInfo).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "server/client.h"

namespace duet {

// Redis's client classes for CLIENT LIST TYPE and CLIENT KILL TYPE. MONITOR clients are
// "normal", as in Redis.
enum class ClientType { kNormal, kReplica, kPubSub, kMaster };

// normal | slave | replica | pubsub | master, case-insensitive; nullopt otherwise.
std::optional<ClientType> ClientTypeByName(std::string_view name);
ClientType TypeOf(const Client& c);

// laddr=: "ip:port", "[ipv6]:port", or "<unixsocket>:0".
std::string ClientLocalAddr(const Client& c);

// What a line needs beyond the Client itself.
// The size of Redis's per-client static reply buffer: output beyond it is what CLIENT LIST's
// omem= and the output-buffer limits count.
inline constexpr size_t kReplyChunk = 16 * 1024;

struct ClientInfoContext {
  int64_t now_ms = 0;
  // The client whose command is running, and the total bytes of that command's arguments
  // (argv-mem= is only non-zero for a client holding a parsed command).
  const Client* current = nullptr;
  size_t current_argv_bytes = 0;
};

// The memory `c` holds (CLIENT LIST tot-mem=): the Client itself, its query and reply buffers
// and the arguments of a command it holds. INFO's mem_clients_normal and client eviction
// (maxmemory-clients) sum it.
size_t ClientMemoryUsage(const Client& c, const ClientInfoContext& ctx = {});

// Appends one line for `c` (without the trailing '\n').
void AppendClientInfo(std::string& out, const Client& c, const ClientInfoContext& ctx);

}  // namespace duet
