// ScriptRun: one running script (EVAL*, later FCALL*) as the server sees it: the caller, the
// rules the script runs under, and the ScriptHost through which its redis.call commands go
// into the dispatcher (Server::Call on the server's script client) after Redis 7.0.15's
// scriptCall checks: arity, `noscript` commands, writes from read-only scripts, -OOM for
// denyoom commands until the script has written, no blocking.
//
// It lives on the stack of the command that runs the script (which keeps `name` alive); the Server
// points to it while the script runs (Server::script_run) so the dispatcher can answer -BUSY and
// SCRIPT KILL can reach it.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "scripting/lua_engine.h"

namespace duet {

class Server;
class Client;

class ScriptRun : public scripting::ScriptHost {
 public:
  ScriptRun(Server& server, Client& caller, std::string_view name, bool eval_mode, bool read_only,
            bool allow_oom);
  ~ScriptRun() override;

  void Call(std::span<const std::string_view> argv, int resp, ReplySink* sink, std::string* reply,
            std::string* rejection) override;
  int AclCheck(std::span<const std::string_view> argv) override;
  bool Interrupt() override;
  void SetReplFlags(int flags) override { repl_flags_ = flags; }

  Client& caller() { return caller_; }
  std::string_view name() const { return name_; }
  // FUNCTION STATS: the command that runs the script and for how long it has run.
  void set_caller_args(std::span<const std::string_view> args) { caller_args_ = args; }
  std::span<const std::string_view> caller_args() const { return caller_args_; }
  int64_t DurationMs() const;
  bool eval_mode() const { return eval_mode_; }
  // The script ran a write command: SCRIPT KILL refuses (UNKILLABLE), OOM no longer applies.
  bool write_dirty() const { return write_dirty_; }
  // Past busy-reply-threshold: other clients get -BUSY.
  bool timed_out() const { return timed_out_; }
  void Kill() { killed_ = true; }

 private:
  Server& server_;
  Client& caller_;
  std::string_view name_;  // the script's SHA or the function's name: the caller keeps it
  bool eval_mode_;
  bool read_only_;
  bool allow_oom_;
  bool write_dirty_ = false;
  bool timed_out_ = false;
  bool killed_ = false;
  int repl_flags_ = 3;  // redis.set_repl's, kPropagateAll until it is called
  int64_t start_us_;
  int saved_db_;
  std::span<const std::string_view> caller_args_;
};

}  // namespace duet
