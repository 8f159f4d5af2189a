// The master side of replication that duet serves: SYNC, PSYNC (always a full
// resynchronization), REPLCONF, WAIT and ROLE (server/replication.h has the stream).
#include <string>

#include "commands/blocking_args.h"
#include "common/log.h"
#include "common/strutil.h"
#include "protocol/arg_reader.h"
#include "protocol/errors.h"
#include "server/server.h"
#include "server/server_commands.h"
#include "server/server_context.h"

namespace duet {

namespace {

// SYNC / PSYNC <replid> <offset>: a full resynchronization, then the replication stream.
void CmdSync(CommandContext& ctx, ArgReader& args) {
  ServerContext& sctx = ServerContext::From(ctx);
  Client& c = sctx.client();
  if (c.is_replica) return;       // already a replica: ignored without a reply, as Redis
  bool psync = args.size() >= 2;  // SYNC has no arguments (arity 1), PSYNC two or more
  if (psync && args.size() > 2 && EqualsIgnoreCase(args[2], "failover")) {
    ctx.reply().Error(errors::kPsyncFailoverToMaster);
    return;
  }
  if (sctx.server().is_replica_of_master() && !sctx.server().master_link_up()) {
    ctx.reply().Error(errors::kNoMasterLink);
    return;
  }
  if (c.out().size() > c.out_pos()) {
    ctx.reply().Error(errors::kSyncWithPendingOutput);
    return;
  }
  if (psync && !ParseInt64(args[1])) {
    Log(LogLevel::kWarning, "Replica {} asks for synchronization but with a wrong offset",
        sctx.server().ReplicaName(c));
    ctx.reply().Error(errors::kNotInteger);
    return;
  }
  sctx.server().AttachReplica(c, psync, psync ? args[0] : std::string_view(),
                              psync ? *ParseInt64(args[1]) : -1);
}

// REPLCONF <option> <value> [<option> <value> ...]
void CmdReplconf(CommandContext& ctx, ArgReader& args) {
  ServerContext& sctx = ServerContext::From(ctx);
  Client& c = sctx.client();
  if (args.size() % 2 != 0) {
    ctx.reply().Error(errors::kSyntax);
    return;
  }
  for (size_t j = 0; j < args.size(); j += 2) {
    std::string_view opt = args[j];
    std::string_view val = args[j + 1];
    if (EqualsIgnoreCase(opt, "listening-port")) {
      std::optional<int64_t> port = ParseInt64(val);
      if (!port) {
        ctx.reply().Error(errors::kNotInteger);
        return;
      }
      c.repl_listening_port = *port;
    } else if (EqualsIgnoreCase(opt, "ip-address")) {
      if (val.size() >= 256) {  // NET_HOST_STR_LEN
        ctx.reply().Error(errors::ReplicaIpTooLong(val.size()));
        return;
      }
      c.repl_ip_address = std::string(val);
    } else if (EqualsIgnoreCase(opt, "capa")) {
      // psync2: +CONTINUE names the replication ID. eof (diskless payloads) is not acted on:
      // the image always goes as $<len>.
      if (EqualsIgnoreCase(val, "psync2")) c.repl_capa_psync2 = true;
    } else if (EqualsIgnoreCase(opt, "ack")) {
      // No reply, ever. Only a replica's ACK counts.
      if (!c.is_replica) return;
      std::optional<int64_t> offset = ParseInt64(val);
      if (!offset) return;
      sctx.server().ReplicaAcked(c, *offset);
      return;
    } else if (EqualsIgnoreCase(opt, "getack")) {
      // The master asks for this replica's offset (never answered otherwise).
      if (c.is_master) sctx.server().SendAckToMaster();
      return;
    } else if (EqualsIgnoreCase(opt, "rdb-only")) {
      std::optional<int64_t> v = ParseInt64(val);
      if (!v || *v < 0 || *v > 1) {
        ctx.reply().Error(!v ? errors::kNotInteger : errors::kRdbOnlyRange);
        return;
      }
    } else if (EqualsIgnoreCase(opt, "rdb-filter-only")) {
      std::vector<std::string> words;
      if (!SplitArgs(val, &words)) {
        ctx.reply().Error(errors::kRdbFilterMissing);
        return;
      }
      for (const std::string& w : words) {
        if (!EqualsIgnoreCase(w, "functions")) {
          ctx.reply().Error(errors::RdbFilterUnsupported(w));
          return;
        }
      }
    } else {
      ctx.reply().Error(errors::ReplconfUnknownOption(opt));
      return;
    }
  }
  ctx.reply().Ok();
}

// WAIT numreplicas timeout: the number of replicas that acknowledged this client's last write.
void CmdWait(CommandContext& ctx, ArgReader& args) {
  ServerContext& sctx = ServerContext::From(ctx);
  Client& c = sctx.client();
  std::optional<int64_t> numreplicas = ParseInt64(args[0]);
  if (!numreplicas) {
    ctx.reply().Error(errors::kNotInteger);
    return;
  }
  std::optional<int64_t> deadline = ParseTimeoutOrReply(ctx, args[1], TimeoutUnit::kMilliseconds);
  if (!deadline) return;
  Server& s = sctx.server();
  auto acked = static_cast<int64_t>(s.replication().CountAcks(c.repl_woff));
  if (acked >= *numreplicas ||
      !s.BlockForReplicas(c, sctx.spec(), args.All(), *deadline, c.repl_woff, *numreplicas)) {
    ctx.reply().Integer(acked);
  }
}

// REPLICAOF / SLAVEOF host port | NO ONE
void CmdReplicaof(CommandContext& ctx, ArgReader& args) {
  ServerContext& sctx = ServerContext::From(ctx);
  Server& s = sctx.server();
  Client& c = sctx.client();
  if (EqualsIgnoreCase(args[0], "no") && EqualsIgnoreCase(args[1], "one")) {
    if (s.is_replica_of_master()) {
      s.UnsetMaster();
      Log(LogLevel::kNotice, "MASTER MODE enabled (user request from 'id={} addr={}')", c.id(),
          c.PeerId());
    }
    ctx.reply().Ok();
    return;
  }
  if (c.is_replica) {
    ctx.reply().Error(errors::kReplicaofFromReplica);
    return;
  }
  std::optional<int64_t> port = ParseInt64(args[1]);
  if (!port || *port < 0 || *port > 65535) {
    ctx.reply().Error(errors::kInvalidMasterPort);
    return;
  }
  std::string host(args[0]);
  if (!s.SetMaster(host, static_cast<int>(*port))) {
    Log(LogLevel::kNotice,
        "REPLICAOF would result into synchronization with the master we are already connected "
        "with. No operation performed.");
    ctx.reply().SimpleString("OK Already connected to specified master");
    return;
  }
  Log(LogLevel::kNotice, "REPLICAOF {}:{} enabled (user request from 'id={} addr={}')", host, *port,
      c.id(), c.PeerId());
  ctx.reply().Ok();
}

// ROLE -> ["master", <offset>, [[ip, port, acked offset] ...]], or a replica's view.
void CmdRole(CommandContext& ctx, ArgReader& /*args*/) {
  ServerContext& sctx = ServerContext::From(ctx);
  if (sctx.server().is_replica_of_master()) {
    sctx.server().ReplyRoleAsReplica(ctx.reply());
    return;
  }
  const ReplicationFeed& feed = sctx.server().replication();
  ReplyBuilder& r = ctx.reply();
  r.ArrayHeader(3);
  r.Bulk("master");
  r.Integer(feed.offset());
  r.ArrayHeader(feed.replicas().size());
  for (const ReplicationFeed::Replica& rep : feed.replicas()) {
    r.ArrayHeader(3);
    r.Bulk(rep.ip);
    r.Bulk(std::to_string(rep.listening_port));
    r.Bulk(std::to_string(rep.ack_offset));
  }
}

}  // namespace

void RegisterReplicationCommands(CommandTable& table) {
  using F = CmdFlag;
  table.Add({.name = "sync",
             .arity = 1,
             .flags = F::kNoAsyncLoading | F::kAdmin | F::kNoMulti | F::kNoScript,
             .handler = CmdSync,
             .acl_categories = "@admin @slow @dangerous"});
  table.Add({.name = "psync",
             .arity = -3,
             .flags = F::kNoAsyncLoading | F::kAdmin | F::kNoMulti | F::kNoScript,
             .handler = CmdSync,
             .acl_categories = "@admin @slow @dangerous"});
  table.Add({.name = "replconf",
             .arity = -1,
             .flags = F::kAdmin | F::kNoScript | F::kLoading | F::kStale | F::kAllowBusy,
             .handler = CmdReplconf,
             .acl_categories = "@admin @slow @dangerous"});
  table.Add({.name = "wait",
             .arity = 3,
             .flags = F::kNoScript,
             .handler = CmdWait,
             .acl_categories = "@slow @connection"});
  for (const char* name : {"replicaof", "slaveof"}) {
    table.Add({.name = name,
               .arity = 3,
               .flags = F::kAdmin | F::kNoScript | F::kStale | F::kNoAsyncLoading,
               .handler = CmdReplicaof,
               .acl_categories = "@admin @slow @dangerous"});
  }
  table.Add("role", 1, F::kNoScript | F::kLoading | F::kStale | F::kFast, 0, 0, 0, CmdRole,
            "@admin @fast @dangerous");
}

}  // namespace duet
