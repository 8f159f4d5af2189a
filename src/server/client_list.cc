#include "server/client_list.h"

#include "common/strutil.h"
#include "server/acl_user.h"
#include "server/memory_stats.h"

namespace duet {

namespace {

// Redis's reply buffer is a 16 KB block followed by a list of 16 KB blocks; duet's is one
// string. obl/oll/omem report the pending output as if laid out that way, so that tools
// watching omem= for slow consumers see the same growth.

void AppendField(std::string& out, std::string_view name, std::string_view value) {
  out += name;
  out += '=';
  out += value;
  out += ' ';
}

void AppendField(std::string& out, std::string_view name, int64_t value) {
  char buf[24];
  AppendField(out, name, std::string_view(buf, FormatInt64(value, buf)));
}

// Redis's flag letters, in its order. Flags of subsystems duet does not have (cluster) never
// appear.
std::string Flags(const Client& c) {
  std::string f;
  if (c.is_monitor) f += 'O';
  if (c.is_replica) f += 'S';
  if (c.is_master) f += 'M';
  if (c.pubsub_mode) f += 'P';
  if (c.multi) f += 'x';
  // Blocked by a command, or held by CLIENT PAUSE (a "postponed" blocked client to Redis).
  if (c.blocked || c.paused) f += 'b';
  if (c.tracking) {
    f += 't';
    if (c.tracking->broken_redirect) f += 'R';
    if (c.tracking->bcast) f += 'B';
  }
  if (c.watch_dirty) f += 'd';
  if (c.close_after_reply) f += 'c';
  if (c.closing) f += 'A';
  if (c.is_unix) f += 'U';
  if (c.no_evict) f += 'e';
  if (f.empty()) f = "N";
  return f;
}

size_t ArgvBytes(const Client& c, const ClientInfoContext& ctx) {
  if (&c == ctx.current) return ctx.current_argv_bytes;
  if (c.blocked) {
    size_t n = 0;
    for (const std::string& a : c.blocked->args) n += a.size();
    return n;
  }
  if (!c.paused) return 0;
  // A paused client holds the parsed command it could not run yet. Only the lengths are
  // read: the views may point into a query buffer that has since grown.
  size_t n = 0;
  for (std::string_view a : c.parser().args()) n += a.size();
  return n;
}

}  // namespace

std::optional<ClientType> ClientTypeByName(std::string_view name) {
  if (EqualsIgnoreCase(name, "normal")) return ClientType::kNormal;
  if (EqualsIgnoreCase(name, "slave") || EqualsIgnoreCase(name, "replica")) {
    return ClientType::kReplica;
  }
  if (EqualsIgnoreCase(name, "pubsub")) return ClientType::kPubSub;
  if (EqualsIgnoreCase(name, "master")) return ClientType::kMaster;
  return std::nullopt;
}

ClientType TypeOf(const Client& c) {
  if (c.is_master) return ClientType::kMaster;
  if (c.is_replica) return ClientType::kReplica;
  return c.pubsub_mode ? ClientType::kPubSub : ClientType::kNormal;
}

std::string ClientLocalAddr(const Client& c) {
  if (c.is_unix) return c.local_addr + ":0";
  // local_addr is "ip:port"; an IPv6 address gets Redis's brackets.
  size_t colon = c.local_addr.rfind(':');
  if (colon == std::string::npos || c.local_addr.find(':') == colon) return c.local_addr;
  return "[" + c.local_addr.substr(0, colon) + "]" + c.local_addr.substr(colon);
}

size_t ClientMemoryUsage(const Client& c, const ClientInfoContext& ctx) {
  // The output buffer as allocated (Redis counts its reply blocks' allocation sizes too).
  return sizeof(Client) + c.query().capacity() + AllocatedBytes(c.out()) + ArgvBytes(c, ctx);
}

void AppendClientInfo(std::string& out, const Client& c, const ClientInfoContext& ctx) {
  int64_t now_s = ctx.now_ms / 1000;
  size_t qbuf = c.query().size();
  size_t qbuf_cap = c.query().capacity();
  size_t argv = ArgvBytes(c, ctx);
  size_t pending = c.out().size() - c.out_pos();
  size_t obl = pending < kReplyChunk ? pending : kReplyChunk;
  size_t omem = pending - obl;
  size_t oll = (omem + kReplyChunk - 1) / kReplyChunk;
  size_t tot = ClientMemoryUsage(c, ctx);

  AppendField(out, "id", static_cast<int64_t>(c.id()));
  AppendField(out, "addr", c.PeerId());
  AppendField(out, "laddr", ClientLocalAddr(c));
  AppendField(out, "fd", c.fd());
  AppendField(out, "name", c.name);
  AppendField(out, "age", now_s - c.created_ms / 1000);
  AppendField(out, "idle", now_s - c.last_interaction_ms / 1000);
  AppendField(out, "flags", Flags(c));
  AppendField(out, "db", c.db_index);
  const ClientSubscriptions* subs = c.subscriptions.get();
  AppendField(out, "sub", subs ? static_cast<int64_t>(subs->channels.size()) : 0);
  AppendField(out, "psub", subs ? static_cast<int64_t>(subs->patterns.size()) : 0);
  AppendField(out, "ssub", subs ? static_cast<int64_t>(subs->shard_channels.size()) : 0);
  AppendField(out, "multi", c.multi ? static_cast<int64_t>(c.multi->commands.size()) : -1);
  AppendField(out, "qbuf", static_cast<int64_t>(qbuf));
  AppendField(out, "qbuf-free", static_cast<int64_t>(qbuf_cap - qbuf));
  AppendField(out, "argv-mem", static_cast<int64_t>(argv));
  AppendField(out, "multi-mem", 0);
  AppendField(out, "rbs", static_cast<int64_t>(c.reply_buf_size));
  AppendField(out, "rbp", static_cast<int64_t>(c.out_peak));
  AppendField(out, "obl", static_cast<int64_t>(obl));
  AppendField(out, "oll", static_cast<int64_t>(oll));
  AppendField(out, "omem", static_cast<int64_t>(omem));
  AppendField(out, "tot-mem", static_cast<int64_t>(tot));
  AppendField(out, "events", c.want_write_event ? "rw" : "r");
  AppendField(out, "cmd", c.last_command);
  AppendField(out, "user", c.user ? std::string_view(c.user->name) : "(superuser)");
  AppendField(out, "redir", c.tracking ? static_cast<int64_t>(c.tracking->redirect) : -1);
  out += "resp=";
  out += c.resp == 3 ? '3' : '2';
}

}  // namespace duet
