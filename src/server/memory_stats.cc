#include "server/memory_stats.h"

#include <malloc.h>
#include <unistd.h>

#include <cstdio>

#ifdef DUET_HAVE_JEMALLOC
#include <jemalloc/jemalloc.h>
// Weak, so a binary that links this library without jemalloc still links (mallctl is then
// null and the libc path is used).
#pragma weak mallctl
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
    m.used = m.allocator_allocated;
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

uint64_t ReadUsedMemory() {
#ifdef DUET_HAVE_JEMALLOC
  if (HaveJemalloc()) {
    RefreshJemallocStats();
    return JeStat("stats.allocated");
  }
#endif
  uint64_t used = LibcUsed();
  return used ? used : ReadProcessRss();
}

}  // namespace duet
