// In-process tests of the set commands (set_cmds.cc, set_random_cmds.cc,
// set_algebra_cmds.cc) through the real dispatcher: exact replies where they are
// deterministic, the rules of the random commands where they are not.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "server/test_harness.h"

namespace duet {
namespace {

// The bulk strings of a flat array or set reply ("*n" / "~n" then n bulks).
std::vector<std::string> ParseBulks(const std::string& r, size_t* pos) {
  size_t eol = r.find("\r\n", *pos);
  size_t n = std::stoul(r.substr(*pos + 1, eol - *pos - 1));
  *pos = eol + 2;
  std::vector<std::string> out;
  for (size_t i = 0; i < n; i++) {
    eol = r.find("\r\n", *pos);
    size_t len = std::stoul(r.substr(*pos + 1, eol - *pos - 1));
    out.push_back(r.substr(eol + 2, len));
    *pos = eol + 2 + len + 2;
  }
  return out;
}

std::vector<std::string> SplitBulkArray(const std::string& r) {
  size_t pos = 0;
  return ParseBulks(r, &pos);
}

// SSCAN's reply: the cursor and the members.
std::pair<std::string, std::vector<std::string>> SplitScanReply(const std::string& r) {
  size_t pos = r.find("\r\n") + 2;  // "*2"
  size_t eol = r.find("\r\n", pos);
  size_t len = std::stoul(r.substr(pos + 1, eol - pos - 1));
  std::string cursor = r.substr(eol + 2, len);
  pos = eol + 2 + len + 2;
  return {cursor, ParseBulks(r, &pos)};
}

constexpr const char* kWrongType =
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

class SetCmdsTest : public ::testing::Test {
 protected:
  // Adds members "<prefix>0".."<prefix>n-1" to `key`.
  void Fill(const std::string& key, int n, const std::string& prefix = "") {
    std::vector<std::string> args = {"SADD", key};
    for (int i = 0; i < n; i++) args.push_back(prefix + std::to_string(i));
    t_.RunStrings(args);
  }
  TestServer t_;
};

TEST_F(SetCmdsTest, BasicReplies) {
  EXPECT_EQ(t_.Run({"SADD", "s", "3", "1", "2", "1"}), ":3\r\n");
  EXPECT_EQ(t_.Run({"SMEMBERS", "s"}), "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n");
  EXPECT_EQ(t_.Run({"OBJECT", "ENCODING", "s"}), "$6\r\nintset\r\n");
  EXPECT_EQ(t_.Run({"TYPE", "s"}), "+set\r\n");
  EXPECT_EQ(t_.Run({"SISMEMBER", "s", "2"}), ":1\r\n");
  EXPECT_EQ(t_.Run({"SMISMEMBER", "s", "2", "x"}), "*2\r\n:1\r\n:0\r\n");
  EXPECT_EQ(t_.Run({"SREM", "s", "1", "2", "3", "4"}), ":3\r\n");
  EXPECT_EQ(t_.Run({"EXISTS", "s"}), ":0\r\n");
  EXPECT_EQ(t_.Run({"SET", "str", "x"}), "+OK\r\n");
  EXPECT_EQ(t_.Run({"SADD", "str", "a"}), kWrongType);
  EXPECT_EQ(t_.Run({"SINTERCARD", "0", "s"}), "-ERR numkeys should be greater than 0\r\n");
  EXPECT_EQ(t_.Run({"SINTERCARD", "1", "s", "LIMIT", "-1"}), "-ERR LIMIT can't be negative\r\n");
}

TEST_F(SetCmdsTest, Resp3SetReplies) {
  t_.Run({"HELLO", "3"});
  t_.Run({"SADD", "s", "1", "2"});
  EXPECT_EQ(t_.Run({"SMEMBERS", "s"}), "~2\r\n$1\r\n1\r\n$1\r\n2\r\n");
  EXPECT_EQ(t_.Run({"SUNION", "s", "nokey"}), "~2\r\n$1\r\n1\r\n$1\r\n2\r\n");
  EXPECT_EQ(t_.Run({"SRANDMEMBER", "s", "5"}), "*2\r\n$1\r\n1\r\n$1\r\n2\r\n");
  EXPECT_EQ(t_.Run({"SPOP", "nokey"}), "_\r\n");
  EXPECT_EQ(t_.Run({"SPOP", "s", "5"}), "~2\r\n$1\r\n1\r\n$1\r\n2\r\n");
  EXPECT_EQ(t_.Run({"EXISTS", "s"}), ":0\r\n");
}

TEST_F(SetCmdsTest, ConversionAt512AndOnFirstNonInteger) {
  Fill("s", 512);
  EXPECT_EQ(t_.Run({"OBJECT", "ENCODING", "s"}), "$6\r\nintset\r\n");
  EXPECT_EQ(t_.Run({"SADD", "s", "512"}), ":1\r\n");  // the 513th member
  EXPECT_EQ(t_.Run({"OBJECT", "ENCODING", "s"}), "$9\r\nhashtable\r\n");
  Fill("t", 10);
  EXPECT_EQ(t_.Run({"SADD", "t", "x"}), ":1\r\n");
  EXPECT_EQ(t_.Run({"OBJECT", "ENCODING", "t"}), "$9\r\nhashtable\r\n");
  EXPECT_EQ(t_.Run({"SREM", "t", "x"}), ":1\r\n");
  EXPECT_EQ(t_.Run({"OBJECT", "ENCODING", "t"}), "$9\r\nhashtable\r\n");
}

TEST_F(SetCmdsTest, SRandMemberCountRules) {
  for (const char* prefix : {"", "m"}) {  // intset, then hashtable
    t_.Run({"DEL", "s"});
    Fill("s", 30, prefix);
    for (int count : {1, 5, 9, 11, 20, 29, 30, 100}) {
      std::string reply = t_.RunStrings({"SRANDMEMBER", "s", std::to_string(count)});
      std::vector<std::string> items = SplitBulkArray(reply);
      EXPECT_EQ(items.size(), static_cast<size_t>(std::min(count, 30))) << count;
      EXPECT_EQ(std::set<std::string>(items.begin(), items.end()).size(), items.size())
          << "positive counts never repeat";
    }
    // Negative counts: exactly |count| picks, repeats allowed (and with 30 members and 200
    // picks, certain to happen).
    std::vector<std::string> items = SplitBulkArray(t_.Run({"SRANDMEMBER", "s", "-200"}));
    EXPECT_EQ(items.size(), 200u);
    EXPECT_LT(std::set<std::string>(items.begin(), items.end()).size(), 200u);
    EXPECT_EQ(t_.Run({"SCARD", "s"}), ":30\r\n");
  }
  t_.Run({"SADD", "one", "x"});
  EXPECT_EQ(t_.Run({"SRANDMEMBER", "one", "-3"}), "*3\r\n$1\r\nx\r\n$1\r\nx\r\n$1\r\nx\r\n");
}

TEST_F(SetCmdsTest, SPopStrategiesPopDistinctMembers) {
  // count*5 < remaining: one by one; remaining*5 <= count: keep the survivors; count >= size:
  // everything and the key goes.
  for (const char* prefix : {"", "m"}) {
    for (int count : {3, 50, 95, 99, 100, 150}) {
      t_.Run({"DEL", "s"});
      Fill("s", 100, prefix);
      std::vector<std::string> items =
          SplitBulkArray(t_.RunStrings({"SPOP", "s", std::to_string(count)}));
      size_t expect = std::min(count, 100);
      EXPECT_EQ(items.size(), expect);
      std::set<std::string> popped(items.begin(), items.end());
      EXPECT_EQ(popped.size(), expect);
      std::vector<std::string> left = SplitBulkArray(t_.Run({"SMEMBERS", "s"}));
      EXPECT_EQ(left.size(), 100 - expect);
      for (const std::string& m : left) EXPECT_FALSE(popped.count(m)) << m;
      EXPECT_EQ(t_.Run({"EXISTS", "s"}), expect == 100 ? ":0\r\n" : ":1\r\n");
    }
  }
}

TEST_F(SetCmdsTest, SScanVisitsEverything) {
  Fill("s", 2000, "m");
  std::set<std::string> seen;
  std::string cursor = "0";
  do {
    std::string reply = t_.RunStrings({"SSCAN", "s", cursor, "COUNT", "20"});
    auto [next, items] = SplitScanReply(reply);
    cursor = next;
    seen.insert(items.begin(), items.end());
  } while (cursor != "0");
  EXPECT_EQ(seen.size(), 2000u);
  Fill("i", 50);
  auto [next, items] = SplitScanReply(t_.Run({"SSCAN", "i", "0", "MATCH", "1*"}));
  EXPECT_EQ(next, "0");
  EXPECT_EQ(items.size(), 11u);  // 1, 10..19
}

TEST_F(SetCmdsTest, GenericKeyCommands) {
  Fill("s", 100, "m");
  EXPECT_EQ(t_.Run({"COPY", "s", "c"}), ":1\r\n");
  EXPECT_EQ(t_.Run({"SREM", "c", "m1"}), ":1\r\n");
  EXPECT_EQ(t_.Run({"SCARD", "s"}), ":100\r\n");
  EXPECT_EQ(t_.Run({"RENAME", "c", "r"}), "+OK\r\n");
  EXPECT_EQ(t_.Run({"SCARD", "r"}), ":99\r\n");
  EXPECT_EQ(t_.Run({"MOVE", "r", "1"}), ":1\r\n");
  EXPECT_EQ(t_.Run({"SCAN", "0", "TYPE", "set", "COUNT", "100"}),
            "*2\r\n$1\r\n0\r\n*1\r\n$1\r\ns\r\n");
  EXPECT_EQ(t_.Run({"UNLINK", "s"}), ":1\r\n");  // 100 members: freed lazily
  EXPECT_EQ(t_.Run({"SELECT", "1"}), "+OK\r\n");
  EXPECT_EQ(t_.Run({"DEL", "r"}), ":1\r\n");
}

TEST_F(SetCmdsTest, StoreReplacesAndDeletes) {
  t_.Run({"SET", "d", "x"});
  t_.Run({"EXPIRE", "d", "100"});
  t_.Run({"SADD", "a", "1", "2"});
  EXPECT_EQ(t_.Run({"SUNIONSTORE", "d", "a"}), ":2\r\n");
  EXPECT_EQ(t_.Run({"TTL", "d"}), ":-1\r\n");
  EXPECT_EQ(t_.Run({"SINTERSTORE", "d", "a", "nokey"}), ":0\r\n");
  EXPECT_EQ(t_.Run({"EXISTS", "d"}), ":0\r\n");
}

TEST_F(SetCmdsTest, SMoveOrderOfChecks) {
  t_.Run({"SET", "str", "x"});
  EXPECT_EQ(t_.Run({"SMOVE", "nokey", "str", "a"}), ":0\r\n");
  t_.Run({"SADD", "s", "a"});
  EXPECT_EQ(t_.Run({"SMOVE", "s", "str", "a"}), kWrongType);
  EXPECT_EQ(t_.Run({"SMOVE", "s", "s", "a"}), ":1\r\n");
  EXPECT_EQ(t_.Run({"SMOVE", "s", "d", "a"}), ":1\r\n");
  EXPECT_EQ(t_.Run({"EXISTS", "s"}), ":0\r\n");
  EXPECT_EQ(t_.Run({"SMEMBERS", "d"}), "*1\r\n$1\r\na\r\n");
}

}  // namespace
}  // namespace duet
