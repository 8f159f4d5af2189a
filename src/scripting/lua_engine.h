// LuaEngine: the Lua 5.1 interpreter behind EVAL/EVALSHA/SCRIPT: one lua_State with Redis
// 7.0.15's sandbox (the same globals, read-only library tables and globals, math.random on
// Redis's lrand48), the redis.* API, cjson/cmsgpack/bit/struct, and the script cache (one per
// server: a script loaded on one connection runs on all).
//
// The engine knows nothing of the command table or clients: commands a script runs go
// through ScriptHost::Call, which the server implements with its dispatcher. Every method
// runs on the event-loop thread. Lua errors are C++ exceptions (liblua5.1-c++), so they
// unwind through the C++ frames of the redis.* functions.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "protocol/reply_builder.h"
#include "scripting/ldb.h"
#include "scripting/lua_pool.h"
#include "scripting/lua_reply.h"

struct lua_State;

namespace duet::scripting {

// `#!lua flags=...` (Redis's SCRIPT_FLAG_*). kEvalCompat: the script has no shebang, so the
// command's own flags apply and no flag-based check is made.
enum ScriptFlag : uint32_t {
  kScriptNoWrites = 1 << 0,
  kScriptAllowOom = 1 << 1,
  kScriptAllowStale = 1 << 2,
  kScriptNoCluster = 1 << 3,
  kScriptEvalCompat = 1 << 4,
  kScriptAllowCrossSlot = 1 << 5,
};

// Parses a body's shebang line. Returns true and sets *flags (kScriptEvalCompat when there
// is none) and *shebang_len (bytes before the line feed that ends it), or false with Redis's
// error text in *err ("Invalid script shebang" ...).
bool ParseShebang(std::string_view body, uint32_t* flags, size_t* shebang_len, std::string* err);
// Parses the value of flags= ("no-writes,allow-oom"); false and *bad = the unknown flag.
bool ParseScriptFlags(std::string_view list, uint32_t* flags, std::string* bad);

// What the engine needs from the server while a script runs.
class ScriptHost {
 public:
  virtual ~ScriptHost() = default;
  // redis.call/pcall: runs `argv` (name first) and appends the command's reply, encoded in
  // RESP `resp` (2 or 3), to *reply; or leaves *reply empty and sets *rejection to Redis's
  // error text when the script may not run it ("Unknown Redis command called from script",
  // "-OOM ..."; without a leading '-' the code is ERR). With a `sink` the reply's values go
  // to it as the command writes them (ReplyBuilder::SetSink), and *reply gets only the
  // bytes written after the builder dropped it.
  virtual void Call(std::span<const std::string_view> argv, int resp, ReplySink* sink,
                    std::string* reply, std::string* rejection) = 0;
  // redis.acl_check_cmd: -1 when argv names no command, else 1 when the caller may run it.
  virtual int AclCheck(std::span<const std::string_view> argv) = 0;
  // Called every 100,000 Lua instructions while busy-reply-threshold is set; returns true
  // when the script must stop (SCRIPT KILL).
  virtual bool Interrupt() = 0;
  // redis.set_repl: where the effects of the next calls go (1 AOF, 2 replicas, 3 both, 0
  // nowhere), until it is called again or the script ends.
  virtual void SetReplFlags(int flags) = 0;
};

// A function a library registered with redis.register_function while FUNCTION LOAD ran it.
struct RegisteredFunction {
  std::string name;
  std::string description;
  bool has_description = false;
  uint32_t flags = 0;
  int fn_ref = 0;  // the callback, in the Lua registry
};

struct CachedScript {
  std::string body;
  uint32_t flags = 0;
  int fn_ref = 0;  // the compiled chunk, in the Lua registry
};

class LuaEngine {
 public:
  // kEval: EVAL's interpreter (scripts see KEYS/ARGV globals, redis.breakpoint & co).
  // kFunctions: the interpreter of FUNCTION libraries (Redis's function_lua.c): library
  // code runs with only `redis` (register_function, log, constants) visible; callbacks get
  // (keys, args) and see the full sandbox.
  enum class Mode { kEval, kFunctions };
  explicit LuaEngine(Mode mode = Mode::kEval);
  ~LuaEngine();
  LuaEngine(const LuaEngine&) = delete;
  LuaEngine& operator=(const LuaEngine&) = delete;

  // The cached script with this SHA1 (40 hex digits, any case); nullptr if none.
  const CachedScript* Find(std::string_view sha) const;
  // Compiles and caches `body` (or finds it). On failure returns nullptr and sets *err to
  // the reply error ("ERR Error compiling script (new function): ..."). *sha gets the
  // body's SHA1 in lower-case hex.
  const CachedScript* Load(std::string_view body, std::string* sha, std::string* err);
  // Forgets the script of this body if cached (a SCRIPT DEBUG YES session's EVAL, which
  // Redis's parent never loads).
  void Forget(std::string_view body);
  // SCRIPT FLUSH: forgets every script and starts a fresh interpreter.
  void Reset();

  // Runs a cached script with KEYS/ARGV; writes its reply (or error) to `out`. `sha` names
  // the script in error texts. The host runs the commands the script calls; with
  // `time_limit` it is asked every 100,000 instructions whether to stop (Interrupt).
  void Run(const CachedScript& script, std::string_view sha, std::span<const std::string_view> keys,
           std::span<const std::string_view> args, ScriptHost& host, ReplyBuilder& out,
           bool time_limit);

  // ---- functions mode ----
  // Runs a library's code (after its shebang line) with the load-time globals; the
  // functions it registers are appended to *out. False with Redis's error text in *err
  // ("Error compiling function: ...", "Error registering functions: ..."); then nothing is
  // kept. `timeout_ms` > 0 stops code that runs longer ("FUNCTION LOAD timeout").
  bool LoadLibrary(std::string_view code, int64_t timeout_ms, std::vector<RegisteredFunction>* out,
                   std::string* err);
  // Calls a registered callback with (KEYS, ARGV) tables; like Run otherwise.
  void RunFunction(int fn_ref, std::string_view name, std::span<const std::string_view> keys,
                   std::span<const std::string_view> args, ScriptHost& host, ReplyBuilder& out,
                   bool time_limit);
  void Unref(int ref);
  // The list redis.register_function appends to, while LoadLibrary runs (else nullptr).
  std::vector<RegisteredFunction>* loading() { return loading_; }
  bool LoadTimedOut() const;

  size_t num_scripts() const { return scripts_.size(); }
  // INFO: bytes the interpreter holds (used_memory_lua / used_memory_vm_eval).
  uint64_t MemoryBytes() const;
  // INFO: the cache's own bytes (used_memory_scripts_eval), as Redis estimates them.
  uint64_t ScriptsMemoryBytes() const { return scripts_mem_; }
  bool running() const { return host_ != nullptr; }

  // ---- used by the redis.* functions (lua_redis_api.cc) ----
  ScriptHost* host() { return host_; }
  int script_resp() const { return script_resp_; }
  void set_script_resp(int r) { script_resp_ = r; }
  int repl_flags() const { return repl_flags_; }
  void set_repl_flags(int f) { repl_flags_ = f; }
  // Reused per redis.call: the argument bytes and the reply bytes.
  std::vector<std::string>& call_args() { return call_args_; }
  std::vector<std::string_view>& call_views() { return call_views_; }
  std::string& call_reply() { return call_reply_; }
  LuaReplySink& reply_sink() { return reply_sink_; }
  LuaPool& pool() { return pool_; }
  // The debugger (SCRIPT DEBUG); a run made while a session is active stops in it.
  Ldb& ldb() { return ldb_; }
  // Redis's redisLrand48 / redisSrand48 (math.random), state kept across scripts.
  int32_t Lrand48();
  void Srand48(int32_t seed);

 private:
  void Init();
  void Close();

  // Pushes the run's error handler and prepares the run (host, resp, hook).
  void BeginRun(ScriptHost& host, bool time_limit);
  void EndRun(int err, std::string_view name, ReplyBuilder& out, bool time_limit);

  Mode mode_;
  lua_State* L_ = nullptr;
  int func_meta_ref_ = 0;  // functions mode: the metatable whose __index selects the view
  int load_api_ref_ = 0;   // functions mode: the load-time globals
  int func_globals_ref_ = 0;
  std::vector<RegisteredFunction>* loading_ = nullptr;
  int64_t load_start_us_ = 0;
  int64_t load_timeout_ms_ = 0;
  int globals_ref_ = 0;  // the real globals table (KEYS/ARGV are set in it)
  int errh_ref_ = 0;     // __redis__err__handler
  std::unordered_map<std::string, CachedScript> scripts_;
  uint64_t scripts_mem_ = 0;
  // Find's last hit (cleared with the cache; scripts are never removed one by one).
  mutable char last_sha_[40] = {};
  mutable const CachedScript* last_found_ = nullptr;
  ScriptHost* host_ = nullptr;  // non-null while a script runs
  int script_resp_ = 2;
  int repl_flags_ = 3;
  uint64_t rand_state_ = 0;
  bool hooked_ = false;  // the run set a hook (time limit or debugger)
  Ldb ldb_;
  LuaPool pool_;  // L_'s allocator: Close() releases its cached blocks after lua_close
  std::vector<std::string> call_args_;
  std::vector<std::string_view> call_views_;
  std::string call_reply_;
  LuaReplySink reply_sink_;
};

// Library and function names: letters, digits and '_', at least one.
bool IsValidFunctionName(std::string_view name);
// Redis's text for a bad library or function name.
inline constexpr const char* kBadNameError =
    "Library names can only contain letters, numbers, or underscores(_) and must be at least one "
    "character long";

// Redis's sha1hex: the lower-case hex SHA1 of `data` (41 bytes with the NUL).
void Sha1Hex(std::string_view data, char out[41]);

}  // namespace duet::scripting
