#include "scripting/lua_engine.h"

#include <openssl/evp.h>
#include <time.h>

#include <cstdlib>
#include <cstring>
#include <lua5.1/lua.hpp>

#include "common/log.h"
#include "common/strutil.h"
#include "scripting/lua_redis_api.h"
#include "scripting/lua_reply.h"
#include "scripting/lua_sandbox.h"

namespace duet::scripting {

namespace {

// Garbage collection is Lua's own incremental one (a small step whenever the allocations
// since the last one reach a threshold; a cycle starts when the heap doubled). Redis also
// forces a 50 KB step every 50 scripts, work on top of what the collector needs that was
// ~3% of a short script's CPU; duet does not.
// The count hook runs every this many instructions while a time limit is set.
constexpr int kHookInstructions = 100000;

// The pcall error handler: adds where the error happened (the caller, when the error was
// raised by a C function such as redis.call) to the error table, turning plain error
// values into {err = 'ERR ...'} first. Defined while `debug` still exists.
constexpr std::string_view kErrorHandler =
    "local getinfo = debug.getinfo\n"
    "__redis__err__handler = function(err)\n"
    "  local info = getinfo(2, 'nSl')\n"
    "  if info and info.what == 'C' then info = getinfo(3, 'nSl') end\n"
    "  if type(err) ~= 'table' then err = {err = 'ERR ' .. tostring(err)} end\n"
    "  if info then\n"
    "    err['source'] = info.source\n"
    "    err['line'] = info.currentline\n"
    "  end\n"
    "  return err\n"
    "end\n";

void* Alloc(void* ud, void* ptr, size_t osize, size_t nsize) {
  return static_cast<LuaEngine*>(ud)->pool().Realloc(ptr, osize, nsize);
}

LuaEngine* EngineOf(lua_State* L) {
  void* ud = nullptr;
  lua_getallocf(L, &ud);
  return static_cast<LuaEngine*>(ud);
}

// Every kHookInstructions instructions: lets the server serve other clients (with -BUSY)
// past the time limit and stops the script on SCRIPT KILL. Once killed the hook runs on
// every line, so a script cannot swallow the error with pcall and go on.
void CountHook(lua_State* L, lua_Debug* ar) {
  LuaEngine* e = EngineOf(L);
  if (!e->host() || !e->host()->Interrupt()) return;
  Log(LogLevel::kWarning, "Lua script killed by user with SCRIPT KILL.");
  lua_sethook(L, CountHook, LUA_MASKLINE, 0);
  PushErrorTable(L, "Script killed by user with SCRIPT KILL...");
  lua_error(L);
}

// Before each line of a script run under the debugger, and every kHookInstructions
// instructions (its time limit).
void LdbHook(lua_State* L, lua_Debug* ar) { EngineOf(L)->ldb().OnLine(L, ar); }

}  // namespace

void Sha1Hex(std::string_view data, char out[41]) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha1(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 20; i++) {
    out[i * 2] = kHex[md[i] >> 4];
    out[i * 2 + 1] = kHex[md[i] & 0xf];
  }
  out[40] = '\0';
}

bool ParseScriptFlags(std::string_view list, uint32_t* flags, std::string* bad) {
  if (list.empty()) return true;
  size_t start = 0;
  for (;;) {
    size_t comma = list.find(',', start);
    std::string_view f =
        list.substr(start, comma == std::string_view::npos ? comma : comma - start);
    if (f == "no-writes") {
      *flags |= kScriptNoWrites;
    } else if (f == "allow-oom") {
      *flags |= kScriptAllowOom;
    } else if (f == "allow-stale") {
      *flags |= kScriptAllowStale;
    } else if (f == "no-cluster") {
      *flags |= kScriptNoCluster;
    } else if (f == "allow-cross-slot-keys") {
      *flags |= kScriptAllowCrossSlot;
    } else {
      *bad = std::string(f);
      return false;
    }
    if (comma == std::string_view::npos) return true;
    start = comma + 1;
  }
}

bool ParseShebang(std::string_view body, uint32_t* flags, size_t* shebang_len, std::string* err) {
  *flags = kScriptEvalCompat;
  *shebang_len = 0;
  if (!body.starts_with("#!")) return true;
  size_t nl = body.find('\n');
  if (nl == std::string_view::npos) {
    *err = "Invalid script shebang";
    return false;
  }
  std::vector<std::string> parts;
  if (!SplitArgs(body.substr(0, nl), &parts) || parts.empty()) {
    *err = "Invalid engine in script shebang";
    return false;
  }
  if (parts[0] != "#!lua") {
    *err = "Unexpected engine in script shebang: " + parts[0];
    return false;
  }
  uint32_t f = 0;
  for (size_t j = 1; j < parts.size(); j++) {
    if (parts[j].starts_with("flags=")) {
      std::string bad;
      if (!ParseScriptFlags(std::string_view(parts[j]).substr(6), &f, &bad)) {
        *err = "Unexpected flag in script shebang: " + bad;
        return false;
      }
    } else {
      *err = "Unknown lua shebang option: " + parts[j];
      return false;
    }
  }
  *flags = f;
  *shebang_len = nl;
  return true;
}

LuaEngine::LuaEngine(Mode mode) : mode_(mode) {
  // Redis's generator starts from lrand48's default state, not from seed 0.
  rand_state_ = 0x1234ABCD330EULL;
  Init();
}

LuaEngine::~LuaEngine() { Close(); }

void LuaEngine::Init() {
  L_ = lua_newstate(Alloc, this);
  OpenSandboxLibraries(L_);
  RegisterRedisApi(L_, this, mode_ == Mode::kEval);
  if (luaL_loadbuffer(L_, kErrorHandler.data(), kErrorHandler.size(), "@err_handler_def") == 0) {
    lua_pcall(L_, 0, 0, 0);
  } else {
    lua_pop(L_, 1);
  }
  lua_getglobal(L_, "__redis__err__handler");
  errh_ref_ = luaL_ref(L_, LUA_REGISTRYINDEX);
  lua_pushnil(L_);
  lua_setglobal(L_, "debug");
  if (mode_ == Mode::kFunctions) {  // the handler lives in the registry only
    lua_pushnil(L_);
    lua_setglobal(L_, "__redis__err__handler");
  }
  globals_ref_ = ProtectGlobals(L_);
  if (mode_ == Mode::kFunctions) {
    lua_pushvalue(L_, LUA_GLOBALSINDEX);
    int proxy_ref = luaL_ref(L_, LUA_REGISTRYINDEX);
    PushLoadApi(L_, this);
    FunctionGlobals g = MakeFunctionGlobals(L_, proxy_ref);
    func_meta_ref_ = g.meta_ref;
    load_api_ref_ = g.load_api_ref;
    func_globals_ref_ = g.globals_ref;
  }
}

void LuaEngine::Close() {
  if (L_) lua_close(L_);
  L_ = nullptr;
  pool_.Release();
  scripts_.clear();
  scripts_mem_ = 0;
  last_found_ = nullptr;
}

void LuaEngine::Reset() {
  Close();
  Init();
}

int32_t LuaEngine::Lrand48() {
  rand_state_ = (rand_state_ * 0x5DEECE66DULL + 0xB) & ((1ULL << 48) - 1);
  return static_cast<int32_t>(rand_state_ >> 17);
}

void LuaEngine::Srand48(int32_t seed) {
  rand_state_ = (static_cast<uint64_t>(static_cast<uint32_t>(seed)) << 16) | 0x330E;
}

const CachedScript* LuaEngine::Find(std::string_view sha) const {
  if (sha.size() != 40) return nullptr;
  // EVALSHA looks its script up twice (the dispatcher's flags, then the run), and clients
  // repeat a few scripts: the last hit, by the exact bytes asked for, skips the hashing.
  if (last_found_ && memcmp(sha.data(), last_sha_, 40) == 0) return last_found_;
  char lower[40];
  for (size_t i = 0; i < 40; i++) {
    char ch = sha[i];
    lower[i] = ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch + ('a' - 'A')) : ch;
  }
  auto it = scripts_.find(std::string(lower, 40));
  if (it == scripts_.end()) return nullptr;
  memcpy(last_sha_, sha.data(), 40);
  last_found_ = &it->second;
  return last_found_;
}

const CachedScript* LuaEngine::Load(std::string_view body, std::string* sha, std::string* err) {
  char digest[41];
  Sha1Hex(body, digest);
  sha->assign(digest, 40);
  auto it = scripts_.find(*sha);
  if (it != scripts_.end()) return &it->second;
  uint32_t flags;
  size_t shebang_len;
  if (!ParseShebang(body, &flags, &shebang_len, err)) {
    err->insert(0, "ERR ");
    return nullptr;
  }
  // The shebang line is skipped but its line feed kept, so line numbers stay the user's.
  std::string_view code = body.substr(shebang_len);
  if (luaL_loadbuffer(L_, code.data(), code.size(), "@user_script")) {
    std::string msg = lua_tostring(L_, -1);
    lua_pop(L_, 1);
    for (char& ch : msg) {
      if (ch == '\r' || ch == '\n') ch = ' ';
    }
    *err = "ERR Error compiling script (new function): " + msg;
    return nullptr;
  }
  CachedScript s;
  s.body.assign(body);
  s.flags = flags;
  s.fn_ref = luaL_ref(L_, LUA_REGISTRYINDEX);
  // As Redis's estimate: the SHA's and the body's allocations.
  scripts_mem_ += 48 + body.size() + 16;
  return &scripts_.emplace(*sha, std::move(s)).first->second;
}

void LuaEngine::Forget(std::string_view body) {
  char digest[41];
  Sha1Hex(body, digest);
  auto it = scripts_.find(std::string(digest, 40));
  if (it == scripts_.end()) return;
  if (last_found_ == &it->second) last_found_ = nullptr;
  luaL_unref(L_, LUA_REGISTRYINDEX, it->second.fn_ref);
  scripts_mem_ -= 48 + it->second.body.size() + 16;
  scripts_.erase(it);
}

uint64_t LuaEngine::MemoryBytes() const {
  return static_cast<uint64_t>(lua_gc(L_, LUA_GCCOUNT, 0)) * 1024ULL;
}

namespace {
void PushArray(lua_State* L, std::span<const std::string_view> items) {
  lua_createtable(L, static_cast<int>(items.size()), 0);
  for (size_t j = 0; j < items.size(); j++) {
    lua_pushlstring(L, items[j].data(), items[j].size());
    lua_rawseti(L, -2, static_cast<int>(j + 1));
  }
}
}  // namespace

void LuaEngine::BeginRun(ScriptHost& host, bool time_limit) {
  host_ = &host;
  script_resp_ = 2;
  repl_flags_ = 3;
  lua_rawgeti(L_, LUA_REGISTRYINDEX, errh_ref_);
  hooked_ = time_limit || ldb_.active();
  if (ldb_.active()) {
    lua_sethook(L_, LdbHook, LUA_MASKLINE | LUA_MASKCOUNT, kHookInstructions);
  } else if (time_limit) {
    lua_sethook(L_, CountHook, LUA_MASKCOUNT, kHookInstructions);
  }
}

void LuaEngine::EndRun(int err, std::string_view name, ReplyBuilder& out, bool time_limit) {
  lua_State* L = L_;
  if (err) {
    WriteRunError(L, name, out);
  } else {
    WriteLuaValue(L, script_resp_, out);
  }
  lua_pop(L, 1);  // the error handler
  if (hooked_) lua_sethook(L, nullptr, 0, 0);
  hooked_ = false;
  host_ = nullptr;
}

void LuaEngine::Run(const CachedScript& script, std::string_view sha,
                    std::span<const std::string_view> keys, std::span<const std::string_view> args,
                    ScriptHost& host, ReplyBuilder& out, bool time_limit) {
  lua_State* L = L_;
  BeginRun(host, time_limit);
  lua_rawgeti(L, LUA_REGISTRYINDEX, script.fn_ref);
  lua_rawgeti(L, LUA_REGISTRYINDEX, globals_ref_);
  PushArray(L, keys);
  lua_setfield(L, -2, "KEYS");
  PushArray(L, args);
  lua_setfield(L, -2, "ARGV");
  lua_pop(L, 1);
  EndRun(lua_pcall(L, 0, 1, -2), sha, out, time_limit);
}

void LuaEngine::RunFunction(int fn_ref, std::string_view name,
                            std::span<const std::string_view> keys,
                            std::span<const std::string_view> args, ScriptHost& host,
                            ReplyBuilder& out, bool time_limit) {
  lua_State* L = L_;
  BeginRun(host, time_limit);
  lua_rawgeti(L, LUA_REGISTRYINDEX, fn_ref);
  PushArray(L, keys);
  PushArray(L, args);
  EndRun(lua_pcall(L, 2, 1, -4), name, out, time_limit);
}

void LuaEngine::Unref(int ref) { luaL_unref(L_, LUA_REGISTRYINDEX, ref); }

namespace {
int64_t MonotonicUs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

void LoadHook(lua_State* L, lua_Debug* ar) {
  LuaEngine* e = EngineOf(L);
  if (!e->LoadTimedOut()) return;
  lua_sethook(L, LoadHook, LUA_MASKLINE, 0);
  PushErrorTable(L, "FUNCTION LOAD timeout");
  lua_error(L);
}
}  // namespace

bool LuaEngine::LoadTimedOut() const {
  return load_timeout_ms_ > 0 && (MonotonicUs() - load_start_us_) / 1000 > load_timeout_ms_;
}

bool LuaEngine::LoadLibrary(std::string_view code, int64_t timeout_ms,
                            std::vector<RegisteredFunction>* out, std::string* err) {
  lua_State* L = L_;
  FunctionGlobals g{func_meta_ref_, load_api_ref_, func_globals_ref_};
  SelectFunctionGlobals(L, g, true);
  bool ok = false;
  if (luaL_loadbuffer(L, code.data(), code.size(), "@user_function")) {
    *err = std::string("Error compiling function: ") + lua_tostring(L, -1);
    lua_pop(L, 1);
  } else {
    loading_ = out;
    load_start_us_ = MonotonicUs();
    load_timeout_ms_ = timeout_ms;
    lua_sethook(L, LoadHook, LUA_MASKCOUNT, kHookInstructions);
    if (lua_pcall(L, 0, 0, 0)) {
      // As luaExtractErrorInformation: a string error gets the ERR code, a table its err.
      std::string msg;
      if (lua_isstring(L, -1)) msg = std::string("ERR ") + lua_tostring(L, -1);
      if (lua_istable(L, -1)) {
        lua_getfield(L, -1, "err");
        if (lua_isstring(L, -1)) msg = lua_tostring(L, -1);
        lua_pop(L, 1);
      }
      lua_pop(L, 1);
      *err = "Error registering functions: " + msg;
    } else {
      ok = true;
    }
    lua_sethook(L, nullptr, 0, 0);
    loading_ = nullptr;
  }
  SelectFunctionGlobals(L, g, false);
  if (!ok) {
    for (const RegisteredFunction& f : *out) Unref(f.fn_ref);
    out->clear();
  }
  return ok;
}

}  // namespace duet::scripting
