// Connection commands: PING ECHO QUIT RESET AUTH HELLO SELECT.
#include "common/strutil.h"
#include "protocol/errors.h"
#include "server/server_commands.h"
#include "server/server_context.h"

namespace duet {

namespace {

// Redis's rule for CLIENT SETNAME / HELLO SETNAME: printable, no spaces.
bool ValidClientName(std::string_view name) {
  for (unsigned char ch : name) {
    if (ch < '!' || ch > '~') return false;
  }
  return true;
}

void CmdPing(CommandContext& ctx, ArgReader& args) {
  if (args.size() > 1) return ctx.reply().Error(errors::WrongArity("ping"));
  const Client& c = ServerContext::From(ctx).client();
  if (c.pubsub_mode && c.resp == 2) {
    // A RESP2 subscriber gets a message-shaped reply: ["pong", arg or ""].
    ctx.reply().ArrayHeader(2);
    ctx.reply().Bulk("pong");
    return ctx.reply().Bulk(args.size() == 0 ? std::string_view() : args[0]);
  }
  if (args.size() == 0) return ctx.reply().SimpleString("PONG");
  ctx.reply().Bulk(args[0]);
}

void CmdEcho(CommandContext& ctx, ArgReader& args) { ctx.reply().Bulk(args[0]); }

void CmdQuit(CommandContext& ctx, ArgReader& args) {
  ServerContext& sctx = ServerContext::From(ctx);
  ctx.reply().Ok();
  sctx.client().close_after_reply = true;
}

void CmdSelect(CommandContext& ctx, ArgReader& args) {
  auto id = ParseInt64(args[0]);
  if (!id || *id < INT32_MIN || *id > INT32_MAX) return ctx.reply().Error(errors::kNotInteger);
  if (*id < 0 || *id >= ctx.keyspace().db_count()) {
    return ctx.reply().Error(errors::kDbIndexOutOfRange);
  }
  ctx.SelectDb(static_cast<int>(*id));
  ctx.reply().Ok();
}

void CmdAuth(CommandContext& ctx, ArgReader& args) {
  ServerContext& sctx = ServerContext::From(ctx);
  if (args.size() > 2) return ctx.reply().Error(errors::kSyntax);
  std::string_view user = "default", pass;
  Server& server = sctx.server();
  if (args.size() == 1) {
    // The old form needs a password on the default user.
    if (server.acl().default_user()->nopass()) {
      return ctx.reply().Error(errors::kAuthNoPassword);
    }
    pass = args[0];
  } else {
    user = args[0];
    pass = args[1];
  }
  if (!server.AuthenticateClient(sctx.client(), user, pass, ctx.name())) {
    return ctx.reply().Error(errors::kWrongPass);
  }
  ctx.reply().Ok();
}

void CmdHello(CommandContext& ctx, ArgReader& args) {
  ServerContext& sctx = ServerContext::From(ctx);
  Client& c = sctx.client();
  int64_t ver = 0;
  if (args.HasNext()) {
    auto v = ParseInt64(args.Next());
    if (!v) return ctx.reply().Error("ERR Protocol version is not an integer or out of range");
    if (*v < 2 || *v > 3) return ctx.reply().Error(errors::kNoProto);
    ver = *v;
  }
  std::string_view user, pass, name;
  bool have_auth = false, have_name = false;
  while (args.HasNext()) {
    std::string_view opt = args.Next();
    if (EqualsIgnoreCase(opt, "AUTH") && args.Remaining() >= 2) {
      user = args.Next();
      pass = args.Next();
      have_auth = true;
    } else if (EqualsIgnoreCase(opt, "SETNAME") && args.Remaining() >= 1) {
      name = args.Next();
      have_name = true;
    } else {
      return ctx.reply().Error("ERR Syntax error in HELLO option '" + std::string(opt) + "'");
    }
  }
  if (have_auth) {
    if (!sctx.server().AuthenticateClient(c, user, pass, ctx.name())) {
      return ctx.reply().Error(errors::kWrongPass);
    }
  }
  if (!c.authenticated) {
    return ctx.reply().Error(
        "NOAUTH HELLO must be called with the client already authenticated, otherwise the "
        "HELLO AUTH <user> <pass> option can be used to authenticate the client and select "
        "the RESP protocol version at the same time");
  }
  if (have_name) {
    if (!ValidClientName(name)) {
      return ctx.reply().Error(
          "ERR Client names cannot contain spaces, newlines or special characters.");
    }
    c.name = std::string(name);
  }
  if (ver) {
    c.resp = static_cast<int>(ver);
    c.reply().SetResp3(ver == 3);
  }
  ReplyBuilder& r = ctx.reply();
  r.MapHeader(7);
  r.Bulk("server");
  r.Bulk("redis");
  r.Bulk("version");
  r.Bulk("7.0.15");
  r.Bulk("proto");
  r.Integer(c.resp);
  r.Bulk("id");
  r.Integer(static_cast<int64_t>(c.id()));
  r.Bulk("mode");
  r.Bulk("standalone");
  r.Bulk("role");
  r.Bulk("master");
  r.Bulk("modules");
  r.ArrayHeader(0);
}

void CmdReset(CommandContext& ctx, ArgReader& args) {
  ServerContext& sctx = ServerContext::From(ctx);
  Client& c = sctx.client();
  c.db_index = 0;
  c.resp = 2;
  c.reply().SetResp3(false);
  c.name.clear();
  // RESET ends CLIENT REPLY OFF, so its own reply is sent; but not when RESET is itself the
  // command a CLIENT REPLY SKIP skips (Redis clears OFF and SKIP-next, not the current skip).
  if (!c.skip_next_reply) c.reply().SetMuted(false);
  c.reply_mode = Client::ReplyMode::kOn;
  c.skip_next_reply = false;
  c.no_evict = false;
  if (c.is_monitor) {
    c.is_monitor = false;
    std::erase(sctx.server().monitors(), c.id());
  }
  sctx.server().DiscardTransaction(c);
  // Leaves Pub/Sub mode silently and stops tracking (Redis's clearClientConnectionState).
  if (c.subscriptions) sctx.server().pubsub().RemoveClient(&c);
  c.pubsub_mode = false;
  sctx.server().DisableTracking(c);
  sctx.server().SetDefaultUser(c);
  ctx.reply().SimpleString("RESET");
}

}  // namespace

bool IsValidClientName(std::string_view name) { return ValidClientName(name); }

void RegisterConnectionCommands(CommandTable& table) {
  using F = CmdFlag;
  table.Add({.name = "ping",
             .arity = -1,
             .flags = F::kFast,
             .handler = CmdPing,
             .acl_categories = "@fast @connection"});
  table.Add({.name = "echo",
             .arity = 2,
             .flags = F::kFast | F::kStale | F::kLoading,
             .handler = CmdEcho,
             .acl_categories = "@fast @connection"});
  table.Add(
      {.name = "quit",
       .arity = -1,
       .flags = F::kAllowBusy | F::kNoAuth | F::kNoScript | F::kLoading | F::kStale | F::kFast,
       .handler = CmdQuit,
       .acl_categories = "@fast @connection"});
  table.Add({.name = "select",
             .arity = 2,
             .flags = F::kLoading | F::kStale | F::kFast,
             .handler = CmdSelect,
             .acl_categories = "@fast @connection"});
  table.Add(
      {.name = "auth",
       .arity = -2,
       .flags = F::kNoScript | F::kLoading | F::kStale | F::kFast | F::kNoAuth | F::kAllowBusy,
       .handler = CmdAuth,
       .acl_categories = "@fast @connection"});
  table.Add(
      {.name = "hello",
       .arity = -1,
       .flags = F::kNoScript | F::kLoading | F::kStale | F::kFast | F::kNoAuth | F::kAllowBusy,
       .handler = CmdHello,
       .acl_categories = "@fast @connection"});
  table.Add(
      {.name = "reset",
       .arity = 1,
       .flags = F::kNoScript | F::kLoading | F::kStale | F::kFast | F::kNoAuth | F::kAllowBusy,
       .handler = CmdReset,
       .acl_categories = "@fast @connection"});
}

}  // namespace duet
