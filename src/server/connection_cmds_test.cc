#include <gtest/gtest.h>

#include "server/test_harness.h"

namespace duet {
namespace {

TEST(ConnectionCommandsTest, PingEchoSelect) {
  TestServer t;
  EXPECT_EQ(t.Run({"PING"}), "+PONG\r\n");
  EXPECT_EQ(t.Run({"ping", "hi"}), "$2\r\nhi\r\n");
  EXPECT_EQ(t.Run({"PING", "a", "b"}), "-ERR wrong number of arguments for 'ping' command\r\n");
  EXPECT_EQ(t.Run({"ECHO", ""}), "$0\r\n\r\n");
  EXPECT_EQ(t.Run({"SELECT", "15"}), "+OK\r\n");
  EXPECT_EQ(t.client().db_index, 15);
  EXPECT_EQ(t.Run({"SELECT", "16"}), "-ERR DB index is out of range\r\n");
  EXPECT_EQ(t.Run({"SELECT", "x"}), "-ERR value is not an integer or out of range\r\n");
}

TEST(ConnectionCommandsTest, AuthAndNoAuth) {
  TestServer t;
  EXPECT_EQ(t.Run({"CONFIG", "SET", "requirepass", "pw"}), "+OK\r\n");
  t.client().authenticated = false;
  EXPECT_EQ(t.Run({"ECHO", "x"}), "-NOAUTH Authentication required.\r\n");
  EXPECT_EQ(t.Run({"AUTH", "bad"}),
            "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  EXPECT_EQ(t.Run({"AUTH", "pw"}), "+OK\r\n");
  EXPECT_EQ(t.Run({"ECHO", "x"}), "$1\r\nx\r\n");
}

TEST(ConnectionCommandsTest, HelloSwitchesToResp3) {
  TestServer t;
  std::string r = t.Run({"HELLO", "3"});
  EXPECT_EQ(r.substr(0, 4), "%7\r\n");
  EXPECT_EQ(t.client().resp, 3);
  EXPECT_EQ(t.Run({"HELLO", "4"}), "-NOPROTO unsupported protocol version\r\n");
}

}  // namespace
}  // namespace duet
