#include "types/sort.h"

#include <gtest/gtest.h>

#include <cmath>

namespace duet {
namespace {

TEST(SortWeightTest, FollowsStrtod) {
  EXPECT_EQ(sorting::ParseSortWeight("1.5"), 1.5);
  EXPECT_EQ(sorting::ParseSortWeight(" 7"), 7.0);  // strtod skips leading blanks
  EXPECT_EQ(sorting::ParseSortWeight("0x10"), 16.0);
  EXPECT_EQ(sorting::ParseSortWeight(""), 0.0);
  EXPECT_EQ(sorting::ParseSortWeight("-inf"), -HUGE_VAL);
  EXPECT_EQ(sorting::ParseSortWeight(std::string_view("3\0x", 3)), 3.0);  // C string
  EXPECT_FALSE(sorting::ParseSortWeight("7 "));
  EXPECT_FALSE(sorting::ParseSortWeight("nan"));
  EXPECT_FALSE(sorting::ParseSortWeight("1e400"));
  EXPECT_FALSE(sorting::ParseSortWeight("1e-400"));
  EXPECT_FALSE(sorting::ParseSortWeight("abc"));
}

}  // namespace
}  // namespace duet
