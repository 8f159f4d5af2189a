// EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT (Redis 7.0.15's eval.c): argument checks,
// the script cache, the shebang flags' rules, then the run through the Lua engine with a
// ScriptRun as the host of its redis.call commands.
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <optional>

#include "commands/help_reply.h"
#include "common/strutil.h"
#include "protocol/errors.h"
#include "scripting/ldb.h"
#include "scripting/lua_engine.h"
#include "server/script_run.h"
#include "server/server_commands.h"
#include "server/server_context.h"

namespace duet {

namespace {

using scripting::CachedScript;

void EvalGeneric(CommandContext& ctx, ArgReader& args, bool evalsha, bool ro) {
  ServerContext& sctx = ServerContext::From(ctx);
  Server& server = sctx.server();
  Client& c = sctx.client();
  // EVAL is skip_monitor: it is fed here so that it shows before the commands it runs.
  server.FeedMonitorsForScript(c, sctx.args());
  std::string_view body_or_sha = args[0];
  if (evalsha && body_or_sha.size() != 40) return ctx.reply().Error(errors::kNoScript);
  std::optional<int64_t> numkeys = ParseInt64(args[1]);
  if (!numkeys) return ctx.reply().Error(errors::kNotInteger);
  if (*numkeys > static_cast<int64_t>(args.size()) - 2) {
    return ctx.reply().Error(errors::kNumkeysGreater);
  }
  if (*numkeys < 0) return ctx.reply().Error(errors::kNumkeysNegative);

  scripting::LuaEngine& lua = server.lua();
  const CachedScript* script;
  std::string loaded_sha;
  char lower_sha[40];
  std::string_view sha;
  if (evalsha) {
    script = lua.Find(body_or_sha);
    if (!script) return ctx.reply().Error(errors::kNoScript);
    for (size_t i = 0; i < 40; i++) {
      char ch = body_or_sha[i];
      lower_sha[i] = ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch + ('a' - 'A')) : ch;
    }
    sha = std::string_view(lower_sha, 40);
  } else {
    std::string err;
    script = lua.Load(body_or_sha, &loaded_sha, &err);
    if (!script) return ctx.reply().Error(err);
    sha = loaded_sha;
  }
  uint32_t flags = script->flags;
  bool compat = flags & scripting::kScriptEvalCompat;
  // A stale replica (link down, replica-serve-stale-data no): a script without a shebang is
  // refused here (EVAL itself may run stale), one with a shebang needs allow-stale (Redis's
  // scriptPrepareForRun; the dispatcher refused the others already, but for EXEC's).
  if (server.replica_stale()) {
    if (compat) return ctx.reply().Error(errors::kMasterDown);
    if (!(flags & scripting::kScriptAllowStale)) {
      return ctx.reply().Error(errors::kScriptMasterDown);
    }
  }
  if (!compat) {
    if (!(flags & scripting::kScriptNoWrites) && ro) {
      return ctx.reply().Error(errors::kScriptRoWriteFlag);
    }
    if (server.pre_command_oom() && server.config().maxmemory != 0 &&
        !(flags & (scripting::kScriptAllowOom | scripting::kScriptNoWrites))) {
      return ctx.reply().Error(errors::kScriptAllowOom);
    }
  }
  bool read_only = ro || (!compat && (flags & scripting::kScriptNoWrites));
  bool allow_oom = !compat && (flags & scripting::kScriptAllowOom);
  std::span<const std::string_view> rest = args.All().subspan(2);
  size_t nk = static_cast<size_t>(*numkeys);
  ScriptRun run(server, c, sha, /*eval_mode=*/true, read_only, allow_oom);
  run.set_caller_args(sctx.args());
  lua.Run(*script, sha, rest.subspan(0, nk), rest.subspan(nk), run, ctx.reply(),
          server.config().busy_reply_threshold > 0);
}

// The debugging client's socket, made blocking (with Redis's 5 s send timeout) for the
// session and restored after it.
class SocketLdbChannel : public scripting::LdbChannel {
 public:
  explicit SocketLdbChannel(int fd) : fd_(fd) {
    flags_ = fcntl(fd_, F_GETFL);
    if (flags_ != -1) fcntl(fd_, F_SETFL, flags_ & ~O_NONBLOCK);
    timeval tv{5, 0};
    setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  }
  ~SocketLdbChannel() override {
    if (flags_ != -1) fcntl(fd_, F_SETFL, flags_);
    timeval tv{0, 0};
    setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  }
  ssize_t Read(char* buf, size_t len) override {
    ssize_t n;
    do {
      n = read(fd_, buf, len);
    } while (n < 0 && errno == EINTR);
    return n;
  }
  void Write(std::string_view data) override {
    // Errors are left to the next Read, as Redis does.
    while (!data.empty()) {
      ssize_t n = write(fd_, data.data(), data.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;
      data.remove_prefix(static_cast<size_t>(n));
    }
  }

 private:
  int fd_;
  int flags_;
};

// EVAL/EVAL_RO of a client after SCRIPT DEBUG YES or SYNC: the whole command, its argument
// errors included, runs in a debugging session that blocks the server; the client is closed
// once the reply is sent, which tells it the session ended. After YES every change the
// session made to the dataset is rolled back when it ends, however it ends (Redis runs
// that session in a forked child whose dataset is dropped; duet does not fork).
void EvalWithDebugger(CommandContext& ctx, ArgReader& args, bool ro) {
  ServerContext& sctx = ServerContext::From(ctx);
  Server& server = sctx.server();
  Client& c = sctx.client();
  scripting::Ldb& ldb = server.lua().ldb();
  bool rollback = !c.lua_debug_sync;
  size_t scripts_before = server.lua().num_scripts();
  {
    std::optional<Server::RollbackSession> session;
    if (rollback) {
      // Redis's parent shows the EVAL to MONITOR before it forks; the session shows nothing.
      server.FeedMonitorsForScript(c, sctx.args());
      session.emplace(server);
    }
    SocketLdbChannel channel(c.fd());
    ldb.Start(&channel, args[0], server.config().busy_reply_threshold, rollback);
    EvalGeneric(ctx, args, false, ro);
    ldb.End();
  }
  // The script stays out of the cache, as Redis's parent never loads it.
  if (rollback && server.lua().num_scripts() > scripts_before) server.lua().Forget(args[0]);
  c.close_after_reply = true;
}

void CmdEval(CommandContext& ctx, ArgReader& args) {
  if (ServerContext::From(ctx).client().lua_debug) return EvalWithDebugger(ctx, args, false);
  EvalGeneric(ctx, args, false, false);
}
void CmdEvalRo(CommandContext& ctx, ArgReader& args) {
  if (ServerContext::From(ctx).client().lua_debug) return EvalWithDebugger(ctx, args, true);
  EvalGeneric(ctx, args, false, true);
}
void EvalShaGeneric(CommandContext& ctx, ArgReader& args, bool ro) {
  if (ServerContext::From(ctx).client().lua_debug) {
    ServerContext& sctx = ServerContext::From(ctx);
    sctx.server().FeedMonitorsForScript(sctx.client(), sctx.args());
    if (args[0].size() != 40) return ctx.reply().Error(errors::kNoScript);
    return ctx.reply().Error(errors::kScriptDebugEvalsha);
  }
  EvalGeneric(ctx, args, true, ro);
}
void CmdEvalSha(CommandContext& ctx, ArgReader& args) { EvalShaGeneric(ctx, args, false); }
void CmdEvalShaRo(CommandContext& ctx, ArgReader& args) { EvalShaGeneric(ctx, args, true); }

// SCRIPT LOAD <script>
void CmdScriptLoad(CommandContext& ctx, ArgReader& args) {
  std::string sha, err;
  if (!ServerContext::From(ctx).server().lua().Load(args[1], &sha, &err)) {
    return ctx.reply().Error(err);
  }
  ctx.reply().Bulk(sha);
}

// SCRIPT EXISTS <sha1> [<sha1> ...]
void CmdScriptExists(CommandContext& ctx, ArgReader& args) {
  scripting::LuaEngine& lua = ServerContext::From(ctx).server().lua();
  ctx.reply().ArrayHeader(args.size() - 1);
  for (size_t i = 1; i < args.size(); i++) {
    ctx.reply().Integer(lua.Find(args[i]) ? 1 : 0);  // case-insensitive, as Redis's dict
  }
}

// SCRIPT FLUSH [ASYNC|SYNC]
void CmdScriptFlush(CommandContext& ctx, ArgReader& args) {
  if (args.size() > 2 || (args.size() == 2 && !EqualsIgnoreCase(args[1], "sync") &&
                          !EqualsIgnoreCase(args[1], "async"))) {
    return ctx.reply().Error(errors::kScriptFlushMode);
  }
  ServerContext::From(ctx).server().lua().Reset();
  ctx.reply().Ok();
}

// SCRIPT KILL: stops the running read-only script (reached while it runs past
// busy-reply-threshold, from ProcessEventsWhileBlocked).
void CmdScriptKill(CommandContext& ctx, ArgReader& args) {
  ServerContext::From(ctx).server().KillScript(ctx.reply(), /*is_eval=*/true);
}

// SCRIPT DEBUG YES|SYNC|NO. The client's next EVAL runs under the debugger, blocking the
// server; after YES its changes are rolled back at the end (see EvalWithDebugger).
void CmdScriptDebug(CommandContext& ctx, ArgReader& args) {
  ServerContext& sctx = ServerContext::From(ctx);
  Client& c = sctx.client();
  if (c.out().size() > c.out_pos()) return ctx.reply().Error(errors::kScriptDebugPipeline);
  if (EqualsIgnoreCase(args[1], "no")) {
    c.lua_debug = false;
    c.lua_debug_sync = false;
    return ctx.reply().Ok();
  }
  bool yes = EqualsIgnoreCase(args[1], "yes");
  if (!yes && !EqualsIgnoreCase(args[1], "sync"))
    return ctx.reply().Error(errors::kScriptDebugMode);
  sctx.server().lua().ldb().Enable();
  c.lua_debug = true;
  if (!yes) c.lua_debug_sync = true;  // YES keeps an earlier SYNC, as Redis's ldbEnable
  ctx.reply().Ok();
}

void CmdScriptHelp(CommandContext& ctx, ArgReader& args) {
  ReplyHelp(ctx.reply(), ctx.name(),
            {"DEBUG (YES|SYNC|NO)", "    Set the debug mode for subsequent scripts executed.",
             "EXISTS <sha1> [<sha1> ...]",
             "    Return information about the existence of the scripts in the script cache.",
             "FLUSH [ASYNC|SYNC]", "    Flush the Lua scripts cache. Very dangerous on replicas.",
             "    When called without the optional mode argument, the behavior is determined by "
             "the",
             "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
             "    * ASYNC: Asynchronously flush the scripts cache.",
             "    * SYNC: Synchronously flush the scripts cache.", "KILL",
             "    Kill the currently executing Lua script.", "LOAD <script>",
             "    Load a script into the scripts cache without executing it."});
}

}  // namespace

void RegisterScriptCommands(CommandTable& table) {
  using F = CmdFlag;
  const F eval_flags = F::kNoScript | F::kSkipMonitor | F::kMayReplicate | F::kNoMandatoryKeys |
                       F::kStale | F::kScriptFlags;
  const F eval_ro_flags = F::kNoScript | F::kSkipMonitor | F::kNoMandatoryKeys | F::kStale |
                          F::kReadOnly | F::kScriptFlags;
  table.Add("eval", -3, eval_flags, 0, 0, 0, CmdEval, "@slow @scripting");
  table.Add("evalsha", -3, eval_flags, 0, 0, 0, CmdEvalSha, "@slow @scripting");
  table.Add("eval_ro", -3, eval_ro_flags, 0, 0, 0, CmdEvalRo, "@slow @scripting");
  table.Add("evalsha_ro", -3, eval_ro_flags, 0, 0, 0, CmdEvalShaRo, "@slow @scripting");
  table.Add({.name = "script",
             .arity = -2,
             .acl_categories = "@slow",
             .subcommands = {
                 {.name = "script|debug",
                  .arity = 3,
                  .flags = F::kNoScript,
                  .handler = CmdScriptDebug,
                  .acl_categories = "@slow @scripting"},
                 {.name = "script|exists",
                  .arity = -3,
                  .flags = F::kNoScript,
                  .handler = CmdScriptExists,
                  .acl_categories = "@slow @scripting"},
                 {.name = "script|flush",
                  .arity = -2,
                  .flags = F::kNoScript,
                  .handler = CmdScriptFlush,
                  .acl_categories = "@slow @scripting"},
                 {.name = "script|help",
                  .arity = 2,
                  .flags = F::kLoading | F::kStale,
                  .handler = CmdScriptHelp,
                  .acl_categories = "@slow @scripting"},
                 {.name = "script|kill",
                  .arity = 2,
                  .flags = F::kNoScript | F::kAllowBusy,
                  .handler = CmdScriptKill,
                  .acl_categories = "@slow @scripting"},
                 {.name = "script|load",
                  .arity = 3,
                  .flags = F::kNoScript | F::kStale,
                  .handler = CmdScriptLoad,
                  .acl_categories = "@slow @scripting"},
             }});
}

}  // namespace duet
