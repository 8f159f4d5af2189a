#include "persistence/aof_manifest.h"

#include <gtest/gtest.h>

namespace duet::aof {
namespace {

TEST(AofManifestTest, FormatsAndParsesRedisLines) {
  Manifest m;
  m.NewBase("appendonly.aof", true);
  m.NewIncr("appendonly.aof");
  m.NewIncr("appendonly.aof");
  EXPECT_EQ(m.ToString(),
            "file appendonly.aof.1.base.rdb seq 1 type b\n"
            "file appendonly.aof.1.incr.aof seq 1 type i\n"
            "file appendonly.aof.2.incr.aof seq 2 type i\n");
  // A rewrite while writing incr 3: the base and incr 1, 2 become history (Redis's order:
  // the old base goes to the head first, then the incremental files in front of it).
  m.NewIncr("appendonly.aof");
  m.NewBase("appendonly.aof", false);
  m.IncrToHistory(true);
  EXPECT_EQ(m.ToString(),
            "file appendonly.aof.2.base.aof seq 2 type b\n"
            "file appendonly.aof.1.incr.aof seq 1 type h\n"
            "file appendonly.aof.2.incr.aof seq 2 type h\n"
            "file appendonly.aof.1.base.rdb seq 1 type h\n"
            "file appendonly.aof.3.incr.aof seq 3 type i\n");
  Manifest back;
  ASSERT_TRUE(Manifest::Parse(m.ToString(), &back).ok());
  EXPECT_EQ(back.ToString(), m.ToString());
  EXPECT_EQ(back.base_seq, 2);
  EXPECT_EQ(back.incr_seq, 3);
}

TEST(AofManifestTest, QuotedNamesRoundTrip) {
  Manifest m;
  m.base = FileInfo{"a b\"c", 1, 'b'};
  EXPECT_EQ(m.ToString(), "file \"a b\\\"c\" seq 1 type b\n");
  Manifest back;
  ASSERT_TRUE(Manifest::Parse(m.ToString(), &back).ok());
  EXPECT_EQ(back.base->name, "a b\"c");
}

TEST(AofManifestTest, RedisErrors) {
  auto err = [](std::string_view text) {
    Manifest m;
    int line = 0;
    Status st = Manifest::Parse(text, &m, &line);
    return st.ok() ? std::string("ok") : st.message() + "@" + std::to_string(line);
  };
  EXPECT_EQ(err(""), "Found an empty AOF manifest@0");
  EXPECT_EQ(err("# only a comment\n"), "ok");
  EXPECT_EQ(err("file a seq 1 type b"), "The AOF manifest file contains too long line@1");
  EXPECT_EQ(err("\n"), "Invalid AOF manifest file format@1");
  EXPECT_EQ(err("file a seq 1\n"), "Invalid AOF manifest file format@1");
  EXPECT_EQ(err("file a seq 0 type b\n"), "Invalid AOF manifest file format@1");
  EXPECT_EQ(err("file d/a seq 1 type b\n"), "File can't be a path, just a filename@1");
  EXPECT_EQ(err("file a seq 1 type b\nfile b seq 2 type b\n"),
            "Found duplicate base file information@2");
  EXPECT_EQ(err("file a seq 2 type i\nfile b seq 2 type i\n"),
            "Found a non-monotonic sequence number@2");
  EXPECT_EQ(err("file a seq 1 type x\n"), "Unknown AOF file type@1");
  EXPECT_EQ(err("file a seq 1 type b extra 1\n"), "ok");
}

TEST(AofAppendCommandTest, RespArrayOfBulkStrings) {
  std::string out = "x";
  std::string_view sv[] = {"SET", "", std::string_view("a\0b", 3)};
  AppendCommand(&out, sv);
  EXPECT_EQ(out, std::string("x*3\r\n$3\r\nSET\r\n$0\r\n\r\n$3\r\na\0b\r\n", 29));
  out.clear();
  AppendCommand(&out, std::span<const std::string_view>());
  EXPECT_EQ(out, "*0\r\n");
  out.clear();
  std::vector<std::string> big(12, std::string(1234567, 'z'));
  AppendCommand(&out, big);
  EXPECT_TRUE(out.starts_with("*12\r\n$1234567\r\nzzz"));
  EXPECT_EQ(out.size(), 5 + 12 * (10 + 1234567 + 2));
}

TEST(AofCommandReaderTest, CommandsAnnotationsTruncationAndFormatErrors) {
  std::string aof = "#TS:1\r\n";
  std::vector<std::string> a{"SET", "k", "v\r\nx"};
  AppendCommand(&aof, a);
  size_t first_end = aof.size();
  AppendCommand(&aof, std::vector<std::string>{"DEL", "k"});
  std::vector<std::string_view> argv;
  CommandReader r(aof.data(), aof.size());
  ASSERT_EQ(r.Next(&argv), CommandReader::Result::kCommand);
  EXPECT_EQ(argv, (std::vector<std::string_view>{"SET", "k", "v\r\nx"}));
  EXPECT_EQ(r.offset(), first_end);
  ASSERT_EQ(r.Next(&argv), CommandReader::Result::kCommand);
  EXPECT_EQ(r.Next(&argv), CommandReader::Result::kEnd);
  // Every cut inside the second command is a truncation at the end of the first.
  for (size_t cut = first_end + 1; cut < aof.size(); cut++) {
    CommandReader t(aof.data(), cut);
    ASSERT_EQ(t.Next(&argv), CommandReader::Result::kCommand);
    EXPECT_EQ(t.Next(&argv), CommandReader::Result::kTruncated) << cut;
    EXPECT_EQ(t.offset(), first_end);
  }
  std::string bad = aof.substr(0, first_end) + "+OK\r\n";
  CommandReader b(bad.data(), bad.size());
  ASSERT_EQ(b.Next(&argv), CommandReader::Result::kCommand);
  EXPECT_EQ(b.Next(&argv), CommandReader::Result::kFormatError);
  EXPECT_EQ(b.error_offset(), first_end);
}

}  // namespace
}  // namespace duet::aof
