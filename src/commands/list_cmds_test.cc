// In-process tests of the list commands (list_cmds.cc) through the real dispatcher: the
// node-size and compression options (live for new lists), RESP3 nulls, LMOVE's type check
// order, the dirty counter, expiry, and the introspection commands on lists.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/test_harness.h"
#include "types/list_type.h"

namespace duet {
namespace {

constexpr const char* kWrongType =
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

class ListCmdsTest : public ::testing::Test {
 protected:
  Db& db() { return t_.server().keyspace().db(0); }
  lists::ListValue* List(std::string_view key) {
    Entry* e = db().Peek(key);
    return e && e->type() == ValueType::kList ? static_cast<lists::ListValue*>(e->object())
                                              : nullptr;
  }
  void PushN(std::string_view key, int from, int to) {
    std::vector<std::string> args = {"RPUSH", std::string(key)};
    for (int i = from; i < to; i++) args.push_back("element:" + std::to_string(i));
    t_.RunStrings(args);
  }
  uint64_t Dirty() { return t_.server().stats().dirty; }

  TestServer t_;
};

TEST_F(ListCmdsTest, NodeSizeOptionAppliesToListsCreatedAfterConfigSet) {
  EXPECT_EQ(t_.Run({"CONFIG", "SET", "list-max-listpack-size", "4"}), "+OK\r\n");
  PushN("a", 0, 10);
  ASSERT_NE(List("a"), nullptr);
  EXPECT_EQ(List("a")->ql().node_count(), 3u);
  EXPECT_EQ(t_.Run({"CONFIG", "SET", "list-max-ziplist-size", "2"}), "+OK\r\n");
  PushN("a", 10, 12);  // the existing list keeps its fill of 4
  EXPECT_EQ(List("a")->ql().node_count(), 3u);
  PushN("b", 0, 10);
  EXPECT_EQ(List("b")->ql().node_count(), 5u);
  EXPECT_EQ(t_.Run({"CONFIG", "SET", "list-max-listpack-size", "-2"}), "+OK\r\n");
  PushN("c", 0, 1000);
  EXPECT_EQ(List("c")->ql().node_count(), 2u);  // 1000 x ~13 bytes in 8 KB nodes
}

TEST_F(ListCmdsTest, CompressDepthCompressesInteriorNodes) {
  t_.Run({"CONFIG", "SET", "list-compress-depth", "1"});
  t_.Run({"CONFIG", "SET", "list-max-listpack-size", "-1"});
  PushN("l", 0, 3000);
  Quicklist& ql = List("l")->ql();
  ASSERT_GT(ql.node_count(), 3u);
  EXPECT_EQ(ql.compressed_nodes(), ql.node_count() - 2);
  EXPECT_EQ(t_.Run({"LINDEX", "l", "1500"}), "$12\r\nelement:1500\r\n");
  EXPECT_EQ(t_.Run({"LRANGE", "l", "1000", "1001"}),
            "*2\r\n$12\r\nelement:1000\r\n$12\r\nelement:1001\r\n");
  EXPECT_EQ(t_.Run({"LINSERT", "l", "AFTER", "element:2000", "x"}), ":3001\r\n");
  EXPECT_EQ(t_.Run({"LINDEX", "l", "2001"}), "$1\r\nx\r\n");
  EXPECT_EQ(t_.Run({"LREM", "l", "0", "x"}), ":1\r\n");
  EXPECT_EQ(ql.compressed_nodes(), ql.node_count() - 2);
  EXPECT_EQ(t_.Run({"LPOS", "l", "element:2999"}), ":2999\r\n");
  // A copy keeps the representation.
  EXPECT_EQ(t_.Run({"COPY", "l", "l2"}), ":1\r\n");
  EXPECT_EQ(List("l2")->ql().compressed_nodes(), ql.compressed_nodes());
  EXPECT_EQ(t_.Run({"LINDEX", "l2", "-1"}), "$12\r\nelement:2999\r\n");
}

TEST_F(ListCmdsTest, Resp3Nulls) {
  t_.Run({"HELLO", "3"});
  EXPECT_EQ(t_.Run({"LPOP", "missing"}), "_\r\n");
  EXPECT_EQ(t_.Run({"LPOP", "missing", "2"}), "_\r\n");
  EXPECT_EQ(t_.Run({"LINDEX", "missing", "0"}), "_\r\n");
  EXPECT_EQ(t_.Run({"LMPOP", "1", "missing", "LEFT"}), "_\r\n");
  EXPECT_EQ(t_.Run({"LMOVE", "missing", "x", "LEFT", "LEFT"}), "_\r\n");
  EXPECT_EQ(t_.Run({"LPOS", "missing", "a"}), "_\r\n");
  t_.Run({"RPUSH", "l", "a"});
  EXPECT_EQ(t_.Run({"LPOP", "l", "0"}), "*0\r\n");
  EXPECT_EQ(t_.Run({"LPOS", "l", "b"}), "_\r\n");
}

TEST_F(ListCmdsTest, Resp2Nulls) {
  EXPECT_EQ(t_.Run({"LPOP", "missing"}), "$-1\r\n");
  EXPECT_EQ(t_.Run({"LPOP", "missing", "2"}), "*-1\r\n");
  EXPECT_EQ(t_.Run({"LMPOP", "1", "missing", "LEFT"}), "*-1\r\n");
}

TEST_F(ListCmdsTest, LMoveChecksDestinationTypeBeforePopping) {
  t_.Run({"SET", "s", "v"});
  t_.Run({"RPUSH", "l", "a", "b"});
  EXPECT_EQ(t_.Run({"LMOVE", "l", "s", "LEFT", "RIGHT"}), kWrongType);
  EXPECT_EQ(t_.Run({"LLEN", "l"}), ":2\r\n");
  EXPECT_EQ(t_.Run({"RPOPLPUSH", "l", "s"}), kWrongType);
  EXPECT_EQ(t_.Run({"LLEN", "l"}), ":2\r\n");
  // A missing source answers nil without looking at the destination.
  EXPECT_EQ(t_.Run({"LMOVE", "nokey", "s", "LEFT", "RIGHT"}), "$-1\r\n");
  EXPECT_EQ(t_.Run({"LMOVE", "s", "l", "LEFT", "RIGHT"}), kWrongType);
}

TEST_F(ListCmdsTest, SameKeyRotation) {
  t_.Run({"RPUSH", "l", "a", "b", "c"});
  EXPECT_EQ(t_.Run({"LMOVE", "l", "l", "LEFT", "RIGHT"}), "$1\r\na\r\n");
  EXPECT_EQ(t_.Run({"LRANGE", "l", "0", "-1"}), "*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n");
  t_.Run({"RPUSH", "one", "x"});
  EXPECT_EQ(t_.Run({"RPOPLPUSH", "one", "one"}), "$1\r\nx\r\n");
  EXPECT_EQ(t_.Run({"LLEN", "one"}), ":1\r\n");
}

TEST_F(ListCmdsTest, DirtyCountsElements) {
  uint64_t d = Dirty();
  t_.Run({"RPUSH", "l", "a", "b", "c"});
  EXPECT_EQ(Dirty(), d + 3);
  t_.Run({"LPOP", "l", "2"});
  EXPECT_EQ(Dirty(), d + 5);
  t_.Run({"LPOP", "missing"});
  t_.Run({"LRANGE", "l", "0", "-1"});
  EXPECT_EQ(Dirty(), d + 5);
  t_.Run({"LREM", "l", "0", "nope"});
  EXPECT_EQ(Dirty(), d + 5);
}

TEST_F(ListCmdsTest, ExpiredListIsMissing) {
  t_.Run({"RPUSH", "l", "a"});
  t_.Run({"PEXPIRE", "l", "100"});
  t_.clock().AdvanceMs(101);
  EXPECT_EQ(t_.Run({"LPUSHX", "l", "x"}), ":0\r\n");
  EXPECT_EQ(t_.Run({"LPUSH", "l", "b"}), ":1\r\n");
  EXPECT_EQ(t_.Run({"TTL", "l"}), ":-1\r\n");
}

TEST_F(ListCmdsTest, FreeEffortIsTheNodeCount) {
  t_.Run({"CONFIG", "SET", "list-max-listpack-size", "2"});
  PushN("l", 0, 300);
  EXPECT_EQ(List("l")->FreeEffort(), 150u);
  EXPECT_EQ(t_.Run({"UNLINK", "l"}), ":1\r\n");
  EXPECT_EQ(t_.Run({"EXISTS", "l"}), ":0\r\n");
}

TEST_F(ListCmdsTest, IntrospectionOnLists) {
  PushN("l", 0, 100);
  EXPECT_EQ(t_.Run({"TYPE", "l"}), "+list\r\n");
  EXPECT_EQ(t_.Run({"OBJECT", "ENCODING", "l"}), "$9\r\nquicklist\r\n");
  EXPECT_GT(List("l")->MemoryUsage(), 1100u);  // 100 entries of 11-12 bytes, plus the node
  t_.config().other["enable-debug-command"] = "yes";
  std::string dbg = t_.Run({"DEBUG", "OBJECT", "l"});
  EXPECT_NE(dbg.find("encoding:quicklist"), std::string::npos) << dbg;
  EXPECT_NE(dbg.find(" ql_nodes:1 ql_avg_node:100.00 ql_listpack_max:-2 ql_compressed:0"),
            std::string::npos)
      << dbg;
  EXPECT_EQ(t_.Run({"RENAME", "l", "m"}), "+OK\r\n");
  EXPECT_EQ(t_.Run({"LLEN", "m"}), ":100\r\n");
}

TEST_F(ListCmdsTest, WrongTypeEverywhere) {
  t_.Run({"SET", "s", "v"});
  for (std::vector<std::string_view> cmd : std::vector<std::vector<std::string_view>>{
           {"LPUSH", "s", "a"},
           {"RPUSHX", "s", "a"},
           {"LPOP", "s"},
           {"RPOP", "s", "0"},
           {"LLEN", "s"},
           {"LRANGE", "s", "0", "1"},
           {"LINDEX", "s", "x"},
           {"LSET", "s", "x", "v"},
           {"LINSERT", "s", "BEFORE", "a", "b"},
           {"LREM", "s", "0", "a"},
           {"LTRIM", "s", "0", "1"},
           {"LPOS", "s", "a"},
           {"LMPOP", "2", "nokey", "s", "LEFT"},
       }) {
    EXPECT_EQ(t_.Run(cmd), kWrongType) << cmd[0];
  }
  t_.Run({"RPUSH", "l", "a"});
  EXPECT_EQ(t_.Run({"GET", "l"}), kWrongType);
  // LMPOP stops at the first list: a later wrong-type key is not reached.
  EXPECT_EQ(t_.Run({"LMPOP", "2", "l", "s", "LEFT"}), "*2\r\n$1\r\nl\r\n*1\r\n$1\r\na\r\n");
}

TEST_F(ListCmdsTest, LRangeFromTheTailEndOfABigList) {
  PushN("l", 0, 100000);
  EXPECT_EQ(t_.Run({"LRANGE", "l", "-2", "-1"}),
            "*2\r\n$13\r\nelement:99998\r\n$13\r\nelement:99999\r\n");
  EXPECT_EQ(t_.Run({"LINDEX", "l", "99990"}), "$13\r\nelement:99990\r\n");
  EXPECT_EQ(t_.Run({"LTRIM", "l", "10", "-11"}), "+OK\r\n");
  EXPECT_EQ(t_.Run({"LLEN", "l"}), ":99980\r\n");
  EXPECT_EQ(t_.Run({"LINDEX", "l", "0"}), "$10\r\nelement:10\r\n");
  EXPECT_EQ(t_.Run({"LINDEX", "l", "-1"}), "$13\r\nelement:99989\r\n");
}

}  // namespace
}  // namespace duet
