// The Lua libraries of the sandbox that are not Lua's own: Debian's lua-cjson and LuaBitOp
// (linked as they are), and duet's cmsgpack and struct (lua_cmsgpack.cc, lua_struct.cc),
// which follow Redis 7.0.15's bundled lua-cmsgpack 0.4.0 and lua_struct 0.2.
#pragma once

#include <lua5.1/lua.hpp>

extern "C" {
int luaopen_cjson(lua_State* L);
int luaopen_bit(lua_State* L);
}

namespace duet::scripting {

// Push the library table and set the global of the same name, as Redis's openers do.
int OpenCmsgpack(lua_State* L);
int OpenStruct(lua_State* L);

}  // namespace duet::scripting
