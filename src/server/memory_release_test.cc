#include "server/memory_release.h"

#include <gtest/gtest.h>

namespace duet {
namespace {

constexpr uint64_t kMb = 1 << 20;

TEST(MemoryReleaseTriggerTest, FiresOnceUsedMemoryHalvesByFourMegabytesOrMore) {
  MemoryReleaseTrigger t;
  EXPECT_FALSE(t.Observe(1 * kMb));
  EXPECT_FALSE(t.Observe(48 * kMb));  // filling
  EXPECT_FALSE(t.Observe(30 * kMb));  // expiring, not yet half
  EXPECT_TRUE(t.Observe(24 * kMb));   // half of the 48 MB mark
  EXPECT_FALSE(t.Observe(20 * kMb));  // the mark restarted at 24
  EXPECT_TRUE(t.Observe(2 * kMb));
  EXPECT_FALSE(t.Observe(1 * kMb));  // a 1 MB drop is not worth a purge
  EXPECT_FALSE(t.Observe(1 * kMb));
}

TEST(MemoryReleaseTriggerTest, SmallDatasetsAndSteadyUseNeverFire) {
  MemoryReleaseTrigger t;
  for (int i = 0; i < 100; i++) EXPECT_FALSE(t.Observe((i % 2 ? 6 : 3) * kMb));
  MemoryReleaseTrigger steady;
  for (int i = 0; i < 100; i++) EXPECT_FALSE(steady.Observe((40 + i % 7) * kMb));
}

}  // namespace
}  // namespace duet
