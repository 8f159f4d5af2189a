#include "server/script_run.h"

#include "common/log.h"
#include "protocol/errors.h"
#include "server/server.h"

namespace duet {

ScriptRun::ScriptRun(Server& server, Client& caller, std::string_view name, bool eval_mode,
                     bool read_only, bool allow_oom)
    : server_(server),
      caller_(caller),
      name_(name),
      eval_mode_(eval_mode),
      read_only_(read_only),
      allow_oom_(allow_oom),
      start_us_(server.clock().NowUs()) {
  Client& sc = server_.script_client();
  saved_db_ = sc.db_index;
  sc.db_index = caller.db_index;
  server_.set_script_run(this);
}

ScriptRun::~ScriptRun() {
  server_.set_script_run(nullptr);
  if (timed_out_) server_.ScriptBusyEnded(*this);
}

void ScriptRun::Call(std::span<const std::string_view> argv, int resp, ReplySink* sink,
                     std::string* reply, std::string* rejection) {
  const CommandSpec* spec = server_.commands().Find(argv[0]);
  if (spec && spec->IsContainer() && argv.size() >= 2) {
    spec = CommandTable::FindSub(*spec, argv[1]);
  }
  auto reject = [&](std::string_view text) {
    rejection->assign(text);
    server_.CountScriptRejection(spec, text);
  };
  if (!spec) return reject(errors::kScriptUnknownCommand);
  size_t argc = argv.size();
  bool arity_ok = spec->arity > 0 ? argc == static_cast<size_t>(spec->arity)
                                  : argc >= static_cast<size_t>(-spec->arity);
  if (!arity_ok) return reject(errors::kScriptWrongArgs);
  // DEBUG SET-DISABLE-DENY-SCRIPTS lifts the no-script rule (Redis's script_disable_deny_script).
  if (HasFlag(spec->flags, CmdFlag::kNoScript) && !server_.config().script_disable_deny_script) {
    return reject(errors::kScriptNotAllowed);
  }
  // A replica whose link is down under replica-serve-stale-data no: only stale commands
  // (Redis's scriptVerifyAllowStale; the script itself needed allow-stale to start).
  if (!HasFlag(spec->flags, CmdFlag::kStale) && server_.replica_stale()) {
    return reject(errors::kScriptStaleReplica);
  }
  // ACL: the caller's user, as Redis's scriptVerifyACL (the script client has none).
  if (std::string_view denied = server_.ScriptAclRejection(caller_, *spec, argv); !denied.empty()) {
    return reject(denied);
  }
  bool writes = HasFlag(spec->flags, CmdFlag::kWrite);
  if (read_only_ && (writes || HasFlag(spec->flags, CmdFlag::kMayReplicate))) {
    return reject(errors::kScriptReadOnlyWrite);
  }
  // -OOM only until the script has written: after that it must be allowed to finish what it
  // started (Redis's scriptVerifyOOM).
  if (!allow_oom_ && server_.config().maxmemory != 0 && !write_dirty_ &&
      server_.pre_command_oom() && HasFlag(spec->flags, CmdFlag::kDenyOom)) {
    return reject(errors::kScriptOom);
  }
  // The server-state checks of Redis's scriptVerifyWriteCommandAllow, also only until the
  // script has written (scripts with a shebang were already refused by the dispatcher).
  if (writes && !write_dirty_) {
    if (server_.is_replica_of_master() && !caller_.is_master &&
        server_.config_table().GetValue("replica-read-only") == "yes") {
      return reject("-" + std::string(errors::kReadOnlyReplica));
    }
    if (server_.WritesDeniedBySaveError()) return reject("-" + std::string(errors::kMisconf));
    if (server_.WritesDeniedByReplicas()) return reject("-" + std::string(errors::kNoReplicas));
  }
  if (writes) write_dirty_ = true;
  server_.RunScriptCommand(*spec, argv, resp, sink, reply, repl_flags_);
}

int64_t ScriptRun::DurationMs() const { return (server_.clock().NowUs() - start_us_) / 1000; }

int ScriptRun::AclCheck(std::span<const std::string_view> argv) {
  const CommandSpec* spec = server_.commands().Find(argv[0]);
  if (spec && spec->IsContainer() && argv.size() >= 2) {
    spec = CommandTable::FindSub(*spec, argv[1]);
  }
  if (!spec) return -1;
  // Redis's acl_check_cmd does not check the arity; the key finders need it.
  size_t argc = argv.size();
  bool arity_ok = spec->arity > 0 ? argc == static_cast<size_t>(spec->arity)
                                  : argc >= static_cast<size_t>(-spec->arity);
  const AclUser* user = caller_.user;
  if (!user || user->unrestricted) return 1;
  if (!arity_ok) return 0;
  int errpos = 0;
  return AclCheckCommand(*user, *spec, argv, &errpos) == AclResult::kOk ? 1 : 0;
}

bool ScriptRun::Interrupt() {
  if (!timed_out_) {
    int64_t elapsed_ms = (server_.clock().NowUs() - start_us_) / 1000;
    if (elapsed_ms < server_.config().busy_reply_threshold) return false;
    Log(LogLevel::kWarning,
        "Slow script detected: still in execution after {} milliseconds. You can try killing "
        "the script using the {} command. Script name is: {}.",
        elapsed_ms, eval_mode_ ? "SCRIPT KILL" : "FUNCTION KILL", name_);
    timed_out_ = true;
    server_.ScriptBusyStarted(*this);
  }
  server_.ProcessEventsWhileBlocked();
  // SHUTDOWN NOSAVE while a script is busy: the script is stopped so the server can exit.
  return killed_ || server_.shutdown_requested();
}

}  // namespace duet
