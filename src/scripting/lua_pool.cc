#include "scripting/lua_pool.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

// Lua's memory stays outside the allocator whose statistics are used_memory, as in Redis
// (its Lua allocates with libc's malloc, zmalloc with jemalloc): INFO used_memory and the
// maxmemory limit leave scripts' heaps out (a BullMQ queue at its limit would otherwise
// refuse adds for memory Lua keeps cached), and used_memory_lua reports them.
#ifdef DUET_HAVE_JEMALLOC
extern "C" {
void* __libc_malloc(size_t size);
void* __libc_realloc(void* ptr, size_t size);
void __libc_free(void* ptr);
}
#define DUET_LUA_MALLOC __libc_malloc
#define DUET_LUA_REALLOC __libc_realloc
#define DUET_LUA_FREE __libc_free
#else
#define DUET_LUA_MALLOC malloc
#define DUET_LUA_REALLOC realloc
#define DUET_LUA_FREE free
#endif

namespace duet::scripting {

void* LuaPool::Get(size_t size) {
  if (size > kMaxSmall) return DUET_LUA_MALLOC(size);
  size_t c = ClassOf(size);
  if (FreeBlock* b = free_[c]) {
    free_[c] = b->next;
    count_[c]--;
    return b;
  }
  return DUET_LUA_MALLOC((c + 1) * kGranule);
}

void LuaPool::Put(void* p, size_t size) {
  if (size > kMaxSmall) return DUET_LUA_FREE(p);
  size_t c = ClassOf(size);
  if (count_[c] >= kMaxCachedPerClass) return DUET_LUA_FREE(p);
  auto* b = static_cast<FreeBlock*>(p);
  b->next = free_[c];
  free_[c] = b;
  count_[c]++;
}

void* LuaPool::Realloc(void* ptr, size_t osize, size_t nsize) {
  if (nsize == 0) {
    if (ptr) Put(ptr, osize);
    return nullptr;
  }
  if (!ptr) return Get(nsize);
  bool small_old = osize <= kMaxSmall, small_new = nsize <= kMaxSmall;
  if (!small_old && !small_new) return DUET_LUA_REALLOC(ptr, nsize);
  if (small_old && small_new && ClassOf(osize) == ClassOf(nsize)) return ptr;
  void* p = Get(nsize);
  if (!p) return nullptr;  // Lua raises its memory error; the old block stays valid
  memcpy(p, ptr, std::min(osize, nsize));
  Put(ptr, osize);
  return p;
}

void LuaPool::Release() {
  for (size_t c = 0; c < kClasses; c++) {
    while (FreeBlock* b = free_[c]) {
      free_[c] = b->next;
      DUET_LUA_FREE(b);
    }
    count_[c] = 0;
  }
}

size_t LuaPool::cached_blocks() const {
  size_t n = 0;
  for (size_t c : count_) n += c;
  return n;
}

}  // namespace duet::scripting
