// SHUTDOWN and FUNCTION FLUSH / LIST (on a server without functions), and the registration of
// DEBUG (debug_cmds.cc).
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
  // duet shuts down at once (there are no replicas to wait for), so there is never a
  // shutdown in progress to abort.
  if (abort) return ctx.reply().Error(errors::kNoShutdownInProgress);
  ServerContext& sctx = ServerContext::From(ctx);
  // While a script runs past its time limit only SHUTDOWN NOSAVE may stop the server.
  if (ScriptRun* run = sctx.server().script_run(); run && run->timed_out() && !nosave) {
    return ctx.reply().Error(run->eval_mode() ? errors::kBusyEval : errors::kBusyFunction);
  }
  if (!sctx.server().SaveBeforeShutdown(save, nosave, force)) {
    return ctx.reply().Error(errors::kShutdownFailed);
  }
  // No reply: the process exits and the connection closes, as with Redis. Nothing more is
  // read from this client.
  sctx.client().close_after_reply = true;
  sctx.server().RequestShutdown();
}

void CmdFunctionFlush(CommandContext& ctx, ArgReader& args) {
  // args[0] is "FLUSH".
  if (args.size() > 2) return ctx.reply().Error(errors::SubcommandSyntax(ctx.name(), args[0]));
  if (args.size() == 2 && !EqualsIgnoreCase(args[1], "sync") &&
      !EqualsIgnoreCase(args[1], "async")) {
    return ctx.reply().Error(errors::kFunctionFlushMode);
  }
  // There are no libraries to free; the flush still counts as a change of the dataset
  // (Redis replicates it and bumps the dirty counter).
  ctx.AddDirty(1);
  ctx.reply().Ok();
}

void CmdFunctionList(CommandContext& ctx, ArgReader& args) {
  bool with_code = false, have_pattern = false;
  for (size_t i = 1; i < args.size(); i++) {
    if (!with_code && EqualsIgnoreCase(args[i], "withcode")) {
      with_code = true;
      continue;
    }
    if (!have_pattern && EqualsIgnoreCase(args[i], "libraryname")) {
      if (i + 1 >= args.size()) return ctx.reply().Error(errors::kLibraryNameMissing);
      have_pattern = true;
      i++;
      continue;
    }
    return ctx.reply().Error(errors::UnknownArgument(args[i]));
  }
  // No function libraries can be loaded yet (FUNCTION LOAD needs the Lua engine).
  ctx.reply().ArrayHeader(0);
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
  table.Add({.name = "function",
             .arity = -2,
             .acl_categories = "@slow",
             .subcommands = {
                 {.name = "function|flush",
                  .arity = -2,
                  .flags = F::kWrite | F::kNoScript,
                  .handler = CmdFunctionFlush,
                  .acl_categories = "@write @slow @scripting"},
                 {.name = "function|list",
                  .arity = -2,
                  .flags = F::kNoScript,
                  .handler = CmdFunctionList,
                  .acl_categories = "@slow @scripting"},
             }});
}

}  // namespace duet
