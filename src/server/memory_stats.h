// Process memory figures for INFO memory, from the allocator when it can tell.
//
// Built with jemalloc (DUET_HAVE_JEMALLOC), the figures come from mallctl's stats.allocated /
// active / resident, as Redis reports them; `used` is stats.allocated minus the bytes cached
// in thread caches (what Redis's zmalloc counts: only the application's allocations). Otherwise
// (sanitizer builds use the libc or sanitizer allocator) `used` comes from mallinfo2 and the
// allocator figures are derived from it and the RSS, so INFO stays well-formed.
#pragma once

#include <cstdint>
#include <string>

namespace duet {

struct MemoryStats {
  uint64_t used = 0;  // bytes the application holds (used_memory): allocated minus tcaches
  uint64_t allocator_allocated = 0;  // allocator's allocated bytes
  uint64_t allocator_active = 0;     // bytes in active pages
  uint64_t allocator_resident = 0;   // bytes of allocator memory resident in RAM
  uint64_t rss = 0;                  // process resident set size
};

// Reads fresh figures (refreshes jemalloc's statistics epoch). Costs a few microseconds: for
// INFO and the cron, not for every command.
MemoryStats ReadMemoryStats();
// Just the used-memory figure (same source as MemoryStats::used).
uint64_t ReadUsedMemory();
// UsedMemoryGauge: used_memory cheap enough to read before every command (the maxmemory
// check). Refreshing jemalloc's statistics epoch costs microseconds, so it happens at most
// once per cron tick or on demand (Refresh); in between, the figure moves by this thread's
// own allocations and frees, read from jemalloc's per-thread counters (thread.allocatedp /
// thread.deallocatedp: two loads). Frees done on other threads (the lazy-free thread) show
// up at the next Refresh, so between refreshes the figure can only overstate. Without
// jemalloc Get() returns the figure of the last Refresh.
//
// Construct and use it on the event-loop thread (the counters are that thread's).
class UsedMemoryGauge {
 public:
  UsedMemoryGauge();
  void Refresh();
  uint64_t Get() const;

 private:
  uint64_t base_ = 0;  // used memory at the last Refresh
  const uint64_t* allocated_ = nullptr;
  const uint64_t* deallocated_ = nullptr;
  uint64_t allocated_at_refresh_ = 0;
  uint64_t deallocated_at_refresh_ = 0;
};

// The bytes the allocator holds for `s`'s heap buffer (its size class, which can exceed the
// capacity by up to a quarter for a large buffer); 0 for a string kept inline.
size_t AllocatedBytes(const std::string& s);

// jemalloc's malloc_stats_print text (MEMORY MALLOC-STATS), or Redis's answer for other
// allocators.
std::string AllocatorStatsText();

// Resident set size of this process, in bytes (0 if /proc is unavailable).
uint64_t ReadProcessRss();
// Bytes of transparent huge pages mapped by this process (AnonHugePages summed over
// /proc/self/smaps, as Redis's THPGetAnonHugePagesSize); 0 if /proc is unavailable.
uint64_t ReadAnonHugePagesBytes();
// Physical memory of the machine, in bytes.
uint64_t TotalSystemMemory();
// "jemalloc-5.3.0" or "libc", as INFO's mem_allocator.
std::string AllocatorName();

}  // namespace duet
