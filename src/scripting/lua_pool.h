// LuaPool: the allocator behind a LuaEngine's lua_State.
//
// Lua allocates and frees small blocks all the time (strings, tables, closures, upvalues:
// a BullMQ job's scripts make thousands), and a malloc/realloc/free round trip for each was
// ~9% of a script-heavy server's instructions. Blocks of up to kMaxSmall bytes are kept on
// per-size-class free lists (16-byte classes) and handed out again; larger ones go to
// malloc. A class keeps at most kMaxCachedPerClass blocks, so memory a script's peak took is
// given back past that. Lua's own accounting (used_memory_lua) is unchanged: it counts the
// sizes it asked for.
//
// Contract: Alloc is a lua_Alloc (Lua 5.1 passes the block's true size as osize), single
// threaded; Release() frees the cached blocks and must run after lua_close of the state
// that used the pool (the destructor calls it).
#pragma once

#include <cstddef>

namespace duet::scripting {

class LuaPool {
 public:
  static constexpr size_t kGranule = 16;
  static constexpr size_t kMaxSmall = 256;
  static constexpr size_t kClasses = kMaxSmall / kGranule;
  static constexpr size_t kMaxCachedPerClass = 4096;

  LuaPool() = default;
  LuaPool(const LuaPool&) = delete;
  LuaPool& operator=(const LuaPool&) = delete;
  ~LuaPool() { Release(); }

  // lua_Alloc semantics: nsize 0 frees ptr (returns nullptr); ptr nullptr allocates;
  // otherwise resizes, keeping min(osize, nsize) bytes.
  void* Realloc(void* ptr, size_t osize, size_t nsize);
  // Frees every cached block.
  void Release();
  // Blocks waiting on the free lists (tests).
  size_t cached_blocks() const;

 private:
  struct FreeBlock {
    FreeBlock* next;
  };
  static size_t ClassOf(size_t size) { return (size - 1) / kGranule; }  // size 1..kMaxSmall
  void* Get(size_t size);
  void Put(void* p, size_t size);

  FreeBlock* free_[kClasses] = {};
  size_t count_[kClasses] = {};
};

}  // namespace duet::scripting
