#include "keyspace/lfu.h"

#include <gtest/gtest.h>

namespace duet::lfu {
namespace {

constexpr int64_t kMinute = 60'000;

TEST(LfuTest, NewKeysStartAtInitVal) {
  uint16_t m = NewMeta(123 * kMinute);
  EXPECT_EQ(m & 0xff, kInitVal);
  EXPECT_EQ(DecayedCounter(m, 123 * kMinute, 1), kInitVal);
}

TEST(LfuTest, DecayOnePerPeriod) {
  uint16_t m = Pack(Minutes(100 * kMinute), 20);
  EXPECT_EQ(DecayedCounter(m, 100 * kMinute + 59'999, 1), 20);
  EXPECT_EQ(DecayedCounter(m, 103 * kMinute, 1), 17);
  EXPECT_EQ(DecayedCounter(m, 103 * kMinute, 2), 19);
  EXPECT_EQ(DecayedCounter(m, 150 * kMinute, 1), 0);
  EXPECT_EQ(DecayedCounter(m, 150 * kMinute, 0), 20);  // lfu-decay-time 0: never decays
  // The 8-bit minute stamp wraps: 255 -> 2 is 3 minutes.
  uint16_t w = Pack(255, 10);
  EXPECT_EQ(DecayedCounter(w, 258 * kMinute, 1), 7);
}

TEST(LfuTest, LogIncrProbability) {
  EXPECT_EQ(LogIncr(5, 10, 0.999), 6);  // p = 1 at the initial value
  EXPECT_EQ(LogIncr(0, 10, 0.999), 1);
  EXPECT_EQ(LogIncr(6, 10, 0.0908), 7);  // p = 1/11
  EXPECT_EQ(LogIncr(6, 10, 0.0910), 6);
  EXPECT_EQ(LogIncr(255, 10, 0.0), 255);
}

TEST(LfuTest, TouchDecaysThenIncrements) {
  uint16_t m = Pack(Minutes(10 * kMinute), 5);
  uint16_t t = Touch(m, 12 * kMinute, 10, 1, 0.5);
  EXPECT_EQ(t & 0xff, 4);  // 5 - 2 periods = 3, then p = 1 -> 4
  EXPECT_EQ(t >> 8, Minutes(12 * kMinute));
  EXPECT_TRUE(IsLfuPolicy("allkeys-lfu"));
  EXPECT_TRUE(IsLfuPolicy("volatile-lfu"));
  EXPECT_FALSE(IsLfuPolicy("allkeys-lru"));
  EXPECT_FALSE(IsLfuPolicy("noeviction"));
}

}  // namespace
}  // namespace duet::lfu
