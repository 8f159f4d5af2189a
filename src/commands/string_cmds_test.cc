// In-process tests of the string command families (string_cmds.cc, counter_cmds.cc,
// lcs_cmds.cc) through the real dispatcher. TTLs are driven by the ManualClock; no sleeps.
// Expire times are checked on the Entry so these tests do not depend on TTL/PTTL.
#include <gtest/gtest.h>

#include "server/test_harness.h"

namespace duet {
namespace {

constexpr const char* kOk = "+OK\r\n";
constexpr const char* kNil = "$-1\r\n";
constexpr const char* kWrongType =
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

class FakeList : public CompositeValue {
 public:
  size_t MemoryUsage() const override { return sizeof(*this); }
  CompositeValue* Clone() const override { return new FakeList; }
  std::string_view EncodingName() const override { return "fake"; }
};

class StringCmdsTest : public ::testing::Test {
 protected:
  Db& db() { return t_.server().keyspace().db(0); }
  int64_t Now() { return t_.clock().NowMs(); }
  // Absolute expire time of `key` in ms, Entry::kNoExpire without a TTL, -2 when missing.
  int64_t ExpireAt(std::string_view key) {
    const Entry* e = db().Peek(key);
    return e ? e->expire_ms() : -2;
  }
  void AddList(std::string_view key) {
    db().Add(Entry::NewObject(key, ValueType::kList, new FakeList, Entry::kNoExpire));
  }
  const KeyspaceContext& ks() { return t_.server().keyspace().ctx(); }

  TestServer t_;
};

TEST_F(StringCmdsTest, GetSetBasics) {
  EXPECT_EQ(t_.Run({"GET", "k"}), kNil);
  EXPECT_EQ(t_.Run({"SET", "k", "hello"}), kOk);
  EXPECT_EQ(t_.Run({"GET", "k"}), "$5\r\nhello\r\n");
  EXPECT_EQ(t_.Run({"SET", "k", ""}), kOk);
  EXPECT_EQ(t_.Run({"GET", "k"}), "$0\r\n\r\n");
  EXPECT_EQ(t_.Run({"SET", "k"}), "-ERR wrong number of arguments for 'set' command\r\n");
  EXPECT_EQ(t_.Run({"GET", "a", "b"}), "-ERR wrong number of arguments for 'get' command\r\n");
}

TEST_F(StringCmdsTest, SetOptionErrors) {
  const std::string syntax = "-ERR syntax error\r\n";
  EXPECT_EQ(t_.Run({"SET", "k", "v", "NX", "XX"}), syntax);
  EXPECT_EQ(t_.Run({"SET", "k", "v", "EX", "10", "PX", "10"}), syntax);
  EXPECT_EQ(t_.Run({"SET", "k", "v", "KEEPTTL", "EX", "10"}), syntax);
  EXPECT_EQ(t_.Run({"SET", "k", "v", "EX"}), syntax);
  EXPECT_EQ(t_.Run({"SET", "k", "v", "PERSIST"}), syntax);
  EXPECT_EQ(t_.Run({"SET", "k", "v", "EX", "0"}), "-ERR invalid expire time in 'set' command\r\n");
  EXPECT_EQ(t_.Run({"SET", "k", "v", "PX", "9223372036854775807"}),
            "-ERR invalid expire time in 'set' command\r\n");
  EXPECT_EQ(t_.Run({"SET", "k", "v", "EX", "1.5"}),
            "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(t_.Run({"SETEX", "k", "-1", "v"}), "-ERR invalid expire time in 'setex' command\r\n");
  EXPECT_EQ(t_.Run({"PSETEX", "k", "0", "v"}), "-ERR invalid expire time in 'psetex' command\r\n");
  EXPECT_EQ(t_.Run({"GET", "k"}), kNil);  // nothing was written
  // The repeated expire option wins; an option word ends at a NUL byte as in Redis.
  EXPECT_EQ(t_.Run({"SET", "k", "v", "EX", "10", "EX", "20"}), kOk);
  EXPECT_EQ(ExpireAt("k"), Now() + 20'000);
  EXPECT_EQ(t_.Run({"SET", "k", "w", std::string_view("XX\0z", 4)}), kOk);
}

TEST_F(StringCmdsTest, SetTtlLifecycle) {
  EXPECT_EQ(t_.Run({"SET", "k", "v", "PX", "100"}), kOk);
  EXPECT_EQ(ExpireAt("k"), Now() + 100);
  t_.clock().AdvanceMs(99);
  EXPECT_EQ(t_.Run({"GET", "k"}), "$1\r\nv\r\n");
  t_.clock().AdvanceMs(1);
  EXPECT_EQ(t_.Run({"GET", "k"}), kNil);

  EXPECT_EQ(t_.Run({"SET", "k", "v", "EX", "100"}), kOk);
  EXPECT_EQ(t_.Run({"SET", "k", "v2", "KEEPTTL"}), kOk);
  EXPECT_EQ(ExpireAt("k"), Now() + 100'000);
  EXPECT_EQ(t_.Run({"SET", "k", "v3"}), kOk);  // a plain SET clears the TTL
  EXPECT_EQ(ExpireAt("k"), Entry::kNoExpire);
  int64_t at = (Now() / 1000 + 50) * 1000;
  EXPECT_EQ(t_.RunStrings({"SET", "k", "v", "EXAT", std::to_string(at / 1000)}), kOk);
  EXPECT_EQ(ExpireAt("k"), at);
  EXPECT_EQ(t_.RunStrings({"SET", "k", "v", "PXAT", std::to_string(Now() + 7)}), kOk);
  EXPECT_EQ(ExpireAt("k"), Now() + 7);
  // An absolute time in the past is accepted; the key is then gone.
  EXPECT_EQ(t_.Run({"SET", "k", "v", "EXAT", "1"}), kOk);
  EXPECT_EQ(t_.Run({"GET", "k"}), kNil);

  EXPECT_EQ(t_.Run({"SETEX", "s", "10", "v"}), kOk);
  EXPECT_EQ(ExpireAt("s"), Now() + 10'000);
  EXPECT_EQ(t_.Run({"PSETEX", "s", "10", "v"}), kOk);
  EXPECT_EQ(ExpireAt("s"), Now() + 10);
  EXPECT_EQ(t_.Run({"GETSET", "s", "w"}), "$1\r\nv\r\n");
  EXPECT_EQ(ExpireAt("s"), Entry::kNoExpire);  // GETSET clears the TTL
}

TEST_F(StringCmdsTest, SetNxXxGet) {
  EXPECT_EQ(t_.Run({"SET", "k", "v", "XX"}), kNil);
  EXPECT_EQ(t_.Run({"SET", "k", "v", "NX"}), kOk);
  EXPECT_EQ(t_.Run({"SET", "k", "w", "NX"}), kNil);
  EXPECT_EQ(t_.Run({"SET", "k", "w", "NX", "GET"}), "$1\r\nv\r\n");
  EXPECT_EQ(t_.Run({"SET", "k", "x", "XX", "GET"}), "$1\r\nv\r\n");
  EXPECT_EQ(t_.Run({"GET", "k"}), "$1\r\nx\r\n");
  EXPECT_EQ(t_.Run({"SET", "m", "x", "XX", "GET"}), kNil);
  EXPECT_EQ(t_.Run({"SET", "m", "x", "GET"}), kNil);
  EXPECT_EQ(t_.Run({"GET", "m"}), "$1\r\nx\r\n");
  EXPECT_EQ(t_.Run({"SETNX", "m", "y"}), ":0\r\n");
  EXPECT_EQ(t_.Run({"SETNX", "n", "y"}), ":1\r\n");
}

TEST_F(StringCmdsTest, WrongType) {
  AddList("l");
  EXPECT_EQ(t_.Run({"GET", "l"}), kWrongType);
  EXPECT_EQ(t_.Run({"SET", "l", "v", "GET"}), kWrongType);
  EXPECT_EQ(db().Peek("l")->type(), ValueType::kList);  // SET ... GET did not overwrite
  EXPECT_EQ(t_.Run({"GETSET", "l", "v"}), kWrongType);
  EXPECT_EQ(t_.Run({"GETDEL", "l"}), kWrongType);
  EXPECT_EQ(t_.Run({"GETEX", "l", "EX", "abc"}), kWrongType);
  EXPECT_EQ(t_.Run({"APPEND", "l", "x"}), kWrongType);
  EXPECT_EQ(t_.Run({"STRLEN", "l"}), kWrongType);
  EXPECT_EQ(t_.Run({"GETRANGE", "l", "0", "1"}), kWrongType);
  EXPECT_EQ(t_.Run({"SETRANGE", "l", "0", ""}), kWrongType);
  EXPECT_EQ(t_.Run({"INCR", "l"}), kWrongType);
  EXPECT_EQ(t_.Run({"INCRBYFLOAT", "l", "abc"}), kWrongType);
  EXPECT_EQ(t_.Run({"DECRBY", "l", "-9223372036854775808"}), "-ERR decrement would overflow\r\n");
  EXPECT_EQ(t_.Run({"LCS", "l", "x"}), "-ERR The specified keys must contain string values\r\n");
  EXPECT_EQ(t_.Run({"MGET", "l", "nokey"}), "*2\r\n$-1\r\n$-1\r\n");
  EXPECT_EQ(t_.Run({"MSETNX", "l", "v"}), ":0\r\n");
  EXPECT_EQ(t_.Run({"SETNX", "l", "v"}), ":0\r\n");
  EXPECT_EQ(t_.Run({"SET", "l", "v"}), kOk);  // plain SET replaces any type
  EXPECT_EQ(t_.Run({"GET", "l"}), "$1\r\nv\r\n");
}

TEST_F(StringCmdsTest, GetEx) {
  EXPECT_EQ(t_.Run({"GETEX", "k", "EX", "abc"}), kNil);  // missing key: nil before the value check
  EXPECT_EQ(t_.Run({"GETEX", "k", "FOO"}), "-ERR syntax error\r\n");
  t_.Run({"SET", "k", "v"});
  EXPECT_EQ(t_.Run({"GETEX", "k", "EX", "0"}), "-ERR invalid expire time in 'getex' command\r\n");
  EXPECT_EQ(t_.Run({"GETEX", "k", "EX", "100"}), "$1\r\nv\r\n");
  EXPECT_EQ(ExpireAt("k"), Now() + 100'000);
  EXPECT_EQ(t_.Run({"GETEX", "k", "PX", "5"}), "$1\r\nv\r\n");
  EXPECT_EQ(ExpireAt("k"), Now() + 5);
  EXPECT_EQ(t_.Run({"GETEX", "k", "PERSIST"}), "$1\r\nv\r\n");
  EXPECT_EQ(ExpireAt("k"), Entry::kNoExpire);
  EXPECT_EQ(t_.Run({"GETEX", "k", "KEEPTTL"}), "-ERR syntax error\r\n");
  // A past EXAT/PXAT replies with the value and deletes the key.
  EXPECT_EQ(t_.Run({"GETEX", "k", "PXAT", "1"}), "$1\r\nv\r\n");
  EXPECT_EQ(ExpireAt("k"), -2);
  t_.Run({"SET", "k", "v"});
  EXPECT_EQ(t_.RunStrings({"GETEX", "k", "PXAT", std::to_string(Now() + 1)}), "$1\r\nv\r\n");
  t_.clock().AdvanceMs(1);
  EXPECT_EQ(t_.Run({"GETEX", "k"}), kNil);
}

TEST_F(StringCmdsTest, GetDelAndMulti) {
  EXPECT_EQ(t_.Run({"MSET", "a", "1", "b", "2"}), kOk);
  EXPECT_EQ(t_.Run({"MSET", "a", "1", "b"}),
            "-ERR wrong number of arguments for 'mset' command\r\n");
  EXPECT_EQ(t_.Run({"MGET", "a", "x", "b"}), "*3\r\n$1\r\n1\r\n$-1\r\n$1\r\n2\r\n");
  EXPECT_EQ(t_.Run({"MSETNX", "a", "9", "c", "3"}), ":0\r\n");
  EXPECT_EQ(t_.Run({"GET", "c"}), kNil);
  EXPECT_EQ(t_.Run({"MSETNX", "c", "3", "d", "4"}), ":1\r\n");
  EXPECT_EQ(t_.Run({"GETDEL", "a"}), "$1\r\n1\r\n");
  EXPECT_EQ(t_.Run({"GETDEL", "a"}), kNil);
  EXPECT_EQ(db().size(), 3u);
}

TEST_F(StringCmdsTest, HitsMissesAndDirty) {
  uint64_t hits = ks().keyspace_hits, misses = ks().keyspace_misses;
  uint64_t dirty = t_.server().stats().dirty;
  t_.Run({"SET", "k", "v"});
  t_.Run({"INCR", "n"});
  EXPECT_EQ(ks().keyspace_hits, hits);  // writes do not count
  EXPECT_EQ(ks().keyspace_misses, misses);
  t_.Run({"GET", "k"});
  t_.Run({"GET", "x"});
  t_.Run({"MGET", "k", "n", "x"});
  t_.Run({"SET", "k", "w", "GET"});  // GET option reads like GET
  EXPECT_EQ(ks().keyspace_hits, hits + 4);
  EXPECT_EQ(ks().keyspace_misses, misses + 2);
  EXPECT_EQ(t_.server().stats().dirty, dirty + 3);
  t_.Run({"SET", "k", "v", "NX"});     // not written
  t_.Run({"SETRANGE", "k", "0", ""});  // nothing changes
  t_.Run({"INCR", "k"});               // error
  EXPECT_EQ(t_.server().stats().dirty, dirty + 3);
  t_.Run({"MSET", "a", "1", "b", "2"});
  EXPECT_EQ(t_.server().stats().dirty, dirty + 5);
}

TEST_F(StringCmdsTest, Counters) {
  EXPECT_EQ(t_.Run({"INCR", "n"}), ":1\r\n");
  EXPECT_EQ(t_.Run({"INCRBY", "n", "-11"}), ":-10\r\n");
  EXPECT_EQ(t_.Run({"DECRBY", "n", "5"}), ":-15\r\n");
  EXPECT_EQ(t_.Run({"DECR", "n"}), ":-16\r\n");
  EXPECT_EQ(t_.Run({"INCRBY", "n", "1.5"}), "-ERR value is not an integer or out of range\r\n");
  t_.Run({"SET", "n", "9223372036854775807", "EX", "100"});
  EXPECT_EQ(t_.Run({"INCR", "n"}), "-ERR increment or decrement would overflow\r\n");
  EXPECT_EQ(t_.Run({"DECR", "n"}), ":9223372036854775806\r\n");
  EXPECT_EQ(ExpireAt("n"), Now() + 100'000);  // INCR keeps the TTL
  EXPECT_EQ(t_.Run({"INCRBYFLOAT", "f", "10.5"}), "$4\r\n10.5\r\n");
  EXPECT_EQ(t_.Run({"INCRBYFLOAT", "f", "0.1"}), "$4\r\n10.6\r\n");
  EXPECT_EQ(t_.Run({"INCRBYFLOAT", "f", "inf"}),
            "-ERR increment would produce NaN or Infinity\r\n");
  EXPECT_EQ(t_.Run({"INCRBYFLOAT", "f", "nan"}), "-ERR value is not a valid float\r\n");
  EXPECT_EQ(t_.Run({"INCRBYFLOAT", "f", "0x10"}), "$4\r\n26.6\r\n");
}

TEST_F(StringCmdsTest, RangesAndLimits) {
  EXPECT_EQ(t_.Run({"APPEND", "a", "Hello"}), ":5\r\n");
  EXPECT_EQ(t_.Run({"APPEND", "a", " World"}), ":11\r\n");
  EXPECT_EQ(t_.Run({"STRLEN", "a"}), ":11\r\n");
  EXPECT_EQ(t_.Run({"GETRANGE", "a", "-5", "-1"}), "$5\r\nWorld\r\n");
  EXPECT_EQ(t_.Run({"SUBSTR", "a", "0", "4"}), "$5\r\nHello\r\n");
  EXPECT_EQ(t_.Run({"GETRANGE", "nokey", "0", "-1"}), "$0\r\n\r\n");
  EXPECT_EQ(t_.Run({"SETRANGE", "a", "6", "Redis"}), ":11\r\n");
  EXPECT_EQ(t_.Run({"GET", "a"}), "$11\r\nHello Redis\r\n");
  EXPECT_EQ(t_.Run({"SETRANGE", "a", "-1", "x"}), "-ERR offset is out of range\r\n");
  t_.config().proto_max_bulk_len = 20;
  EXPECT_EQ(t_.Run({"SETRANGE", "a", "20", "x"}),
            "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n");
  EXPECT_EQ(t_.Run({"SETRANGE", "a", "19", "x"}), ":20\r\n");
  EXPECT_EQ(t_.Run({"APPEND", "a", "x"}),
            "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n");
  EXPECT_EQ(t_.Run({"STRLEN", "a"}), ":20\r\n");
}

TEST_F(StringCmdsTest, LcsReplies) {
  t_.Run({"MSET", "a", "ohmytext", "b", "mynewtext"});
  EXPECT_EQ(t_.Run({"LCS", "a", "b"}), "$6\r\nmytext\r\n");
  EXPECT_EQ(t_.Run({"LCS", "a", "b", "LEN"}), ":6\r\n");
  EXPECT_EQ(t_.Run({"LCS", "a", "b", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"}),
            "*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n"
            "$3\r\nlen\r\n:6\r\n");
  EXPECT_EQ(t_.Run({"LCS", "a", "b", "IDX", "LEN"}),
            "-ERR If you want both the length and indexes, please just use IDX.\r\n");
  EXPECT_EQ(t_.Run({"LCS", "a", "b", "MINMATCHLEN"}), "-ERR syntax error\r\n");
  t_.client().reply().SetResp3(true);
  EXPECT_EQ(t_.Run({"LCS", "a", "b", "IDX", "MINMATCHLEN", "5"}),
            "%2\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:6\r\n");
  EXPECT_EQ(t_.Run({"GET", "nokey"}), "_\r\n");
}

}  // namespace
}  // namespace duet
