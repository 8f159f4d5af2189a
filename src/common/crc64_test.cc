#include "common/crc64.h"

#include <gtest/gtest.h>

#include <string>

namespace duet {
namespace {

TEST(Crc64, RedisCheckValue) {
  EXPECT_EQ(Crc64(0, "123456789", 9), 0xe9c6d914c4b8d9caULL);
  EXPECT_EQ(Crc64(0, "", 0), 0u);
}

TEST(Crc64, IncrementalEqualsWhole) {
  std::string s;
  for (int i = 0; i < 1000; i++) s.push_back(static_cast<char>(i * 7 + 3));
  uint64_t whole = Crc64(0, s.data(), s.size());
  for (size_t cut : {0, 1, 7, 8, 9, 500, 999}) {
    uint64_t part = Crc64(Crc64(0, s.data(), cut), s.data() + cut, s.size() - cut);
    EXPECT_EQ(part, whole) << cut;
  }
}

}  // namespace
}  // namespace duet
