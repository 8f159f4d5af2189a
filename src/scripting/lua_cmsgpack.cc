// cmsgpack: MessagePack for scripts, with the behaviour of the lua-cmsgpack 0.4.0 that
// Redis 7.0.15 bundles. Encoding goes through msgpack-c's packer (its minimal encodings are
// the same bytes); decoding is duet's own, because lua-cmsgpack's decoder has rules of its
// own that scripts can observe: bin and ext types are "Bad data format", a truncated input
// is "Missing bytes in input.", integers come back as Lua numbers (uint 64 through a signed
// cast), fix arrays and maps only up to 15 elements etc.
#include <msgpack.h>

#include <climits>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "scripting/lua_libs.h"

namespace duet::scripting {

namespace {

constexpr int kMaxNesting = 16;  // deeper tables (and cycles) encode as nil

bool IsInt64Equivalent(double x) {
  if (std::isinf(x) || std::isnan(x)) return false;
  if (x < -9223372036854775808.0 || x >= 9223372036854775808.0) return false;
  return static_cast<double>(static_cast<int64_t>(x)) == x;
}

void EncodeValue(lua_State* L, msgpack_packer* pk, int level);

// lua-cmsgpack encodes a table as an array when its keys are exactly 1..n.
bool TableIsArray(lua_State* L) {
  int top = lua_gettop(L);
  int count = 0, max = 0;
  luaL_checkstack(L, 2, "in function table_is_an_array");
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    lua_pop(L, 1);
    double n;
    if (lua_type(L, -1) != LUA_TNUMBER || (n = lua_tonumber(L, -1)) <= 0 || std::isinf(n) ||
        n != static_cast<double>(static_cast<int>(n))) {
      lua_settop(L, top);
      return false;
    }
    int i = static_cast<int>(n);
    max = i > max ? i : max;
    count++;
  }
  lua_settop(L, top);
  return max == count;
}

void EncodeTable(lua_State* L, msgpack_packer* pk, int level) {
  if (TableIsArray(L)) {
    size_t len = lua_objlen(L, -1);
    msgpack_pack_array(pk, len);
    luaL_checkstack(L, 1, "in function mp_encode_lua_table_as_array");
    for (size_t j = 1; j <= len; j++) {
      lua_pushnumber(L, static_cast<lua_Number>(j));
      lua_gettable(L, -2);
      EncodeValue(L, pk, level + 1);
    }
    return;
  }
  size_t len = 0;
  luaL_checkstack(L, 3, "in function mp_encode_lua_table_as_map");
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    lua_pop(L, 1);
    len++;
  }
  msgpack_pack_map(pk, len);
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    lua_pushvalue(L, -2);
    EncodeValue(L, pk, level + 1);  // the key
    EncodeValue(L, pk, level + 1);  // the value
  }
}

// Encodes and pops the value at the top of the stack.
void EncodeValue(lua_State* L, msgpack_packer* pk, int level) {
  int t = lua_type(L, -1);
  if (t == LUA_TTABLE && level == kMaxNesting) t = LUA_TNIL;
  switch (t) {
    case LUA_TSTRING: {
      size_t len;
      const char* s = lua_tolstring(L, -1, &len);
      msgpack_pack_str(pk, len);
      msgpack_pack_str_body(pk, s, len);
      break;
    }
    case LUA_TBOOLEAN:
      lua_toboolean(L, -1) ? msgpack_pack_true(pk) : msgpack_pack_false(pk);
      break;
    case LUA_TNUMBER: {
      double n = lua_tonumber(L, -1);
      if (IsInt64Equivalent(n)) {
        msgpack_pack_int64(pk, static_cast<int64_t>(n));
      } else if (static_cast<double>(static_cast<float>(n)) == n) {
        msgpack_pack_float(pk, static_cast<float>(n));
      } else {
        msgpack_pack_double(pk, n);
      }
      break;
    }
    case LUA_TTABLE:
      EncodeTable(L, pk, level);
      break;
    default:
      msgpack_pack_nil(pk);
      break;
  }
  lua_pop(L, 1);
}

int Pack(lua_State* L) {
  int nargs = lua_gettop(L);
  if (nargs == 0) return luaL_argerror(L, 0, "MessagePack pack needs input.");
  if (!lua_checkstack(L, nargs)) {
    return luaL_argerror(L, 0, "Too many arguments for MessagePack pack.");
  }
  msgpack_sbuffer sbuf;
  msgpack_sbuffer_init(&sbuf);
  msgpack_packer pk;
  msgpack_packer_init(&pk, &sbuf, msgpack_sbuffer_write);
  for (int i = 1; i <= nargs; i++) {
    luaL_checkstack(L, 1, "in function mp_check");
    lua_pushvalue(L, i);
    EncodeValue(L, &pk, 0);
  }
  // One string for all arguments (lua-cmsgpack concatenates one string per argument).
  lua_pushlstring(L, sbuf.data ? sbuf.data : "", sbuf.size);
  msgpack_sbuffer_destroy(&sbuf);
  return 1;
}

enum class DecodeError { kNone, kEof, kBadFormat };

struct Cursor {
  const unsigned char* p;
  size_t left;
  DecodeError err = DecodeError::kNone;
  bool Need(size_t n) {
    if (left < n) {
      err = DecodeError::kEof;
      return false;
    }
    return true;
  }
  void Consume(size_t n) {
    p += n;
    left -= n;
  }
  uint64_t Be(size_t at, size_t n) const {
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) v = (v << 8) | p[at + i];
    return v;
  }
};

void DecodeValue(lua_State* L, Cursor& c);

void DecodeArray(lua_State* L, Cursor& c, size_t len) {
  lua_newtable(L);
  luaL_checkstack(L, 1, "in function mp_decode_to_lua_array");
  int index = 1;
  while (len--) {
    lua_pushnumber(L, index++);
    DecodeValue(L, c);
    if (c.err != DecodeError::kNone) return;
    lua_settable(L, -3);
  }
}

void DecodeMap(lua_State* L, Cursor& c, size_t len) {
  lua_newtable(L);
  while (len--) {
    DecodeValue(L, c);
    if (c.err != DecodeError::kNone) return;
    DecodeValue(L, c);
    if (c.err != DecodeError::kNone) return;
    lua_settable(L, -3);
  }
}

void PushString(lua_State* L, Cursor& c, size_t hdr, size_t len) {
  if (!c.Need(hdr + len)) return;
  lua_pushlstring(L, reinterpret_cast<const char*>(c.p + hdr), len);
  c.Consume(hdr + len);
}

void DecodeValue(lua_State* L, Cursor& c) {
  if (!c.Need(1)) return;
  luaL_checkstack(L, 1, "too many return values at once; use unpack_one or unpack_limit instead.");
  unsigned char b = c.p[0];
  switch (b) {
    case 0xcc:
    case 0xcd:
    case 0xce:
    case 0xcf: {  // uint 8/16/32/64: pushed through Lua's integer type (signed)
      size_t n = size_t{1} << (b - 0xcc);
      if (!c.Need(1 + n)) return;
      lua_pushinteger(L, static_cast<lua_Integer>(c.Be(1, n)));
      c.Consume(1 + n);
      return;
    }
    case 0xd0:
      if (!c.Need(2)) return;
      lua_pushinteger(L, static_cast<int8_t>(c.p[1]));
      c.Consume(2);
      return;
    case 0xd1:
      if (!c.Need(3)) return;
      lua_pushinteger(L, static_cast<int16_t>(c.Be(1, 2)));
      c.Consume(3);
      return;
    case 0xd2:
      if (!c.Need(5)) return;
      lua_pushinteger(L, static_cast<int32_t>(c.Be(1, 4)));
      c.Consume(5);
      return;
    case 0xd3:
      if (!c.Need(9)) return;
      lua_pushnumber(L, static_cast<lua_Number>(static_cast<int64_t>(c.Be(1, 8))));
      c.Consume(9);
      return;
    case 0xc0:
      lua_pushnil(L);
      c.Consume(1);
      return;
    case 0xc3:
      lua_pushboolean(L, 1);
      c.Consume(1);
      return;
    case 0xc2:
      lua_pushboolean(L, 0);
      c.Consume(1);
      return;
    case 0xca: {
      if (!c.Need(5)) return;
      uint32_t bits = static_cast<uint32_t>(c.Be(1, 4));
      float f;
      memcpy(&f, &bits, 4);
      lua_pushnumber(L, f);
      c.Consume(5);
      return;
    }
    case 0xcb: {
      if (!c.Need(9)) return;
      uint64_t bits = c.Be(1, 8);
      double d;
      memcpy(&d, &bits, 8);
      lua_pushnumber(L, d);
      c.Consume(9);
      return;
    }
    case 0xd9:
      if (!c.Need(2)) return;
      PushString(L, c, 2, c.p[1]);
      return;
    case 0xda:
      if (!c.Need(3)) return;
      PushString(L, c, 3, c.Be(1, 2));
      return;
    case 0xdb: {
      if (!c.Need(5)) return;
      size_t l = c.Be(1, 4);
      c.Consume(5);
      PushString(L, c, 0, l);
      return;
    }
    case 0xdc:
    case 0xdd: {
      size_t n = b == 0xdc ? 2 : 4;
      if (!c.Need(1 + n)) return;
      size_t l = c.Be(1, n);
      c.Consume(1 + n);
      DecodeArray(L, c, l);
      return;
    }
    case 0xde:
    case 0xdf: {
      size_t n = b == 0xde ? 2 : 4;
      if (!c.Need(1 + n)) return;
      size_t l = c.Be(1, n);
      c.Consume(1 + n);
      DecodeMap(L, c, l);
      return;
    }
    default:
      break;
  }
  if ((b & 0x80) == 0) {
    lua_pushinteger(L, b);
    c.Consume(1);
  } else if ((b & 0xe0) == 0xe0) {
    lua_pushinteger(L, static_cast<int8_t>(b));
    c.Consume(1);
  } else if ((b & 0xe0) == 0xa0) {
    PushString(L, c, 1, b & 0x1f);
  } else if ((b & 0xf0) == 0x90) {
    c.Consume(1);
    DecodeArray(L, c, b & 0xf);
  } else if ((b & 0xf0) == 0x80) {
    c.Consume(1);
    DecodeMap(L, c, b & 0xf);
  } else {
    c.err = DecodeError::kBadFormat;
  }
}

int UnpackFull(lua_State* L, lua_Integer limit, lua_Integer offset) {
  size_t len;
  const char* s = luaL_checklstring(L, 1, &len);
  bool decode_all = !limit && !offset;
  if (offset < 0 || limit < 0) {
    return luaL_error(L, "Invalid request to unpack with offset of %d and limit of %d.",
                      static_cast<int>(offset), static_cast<int>(len));
  }
  if (static_cast<size_t>(offset) > len) {
    return luaL_error(L, "Start offset %d greater than input length %d.", static_cast<int>(offset),
                      static_cast<int>(len));
  }
  if (decode_all) limit = INT_MAX;
  Cursor c{reinterpret_cast<const unsigned char*>(s) + offset, len - offset};
  int cnt = 0;
  for (; c.left > 0 && cnt < limit; cnt++) {
    DecodeValue(L, c);
    if (c.err == DecodeError::kEof) return luaL_error(L, "Missing bytes in input.");
    if (c.err == DecodeError::kBadFormat) return luaL_error(L, "Bad data format in input.");
  }
  if (!decode_all) {
    size_t new_offset = len - c.left;
    luaL_checkstack(L, 1, "in function mp_unpack_full");
    lua_pushinteger(L, c.left == 0 ? -1 : static_cast<lua_Integer>(new_offset));
    lua_insert(L, 2);
    cnt += 1;
  }
  return cnt;
}

int Unpack(lua_State* L) { return UnpackFull(L, 0, 0); }

int UnpackOne(lua_State* L) {
  lua_Integer offset = luaL_optinteger(L, 2, 0);
  lua_pop(L, lua_gettop(L) - 1);
  return UnpackFull(L, 1, offset);
}

int UnpackLimit(lua_State* L) {
  lua_Integer limit = luaL_checkinteger(L, 2);
  lua_Integer offset = luaL_optinteger(L, 3, 0);
  lua_pop(L, lua_gettop(L) - 1);
  return UnpackFull(L, limit, offset);
}

}  // namespace

int OpenCmsgpack(lua_State* L) {
  lua_newtable(L);
  const std::pair<const char*, lua_CFunction> fns[] = {
      {"pack", Pack}, {"unpack", Unpack}, {"unpack_one", UnpackOne}, {"unpack_limit", UnpackLimit}};
  for (const auto& [name, fn] : fns) {
    lua_pushcfunction(L, fn);
    lua_setfield(L, -2, name);
  }
  lua_pushliteral(L, "cmsgpack");
  lua_setfield(L, -2, "_NAME");
  lua_pushliteral(L, "lua-cmsgpack 0.4.0");
  lua_setfield(L, -2, "_VERSION");
  lua_pushliteral(L, "Copyright (C) 2012, Salvatore Sanfilippo");
  lua_setfield(L, -2, "_COPYRIGHT");
  lua_pushliteral(L, "MessagePack C implementation for Lua");
  lua_setfield(L, -2, "_DESCRIPTION");
  lua_pushvalue(L, -1);
  lua_setglobal(L, "cmsgpack");
  return 1;
}

}  // namespace duet::scripting
