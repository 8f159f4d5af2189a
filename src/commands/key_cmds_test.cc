// In-process tests of the generic key commands (key_cmds.cc, expire_cmds.cc, scan_cmds.cc):
// exact replies, lazy and active expiry around the expiry instant, with a ManualClock.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <string>
#include <vector>

#include "keyspace/lfu.h"
#include "server/test_harness.h"

namespace duet {
namespace {

// Stands in for the list/hash/... values to come: the generic commands must handle any
// CompositeValue through its interface.
class FakeList : public CompositeValue {
 public:
  FakeList(std::vector<std::string> items, std::atomic<int>* freed)
      : items_(std::move(items)), freed_(freed) {}
  ~FakeList() override {
    if (freed_) freed_->fetch_add(1);
  }
  size_t MemoryUsage() const override { return sizeof(*this); }
  CompositeValue* Clone() const override { return new FakeList(items_, freed_); }
  std::string_view EncodingName() const override { return "listpack"; }
  size_t FreeEffort() const override { return items_.size(); }
  std::vector<std::string> items_;

 private:
  std::atomic<int>* freed_;
};

class KeyCommandsTest : public ::testing::Test {
 protected:
  // Creates a string key directly in the keyspace (db `db`), optionally with a TTL in ms
  // from now.
  void Put(std::string_view key, std::string_view value, int64_t ttl_ms = -1, int db = 0) {
    Keyspace& ks = t_.server().keyspace();
    ks.SetNow(t_.clock().NowMs());
    int64_t expire = ttl_ms < 0 ? Entry::kNoExpire : t_.clock().NowMs() + ttl_ms;
    ks.db(db).Upsert(Entry::NewString(key, value, expire));
  }
  FakeList* PutList(std::string_view key, size_t n, std::atomic<int>* freed = nullptr) {
    auto* list = new FakeList(std::vector<std::string>(n, "x"), freed);
    Keyspace& ks = t_.server().keyspace();
    ks.SetNow(t_.clock().NowMs());
    ks.db(0).Upsert(Entry::NewObject(key, ValueType::kList, list, Entry::kNoExpire));
    return list;
  }
  std::string Run(std::initializer_list<std::string_view> args) { return t_.Run(args); }
  static std::string Int(int64_t v) { return ":" + std::to_string(v) + "\r\n"; }
  static std::string Bulk(std::string_view s) {
    return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n";
  }
  static std::string Err(std::string_view s) { return "-" + std::string(s) + "\r\n"; }
  int64_t Now() const { return const_cast<TestServer&>(t_).clock().NowMs(); }

  TestServer t_;
};

TEST_F(KeyCommandsTest, DelUnlinkExistsTouchType) {
  Put("a", "1");
  Put("b", "2");
  Put("c", "3");
  EXPECT_EQ(Run({"EXISTS", "a", "a", "nokey", "b"}), Int(3));
  EXPECT_EQ(Run({"TOUCH", "a", "nokey", "c"}), Int(2));
  EXPECT_EQ(Run({"TYPE", "a"}), "+string\r\n");
  EXPECT_EQ(Run({"TYPE", "nokey"}), "+none\r\n");
  EXPECT_EQ(Run({"DEL", "a", "a", "nokey"}), Int(1));
  EXPECT_EQ(Run({"UNLINK", "b", "c"}), Int(2));
  EXPECT_EQ(Run({"DBSIZE"}), Int(0));
  EXPECT_EQ(Run({"DEL"}), Err("ERR wrong number of arguments for 'del' command"));
  EXPECT_EQ(Run({"TYPE", "a", "b"}), Err("ERR wrong number of arguments for 'type' command"));
  EXPECT_EQ(t_.server().stats().dirty, 3u);
}

TEST_F(KeyCommandsTest, ExpireOptionErrors) {
  Put("k", "v");
  EXPECT_EQ(Run({"EXPIRE", "k", "10", "nx", "xx"}),
            Err("ERR NX and XX, GT or LT options at the same time are not compatible"));
  EXPECT_EQ(Run({"EXPIRE", "k", "10", "lt", "NX"}),
            Err("ERR NX and XX, GT or LT options at the same time are not compatible"));
  EXPECT_EQ(Run({"EXPIRE", "k", "10", "gt", "lt"}),
            Err("ERR GT and LT options at the same time are not compatible"));
  EXPECT_EQ(Run({"EXPIRE", "k", "abc", "foo"}), Err("ERR Unsupported option foo"));
  EXPECT_EQ(Run({"EXPIRE", "k", "abc", "nx", "xx"}),
            Err("ERR NX and XX, GT or LT options at the same time are not compatible"));
  EXPECT_EQ(Run({"EXPIRE", "k", "1.5"}), Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(Run({"EXPIRE", "k", "9223372036854775"}),
            Err("ERR invalid expire time in 'expire' command"));
  EXPECT_EQ(Run({"PEXPIRE", "k", "9223372036854775807"}),
            Err("ERR invalid expire time in 'pexpire' command"));
  EXPECT_EQ(Run({"SET", "x", "y"}).substr(0, 1), "+");  // the string family is registered
  EXPECT_EQ(Run({"EXPIREAT", "k", "9223372036854776"}),
            Err("ERR invalid expire time in 'expireat' command"));
  EXPECT_EQ(Run({"PEXPIREAT", "k", "9223372036854775807"}), Int(1));
  EXPECT_EQ(Run({"PEXPIRETIME", "k"}), Int(INT64_MAX));
  // (INT64_MAX + 500) / 1000 as Redis computes it: without wrapping.
  EXPECT_EQ(Run({"EXPIRETIME", "k"}), Int(9223372036854776));
  EXPECT_EQ(Run({"EXPIRE", "k"}), Err("ERR wrong number of arguments for 'expire' command"));
}

TEST_F(KeyCommandsTest, ExpireConditions) {
  Put("k", "v");
  EXPECT_EQ(Run({"EXPIRE", "nokey", "10"}), Int(0));
  EXPECT_EQ(Run({"EXPIRE", "k", "100", "XX"}), Int(0));
  EXPECT_EQ(Run({"EXPIRE", "k", "100", "GT"}), Int(0));
  EXPECT_EQ(Run({"EXPIRE", "k", "100", "LT"}), Int(1));
  EXPECT_EQ(Run({"TTL", "k"}), Int(100));
  EXPECT_EQ(Run({"EXPIRE", "k", "50", "NX"}), Int(0));
  EXPECT_EQ(Run({"EXPIRE", "k", "200", "lt"}), Int(0));
  EXPECT_EQ(Run({"EXPIRE", "k", "200", "gt", "xx", "gt"}), Int(1));
  EXPECT_EQ(Run({"PTTL", "k"}), Int(200000));
  EXPECT_EQ(Run({"PERSIST", "k"}), Int(1));
  EXPECT_EQ(Run({"PERSIST", "k"}), Int(0));
  EXPECT_EQ(Run({"TTL", "k"}), Int(-1));
  EXPECT_EQ(Run({"TTL", "nokey"}), Int(-2));
  EXPECT_EQ(Run({"PTTL", "nokey"}), Int(-2));
  EXPECT_EQ(Run({"EXPIRETIME", "k"}), Int(-1));
  EXPECT_EQ(Run({"EXPIREAT", "k", "99999999999"}), Int(1));
  EXPECT_EQ(Run({"EXPIRETIME", "k"}), Int(99999999999));
  EXPECT_EQ(Run({"PEXPIRETIME", "k"}), Int(99999999999000));
  EXPECT_EQ(Run({"PEXPIREAT", "k", "99999999999499"}), Int(1));
  EXPECT_EQ(Run({"EXPIRETIME", "k"}), Int(99999999999));
  EXPECT_EQ(Run({"PEXPIREAT", "k", "99999999999500"}), Int(1));
  EXPECT_EQ(Run({"EXPIRETIME", "k"}), Int(100000000000));
}

TEST_F(KeyCommandsTest, PastOrZeroExpiryDeletes) {
  for (const char* cmd : {"EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"}) {
    Put("k", "v");
    EXPECT_EQ(t_.Run({cmd, "k", "0"}), Int(1)) << cmd;
    EXPECT_EQ(Run({"EXISTS", "k"}), Int(0)) << cmd;
    Put("k", "v");
    EXPECT_EQ(t_.Run({cmd, "k", "-100"}), Int(1)) << cmd;
    EXPECT_EQ(Run({"DBSIZE"}), Int(0)) << cmd;
  }
  // Deleting by EXPIRE is not an expiry: the expired_keys stat does not move.
  EXPECT_EQ(t_.server().keyspace().ctx().expired_keys, 0u);
  std::string now_ms = std::to_string(Now());
  Put("k", "v");
  EXPECT_EQ(Run({"PEXPIREAT", "k", now_ms}), Int(1));
  EXPECT_EQ(Run({"EXISTS", "k"}), Int(0));
}

TEST_F(KeyCommandsTest, TtlAroundTheExpiryInstant) {
  Put("k", "v");
  EXPECT_EQ(Run({"PEXPIRE", "k", "1500"}), Int(1));
  EXPECT_EQ(Run({"TTL", "k"}), Int(2));  // rounded: (1500 + 500) / 1000
  EXPECT_EQ(Run({"PTTL", "k"}), Int(1500));
  std::string at = std::to_string(Now() + 1500);
  t_.clock().AdvanceMs(1);
  EXPECT_EQ(Run({"TTL", "k"}), Int(1));  // 1499 ms
  EXPECT_EQ(Run({"PEXPIRETIME", "k"}), ":" + at + "\r\n");
  t_.clock().AdvanceMs(1498);
  EXPECT_EQ(Run({"PTTL", "k"}), Int(1));
  EXPECT_EQ(Run({"TTL", "k"}), Int(0));
  EXPECT_EQ(Run({"EXISTS", "k"}), Int(1));
  t_.clock().AdvanceMs(1);  // the expiry instant itself: gone
  EXPECT_EQ(Run({"PTTL", "k"}), Int(-2));
  EXPECT_EQ(Run({"TTL", "k"}), Int(-2));
  EXPECT_EQ(Run({"EXPIRETIME", "k"}), Int(-2));
  EXPECT_EQ(Run({"PERSIST", "k"}), Int(0));
  EXPECT_EQ(Run({"EXPIRE", "k", "10"}), Int(0));
  EXPECT_EQ(t_.server().keyspace().ctx().expired_keys, 1u);
}

TEST_F(KeyCommandsTest, LazyExpiry) {
  Put("k", "v", 1000);
  Put("p", "v");
  t_.clock().AdvanceMs(1000);
  // Not deleted until something looks at it: DBSIZE still counts it, like Redis.
  EXPECT_EQ(Run({"DBSIZE"}), Int(2));
  EXPECT_EQ(Run({"TYPE", "k"}), "+none\r\n");
  EXPECT_EQ(Run({"DBSIZE"}), Int(1));
  EXPECT_EQ(t_.server().keyspace().ctx().expired_keys, 1u);
  Put("k2", "v", 10);
  t_.clock().AdvanceMs(10);
  EXPECT_EQ(Run({"RENAME", "k2", "x"}), Err("ERR no such key"));
  Put("k3", "v", 10);
  t_.clock().AdvanceMs(10);
  EXPECT_EQ(Run({"DEL", "k3"}), Int(0));
  Put("k4", "v", 10);
  t_.clock().AdvanceMs(10);
  EXPECT_EQ(Run({"KEYS", "*"}), "*1\r\n" + Bulk("p"));
  EXPECT_EQ(Run({"DBSIZE"}), Int(1));
}

TEST_F(KeyCommandsTest, ActiveExpiryRemovesUntouchedKeys) {
  for (int i = 0; i < 500; i++) Put("v:" + std::to_string(i), "x", 1000 + i);
  for (int i = 0; i < 100; i++) Put("p:" + std::to_string(i), "x");
  for (int i = 0; i < 50; i++) Put("later:" + std::to_string(i), "x", 100000);
  for (int i = 0; i < 30; i++) Put("db3:" + std::to_string(i), "x", 500, 3);
  EXPECT_EQ(Run({"DBSIZE"}), Int(650));
  t_.clock().AdvanceMs(1500);
  Keyspace& ks = t_.server().keyspace();
  ks.SetNow(t_.clock().NowMs());
  // One cycle stops on a database once under 10% of what it checked was stale; a few cron
  // ticks finish the job.
  ks.ActiveExpireCycle(1'000'000, [] { return int64_t{0}; });
  EXPECT_LT(ks.TotalKeys(), 400u);
  for (int tick = 0; tick < 10; tick++) ks.ActiveExpireCycle(1'000'000, [] { return int64_t{0}; });
  EXPECT_EQ(Run({"DBSIZE"}), Int(150));
  EXPECT_EQ(ks.db(0).expires_size(), 50u);
  EXPECT_EQ(ks.db(3).size(), 0u);
  EXPECT_EQ(ks.ctx().expired_keys, 530u);
  EXPECT_EQ(Run({"EXISTS", "p:0", "p:99", "later:7"}), Int(3));
}

// A few stale keys among many live TTLs (under the 10% threshold) are still reclaimed: the
// cursor over the expire index moves on every cycle.
TEST_F(KeyCommandsTest, ActiveExpiryReachesSparseStaleKeys) {
  for (int i = 0; i < 2000; i++) Put("live:" + std::to_string(i), "x", 1'000'000);
  for (int i = 0; i < 5; i++) Put("stale:" + std::to_string(i), "x", 100);
  t_.clock().AdvanceMs(200);
  Keyspace& ks = t_.server().keyspace();
  ks.SetNow(t_.clock().NowMs());
  for (int tick = 0; tick < 200 && ks.db(0).size() > 2000; tick++) {
    ks.ActiveExpireCycle(1'000'000, [] { return int64_t{0}; });
  }
  EXPECT_EQ(Run({"DBSIZE"}), Int(2000));
  EXPECT_EQ(ks.ctx().expired_keys, 5u);
}

TEST_F(KeyCommandsTest, RenameKeepsTtl) {
  Put("a", "1", 5000);
  Put("b", "2");
  EXPECT_EQ(Run({"RENAME", "a", "a"}), "+OK\r\n");
  EXPECT_EQ(Run({"RENAMENX", "a", "a"}), Int(0));
  EXPECT_EQ(Run({"RENAME", "nokey", "nokey"}), Err("ERR no such key"));
  EXPECT_EQ(Run({"RENAMENX", "nokey", "x"}), Err("ERR no such key"));
  EXPECT_EQ(Run({"RENAMENX", "a", "b"}), Int(0));
  EXPECT_EQ(Run({"RENAME", "a", "c"}), "+OK\r\n");
  EXPECT_EQ(Run({"PTTL", "c"}), Int(5000));
  EXPECT_EQ(Run({"RENAME", "b", "c"}), "+OK\r\n");
  EXPECT_EQ(Run({"TTL", "c"}), Int(-1));
  EXPECT_EQ(Run({"RENAMENX", "c", "d"}), Int(1));
  EXPECT_EQ(Run({"KEYS", "*"}), "*1\r\n" + Bulk("d"));
  EXPECT_EQ(Run({"GET", "d"}), Bulk("2"));
}

TEST_F(KeyCommandsTest, CopyAndMove) {
  Put("a", "hello", 9000);
  EXPECT_EQ(Run({"COPY", "a", "a"}), Err("ERR source and destination objects are the same"));
  EXPECT_EQ(Run({"COPY", "a", "a", "DB", "0"}),
            Err("ERR source and destination objects are the same"));
  EXPECT_EQ(Run({"COPY", "a", "b", "DB"}), Err("ERR syntax error"));
  EXPECT_EQ(Run({"COPY", "a", "b", "DB", "x"}), Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(Run({"COPY", "a", "b", "DB", "99999999999"}),
            Err("ERR value is out of range, value must between -2147483648 and 2147483647"));
  EXPECT_EQ(Run({"COPY", "a", "b", "DB", "16"}), Err("ERR DB index is out of range"));
  EXPECT_EQ(Run({"COPY", "a", "b", "foo"}), Err("ERR syntax error"));
  EXPECT_EQ(Run({"COPY", "nokey", "b"}), Int(0));
  EXPECT_EQ(Run({"COPY", "a", "b"}), Int(1));
  EXPECT_EQ(Run({"COPY", "a", "b"}), Int(0));
  EXPECT_EQ(Run({"COPY", "a", "b", "REPLACE"}), Int(1));
  EXPECT_EQ(Run({"PTTL", "b"}), Int(9000));
  EXPECT_EQ(Run({"COPY", "a", "a", "DB", "2"}), Int(1));
  EXPECT_EQ(Run({"MOVE", "a", "0"}), Err("ERR source and destination objects are the same"));
  EXPECT_EQ(Run({"MOVE", "a", "2"}), Int(0));  // exists there
  EXPECT_EQ(Run({"MOVE", "a", "16"}), Err("ERR DB index is out of range"));
  EXPECT_EQ(Run({"MOVE", "a", "-1"}), Err("ERR DB index is out of range"));
  EXPECT_EQ(Run({"MOVE", "a", "x"}), Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(Run({"MOVE", "b", "3"}), Int(1));
  EXPECT_EQ(Run({"MOVE", "b", "3"}), Int(0));
  EXPECT_EQ(Run({"SELECT", "3"}), "+OK\r\n");
  EXPECT_EQ(Run({"PTTL", "b"}), Int(9000));
  EXPECT_EQ(Run({"GET", "b"}), Bulk("hello"));
}

TEST_F(KeyCommandsTest, SwapDbAndFlush) {
  Put("a", "1");
  Put("b", "2", -1, 1);
  Put("c", "3", -1, 1);
  EXPECT_EQ(Run({"SWAPDB", "a", "1"}), Err("ERR invalid first DB index"));
  EXPECT_EQ(Run({"SWAPDB", "0", "99999999999"}), Err("ERR invalid second DB index"));
  EXPECT_EQ(Run({"SWAPDB", "0", "16"}), Err("ERR DB index is out of range"));
  EXPECT_EQ(Run({"SWAPDB", "0", "0"}), "+OK\r\n");
  EXPECT_EQ(Run({"SWAPDB", "0", "1"}), "+OK\r\n");
  EXPECT_EQ(Run({"DBSIZE"}), Int(2));
  EXPECT_EQ(Run({"FLUSHDB", "foo"}), Err("ERR syntax error"));
  EXPECT_EQ(Run({"FLUSHDB", "sync", "async"}), Err("ERR syntax error"));
  EXPECT_EQ(Run({"FLUSHDB", "ASYNC"}), "+OK\r\n");
  EXPECT_EQ(Run({"DBSIZE"}), Int(0));
  EXPECT_EQ(Run({"SELECT", "1"}), "+OK\r\n");
  EXPECT_EQ(Run({"DBSIZE"}), Int(1));
  EXPECT_EQ(Run({"FLUSHALL", "SYNC"}), "+OK\r\n");
  EXPECT_EQ(Run({"DBSIZE"}), Int(0));
  EXPECT_EQ(t_.server().keyspace().TotalKeys(), 0u);
}

TEST_F(KeyCommandsTest, RandomKey) {
  EXPECT_EQ(Run({"RANDOMKEY"}), "$-1\r\n");
  Put("a", "1");
  Put("b", "2");
  std::set<std::string> seen;
  for (int i = 0; i < 200; i++) seen.insert(Run({"RANDOMKEY"}));
  EXPECT_EQ(seen, (std::set<std::string>{Bulk("a"), Bulk("b")}));
  Put("c", "3", 10);
  t_.clock().AdvanceMs(10);
  EXPECT_EQ(Run({"DEL", "a", "b"}), Int(2));
  EXPECT_EQ(Run({"RANDOMKEY"}), "$-1\r\n");
}

TEST_F(KeyCommandsTest, ScanRepliesAndErrors) {
  Put("only", "1");
  EXPECT_EQ(Run({"SCAN", "0"}), "*2\r\n$1\r\n0\r\n*1\r\n" + Bulk("only"));
  EXPECT_EQ(Run({"SCAN", "0", "MATCH", "x*", "COUNT", "5"}), "*2\r\n$1\r\n0\r\n*0\r\n");
  EXPECT_EQ(Run({"SCAN", "0", "TYPE", "string"}), "*2\r\n$1\r\n0\r\n*1\r\n" + Bulk("only"));
  EXPECT_EQ(Run({"SCAN", "0", "TYPE", "hash"}), "*2\r\n$1\r\n0\r\n*0\r\n");
  EXPECT_EQ(Run({"SCAN", "abc"}), Err("ERR invalid cursor"));
  EXPECT_EQ(Run({"SCAN", "abc", "COUNT", "0"}), Err("ERR invalid cursor"));
  EXPECT_EQ(Run({"SCAN", "0", "COUNT", "0"}), Err("ERR syntax error"));
  EXPECT_EQ(Run({"SCAN", "0", "COUNT", "x"}), Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(Run({"SCAN", "0", "MATCH"}), Err("ERR syntax error"));
  EXPECT_EQ(Run({"SCAN", "0", "foo", "bar"}), Err("ERR syntax error"));
  EXPECT_EQ(Run({"SCAN"}), Err("ERR wrong number of arguments for 'scan' command"));
}

TEST_F(KeyCommandsTest, ScanCommandCoversAGrowingKeyspace) {
  for (int i = 0; i < 3000; i++) Put("s" + std::to_string(i), "x");
  std::set<std::string> seen;
  std::string cursor = "0";
  int calls = 0, added = 0;
  do {
    std::string r = t_.RunStrings({"SCAN", cursor, "COUNT", "50"});
    // Parse: *2 $n cursor *m ($k key)*
    size_t p = r.find("\r\n", 4) + 2;
    size_t e = r.find("\r\n", p);
    cursor = r.substr(p, e - p);
    p = e + 2;
    e = r.find("\r\n", p);
    int m = std::stoi(r.substr(p + 1, e - p - 1));
    p = e + 2;
    for (int i = 0; i < m; i++) {
      e = r.find("\r\n", p);
      size_t len = std::stoul(r.substr(p + 1, e - p - 1));
      seen.insert(r.substr(e + 2, len));
      p = e + 2 + len + 2;
    }
    for (int i = 0; i < 100; i++) Put("new" + std::to_string(added++), "x");
    calls++;
  } while (cursor != "0");
  EXPECT_GT(calls, 5);
  for (int i = 0; i < 3000; i++) ASSERT_TRUE(seen.count("s" + std::to_string(i))) << i;
}

TEST_F(KeyCommandsTest, Keys) {
  Put("user:1", "a");
  Put("user:2", "b");
  Put("other", "c");
  std::string r = Run({"KEYS", "user:*"});
  EXPECT_TRUE(r == "*2\r\n" + Bulk("user:1") + Bulk("user:2") ||
              r == "*2\r\n" + Bulk("user:2") + Bulk("user:1"));
  EXPECT_EQ(Run({"KEYS", "nomatch*"}), "*0\r\n");
  EXPECT_EQ(Run({"KEYS", "oth[e]r"}), "*1\r\n" + Bulk("other"));
  EXPECT_EQ(Run({"KEYS"}), Err("ERR wrong number of arguments for 'keys' command"));
}

TEST_F(KeyCommandsTest, ObjectSubcommands) {
  Put("s", "abc");
  Put("n", "42");
  Put("big", "10000");
  Put("r", std::string(45, 'x'));
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "s"}), Bulk("embstr"));
  EXPECT_EQ(Run({"object", "encoding", "n"}), Bulk("int"));
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "r"}), Bulk("raw"));
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "nokey"}), "$-1\r\n");
  EXPECT_EQ(Run({"OBJECT", "REFCOUNT", "n"}), Int(2147483647));
  EXPECT_EQ(Run({"OBJECT", "REFCOUNT", "big"}), Int(1));
  EXPECT_EQ(Run({"OBJECT", "REFCOUNT", "s"}), Int(1));
  EXPECT_EQ(Run({"OBJECT", "REFCOUNT", "nokey"}), "$-1\r\n");
  EXPECT_EQ(Run({"OBJECT"}), Err("ERR wrong number of arguments for 'object' command"));
  EXPECT_EQ(Run({"OBJECT", "foo"}), Err("ERR unknown subcommand 'foo'. Try OBJECT HELP."));
  EXPECT_EQ(Run({"OBJECT", "encoding"}),
            Err("ERR wrong number of arguments for 'object|encoding' command"));
  EXPECT_EQ(Run({"OBJECT", "help", "x"}),
            Err("ERR wrong number of arguments for 'object|help' command"));
  std::string help = Run({"object", "help"});
  EXPECT_EQ(help.substr(0, 71),
            "*15\r\n+OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n");
  EXPECT_TRUE(help.ends_with("+HELP\r\n+    Prints this help.\r\n"));
  EXPECT_EQ(Run({"OBJECT", "FREQ", "s"}),
            Err("ERR An LFU maxmemory policy is not selected, access frequency not tracked. "
                "Please note that when switching between policies at runtime LRU and LFU data "
                "will take some time to adjust."));
}

TEST_F(KeyCommandsTest, ObjectIdletimeFollowsTheLruClock) {
  Put("k", "v");
  EXPECT_EQ(Run({"OBJECT", "IDLETIME", "k"}), Int(0));
  t_.clock().AdvanceMs(10'000);
  EXPECT_EQ(Run({"OBJECT", "IDLETIME", "k"}), Int(10));
  EXPECT_EQ(Run({"TTL", "k"}), Int(-1));  // TTL does not touch
  EXPECT_EQ(Run({"OBJECT", "IDLETIME", "k"}), Int(10));
  EXPECT_EQ(Run({"TOUCH", "k"}), Int(1));
  EXPECT_EQ(Run({"OBJECT", "IDLETIME", "k"}), Int(0));
  t_.clock().AdvanceMs(3'000);
  EXPECT_EQ(Run({"GET", "k"}), Bulk("v"));
  EXPECT_EQ(Run({"OBJECT", "IDLETIME", "k"}), Int(0));
}

TEST_F(KeyCommandsTest, ObjectFreqUnderLfu) {
  t_.config().maxmemory_policy = "allkeys-lfu";
  t_.server().keyspace().SetAccessPolicy("allkeys-lfu", 10, 1);
  Put("k", "v");
  EXPECT_EQ(Run({"OBJECT", "FREQ", "k"}), Int(lfu::kInitVal));
  EXPECT_EQ(Run({"GET", "k"}), Bulk("v"));
  EXPECT_EQ(Run({"OBJECT", "FREQ", "k"}), Int(6));  // p = 1 at the initial value
  EXPECT_EQ(Run({"OBJECT", "FREQ", "k"}), Int(6));  // OBJECT does not touch
  EXPECT_EQ(Run({"OBJECT", "IDLETIME", "k"}),
            Err("ERR An LFU maxmemory policy is selected, idle time not tracked. Please note "
                "that when switching between policies at runtime LRU and LFU data will take "
                "some time to adjust."));
  for (int i = 0; i < 1000; i++) Run({"GET", "k"});
  std::string f = Run({"OBJECT", "FREQ", "k"});
  int freq = std::stoi(f.substr(1));
  EXPECT_GT(freq, 6);
  EXPECT_LT(freq, 40);  // logarithmic
  t_.clock().AdvanceMs(3 * 60'000);
  EXPECT_EQ(Run({"OBJECT", "FREQ", "k"}), Int(freq - 3));  // one step per minute idle
  EXPECT_EQ(Run({"RENAME", "k", "k2"}), "+OK\r\n");        // the counter moves along
  std::string f2 = Run({"OBJECT", "FREQ", "k2"});
  EXPECT_GE(std::stoi(f2.substr(1)), freq - 3);
}

TEST_F(KeyCommandsTest, CompositeValuesThroughTheGenericCommands) {
  FakeList* list = PutList("l", 3);
  EXPECT_EQ(Run({"TYPE", "l"}), "+list\r\n");
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "l"}), Bulk("listpack"));
  EXPECT_EQ(Run({"OBJECT", "REFCOUNT", "l"}), Int(1));
  EXPECT_EQ(Run({"COPY", "l", "l2"}), Int(1));
  Entry* copy = t_.server().keyspace().db(0).Peek("l2");
  ASSERT_NE(copy, nullptr);
  EXPECT_NE(copy->object(), list);  // a deep copy
  EXPECT_EQ(static_cast<FakeList*>(copy->object())->items_.size(), 3u);
  EXPECT_EQ(Run({"RENAME", "l", "l3"}), "+OK\r\n");
  EXPECT_EQ(t_.server().keyspace().db(0).Peek("l3")->object(), list);  // moved, not copied
  EXPECT_EQ(Run({"EXPIRE", "l3", "100"}), Int(1));
  EXPECT_EQ(t_.server().keyspace().db(0).Peek("l3")->object(), list);
  EXPECT_EQ(Run({"MOVE", "l3", "5"}), Int(1));
  EXPECT_EQ(t_.server().keyspace().db(5).Peek("l3")->object(), list);
  EXPECT_EQ(Run({"SCAN", "0", "TYPE", "list"}), "*2\r\n$1\r\n0\r\n*1\r\n" + Bulk("l2"));
  EXPECT_EQ(Run({"SCAN", "0", "TYPE", "string"}), "*2\r\n$1\r\n0\r\n*0\r\n");
}

TEST_F(KeyCommandsTest, UnlinkFreesLargeValuesInTheBackground) {
  std::atomic<int> freed{0};
  LazyFreer& freer = t_.server().keyspace().lazy_freer();
  PutList("small", 10, &freed);
  PutList("big", 1000, &freed);
  PutList("big2", 1000, &freed);
  EXPECT_EQ(Run({"UNLINK", "small", "big", "nokey"}), Int(2));
  EXPECT_EQ(Run({"EXISTS", "small", "big"}), Int(0));
  freer.Drain();
  EXPECT_EQ(freed.load(), 2);
  EXPECT_EQ(freer.freed_objects(), 1u);     // only "big" went through the thread
  EXPECT_EQ(Run({"DEL", "big2"}), Int(1));  // DEL frees in place
  EXPECT_EQ(freed.load(), 3);
  t_.config().lazyfree_lazy_user_del = true;
  PutList("big3", 1000, &freed);
  EXPECT_EQ(Run({"DEL", "big3"}), Int(1));
  freer.Drain();
  EXPECT_EQ(freer.freed_objects(), 2u);
  EXPECT_EQ(freed.load(), 4);
}

TEST_F(KeyCommandsTest, FlushAsyncUsesTheLazyFreer) {
  for (int i = 0; i < 300; i++) Put("k" + std::to_string(i), "v", i % 2 ? 100000 : -1);
  Put("x", "v", -1, 7);
  LazyFreer& freer = t_.server().keyspace().lazy_freer();
  EXPECT_EQ(Run({"FLUSHDB", "ASYNC"}), "+OK\r\n");
  EXPECT_EQ(Run({"DBSIZE"}), Int(0));
  freer.Drain();
  EXPECT_EQ(freer.freed_objects(), 300u);
  EXPECT_EQ(Run({"FLUSHDB", "SYNC"}), "+OK\r\n");
  Put("y", "v");
  EXPECT_EQ(Run({"FLUSHALL"}), "+OK\r\n");  // lazyfree-lazy-user-flush no: in place
  freer.Drain();
  EXPECT_EQ(freer.freed_objects(), 300u);
  t_.config().lazyfree_lazy_user_flush = true;
  Put("z", "v");
  EXPECT_EQ(Run({"FLUSHALL"}), "+OK\r\n");
  freer.Drain();
  EXPECT_EQ(freer.freed_objects(), 301u);
  EXPECT_EQ(t_.server().keyspace().TotalKeys(), 0u);
}

}  // namespace
}  // namespace duet
