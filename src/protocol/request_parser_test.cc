#include "protocol/request_parser.h"

#include <gtest/gtest.h>

#include <string>

namespace duet {
namespace {

std::string Multibulk(size_t n) {
  std::string s = "*" + std::to_string(n) + "\r\n";
  for (size_t i = 0; i < n; i++) s += "$1\r\nx\r\n";
  return s;
}

TEST(RequestParser, ParsesMultibulkAndInline) {
  RequestParser p;
  ParserLimits limits;
  std::string buf = "*2\r\n$3\r\nGET\r\n$1\r\nk\r\nPING hello\r\n";
  RequestParser::Outcome out = p.Parse(buf, limits);
  ASSERT_EQ(out.state, RequestParser::State::kCommand);
  ASSERT_EQ(p.args().size(), 2u);
  EXPECT_EQ(p.args()[0], "GET");
  EXPECT_EQ(p.args()[1], "k");
  out = p.Parse(std::string_view(buf).substr(out.consumed), limits);
  ASSERT_EQ(out.state, RequestParser::State::kCommand);
  ASSERT_EQ(p.args().size(), 2u);
  EXPECT_EQ(p.args()[1], "hello");
}

TEST(RequestParser, ReleaseLargeScratchFreesOnlyLargeArgumentStorage) {
  RequestParser p;
  ParserLimits limits;
  std::string small = Multibulk(10);
  ASSERT_EQ(p.Parse(small, limits).state, RequestParser::State::kCommand);
  size_t small_capacity = p.args().capacity();
  p.ReleaseLargeScratch();
  EXPECT_EQ(p.args().capacity(), small_capacity);  // kept for the next command

  std::string big = Multibulk(100000);
  ASSERT_EQ(p.Parse(big, limits).state, RequestParser::State::kCommand);
  ASSERT_EQ(p.args().size(), 100000u);
  p.ReleaseLargeScratch();
  EXPECT_EQ(p.args().capacity(), 0u);  // 1.6 MB of views given back

  ASSERT_EQ(p.Parse(small, limits).state, RequestParser::State::kCommand);
  EXPECT_EQ(p.args().size(), 10u);
}

}  // namespace
}  // namespace duet
