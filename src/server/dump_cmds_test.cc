#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "server/test_harness.h"

namespace duet {
namespace {

// The payload of a bulk-string reply.
std::string BulkBody(const std::string& reply) {
  size_t eol = reply.find("\r\n");
  return reply.substr(eol + 2, reply.size() - eol - 4);
}

void Populate(TestServer& t) {
  t.Run({"SET", "str", "hello"});
  t.RunStrings({"SET", "lzf", std::string(500, 'z')});
  t.Run({"RPUSH", "list", "a", "1", "b"});
  t.Run({"HSET", "hash", "f", "v", "n", "12"});
  for (int i = 0; i < 600; i++) t.RunStrings({"HSET", "bighash", "f" + std::to_string(i), "v"});
  t.Run({"SADD", "iset", "1", "2", "3"});
  t.Run({"SADD", "sset", "x", "y"});
  t.Run({"ZADD", "zset", "1", "a", "2", "b"});
  for (int i = 0; i < 200; i++) {
    t.RunStrings({"ZADD", "bigz", std::to_string(i), "m" + std::to_string(i)});
  }
}

const std::vector<std::string> kKeys = {"str",  "lzf",  "list", "hash", "bighash",
                                        "iset", "sset", "zset", "bigz"};

TEST(DumpRestore, RoundTripEveryEncoding) {
  TestServer t;
  Populate(t);
  for (const std::string& k : kKeys) {
    std::string payload = BulkBody(t.RunStrings({"DUMP", k}));
    std::string enc = t.RunStrings({"OBJECT", "ENCODING", k});
    EXPECT_EQ(t.RunStrings({"RESTORE", k + "2", "0", payload}), "+OK\r\n") << k;
    EXPECT_EQ(t.RunStrings({"OBJECT", "ENCODING", k + "2"}), enc) << k;
    // The restored value dumps to the same bytes (big hashes/sets aside: table order).
    if (k != "bighash") {
      EXPECT_EQ(BulkBody(t.RunStrings({"DUMP", k + "2"})), payload) << k;
    }
  }
  EXPECT_EQ(t.Run({"LRANGE", "list2", "0", "-1"}), "*3\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n");
  EXPECT_EQ(t.Run({"HLEN", "bighash2"}), ":600\r\n");
}

TEST(DumpRestore, TtlAndBusyKey) {
  TestServer t;
  t.Run({"SET", "k", "v"});
  std::string payload = BulkBody(t.Run({"DUMP", "k"}));
  EXPECT_EQ(t.RunStrings({"RESTORE", "k", "0", payload}),
            "-BUSYKEY Target key name already exists.\r\n");
  EXPECT_EQ(t.RunStrings({"RESTORE", "k", "5000", payload, "REPLACE"}), "+OK\r\n");
  EXPECT_EQ(t.Run({"PTTL", "k"}), ":5000\r\n");
  t.clock().AdvanceMs(5001);
  EXPECT_EQ(t.Run({"EXISTS", "k"}), ":0\r\n");
  // An absolute TTL in the past: OK, and no key.
  EXPECT_EQ(t.RunStrings({"RESTORE", "k", "1", payload, "ABSTTL"}), "+OK\r\n");
  EXPECT_EQ(t.Run({"EXISTS", "k"}), ":0\r\n");
}

// Random damage to payloads (checksums skipped so the bytes reach the decoder) never crashes
// and never leaves a key behind on error.
TEST(DumpRestore, DamagedPayloadsAreRefused) {
  TestServer t;
  t.config().other["enable-debug-command"] = "yes";
  Populate(t);
  t.Run({"DEBUG", "SET-SKIP-CHECKSUM-VALIDATION", "1"});
  std::mt19937 rng(1234);
  for (const std::string& k : kKeys) {
    std::string payload = BulkBody(t.RunStrings({"DUMP", k}));
    for (int round = 0; round < 300; round++) {
      std::string bad = payload;
      int flips = 1 + static_cast<int>(rng() % 4);
      for (int f = 0; f < flips; f++) {
        size_t pos = rng() % (bad.size() - 10);
        bad[pos] = static_cast<char>(rng());
      }
      if (rng() % 5 == 0) bad.erase(rng() % (bad.size() - 10), 1 + rng() % 8);
      std::string reply = t.RunStrings({"RESTORE", "victim", "0", bad, "REPLACE"});
      if (reply != "+OK\r\n") {
        EXPECT_EQ(t.Run({"EXISTS", "victim"}), ":0\r\n");
      }
      t.Run({"DEL", "victim"});
    }
  }
}

}  // namespace
}  // namespace duet
