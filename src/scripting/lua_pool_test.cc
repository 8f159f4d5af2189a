#include "scripting/lua_pool.h"

#include <gtest/gtest.h>

#include <cstring>
#include <lua5.1/lua.hpp>
#include <string>
#include <vector>

namespace duet::scripting {
namespace {

TEST(LuaPoolTest, ReusesSmallBlocksByClass) {
  LuaPool pool;
  void* a = pool.Realloc(nullptr, 0, 20);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(pool.Realloc(a, 20, 0), nullptr);
  EXPECT_EQ(pool.cached_blocks(), 1u);
  // 17..32 bytes share a class: the freed block comes back.
  EXPECT_EQ(pool.Realloc(nullptr, 0, 32), a);
  EXPECT_EQ(pool.cached_blocks(), 0u);
  pool.Realloc(a, 32, 0);
}

TEST(LuaPoolTest, ResizeKeepsContentsAcrossClassesAndLargeBlocks) {
  LuaPool pool;
  auto* p = static_cast<char*>(pool.Realloc(nullptr, 0, 10));
  memcpy(p, "0123456789", 10);
  void* same = pool.Realloc(p, 10, 16);  // same class: same block
  EXPECT_EQ(same, p);
  auto* big = static_cast<char*>(pool.Realloc(p, 16, 1000));  // small -> large
  EXPECT_EQ(memcmp(big, "0123456789", 10), 0);
  EXPECT_EQ(pool.cached_blocks(), 1u);                      // the small block went to its free list
  big = static_cast<char*>(pool.Realloc(big, 1000, 5000));  // large -> large
  EXPECT_EQ(memcmp(big, "0123456789", 10), 0);
  auto* small = static_cast<char*>(pool.Realloc(big, 5000, 8));  // large -> small
  EXPECT_EQ(memcmp(small, "01234567", 8), 0);
  pool.Realloc(small, 8, 0);
  pool.Release();
  EXPECT_EQ(pool.cached_blocks(), 0u);
}

TEST(LuaPoolTest, CapsEachFreeList) {
  LuaPool pool;
  std::vector<void*> blocks;
  for (size_t i = 0; i < LuaPool::kMaxCachedPerClass + 10; i++) {
    blocks.push_back(pool.Realloc(nullptr, 0, 48));
  }
  for (void* b : blocks) pool.Realloc(b, 48, 0);
  EXPECT_EQ(pool.cached_blocks(), LuaPool::kMaxCachedPerClass);
}

void* PoolAlloc(void* ud, void* ptr, size_t osize, size_t nsize) {
  return static_cast<LuaPool*>(ud)->Realloc(ptr, osize, nsize);
}

TEST(LuaPoolTest, RunsALuaState) {
  LuaPool pool;
  lua_State* L = lua_newstate(PoolAlloc, &pool);
  luaL_openlibs(L);
  const char* code =
      "local t = {} for i = 1, 20000 do t[i] = ('x'):rep(i % 300) .. i end "
      "local n = 0 for i = 1, #t do n = n + #t[i] end return n";
  ASSERT_EQ(luaL_dostring(L, code), 0) << lua_tostring(L, -1);
  double expected = 0;
  for (int i = 1; i <= 20000; i++) expected += i % 300 + std::to_string(i).size();
  EXPECT_EQ(lua_tonumber(L, -1), expected);
  lua_close(L);
  pool.Release();
  EXPECT_EQ(pool.cached_blocks(), 0u);
}

}  // namespace
}  // namespace duet::scripting
