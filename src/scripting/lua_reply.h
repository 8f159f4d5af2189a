// Conversions between Redis replies and Lua values, as Redis 7.0.15's script_lua.c makes them.
#pragma once

#include <string>
#include <string_view>

#include "protocol/reply_builder.h"

struct lua_State;

namespace duet::scripting {

// Pushes the Lua value of one RESP2/RESP3 reply (`resp` holds exactly one, as produced by
// the reply builder): integers -> numbers, bulk -> strings, null bulk/array -> false (RESP2)
// or nil (RESP3 null), status -> {ok=...}, error -> {err=...} (with
// ignore_error_stats_update), arrays -> tables, maps -> {map={...}}, sets -> {set={...}},
// doubles -> {double=n}, big numbers -> {big_number=s}, verbatim -> {verbatim_string=...},
// booleans -> booleans; attributes are skipped. `resp3`: the reply is RESP3 (RESP2 has no
// null inside an array).
void PushReply(lua_State* L, std::string_view resp, bool resp3);

// Writes the value at the top of the stack as a reply and pops it. `script_resp` is the
// protocol the script chose (redis.setresp): it decides how booleans reply.
void WriteLuaValue(lua_State* L, int script_resp, ReplyBuilder& out);

// Pushes the table redis.pcall returns for an error (Redis's luaPushErrorBuff): "-CODE msg"
// keeps its code, text without '-' gets ERR; CR/LF at the ends are trimmed.
void PushErrorTable(lua_State* L, std::string_view error);

// The error reply of a failed script run, from the error object at the top of the stack
// (popped): "<err> script: <name>, on <source>:<line>." (Redis's luaCallFunction).
void WriteRunError(lua_State* L, std::string_view funcname, ReplyBuilder& out);

}  // namespace duet::scripting
