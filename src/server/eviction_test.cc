// maxmemory and eviction through the real dispatcher: which key each policy evicts, OOM
// refusals, and the INFO counters. Used memory is faked as 100 bytes per key so the tests
// decide exactly when the limit is crossed; time comes from the ManualClock.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/test_harness.h"

namespace duet {
namespace {

constexpr uint64_t kBytesPerKey = 100;

// A composite value whose freeing counts as `effort` allocations (lazy-free candidates).
class BigValue : public CompositeValue {
 public:
  explicit BigValue(size_t effort) : effort_(effort) {}
  size_t MemoryUsage() const override { return sizeof(*this); }
  CompositeValue* Clone() const override { return new BigValue(effort_); }
  std::string_view EncodingName() const override { return "quicklist"; }
  size_t FreeEffort() const override { return effort_; }

 private:
  size_t effort_;
};

class EvictionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    t_.server().SetUsedMemorySourceForTest(
        [this] { return t_.server().keyspace().TotalKeys() * kBytesPerKey; });
    // No time budget: what a round evicts must not depend on how fast this build runs
    // (sanitizer builds are several times slower than the 500 us default allows for).
    t_.config().maxmemory_eviction_tenacity = 100;
  }
  // Room for `keys` keys under `policy`.
  void Limit(size_t keys, const char* policy) {
    std::string mm = std::to_string(keys * kBytesPerKey);
    ASSERT_EQ(t_.Run({"CONFIG", "SET", "maxmemory-policy", policy}), "+OK\r\n");
    ASSERT_EQ(t_.RunStrings({"CONFIG", "SET", "maxmemory", mm}), "+OK\r\n");
  }
  std::string Set(const std::string& k, const char* ttl = nullptr) {
    if (ttl) return t_.RunStrings({"SET", k, "v", "EX", ttl});
    return t_.RunStrings({"SET", k, "v"});
  }
  bool Exists(const std::string& k) { return t_.RunStrings({"EXISTS", k}) == ":1\r\n"; }
  // CONFIG SET maxmemory only schedules the evictions (Redis's startEvictionTimeProc); the
  // event loop runs them after the command. This is that loop's round.
  void LowerMaxmemory(const char* bytes) {
    ASSERT_EQ(t_.Run({"CONFIG", "SET", "maxmemory", bytes}), "+OK\r\n");
    t_.server().PerformEvictions();
  }
  size_t Keys() { return t_.server().keyspace().TotalKeys(); }
  uint64_t Evicted() { return t_.server().stats().evicted_keys; }

  TestServer t_;
};

const std::string kOom = "-OOM command not allowed when used memory > 'maxmemory'.\r\n";

TEST_F(EvictionTest, AllKeysLruEvictsTheLeastRecentlyUsed) {
  Limit(10, "allkeys-lru");
  for (int i = 0; i < 10; i++) {
    Set("k" + std::to_string(i));
    t_.clock().AdvanceMs(2000);
  }
  t_.Run({"GET", "k0"});  // k0 is now the most recent; k1 the oldest
  t_.clock().AdvanceMs(2000);
  Set("k10");  // 11 keys: the next command evicts one
  t_.Run({"PING"});
  EXPECT_EQ(Keys(), 10u);
  EXPECT_FALSE(Exists("k1"));
  EXPECT_TRUE(Exists("k0"));
  EXPECT_EQ(Evicted(), 1u);
}

TEST_F(EvictionTest, PoolSkipsCandidatesDeletedOrTouchedSinceSampled) {
  Limit(10, "allkeys-lru");
  for (int i = 0; i < 10; i++) {
    Set("k" + std::to_string(i));
    t_.clock().AdvanceMs(2000);
  }
  Set("k10");
  t_.Run({"PING"});  // evicts k0; the pool now holds k1, k2, k3
  EXPECT_FALSE(Exists("k0"));
  t_.Run({"DEL", "k1"});
  Set("n1");  // replaces k1: no eviction needed
  t_.Run({"GET", "k2"});
  t_.clock().AdvanceMs(2000);
  Set("n2");
  t_.Run({"PING"});  // k1 is gone and k2 was touched: k3 goes
  EXPECT_TRUE(Exists("k2"));
  EXPECT_FALSE(Exists("k3"));
  EXPECT_EQ(Keys(), 10u);
  t_.Run({"FLUSHALL"});  // every pooled pointer is now stale
  for (int i = 0; i < 12; i++) Set("f" + std::to_string(i));
  t_.Run({"PING"});
  EXPECT_EQ(Keys(), 10u);
}

TEST_F(EvictionTest, LruTellsApartKeysTouchedWithinOneSecond) {
  // No clock movement at all: the LRU clock ticks on accesses, so recency still counts.
  Limit(1000, "allkeys-lru");
  ASSERT_EQ(t_.Run({"CONFIG", "SET", "maxmemory-samples", "25"}), "+OK\r\n");
  for (int i = 0; i < 300; i++) Set("k" + std::to_string(i));
  for (int i = 0; i < 64; i++) t_.RunStrings({"GET", "k" + std::to_string(i)});
  LowerMaxmemory("25000");  // evicts 50
  EXPECT_EQ(Keys(), 250u);
  for (int i = 0; i < 64; i++) EXPECT_TRUE(Exists("k" + std::to_string(i))) << i;
}

TEST_F(EvictionTest, AllKeysLfuKeepsTheFrequentKey) {
  Limit(10, "allkeys-lfu");
  for (int i = 0; i < 10; i++) Set("k" + std::to_string(i));
  for (int i = 0; i < 200; i++) t_.Run({"GET", "k3"});
  for (int i = 10; i < 19; i++) {
    Set("k" + std::to_string(i));
    t_.Run({"PING"});
  }
  EXPECT_EQ(Keys(), 10u);
  EXPECT_TRUE(Exists("k3"));
}

TEST_F(EvictionTest, AllKeysRandomStaysUnderTheLimit) {
  Limit(20, "allkeys-random");
  for (int i = 0; i < 100; i++) Set("k" + std::to_string(i));
  t_.Run({"PING"});
  EXPECT_EQ(Keys(), 20u);
  EXPECT_EQ(Evicted(), 80u);
}

TEST_F(EvictionTest, VolatilePoliciesNeverEvictKeysWithoutTtl) {
  for (const char* policy : {"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"}) {
    SCOPED_TRACE(policy);
    t_.Run({"FLUSHALL"});
    Limit(10, policy);
    for (int i = 0; i < 8; i++) Set("p" + std::to_string(i));
    for (int i = 0; i < 2; i++) Set("v" + std::to_string(i), "100");
    Set("v2", "100");  // 11 keys
    EXPECT_EQ(t_.Run({"PING"}), "+PONG\r\n");
    EXPECT_EQ(Keys(), 10u);
    // Room for 7: every TTL key goes, then there is nothing left to evict.
    LowerMaxmemory("700");
    EXPECT_EQ(Keys(), 8u);
    for (int i = 0; i < 8; i++) EXPECT_TRUE(Exists("p" + std::to_string(i)));
    EXPECT_EQ(Set("x"), kOom);
    EXPECT_EQ(t_.Run({"GET", "p0"}), "$1\r\nv\r\n");  // reads still run
  }
}

TEST_F(EvictionTest, VolatileTtlEvictsTheNearestExpiryFirst) {
  Limit(4, "volatile-ttl");
  Set("a", "300");
  Set("b", "100");
  Set("c", "200");
  Set("p");
  Set("d", "400");
  t_.Run({"PING"});
  EXPECT_FALSE(Exists("b"));
  Set("e", "500");
  t_.Run({"PING"});
  EXPECT_FALSE(Exists("c"));
  EXPECT_TRUE(Exists("a"));
  EXPECT_TRUE(Exists("p"));
}

TEST_F(EvictionTest, NoevictionRefusesWritesUntilSomethingIsDeleted) {
  Limit(3, "noeviction");
  for (int i = 0; i < 4; i++) Set("k" + std::to_string(i));  // the 4th gets in (check before)
  EXPECT_EQ(Keys(), 4u);
  EXPECT_EQ(Set("k9"), kOom);
  EXPECT_EQ(t_.Run({"APPEND", "k0", "x"}), kOom);
  EXPECT_EQ(t_.Run({"GET", "k0"}), "$1\r\nv\r\n");
  EXPECT_EQ(t_.Run({"EXPIRE", "k0", "100"}), ":1\r\n");
  EXPECT_EQ(t_.Run({"DEL", "k1", "k2"}), ":2\r\n");
  EXPECT_EQ(Set("k9"), "+OK\r\n");
  EXPECT_EQ(Evicted(), 0u);
  // The refusal is a rejected call in commandstats and an OOM error in errorstats.
  std::string info = t_.Run({"INFO", "errorstats"});
  EXPECT_NE(info.find("errorstat_OOM:count=2"), std::string::npos);
}

TEST_F(EvictionTest, OomInsideMultiAndAtExec) {
  Limit(3, "noeviction");
  for (int i = 0; i < 4; i++) Set("k" + std::to_string(i));
  // Over the limit, queueing anything fails the transaction, reads included.
  EXPECT_EQ(t_.Run({"MULTI"}), "+OK\r\n");
  EXPECT_EQ(t_.Run({"GET", "k0"}), kOom);
  EXPECT_EQ(t_.Run({"EXEC"}), "-EXECABORT Transaction discarded because of previous errors.\r\n");
  EXPECT_EQ(t_.Run({"MULTI"}), "+OK\r\n");
  EXPECT_EQ(t_.Run({"DISCARD"}), "+OK\r\n");
  // Queued under the limit: EXEC is refused only if a queued command is denyoom.
  t_.config().maxmemory = 0;
  EXPECT_EQ(t_.Run({"MULTI"}), "+OK\r\n");
  EXPECT_EQ(t_.Run({"GET", "k0"}), "+QUEUED\r\n");
  t_.config().maxmemory = 300;
  EXPECT_EQ(t_.Run({"EXEC"}), "*1\r\n$1\r\nv\r\n");
  t_.config().maxmemory = 0;
  EXPECT_EQ(t_.Run({"MULTI"}), "+OK\r\n");
  EXPECT_EQ(t_.Run({"SET", "x", "1"}), "+QUEUED\r\n");
  t_.config().maxmemory = 300;
  EXPECT_EQ(t_.Run({"EXEC"}),
            "-EXECABORT Transaction discarded because of: OOM command not allowed when used "
            "memory > 'maxmemory'.\r\n");
  EXPECT_FALSE(Exists("x"));
}

TEST_F(EvictionTest, LoweringMaxmemoryEvictsDownAndInfoCountsIt) {
  Limit(100, "allkeys-lru");
  for (int i = 0; i < 100; i++) Set("k" + std::to_string(i));
  LowerMaxmemory("1000");
  EXPECT_EQ(Keys(), 10u);
  std::string info = t_.Run({"INFO", "stats"});
  EXPECT_NE(info.find("evicted_keys:90\r\n"), std::string::npos);
  EXPECT_NE(info.find("current_eviction_exceeded_time:0\r\n"), std::string::npos);
}

TEST_F(EvictionTest, NoLimitMeansNoEviction) {
  ASSERT_EQ(t_.Run({"CONFIG", "SET", "maxmemory-policy", "allkeys-lru"}), "+OK\r\n");
  for (int i = 0; i < 50; i++) Set("k" + std::to_string(i));
  EXPECT_EQ(Keys(), 50u);
}

TEST_F(EvictionTest, TenacityZeroEvictsInRoundsOfSixteen) {
  Limit(100, "allkeys-random");
  ASSERT_EQ(t_.Run({"CONFIG", "SET", "maxmemory-eviction-tenacity", "0"}), "+OK\r\n");
  for (int i = 0; i < 100; i++) Set("k" + std::to_string(i));
  LowerMaxmemory("1000");
  // One round (0 us budget) stops after 16 keys; the event loop carries on (not here).
  EXPECT_EQ(Keys(), 84u);
  EXPECT_EQ(Set("x"), "+OK\r\n");  // "running" is not a failure: writes are not refused
}

TEST_F(EvictionTest, LazyfreeLazyEvictionFreesBigValuesInTheBackground) {
  Limit(2, "allkeys-random");
  ASSERT_EQ(t_.Run({"CONFIG", "SET", "lazyfree-lazy-eviction", "yes"}), "+OK\r\n");
  Keyspace& ks = t_.server().keyspace();
  ks.db(0).Add(Entry::NewObject("big", ValueType::kList, new BigValue(1000), Entry::kNoExpire));
  ks.db(0).Add(Entry::NewObject("small", ValueType::kList, new BigValue(3), Entry::kNoExpire));
  LowerMaxmemory("1");  // evicts both
  EXPECT_EQ(Keys(), 0u);
  ks.lazy_freer().Drain();
  EXPECT_EQ(ks.lazy_freer().freed_objects(), 1u);  // only the big one went to the thread
}

TEST_F(EvictionTest, LazyfreeLazyServerDelFreesOverwrittenBigValuesInTheBackground) {
  ASSERT_EQ(t_.Run({"CONFIG", "SET", "lazyfree-lazy-server-del", "yes"}), "+OK\r\n");
  Keyspace& ks = t_.server().keyspace();
  ks.db(0).Add(Entry::NewObject("big", ValueType::kList, new BigValue(1000), Entry::kNoExpire));
  EXPECT_EQ(t_.Run({"SET", "big", "v"}), "+OK\r\n");
  ks.lazy_freer().Drain();
  EXPECT_EQ(ks.lazy_freer().freed_objects(), 1u);
}

TEST_F(EvictionTest, LazyfreeLazyExpireFreesExpiredBigValuesInTheBackground) {
  ASSERT_EQ(t_.Run({"CONFIG", "SET", "lazyfree-lazy-expire", "yes"}), "+OK\r\n");
  Keyspace& ks = t_.server().keyspace();
  int64_t at = t_.clock().NowMs() + 100;
  ks.db(0).Add(Entry::NewObject("big", ValueType::kList, new BigValue(1000), at));
  t_.clock().AdvanceMs(200);
  EXPECT_EQ(t_.Run({"EXISTS", "big"}), ":0\r\n");
  ks.lazy_freer().Drain();
  EXPECT_EQ(ks.lazy_freer().freed_objects(), 1u);
}

// While maxmemory is set, every database's key table and TTL index give new segments one
// size (core/segmented_table.h: no allocator slabs stranded by segments changing class).
TEST_F(EvictionTest, MaxmemoryKeepsTheKeyTablesAtOneSegmentSize) {
  auto all = [&](bool want) {
    Keyspace& ks = t_.server().keyspace();
    for (int i = 0; i < ks.db_count(); i++) {
      if (ks.db(i).table().one_size_class() != want) return false;
      if (ks.db(i).expires().one_size_class() != want) return false;
    }
    return true;
  };
  EXPECT_TRUE(all(false));
  Limit(1000, "allkeys-lru");
  EXPECT_TRUE(all(true));
  ASSERT_EQ(t_.Run({"CONFIG", "SET", "maxmemory", "0"}), "+OK\r\n");
  EXPECT_TRUE(all(false));
}

}  // namespace
}  // namespace duet
