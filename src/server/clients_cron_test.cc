#include <gtest/gtest.h>

#include <cstring>

#include "server/client_list.h"
#include "server/test_harness.h"

namespace duet {
namespace {

// Simulates a read of `n` bytes into the client's query buffer, as ReadFromClient does.
void Receive(Client& c, size_t n) {
  memset(c.query().PrepareWrite(n), 'x', n);
  c.query().CommitWrite(n);
  c.query_peak = std::max(c.query_peak, c.query().size());
}

TEST(ClientsCronTest, QueryBufferShrinksToRecentPeakThenFreesWhenIdle) {
  TestServer t;
  Client& c = t.client();
  int64_t now = t.clock().NowMs();
  c.last_interaction_ms = now;
  Receive(c, 400'000);  // a large request, then processed
  c.query().Consume(400'000);
  EXPECT_GE(c.query().capacity(), 400'000u);
  t.server().ResizeQueryBuffer(c, now);  // the large read is the peak: kept
  EXPECT_GE(c.query().capacity(), 400'000u);
  EXPECT_EQ(c.query_peak, 0u);  // restarted
  Receive(c, 130);              // a small request since: trimmed to it
  c.query().Consume(130);
  t.server().ResizeQueryBuffer(c, now);
  EXPECT_EQ(c.query().capacity(), 130u);
  // Small waste is left alone; an idle client's buffer goes once it wastes more than 4 KB.
  Receive(c, 16'384);
  c.query().Consume(16'384);
  t.server().ResizeQueryBuffer(c, now + 2'999);  // idle 2 s: not yet
  EXPECT_GE(c.query().capacity(), 16'384u);
  t.server().ResizeQueryBuffer(c, now + 3'000);
  EXPECT_EQ(c.query().capacity(), 0u);
}

TEST(ClientsCronTest, QueryBufferKeepsRoomForACommandBeingReceived) {
  TestServer t;
  Client& c = t.client();
  int64_t now = t.clock().NowMs();
  c.last_interaction_ms = now;
  Receive(c, 100'000);
  c.query().Consume(100'000);
  t.server().ResizeQueryBuffer(c, now);
  Receive(c, 1'000);  // the first bytes of a 60,000-byte command
  c.read_hint = 59'000;
  t.server().ResizeQueryBuffer(c, now);
  EXPECT_EQ(c.query().capacity(), 60'000u);
  EXPECT_EQ(c.query().size(), 1'000u);  // the received bytes survive the move
  EXPECT_EQ(c.query_peak, 60'000u);
}

TEST(ClientsCronTest, ReplyBufferShrinksForSmallRepliesAndGrowsForBigOnes) {
  TestServer t;
  Client& c = t.client();
  int64_t now = t.clock().NowMs();
  c.out_peak_reset_ms = now;
  EXPECT_EQ(c.reply_buf_size, 16'384u);
  c.out_peak = 5;  // "+OK\r\n"
  t.server().ResizeReplyBuffer(c, now);
  EXPECT_EQ(c.reply_buf_size, 1'024u);
  EXPECT_EQ(t.server().stats().reply_buffer_shrinks, 1u);
  // Replies that fill the buffer double it, up to 16 KB.
  for (size_t want : {2'048u, 4'096u, 8'192u, 16'384u, 16'384u}) {
    c.out_peak = c.reply_buf_size;
    t.server().ResizeReplyBuffer(c, now);
    EXPECT_EQ(c.reply_buf_size, want);
  }
  EXPECT_EQ(t.server().stats().reply_buffer_expands, 4u);
  // A peak between the two bounds (rounded up to the allocator's size class).
  c.out_peak = 1'500;
  t.server().ResizeReplyBuffer(c, now);
  EXPECT_EQ(c.reply_buf_size, 1'536u);
}

TEST(ClientsCronTest, ReplyPeakResetsEveryPeriodAndIdleOutputIsReleased) {
  TestServer t;
  t.config().other["enable-debug-command"] = "yes";
  Client& c = t.client();
  int64_t now = t.clock().NowMs();
  c.out_peak_reset_ms = now;
  c.reply_buf_size = 2'048;
  c.out_peak = 2'048;
  t.server().ResizeReplyBuffer(c, now + 4'999);
  EXPECT_EQ(c.out_peak, 2'048u);
  c.out().reserve(100'000);  // what a past big reply left allocated
  t.server().ResizeReplyBuffer(c, now + 5'000);
  EXPECT_EQ(c.out_peak, 0u);
  EXPECT_LE(c.out().capacity(), c.reply_buf_size);
  // DEBUG REPLYBUFFER: never reset the peak; stop resizing.
  EXPECT_EQ(t.Run({"DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "never"}), "+OK\r\n");
  c.out().clear();
  c.out_peak = 7;
  t.server().ResizeReplyBuffer(c, now + 60'000);
  EXPECT_EQ(c.out_peak, 7u);
  EXPECT_EQ(t.Run({"DEBUG", "replybuffer", "resizing", "0"}), "+OK\r\n");
  size_t before = c.reply_buf_size;
  c.out().clear();
  c.out_peak = 0;
  t.server().ResizeReplyBuffer(c, now + 60'000);
  EXPECT_EQ(c.reply_buf_size, before);
  EXPECT_EQ(t.Run({"DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "x"}),
            "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(t.Run({"DEBUG", "ReplyBuffer", "bogus", "1"}),
            "-ERR unknown subcommand or wrong number of arguments for 'ReplyBuffer'. Try DEBUG "
            "HELP.\r\n");
  EXPECT_EQ(t.Run({"DEBUG", "REPLYBUFFER", "RESIZING"}),
            "-ERR unknown subcommand or wrong number of arguments for 'REPLYBUFFER'. Try DEBUG "
            "HELP.\r\n");
}

TEST(ClientsCronTest, ClientListReportsTheModelledReplyBuffer) {
  TestServer t;
  t.client().reply_buf_size = 1'024;
  t.client().out_peak = 5;
  ClientInfoContext ctx;
  ctx.now_ms = t.clock().NowMs();
  std::string line;
  AppendClientInfo(line, t.client(), ctx);
  EXPECT_NE(line.find(" rbs=1024 rbp=5 "), std::string::npos) << line;
}

}  // namespace
}  // namespace duet
