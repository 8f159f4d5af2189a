// When memory the application freed goes back to the OS at once instead of over jemalloc's
// decay time (10 s, and only while some thread allocates or the background thread runs).
//
// The cron feeds used_memory readings to a MemoryReleaseTrigger; it fires when used memory
// has fallen to half of its high-water mark since the last release and by at least 4 MB:
// most keys expired, evictions after lowering maxmemory, a big DEL or UNLINK. The server then
// runs Keyspace::ReleaseFreedMemory (flush the event-loop thread's allocator cache, purge on
// the lazy-free thread). A drop to half at most doubles the releases of a steady shrink
// (log2 of the peak over 4 MB of them for a whole dataset), and nothing fires while memory
// stays or grows, so steady workloads keep jemalloc's reuse of dirty pages.
#pragma once

#include <cstdint>

namespace duet {

class MemoryReleaseTrigger {
 public:
  static constexpr uint64_t kMinDropBytes = 4 << 20;

  // Feeds one used-memory reading; returns true when a release is due (the high-water mark
  // then restarts from `used`).
  bool Observe(uint64_t used) {
    if (used > mark_) mark_ = used;
    if (mark_ - used < kMinDropBytes || used > mark_ / 2) return false;
    mark_ = used;
    return true;
  }

 private:
  uint64_t mark_ = 0;  // highest reading since the last release
};

}  // namespace duet
