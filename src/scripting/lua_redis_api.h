// Registers the `redis` global (redis.call, pcall, log, setresp, ... and its constants) and
// replaces math.random/randomseed with Redis's, bound to `engine` (lua_redis_api.cc).
#pragma once

struct lua_State;

namespace duet::scripting {

class LuaEngine;

void RegisterRedisApi(lua_State* L, LuaEngine* engine);

}  // namespace duet::scripting
