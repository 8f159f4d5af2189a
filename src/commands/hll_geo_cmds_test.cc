// Command-level checks of HyperLogLog and geo that replies alone do not show: the dirty
// counter (persistence and replication depend on it), TTLs, encodings and config changes.
#include <gtest/gtest.h>

#include <string>

#include "server/test_harness.h"

namespace duet {
namespace {

class HllGeoTest : public ::testing::Test {
 protected:
  uint64_t dirty() { return t_.server().stats().dirty; }
  TestServer t_;
};

TEST_F(HllGeoTest, PfAddCountsEveryChangedRegister) {
  uint64_t d0 = dirty();
  EXPECT_EQ(t_.Run({"PFADD", "h", "a", "b", "c"}), ":1\r\n");
  EXPECT_EQ(dirty(), d0 + 4);  // the key's creation and three registers
  EXPECT_EQ(t_.Run({"PFADD", "h", "a", "b"}), ":0\r\n");
  EXPECT_EQ(dirty(), d0 + 4);
  // PFCOUNT writes the cached estimate into the value: one change, once.
  EXPECT_EQ(t_.Run({"PFCOUNT", "h"}), ":3\r\n");
  EXPECT_EQ(dirty(), d0 + 5);
  EXPECT_EQ(t_.Run({"PFCOUNT", "h"}), ":3\r\n");
  EXPECT_EQ(dirty(), d0 + 5);
  // Several keys: a temporary merge, nothing written.
  EXPECT_EQ(t_.Run({"PFCOUNT", "h", "nokey"}), ":3\r\n");
  EXPECT_EQ(dirty(), d0 + 5);
  EXPECT_EQ(t_.Run({"PFDEBUG", "TODENSE", "h"}), ":1\r\n");
  EXPECT_EQ(dirty(), d0 + 6);
  EXPECT_EQ(t_.Run({"PFMERGE", "h2", "h"}), "+OK\r\n");
  EXPECT_EQ(dirty(), d0 + 7);
}

TEST_F(HllGeoTest, SparseMaxBytesFollowsConfigSet) {
  EXPECT_EQ(t_.Run({"CONFIG", "SET", "hll-sparse-max-bytes", "30"}), "+OK\r\n");
  t_.Run({"PFADD", "h", "a"});
  EXPECT_EQ(t_.Run({"PFDEBUG", "ENCODING", "h"}), "+sparse\r\n");
  for (int i = 0; i < 20; i++) t_.RunStrings({"PFADD", "h", "e" + std::to_string(i)});
  EXPECT_EQ(t_.Run({"PFDEBUG", "ENCODING", "h"}), "+dense\r\n");
  EXPECT_EQ(t_.Run({"STRLEN", "h"}), ":12304\r\n");
  EXPECT_EQ(t_.Run({"OBJECT", "ENCODING", "h"}), "$3\r\nraw\r\n");
}

TEST_F(HllGeoTest, HllKeepsTtlWhenPromoted) {
  t_.Run({"PFADD", "h", "a"});
  t_.Run({"PEXPIRE", "h", "5000"});
  t_.Run({"PFDEBUG", "TODENSE", "h"});
  EXPECT_EQ(t_.Run({"PTTL", "h"}), ":5000\r\n");
  t_.clock().AdvanceMs(5001);
  EXPECT_EQ(t_.Run({"PFCOUNT", "h"}), ":0\r\n");
  EXPECT_EQ(t_.Run({"EXISTS", "h"}), ":0\r\n");
}

TEST_F(HllGeoTest, GeoAddAndStoreDirty) {
  uint64_t d0 = dirty();
  EXPECT_EQ(t_.Run({"GEOADD", "g", "1", "2", "a", "3", "4", "b"}), ":2\r\n");
  EXPECT_EQ(dirty(), d0 + 2);
  EXPECT_EQ(t_.Run({"GEOADD", "g", "CH", "1", "2", "a", "5", "6", "b"}), ":1\r\n");
  EXPECT_EQ(dirty(), d0 + 3);
  EXPECT_EQ(t_.Run({"GEOADD", "g", "1", "2", "a"}), ":0\r\n");
  EXPECT_EQ(dirty(), d0 + 3);
  EXPECT_EQ(t_.Run({"GEOSEARCHSTORE", "d", "g", "FROMLONLAT", "0", "0", "BYRADIUS", "2000", "km"}),
            ":2\r\n");
  EXPECT_EQ(dirty(), d0 + 5);  // one per stored member
  EXPECT_EQ(t_.Run({"GEOSEARCHSTORE", "d", "g", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "m"}),
            ":0\r\n");
  EXPECT_EQ(dirty(), d0 + 6);  // the destination was deleted
  EXPECT_EQ(t_.Run({"EXISTS", "d"}), ":0\r\n");
  EXPECT_EQ(t_.Run({"TYPE", "g"}), "+zset\r\n");
  EXPECT_EQ(t_.Run({"OBJECT", "ENCODING", "g"}), "$8\r\nlistpack\r\n");
}

TEST_F(HllGeoTest, GeoOverTheBigEncoding) {
  t_.config().zset_max_listpack_entries = 4;
  for (int i = 0; i < 10; i++) {
    t_.RunStrings({"GEOADD", "g", std::to_string(i), std::to_string(i), "m" + std::to_string(i)});
  }
  EXPECT_EQ(t_.Run({"OBJECT", "ENCODING", "g"}), "$8\r\nskiplist\r\n");
  EXPECT_EQ(t_.Run({"GEOSEARCH", "g", "FROMLONLAT", "0", "0", "BYRADIUS", "200", "km", "ASC"}),
            "*2\r\n$2\r\nm0\r\n$2\r\nm1\r\n");
  EXPECT_EQ(t_.Run({"GEOSEARCH", "g", "FROMMEMBER", "m9", "BYRADIUS", "200", "km", "DESC"}),
            "*2\r\n$2\r\nm8\r\n$2\r\nm9\r\n");
  // redis-server 7.0.15 gives 157.2934.
  EXPECT_EQ(t_.Run({"GEODIST", "g", "m0", "m1", "km"}), "$8\r\n157.2934\r\n");
}

}  // namespace
}  // namespace duet
