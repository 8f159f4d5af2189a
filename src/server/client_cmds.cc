// CLIENT ID | GETNAME | SETNAME | SETINFO | INFO | LIST | KILL | PAUSE | UNPAUSE | REPLY |
// NO-EVICT | UNBLOCK | HELP, and the tracking subcommands of tracking_cmds.cc.
//
// SETINFO is Redis 7.2's (ioredis and node-redis send it on connect); 7.0 does not know it.
// KILL also takes 7.4's MAXAGE filter.
#include <algorithm>
#include <vector>

#include "commands/blocking_args.h"
#include "commands/help_reply.h"
#include "common/strutil.h"
#include "protocol/errors.h"
#include "server/client_list.h"
#include "server/server_commands.h"
#include "server/server_context.h"
#include "server/tracking_cmds.h"

namespace duet {

namespace {

// The clients in CLIENT LIST order (creation order, i.e. by id).
std::vector<Client*> ClientsById(Server& server) {
  std::vector<Client*> out;
  out.reserve(server.clients().size());
  for (const auto& [id, c] : server.clients()) out.push_back(c.get());
  std::sort(out.begin(), out.end(), [](Client* a, Client* b) { return a->id() < b->id(); });
  return out;
}

ClientInfoContext InfoContext(CommandContext& ctx, ArgReader& args) {
  ClientInfoContext info;
  info.now_ms = ctx.now_ms();
  info.current = &ServerContext::From(ctx).client();
  info.current_argv_bytes = ctx.name().size();
  for (std::string_view a : args.All()) info.current_argv_bytes += a.size();
  return info;
}

void CmdClientId(CommandContext& ctx, ArgReader& args) {
  ctx.reply().Integer(static_cast<int64_t>(ServerContext::From(ctx).client().id()));
}

void CmdClientGetname(CommandContext& ctx, ArgReader& args) {
  const std::string& name = ServerContext::From(ctx).client().name;
  if (name.empty()) return ctx.reply().Null();
  ctx.reply().Bulk(name);
}

void CmdClientSetname(CommandContext& ctx, ArgReader& args) {
  std::string_view name = args[1];
  // An empty name removes the name.
  if (!IsValidClientName(name)) return ctx.reply().Error(errors::kClientNameInvalid);
  ServerContext::From(ctx).client().name.assign(name);
  ctx.reply().Ok();
}

void CmdClientSetinfo(CommandContext& ctx, ArgReader& args) {
  Client& c = ServerContext::From(ctx).client();
  std::string_view attr = args[1];
  std::string* dest = nullptr;
  if (EqualsIgnoreCase(attr, "lib-name")) {
    dest = &c.lib_name;
  } else if (EqualsIgnoreCase(attr, "lib-ver")) {
    dest = &c.lib_ver;
  } else {
    return ctx.reply().Error(errors::UnrecognizedOption(attr));
  }
  // Same character rule as client names, so CLIENT LIST stays splittable on spaces.
  if (!IsValidClientName(args[2])) return ctx.reply().Error(errors::InvalidClientAttr(attr));
  dest->assign(args[2]);
  ctx.reply().Ok();
}

void CmdClientInfo(CommandContext& ctx, ArgReader& args) {
  std::string line;
  AppendClientInfo(line, ServerContext::From(ctx).client(), InfoContext(ctx, args));
  line += '\n';
  ctx.reply().Verbatim(line, "txt");
}

void CmdClientList(CommandContext& ctx, ArgReader& args) {
  Server& server = ServerContext::From(ctx).server();
  ClientInfoContext info = InfoContext(ctx, args);
  std::string out;
  if (args.size() == 3 && EqualsIgnoreCase(args[1], "TYPE")) {
    std::optional<ClientType> type = ClientTypeByName(args[2]);
    if (!type) return ctx.reply().Error(errors::UnknownClientType(args[2]));
    for (Client* c : ClientsById(server)) {
      if (TypeOf(*c) != *type) continue;
      AppendClientInfo(out, *c, info);
      out += '\n';
    }
  } else if (args.size() > 2 && EqualsIgnoreCase(args[1], "ID")) {
    // Every id must parse before anything is listed; unknown ids are skipped.
    std::vector<uint64_t> ids;
    for (size_t i = 2; i < args.size(); i++) {
      std::optional<int64_t> id = ParseInt64(args[i]);
      if (!id) return ctx.reply().Error(errors::kInvalidClientId);
      ids.push_back(static_cast<uint64_t>(*id));
    }
    for (uint64_t id : ids) {
      const Client* c = server.FindClient(id);
      if (!c) continue;
      AppendClientInfo(out, *c, info);
      out += '\n';
    }
  } else if (args.size() != 1) {
    return ctx.reply().Error(errors::kSyntax);
  } else {
    for (Client* c : ClientsById(server)) {
      AppendClientInfo(out, *c, info);
      out += '\n';
    }
  }
  ctx.reply().Verbatim(out, "txt");
}

// The filters of CLIENT KILL; a client must match all that are set.
struct KillFilter {
  std::optional<std::string_view> addr;
  std::optional<std::string_view> laddr;
  std::optional<ClientType> type;
  uint64_t id = 0;        // 0: any
  int64_t max_age_s = 0;  // 0: any
  bool skip_me = true;
  const AclUser* user = nullptr;
  bool by_user = false;
};

bool Matches(const KillFilter& f, const Client& c, const Client& self, int64_t now_ms) {
  if (f.addr && c.PeerId() != *f.addr) return false;
  if (f.laddr && ClientLocalAddr(c) != *f.laddr) return false;
  if (f.type && TypeOf(c) != *f.type) return false;
  if (f.id != 0 && c.id() != f.id) return false;
  if (f.by_user && c.user != f.user) return false;
  if (f.max_age_s != 0 && now_ms / 1000 - c.created_ms / 1000 <= f.max_age_s) return false;
  if (&c == &self && f.skip_me) return false;
  return true;
}

void CmdClientKill(CommandContext& ctx, ArgReader& args) {
  ServerContext& sctx = ServerContext::From(ctx);
  Client& self = sctx.client();
  KillFilter f;
  bool old_form = args.size() == 2;
  if (old_form) {
    // CLIENT KILL <addr>: the old form may kill the caller itself.
    f.addr = args[1];
    f.skip_me = false;
  } else {
    for (size_t i = 1; i < args.size(); i += 2) {
      std::string_view opt = args[i];
      if (i + 1 >= args.size()) return ctx.reply().Error(errors::kSyntax);
      std::string_view val = args[i + 1];
      if (EqualsIgnoreCase(opt, "ID")) {
        std::optional<int64_t> id = ParseInt64(val);
        if (!id || *id < 1) return ctx.reply().Error(errors::kClientIdNotPositive);
        f.id = static_cast<uint64_t>(*id);
      } else if (EqualsIgnoreCase(opt, "MAXAGE")) {
        std::optional<int64_t> age = ParseInt64(val);
        if (!age) return ctx.reply().Error(errors::kMaxAgeNotInteger);
        if (*age <= 0) return ctx.reply().Error(errors::kMaxAgeNotPositive);
        f.max_age_s = *age;
      } else if (EqualsIgnoreCase(opt, "TYPE")) {
        f.type = ClientTypeByName(val);
        if (!f.type) return ctx.reply().Error(errors::UnknownClientType(val));
      } else if (EqualsIgnoreCase(opt, "ADDR")) {
        f.addr = val;
      } else if (EqualsIgnoreCase(opt, "LADDR")) {
        f.laddr = val;
      } else if (EqualsIgnoreCase(opt, "USER")) {
        f.user = ServerContext::From(ctx).server().acl().Find(val);
        if (!f.user) return ctx.reply().Error(errors::NoSuchUser(val));
        f.by_user = true;
      } else if (EqualsIgnoreCase(opt, "SKIPME")) {
        if (EqualsIgnoreCase(val, "yes")) {
          f.skip_me = true;
        } else if (EqualsIgnoreCase(val, "no")) {
          f.skip_me = false;
        } else {
          return ctx.reply().Error(errors::kSyntax);
        }
      } else {
        return ctx.reply().Error(errors::kSyntax);
      }
    }
  }

  std::vector<uint64_t> victims;
  bool kill_self = false;
  for (const auto& [id, c] : sctx.server().clients()) {
    if (!Matches(f, *c, self, ctx.now_ms())) continue;
    if (c.get() == &self) {
      kill_self = true;
    } else {
      victims.push_back(id);
    }
  }
  for (uint64_t id : victims) {
    if (Client* c = sctx.server().FindClient(id)) sctx.server().CloseClient(*c);
  }
  int64_t killed = static_cast<int64_t>(victims.size()) + (kill_self ? 1 : 0);
  if (old_form) {
    if (killed == 0) return ctx.reply().Error(errors::kNoSuchClient);
    ctx.reply().Ok();
  } else {
    ctx.reply().Integer(killed);
  }
  // The caller goes only after its reply has been written.
  if (kill_self) self.close_after_reply = true;
}

void CmdClientPause(CommandContext& ctx, ArgReader& args) {
  if (args.size() > 3) return ctx.reply().Error(errors::SubcommandSyntax(ctx.name(), args[0]));
  bool write_only = false;
  if (args.size() == 3) {
    if (EqualsIgnoreCase(args[2], "WRITE")) {
      write_only = true;
    } else if (!EqualsIgnoreCase(args[2], "ALL")) {
      return ctx.reply().Error(errors::kPauseMode);
    }
  }
  std::optional<int64_t> end = ParseTimeoutOrReply(ctx, args[1], TimeoutUnit::kMilliseconds);
  if (!end) return;
  // A huge timeout wraps to an end in the past (Redis adds without an overflow check), which
  // ends the pause at the next cron; a zero timeout ends at once.
  if (*end != 0) ServerContext::From(ctx).server().PauseClients(*end, write_only);
  ctx.reply().Ok();
}

void CmdClientUnpause(CommandContext& ctx, ArgReader& args) {
  ServerContext::From(ctx).server().UnpauseClients();
  ctx.reply().Ok();
}

void CmdClientReply(CommandContext& ctx, ArgReader& args) {
  Client& c = ServerContext::From(ctx).client();
  std::string_view mode = args[1];
  if (EqualsIgnoreCase(mode, "ON")) {
    // Takes effect for this very reply: a muted SKIP/OFF state ends here.
    c.reply_mode = Client::ReplyMode::kOn;
    c.skip_next_reply = false;
    c.reply().SetMuted(false);
    ctx.reply().Ok();
  } else if (EqualsIgnoreCase(mode, "OFF")) {
    c.reply_mode = Client::ReplyMode::kOff;
  } else if (EqualsIgnoreCase(mode, "SKIP")) {
    if (c.reply_mode != Client::ReplyMode::kOff) c.reply_mode = Client::ReplyMode::kSkip;
  } else {
    ctx.reply().Error(errors::kSyntax);
  }
}

void CmdClientNoEvict(CommandContext& ctx, ArgReader& args) {
  Client& c = ServerContext::From(ctx).client();
  if (EqualsIgnoreCase(args[1], "ON")) {
    c.no_evict = true;
  } else if (EqualsIgnoreCase(args[1], "OFF")) {
    c.no_evict = false;
  } else {
    return ctx.reply().Error(errors::kSyntax);
  }
  ctx.reply().Ok();
}

// CLIENT UNBLOCK client-id [TIMEOUT|ERROR]: the reason is checked before the id, as Redis.
void CmdClientUnblock(CommandContext& ctx, ArgReader& args) {
  if (args.size() > 3) return ctx.reply().Error(errors::SubcommandSyntax(ctx.name(), args[0]));
  bool with_error = false;
  if (args.size() == 3) {
    if (EqualsIgnoreCase(args[2], "ERROR")) {
      with_error = true;
    } else if (!EqualsIgnoreCase(args[2], "TIMEOUT")) {
      return ctx.reply().Error(errors::kUnblockReason);
    }
  }
  std::optional<int64_t> id = ParseInt64(args[1]);
  if (!id) return ctx.reply().Error(errors::kNotInteger);
  ServerContext& sctx = ServerContext::From(ctx);
  Client* target = *id > 0 ? sctx.server().FindClient(static_cast<uint64_t>(*id)) : nullptr;
  bool unblocked = target && sctx.server().UnblockClient(*target, with_error);
  // Redis counts CLIENT UNBLOCK ... ERROR itself as a failed call (call() sees the error it
  // replied to the target in stat_total_error_replies), with no error of its own in
  // errorstats.
  if (unblocked && with_error) ctx.spec().failed_calls++;
  ctx.reply().Integer(unblocked ? 1 : 0);
}

void CmdClientHelp(CommandContext& ctx, ArgReader& args) {
  ReplyHelp(ctx.reply(), ctx.name(),
            {"CACHING (YES|NO)",
             "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
             "GETREDIR",
             "    Return the client ID we are redirecting to when tracking is enabled.",
             "GETNAME",
             "    Return the name of the current connection.",
             "ID",
             "    Return the ID of the current connection.",
             "INFO",
             "    Return information about the current client connection.",
             "KILL <ip:port>",
             "    Kill connection made from <ip:port>.",
             "KILL <option> <value> [<option> <value> [...]]",
             "    Kill connections. Options are:",
             "    * ADDR (<ip:port>|<unixsocket>:0)",
             "      Kill connections made from the specified address",
             "    * LADDR (<ip:port>|<unixsocket>:0)",
             "      Kill connections made to specified local address",
             "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
             "      Kill connections by type.",
             "    * USER <username>",
             "      Kill connections authenticated by <username>.",
             "    * SKIPME (YES|NO)",
             "      Skip killing current connection (default: yes).",
             "LIST [options ...]",
             "    Return information about client connections. Options:",
             "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
             "      Return clients of specified type.",
             "UNPAUSE",
             "    Stop the current client pause, resuming traffic.",
             "PAUSE <timeout> [WRITE|ALL]",
             "    Suspend all, or just write, clients for <timeout> milliseconds.",
             "REPLY (ON|OFF|SKIP)",
             "    Control the replies sent to the current connection.",
             "SETNAME <name>",
             "    Assign the name <name> to the current connection.",
             "UNBLOCK <clientid> [TIMEOUT|ERROR]",
             "    Unblock the specified blocked client.",
             "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
             "         [OPTIN] [OPTOUT] [NOLOOP]",
             "    Control server assisted client side caching.",
             "TRACKINGINFO",
             "    Report tracking status for the current connection.",
             "NO-EVICT (ON|OFF)",
             "    Protect current client connection from eviction."});
}

}  // namespace

void RegisterClientCommands(CommandTable& table) {
  using F = CmdFlag;
  constexpr F kConn = F::kNoScript | F::kLoading | F::kStale;
  constexpr F kAdmin = F::kAdmin | F::kNoScript | F::kLoading | F::kStale;
  constexpr const char* kConnAcl = "@slow @connection";
  constexpr const char* kAdminAcl = "@admin @slow @dangerous @connection";
  table.Add({.name = "client",
             .arity = -2,
             .acl_categories = "@slow",
             .subcommands = {
                 {.name = "client|id",
                  .arity = 2,
                  .flags = kConn,
                  .handler = CmdClientId,
                  .acl_categories = kConnAcl},
                 {.name = "client|getname",
                  .arity = 2,
                  .flags = kConn,
                  .handler = CmdClientGetname,
                  .acl_categories = kConnAcl},
                 {.name = "client|setname",
                  .arity = 3,
                  .flags = kConn,
                  .handler = CmdClientSetname,
                  .acl_categories = kConnAcl},
                 {.name = "client|setinfo",
                  .arity = 4,
                  .flags = kConn,
                  .handler = CmdClientSetinfo,
                  .acl_categories = kConnAcl},
                 {.name = "client|info",
                  .arity = 2,
                  .flags = kConn,
                  .handler = CmdClientInfo,
                  .acl_categories = kConnAcl},
                 {.name = "client|list",
                  .arity = -2,
                  .flags = kAdmin,
                  .handler = CmdClientList,
                  .acl_categories = kAdminAcl},
                 {.name = "client|kill",
                  .arity = -3,
                  .flags = kAdmin,
                  .handler = CmdClientKill,
                  .acl_categories = kAdminAcl},
                 {.name = "client|pause",
                  .arity = -3,
                  .flags = kAdmin,
                  .handler = CmdClientPause,
                  .acl_categories = kAdminAcl},
                 {.name = "client|unpause",
                  .arity = 2,
                  .flags = kAdmin,
                  .handler = CmdClientUnpause,
                  .acl_categories = kAdminAcl},
                 {.name = "client|reply",
                  .arity = 3,
                  .flags = kConn,
                  .handler = CmdClientReply,
                  .acl_categories = kConnAcl},
                 {.name = "client|no-evict",
                  .arity = 3,
                  .flags = kAdmin,
                  .handler = CmdClientNoEvict,
                  .acl_categories = kAdminAcl},
                 {.name = "client|unblock",
                  .arity = -3,
                  .flags = kAdmin,
                  .handler = CmdClientUnblock,
                  .acl_categories = kAdminAcl},
                 {.name = "client|tracking",
                  .arity = -3,
                  .flags = kConn,
                  .handler = CmdClientTracking,
                  .acl_categories = kConnAcl},
                 {.name = "client|caching",
                  .arity = 3,
                  .flags = kConn,
                  .handler = CmdClientCaching,
                  .acl_categories = kConnAcl},
                 {.name = "client|getredir",
                  .arity = 2,
                  .flags = kConn,
                  .handler = CmdClientGetredir,
                  .acl_categories = kConnAcl},
                 {.name = "client|trackinginfo",
                  .arity = 2,
                  .flags = kConn,
                  .handler = CmdClientTrackinginfo,
                  .acl_categories = kConnAcl},
                 {.name = "client|help",
                  .arity = 2,
                  .flags = F::kLoading | F::kStale,
                  .handler = CmdClientHelp,
                  .acl_categories = kConnAcl},
             }});
}

}  // namespace duet
