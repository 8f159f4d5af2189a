// In-process tests of SORT / SORT_RO (sort_cmds.cc, types/sort.h) through the dispatcher.
#include <gtest/gtest.h>

#include "server/test_harness.h"
#include "types/sort.h"

namespace duet {
namespace {

class SortTest : public ::testing::Test {
 protected:
  Db& db() { return t_.server().keyspace().db(0); }
  TestServer t_;
};

TEST_F(SortTest, PatternSubstitution) {
  t_.Run({"SET", "w_a", "5"});
  t_.Run({"SET", "x_a_y", "6"});
  t_.Run({"HSET", "h_a", "f", "7", "g->h", "8"});
  EXPECT_EQ(sorting::LookupByPattern(db(), "#", "a", false), "a");
  EXPECT_EQ(sorting::LookupByPattern(db(), "w_*", "a", false), "5");
  EXPECT_EQ(sorting::LookupByPattern(db(), "x_*_y", "a", false), "6");
  EXPECT_EQ(sorting::LookupByPattern(db(), "h_*->f", "a", false), "7");
  EXPECT_EQ(sorting::LookupByPattern(db(), "h_*->g->h", "a", false), "8");  // field after first ->
  EXPECT_EQ(sorting::LookupByPattern(db(), "h_*->nope", "a", false), std::nullopt);
  EXPECT_EQ(sorting::LookupByPattern(db(), "h_*", "a", false), std::nullopt);     // not a string
  EXPECT_EQ(sorting::LookupByPattern(db(), "w_*->f", "a", false), std::nullopt);  // not a hash
  EXPECT_EQ(sorting::LookupByPattern(db(), "w_a", "a", false), std::nullopt);     // no '*'
  EXPECT_EQ(sorting::LookupByPattern(db(), "missing_*", "a", true), std::nullopt);
}

TEST_F(SortTest, ListsSetsAndSortedSets) {
  t_.Run({"RPUSH", "l", "3", "1", "2"});
  EXPECT_EQ(t_.Run({"SORT", "l"}), "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n");
  EXPECT_EQ(t_.Run({"SORT", "l", "BY", "nosort", "DESC", "LIMIT", "0", "2"}),
            "*2\r\n$1\r\n2\r\n$1\r\n1\r\n");
  t_.Run({"SADD", "s", "b", "a"});
  EXPECT_EQ(t_.Run({"SORT", "s", "ALPHA", "DESC"}), "*2\r\n$1\r\nb\r\n$1\r\na\r\n");
  // BY nosort with STORE on a set sorts (ALPHA) so the stored list is deterministic.
  EXPECT_EQ(t_.Run({"SORT", "s", "BY", "nosort", "STORE", "d"}), ":2\r\n");
  EXPECT_EQ(t_.Run({"LRANGE", "d", "0", "-1"}), "*2\r\n$1\r\na\r\n$1\r\nb\r\n");
  t_.Run({"ZADD", "z", "2", "x", "1", "y"});
  EXPECT_EQ(t_.Run({"SORT", "z", "BY", "nosort"}), "*2\r\n$1\r\ny\r\n$1\r\nx\r\n");
  EXPECT_EQ(t_.Run({"OBJECT", "ENCODING", "z"}), "$8\r\nskiplist\r\n");  // as Redis 7.0
  EXPECT_EQ(t_.Run({"SORT", "z"}), "-ERR One or more scores can't be converted into double\r\n");
}

TEST_F(SortTest, StoreReplacesOrDeletes) {
  t_.Run({"RPUSH", "l", "2", "1"});
  t_.Run({"SET", "d", "x"});
  t_.Run({"EXPIRE", "d", "100"});
  EXPECT_EQ(t_.Run({"SORT", "l", "GET", "nokey_*", "GET", "#", "STORE", "d"}), ":4\r\n");
  EXPECT_EQ(t_.Run({"TTL", "d"}), ":-1\r\n");
  EXPECT_EQ(t_.Run({"LRANGE", "d", "0", "-1"}),
            "*4\r\n$0\r\n\r\n$1\r\n1\r\n$0\r\n\r\n$1\r\n2\r\n");  // misses stored as ""
  EXPECT_EQ(t_.Run({"SORT", "l", "LIMIT", "5", "5", "STORE", "d"}), ":0\r\n");
  EXPECT_EQ(t_.Run({"EXISTS", "d"}), ":0\r\n");
  EXPECT_EQ(t_.Run({"SORT_RO", "l", "STORE", "d"}), "-ERR syntax error\r\n");
}

}  // namespace
}  // namespace duet
