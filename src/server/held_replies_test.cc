#include "server/held_replies.h"

#include <gtest/gtest.h>

#include <vector>

namespace duet {
namespace {

std::vector<uint64_t> ReleasedIds(HeldReplies& held, uint64_t durable) {
  std::vector<uint64_t> ids;
  held.Release(durable, [&ids](const HeldReplies::Hold& h) { ids.push_back(h.id); });
  return ids;
}

TEST(HeldRepliesTest, ReleasesWhatTheDurableOffsetCoversInOrder) {
  HeldReplies held;
  EXPECT_EQ(held.last_need(), 0u);
  held.Add(100, 7, 1, 10);
  held.Add(100, 8, 2, 20);
  held.Add(250, 7, 1, 30);
  EXPECT_EQ(held.last_need(), 250u);
  EXPECT_EQ(held.size(), 3u);
  EXPECT_TRUE(ReleasedIds(held, 99).empty());
  EXPECT_EQ(ReleasedIds(held, 200), (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(held.size(), 1u);
  EXPECT_EQ(held.last_need(), 250u);
  EXPECT_EQ(ReleasedIds(held, 250), (std::vector<uint64_t>{1}));
  EXPECT_TRUE(held.empty());
  EXPECT_EQ(held.last_need(), 0u);
}

TEST(HeldRepliesTest, KeepsEachHoldsOutputEnd) {
  HeldReplies held;
  held.Add(5, 3, 9, 1234);
  std::vector<HeldReplies::Hold> out;
  held.Release(5, [&out](const HeldReplies::Hold& h) { out.push_back(h); });
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].fd, 3);
  EXPECT_EQ(out[0].id, 9u);
  EXPECT_EQ(out[0].end, 1234u);
  EXPECT_EQ(out[0].need, 5u);
}

}  // namespace
}  // namespace duet
