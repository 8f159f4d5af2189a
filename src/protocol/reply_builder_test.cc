#include "protocol/reply_builder.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace duet {
namespace {

// Records each value as the RESP line it stands for (aggregates as their header line).
class RecordingSink : public ReplySink {
 public:
  std::vector<std::string> values;

  void Status(std::string_view s) override { Add("+", s); }
  void Error(std::string_view msg) override { Add("-", msg); }
  void Integer(int64_t v) override { Add(":", std::to_string(v)); }
  void Bulk(std::string_view s) override { Add("$", s); }
  void NullBulk() override { Add("$-1", ""); }
  void Null() override { Add("_", ""); }
  void Header(char type, size_t n) override { Add(std::string(1, type), std::to_string(n)); }
  void Double(double v) override { Add(",", std::to_string(v)); }
  void Bool(bool v) override { Add("#", v ? "t" : "f"); }
  void BigNumber(std::string_view s) override { Add("(", s); }
  void Verbatim(std::string_view s, std::string_view fmt) override {
    Add("=", std::string(fmt) + ":" + std::string(s));
  }

 private:
  void Add(std::string_view prefix, std::string_view s) {
    values.push_back(std::string(prefix) + std::string(s));
  }
};

// One of every value a handler can write, a header first.
void WriteOneOfEach(ReplyBuilder& r) {
  r.ArrayHeader(2);
  r.MapHeader(1);
  r.SetHeader(1);
  r.PushHeader(1);
  r.SimpleString("OK");
  r.Error("ERR boom");
  r.Integer(7);
  r.Bulk("short");
  r.Bulk(std::string(100, 'x'));
  r.Null();
  r.NullArray();
  r.Double(1.5);
  r.Bool(true);
  r.BigNumber("123");
  r.Verbatim("text");
  std::string_view items[] = {"a", "b"};
  r.BulkArray(items, 2);
}

TEST(ReplyBuilderTest, MutedWritesNothingInEitherProtocol) {
  for (bool resp3 : {false, true}) {
    std::string out;
    ReplyBuilder r(&out);
    r.SetResp3(resp3);
    r.SetMuted(true);
    WriteOneOfEach(r);
    size_t mark = r.Mark();
    r.InsertArrayHeader(mark, 3);
    r.InsertMapHeader(mark, 3);
    r.Raw("+raw\r\n");
    EXPECT_EQ(out, "") << "resp3=" << resp3;
    EXPECT_EQ(r.error_count(), 1u);  // errors still count (errorstats), as Redis's do
  }
}

TEST(ReplyBuilderTest, MutedGivesTheSinkNothingAndKeepsIt) {
  for (bool resp3 : {false, true}) {
    std::string out;
    RecordingSink sink;
    ReplyBuilder r(&out);
    r.SetResp3(resp3);
    r.SetSink(&sink);
    r.SetMuted(true);
    WriteOneOfEach(r);
    r.Raw("+raw\r\n");
    EXPECT_EQ(out, "");
    EXPECT_TRUE(sink.values.empty()) << "resp3=" << resp3 << " first=" << sink.values[0];
    EXPECT_EQ(r.sink(), &sink);  // nothing was written, so nothing switched to bytes
    r.SetMuted(false);
    r.Integer(1);
    EXPECT_EQ(sink.values, std::vector<std::string>{":1"});
    EXPECT_EQ(out, "");
  }
}

// The sink sees the values the bytes would carry, in the builder's protocol, and the
// buffer stays empty.
TEST(ReplyBuilderTest, SinkGetsTheValuesTheBytesCarry) {
  std::string out2, out3;
  RecordingSink sink2, sink3;
  ReplyBuilder r2(&out2), r3(&out3);
  r3.SetResp3(true);
  r2.SetSink(&sink2);
  r3.SetSink(&sink3);
  WriteOneOfEach(r2);
  WriteOneOfEach(r3);
  EXPECT_EQ(out2, "");
  EXPECT_EQ(out3, "");
  EXPECT_EQ(sink2.values,
            (std::vector<std::string>{"*2", "*2", "*1", "*1", "+OK", "-ERR boom", ":7", "$short",
                                      "$" + std::string(100, 'x'), "$-1", "$-1", "$1.5", ":1",
                                      "$123", "$text", "*2", "$a", "$b"}));
  EXPECT_EQ(sink3.values,
            (std::vector<std::string>{"*2", "%1", "~1", ">1", "+OK", "-ERR boom", ":7", "$short",
                                      "$" + std::string(100, 'x'), "_", "_", ",1.500000", "#t",
                                      "(123", "=txt:text", "*2", "$a", "$b"}));
}

// RESP2 has no boolean: a sink gets the integer the bytes would carry, in its place among
// the other values (DEBUG PROTOCOL map from a script: 0, false, 1, true, 2, false).
TEST(ReplyBuilderTest, Resp2BoolReachesTheSinkInOrder) {
  std::string out;
  RecordingSink sink;
  ReplyBuilder r(&out);
  r.SetSink(&sink);
  r.MapHeader(2);
  r.Integer(0);
  r.Bool(false);
  r.Integer(1);
  r.Bool(true);
  EXPECT_EQ(out, "");
  EXPECT_EQ(sink.values, (std::vector<std::string>{"*4", ":0", ":0", ":1", ":1"}));
}

TEST(ReplyBuilderTest, BytesInBothProtocols) {
  std::string out;
  ReplyBuilder r(&out);
  r.MapHeader(1);
  r.Bool(true);
  r.Double(1.5);
  r.Null();
  EXPECT_EQ(out, "*2\r\n:1\r\n$3\r\n1.5\r\n$-1\r\n");
  out.clear();
  r.SetResp3(true);
  r.MapHeader(1);
  r.Bool(true);
  r.Double(1.5);
  r.Null();
  EXPECT_EQ(out, "%1\r\n#t\r\n,1.5\r\n_\r\n");
}

}  // namespace
}  // namespace duet
