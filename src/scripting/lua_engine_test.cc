#include "scripting/lua_engine.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace duet::scripting {
namespace {

// Answers every command with a fixed reply and records what it was asked.
class FakeHost : public ScriptHost {
 public:
  void Call(std::span<const std::string_view> argv, int resp, ReplySink*, std::string* reply,
            std::string* rejection) override {
    std::string line;
    for (std::string_view a : argv) line += std::string(a) + " ";
    calls.push_back(line);
    if (argv[0] == "refuse") {
      *rejection = "Unknown Redis command called from script";
      return;
    }
    *reply = next_reply;
  }
  int AclCheck(std::span<const std::string_view> argv) override { return 1; }
  bool Interrupt() override { return kill; }
  void SetReplFlags(int flags) override { repl_flags = flags; }
  int repl_flags = 3;

  std::vector<std::string> calls;
  std::string next_reply = "+OK\r\n";
  bool kill = false;
};

std::string Eval(LuaEngine& lua, FakeHost& host, std::string_view body,
                 std::vector<std::string_view> keys = {}, std::vector<std::string_view> args = {},
                 bool resp3 = false) {
  std::string out;
  ReplyBuilder reply(&out);
  reply.SetResp3(resp3);
  std::string sha, err;
  const CachedScript* s = lua.Load(body, &sha, &err);
  if (!s) return "-" + err + "\r\n";
  lua.Run(*s, sha, keys, args, host, reply, true);
  return out;
}

TEST(LuaEngine, ValuesConvertToReplies) {
  LuaEngine lua;
  FakeHost h;
  EXPECT_EQ(Eval(lua, h, "return 3.99"), ":3\r\n");
  EXPECT_EQ(Eval(lua, h, "return 'x'"), "$1\r\nx\r\n");
  EXPECT_EQ(Eval(lua, h, "return {1, 'a', {2}}"), "*3\r\n:1\r\n$1\r\na\r\n*1\r\n:2\r\n");
  EXPECT_EQ(Eval(lua, h, "return {1, nil, 3}"), "*1\r\n:1\r\n");
  EXPECT_EQ(Eval(lua, h, "return true"), ":1\r\n");
  EXPECT_EQ(Eval(lua, h, "return false"), "$-1\r\n");
  EXPECT_EQ(Eval(lua, h, "return {ok = 'fine'}"), "+fine\r\n");
  EXPECT_EQ(Eval(lua, h, "return {err = 'BAD thing'}"), "-BAD thing\r\n");
  EXPECT_EQ(Eval(lua, h, "return 0/0"), ":-9223372036854775808\r\n");
  EXPECT_EQ(Eval(lua, h, "return {double = 1.5}", {}, {}, true), ",1.5\r\n");
  EXPECT_EQ(Eval(lua, h, "redis.setresp(3) return false", {}, {}, true), "#f\r\n");
}

TEST(LuaEngine, ForgetDropsOneScript) {
  LuaEngine lua;
  std::string sha1, sha2, err;
  ASSERT_NE(lua.Load("return 1", &sha1, &err), nullptr);
  uint64_t one = lua.ScriptsMemoryBytes();
  ASSERT_NE(lua.Load("return 2", &sha2, &err), nullptr);
  ASSERT_NE(lua.Find(sha2), nullptr);  // the last hit is remembered
  lua.Forget("return 2");
  EXPECT_EQ(lua.Find(sha2), nullptr);
  EXPECT_NE(lua.Find(sha1), nullptr);
  EXPECT_EQ(lua.num_scripts(), 1u);
  EXPECT_EQ(lua.ScriptsMemoryBytes(), one);
  lua.Forget("return 3");  // not cached: nothing happens
  EXPECT_EQ(lua.num_scripts(), 1u);
}

TEST(LuaEngine, SelfReferencingTableStopsAtTheStackLimit) {
  LuaEngine lua;
  FakeHost h;
  std::string out = Eval(lua, h, "local t = {} t[1] = t return t");
  EXPECT_NE(out.find("-ERR reached lua stack limit\r\n"), std::string::npos);
}

TEST(LuaEngine, KeysArgvAndNumbersAsArguments) {
  LuaEngine lua;
  FakeHost h;
  EXPECT_EQ(Eval(lua, h, "return {KEYS[1], ARGV[2]}", {"k"}, {"a", "b"}),
            "*2\r\n$1\r\nk\r\n$1\r\nb\r\n");
  Eval(lua, h, "redis.call('zadd', 'z', 7400000000000003, 0.1)");
  ASSERT_EQ(h.calls.size(), 1u);
  EXPECT_EQ(h.calls[0], "zadd z 7400000000000003 0.10000000000000001 ");
}

TEST(LuaEngine, CallRepliesBecomeLuaValues) {
  LuaEngine lua;
  FakeHost h;
  h.next_reply = "*2\r\n$1\r\na\r\n$-1\r\n";
  EXPECT_EQ(Eval(lua, h, "local r = redis.call('x') return {r[1], type(r[2])}"),
            "*2\r\n$1\r\na\r\n$7\r\nboolean\r\n");
  h.next_reply = "-WRONGTYPE bad\r\n";
  std::string out = Eval(lua, h, "return redis.call('x')");
  EXPECT_TRUE(out.starts_with("-WRONGTYPE bad script: ")) << out;
  EXPECT_EQ(Eval(lua, h, "return redis.pcall('x')"), "-WRONGTYPE bad\r\n");
  out = Eval(lua, h, "return redis.call('refuse')");
  EXPECT_TRUE(out.starts_with("-ERR Unknown Redis command called from script script: ")) << out;
}

TEST(LuaEngine, GlobalsAreReadOnly) {
  LuaEngine lua;
  FakeHost h;
  EXPECT_TRUE(Eval(lua, h, "x = 1")
                  .starts_with("-ERR user_script:1: Attempt to modify a readonly table script:"));
  EXPECT_TRUE(
      Eval(lua, h, "return nope")
          .starts_with(
              "-ERR user_script:1: Script attempted to access nonexistent global variable 'nope'"));
  EXPECT_TRUE(Eval(lua, h, "string.len = nil")
                  .starts_with("-ERR user_script:1: Attempt to modify a readonly table"));
  EXPECT_TRUE(Eval(lua, h, "rawset(redis, 'call', 1)")
                  .starts_with("-ERR Attempt to modify a readonly table script:"));
  EXPECT_EQ(Eval(lua, h, "return rawget(string, 'len') == string.len"), ":1\r\n");
  EXPECT_EQ(Eval(lua, h, "local n = 0 for _ in pairs(bit) do n = n + 1 end return n"), ":12\r\n");
  EXPECT_EQ(Eval(lua, h, "return ('ab'):upper()"), "$2\r\nAB\r\n");
}

TEST(LuaEngine, KillStopsALoopEvenUnderPcall) {
  LuaEngine lua;
  FakeHost h;
  h.kill = true;
  std::string out = Eval(lua, h, "while true do pcall(function() while true do end end) end");
  EXPECT_TRUE(out.starts_with("-ERR Script killed by user with SCRIPT KILL...")) << out;
}

TEST(LuaEngine, CacheAndFlush) {
  LuaEngine lua;
  FakeHost h;
  std::string sha, err;
  ASSERT_NE(lua.Load("return 42", &sha, &err), nullptr);
  EXPECT_EQ(sha, "1fa00e76656cc152ad327c13fe365858fd7be306");
  EXPECT_NE(lua.Find("1FA00E76656CC152AD327C13FE365858FD7BE306"), nullptr);
  EXPECT_EQ(lua.num_scripts(), 1u);
  lua.Reset();
  EXPECT_EQ(lua.Find(sha), nullptr);
  EXPECT_EQ(lua.Load("return +", &sha, &err), nullptr);
  EXPECT_EQ(err,
            "ERR Error compiling script (new function): user_script:1: unexpected symbol near '+'");
}

TEST(LuaEngine, Shebang) {
  uint32_t flags;
  size_t len;
  std::string err;
  EXPECT_TRUE(ParseShebang("return 1", &flags, &len, &err));
  EXPECT_EQ(flags, kScriptEvalCompat);
  EXPECT_TRUE(ParseShebang("#!lua flags=no-writes,allow-oom\nreturn 1", &flags, &len, &err));
  EXPECT_EQ(flags, kScriptNoWrites | kScriptAllowOom);
  EXPECT_EQ(len, 31u);
  EXPECT_FALSE(ParseShebang("#!lua", &flags, &len, &err));
  EXPECT_EQ(err, "Invalid script shebang");
  EXPECT_FALSE(ParseShebang("#!lua flags=x\n", &flags, &len, &err));
  EXPECT_EQ(err, "Unexpected flag in script shebang: x");
}

TEST(LuaEngine, CmsgpackAndStructRoundTrip) {
  LuaEngine lua;
  FakeHost h;
  EXPECT_EQ(Eval(lua, h, "return cmsgpack.unpack(cmsgpack.pack(7400000000000003))"),
            ":7400000000000003\r\n");
  EXPECT_EQ(Eval(lua, h, "return cmsgpack.pack({1, 2})"), "$3\r\n\x92\x01\x02\r\n");
  EXPECT_TRUE(Eval(lua, h, "return cmsgpack.unpack('\\146\\1')").find("Missing bytes in input.") !=
              std::string::npos);
  EXPECT_EQ(Eval(lua, h, "return struct.unpack('>I2', struct.pack('>I2', 258))"), ":258\r\n");
}

}  // namespace
}  // namespace duet::scripting
