#include "server/monitor_cmds.h"

#include <gtest/gtest.h>

#include "common/strutil.h"
#include "server/test_harness.h"

namespace duet {
namespace {

std::string Shown(TestServer& t, std::vector<std::string_view> args) {
  const CommandSpec* spec = t.server().commands().Find(args[0]);
  std::vector<std::string_view> out;
  if (!RedactArgs(*spec, args, &out)) out = args;
  std::string joined;
  for (std::string_view a : out) joined += std::string(a) + "|";
  return joined;
}

TEST(MonitorTest, ReprEscapesLikeSdscatrepr) {
  std::string out;
  AppendRepr(out, std::string_view("a\"b\\c\n\r\t\a\b\x01\x7f\x80 z", 15));
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\r\\t\\a\\b\\x01\\x7f\\x80 z\"");
}

TEST(MonitorTest, LineFormat) {
  std::vector<std::string_view> args = {"SET", "k", "v"};
  EXPECT_EQ(MonitorLine(1700000000123456, 3, "127.0.0.1:5000", args),
            "+1700000000.123456 [3 127.0.0.1:5000] \"SET\" \"k\" \"v\"\r\n");
  EXPECT_EQ(
      MonitorLine(1700000000000001, 0, "unix:/tmp/s.sock", std::vector<std::string_view>{"PING"}),
      "+1700000000.000001 [0 unix:/tmp/s.sock] \"PING\"\r\n");
}

TEST(MonitorTest, RedactionFollowsAuthAndHelloParsing) {
  TestServer t;
  EXPECT_EQ(Shown(t, {"AUTH", "pw"}), "AUTH|(redacted)|");
  EXPECT_EQ(Shown(t, {"AUTH", "u", "pw"}), "AUTH|(redacted)|(redacted)|");
  EXPECT_EQ(Shown(t, {"AUTH", "a", "b", "c"}), "AUTH|a|b|c|");
  EXPECT_EQ(Shown(t, {"HELLO", "3", "AUTH", "u", "p"}), "HELLO|3|AUTH|(redacted)|(redacted)|");
  EXPECT_EQ(Shown(t, {"HELLO", "2", "SETNAME", "n", "auth", "u", "p", "X"}),
            "HELLO|2|SETNAME|n|auth|(redacted)|(redacted)|X|");
  EXPECT_EQ(Shown(t, {"HELLO", "2", "AUTH", "u"}), "HELLO|2|AUTH|u|");
  EXPECT_EQ(Shown(t, {"HELLO", "x", "AUTH", "u", "p"}), "HELLO|x|AUTH|u|p|");
  EXPECT_EQ(Shown(t, {"HELLO", "4", "AUTH", "u", "p"}), "HELLO|4|AUTH|u|p|");
  EXPECT_EQ(Shown(t, {"HELLO", "2", "FOO", "AUTH", "u", "p"}), "HELLO|2|FOO|AUTH|u|p|");
  EXPECT_EQ(Shown(t, {"SET", "AUTH", "x"}), "SET|AUTH|x|");
}

TEST(MonitorTest, MonitorCommand) {
  TestServer t;
  EXPECT_EQ(t.Run({"MONITOR", "x"}), "-ERR wrong number of arguments for 'monitor' command\r\n");
  EXPECT_EQ(t.Run({"MONITOR"}), "+OK\r\n");
  EXPECT_TRUE(t.client().is_monitor);
  EXPECT_EQ(t.Run({"MONITOR"}), "");  // ignored without a reply
  EXPECT_EQ(t.server().monitors().size(), 1u);
  EXPECT_EQ(t.Run({"GET", "k"}), "-ERR Replica can't interact with the keyspace\r\n");
  EXPECT_EQ(t.Run({"SET", "k", "v"}), "-ERR Replica can't interact with the keyspace\r\n");
  EXPECT_EQ(t.Run({"PING"}), "+PONG\r\n");
  EXPECT_EQ(t.Run({"RESET"}), "+RESET\r\n");
  EXPECT_FALSE(t.client().is_monitor);
  EXPECT_TRUE(t.server().monitors().empty());
}

TEST(TimeTest, ReadsTheServerClock) {
  TestServer t;
  t.clock().SetMs(1700000000123);
  EXPECT_EQ(t.Run({"TIME"}), "*2\r\n$10\r\n1700000000\r\n$6\r\n123000\r\n");
  EXPECT_EQ(t.Run({"TIME", "x"}), "-ERR wrong number of arguments for 'time' command\r\n");
}

}  // namespace
}  // namespace duet
