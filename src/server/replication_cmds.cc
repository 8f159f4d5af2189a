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
  sctx.server().AttachReplica(c, psync, psync ? args[0] : std::string_view());
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
      // Capabilities this master does not act on (eof, psync2) are accepted and ignored.
    } else if (EqualsIgnoreCase(opt, "ack")) {
      // No reply, ever. Only a replica's ACK counts.
      if (!c.is_replica) return;
      std::optional<int64_t> offset = ParseInt64(val);
      if (!offset) return;
      sctx.server().ReplicaAcked(c, *offset);
      return;
    } else if (EqualsIgnoreCase(opt, "getack")) {
      return;  // asks a replica for an ACK; a master has nothing to send
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

// ROLE -> ["master", <offset>, [[ip, port, acked offset] ...]]
void CmdRole(CommandContext& ctx, ArgReader& /*args*/) {
  ServerContext& sctx = ServerContext::From(ctx);
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
  table.Add("role", 1, F::kNoScript | F::kLoading | F::kStale | F::kFast, 0, 0, 0, CmdRole,
            "@admin @fast @dangerous");
}

}  // namespace duet
