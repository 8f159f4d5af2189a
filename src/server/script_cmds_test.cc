#include <gtest/gtest.h>

#include "server/test_harness.h"

namespace duet {
namespace {

TEST(ScriptCmds, EvalRunsCommandsThroughTheDispatcher) {
  TestServer t;
  EXPECT_EQ(t.Run({"EVAL", "return redis.call('set', KEYS[1], ARGV[1])", "1", "k", "v"}),
            "+OK\r\n");
  EXPECT_EQ(t.Run({"GET", "k"}), "$1\r\nv\r\n");
  EXPECT_EQ(t.Run({"EVALSHA", "0000000000000000000000000000000000000000", "0"}),
            "-NOSCRIPT No matching script. Please use EVAL.\r\n");
  EXPECT_EQ(t.Run({"EVAL", "return 1", "2", "a"}),
            "-ERR Number of keys can't be greater than number of args\r\n");
  std::string info = t.Run({"INFO", "commandstats"});
  EXPECT_NE(info.find("cmdstat_set:calls=1"), std::string::npos) << info;
  EXPECT_NE(info.find("cmdstat_eval:calls=2"), std::string::npos) << info;
}

TEST(ScriptCmds, ReadOnlyScriptsAndNoScriptCommands) {
  TestServer t;
  std::string r = t.Run({"EVAL_RO", "return redis.call('set', 'k', 'v')", "0"});
  EXPECT_TRUE(r.starts_with("-ERR Write commands are not allowed from read-only scripts. script:"))
      << r;
  r = t.Run({"EVAL", "return redis.call('multi')", "0"});
  EXPECT_TRUE(r.starts_with("-ERR This Redis command is not allowed from script script:")) << r;
  EXPECT_EQ(t.Run({"EXISTS", "k"}), ":0\r\n");
}

TEST(ScriptCmds, ScriptCache) {
  TestServer t;
  EXPECT_EQ(t.Run({"SCRIPT", "LOAD", "return 42"}),
            "$40\r\n1fa00e76656cc152ad327c13fe365858fd7be306\r\n");
  EXPECT_EQ(t.Run({"EVALSHA", "1fa00e76656cc152ad327c13fe365858fd7be306", "0"}), ":42\r\n");
  EXPECT_EQ(t.Run({"SCRIPT", "EXISTS", "1fa00e76656cc152ad327c13fe365858fd7be306", "x"}),
            "*2\r\n:1\r\n:0\r\n");
  EXPECT_EQ(t.Run({"SCRIPT", "FLUSH"}), "+OK\r\n");
  EXPECT_EQ(t.Run({"SCRIPT", "EXISTS", "1fa00e76656cc152ad327c13fe365858fd7be306"}),
            "*1\r\n:0\r\n");
  EXPECT_EQ(t.Run({"SCRIPT", "KILL"}), "-NOTBUSY No scripts in execution right now.\r\n");
}

TEST(ScriptCmds, SelectInsideAScriptLeavesTheCallersDb) {
  TestServer t;
  EXPECT_EQ(t.Run({"EVAL", "redis.call('select', 1) return redis.call('set', 'x', 1)", "0"}),
            "+OK\r\n");
  EXPECT_EQ(t.Run({"EXISTS", "x"}), ":0\r\n");
  EXPECT_EQ(t.Run({"SELECT", "1"}), "+OK\r\n");
  EXPECT_EQ(t.Run({"EXISTS", "x"}), ":1\r\n");
}

}  // namespace
}  // namespace duet

namespace duet {
namespace {

TEST(FunctionCmds, LoadCallListDelete) {
  TestServer t;
  EXPECT_EQ(t.RunStrings({"FUNCTION", "LOAD",
                          "#!lua name=lib\nredis.register_function('f', function(keys, args) "
                          "return redis.call('set', keys[1], args[1]) end)"}),
            "$3\r\nlib\r\n");
  EXPECT_EQ(t.Run({"FCALL", "f", "1", "k", "v"}), "+OK\r\n");
  EXPECT_EQ(t.Run({"GET", "k"}), "$1\r\nv\r\n");
  std::string r = t.Run({"FCALL_RO", "f", "1", "k", "v"});
  EXPECT_EQ(r, "-ERR Can not execute a script with write flag using *_ro command.\r\n");
  EXPECT_EQ(t.Run({"FUNCTION", "DELETE", "lib"}), "+OK\r\n");
  EXPECT_EQ(t.Run({"FCALL", "f", "0"}), "-ERR Function not found\r\n");
}

TEST(FunctionCmds, DumpRestoreRoundTrip) {
  TestServer t;
  t.RunStrings({"FUNCTION", "LOAD",
                "#!lua name=lib\nredis.register_function('f', function() return 7 end)"});
  std::string dump = t.Run({"FUNCTION", "DUMP"});
  ASSERT_EQ(dump[0], '$');
  std::string payload = dump.substr(dump.find("\r\n") + 2);
  payload.resize(payload.size() - 2);
  EXPECT_EQ(t.Run({"FUNCTION", "FLUSH"}), "+OK\r\n");
  EXPECT_EQ(t.RunStrings({"FUNCTION", "RESTORE", payload}), "+OK\r\n");
  EXPECT_EQ(t.Run({"FCALL", "f", "0"}), ":7\r\n");
  EXPECT_EQ(t.RunStrings({"FUNCTION", "RESTORE", payload}), "-ERR Library lib already exists\r\n");
  payload[3] ^= 1;
  EXPECT_EQ(t.RunStrings({"FUNCTION", "RESTORE", payload, "REPLACE"}),
            "-ERR DUMP payload version or checksum are wrong\r\n");
}

}  // namespace
}  // namespace duet
