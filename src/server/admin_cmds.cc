// SHUTDOWN, and the registration of DEBUG (debug_cmds.cc).
#include "common/strutil.h"
#include "protocol/errors.h"
#include "server/script_run.h"
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
  // The only shutdown that can be in progress is a signal's, waiting for the cron (there
  // are no replicas to wait for).
  if (abort) {
    if (!sctx.server().AbortSignalShutdown()) {
      return ctx.reply().Error(errors::kNoShutdownInProgress);
    }
    return ctx.reply().Ok();
  }
  // While a script runs past its time limit only SHUTDOWN NOSAVE may stop the server.
  if (ScriptRun* run = sctx.server().script_run(); run && run->timed_out() && !nosave) {
    return ctx.reply().Error(run->eval_mode() ? errors::kBusyEval : errors::kBusyFunction);
  }
  // A half-loaded dataset is never saved (Redis forces NOSAVE while loading); the load stops
  // and the server exits.
  if (sctx.server().loading()) {
    save = false;
    nosave = true;
  }
  if (!sctx.server().SaveBeforeShutdown(save, nosave, force)) {
    return ctx.reply().Error(errors::kShutdownFailed);
  }
  // No reply: the process exits and the connection closes, as with Redis. Nothing more is
  // read from this client.
  sctx.client().close_after_reply = true;
  sctx.server().CloseListeners();
  sctx.server().RequestShutdown();
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
