// The sandbox of Redis 7.0.15's scripting engine on a stock Lua 5.1.
//
// Redis patches Lua with a "readonly" flag on tables: after start-up the globals table and
// every table reachable from it (string, math, redis, cjson ...) refuse every write ("Attempt
// to modify a readonly table"), and reading a missing global raises "Script attempted to
// access nonexistent global variable 'x'". Stock Lua has no such flag, so duet puts an empty
// proxy table in front of each protected table: reads fall through to the real table
// (__index), writes through the VM hit __newindex and raise the error, and the raw access
// functions (rawset, rawget, setmetatable, getmetatable, next, pairs, ipairs) are replaced
// by versions that see through a proxy to its table and refuse to modify one. Scripts cannot
// reach the real tables (getfenv/setfenv/debug do not exist in the sandbox, as in Redis).
#pragma once

struct lua_State;

namespace duet::scripting {

// Opens the libraries Redis opens (base, table, string, math, debug, cjson, struct,
// cmsgpack, bit), removes the globals Redis does not offer (print, dofile, loadfile,
// getfenv, setfenv, newproxy), replaces pcall as Redis 7.0 does (an error table becomes its
// err string). The caller registers the redis table and the error handler next, then calls
// ProtectGlobals.
void OpenSandboxLibraries(lua_State* L);

// Makes the globals read-only as described above and installs the nonexistent-global error.
// Afterwards LUA_GLOBALSINDEX is the proxy; returns a registry reference to the real globals
// table (where KEYS and ARGV are set).
int ProtectGlobals(lua_State* L);

// Functions mode: replaces LUA_GLOBALSINDEX with an empty read-only table whose reads go to
// the table SelectFunctionGlobals names: the load API (`redis` = the load-time redis table
// at the top of the stack, popped, with register_function/log/constants) or the sandbox's
// globals (`globals_ref`, from ProtectGlobals). Returns the refs it needs.
struct FunctionGlobals {
  int meta_ref = 0;
  int load_api_ref = 0;
  int globals_ref = 0;
};
FunctionGlobals MakeFunctionGlobals(lua_State* L, int globals_proxy_ref);
void SelectFunctionGlobals(lua_State* L, const FunctionGlobals& g, bool loading);

}  // namespace duet::scripting
