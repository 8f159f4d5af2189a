#include "server/replication.h"

#include <gtest/gtest.h>

#include <string>

namespace duet {
namespace {

// A feed whose backlog is active (as after its first replica), replicas' bytes dropped.
ReplicationFeed ActiveFeed(int64_t backlog_size) {
  ReplicationFeed feed([](uint64_t, std::string_view) {});
  feed.set_backlog_size(backlog_size);
  feed.ResetHistory(0);
  return feed;
}

// The stream's bytes from `from` as the feed's backlog serves them.
std::string From(const ReplicationFeed& feed, int64_t from) {
  std::optional<std::string_view> v = feed.BacklogFrom(from);
  return v ? std::string(*v) : "<none>";
}

TEST(ReplicationFeedTest, BacklogKeepsTheNewestBytesWithinItsLimit) {
  ReplicationFeed feed = ActiveFeed(16 * 1024);
  std::string stream;
  for (int i = 0; i < 20'000; i++) {
    std::string bytes = "cmd" + std::to_string(i) + ";";
    feed.FeedRaw(bytes);
    stream += bytes;
    // Never more than the size plus its headroom (here the 16 KB minimum) in the buffer.
    ASSERT_LE(feed.BacklogAllocatedBytes(), 40 * 1024u) << i;
  }
  EXPECT_EQ(feed.offset(), static_cast<int64_t>(stream.size()));
  EXPECT_EQ(feed.BacklogHistlen(), 16 * 1024);
  int64_t first = feed.BacklogFirstByte();
  EXPECT_EQ(first, feed.offset() - 16 * 1024 + 1);
  EXPECT_EQ(From(feed, first), stream.substr(static_cast<size_t>(first - 1)));
  EXPECT_EQ(From(feed, first - 1), "<none>");
  EXPECT_EQ(From(feed, feed.offset() + 1), "");
}

TEST(ReplicationFeedTest, BurstLargerThanTheBacklogKeepsItsTail) {
  ReplicationFeed feed = ActiveFeed(16 * 1024);
  feed.FeedRaw("head");
  std::string burst(200 * 1024, 'x');
  for (size_t i = 0; i < burst.size(); i += 7) burst[i] = static_cast<char>('a' + i % 26);
  feed.FeedRaw(burst);
  EXPECT_EQ(feed.BacklogHistlen(), 16 * 1024);
  EXPECT_EQ(From(feed, feed.BacklogFirstByte()), burst.substr(burst.size() - 16 * 1024));
  // The burst's size is not kept allocated.
  EXPECT_LE(feed.BacklogAllocatedBytes(), 40 * 1024u);
  feed.FeedRaw("tail");
  EXPECT_EQ(From(feed, feed.offset() - 3), "tail");
}

// The maxmemory suite's replica tests: the backlog grew under the default 1 MB while the
// configured 16 KB had not reached it, and kept that buffer (2.5 MB counted as used memory).
TEST(ReplicationFeedTest, ShrinkingTheBacklogGivesItsMemoryBack) {
  ReplicationFeed feed = ActiveFeed(1 << 20);
  std::string chunk(1000, 'c');
  for (int i = 0; i < 3000; i++) feed.FeedRaw(chunk);
  EXPECT_EQ(feed.BacklogHistlen(), 1 << 20);
  EXPECT_GT(feed.BacklogAllocatedBytes(), 1u << 20);
  EXPECT_LE(feed.BacklogAllocatedBytes(), (3u << 20) / 2 + 256 * 1024);
  int64_t offset = feed.offset();
  feed.set_backlog_size(16 * 1024);
  EXPECT_EQ(feed.offset(), offset);
  EXPECT_EQ(feed.BacklogHistlen(), 16 * 1024);
  EXPECT_EQ(From(feed, feed.BacklogFirstByte()), std::string(16 * 1024, 'c'));
  EXPECT_LE(feed.BacklogAllocatedBytes(), 40 * 1024u);
  // Growing it again keeps the history it has and fills up to the new size.
  feed.set_backlog_size(64 * 1024);
  EXPECT_EQ(feed.BacklogHistlen(), 16 * 1024);
  for (int i = 0; i < 100; i++) feed.FeedRaw(chunk);
  EXPECT_EQ(feed.BacklogHistlen(), 64 * 1024);
}

TEST(ReplicationFeedTest, FreedBacklogHoldsNothing) {
  ReplicationFeed feed = ActiveFeed(16 * 1024);
  feed.FeedRaw(std::string(10'000, 'a'));
  EXPECT_GT(feed.BacklogAllocatedBytes(), 0u);
  feed.FreeBacklog();
  EXPECT_EQ(feed.BacklogAllocatedBytes(), 0u);
  EXPECT_EQ(feed.BacklogHistlen(), 0);
}

}  // namespace
}  // namespace duet
