#include "server/memory_stats.h"

#include <malloc.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#ifdef DUET_HAVE_JEMALLOC
#include <jemalloc/jemalloc.h>
// Weak, so a binary that links this library without jemalloc still links (mallctl is then
// null and the libc path is used).
#pragma weak mallctl
#pragma weak malloc_stats_print
#endif

namespace duet {

namespace {
#ifdef DUET_HAVE_JEMALLOC
bool HaveJemalloc() { return &mallctl != nullptr; }

uint64_t JeStat(const char* name) {
  size_t v = 0, len = sizeof(v);
  if (mallctl(name, &v, &len, nullptr, 0) != 0) return 0;
  return v;
}

// stats.allocated counts the regions sitting in thread caches as allocated (a cache fill
// moves up to ~100 regions per size class out of the slabs at once): up to hundreds of KB
// that no object holds, appearing and vanishing with no malloc/free by the application.
// Redis's used_memory counts only what the application holds (zmalloc's usable sizes), and
// the event-loop thread's own counters (UsedMemoryGauge) cannot see cache fills and
// flushes, so used memory leaves them out: allocated minus the bytes cached in tcaches.
uint64_t JeApplicationAllocated() {
  char name[64];
  uint64_t cached = 0;
  for (const char* field : {"tcache_bytes", "tcache_stashed_bytes"}) {
    snprintf(name, sizeof(name), "stats.arenas.%d.%s", MALLCTL_ARENAS_ALL, field);
    cached += JeStat(name);
  }
  uint64_t allocated = JeStat("stats.allocated");
  return allocated > cached ? allocated - cached : allocated;
}

void RefreshJemallocStats() {
  uint64_t epoch = 1;
  size_t len = sizeof(epoch);
  mallctl("epoch", &epoch, &len, &epoch, len);
}
#endif

uint64_t LibcUsed() {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
  struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
#else
  return 0;
#endif
}
}  // namespace

uint64_t ReadProcessRss() {
  FILE* f = fopen("/proc/self/statm", "r");
  if (!f) return 0;
  unsigned long size = 0, resident = 0;
  int n = fscanf(f, "%lu %lu", &size, &resident);
  fclose(f);
  if (n != 2) return 0;
  return static_cast<uint64_t>(resident) * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

uint64_t ReadAnonHugePagesBytes() {
  FILE* f = fopen("/proc/self/smaps", "r");
  if (!f) return 0;
  static constexpr char kField[] = "AnonHugePages:";
  char line[256];
  uint64_t kb = 0;
  while (fgets(line, sizeof(line), f)) {
    if (strncmp(line, kField, sizeof(kField) - 1) == 0) {
      kb += strtoull(line + sizeof(kField) - 1, nullptr, 10);
    }
  }
  fclose(f);
  return kb * 1024;
}

uint64_t TotalSystemMemory() {
  long pages = sysconf(_SC_PHYS_PAGES);
  long page = sysconf(_SC_PAGESIZE);
  return pages > 0 && page > 0 ? static_cast<uint64_t>(pages) * static_cast<uint64_t>(page) : 0;
}

std::string AllocatorName() {
#ifdef DUET_HAVE_JEMALLOC
  if (HaveJemalloc()) {
    return "jemalloc-" + std::to_string(JEMALLOC_VERSION_MAJOR) + "." +
           std::to_string(JEMALLOC_VERSION_MINOR) + "." + std::to_string(JEMALLOC_VERSION_BUGFIX);
  }
#endif
  return "libc";
}

MemoryStats ReadMemoryStats() {
  MemoryStats m;
  m.rss = ReadProcessRss();
#ifdef DUET_HAVE_JEMALLOC
  if (HaveJemalloc()) {
    RefreshJemallocStats();
    m.allocator_allocated = JeStat("stats.allocated");
    m.allocator_active = JeStat("stats.active");
    m.allocator_resident = JeStat("stats.resident");
    m.used = JeApplicationAllocated();
    return m;
  }
#endif
  m.used = LibcUsed();
  if (m.used == 0) m.used = m.rss;  // sanitizer allocators report nothing through mallinfo
  m.allocator_allocated = m.used;
  m.allocator_active = m.used;
  m.allocator_resident = m.rss > m.used ? m.rss : m.used;
  return m;
}

UsedMemoryGauge::UsedMemoryGauge() {
#ifdef DUET_HAVE_JEMALLOC
  if (HaveJemalloc()) {
    uint64_t* p = nullptr;
    size_t len = sizeof(p);
    if (mallctl("thread.allocatedp", &p, &len, nullptr, 0) == 0) allocated_ = p;
    len = sizeof(p);
    if (mallctl("thread.deallocatedp", &p, &len, nullptr, 0) == 0) deallocated_ = p;
    if (!allocated_ || !deallocated_) allocated_ = deallocated_ = nullptr;
  }
#endif
  Refresh();
}

void UsedMemoryGauge::Refresh() {
  base_ = ReadUsedMemory();
  if (allocated_) {
    allocated_at_refresh_ = *allocated_;
    deallocated_at_refresh_ = *deallocated_;
  }
}

uint64_t UsedMemoryGauge::Get() const {
  if (!allocated_) return base_;
  // Both counters only grow; their difference since the refresh is this thread's net.
  int64_t net = static_cast<int64_t>(*allocated_ - allocated_at_refresh_) -
                static_cast<int64_t>(*deallocated_ - deallocated_at_refresh_);
  int64_t v = static_cast<int64_t>(base_) + net;
  return v > 0 ? static_cast<uint64_t>(v) : 0;
}

size_t AllocatedBytes(const std::string& s) {
  // libstdc++ keeps up to 15 bytes inside the string object.
  if (s.capacity() <= 15) return 0;
  return malloc_usable_size(const_cast<char*>(s.data()));
}

std::string AllocatorStatsText() {
#ifdef DUET_HAVE_JEMALLOC
  if (HaveJemalloc()) {
    std::string out;
    malloc_stats_print(
        [](void* arg, const char* text) { static_cast<std::string*>(arg)->append(text); }, &out,
        nullptr);
    return out;
  }
#endif
  return "Stats not supported for the current allocator";
}

uint64_t ReadUsedMemory() {
#ifdef DUET_HAVE_JEMALLOC
  if (HaveJemalloc()) {
    RefreshJemallocStats();
    return JeApplicationAllocated();
  }
#endif
  uint64_t used = LibcUsed();
  return used ? used : ReadProcessRss();
}

}  // namespace duet
