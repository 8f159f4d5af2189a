#include "types/packed_pairs.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace duet::pairs {
namespace {

std::string Text(const lp::Value& v) { return v.ToString(); }

// Every element reads back as the text written, integers and strings at each encoding's
// boundaries; canonical integers take the integer forms.
TEST(PackedPairsTest, RoundTripsEveryEncoding) {
  std::vector<std::string> values = {"",
                                     "0",
                                     "57",
                                     "58",
                                     "-1",
                                     "127",
                                     "128",
                                     "-128",
                                     "-129",
                                     "32767",
                                     "32768",
                                     "-32769",
                                     "2147483647",
                                     "2147483648",
                                     "-2147483649",
                                     "9223372036854775807",
                                     "-9223372036854775808",
                                     "9223372036854775808",
                                     "-0",
                                     "007",
                                     "+1",
                                     " 1",
                                     "1.5",
                                     "abc",
                                     std::string(191, 'x'),
                                     std::string(192, 'y'),
                                     std::string(65535, 'z'),
                                     std::string(65536, 'w')};
  std::string p = Empty();
  for (size_t i = 0; i < values.size(); i++) AppendPair(&p, "f" + std::to_string(i), values[i]);
  ASSERT_EQ(PairCount(p), values.size());
  size_t i = 0;
  ForEachPair(p, [&](const lp::Value& f, const lp::Value& v) {
    EXPECT_EQ(Text(f), "f" + std::to_string(i));
    EXPECT_EQ(Text(v), values[i]) << i;
    i++;
  });
  EXPECT_EQ(i, values.size());
  // Integer forms: one byte up to 57, then 1 + 1/2/4/8 bytes.
  std::string q = Empty();
  AppendPair(&q, "57", "58");
  EXPECT_EQ(q.size(), 2u + 1 + 2);
  q = Empty();
  AppendPair(&q, "-9223372036854775808", "abc");
  EXPECT_EQ(q.size(), 2u + 9 + 4);
}

TEST(PackedPairsTest, FindReplaceErase) {
  std::string p = Empty();
  AppendPair(&p, "a", "1");
  AppendPair(&p, "12", "x");
  AppendPair(&p, "012", "y");
  size_t next;
  EXPECT_EQ(FindField(p, "12"), NthField(p, 1));
  EXPECT_EQ(FindField(p, "012"), NthField(p, 2));
  EXPECT_EQ(FindField(p, "1"), kNone);  // a value, not a field
  EXPECT_EQ(FindField(p, "b"), kNone);
  ReplaceValue(&p, Skip(p, FindField(p, "a")), std::string(300, 'v'));
  EXPECT_EQ(Text(Get(p, Skip(p, FindField(p, "a")), &next)), std::string(300, 'v'));
  ErasePair(&p, FindField(p, "12"));
  EXPECT_EQ(PairCount(p), 2u);
  EXPECT_EQ(FindField(p, "12"), kNone);
  EXPECT_EQ(Text(Get(p, Skip(p, FindField(p, "012")), &next)), "y");
  ErasePair(&p, FindField(p, "a"));
  ErasePair(&p, FindField(p, "012"));
  EXPECT_EQ(p, Empty());
}

// Past 65534 pairs the stored count saturates and counting walks.
TEST(PackedPairsTest, CountSaturates) {
  std::string p = Empty();
  for (int i = 0; i < 65536; i++) AppendPair(&p, std::to_string(i), "v");
  EXPECT_EQ(PairCount(p), 65536u);
  ErasePair(&p, FindField(p, "7"));
  EXPECT_EQ(PairCount(p), 65535u);
  ErasePair(&p, FindField(p, "8"));
  EXPECT_EQ(PairCount(p), 65534u);
  AppendPair(&p, "x", "y");
  EXPECT_EQ(PairCount(p), 65535u);
}

}  // namespace
}  // namespace duet::pairs
