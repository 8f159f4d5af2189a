#include "keyspace/scan.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace duet {
namespace {

TEST(ParseScanCursorTest, FollowsStrtoul) {
  EXPECT_EQ(ParseScanCursor("0"), 0u);
  EXPECT_EQ(ParseScanCursor("123"), 123u);
  EXPECT_EQ(ParseScanCursor(""), 0u);
  EXPECT_EQ(ParseScanCursor("+5"), 5u);
  EXPECT_EQ(ParseScanCursor("007"), 7u);
  EXPECT_EQ(ParseScanCursor("-1"), UINT64_MAX);
  EXPECT_EQ(ParseScanCursor("-0"), 0u);
  EXPECT_EQ(ParseScanCursor("18446744073709551615"), UINT64_MAX);
  EXPECT_EQ(ParseScanCursor(std::string_view("5\0x", 3)), 5u);
  EXPECT_EQ(ParseScanCursor("18446744073709551616"), std::nullopt);
  EXPECT_EQ(ParseScanCursor("-18446744073709551616"), std::nullopt);
  EXPECT_EQ(ParseScanCursor(" 1"), std::nullopt);
  EXPECT_EQ(ParseScanCursor("1 "), std::nullopt);
  EXPECT_EQ(ParseScanCursor("abc"), std::nullopt);
  EXPECT_EQ(ParseScanCursor("+"), std::nullopt);
  EXPECT_EQ(ParseScanCursor("-"), std::nullopt);
  EXPECT_EQ(ParseScanCursor("0x10"), std::nullopt);
  EXPECT_EQ(ParseScanCursor("1.5"), std::nullopt);
}

class ScanTest : public ::testing::Test {
 protected:
  void Put(const std::string& key, int64_t expire = Entry::kNoExpire) {
    db_.Upsert(Entry::NewString(key, "v", expire));
  }
  std::set<std::string> FullScan(size_t count, const ScanFilter& f = {}) {
    std::set<std::string> seen;
    uint64_t cursor = 0;
    do {
      std::vector<const Entry*> out;
      cursor = ScanKeys(db_, cursor, count, f, &out);
      for (const Entry* e : out) seen.insert(std::string(e->key()));
    } while (cursor != 0);
    return seen;
  }

  KeyspaceContext ctx_;
  Db db_{0, &ctx_};
};

TEST_F(ScanTest, EmptyDbCompletesAtOnce) {
  std::vector<const Entry*> out;
  EXPECT_EQ(ScanKeys(db_, 0, 10, {}, &out), 0u);
  EXPECT_TRUE(out.empty());
}

TEST_F(ScanTest, FullScanReturnsEveryKey) {
  for (int i = 0; i < 5000; i++) Put("key:" + std::to_string(i));
  EXPECT_EQ(FullScan(10).size(), 5000u);
  EXPECT_EQ(FullScan(1).size(), 5000u);
  EXPECT_EQ(FullScan(100000).size(), 5000u);
}

TEST_F(ScanTest, CountBoundsTheWorkPerCall) {
  for (int i = 0; i < 5000; i++) Put("key:" + std::to_string(i));
  std::vector<const Entry*> out;
  uint64_t cursor = ScanKeys(db_, 0, 10, {}, &out);
  EXPECT_NE(cursor, 0u);
  // At least COUNT keys, and at most what one more segment step adds.
  EXPECT_GE(out.size(), 10u);
  EXPECT_LT(out.size(), 10u + 128u);
}

TEST_F(ScanTest, MatchAndTypeFilters) {
  for (int i = 0; i < 300; i++) Put((i % 3 == 0 ? "a:" : "b:") + std::to_string(i));
  Put("");
  ScanFilter f;
  f.pattern = "a:*";
  EXPECT_EQ(FullScan(10, f).size(), 100u);
  f.pattern = "";
  EXPECT_EQ(FullScan(10, f), std::set<std::string>{""});
  f.pattern = "*";
  f.type = "STRING";
  EXPECT_EQ(FullScan(10, f).size(), 301u);
  f.type = "list";
  EXPECT_TRUE(FullScan(10, f).empty());
  f.type = "";
  EXPECT_TRUE(FullScan(10, f).empty());
}

TEST_F(ScanTest, ExpiredKeysAreSkippedAndDeleted) {
  ctx_.now_ms = 1000;
  for (int i = 0; i < 100; i++) Put("live:" + std::to_string(i));
  for (int i = 0; i < 100; i++) Put("dead:" + std::to_string(i), 2000);
  ctx_.now_ms = 2000;
  EXPECT_EQ(FullScan(10).size(), 100u);
  EXPECT_EQ(db_.size(), 100u);
  EXPECT_EQ(ctx_.expired_keys, 100u);
}

// The SCAN guarantee: a key present from the first to the last call is returned, however
// much the keyspace grows (segments grow and split, the directory doubles) or shrinks
// between calls.
TEST_F(ScanTest, GuaranteeHoldsWhileKeyspaceGrowsAndShrinks) {
  for (int round = 0; round < 4; round++) {
    db_.Clear();
    std::set<std::string> stable;
    for (int i = 0; i < 2000; i++) {
      std::string k = "stable:" + std::to_string(round) + ":" + std::to_string(i);
      Put(k);
      stable.insert(k);
    }
    int next_volatile = 0;
    std::vector<std::string> volatile_keys;
    for (int i = 0; i < 2000; i++) {
      volatile_keys.push_back("vol:" + std::to_string(next_volatile++));
      Put(volatile_keys.back());
    }
    std::set<std::string> seen;
    uint64_t cursor = 0;
    int calls = 0;
    do {
      std::vector<const Entry*> out;
      cursor = ScanKeys(db_, cursor, 10 + round * 20, {}, &out);
      for (const Entry* e : out) seen.insert(std::string(e->key()));
      calls++;
      // Alternate phases: grow fast (forces splits everywhere), then shrink hard.
      if ((calls / 20) % 2 == 0) {
        for (int i = 0; i < 300; i++) {
          volatile_keys.push_back("vol:" + std::to_string(next_volatile++));
          Put(volatile_keys.back());
        }
      } else {
        size_t drop = std::min<size_t>(volatile_keys.size(), 400);
        for (size_t i = 0; i < drop; i++) {
          ASSERT_TRUE(db_.Delete(volatile_keys.back()));
          volatile_keys.pop_back();
        }
      }
    } while (cursor != 0);
    for (const std::string& k : stable) ASSERT_TRUE(seen.count(k)) << k << " round " << round;
    EXPECT_GT(calls, 10);
  }
}

TEST_F(ScanTest, MatchingKeys) {
  for (int i = 0; i < 1000; i++) Put("user:" + std::to_string(i));
  Put("other");
  std::vector<const Entry*> out;
  MatchingKeys(db_, "*", &out);
  EXPECT_EQ(out.size(), 1001u);
  out.clear();
  MatchingKeys(db_, "user:1??", &out);
  EXPECT_EQ(out.size(), 100u);
  out.clear();
  MatchingKeys(db_, "", &out);
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace duet
