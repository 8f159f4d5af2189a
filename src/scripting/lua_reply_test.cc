#include "scripting/lua_reply.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <functional>
#include <lua5.1/lua.hpp>
#include <string>

namespace duet::scripting {
namespace {

// The value at `idx` as text, tables in the order lua_next walks them (so two tables print
// alike only when they were built alike), with `#t` after each.
std::string Dump(lua_State* L, int idx) {
  idx = idx < 0 ? lua_gettop(L) + idx + 1 : idx;
  switch (lua_type(L, idx)) {
    case LUA_TNIL:
      return "nil";
    case LUA_TBOOLEAN:
      return lua_toboolean(L, idx) ? "true" : "false";
    case LUA_TNUMBER: {
      char buf[64];
      snprintf(buf, sizeof(buf), "%.17g", lua_tonumber(L, idx));
      return buf;
    }
    case LUA_TSTRING: {
      size_t len;
      const char* s = lua_tolstring(L, idx, &len);
      return "'" + std::string(s, len) + "'";
    }
    case LUA_TTABLE: {
      std::string out = "{";
      lua_pushnil(L);
      while (lua_next(L, idx)) {
        out += "[" + Dump(L, -2) + "]=" + Dump(L, -1) + ",";
        lua_pop(L, 1);
      }
      return out + "}#" + std::to_string(lua_objlen(L, idx));
    }
    default:
      return "?";
  }
}

struct Converted {
  std::string value;
  bool error = false;
  int extra = 0;  // stack slots left besides the value
};

// The reply `write` produces, in RESP `resp`, as PushReply makes it from the bytes.
Converted FromBytes(const std::function<void(ReplyBuilder&)>& write, bool resp3) {
  lua_State* L = luaL_newstate();
  std::string out;
  ReplyBuilder rb(&out);
  rb.SetResp3(resp3);
  write(rb);
  PushReply(L, out, resp3);
  Converted c{Dump(L, -1), !out.empty() && out[0] == '-', lua_gettop(L) - 1};
  lua_close(L);
  return c;
}

// The same through the sink, with `base` values below it on the stack.
Converted FromSink(const std::function<void(ReplyBuilder&)>& write, bool resp3, int base = 2) {
  lua_State* L = luaL_newstate();
  for (int i = 0; i < base; i++) lua_pushstring(L, "arg");
  LuaReplySink sink;
  std::string out;
  ReplyBuilder rb(&out);
  rb.SetResp3(resp3);
  sink.Begin(L, resp3);
  rb.SetSink(&sink);
  write(rb);
  rb.SetSink(nullptr);
  bool error = sink.Finish(out);
  Converted c{Dump(L, -1), error, lua_gettop(L) - 1 - base};
  lua_close(L);
  return c;
}

void ExpectSame(const std::function<void(ReplyBuilder&)>& write) {
  for (bool resp3 : {false, true}) {
    SCOPED_TRACE(resp3 ? "RESP3" : "RESP2");
    Converted bytes = FromBytes(write, resp3);
    Converted sink = FromSink(write, resp3);
    EXPECT_EQ(sink.value, bytes.value);
    EXPECT_EQ(sink.error, bytes.error);
    EXPECT_EQ(sink.extra, 0);
    EXPECT_EQ(bytes.extra, 0);
  }
}

TEST(LuaReplySinkTest, ScalarsAsTheBytesParse) {
  ExpectSame([](ReplyBuilder& r) { r.Ok(); });
  ExpectSame([](ReplyBuilder& r) { r.SimpleString("two\r\nlines"); });
  ExpectSame([](ReplyBuilder& r) { r.Error("ERR something bad"); });
  ExpectSame([](ReplyBuilder& r) { r.Error("-WRONGTYPE Operation against a key"); });
  ExpectSame([](ReplyBuilder& r) { r.Error("NOCODE"); });
  ExpectSame([](ReplyBuilder& r) { r.Integer(-7400000000000001); });
  ExpectSame([](ReplyBuilder& r) { r.Bulk(""); });
  ExpectSame([](ReplyBuilder& r) { r.Bulk(std::string(100, 'x') + "\r\n_\r\n"); });
  ExpectSame([](ReplyBuilder& r) { r.Null(); });
  ExpectSame([](ReplyBuilder& r) { r.NullArray(); });
  ExpectSame([](ReplyBuilder& r) { r.Double(1.5); });
  ExpectSame([](ReplyBuilder& r) { r.Double(-INFINITY); });
  ExpectSame([](ReplyBuilder& r) { r.Double(0.1); });
  ExpectSame([](ReplyBuilder& r) { r.Bool(true); });
  ExpectSame([](ReplyBuilder& r) { r.Bool(false); });
  ExpectSame([](ReplyBuilder& r) { r.BigNumber("123456789012345678901234567890"); });
  ExpectSame([](ReplyBuilder& r) { r.Verbatim("some text"); });
  ExpectSame([](ReplyBuilder&) {});  // nothing written: nil
}

TEST(LuaReplySinkTest, AggregatesAsTheBytesParse) {
  ExpectSame([](ReplyBuilder& r) { r.ArrayHeader(0); });
  ExpectSame([](ReplyBuilder& r) {
    r.ArrayHeader(4);
    r.Bulk("a");
    r.Integer(2);
    r.Null();  // a RESP3 hole: the table grows as Redis's
    r.Bulk("d");
  });
  ExpectSame([](ReplyBuilder& r) {
    r.MapHeader(3);
    r.Bulk("f1");
    r.Bulk("v1");
    r.Bulk("f2");
    r.ArrayHeader(2);
    r.Double(2.5);
    r.Error("ERR inner");
    r.Bulk("f3");
    r.MapHeader(0);
  });
  ExpectSame([](ReplyBuilder& r) {
    r.SetHeader(3);
    r.Bulk("x");
    r.Bulk("y");
    r.Integer(3);
  });
  ExpectSame([](ReplyBuilder& r) {
    r.PushHeader(2);
    r.Bulk("message");
    r.SetHeader(0);
  });
  ExpectSame([](ReplyBuilder& r) {
    r.ArrayHeader(2);
    r.ArrayHeader(2);
    r.ArrayHeader(1);
    r.Bulk("deep");
    r.NullArray();
    r.ArrayHeader(0);
  });
}

TEST(LuaReplySinkTest, RawAndMarkSwitchToBytesMidReply) {
  // Pre-encoded bytes inside an aggregate: the sink's part and the parsed rest form one value.
  ExpectSame([](ReplyBuilder& r) {
    r.ArrayHeader(3);
    r.Bulk("before");
    r.Raw(r.resp3() ? ",1.25\r\n" : "$4\r\n1.25\r\n");
    r.Integer(9);
  });
  // A header inserted after its elements.
  ExpectSame([](ReplyBuilder& r) {
    r.ArrayHeader(2);
    r.Bulk("head");
    size_t mark = r.Mark();
    r.Bulk("k");
    r.Bulk("v");
    r.InsertMapHeader(mark, 1);
  });
  // An error as pre-encoded bytes is still an error reply.
  ExpectSame([](ReplyBuilder& r) { r.Raw("-ERR raw\r\n"); });
}

TEST(LuaReplySinkTest, OnlyTheFirstValueIsTheReply) {
  auto write = [](ReplyBuilder& r) {
    r.Bulk("first");
    r.Bulk("second");
  };
  EXPECT_EQ(FromSink(write, false).value, "'first'");
  EXPECT_EQ(FromSink(write, false).extra, 0);
}

TEST(LuaReplySinkTest, AbandonLeavesTheStack) {
  lua_State* L = luaL_newstate();
  lua_pushstring(L, "arg");
  LuaReplySink sink;
  sink.Begin(L, false);
  EXPECT_TRUE(sink.active());
  sink.Header('*', 2);
  sink.Bulk("x");
  sink.Abandon();
  EXPECT_FALSE(sink.active());
  EXPECT_EQ(lua_gettop(L), 1);
  lua_close(L);
}

}  // namespace
}  // namespace duet::scripting
