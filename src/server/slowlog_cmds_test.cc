#include <gtest/gtest.h>

#include "server/test_harness.h"

namespace duet {
namespace {

TEST(SlowlogTest, ErrorsAndHelp) {
  TestServer t;
  EXPECT_EQ(t.Run({"SLOWLOG"}), "-ERR wrong number of arguments for 'slowlog' command\r\n");
  EXPECT_EQ(t.Run({"SLOWLOG", "foo"}), "-ERR unknown subcommand 'foo'. Try SLOWLOG HELP.\r\n");
  EXPECT_EQ(t.Run({"SLOWLOG", "LEN", "x"}),
            "-ERR wrong number of arguments for 'slowlog|len' command\r\n");
  EXPECT_EQ(t.Run({"SLOWLOG", "get", "1", "2"}),
            "-ERR unknown subcommand or wrong number of arguments for 'get'. Try SLOWLOG "
            "HELP.\r\n");
  EXPECT_EQ(t.Run({"SLOWLOG", "GET", "-2"}),
            "-ERR count should be greater than or equal to -1\r\n");
  EXPECT_EQ(t.Run({"SLOWLOG", "GET", "x"}), "-ERR count should be greater than or equal to -1\r\n");
  EXPECT_EQ(t.Run({"SLOWLOG", "HELP"}).substr(0, 5), "*12\r\n");
}

TEST(SlowlogTest, RecordsEntriesWithRedisShape) {
  TestServer t;
  t.config().slowlog_log_slower_than = 0;  // log everything
  t.clock().SetMs(1700000000000);
  t.client().peer_ip = "127.0.0.1";
  t.client().peer_port = 4242;
  EXPECT_EQ(t.Run({"SLOWLOG", "RESET"}), "+OK\r\n");
  // The RESET itself was logged after it ran.
  EXPECT_EQ(t.Run({"SLOWLOG", "LEN"}), ":1\r\n");
  t.Run({"CLIENT", "SETNAME", "w1"});
  t.Run({"AUTH", "secret"});
  std::string r = t.Run({"SLOWLOG", "GET", "1"});
  // *1 [id, time, duration, ["AUTH", "(redacted)"], peer, name]
  size_t dur_end = r.find("\r\n*2\r\n$4\r\nAUTH\r\n");
  ASSERT_NE(dur_end, std::string::npos) << r;
  EXPECT_EQ(r.substr(0, 25), "*1\r\n*6\r\n:3\r\n:1700000000\r\n");
  EXPECT_EQ(r.substr(dur_end),
            "\r\n*2\r\n$4\r\nAUTH\r\n$10\r\n(redacted)\r\n$14\r\n127.0.0.1:4242\r\n$2\r\nw1\r\n");
  EXPECT_EQ(t.Run({"SLOWLOG", "GET", "0"}), "*0\r\n");
  EXPECT_EQ(t.Run({"SLOWLOG", "GET", "-1"}).substr(0, 4), "*6\r\n");
  EXPECT_EQ(t.Run({"SLOWLOG", "GET"}).substr(0, 4), "*7\r\n");
  t.Run({"SLOWLOG", "RESET"});
  t.config().slowlog_log_slower_than = -1;  // disabled
  t.Run({"PING"});
  EXPECT_EQ(t.Run({"SLOWLOG", "LEN"}), ":1\r\n");  // only the RESET
}

TEST(SlowlogTest, DefaultCountIsTen) {
  TestServer t;
  t.config().slowlog_log_slower_than = 0;
  for (int i = 0; i < 15; i++) t.Run({"PING"});
  EXPECT_EQ(t.Run({"SLOWLOG", "GET"}).substr(0, 5), "*10\r\n");
  EXPECT_EQ(t.Run({"SLOWLOG", "LEN"}), ":16\r\n");
}

}  // namespace
}  // namespace duet

namespace duet {
namespace {

TEST(SlowlogTest, ConfigSetOfAPasswordIsRedacted) {
  TestServer t;
  t.config().slowlog_log_slower_than = 0;  // log everything
  EXPECT_EQ(t.Run({"CONFIG", "SET", "requirepass", "hunter2", "maxmemory-samples", "6"}),
            "+OK\r\n");
  std::string log = t.Run({"SLOWLOG", "GET", "1"});
  EXPECT_EQ(log.find("hunter2"), std::string::npos) << log;
  EXPECT_NE(log.find("$10\r\n(redacted)\r\n"), std::string::npos) << log;
  EXPECT_NE(log.find("$1\r\n6\r\n"), std::string::npos) << log;
}

}  // namespace
}  // namespace duet
