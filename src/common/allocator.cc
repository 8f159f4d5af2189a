#include "common/allocator.h"

#include <cstdio>

#ifdef DUET_HAVE_JEMALLOC
#include <jemalloc/jemalloc.h>
// Weak, so a binary that links this library without jemalloc still links (mallctl is then
// null and every call here is a no-op).
#pragma weak mallctl
#endif

namespace duet::allocator {

#ifdef DUET_HAVE_JEMALLOC
namespace {
bool HaveJemalloc() { return &mallctl != nullptr; }
}  // namespace

bool SetBackgroundThread(bool enable) {
  if (!HaveJemalloc()) return false;
  bool value = enable;
  return mallctl("background_thread", nullptr, nullptr, &value, sizeof(value)) == 0;
}

void FlushThreadCache() {
  if (HaveJemalloc()) mallctl("thread.tcache.flush", nullptr, nullptr, nullptr, 0);
}

bool PurgeArenas() {
  if (!HaveJemalloc()) return false;
  char name[64];
  snprintf(name, sizeof(name), "arena.%d.purge", MALLCTL_ARENAS_ALL);
  return mallctl(name, nullptr, nullptr, nullptr, 0) == 0;
}

uint64_t ThreadDeallocatedBytes() {
  if (!HaveJemalloc()) return 0;
  uint64_t v = 0;
  size_t len = sizeof(v);
  return mallctl("thread.deallocated", &v, &len, nullptr, 0) == 0 ? v : 0;
}
#else
bool SetBackgroundThread(bool) { return false; }
void FlushThreadCache() {}
bool PurgeArenas() { return false; }
uint64_t ThreadDeallocatedBytes() { return 0; }
#endif

}  // namespace duet::allocator
