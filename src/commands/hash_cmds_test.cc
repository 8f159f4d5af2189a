// In-process tests of the hash commands (hash_cmds.cc, hash_read_cmds.cc) through the real
// dispatcher: reply bytes in RESP2/RESP3, encodings, HSCAN over the hashtable encoding,
// HRANDFIELD reply shapes, and the generic key commands on hashes.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "server/test_harness.h"
#include "types/hash_type.h"

namespace duet {
namespace {

class HashCmdsTest : public ::testing::Test {
 protected:
  Db& db() { return t_.server().keyspace().db(0); }
  std::string Run(std::initializer_list<std::string_view> args) { return t_.Run(args); }
  Entry* Peek(std::string_view key) { return db().Peek(key); }
  // Parses a flat array of bulk strings (HSCAN's inner array, HKEYS...) into its items.
  static std::vector<std::string> Bulks(const std::string& reply, size_t* pos) {
    std::vector<std::string> out;
    size_t eol = reply.find("\r\n", *pos);
    size_t n = std::stoul(reply.substr(*pos + 1, eol - *pos - 1));
    *pos = eol + 2;
    for (size_t i = 0; i < n; i++) {
      eol = reply.find("\r\n", *pos);
      size_t len = std::stoul(reply.substr(*pos + 1, eol - *pos - 1));
      out.push_back(reply.substr(eol + 2, len));
      *pos = eol + 2 + len + 2;
    }
    return out;
  }

  TestServer t_;
};

TEST_F(HashCmdsTest, SetGetReplies) {
  EXPECT_EQ(Run({"HSET", "h", "a", "1", "b", "2"}), ":2\r\n");
  EXPECT_EQ(Run({"HSET", "h", "a", "3", "c", "4"}), ":1\r\n");
  EXPECT_EQ(Run({"HMSET", "h", "d", "5"}), "+OK\r\n");
  EXPECT_EQ(Run({"HGET", "h", "a"}), "$1\r\n3\r\n");
  EXPECT_EQ(Run({"HGET", "h", "x"}), "$-1\r\n");
  EXPECT_EQ(Run({"HMGET", "h", "a", "x"}), "*2\r\n$1\r\n3\r\n$-1\r\n");
  EXPECT_EQ(Run({"HGETALL", "h"}),
            "*8\r\n$1\r\na\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n4\r\n$1\r\nd\r\n$"
            "1\r\n5\r\n");
  EXPECT_EQ(Run({"HSET", "h", "a"}), "-ERR wrong number of arguments for 'hset' command\r\n");
  EXPECT_EQ(Run({"HMSET", "h", "a", "1", "b"}),
            "-ERR wrong number of arguments for 'hmset' command\r\n");
  EXPECT_EQ(Run({"HSTRLEN", "h", "a"}), ":1\r\n");
  EXPECT_EQ(Run({"HDEL", "h", "a", "b", "c", "d", "x"}), ":4\r\n");
  EXPECT_EQ(Run({"EXISTS", "h"}), ":0\r\n");
}

TEST_F(HashCmdsTest, Resp3Shapes) {
  Run({"HSET", "h", "a", "1"});
  Run({"HELLO", "3"});
  EXPECT_EQ(Run({"HGETALL", "h"}), "%1\r\n$1\r\na\r\n$1\r\n1\r\n");
  EXPECT_EQ(Run({"HGETALL", "missing"}), "%0\r\n");
  EXPECT_EQ(Run({"HGET", "h", "x"}), "_\r\n");
  EXPECT_EQ(Run({"HRANDFIELD", "h", "-2", "WITHVALUES"}),
            "*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n");
  EXPECT_EQ(Run({"HRANDFIELD", "missing"}), "_\r\n");
}

TEST_F(HashCmdsTest, EncodingConversionsFollowConfig) {
  EXPECT_EQ(Run({"CONFIG", "SET", "hash-max-listpack-entries", "3"}), "+OK\r\n");
  Run({"HSET", "h", "a", "1", "b", "2", "c", "3"});
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "h"}), "$8\r\nlistpack\r\n");
  EXPECT_TRUE(Peek("h")->is_packed());
  Run({"HSET", "h", "d", "4"});
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "h"}), "$9\r\nhashtable\r\n");
  EXPECT_EQ(Peek("h")->object()->FreeEffort(), 4u);
  EXPECT_EQ(Run({"CONFIG", "SET", "hash-max-ziplist-value", "2"}), "+OK\r\n");
  Run({"HSET", "v", "ab", "cd"});
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "v"}), "$8\r\nlistpack\r\n");
  Run({"HINCRBY", "v", "n", "100"});  // "100" is longer than 2 bytes
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "v"}), "$9\r\nhashtable\r\n");
}

TEST_F(HashCmdsTest, IncrErrors) {
  Run({"HSET", "h", "s", "abc", "m", "9223372036854775807"});
  EXPECT_EQ(Run({"HINCRBY", "h", "s", "1"}), "-ERR hash value is not an integer\r\n");
  EXPECT_EQ(Run({"HINCRBY", "h", "m", "1"}), "-ERR increment or decrement would overflow\r\n");
  EXPECT_EQ(Run({"HINCRBY", "h", "m", "x"}), "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(Run({"HINCRBYFLOAT", "h", "s", "1"}), "-ERR hash value is not a float\r\n");
  EXPECT_EQ(Run({"HINCRBYFLOAT", "h", "m", "inf"}), "-ERR value is NaN or Infinity\r\n");
  EXPECT_EQ(Run({"HINCRBYFLOAT", "h", "m", "nan"}), "-ERR value is not a valid float\r\n");
  EXPECT_EQ(Run({"HINCRBYFLOAT", "h", "f", "0.1"}), "$3\r\n0.1\r\n");
  EXPECT_EQ(Run({"HINCRBYFLOAT", "h", "f", "1e5000"}), "-ERR value is not a valid float\r\n");
  EXPECT_EQ(Run({"HINCRBYFLOAT", "new", "f", "inf"}), "-ERR value is NaN or Infinity\r\n");
  EXPECT_EQ(Run({"EXISTS", "new"}), ":0\r\n");
}

TEST_F(HashCmdsTest, HrandfieldShapes) {
  Run({"HSET", "h", "a", "1", "b", "2", "c", "3"});
  std::string r = Run({"HRANDFIELD", "h", "-7"});
  EXPECT_EQ(r.substr(0, 4), "*7\r\n");
  r = Run({"HRANDFIELD", "h", "2", "WITHVALUES"});
  EXPECT_EQ(r.substr(0, 4), "*4\r\n");
  EXPECT_EQ(Run({"HRANDFIELD", "h", "0"}), "*0\r\n");
  EXPECT_EQ(Run({"HRANDFIELD", "h", "1", "bad"}), "-ERR syntax error\r\n");
  EXPECT_EQ(Run({"HRANDFIELD", "h", "-9223372036854775808"}),
            "-ERR value is out of range, value must between -9223372036854775807 and "
            "9223372036854775807\r\n");
  EXPECT_EQ(Run({"HRANDFIELD", "h", "4611686018427387904", "WITHVALUES"}),
            "-ERR value is out of range\r\n");
}

TEST_F(HashCmdsTest, HscanHashtableReturnsEveryField) {
  Run({"CONFIG", "SET", "hash-max-listpack-entries", "16"});
  for (int i = 0; i < 1000; i++) {
    std::string f = "field:" + std::to_string(i);
    t_.RunStrings({"HSET", "h", f, "v"});
  }
  std::set<std::string> seen;
  std::string cursor = "0";
  int calls = 0;
  do {
    std::string r = t_.RunStrings({"HSCAN", "h", cursor, "COUNT", "10"});
    size_t pos = 0;
    pos = r.find("\r\n") + 2;  // *2
    size_t eol = r.find("\r\n", pos);
    size_t len = std::stoul(r.substr(pos + 1, eol - pos - 1));
    cursor = r.substr(eol + 2, len);
    pos = eol + 2 + len + 2;
    std::vector<std::string> items = Bulks(r, &pos);
    ASSERT_EQ(items.size() % 2, 0u);
    for (size_t i = 0; i < items.size(); i += 2) seen.insert(items[i]);
    // Shrink and grow the hash between calls; the original fields stay.
    t_.RunStrings({"HSET", "h", "extra:" + std::to_string(calls), "x"});
    t_.RunStrings({"HDEL", "h", "extra:" + std::to_string(calls - 1)});
    calls++;
  } while (cursor != "0");
  for (int i = 0; i < 1000; i++) EXPECT_TRUE(seen.count("field:" + std::to_string(i))) << i;
  EXPECT_GT(calls, 2);
}

TEST_F(HashCmdsTest, KeyCommandsWorkWithHashes) {
  Run({"HSET", "h", "a", "1"});
  EXPECT_EQ(Run({"TYPE", "h"}), "+hash\r\n");
  EXPECT_EQ(Run({"COPY", "h", "c"}), ":1\r\n");
  Run({"HSET", "c", "b", "2"});
  EXPECT_EQ(Run({"HLEN", "h"}), ":1\r\n");
  EXPECT_EQ(Run({"HLEN", "c"}), ":2\r\n");
  EXPECT_EQ(Run({"RENAME", "c", "d"}), "+OK\r\n");
  EXPECT_EQ(Run({"HGET", "d", "b"}), "$1\r\n2\r\n");
  EXPECT_EQ(Run({"MOVE", "d", "1"}), ":1\r\n");
  EXPECT_EQ(Run({"SCAN", "0", "TYPE", "hash"}), "*2\r\n$1\r\n0\r\n*1\r\n$1\r\nh\r\n");
  EXPECT_EQ(Run({"UNLINK", "h"}), ":1\r\n");
  EXPECT_EQ(Run({"SELECT", "1"}), "+OK\r\n");
  EXPECT_EQ(Run({"HGETALL", "d"}), "*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n");
}

}  // namespace
}  // namespace duet
