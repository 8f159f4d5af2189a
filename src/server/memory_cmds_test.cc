// MEMORY USAGE / STATS / DOCTOR / PURGE / HELP through the dispatcher: reply shapes in RESP2
// and RESP3, the figures' relations (exact values depend on the allocator).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/test_harness.h"

namespace duet {
namespace {

int64_t IntReply(const std::string& r) {
  EXPECT_EQ(r[0], ':') << r;
  return std::stoll(r.substr(1));
}

// The bulk-string names at even positions of a flat RESP2 array / RESP3 map of scalars
// (nested aggregates are skipped as one element).
std::vector<std::string> TopLevelNames(const std::string& r) {
  std::vector<std::string> names;
  size_t pos = r.find("\r\n") + 2;
  bool name_next = true;
  int nested = 0;
  while (pos < r.size()) {
    size_t eol = r.find("\r\n", pos);
    char t = r[pos];
    std::string head = r.substr(pos + 1, eol - pos - 1);
    pos = eol + 2;
    if (t == '$') {
      std::string body = r.substr(pos, std::stoul(head));
      pos += body.size() + 2;
      if (nested > 0) {
        nested--;
        continue;
      }
      if (name_next) names.push_back(body);
      name_next = !name_next;
    } else if (t == '*' || t == '%') {
      nested = std::stoi(head) * (t == '%' ? 2 : 1);  // the db.N maps hold scalars only
      name_next = true;
    } else {
      if (nested > 0) {
        nested--;
        continue;
      }
      name_next = !name_next;
    }
  }
  return names;
}

TEST(MemoryCommandsTest, UsageCountsKeyValueAndSlots) {
  TestServer t;
  t.Run({"SET", "foo", "bar"});
  int64_t small = IntReply(t.Run({"MEMORY", "USAGE", "foo"}));
  EXPECT_GE(small, 8 + 3 + 3);
  t.Run({"SET", "big", std::string(1000, 'x')});
  int64_t big = IntReply(t.Run({"MEMORY", "USAGE", "big", "SAMPLES", "0"}));
  EXPECT_GE(big, 1000 + 8);
  EXPECT_LT(big, 1200);
  t.Run({"SET", "foo", "bar", "EX", "100"});  // the TTL costs its 8 bytes and an index slot
  EXPECT_GT(IntReply(t.Run({"MEMORY", "USAGE", "foo"})), small);
  EXPECT_EQ(t.Run({"MEMORY", "USAGE", "nokey"}), "$-1\r\n");
  EXPECT_EQ(t.Run({"MEMORY", "USAGE", "foo", "SAMPLES", "-1"}), "-ERR syntax error\r\n");
  EXPECT_EQ(t.Run({"MEMORY", "USAGE", "nokey", "SAMPLES", "x"}),
            "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(t.Run({"MEMORY", "USAGE", "foo", "SAMPLES"}), "-ERR syntax error\r\n");
}

TEST(MemoryCommandsTest, UsageDoesNotExpireOrTouch) {
  TestServer t;
  t.Run({"SET", "k", "v", "PX", "10"});
  t.clock().AdvanceMs(20);
  EXPECT_EQ(t.Run({"MEMORY", "USAGE", "k"})[0], ':');  // Redis's dictFind sees it too
}

TEST(MemoryCommandsTest, StatsFieldsInRedisOrder) {
  TestServer t;
  std::vector<std::string> expected = {"peak.allocated",
                                       "total.allocated",
                                       "startup.allocated",
                                       "replication.backlog",
                                       "clients.slaves",
                                       "clients.normal",
                                       "cluster.links",
                                       "aof.buffer",
                                       "lua.caches",
                                       "functions.caches",
                                       "overhead.total",
                                       "keys.count",
                                       "keys.bytes-per-key",
                                       "dataset.bytes",
                                       "dataset.percentage",
                                       "peak.percentage",
                                       "allocator.allocated",
                                       "allocator.active",
                                       "allocator.resident",
                                       "allocator-fragmentation.ratio",
                                       "allocator-fragmentation.bytes",
                                       "allocator-rss.ratio",
                                       "allocator-rss.bytes",
                                       "rss-overhead.ratio",
                                       "rss-overhead.bytes",
                                       "fragmentation",
                                       "fragmentation.bytes"};
  std::string r = t.Run({"MEMORY", "STATS"});
  EXPECT_EQ(r.substr(0, 5), "*54\r\n");
  EXPECT_EQ(TopLevelNames(r), expected);
  t.Run({"SET", "a", "1"});
  t.Run({"SELECT", "3"});
  t.Run({"SET", "b", "1", "EX", "10"});
  r = t.Run({"MEMORY", "STATS"});
  EXPECT_EQ(r.substr(0, 5), "*58\r\n");
  std::vector<std::string> with_dbs = expected;
  with_dbs.insert(with_dbs.begin() + 10, {"db.0", "db.3"});
  EXPECT_EQ(TopLevelNames(r), with_dbs);
  EXPECT_NE(r.find("$26\r\noverhead.hashtable.expires\r\n"), std::string::npos);
  EXPECT_NE(r.find("$10\r\nkeys.count\r\n:2\r\n"), std::string::npos);
  t.Run({"HELLO", "3"});
  r = t.Run({"MEMORY", "STATS"});
  EXPECT_EQ(r.substr(0, 5), "%29\r\n");
  EXPECT_NE(r.find("$4\r\ndb.0\r\n%3\r\n"), std::string::npos);
  EXPECT_NE(r.find("$18\r\ndataset.percentage\r\n,"), std::string::npos);
}

TEST(MemoryCommandsTest, DoctorPurgeMallocStatsHelp) {
  TestServer t;
  std::string doctor = t.Run({"MEMORY", "DOCTOR"});
  EXPECT_EQ(doctor[0], '$');
  EXPECT_NE(doctor.find("Sam"), std::string::npos);
  EXPECT_EQ(t.Run({"MEMORY", "PURGE"}), "+OK\r\n");
  EXPECT_EQ(t.Run({"MEMORY", "MALLOC-STATS"})[0], '$');
  t.Run({"HELLO", "3"});
  std::string verbatim = t.Run({"MEMORY", "DOCTOR"});
  EXPECT_EQ(verbatim[0], '=');
  EXPECT_NE(verbatim.find("\r\ntxt:"), std::string::npos);
  std::string help = t.Run({"MEMORY", "HELP"});
  EXPECT_EQ(help.substr(0, 5), "*14\r\n");
  EXPECT_EQ(t.Run({"MEMORY", "nope"}), "-ERR unknown subcommand 'nope'. Try MEMORY HELP.\r\n");
}

}  // namespace
}  // namespace duet
