// SHUTDOWN, and the registration of DEBUG (debug_cmds.cc).
#include "common/strutil.h"
#include "protocol/errors.h"
#include "server/script_run.h"
#include "server/server.h"
#include "server/server_commands.h"
#include "server/server_context.h"

namespace duet {

namespace {

// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]
void CmdShutdown(CommandContext& ctx, ArgReader& args) {
  bool nosave = false, save = false, now = false, force = false, abort = false;
  for (std::string_view a : args.All()) {
    if (EqualsIgnoreCase(a, "nosave")) {
      nosave = true;
    } else if (EqualsIgnoreCase(a, "save")) {
      save = true;
    } else if (EqualsIgnoreCase(a, "now")) {
      now = true;
    } else if (EqualsIgnoreCase(a, "force")) {
      force = true;
    } else if (EqualsIgnoreCase(a, "abort")) {
      abort = true;
    } else {
      return ctx.reply().Error(errors::kSyntax);
    }
  }
  if ((abort && (nosave || save || now || force)) || (nosave && save)) {
    return ctx.reply().Error(errors::kSyntax);
  }
  ServerContext& sctx = ServerContext::From(ctx);
  Server& server = sctx.server();
  if (abort) {
    if (!server.AbortShutdown()) return ctx.reply().Error(errors::kNoShutdownInProgress);
    return ctx.reply().Ok();
  }
  // While a script runs past its time limit only SHUTDOWN NOSAVE may stop the server.
  if (ScriptRun* run = server.script_run(); run && run->timed_out() && !nosave) {
    return ctx.reply().Error(run->eval_mode() ? errors::kBusyEval : errors::kBusyFunction);
  }
  // No reply when the server exits: the connection closes, as with Redis. While it waits for
  // its replicas this client is blocked (and so is a second SHUTDOWN meanwhile).
  switch (server.PrepareShutdown({.save = save, .nosave = nosave, .now = now, .force = force})) {
    case Server::ShutdownStep::kExit:
      sctx.client().close_after_reply = true;
      break;
    case Server::ShutdownStep::kWaiting:
      server.WaitForShutdown(sctx.client(), ctx.spec(), args.All());
      break;
    case Server::ShutdownStep::kFailed:
      ctx.reply().Error(errors::kShutdownFailed);
      break;
  }
}

}  // namespace

void RegisterAdminCommands(CommandTable& table) {
  using F = CmdFlag;
  RegisterDebugCommand(table);
  table.Add(
      {.name = "shutdown",
       .arity = -1,
       .flags = F::kAdmin | F::kNoScript | F::kLoading | F::kStale | F::kNoMulti | F::kAllowBusy,
       .handler = CmdShutdown,
       .acl_categories = "@admin @slow @dangerous"});
}

}  // namespace duet
