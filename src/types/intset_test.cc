#include "types/intset.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <set>

namespace duet {
namespace {

std::vector<int64_t> Elements(const Intset& s) {
  std::vector<int64_t> out;
  for (size_t i = 0; i < s.size(); i++) out.push_back(s.Get(i));
  return out;
}

TEST(IntsetTest, StartsEmptyAt16Bits) {
  Intset s;
  EXPECT_EQ(s.size(), 0u);
  EXPECT_EQ(s.width(), 2u);
  EXPECT_EQ(s.bytes(), 8u);
  EXPECT_FALSE(s.Contains(0));
  EXPECT_FALSE(s.Remove(0));
}

TEST(IntsetTest, KeepsSortedAndDistinct) {
  Intset s;
  EXPECT_TRUE(s.Add(5));
  EXPECT_TRUE(s.Add(-3));
  EXPECT_TRUE(s.Add(10));
  EXPECT_TRUE(s.Add(7));
  EXPECT_FALSE(s.Add(7));
  EXPECT_EQ(Elements(s), (std::vector<int64_t>{-3, 5, 7, 10}));
  EXPECT_EQ(s.bytes(), 8u + 4 * 2);
}

TEST(IntsetTest, UpgradesWidthBothDirections) {
  Intset s;
  s.Add(1);
  s.Add(-1);
  s.Add(70000);  // needs 32 bits: appended after the upgrade
  EXPECT_EQ(s.width(), 4u);
  s.Add(-70000);
  EXPECT_EQ(s.width(), 4u);
  s.Add(INT64_MIN);  // 64 bits, prepended
  EXPECT_EQ(s.width(), 8u);
  s.Add(INT64_MAX);
  EXPECT_EQ(Elements(s), (std::vector<int64_t>{INT64_MIN, -70000, -1, 1, 70000, INT64_MAX}));
  EXPECT_TRUE(s.Contains(70000));
  EXPECT_TRUE(s.Contains(INT64_MIN));
  EXPECT_FALSE(s.Contains(2));
  // Removing never downgrades (as Redis).
  EXPECT_TRUE(s.Remove(INT64_MIN));
  EXPECT_TRUE(s.Remove(INT64_MAX));
  EXPECT_EQ(s.width(), 8u);
  EXPECT_EQ(Elements(s), (std::vector<int64_t>{-70000, -1, 1, 70000}));
}

TEST(IntsetTest, WiderValuesAreNotFoundInNarrowSets) {
  Intset s;
  s.Add(1);
  EXPECT_FALSE(s.Contains(1 << 20));
  EXPECT_FALSE(s.Remove(int64_t{1} << 40));
  EXPECT_EQ(s.width(), 2u);
}

TEST(IntsetTest, RedisLayout) {
  Intset s;
  s.Add(3);
  s.Add(1);
  const uint8_t* d = s.data();
  uint32_t enc, len;
  memcpy(&enc, d, 4);
  memcpy(&len, d + 4, 4);
  EXPECT_EQ(enc, 2u);
  EXPECT_EQ(len, 2u);
  EXPECT_EQ(d[8], 1);
  EXPECT_EQ(d[10], 3);
}

TEST(IntsetTest, RemoveAtAndCopy) {
  Intset s;
  for (int64_t v : {4, 2, 8, 6}) s.Add(v);
  s.RemoveAt(0);
  s.RemoveAt(2);
  EXPECT_EQ(Elements(s), (std::vector<int64_t>{4, 6}));
  Intset c(s);
  c.Add(5);
  EXPECT_EQ(Elements(s), (std::vector<int64_t>{4, 6}));
  EXPECT_EQ(Elements(c), (std::vector<int64_t>{4, 5, 6}));
}

TEST(IntsetTest, MatchesStdSetUnderRandomOps) {
  std::mt19937_64 rng(11);
  Intset s;
  std::set<int64_t> ref;
  for (int i = 0; i < 20000; i++) {
    int64_t v;
    switch (rng() % 3) {
      case 0:
        v = static_cast<int16_t>(rng() % 200);
        break;
      case 1:
        v = static_cast<int32_t>(rng() % 100000) - 50000;
        break;
      default:
        v = static_cast<int64_t>(rng() % 1000) * 10000000000LL;
        break;
    }
    if (rng() % 3 == 0) {
      EXPECT_EQ(s.Remove(v), ref.erase(v) == 1);
    } else {
      EXPECT_EQ(s.Add(v), ref.insert(v).second);
    }
    EXPECT_EQ(s.Contains(v), ref.count(v) == 1);
  }
  EXPECT_EQ(Elements(s), std::vector<int64_t>(ref.begin(), ref.end()));
}

}  // namespace
}  // namespace duet
