#include "scripting/ldb_format.h"

#include <gtest/gtest.h>

#include "common/strutil.h"

namespace duet::scripting {
namespace {

using namespace std::string_literals;

TEST(LdbFormatTest, ParsesCommands) {
  std::vector<std::string> argv;
  EXPECT_EQ(ParseLdbCommand("*2\r\n$1\r\np\r\n$3\r\nabc\r\n", &argv), LdbParse::kOk);
  EXPECT_EQ(argv, (std::vector<std::string>{"p", "abc"}));
  // Arguments may hold NUL bytes.
  EXPECT_EQ(ParseLdbCommand("*1\r\n$3\r\na\0b\r\n"s, &argv), LdbParse::kOk);
  EXPECT_EQ(argv[0], "a\0b"s);
  // Leading junk before the '*' is skipped, as Redis's strchr does.
  EXPECT_EQ(ParseLdbCommand("xx*1\r\n$1\r\ns\r\n", &argv), LdbParse::kOk);
}

TEST(LdbFormatTest, AsksForMoreUntilComplete) {
  std::vector<std::string> argv;
  EXPECT_EQ(ParseLdbCommand("", &argv), LdbParse::kNeedMore);
  EXPECT_EQ(ParseLdbCommand("*2", &argv), LdbParse::kNeedMore);
  EXPECT_EQ(ParseLdbCommand("*2\r\n", &argv), LdbParse::kNeedMore);
  EXPECT_EQ(ParseLdbCommand("*2\r\n$1\r\np\r\n", &argv), LdbParse::kNeedMore);
  EXPECT_EQ(ParseLdbCommand("*2\r\n$1\r\np\r\n$3\r\nab", &argv), LdbParse::kNeedMore);
  EXPECT_TRUE(argv.empty());
}

TEST(LdbFormatTest, RejectsBadProtocol) {
  std::vector<std::string> argv;
  EXPECT_EQ(ParseLdbCommand("step\r\n", &argv), LdbParse::kProtocolError);  // inline
  EXPECT_EQ(ParseLdbCommand("*0\r\n", &argv), LdbParse::kProtocolError);
  EXPECT_EQ(ParseLdbCommand("*1025\r\n", &argv), LdbParse::kProtocolError);
  EXPECT_EQ(ParseLdbCommand("*1\r\n$0\r\n\r\n", &argv), LdbParse::kProtocolError);
  EXPECT_EQ(ParseLdbCommand("*1\r\n$1025\r\n", &argv), LdbParse::kProtocolError);
  EXPECT_EQ(ParseLdbCommand("*1\r\n:1\r\n", &argv), LdbParse::kProtocolError);
  EXPECT_EQ(ParseLdbCommand("*1\r\n$1\r\nab\r\n", &argv), LdbParse::kProtocolError);
}

std::string Human(std::string_view reply) {
  std::string out;
  EXPECT_EQ(AppendReplyToHuman(reply, 0, &out), reply.size());
  return out;
}

TEST(LdbFormatTest, RepliesInHumanForm) {
  EXPECT_EQ(Human(":12\r\n"), "12");
  EXPECT_EQ(Human("$3\r\na\nb\r\n"), "\"a\\nb\"");
  EXPECT_EQ(Human("$-1\r\n"), "NULL");
  EXPECT_EQ(Human("+OK\r\n"), "\"+OK\"");
  EXPECT_EQ(Human("-ERR bad\r\n"), "\"-ERR bad\"");
  EXPECT_EQ(Human("*-1\r\n"), "NULL");
  EXPECT_EQ(Human("*3\r\n:1\r\n$1\r\nx\r\n*0\r\n"), "[1,\"x\",[]]");
  EXPECT_EQ(Human("~2\r\n:1\r\n:2\r\n"), "~(1,2)");
  EXPECT_EQ(Human("%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n#t\r\n"), "{\"a\" => 1,\"b\" => #true}");
  EXPECT_EQ(Human("_\r\n"), "(null)");
  EXPECT_EQ(Human("#f\r\n"), "#false");
  EXPECT_EQ(Human(",1.5\r\n"), "(double) 1.5");
}

TEST(LdbFormatTest, Repr) {
  std::string out;
  AppendRepr(out, "a\"\\\t\x01\xff");
  EXPECT_EQ(out, "\"a\\\"\\\\\\t\\x01\\xff\"");
}

TEST(LdbFormatTest, SourceLines) {
  EXPECT_EQ(FormatLdbSourceLine(1, "return 1", true, false), "-> 1   return 1");
  EXPECT_EQ(FormatLdbSourceLine(2, "x", false, true), "  #2   x");
  EXPECT_EQ(FormatLdbSourceLine(3, "x", true, true), "->#3   x");
  EXPECT_EQ(FormatLdbSourceLine(1234, "x", false, false), "   1234 x");
}

TEST(LdbFormatTest, EncodesLogsAsStatusLines) {
  EXPECT_EQ(EncodeLdbLogs({"a\r\nb", "<endsession>"}), "*2\r\n+a  b\r\n+<endsession>\r\n");
  EXPECT_EQ(EncodeLdbLogs({}), "*0\r\n");
}

TEST(LdbFormatTest, SplitsSource) {
  EXPECT_EQ(SplitLdbSource("a\n\nb\r\n\n"), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_TRUE(SplitLdbSource("\n").empty());
}

}  // namespace
}  // namespace duet::scripting
