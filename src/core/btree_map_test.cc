#include "core/btree_map.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <vector>

namespace duet {
namespace {

struct Key {
  uint64_t hi;
  uint64_t lo;
  bool operator<(const Key& o) const { return hi != o.hi ? hi < o.hi : lo < o.lo; }
  bool operator==(const Key& o) const = default;
};
using Map = BTreeMap<Key, uint64_t>;

void CheckAgainst(const Map& m, const std::map<Key, uint64_t>& ref) {
  ASSERT_EQ(m.size(), ref.size());
  ASSERT_EQ(m.empty(), ref.empty());
  auto r = ref.begin();
  for (const auto& [k, v] : m) {
    ASSERT_TRUE(r != ref.end());
    ASSERT_EQ(k, r->first);
    ASSERT_EQ(v, r->second);
    ++r;
  }
  ASSERT_TRUE(r == ref.end());
  if (!ref.empty()) {
    ASSERT_EQ(m.back().first, ref.rbegin()->first);
  }
}

// Random inserts, erases and lookups (small key space, so both hits and misses), checked
// against std::map as the tree grows to several levels and shrinks back to nothing.
TEST(BTreeMapTest, RandomOpsMatchReference) {
  std::mt19937_64 rng(7);
  Map m;
  std::map<Key, uint64_t> ref;
  for (int phase = 0; phase < 3; phase++) {
    const int kOps = 60000;
    for (int i = 0; i < kOps; i++) {
      Key k{rng() % 5, rng() % 8000};
      int op = static_cast<int>(rng() % 10);
      bool grow = i < kOps * 2 / 3;
      if (op < (grow ? 6 : 3)) {
        uint64_t v = rng();
        bool inserted = ref.emplace(k, v).second;
        ASSERT_EQ(m.Insert(k, v), inserted);
      } else if (op < 9) {
        uint64_t out = 0;
        auto it = ref.find(k);
        ASSERT_EQ(m.Erase(k, &out), it != ref.end());
        if (it != ref.end()) {
          ASSERT_EQ(out, it->second);
          ref.erase(it);
        }
      } else {
        auto lb = ref.lower_bound(k);
        auto got = m.lower_bound(k);
        ASSERT_EQ(got == m.end(), lb == ref.end());
        if (lb != ref.end()) {
          ASSERT_EQ(got->first, lb->first);
        }
        uint64_t* v = m.Find(k);
        ASSERT_EQ(v != nullptr, ref.contains(k));
        ASSERT_EQ(m.contains(k), ref.contains(k));
      }
      if (i % 5000 == 0) CheckAgainst(m, ref);
    }
    CheckAgainst(m, ref);
    std::vector<Key> left;
    for (const auto& [k, v] : ref) left.push_back(k);
    std::shuffle(left.begin(), left.end(), rng);
    for (const Key& k : left) {
      ASSERT_TRUE(m.Erase(k));
      ref.erase(k);
      if (ref.size() % 3000 == 0) CheckAgainst(m, ref);
    }
    CheckAgainst(m, ref);
    EXPECT_EQ(m.bytes_used(), 0u);
  }
}

// Ascending inserts (stream IDs as XREADGROUP delivers them) fill the nodes: no half-empty
// leaves left behind by splits.
TEST(BTreeMapTest, AscendingInsertsFillNodes) {
  Map m;
  const uint64_t kN = 100000;
  for (uint64_t i = 0; i < kN; i++) ASSERT_TRUE(m.Insert(Key{i / 3, i % 3}, i));
  EXPECT_LT(static_cast<double>(m.bytes_used()) / kN, 24 * 1.15);
  uint64_t expect = 0;
  for (const auto& [k, v] : m) ASSERT_EQ(v, expect++);
  EXPECT_EQ(expect, kN);
}

// Random erasures from a large tree keep nodes at least half full.
TEST(BTreeMapTest, RandomErasuresKeepNodesFilled) {
  Map m;
  std::vector<Key> keys;
  for (uint64_t i = 0; i < 50000; i++) {
    keys.push_back(Key{i, 0});
    m.Insert(keys.back(), i);
  }
  std::mt19937_64 rng(3);
  std::shuffle(keys.begin(), keys.end(), rng);
  for (size_t i = 0; i < 45000; i++) ASSERT_TRUE(m.Erase(keys[i]));
  EXPECT_EQ(m.size(), 5000u);
  EXPECT_LT(static_cast<double>(m.bytes_used()) / m.size(), 24 * 2.3);
}

TEST(BTreeMapTest, MoveAndClear) {
  Map m;
  for (uint64_t i = 0; i < 1000; i++) m.Insert(Key{0, i}, i);
  Map n(std::move(m));
  EXPECT_TRUE(m.empty());
  EXPECT_EQ(n.size(), 1000u);
  EXPECT_EQ(n.lower_bound(Key{0, 500})->second, 500u);
  EXPECT_TRUE(n.find(Key{1, 0}) == n.end());
  n.Clear();
  EXPECT_TRUE(n.empty());
  EXPECT_TRUE(n.begin() == n.end());
  EXPECT_TRUE(n.Insert(Key{0, 1}, 1));
}

}  // namespace
}  // namespace duet
