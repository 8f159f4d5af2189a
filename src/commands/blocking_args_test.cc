// The timeout parser shared by the blocking commands and CLIENT PAUSE (Redis 7.0.15's
// getTimeoutFromObjectOrReply), through the real commands with a manual clock.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "server/test_harness.h"

namespace duet {
namespace {

constexpr int64_t kNow = 1'700'000'000'000;

// Runs a blocking command that finds nothing; returns the deadline it blocked with, or -1
// when it replied instead (the reply is in *reply).
int64_t BlockedDeadline(std::vector<std::string_view> args, std::string* reply = nullptr) {
  TestServer t;
  t.clock().SetMs(kNow);
  std::string out = t.Run(args);
  if (reply) *reply = out;
  if (!t.client().blocked) return -1;
  EXPECT_EQ(out, "");
  return t.client().blocked->deadline_ms;
}

TEST(BlockTimeoutTest, FractionsOfAMillisecondRoundUp) {
  // 0.001 s * 1000 is 0.99999... in binary; truncating made it 0, "block forever".
  EXPECT_EQ(BlockedDeadline({"BLPOP", "k", "0.001"}), kNow + 1);
  EXPECT_EQ(BlockedDeadline({"BZPOPMIN", "k", "0.001"}), kNow + 1);
  EXPECT_EQ(BlockedDeadline({"BLPOP", "k", "0.0001"}), kNow + 1);
  EXPECT_EQ(BlockedDeadline({"BLPOP", "k", "1e-300"}), kNow + 1);
  EXPECT_EQ(BlockedDeadline({"BLPOP", "k", "0.0011"}), kNow + 2);
  EXPECT_EQ(BlockedDeadline({"BLPOP", "k", "1.5"}), kNow + 1500);
  EXPECT_EQ(BlockedDeadline({"BLPOP", "k", "2"}), kNow + 2000);
  EXPECT_EQ(BlockedDeadline({"BLPOP", "k", "0"}), 0);
  EXPECT_EQ(BlockedDeadline({"BLPOP", "k", "0.0"}), 0);
  // ceill(-0.1) is -0: no timeout, as in Redis; so is -0.001 (-0.999... ms in binary).
  EXPECT_EQ(BlockedDeadline({"BLPOP", "k", "-0.0001"}), 0);
  EXPECT_EQ(BlockedDeadline({"BLPOP", "k", "-0.001"}), 0);
  // now + timeout past INT64_MAX: no deadline (Redis's table never reaches it).
  EXPECT_EQ(BlockedDeadline({"BLPOP", "k", "9223372036854775"}), 0);
}

TEST(BlockTimeoutTest, EveryBlockingCommandUsesIt) {
  const std::vector<std::vector<std::string_view>> cmds = {
      {"BLPOP", "k", "0.001"},
      {"BRPOP", "k", "0.001"},
      {"BRPOPLPUSH", "k", "d", "0.001"},
      {"BLMOVE", "k", "d", "LEFT", "RIGHT", "0.001"},
      {"BLMPOP", "0.001", "1", "k", "LEFT"},
      {"BZPOPMIN", "k", "0.001"},
      {"BZPOPMAX", "k", "0.001"},
      {"BZMPOP", "0.001", "1", "k", "MIN"},
  };
  for (const auto& cmd : cmds) EXPECT_EQ(BlockedDeadline(cmd), kNow + 1) << cmd[0];
}

TEST(BlockTimeoutTest, TimesOutOneMillisecondLater) {
  TestServer t;
  t.clock().SetMs(kNow);
  EXPECT_EQ(t.Run({"BZPOPMIN", "marker", "0.001"}), "");
  uint64_t id = t.client().id();
  EXPECT_TRUE(t.server().blocking().DueClients(kNow).empty());
  EXPECT_EQ(t.server().blocking().DueClients(kNow + 1), std::vector<uint64_t>{id});
  EXPECT_EQ(t.server().blocking().NextDeadline(), kNow + 1);
}

TEST(BlockTimeoutTest, Errors) {
  std::string reply;
  for (std::string_view bad : {"x", "", " 1", "1 ", "nan", "0x"}) {
    EXPECT_EQ(BlockedDeadline({"BLPOP", "k", bad}, &reply), -1) << bad;
    EXPECT_EQ(reply, "-ERR timeout is not a float or out of range\r\n") << bad;
  }
  for (std::string_view neg : {"-1", "-0.002", "-0.0015", "inf", "1e20", "9223372036854776"}) {
    EXPECT_EQ(BlockedDeadline({"BZPOPMAX", "k", neg}, &reply), -1) << neg;
    EXPECT_EQ(reply, "-ERR timeout is negative\r\n") << neg;
  }
}

TEST(BlockTimeoutTest, ClientPauseCountsMilliseconds) {
  TestServer t;
  t.clock().SetMs(kNow);
  EXPECT_EQ(t.Run({"CLIENT", "PAUSE", "0.5"}),
            "-ERR timeout is not an integer or out of range\r\n");
  EXPECT_EQ(t.Run({"CLIENT", "PAUSE", "-1"}), "-ERR timeout is negative\r\n");
  EXPECT_EQ(t.Run({"CLIENT", "PAUSE", "0"}), "+OK\r\n");
  EXPECT_FALSE(t.server().paused());
  EXPECT_EQ(t.Run({"CLIENT", "PAUSE", "100", "WRITE"}), "+OK\r\n");
  EXPECT_TRUE(t.server().paused());
}

}  // namespace
}  // namespace duet
