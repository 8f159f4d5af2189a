#include "scripting/lua_pool.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace duet::scripting {

void* LuaPool::Get(size_t size) {
  if (size > kMaxSmall) return malloc(size);
  size_t c = ClassOf(size);
  if (FreeBlock* b = free_[c]) {
    free_[c] = b->next;
    count_[c]--;
    return b;
  }
  return malloc((c + 1) * kGranule);
}

void LuaPool::Put(void* p, size_t size) {
  if (size > kMaxSmall) return free(p);
  size_t c = ClassOf(size);
  if (count_[c] >= kMaxCachedPerClass) return free(p);
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
  if (!small_old && !small_new) return realloc(ptr, nsize);
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
      free(b);
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
