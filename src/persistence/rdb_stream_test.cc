#include "persistence/rdb_stream.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "common/crc64.h"
#include "persistence/rdb_encoder.h"
#include "persistence/rdb_format.h"
#include "server/test_harness.h"
#include "types/listpack.h"

namespace duet::rdb {
namespace {

std::string BulkBody(const std::string& reply) {
  size_t eol = reply.find("\r\n");
  return reply.substr(eol + 2, reply.size() - eol - 4);
}

void PopulateStreams(TestServer& t) {
  t.Run({"XADD", "small", "1-1", "a", "1", "b", "2"});
  t.Run({"XADD", "small", "1-2", "a", "3", "b", "4"});
  t.Run({"XADD", "small", "2-0", "other", "fields"});
  t.Run({"XADD", "small", "5-0", "a", "100000", "b", "-7"});
  t.Run({"XDEL", "small", "1-2"});
  t.Run({"XGROUP", "CREATE", "small", "g1", "0"});
  t.Run({"XGROUP", "CREATE", "small", "g2", "$"});
  t.Run({"XREADGROUP", "GROUP", "g1", "alice", "COUNT", "2", "STREAMS", "small", ">"});
  t.clock().AdvanceMs(1500);
  t.Run({"XREADGROUP", "GROUP", "g1", "bob", "STREAMS", "small", ">"});
  t.Run({"XGROUP", "CREATECONSUMER", "small", "g1", "carol"});
  t.Run({"XCLAIM", "small", "g1", "carol", "0", "5-0"});
  for (int i = 1; i <= 500; i++) {
    std::string id = std::to_string(1000 + i) + "-" + std::to_string(i % 3);
    t.RunStrings(
        {"XADD", "big", id, "field", "value-" + std::to_string(i), "n", std::to_string(i)});
  }
  t.Run({"XTRIM", "big", "MAXLEN", "450"});
  t.Run({"XDEL", "big", "1300-0", "1300-1", "1400-2", "1400-1"});
  t.Run({"XGROUP", "CREATE", "big", "readers", "0"});
  t.Run({"XREADGROUP", "GROUP", "readers", "r1", "COUNT", "30", "STREAMS", "big", ">"});
  t.Run({"XACK", "big", "readers", "1060-0", "1061-1"});
  t.Run({"XGROUP", "CREATE", "empty", "lonely", "$", "MKSTREAM"});
  t.Run({"XADD", "setid", "7-7", "k", "v"});
  t.Run({"XSETID", "setid", "100-5", "ENTRIESADDED", "40", "MAXDELETEDID", "90-1"});
}

const std::vector<std::string> kStreams = {"small", "big", "empty", "setid"};

TEST(RdbStream, DumpRestoreKeepsNodesGroupsAndBytes) {
  TestServer t;
  t.config().other["enable-debug-command"] = "yes";
  PopulateStreams(t);
  for (const std::string& k : kStreams) {
    std::string payload = BulkBody(t.RunStrings({"DUMP", k}));
    EXPECT_EQ(static_cast<uint8_t>(payload[0]), kTypeStreamListpacks2) << k;
    ASSERT_EQ(t.RunStrings({"RESTORE", k + "2", "0", payload}), "+OK\r\n") << k;
    EXPECT_EQ(t.RunStrings({"XINFO", "STREAM", k + "2", "FULL"}),
              t.RunStrings({"XINFO", "STREAM", k, "FULL"}))
        << k;
    EXPECT_EQ(t.RunStrings({"DEBUG", "DIGEST-VALUE", k + "2"}),
              t.RunStrings({"DEBUG", "DIGEST-VALUE", k}))
        << k;
    EXPECT_EQ(BulkBody(t.RunStrings({"DUMP", k + "2"})), payload) << k;
  }
  // The restored stream keeps working: appends go to its last node as in the original.
  t.Run({"XADD", "big", "9999-0", "field", "x", "n", "1"});
  t.Run({"XADD", "big2", "9999-0", "field", "x", "n", "1"});
  EXPECT_EQ(BulkBody(t.Run({"DUMP", "big2"})), BulkBody(t.Run({"DUMP", "big"})));
  EXPECT_EQ(t.Run({"XLEN", "big2"}), ":449\r\n");
}

// A payload's footer: RDB version 10 and the CRC-64 of everything before it.
std::string WithFooter(std::string body) {
  body.push_back(static_cast<char>(kVersion));
  body.push_back(0);
  uint64_t crc = Crc64(0, body.data(), body.size());
  char b[8];
  std::memcpy(b, &crc, 8);
  body.append(b, 8);
  return body;
}

std::string RawId(uint64_t ms, uint64_t seq) {
  std::string out(16, '\0');
  for (int i = 0; i < 8; i++) {
    out[i] = static_cast<char>(ms >> (56 - 8 * i));
    out[8 + i] = static_cast<char>(seq >> (56 - 8 * i));
  }
  return out;
}

// Hand-built pieces of a stream payload (independent of the writer).
struct PayloadSpec {
  uint8_t type = kTypeStreamListpacks;
  int64_t second_seq_diff = 1;  // the second entry's ID is 1-(1+this)
  uint64_t length = 2;
  bool pel_owned_twice = false;
  bool pel_unowned = false;
};

std::string BuildPayload(const PayloadSpec& spec) {
  uint8_t* lp = lp::New();
  for (int64_t v : {2, 0, 2}) lp = lp::AppendInteger(lp, v);  // count, deleted, fields
  lp = lp::Append(lp, "a");
  lp = lp::Append(lp, "b");
  lp = lp::AppendInteger(lp, 0);
  // 1-1 a 1 b 2 (same fields), then 1-(1+diff) a 3 b 4 (same fields).
  for (int64_t v : {2, 0, 0}) lp = lp::AppendInteger(lp, v);
  lp = lp::Append(lp, "1");
  lp = lp::Append(lp, "2");
  lp = lp::AppendInteger(lp, 5);
  for (int64_t v : {int64_t{2}, int64_t{0}, spec.second_seq_diff}) lp = lp::AppendInteger(lp, v);
  lp = lp::Append(lp, "3");
  lp = lp::Append(lp, "4");
  lp = lp::AppendInteger(lp, 5);
  RdbEncoder enc(false);
  enc.Byte(spec.type);
  enc.Length(1);
  enc.String(RawId(1, 1));
  enc.String({reinterpret_cast<const char*>(lp), lp::Bytes(lp)});
  lp::Free(lp);
  enc.Length(spec.length);
  enc.Length(1);  // last ID 1-(1+diff)
  enc.Length(1 + static_cast<uint64_t>(spec.second_seq_diff));
  if (spec.type == kTypeStreamListpacks2) {
    for (uint64_t v : {1, 1, 0, 0, 2}) enc.Length(v);  // first, max deleted, entries added
  }
  enc.Length(1);  // one group "g", last ID 1-1
  enc.String("g");
  enc.Length(1);
  enc.Length(1);
  if (spec.type == kTypeStreamListpacks2) enc.Length(1);
  enc.Length(1);  // PEL: 1-1 delivered at 1000 ms, twice
  enc.Raw(RawId(1, 1));
  enc.Millis(1000);
  enc.Length(2);
  int consumers = spec.pel_owned_twice ? 2 : 1;
  enc.Length(consumers);
  for (int c = 0; c < consumers; c++) {
    enc.String(c == 0 ? "alice" : "bob");
    enc.Millis(2000);
    if (spec.pel_unowned) {
      enc.Length(0);
    } else {
      enc.Length(1);
      enc.Raw(RawId(1, 1));
    }
  }
  return WithFooter(enc.buffer());
}

TEST(RdbStream, LoadsRedis6StreamType) {
  TestServer t;
  ASSERT_EQ(t.RunStrings({"RESTORE", "s", "0", BuildPayload({})}), "+OK\r\n");
  EXPECT_EQ(t.Run({"XRANGE", "s", "-", "+"}),
            "*2\r\n*2\r\n$3\r\n1-1\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n"
            "*2\r\n$3\r\n1-2\r\n*4\r\n$1\r\na\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n4\r\n");
  // RDB_TYPE_STREAM_LISTPACKS has no entries-added / entries-read: Redis derives them.
  std::string info = t.Run({"XINFO", "STREAM", "s", "FULL"});
  EXPECT_NE(info.find("$13\r\nentries-added\r\n:2\r\n"), std::string::npos) << info;
  EXPECT_NE(info.find("$12\r\nentries-read\r\n:1\r\n"), std::string::npos) << info;
  EXPECT_EQ(t.Run({"XPENDING", "s", "g"}),
            "*4\r\n:1\r\n$3\r\n1-1\r\n$3\r\n1-1\r\n*1\r\n*2\r\n$5\r\nalice\r\n$1\r\n1\r\n");
  // Written back as the 7.0 type.
  EXPECT_EQ(static_cast<uint8_t>(BulkBody(t.Run({"DUMP", "s"}))[0]), kTypeStreamListpacks2);
  PayloadSpec v2;
  v2.type = kTypeStreamListpacks2;
  EXPECT_EQ(t.RunStrings({"RESTORE", "s2", "0", BuildPayload(v2)}), "+OK\r\n");
}

TEST(RdbStream, InconsistentStreamsAreRefused) {
  const std::string kBad = "-ERR Bad data format\r\n";
  TestServer t;
  PayloadSpec s;
  s.second_seq_diff = 0;  // two entries 1-1
  EXPECT_EQ(t.RunStrings({"RESTORE", "k", "0", BuildPayload(s)}), kBad);
  s.second_seq_diff = -1;  // the second entry below the master ID
  EXPECT_EQ(t.RunStrings({"RESTORE", "k", "0", BuildPayload(s)}), kBad);
  s = {};
  s.length = 3;
  EXPECT_EQ(t.RunStrings({"RESTORE", "k", "0", BuildPayload(s)}), kBad);
  s = {};
  s.pel_owned_twice = true;
  EXPECT_EQ(t.RunStrings({"RESTORE", "k", "0", BuildPayload(s)}), kBad);
  s = {};
  s.pel_unowned = true;
  EXPECT_EQ(t.RunStrings({"RESTORE", "k", "0", BuildPayload(s)}), kBad);
  EXPECT_EQ(t.Run({"EXISTS", "k"}), ":0\r\n");
}

// Random damage to stream payloads (checksums skipped so the bytes reach the decoder) never
// crashes; what loads is usable by every stream command.
TEST(RdbStream, DamagedPayloadsNeverCrash) {
  TestServer t;
  t.config().other["enable-debug-command"] = "yes";
  PopulateStreams(t);
  t.Run({"DEBUG", "SET-SKIP-CHECKSUM-VALIDATION", "1"});
  std::mt19937 rng(4321);
  int loaded = 0;
  for (const std::string& k : kStreams) {
    std::string payload = BulkBody(t.RunStrings({"DUMP", k}));
    for (int round = 0; round < 400; round++) {
      std::string bad = payload;
      int flips = 1 + static_cast<int>(rng() % 3);
      for (int f = 0; f < flips; f++) {
        size_t pos = rng() % (bad.size() - 10);
        bad[pos] = static_cast<char>(rng());
      }
      if (rng() % 5 == 0) bad.erase(rng() % (bad.size() - 10), 1 + rng() % 8);
      std::string reply = t.RunStrings({"RESTORE", "victim", "0", bad, "REPLACE"});
      if (reply != "+OK\r\n") {
        EXPECT_EQ(t.Run({"EXISTS", "victim"}), ":0\r\n");
        continue;
      }
      loaded++;
      t.Run({"XRANGE", "victim", "-", "+"});
      t.Run({"XREVRANGE", "victim", "+", "-", "COUNT", "7"});
      t.Run({"XINFO", "STREAM", "victim", "FULL"});
      t.Run({"XINFO", "GROUPS", "victim"});
      t.Run({"XPENDING", "victim", "g1", "-", "+", "10"});
      t.Run({"XAUTOCLAIM", "victim", "g1", "zed", "0", "0"});
      t.Run({"XREADGROUP", "GROUP", "g1", "zed", "STREAMS", "victim", "0"});
      t.Run({"XADD", "victim", "*", "a", "1"});
      t.Run({"XTRIM", "victim", "MAXLEN", "3"});
      t.Run({"DUMP", "victim"});
      t.Run({"DEL", "victim"});
    }
  }
  EXPECT_GT(loaded, 0);
}

}  // namespace
}  // namespace duet::rdb
