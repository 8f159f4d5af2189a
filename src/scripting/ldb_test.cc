#include "scripting/ldb.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "scripting/lua_engine.h"

namespace duet::scripting {
namespace {

// Gives the debugger the bytes of queued commands and keeps what it writes.
class ScriptedChannel : public LdbChannel {
 public:
  ssize_t Read(char* buf, size_t len) override {
    if (next_ >= input.size()) return 0;  // the client went away
    const std::string& cmd = input[next_++];
    size_t n = std::min(len, cmd.size());
    memcpy(buf, cmd.data(), n);
    return static_cast<ssize_t>(n);
  }
  void Write(std::string_view data) override { output.append(data); }

  std::vector<std::string> input;
  std::string output;

 private:
  size_t next_ = 0;
};

class EchoHost : public ScriptHost {
 public:
  void Call(std::span<const std::string_view> argv, int resp, ReplySink*, std::string* reply,
            std::string* rejection) override {
    if (argv[0] == "nope") {
      *rejection = "Unknown Redis command called from script";
      return;
    }
    *reply = "$" + std::to_string(argv.back().size()) + "\r\n" + std::string(argv.back()) + "\r\n";
  }
  int AclCheck(std::span<const std::string_view> argv) override { return 1; }
  bool Interrupt() override { return false; }
  void SetReplFlags(int) override {}
};

std::string Cmd(std::vector<std::string> argv) {
  std::string s = "*" + std::to_string(argv.size()) + "\r\n";
  for (const std::string& a : argv) s += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  return s;
}

// Runs `body` under the debugger with the given debugger commands; returns what the
// client received and sets *reply to the script's reply.
std::string Debug(std::string_view body, std::vector<std::vector<std::string>> cmds,
                  std::string* reply) {
  LuaEngine lua;
  EchoHost host;
  ScriptedChannel chan;
  for (auto& c : cmds) chan.input.push_back(Cmd(c));
  std::string sha, err;
  const CachedScript* s = lua.Load(body, &sha, &err);
  EXPECT_NE(s, nullptr) << err;
  ReplyBuilder out(reply);
  lua.ldb().Enable();
  lua.ldb().Start(&chan, body, 5000);
  lua.Run(*s, sha, {}, {}, host, out, false);
  lua.ldb().End();
  EXPECT_FALSE(lua.ldb().active());
  return chan.output;
}

TEST(LdbTest, StepsPrintsAndLogsCommands) {
  std::string reply;
  std::string got = Debug("local a = 1\nlocal b = redis.call('echo', 'hi')\nreturn b",
                          {{"p"}, {"s"}, {"s"}, {"p", "b"}, {"c"}}, &reply);
  EXPECT_EQ(got,
            "*2\r\n+* Stopped at 1, stop reason = step over\r\n+-> 1   local a = 1\r\n"
            "*1\r\n+No local variables in the current context.\r\n"
            "*2\r\n+* Stopped at 2, stop reason = step over\r\n"
            "+-> 2   local b = redis.call('echo', 'hi')\r\n"
            "*4\r\n+<redis> echo hi\r\n+<reply> \"hi\"\r\n"
            "+* Stopped at 3, stop reason = step over\r\n+-> 3   return b\r\n"
            "*1\r\n+<value> \"hi\"\r\n"
            "*1\r\n+<endsession>\r\n");
  EXPECT_EQ(reply, "$2\r\nhi\r\n");
}

TEST(LdbTest, UnknownCommandsAndNulBytes) {
  std::string reply;
  std::string got =
      Debug("return 'hello'", {{std::string("hello\0world", 11)}, {"r"}, {"c"}}, &reply);
  const std::string kUnknown =
      "*1\r\n+<error> Unknown Redis Lua debugger command or wrong number of arguments.\r\n";
  EXPECT_EQ(got, "*2\r\n+* Stopped at 1, stop reason = step over\r\n+-> 1   return 'hello'\r\n" +
                     kUnknown + kUnknown + "*1\r\n+<endsession>\r\n");
  EXPECT_EQ(reply, "$5\r\nhello\r\n");
}

TEST(LdbTest, BreakpointsListAndRedisBreakpoint) {
  std::string reply;
  std::string got = Debug("local x = 1\nredis.breakpoint()\nredis.debug('v', x, {1, 2})\nreturn x",
                          {{"b", "4"}, {"c"}, {"c"}, {"w"}, {"c"}}, &reply);
  EXPECT_EQ(got,
            "*2\r\n+* Stopped at 1, stop reason = step over\r\n+-> 1   local x = 1\r\n"
            "*2\r\n+   3   redis.debug('v', x, {1, 2})\r\n+  #4   return x\r\n"
            "*2\r\n+* Stopped at 3, stop reason = redis.breakpoint() called\r\n"
            "+-> 3   redis.debug('v', x, {1, 2})\r\n"
            "*3\r\n+<debug> line 3: \"v\", 1, {1; 2}\r\n"
            "+* Stopped at 4, stop reason = break point\r\n+->#4   return x\r\n"
            "*4\r\n+   1   local x = 1\r\n+   2   redis.breakpoint()\r\n"
            "+   3   redis.debug('v', x, {1, 2})\r\n+->#4   return x\r\n"
            "*1\r\n+<endsession>\r\n");
  EXPECT_EQ(reply, ":1\r\n");
}

TEST(LdbTest, EvalRedisMaxlenAndAbort) {
  std::string reply;
  std::string got = Debug("return 1",
                          {{"e", "1", "+", "1"},
                           {"r", "nope", "x"},
                           {"m", "5"},
                           {"r", "echo", std::string(100, 'a')},
                           {"a"}},
                          &reply);
  EXPECT_EQ(got,
            "*2\r\n+* Stopped at 1, stop reason = step over\r\n+-> 1   return 1\r\n"
            "*1\r\n+<retval> 2\r\n"
            "*2\r\n+<redis> nope x\r\n+<error> Unknown Redis command called from script\r\n"
            "*1\r\n+<value> replies are truncated at 60 bytes.\r\n"
            "*2\r\n+<redis> echo " +
                std::string(100, 'a') + "\r\n+<reply> \"" + std::string(51, 'a') +
                " ...\r\n"
                "*1\r\n+<endsession>\r\n");
  EXPECT_EQ(reply.substr(0, 36), "-ERR script aborted for user request");
}

TEST(LdbTest, ClientGoneRunsScriptToTheEnd) {
  std::string reply;
  std::string got = Debug("local a = 1\nreturn a + 1", {}, &reply);
  EXPECT_EQ(got,
            "*2\r\n+* Stopped at 1, stop reason = step over\r\n+-> 1   local a = 1\r\n"
            "*1\r\n+<endsession>\r\n");
  EXPECT_EQ(reply, ":2\r\n");
}

}  // namespace
}  // namespace duet::scripting
