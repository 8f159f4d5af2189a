#include "keyspace/keyspace.h"

#include <gtest/gtest.h>

namespace duet {
namespace {

// The LRU age sweep shares kSweepTicks among the databases; past 4096 of them the share
// rounded to zero and the first clock tick divided by it.
TEST(KeyspaceTest, AgeSweepWithMoreDatabasesThanSweepTicks) {
  Keyspace ks(5000);
  ks.db(4999).Add(Entry::NewString("k", "v", Entry::kNoExpire));
  ks.db(0).Add(Entry::NewString("k0", "v", Entry::kNoExpire));
  int64_t now = 1'700'000'000'000;
  ks.SetNow(now);  // the clock's first call: tick 0
  uint16_t first = ks.ctx().lru_clock;
  for (int i = 1; i <= 20; i++) ks.SetNow(now + i * 1000);  // a tick per second
  EXPECT_EQ(static_cast<uint16_t>(ks.ctx().lru_clock - first), 20);
  EXPECT_EQ(ks.db(4999).size(), 1u);
  EXPECT_EQ(ks.db(0).size(), 1u);
}

}  // namespace
}  // namespace duet
