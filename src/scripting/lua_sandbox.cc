#include "scripting/lua_sandbox.h"

#include <initializer_list>
#include <lua5.1/lua.hpp>

#include "scripting/lua_libs.h"

namespace duet::scripting {

namespace {

constexpr const char* kReadonlyError = "Attempt to modify a readonly table";

// Redis 7.0's pcall: as Lua's, but an error table with an err field is returned as that
// string (older Redis versions raised strings, and scripts compare them).
int RedisPcall(lua_State* L) {
  int argc = lua_gettop(L);
  lua_pushboolean(L, 1);
  lua_insert(L, 1);
  if (lua_pcall(L, argc - 1, LUA_MULTRET, 0)) {
    lua_remove(L, 1);
    if (lua_istable(L, -1)) {
      lua_getfield(L, -1, "err");
      if (lua_isstring(L, -1)) {
        lua_replace(L, -2);
      } else {
        lua_pop(L, 1);
      }
    }
    lua_pushboolean(L, 0);
    lua_insert(L, 1);
  }
  return lua_gettop(L);
}

// loadstring: Redis's Lua has no binary chunk loader (it parses everything as text), so
// precompiled bytecode does not load: nil and an error, as a syntax error there.
int LoadStringTextOnly(lua_State* L) {
  size_t len;
  const char* s = lua_tolstring(L, 1, &len);
  if (s && len > 0 && s[0] == LUA_SIGNATURE[0]) {
    lua_pushnil(L);
    lua_pushstring(L, "[string \"?Lua\"]:1: unexpected symbol near '<\\27>'");
    return 2;
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

void LoadLib(lua_State* L, const char* name, lua_CFunction open) {
  lua_pushcfunction(L, open);
  lua_pushstring(L, name);
  lua_call(L, 1, 1);
}

// __newindex of every proxy: a write through the VM.
int ReadonlyNewIndex(lua_State* L) { return luaL_error(L, "%s", kReadonlyError); }

// __index of the real globals table: a read of a global that does not exist.
int NonexistentGlobal(lua_State* L) {
  if (lua_gettop(L) != 2) {
    luaL_error(L, "Wrong number of arguments to luaProtectedTableError");
  }
  if (!lua_isstring(L, -1) && !lua_isnumber(L, -1)) {
    luaL_error(L, "Second argument to luaProtectedTableError must be a string or number");
  }
  return luaL_error(L, "Script attempted to access nonexistent global variable '%s'",
                    lua_tostring(L, -1));
}

// Upvalue 1 of the wrappers: the proxies table (proxy -> real table).
// Pushes the real table behind the value at `idx` if it is a proxy, else nothing; returns
// whether it pushed.
bool PushReal(lua_State* L, int idx) {
  if (!lua_istable(L, idx) || !lua_getmetatable(L, idx)) return false;
  lua_pop(L, 1);
  lua_pushvalue(L, idx);
  lua_rawget(L, lua_upvalueindex(1));
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    return false;
  }
  return true;
}

// The API error (no position prefix), as the patched Lua raises it from rawset & co.
int RaiseReadonly(lua_State* L) {
  lua_pushstring(L, kReadonlyError);
  return lua_error(L);
}

// Calls the original function (upvalue 2) with the current arguments.
int CallOriginal(lua_State* L) {
  int n = lua_gettop(L);
  lua_pushvalue(L, lua_upvalueindex(2));
  lua_insert(L, 1);
  lua_call(L, n, LUA_MULTRET);
  return lua_gettop(L);
}

// Replaces argument 1 by its real table when it is a proxy, then calls the original.
int SeeThrough(lua_State* L) {
  if (PushReal(L, 1)) lua_replace(L, 1);
  return CallOriginal(L);
}

int RefuseProxy(lua_State* L) {
  if (PushReal(L, 1)) return RaiseReadonly(L);
  return CallOriginal(L);
}

// getmetatable: a proxy shows the metatable Redis would show (upvalue 3: proxy -> fake);
// strings show the proxy of their metatable (fake[true]), read-only as in Redis.
int GetMetatable(lua_State* L) {
  if (lua_type(L, 1) == LUA_TSTRING) {
    lua_pushboolean(L, 1);
    lua_rawget(L, lua_upvalueindex(3));
    return 1;
  }
  if (PushReal(L, 1)) {
    lua_pop(L, 1);
    lua_pushvalue(L, 1);
    lua_rawget(L, lua_upvalueindex(3));
    return 1;
  }
  return CallOriginal(L);
}

// pairs: as Lua's, with the see-through next (upvalue 1).
int Pairs(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_pushvalue(L, 1);
  lua_pushnil(L);
  return 3;
}

void WrapGlobal(lua_State* L, int real_globals, int proxies, int fakes, const char* name,
                lua_CFunction fn) {
  lua_pushvalue(L, proxies);
  lua_getfield(L, real_globals, name);
  lua_pushvalue(L, fakes);
  lua_pushcclosure(L, fn, 3);
  lua_setfield(L, real_globals, name);
}

// Builds (or finds) the proxy of the table at the top of the stack, replacing it with the
// proxy. Tables reachable from it are proxied first, as Redis protects them recursively.
void ProxyTop(lua_State* L, int proxies, int made, int newindex) {
  lua_pushvalue(L, -1);
  lua_rawget(L, proxies);
  bool is_proxy = !lua_isnil(L, -1);
  lua_pop(L, 1);
  if (is_proxy) return;
  lua_pushvalue(L, -1);
  lua_rawget(L, made);
  if (!lua_isnil(L, -1)) {
    lua_replace(L, -2);
    return;
  }
  lua_pop(L, 1);
  int real = lua_gettop(L);
  lua_newtable(L);  // the proxy
  int proxy = lua_gettop(L);
  lua_pushvalue(L, real);
  lua_pushvalue(L, proxy);
  lua_rawset(L, made);
  // Nested tables: replace each by its proxy in the real table.
  lua_pushnil(L);
  while (lua_next(L, real)) {
    if (lua_istable(L, -1)) {
      ProxyTop(L, proxies, made, newindex);
      lua_pushvalue(L, -2);
      lua_insert(L, -2);
      lua_rawset(L, real);
    } else {
      lua_pop(L, 1);
    }
  }
  lua_createtable(L, 0, 2);  // the proxy's metatable
  lua_pushvalue(L, real);
  lua_setfield(L, -2, "__index");
  lua_pushvalue(L, newindex);
  lua_setfield(L, -2, "__newindex");
  lua_setmetatable(L, proxy);
  lua_pushvalue(L, proxy);
  lua_pushvalue(L, real);
  lua_rawset(L, proxies);
  lua_replace(L, real);  // leaves the proxy where the table was
}

// An empty table that reads through to the table at the top of the stack and refuses
// writes; replaces that table with the proxy.
void SimpleProxy(lua_State* L) {
  lua_newtable(L);
  lua_createtable(L, 0, 2);
  lua_pushvalue(L, -3);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, ReadonlyNewIndex);
  lua_setfield(L, -2, "__newindex");
  lua_setmetatable(L, -2);
  lua_replace(L, -2);
}

void SetErrorMetatable(lua_State* L) {
  lua_createtable(L, 0, 1);
  lua_pushcfunction(L, NonexistentGlobal);
  lua_setfield(L, -2, "__index");
  lua_setmetatable(L, -2);
}

}  // namespace

FunctionGlobals MakeFunctionGlobals(lua_State* L, int globals_proxy_ref) {
  FunctionGlobals g;
  g.globals_ref = globals_proxy_ref;
  // The load API: {redis = <load-time redis>}, both raising on missing names, read-only.
  SetErrorMetatable(L);
  SimpleProxy(L);
  lua_createtable(L, 0, 1);
  lua_insert(L, -2);
  lua_setfield(L, -2, "redis");
  SetErrorMetatable(L);
  SimpleProxy(L);
  g.load_api_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  // The globals of library code and callbacks.
  lua_newtable(L);
  lua_createtable(L, 0, 2);
  lua_rawgeti(L, LUA_REGISTRYINDEX, g.globals_ref);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, ReadonlyNewIndex);
  lua_setfield(L, -2, "__newindex");
  lua_pushvalue(L, -1);
  g.meta_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_setmetatable(L, -2);
  lua_replace(L, LUA_GLOBALSINDEX);
  return g;
}

void SelectFunctionGlobals(lua_State* L, const FunctionGlobals& g, bool loading) {
  lua_rawgeti(L, LUA_REGISTRYINDEX, g.meta_ref);
  lua_rawgeti(L, LUA_REGISTRYINDEX, loading ? g.load_api_ref : g.globals_ref);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
}

void OpenSandboxLibraries(lua_State* L) {
  LoadLib(L, "", luaopen_base);
  lua_pop(L, 1);
  LoadLib(L, LUA_TABLIBNAME, luaopen_table);
  lua_pop(L, 1);
  LoadLib(L, LUA_STRLIBNAME, luaopen_string);
  lua_pop(L, 1);
  LoadLib(L, LUA_MATHLIBNAME, luaopen_math);
  lua_pop(L, 1);
  LoadLib(L, LUA_DBLIBNAME, luaopen_debug);
  lua_pop(L, 1);
  // cjson's opener returns its table without setting a global (Redis builds it with
  // ENABLE_CJSON_GLOBAL).
  LoadLib(L, "cjson", luaopen_cjson);
  lua_setglobal(L, "cjson");
  LoadLib(L, "struct", OpenStruct);
  lua_pop(L, 1);
  LoadLib(L, "cmsgpack", OpenCmsgpack);
  lua_pop(L, 1);
  LoadLib(L, "bit", luaopen_bit);
  lua_pop(L, 1);
  for (const char* name : {"print", "dofile", "loadfile", "getfenv", "setfenv", "newproxy"}) {
    lua_pushnil(L);
    lua_setglobal(L, name);
  }
  lua_pushcfunction(L, RedisPcall);
  lua_setglobal(L, "pcall");
  lua_getglobal(L, "loadstring");
  lua_pushcclosure(L, LoadStringTextOnly, 1);
  lua_setglobal(L, "loadstring");
}

int ProtectGlobals(lua_State* L) {
  int top = lua_gettop(L);
  lua_pushvalue(L, LUA_GLOBALSINDEX);
  int real_globals = lua_gettop(L);
  lua_newtable(L);
  int proxies = lua_gettop(L);
  lua_newtable(L);
  int fakes = lua_gettop(L);
  lua_newtable(L);
  int made = lua_gettop(L);
  lua_pushcfunction(L, ReadonlyNewIndex);
  int newindex = lua_gettop(L);

  // The raw-access functions see through proxies (the originals are captured first).
  lua_pushvalue(L, proxies);
  lua_getfield(L, real_globals, "next");
  lua_pushcclosure(L, SeeThrough, 2);
  int next = lua_gettop(L);
  WrapGlobal(L, real_globals, proxies, fakes, "rawget", SeeThrough);
  WrapGlobal(L, real_globals, proxies, fakes, "ipairs", SeeThrough);
  WrapGlobal(L, real_globals, proxies, fakes, "rawset", RefuseProxy);
  WrapGlobal(L, real_globals, proxies, fakes, "setmetatable", RefuseProxy);
  WrapGlobal(L, real_globals, proxies, fakes, "getmetatable", GetMetatable);
  lua_pushvalue(L, next);
  lua_setfield(L, real_globals, "next");
  lua_pushvalue(L, next);
  lua_pushcclosure(L, Pairs, 1);
  lua_setfield(L, real_globals, "pairs");

  // Every library table (and what it reaches) behind a proxy.
  lua_pushnil(L);
  while (lua_next(L, real_globals)) {
    if (lua_istable(L, -1) && !lua_rawequal(L, -1, real_globals)) {
      ProxyTop(L, proxies, made, newindex);
      lua_pushvalue(L, -2);
      lua_insert(L, -2);
      lua_rawset(L, real_globals);
    } else {
      lua_pop(L, 1);
    }
  }
  // Strings index the proxy of the string library, so getmetatable("").__index is `string`.
  lua_pushliteral(L, "");
  lua_getmetatable(L, -1);
  lua_getfield(L, real_globals, "string");
  lua_setfield(L, -2, "__index");
  ProxyTop(L, proxies, made, newindex);
  lua_pushboolean(L, 1);
  lua_insert(L, -2);
  lua_rawset(L, fakes);
  lua_pop(L, 1);

  // The globals: missing names raise, the proxy refuses writes, and getmetatable(_G) shows
  // a (read-only) table whose __index is the error function, as in Redis.
  lua_createtable(L, 0, 1);
  lua_pushcfunction(L, NonexistentGlobal);
  lua_setfield(L, -2, "__index");
  lua_pushvalue(L, -1);
  lua_setmetatable(L, real_globals);
  ProxyTop(L, proxies, made, newindex);
  int fake_meta = lua_gettop(L);

  lua_pushvalue(L, real_globals);
  ProxyTop(L, proxies, made, newindex);
  int globals_proxy = lua_gettop(L);
  lua_pushvalue(L, globals_proxy);
  lua_pushvalue(L, fake_meta);
  lua_rawset(L, fakes);
  lua_pushvalue(L, globals_proxy);
  lua_setfield(L, real_globals, "_G");

  lua_pushvalue(L, real_globals);
  int ref = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_pushvalue(L, globals_proxy);
  lua_replace(L, LUA_GLOBALSINDEX);
  lua_settop(L, top);
  return ref;
}

}  // namespace duet::scripting
