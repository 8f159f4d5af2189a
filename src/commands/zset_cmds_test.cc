#include <gtest/gtest.h>

#include "server/test_harness.h"

namespace duet {
namespace {

TEST(ZSetCommandsTest, TimestampsRoundTripAsPlainDigits) {
  TestServer s;
  EXPECT_EQ(s.Run({"ZADD", "q", "1700000000123", "job1", "1e15", "job2"}), ":2\r\n");
  EXPECT_EQ(s.Run({"ZSCORE", "q", "job2"}), "$16\r\n1000000000000000\r\n");
  EXPECT_EQ(s.Run({"ZRANGEBYSCORE", "q", "0", "1700000000123", "WITHSCORES"}),
            "*2\r\n$4\r\njob1\r\n$13\r\n1700000000123\r\n");
  EXPECT_EQ(s.Run({"ZPOPMIN", "q"}), "*2\r\n$4\r\njob1\r\n$13\r\n1700000000123\r\n");
  EXPECT_EQ(s.Run({"ZPOPMIN", "q"}), "*2\r\n$4\r\njob2\r\n$16\r\n1000000000000000\r\n");
  EXPECT_EQ(s.Run({"EXISTS", "q"}), ":0\r\n");
}

TEST(ZSetCommandsTest, EncodingFollowsConfig) {
  TestServer s;
  s.config().zset_max_listpack_entries = 2;
  s.Run({"ZADD", "z", "1", "a", "2", "b"});
  EXPECT_EQ(s.Run({"OBJECT", "ENCODING", "z"}), "$8\r\nlistpack\r\n");
  s.Run({"ZADD", "z", "3", "c"});
  EXPECT_EQ(s.Run({"OBJECT", "ENCODING", "z"}), "$8\r\nskiplist\r\n");
  s.Run({"ZREM", "z", "c"});
  EXPECT_EQ(s.Run({"OBJECT", "ENCODING", "z"}), "$8\r\nskiplist\r\n");
  // STORE results that fit go back to listpack, as Redis converts them.
  EXPECT_EQ(s.Run({"ZUNIONSTORE", "d", "1", "z"}), ":2\r\n");
  EXPECT_EQ(s.Run({"OBJECT", "ENCODING", "d"}), "$8\r\nlistpack\r\n");
  EXPECT_EQ(s.Run({"TYPE", "d"}), "+zset\r\n");
}

TEST(ZSetCommandsTest, WrongTypeAndDirty) {
  TestServer s;
  s.Run({"SET", "str", "x"});
  EXPECT_EQ(s.Run({"ZADD", "str", "1", "a"}).substr(0, 10), "-WRONGTYPE");
  EXPECT_EQ(s.Run({"ZADD", "z", "1", "a", "nan", "b"}), "-ERR value is not a valid float\r\n");
  EXPECT_EQ(s.Run({"EXISTS", "z"}), ":0\r\n");
}

}  // namespace
}  // namespace duet
