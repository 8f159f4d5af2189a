#include "server/memory_stats.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <vector>

namespace duet {
namespace {

// used_memory leaves out the bytes parked in jemalloc's thread caches: they move in and out
// of stats.allocated in batches with no malloc/free by the application, which the gauge
// (this thread's own counters) cannot see. With them left out, the gauge and a fresh read
// agree after any amount of churn, so the maxmemory check and INFO used_memory agree too.
TEST(MemoryStatsTest, UsedMemoryLeavesOutThreadCachesSoTheGaugeAgreesWithAFreshRead) {
  if (AllocatorName().rfind("jemalloc", 0) != 0) GTEST_SKIP() << "needs jemalloc";
  UsedMemoryGauge gauge;
  std::vector<void*> blocks;
  for (int round = 0; round < 20; round++) {
    for (int i = 0; i < 5000; i++) blocks.push_back(malloc(48 + static_cast<size_t>(i % 8) * 128));
    for (size_t i = round % 2; i < blocks.size(); i += 2) {
      free(blocks[i]);
      blocks[i] = nullptr;
    }
    std::erase(blocks, nullptr);
  }
  uint64_t fresh = ReadUsedMemory();
  uint64_t estimate = gauge.Get();
  EXPECT_LT(estimate > fresh ? estimate - fresh : fresh - estimate, 4096u)
      << "gauge " << estimate << " fresh " << fresh;
  MemoryStats m = ReadMemoryStats();
  EXPECT_LE(m.used, m.allocator_allocated);
  for (void* p : blocks) free(p);
}

}  // namespace
}  // namespace duet
