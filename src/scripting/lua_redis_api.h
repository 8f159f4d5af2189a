// Registers the `redis` global (redis.call, pcall, log, setresp, ... and its constants) and
// replaces math.random/randomseed with Redis's, bound to `engine` (lua_redis_api.cc).
#pragma once

struct lua_State;

namespace duet::scripting {

class LuaEngine;

// `eval`: EVAL's table also has breakpoint, debug and replicate_commands.
void RegisterRedisApi(lua_State* L, LuaEngine* engine, bool eval);
// Pushes the `redis` table FUNCTION LOAD's library code sees: register_function, log, the
// log levels and the version.
void PushLoadApi(lua_State* L, LuaEngine* engine);

}  // namespace duet::scripting
