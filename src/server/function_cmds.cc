// FUNCTION (LOAD, DELETE, FLUSH, LIST, DUMP, RESTORE, STATS, KILL, HELP) and FCALL/FCALL_RO
// (Redis 7.0.15's functions.c) over the server's scripting::FunctionStore.
#include "commands/help_reply.h"
#include "common/strutil.h"
#include "persistence/function_payload.h"
#include "protocol/errors.h"
#include "scripting/function_store.h"
#include "server/script_run.h"
#include "server/server_commands.h"
#include "server/server_context.h"

namespace duet {

namespace {

using scripting::FunctionStore;

// Redis's LOAD_TIMEOUT_MS: library code may run this long while it registers functions.
constexpr int64_t kLoadTimeoutMs = 500;

FunctionStore& Store(CommandContext& ctx) { return ServerContext::From(ctx).server().functions(); }

// FUNCTION LOAD [REPLACE] <code>
void CmdFunctionLoad(CommandContext& ctx, ArgReader& args) {
  bool replace = false;
  size_t pos = 1;
  while (pos < args.size() - 1) {
    std::string_view a = args[pos++];
    if (EqualsWord(a, "replace")) {
      replace = true;
      continue;
    }
    return ctx.reply().Error("ERR Unknown option given: " + std::string(a));
  }
  if (pos >= args.size()) return ctx.reply().Error(errors::kFunctionCodeMissing);
  std::string name, err;
  if (!Store(ctx).Load(args[pos], replace, kLoadTimeoutMs, &name, &err)) {
    return ctx.reply().Error("ERR " + err);
  }
  ctx.AddDirty(1);
  ctx.reply().Bulk(name);
}

void CmdFunctionDelete(CommandContext& ctx, ArgReader& args) {
  if (!Store(ctx).Delete(args[1])) return ctx.reply().Error(errors::kLibraryNotFound);
  ctx.AddDirty(1);
  ctx.reply().Ok();
}

void CmdFunctionFlush(CommandContext& ctx, ArgReader& args) {
  if (args.size() > 2) return ctx.reply().Error(errors::SubcommandSyntax(ctx.name(), args[0]));
  if (args.size() == 2 && !EqualsIgnoreCase(args[1], "sync") &&
      !EqualsIgnoreCase(args[1], "async")) {
    return ctx.reply().Error(errors::kFunctionFlushMode);
  }
  Store(ctx).Flush();
  ctx.AddDirty(1);
  ctx.reply().Ok();
}

void ReplyFlags(ReplyBuilder& r, uint32_t flags) {
  static constexpr std::pair<uint32_t, std::string_view> kNames[] = {
      {scripting::kScriptNoWrites, "no-writes"},
      {scripting::kScriptAllowOom, "allow-oom"},
      {scripting::kScriptAllowStale, "allow-stale"},
      {scripting::kScriptNoCluster, "no-cluster"},
      {scripting::kScriptAllowCrossSlot, "allow-cross-slot-keys"}};
  size_t n = 0;
  for (const auto& [f, name] : kNames) n += (flags & f) ? 1 : 0;
  r.SetHeader(n);
  for (const auto& [f, name] : kNames) {
    if (flags & f) r.SimpleString(name);
  }
}

// FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE]
void CmdFunctionList(CommandContext& ctx, ArgReader& args) {
  bool with_code = false, have_pattern = false;
  std::string_view pattern;
  for (size_t i = 1; i < args.size(); i++) {
    if (!with_code && EqualsWord(args[i], "withcode")) {
      with_code = true;
      continue;
    }
    if (!have_pattern && EqualsWord(args[i], "libraryname")) {
      if (i + 1 >= args.size()) return ctx.reply().Error(errors::kLibraryNameMissing);
      have_pattern = true;
      pattern = args[++i];
      continue;
    }
    return ctx.reply().Error(errors::UnknownArgument(args[i]));
  }
  std::vector<const scripting::Library*> libs;
  for (const auto& [name, lib] : Store(ctx).libraries()) {
    if (have_pattern && !GlobMatch(pattern, name, /*nocase=*/true)) continue;
    libs.push_back(lib.get());
  }
  ReplyBuilder& r = ctx.reply();
  r.ArrayHeader(libs.size());
  for (const scripting::Library* lib : libs) {
    r.MapHeader(with_code ? 4 : 3);
    r.Bulk("library_name");
    r.Bulk(lib->name);
    r.Bulk("engine");
    r.Bulk("LUA");
    r.Bulk("functions");
    r.ArrayHeader(lib->functions.size());
    for (const scripting::RegisteredFunction& f : lib->functions) {
      r.MapHeader(3);
      r.Bulk("name");
      r.Bulk(f.name);
      r.Bulk("description");
      if (f.has_description) {
        r.Bulk(f.description);
      } else {
        r.Null();
      }
      r.Bulk("flags");
      ReplyFlags(r, f.flags);
    }
    if (with_code) {
      r.Bulk("library_code");
      r.Bulk(lib->code);
    }
  }
}

void CmdFunctionDump(CommandContext& ctx, ArgReader& args) {
  ctx.reply().Bulk(rdb::CreateFunctionsPayload(Store(ctx).Codes(), ctx.config().rdbcompression));
}

// FUNCTION RESTORE <payload> [FLUSH|APPEND|REPLACE]
void CmdFunctionRestore(CommandContext& ctx, ArgReader& args) {
  if (args.size() > 3) return ctx.reply().Error(errors::SubcommandSyntax(ctx.name(), args[0]));
  FunctionStore::RestorePolicy policy = FunctionStore::RestorePolicy::kAppend;
  if (args.size() == 3) {
    if (EqualsWord(args[2], "append")) {
      policy = FunctionStore::RestorePolicy::kAppend;
    } else if (EqualsWord(args[2], "replace")) {
      policy = FunctionStore::RestorePolicy::kReplace;
    } else if (EqualsWord(args[2], "flush")) {
      policy = FunctionStore::RestorePolicy::kFlush;
    } else {
      return ctx.reply().Error(errors::kRestorePolicy);
    }
  }
  std::string err;
  std::vector<std::string> codes;
  if (!rdb::ParseFunctionsPayload(args[1], ctx.config().skip_checksum_validation, &codes, &err) ||
      !Store(ctx).Restore(codes, policy, &err)) {
    return ctx.reply().Error("ERR " + err);
  }
  ctx.AddDirty(1);
  ctx.reply().Ok();
}

void CmdFunctionStats(CommandContext& ctx, ArgReader& args) {
  Server& server = ServerContext::From(ctx).server();
  ScriptRun* run = server.script_run();
  if (run && run->eval_mode()) return ctx.reply().Error(errors::kBusyEval);
  ReplyBuilder& r = ctx.reply();
  r.MapHeader(2);
  r.Bulk("running_script");
  if (!run) {
    r.Null();
  } else {
    r.MapHeader(3);
    r.Bulk("name");
    r.Bulk(run->name());
    r.Bulk("command");
    r.BulkArray(run->caller_args().data(), run->caller_args().size());
    r.Bulk("duration_ms");
    r.Integer(run->DurationMs());
  }
  r.Bulk("engines");
  r.MapHeader(1);
  r.Bulk("LUA");
  r.MapHeader(2);
  r.Bulk("libraries_count");
  r.Integer(static_cast<int64_t>(server.functions().libraries().size()));
  r.Bulk("functions_count");
  r.Integer(static_cast<int64_t>(server.functions().num_functions()));
}

void CmdFunctionKill(CommandContext& ctx, ArgReader& args) {
  ServerContext::From(ctx).server().KillScript(ctx.reply(), /*is_eval=*/false);
}

void CmdFunctionHelp(CommandContext& ctx, ArgReader& args) {
  ReplyHelp(
      ctx.reply(), ctx.name(),
      {"LOAD [REPLACE] <FUNCTION CODE>",
       "    Create a new library with the given library name and code.",
       "DELETE <LIBRARY NAME>",
       "    Delete the given library.",
       "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
       "    Return general information on all the libraries:",
       "    * Library name",
       "    * The engine used to run the Library",
       "    * Library description",
       "    * Functions list",
       "    * Library code (if WITHCODE is given)",
       "    It also possible to get only function that matches a pattern using LIBRARYNAME "
       "argument.",
       "STATS",
       "    Return information about the current function running:",
       "    * Function name",
       "    * Command used to run the function",
       "    * Duration in MS that the function is running",
       "    If no function is running, return nil",
       "    In addition, returns a list of available engines.",
       "KILL",
       "    Kill the current running function.",
       "FLUSH [ASYNC|SYNC]",
       "    Delete all the libraries.",
       "    When called without the optional mode argument, the behavior is determined by the",
       "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
       "    * ASYNC: Asynchronously flush the libraries.",
       "    * SYNC: Synchronously flush the libraries.",
       "DUMP",
       "    Return a serialized payload representing the current libraries, can be restored "
       "using FUNCTION RESTORE command",
       "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
       "    Restore the libraries represented by the given payload, it is possible to give a "
       "restore policy to",
       "    control how to handle existing libraries (default APPEND):",
       "    * FLUSH: delete all existing libraries.",
       "    * APPEND: appends the restored libraries to the existing libraries. On collision, "
       "abort.",
       "    * REPLACE: appends the restored libraries to the existing libraries, On collision, "
       "replace the old",
       "      libraries with the new libraries (notice that even on this option there is a "
       "chance of failure",
       "      in case of functions name collision with another library)."});
}

void FcallGeneric(CommandContext& ctx, ArgReader& args, bool ro) {
  ServerContext& sctx = ServerContext::From(ctx);
  Server& server = sctx.server();
  server.FeedMonitorsForScript(sctx.client(), sctx.args());
  scripting::FunctionRef fn = server.functions().Find(args[0]);
  if (!fn.function) return ctx.reply().Error(errors::kFunctionNotFound);
  std::optional<int64_t> numkeys = ParseInt64(args[1]);
  if (!numkeys) return ctx.reply().Error(errors::kBadNumberOfKeys);
  if (*numkeys > static_cast<int64_t>(args.size()) - 2) {
    return ctx.reply().Error(errors::kNumkeysGreater);
  }
  if (*numkeys < 0) return ctx.reply().Error(errors::kNumkeysNegative);
  uint32_t flags = fn.function->flags;
  if (server.replica_stale() && !(flags & scripting::kScriptAllowStale)) {
    return ctx.reply().Error(errors::kScriptMasterDown);
  }
  if (!(flags & scripting::kScriptNoWrites) && ro) {
    return ctx.reply().Error(errors::kScriptRoWriteFlag);
  }
  if (server.pre_command_oom() && server.config().maxmemory != 0 &&
      !(flags & (scripting::kScriptAllowOom | scripting::kScriptNoWrites))) {
    return ctx.reply().Error(errors::kScriptAllowOom);
  }
  bool read_only = ro || (flags & scripting::kScriptNoWrites);
  bool allow_oom = flags & scripting::kScriptAllowOom;
  std::span<const std::string_view> rest = args.All().subspan(2);
  size_t nk = static_cast<size_t>(*numkeys);
  // Copies: the library may be replaced by nothing while the function runs (no command that
  // could do it is allowed meanwhile), but the name outlives the run's error text.
  std::string name = fn.function->name;
  ScriptRun run(server, sctx.client(), name, /*eval_mode=*/false, read_only, allow_oom);
  run.set_caller_args(sctx.args());
  server.functions().engine().RunFunction(fn.function->fn_ref, name, rest.subspan(0, nk),
                                          rest.subspan(nk), run, ctx.reply(),
                                          server.config().busy_reply_threshold > 0);
}

void CmdFcall(CommandContext& ctx, ArgReader& args) { FcallGeneric(ctx, args, false); }
void CmdFcallRo(CommandContext& ctx, ArgReader& args) { FcallGeneric(ctx, args, true); }

}  // namespace

void RegisterFunctionCommands(CommandTable& table) {
  using F = CmdFlag;
  table.Add("fcall", -3,
            F::kNoScript | F::kSkipMonitor | F::kMayReplicate | F::kNoMandatoryKeys | F::kStale |
                F::kScriptFlags,
            0, 0, 0, CmdFcall, "@slow @scripting");
  table.Add("fcall_ro", -3,
            F::kNoScript | F::kSkipMonitor | F::kNoMandatoryKeys | F::kStale | F::kReadOnly |
                F::kScriptFlags,
            0, 0, 0, CmdFcallRo, "@slow @scripting");
  auto sub = [](const char* name, int arity, CmdFlag flags, CommandHandler h, const char* acl) {
    return CommandSpec{
        .name = name, .arity = arity, .flags = flags, .handler = h, .acl_categories = acl};
  };
  table.Add(
      {.name = "function",
       .arity = -2,
       .acl_categories = "@slow",
       .subcommands = {
           sub("function|delete", 3, F::kNoScript | F::kWrite, CmdFunctionDelete,
               "@write @slow @scripting"),
           sub("function|dump", 2, F::kNoScript, CmdFunctionDump, "@slow @scripting"),
           sub("function|flush", -2, F::kNoScript | F::kWrite, CmdFunctionFlush,
               "@write @slow @scripting"),
           sub("function|help", 2, F::kLoading | F::kStale, CmdFunctionHelp, "@slow @scripting"),
           sub("function|kill", 2, F::kNoScript | F::kAllowBusy, CmdFunctionKill,
               "@slow @scripting"),
           sub("function|list", -2, F::kNoScript, CmdFunctionList, "@slow @scripting"),
           sub("function|load", -3, F::kNoScript | F::kWrite | F::kDenyOom, CmdFunctionLoad,
               "@write @slow @scripting"),
           sub("function|restore", -3, F::kNoScript | F::kWrite | F::kDenyOom, CmdFunctionRestore,
               "@write @slow @scripting"),
           sub("function|stats", 2, F::kNoScript | F::kAllowBusy, CmdFunctionStats,
               "@slow @scripting"),
       }});
}

}  // namespace duet
