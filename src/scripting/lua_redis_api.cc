// The `redis` table of the sandbox: call/pcall through the ScriptHost, the reply helpers,
// log, setresp, set_repl, sha1hex, acl_check_cmd, the debugger stubs, version and constants;
// and Redis's math.random/randomseed. Texts and argument rules as Redis 7.0.15's.
#include "scripting/lua_redis_api.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <lua5.1/lua.hpp>
#include <string>

#include "common/log.h"
#include "common/strutil.h"
#include "scripting/ldb.h"
#include "scripting/lua_engine.h"
#include "scripting/lua_reply.h"

namespace duet::scripting {

namespace {

LuaEngine* Engine(lua_State* L) {
  return static_cast<LuaEngine*>(lua_touserdata(L, lua_upvalueindex(1)));
}

// Raises an error table built from `text` (Redis's luaPushError + luaError).
int RaiseError(lua_State* L, std::string_view text) {
  PushErrorTable(L, text);
  return lua_error(L);
}

// Converts the arguments of redis.call & co to strings: Lua numbers as "%.17g" (Lua's own
// conversion loses precision), kept in the engine's buffers; strings are viewed where Lua
// keeps them, so the arguments must stay on the stack while the views are used. Returns
// false when one is neither.
bool CollectArgs(lua_State* L, LuaEngine* e, int argc) {
  std::vector<std::string>& args = e->call_args();
  std::vector<std::string_view>& views = e->call_views();
  if (args.size() < static_cast<size_t>(argc)) args.resize(argc);
  views.clear();
  for (int j = 0; j < argc; j++) {
    int type = lua_type(L, j + 1);
    if (type == LUA_TSTRING) {
      size_t len;
      const char* s = lua_tolstring(L, j + 1, &len);
      views.emplace_back(s, len);
    } else if (type == LUA_TNUMBER) {
      double num = lua_tonumber(L, j + 1);
      char buf[64];
      size_t len;
      if (std::isfinite(num)) {
        len = FormatDouble17g(num, buf);
      } else {
        len = static_cast<size_t>(snprintf(buf, sizeof(buf), "%.17g", num));
      }
      args[j].assign(buf, len);
      views.emplace_back(args[j]);
    } else {
      return false;
    }
  }
  return true;
}

int GenericCall(lua_State* L, bool raise) {
  LuaEngine* e = Engine(L);
  ScriptHost* host = e->host();
  if (!host) return RaiseError(L, "redis.call/pcall can only be called inside a script invocation");
  int argc = lua_gettop(L);
  if (argc == 0) {
    PushErrorTable(L, "Please specify at least one argument for this redis lib call");
    return raise ? lua_error(L) : 1;
  }
  bool ok = CollectArgs(L, e, argc);
  Ldb& ldb = e->ldb();
  if (!ok) {
    lua_pop(L, argc);
    constexpr std::string_view kBadArgs =
        "Lua redis lib command arguments must be strings or integers";
    if (ldb.logging()) ldb.Log("<error> " + std::string(kBadArgs));
    PushErrorTable(L, kBadArgs);
    return raise ? lua_error(L) : 1;
  }
  if (ldb.logging()) ldb.LogCommand(e->call_views());
  std::string& reply = e->call_reply();
  reply.clear();
  std::string rejection;
  // The reply's Lua value is built as the command writes it, unless the debugger logs the
  // reply (it shows the bytes).
  LuaReplySink& sink = e->reply_sink();
  bool direct = !ldb.logging() && !sink.active() && lua_checkstack(L, LuaReplySink::kRoom);
  if (direct) sink.Begin(L, e->script_resp() == 3);
  host->Call(e->call_views(), e->script_resp(), direct ? &sink : nullptr, &reply, &rejection);
  if (direct && rejection.empty()) {
    bool error = sink.Finish(reply);
    lua_replace(L, 1);  // the reply, in place of the arguments the views pointed to
    lua_settop(L, 1);
    if (raise && error) return lua_error(L);
    return 1;
  }
  if (direct) sink.Abandon();
  lua_pop(L, argc);  // the strings the views pointed to
  if (!rejection.empty()) {
    if (ldb.logging()) ldb.Log("<error> " + rejection);
    PushErrorTable(L, rejection);
    lua_pushboolean(L, 1);
    lua_setfield(L, -2, "ignore_error_stats_update");
    return raise ? lua_error(L) : 1;
  }
  PushReply(L, reply, e->script_resp() == 3);
  if (ldb.logging()) {
    // An error reply is pushed as Redis's luaPushErrorBuff does, which logs it first.
    if (!reply.empty() && reply[0] == '-') {
      ldb.Log("<error> " + std::string(reply.substr(0, reply.find('\r'))));
    }
    ldb.LogReply(reply);
  }
  if (raise && !reply.empty() && reply[0] == '-') return lua_error(L);
  return 1;
}

int Call(lua_State* L) { return GenericCall(L, true); }
int PCall(lua_State* L) { return GenericCall(L, false); }

int Sha1hex(lua_State* L) {
  if (lua_gettop(L) != 1) return RaiseError(L, "wrong number of arguments");
  size_t len = 0;
  const char* s = lua_tolstring(L, 1, &len);
  char digest[41];
  Sha1Hex(s ? std::string_view(s, len) : std::string_view(), digest);
  lua_pushstring(L, digest);
  return 1;
}

int ErrorReply(lua_State* L) {
  if (lua_gettop(L) != 1 || lua_type(L, -1) != LUA_TSTRING) {
    PushErrorTable(L, "wrong number or type of arguments");
    return 1;
  }
  std::string err = lua_tostring(L, -1);
  if (err.empty() || err[0] != '-') err.insert(0, "-");
  PushErrorTable(L, err);
  return 1;
}

int StatusReply(lua_State* L) {
  if (lua_gettop(L) != 1 || lua_type(L, -1) != LUA_TSTRING) {
    PushErrorTable(L, "wrong number or type of arguments");
    return 1;
  }
  lua_newtable(L);
  lua_pushstring(L, "ok");
  lua_pushvalue(L, -3);
  lua_settable(L, -3);
  return 1;
}

int SetRepl(lua_State* L) {
  LuaEngine* e = Engine(L);
  if (!e->host())
    return RaiseError(L, "redis.set_repl can only be called inside a script invocation");
  if (lua_gettop(L) != 1) return RaiseError(L, "redis.set_repl() requires two arguments.");
  int flags = static_cast<int>(lua_tonumber(L, -1));
  if ((flags & ~3) != 0) {
    return RaiseError(
        L, "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.");
  }
  e->set_repl_flags(flags);
  e->host()->SetReplFlags(flags);
  return 0;
}

int AclCheckCmd(lua_State* L) {
  LuaEngine* e = Engine(L);
  ScriptHost* host = e->host();
  if (!host) {
    return RaiseError(L, "redis.acl_check_cmd can only be called inside a script invocation");
  }
  int argc = lua_gettop(L);
  if (argc == 0) {
    return RaiseError(L, "Please specify at least one argument for this redis lib call");
  }
  bool ok = CollectArgs(L, e, argc);
  if (!ok) {
    lua_pop(L, argc);
    return RaiseError(L, "Lua redis lib command arguments must be strings or integers");
  }
  int r = host->AclCheck(e->call_views());
  lua_pop(L, argc);  // the strings the views pointed to
  if (r < 0) return RaiseError(L, "Invalid command passed to redis.acl_check_cmd()");
  lua_pushboolean(L, r > 0);
  return 1;
}

int LogCommand(lua_State* L) {
  int argc = lua_gettop(L);
  if (argc < 2) return RaiseError(L, "redis.log() requires two arguments or more.");
  if (!lua_isnumber(L, -argc)) return RaiseError(L, "First argument must be a number (log level).");
  int level = static_cast<int>(lua_tonumber(L, -argc));
  if (level < 0 || level > 3) return RaiseError(L, "Invalid debug level.");
  if (static_cast<LogLevel>(level) < GetLogLevel()) return 0;
  std::string log;
  for (int j = 1; j < argc; j++) {
    size_t len;
    const char* s = lua_tolstring(L, -argc + j, &len);
    if (s) {
      if (j != 1) log.push_back(' ');
      log.append(s, len);
    }
  }
  LogRaw(static_cast<LogLevel>(level), log);
  return 0;
}

int SetResp(lua_State* L) {
  LuaEngine* e = Engine(L);
  if (!e->host())
    return RaiseError(L, "redis.setresp can only be called inside a script invocation");
  int argc = lua_gettop(L);
  if (argc != 1) return RaiseError(L, "redis.setresp() requires one argument.");
  int resp = static_cast<int>(lua_tonumber(L, -argc));
  if (resp != 2 && resp != 3) return RaiseError(L, "RESP version must be 2 or 3.");
  e->set_script_resp(resp);
  return 0;
}

// The debugger (SCRIPT DEBUG): outside a session breakpoint() returns false and debug()
// logs nothing.
int Breakpoint(lua_State* L) {
  lua_pushboolean(L, Engine(L)->ldb().RequestBreak() ? 1 : 0);
  return 1;
}
int Debug(lua_State* L) {
  Engine(L)->ldb().DebugLog(L);
  return 0;
}
int ReplicateCommands(lua_State* L) {
  lua_pushboolean(L, 1);
  return 1;
}

int MathRandom(lua_State* L) {
  LuaEngine* e = Engine(L);
  if (!e->host()) return luaL_error(L, "math.random can only be called inside a script invocation");
  constexpr int32_t kMax = INT32_MAX;
  lua_Number r = static_cast<lua_Number>(e->Lrand48() % kMax) / static_cast<lua_Number>(kMax);
  switch (lua_gettop(L)) {
    case 0:
      lua_pushnumber(L, r);
      break;
    case 1: {
      int u = luaL_checkint(L, 1);
      luaL_argcheck(L, 1 <= u, 1, "interval is empty");
      lua_pushnumber(L, std::floor(r * u) + 1);
      break;
    }
    case 2: {
      int l = luaL_checkint(L, 1);
      int u = luaL_checkint(L, 2);
      luaL_argcheck(L, l <= u, 2, "interval is empty");
      lua_pushnumber(L, std::floor(r * (u - l + 1)) + l);
      break;
    }
    default:
      return luaL_error(L, "wrong number of arguments");
  }
  return 1;
}

int MathRandomseed(lua_State* L) {
  LuaEngine* e = Engine(L);
  if (!e->host()) {
    return luaL_error(L, "math.randomseed can only be called inside a script invocation");
  }
  e->Srand48(luaL_checkint(L, 1));
  return 0;
}

std::string StringAt(lua_State* L, int idx) {
  size_t len;
  const char* s = lua_tolstring(L, idx, &len);
  return std::string(s, len);
}

// redis.register_function(name, callback) or redis.register_function{function_name=...,
// callback=..., description=..., flags={...}}: only while FUNCTION LOAD runs the library.
int RegisterFunction(lua_State* L) {
  LuaEngine* e = Engine(L);
  std::vector<RegisteredFunction>* list = e->loading();
  if (!list) {
    return RaiseError(L, "redis.register_function can only be called on FUNCTION LOAD command");
  }
  int argc = lua_gettop(L);
  if (argc < 1 || argc > 2) {
    return RaiseError(L, "wrong number of arguments to redis.register_function");
  }
  RegisteredFunction f;
  bool have_name = false;
  int ref = LUA_NOREF;
  auto fail = [&](const char* err) {
    if (ref != LUA_NOREF) e->Unref(ref);
    return RaiseError(L, err);
  };
  if (argc == 1) {
    if (!lua_istable(L, 1)) {
      return fail(
          "calling redis.register_function with a single argument is only applicable to Lua "
          "table (representing named arguments).");
    }
    lua_pushnil(L);
    while (lua_next(L, 1)) {
      if (!lua_isstring(L, -2)) {
        return fail("named argument key given to redis.register_function is not a string");
      }
      std::string key = ToLower(StringAt(L, -2));
      if (key == "function_name") {
        if (!lua_isstring(L, -1)) {
          return fail("function_name argument given to redis.register_function must be a string");
        }
        f.name = StringAt(L, -1);
        have_name = true;
      } else if (key == "description") {
        if (!lua_isstring(L, -1)) {
          return fail("description argument given to redis.register_function must be a string");
        }
        f.description = StringAt(L, -1);
        f.has_description = true;
      } else if (key == "callback") {
        if (!lua_isfunction(L, -1)) {
          return fail("callback argument given to redis.register_function must be a function");
        }
        if (ref != LUA_NOREF) e->Unref(ref);
        ref = luaL_ref(L, LUA_REGISTRYINDEX);  // pops the value
        continue;
      } else if (key == "flags") {
        if (!lua_istable(L, -1)) {
          return fail(
              "flags argument to redis.register_function must be a table representing function "
              "flags");
        }
        uint32_t flags = 0;
        for (int j = 1;; j++) {
          lua_pushnumber(L, j);
          lua_gettable(L, -2);
          if (lua_isnil(L, -1)) {
            lua_pop(L, 1);
            break;
          }
          std::string bad;
          if (!lua_isstring(L, -1) || !ParseScriptFlags(ToLower(StringAt(L, -1)), &flags, &bad)) {
            return fail("unknown flag given");
          }
          lua_pop(L, 1);
        }
        f.flags = flags;
      } else {
        return fail("unknown argument given to redis.register_function");
      }
      lua_pop(L, 1);
    }
    if (!have_name) return fail("redis.register_function must get a function name argument");
    if (ref == LUA_NOREF) return fail("redis.register_function must get a callback argument");
  } else {
    if (!lua_isstring(L, 1)) {
      return fail("first argument to redis.register_function must be a string");
    }
    if (!lua_isfunction(L, 2)) {
      return fail("second argument to redis.register_function must be a function");
    }
    f.name = StringAt(L, 1);
    lua_pushvalue(L, 2);
    ref = luaL_ref(L, LUA_REGISTRYINDEX);
  }
  if (!IsValidFunctionName(f.name)) return fail(kBadNameError);
  for (const RegisteredFunction& g : *list) {
    if (g.name == f.name) return fail("Function already exists in the library");
  }
  f.fn_ref = ref;
  list->push_back(std::move(f));
  return 0;
}

void SetFunction(lua_State* L, LuaEngine* e, const char* name, lua_CFunction fn) {
  lua_pushlightuserdata(L, e);
  lua_pushcclosure(L, fn, 1);
  lua_setfield(L, -2, name);
}

void SetNumber(lua_State* L, const char* name, double v) {
  lua_pushnumber(L, v);
  lua_setfield(L, -2, name);
}

// redis.log, its levels and the version, which both redis tables have.
void SetLogAndVersion(lua_State* L, LuaEngine* engine) {
  SetFunction(L, engine, "log", LogCommand);
  SetNumber(L, "LOG_DEBUG", 0);
  SetNumber(L, "LOG_VERBOSE", 1);
  SetNumber(L, "LOG_NOTICE", 2);
  SetNumber(L, "LOG_WARNING", 3);
  SetNumber(L, "REDIS_VERSION_NUM", 0x07000f);
  lua_pushstring(L, "7.0.15");
  lua_setfield(L, -2, "REDIS_VERSION");
}

}  // namespace

void PushLoadApi(lua_State* L, LuaEngine* engine) {
  lua_newtable(L);
  SetFunction(L, engine, "register_function", RegisterFunction);
  SetLogAndVersion(L, engine);
}

void RegisterRedisApi(lua_State* L, LuaEngine* engine, bool eval) {
  lua_newtable(L);
  SetFunction(L, engine, "call", Call);
  SetFunction(L, engine, "pcall", PCall);
  SetLogAndVersion(L, engine);
  SetFunction(L, engine, "setresp", SetResp);
  SetFunction(L, engine, "sha1hex", Sha1hex);
  SetFunction(L, engine, "error_reply", ErrorReply);
  SetFunction(L, engine, "status_reply", StatusReply);
  SetFunction(L, engine, "set_repl", SetRepl);
  SetNumber(L, "REPL_NONE", 0);
  SetNumber(L, "REPL_AOF", 1);
  SetNumber(L, "REPL_SLAVE", 2);
  SetNumber(L, "REPL_REPLICA", 2);
  SetNumber(L, "REPL_ALL", 3);
  SetFunction(L, engine, "acl_check_cmd", AclCheckCmd);
  if (eval) {
    SetFunction(L, engine, "breakpoint", Breakpoint);
    SetFunction(L, engine, "debug", Debug);
    SetFunction(L, engine, "replicate_commands", ReplicateCommands);
  }
  lua_setglobal(L, "redis");

  lua_getglobal(L, "math");
  SetFunction(L, engine, "random", MathRandom);
  SetFunction(L, engine, "randomseed", MathRandomseed);
  lua_pop(L, 1);
}

}  // namespace duet::scripting
