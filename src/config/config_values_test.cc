#include "config/config_values.h"

#include <gtest/gtest.h>

#include "config/config.h"

namespace duet {
namespace {

TEST(ConfigValuesTest, ParseMemoryFollowsMemtoull) {
  EXPECT_EQ(ParseMemory("0"), 0u);
  EXPECT_EQ(ParseMemory("100"), 100u);
  EXPECT_EQ(ParseMemory("1k"), 1000u);
  EXPECT_EQ(ParseMemory("1KB"), 1024u);
  EXPECT_EQ(ParseMemory("3m"), 3000000u);
  EXPECT_EQ(ParseMemory("3Mb"), 3u << 20);
  EXPECT_EQ(ParseMemory("2g"), 2000000000u);
  EXPECT_EQ(ParseMemory("2gb"), 2ULL << 30);
  EXPECT_EQ(ParseMemory("5b"), 5u);
  // Redis quirks: empty digits are 0, overflow saturates.
  EXPECT_EQ(ParseMemory(""), 0u);
  EXPECT_EQ(ParseMemory("kb"), 0u);
  EXPECT_EQ(ParseMemory("99999999999999999999"), UINT64_MAX);
  EXPECT_EQ(ParseMemory("-1"), std::nullopt);
  EXPECT_EQ(ParseMemory("+1"), std::nullopt);
  EXPECT_EQ(ParseMemory(" 1"), std::nullopt);
  EXPECT_EQ(ParseMemory("1tb"), std::nullopt);
  EXPECT_EQ(ParseMemory("1.5mb"), std::nullopt);
  EXPECT_EQ(ParseMemory("99999999999gb"), std::nullopt);  // overflows with the unit
}

TEST(ConfigValuesTest, SplitConfigArgsLikeSdssplitargs) {
  using V = std::vector<std::string>;
  EXPECT_EQ(*SplitConfigArgs("save 900 1"), (V{"save", "900", "1"}));
  EXPECT_EQ(*SplitConfigArgs("  a\t b  "), (V{"a", "b"}));
  EXPECT_EQ(*SplitConfigArgs(R"(requirepass "a b\"c\n\x41")"), (V{"requirepass", "a b\"c\nA"}));
  EXPECT_EQ(*SplitConfigArgs(R"(x 'it\'s' "")"), (V{"x", "it's", ""}));
  EXPECT_EQ(*SplitConfigArgs(R"(foo"bar baz")"), (V{"foobar baz"}));
  EXPECT_EQ(*SplitConfigArgs(""), V{});
  EXPECT_FALSE(SplitConfigArgs(R"(a "unterminated)"));
  EXPECT_FALSE(SplitConfigArgs(R"(a "closed"text)"));
  EXPECT_FALSE(SplitConfigArgs("a 'x"));
}

TEST(ConfigValuesTest, SplitOnSpacesKeepsEmptyArguments) {
  using V = std::vector<std::string>;
  EXPECT_EQ(SplitOnSpaces(""), V{});
  EXPECT_EQ(SplitOnSpaces("3600 1"), (V{"3600", "1"}));
  EXPECT_EQ(SplitOnSpaces("3600  1"), (V{"3600", "", "1"}));
  EXPECT_EQ(SplitOnSpaces(" "), (V{"", ""}));
}

TEST(ConfigValuesTest, KeyspaceEventsCanonicalForm) {
  EXPECT_EQ(KeyspaceEventsToString(KeyspaceEventsFromString("KEA")), "AKE");
  EXPECT_EQ(KeyspaceEventsToString(KeyspaceEventsFromString("Kx")), "xK");
  EXPECT_EQ(KeyspaceEventsToString(KeyspaceEventsFromString("gn")), "gn");
  // 'n' is not part of A and is not printed next to it (Redis does the same).
  EXPECT_EQ(KeyspaceEventsToString(KeyspaceEventsFromString("xeg$lshzKtmdn")), "AKm");
  EXPECT_EQ(KeyspaceEventsFromString(""), 0);
  EXPECT_EQ(KeyspaceEventsFromString("KZ"), -1);
  EXPECT_EQ(KeyspaceEventsFromString("K E"), -1);
  EXPECT_EQ(KeyspaceEventsFromString("E") & kNotifyKeyevent, kNotifyKeyevent);
}

TEST(ConfigValuesTest, RewriteMemoryAndDoubles) {
  EXPECT_EQ(FormatMemoryForRewrite(0), "0");
  EXPECT_EQ(FormatMemoryForRewrite(64LL << 20), "64mb");
  EXPECT_EQ(FormatMemoryForRewrite(1LL << 30), "1gb");
  EXPECT_EQ(FormatMemoryForRewrite(3072), "3kb");
  EXPECT_EQ(FormatMemoryForRewrite(1000), "1000");
  EXPECT_EQ(FormatTrimmedDouble(50), "50");
  EXPECT_EQ(FormatTrimmedDouble(99.9), "99.9");
  EXPECT_EQ(FormatTrimmedDouble(0.5), "0.5");
  EXPECT_EQ(ParseConfigDouble("99.9"), 99.9);
  EXPECT_FALSE(ParseConfigDouble(" 1"));
  EXPECT_FALSE(ParseConfigDouble("nan"));
  EXPECT_FALSE(ParseConfigDouble("1x"));
  EXPECT_FALSE(ParseConfigDouble(""));
  EXPECT_EQ(ParseCLongLong("+5"), 5);
  EXPECT_EQ(ParseCLongLong(""), 0);
  EXPECT_FALSE(ParseCLongLong("5x"));
}

}  // namespace
}  // namespace duet
