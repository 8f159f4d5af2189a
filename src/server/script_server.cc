// The Server's side of scripting: running a script's commands on the script client, the
// effective flags of EVAL/EVALSHA by shebang, SCRIPT/FUNCTION KILL and the busy state.
#include <utility>

#include "protocol/errors.h"
#include "server/script_run.h"
#include "server/server.h"

namespace duet {

void Server::RunScriptCommand(const CommandSpec& spec, std::span<const std::string_view> args,
                              int resp, ReplySink* sink, std::string* reply, int propagate_to) {
  Client& sc = *script_client_;
  sc.resp = resp;
  sc.reply().SetResp3(resp == 3);
  sc.out().clear();
  // Scripts see the time frozen at their start (Redis's script time snapshot): the
  // keyspace's "now" is not moved for the commands they run.
  script_propagate_to_ = propagate_to;
  sc.reply().SetSink(sink);
  Call(sc, spec, args, clock_->NowUs());
  sc.reply().SetSink(nullptr);
  script_propagate_to_ = kPropagateAll;
  std::swap(*reply, sc.out());
  sc.out().clear();
}

void Server::CountScriptRejection(const CommandSpec* spec, std::string_view error) {
  if (spec) spec->rejected_calls++;
  if (!error.empty() && error[0] == '-') {
    CountError(error.substr(1));
  } else {
    CountError("ERR");
  }
}

CmdFlag Server::EffectiveFlags(const CommandSpec& spec,
                               std::span<const std::string_view> args) const {
  if (args.size() < 2) return spec.flags;
  bool fcall = spec.name == "fcall" || spec.name == "fcall_ro";
  bool evalsha = spec.name == "evalsha" || spec.name == "evalsha_ro";
  uint32_t sflags;
  if (fcall) {
    scripting::FunctionRef fn = functions_->Find(args[1]);
    if (!fn.function) return spec.flags;
    sflags = fn.function->flags;
  } else if (const scripting::CachedScript* s = evalsha ? lua_->Find(args[1]) : nullptr) {
    sflags = s->flags;
  } else if (evalsha) {
    return spec.flags;
  } else {
    size_t shebang_len;
    std::string err;
    if (!scripting::ParseShebang(args[1], &sflags, &shebang_len, &err)) return spec.flags;
  }
  if (sflags & scripting::kScriptEvalCompat) return spec.flags;
  // Redis's scriptFlagsToCmdFlags.
  uint32_t f = static_cast<uint32_t>(spec.flags) &
               ~static_cast<uint32_t>(CmdFlag::kStale | CmdFlag::kDenyOom | CmdFlag::kWrite |
                                      CmdFlag::kMayReplicate);
  if (!(sflags & (scripting::kScriptAllowOom | scripting::kScriptNoWrites))) {
    f |= static_cast<uint32_t>(CmdFlag::kDenyOom);
  }
  if (!(sflags & scripting::kScriptNoWrites)) f |= static_cast<uint32_t>(CmdFlag::kWrite);
  if (sflags & scripting::kScriptAllowStale) f |= static_cast<uint32_t>(CmdFlag::kStale);
  return static_cast<CmdFlag>(f);
}

void Server::RefreshScriptingStats() {
  ScriptingStats& st = stats_.scripting;
  st.vm_eval_bytes = lua_->MemoryBytes();
  st.scripts_eval_bytes = lua_->ScriptsMemoryBytes();
  st.cached_scripts = lua_->num_scripts();
  st.vm_functions_bytes = functions_->VmMemoryBytes();
  st.functions_bytes = functions_->OverheadBytes();
  st.functions = functions_->num_functions();
  st.libraries = functions_->libraries().size();
}

void Server::KillScript(ReplyBuilder& reply, bool is_eval) {
  if (!script_run_) return reply.Error(errors::kNotBusy);
  if (script_run_->write_dirty()) return reply.Error(errors::kUnkillable);
  if (is_eval && !script_run_->eval_mode()) return reply.Error(errors::kBusyFunction);
  if (!is_eval && script_run_->eval_mode()) return reply.Error(errors::kBusyEval);
  script_run_->Kill();
  reply.Ok();
}

void Server::ScriptBusyStarted(ScriptRun& run) { ProtectClient(run.caller()); }

void Server::ScriptBusyEnded(ScriptRun& run) { UnprotectClient(run.caller()); }

}  // namespace duet
