#include "keyspace/key_ops.h"

#include <gtest/gtest.h>

#include <climits>
#include <string>

#include "keyspace/lfu.h"

namespace duet::keyops {
namespace {

class KeyOpsTest : public ::testing::Test {
 protected:
  void SetUp() override { ctx_.now_ms = kNow; }
  void Put(Db& db, std::string_view key, std::string_view value,
           int64_t expire = Entry::kNoExpire) {
    db.Upsert(Entry::NewString(key, value, expire));
  }
  static constexpr int64_t kNow = 1'700'000'000'000;
  KeyspaceContext ctx_;
  Db db_{0, &ctx_};
  Db other_{1, &ctx_};
};

TEST(AbsoluteExpireMsTest, UnitsBaseAndOverflow) {
  EXPECT_EQ(AbsoluteExpireMs(10, true, 1000), 11000);
  EXPECT_EQ(AbsoluteExpireMs(10, false, 1000), 1010);
  EXPECT_EQ(AbsoluteExpireMs(-5, true, 0), -5000);
  EXPECT_EQ(AbsoluteExpireMs(LLONG_MAX / 1000, true, 0), LLONG_MAX / 1000 * 1000);
  EXPECT_EQ(AbsoluteExpireMs(LLONG_MAX / 1000 + 1, true, 0), std::nullopt);
  EXPECT_EQ(AbsoluteExpireMs(LLONG_MIN / 1000 - 1, true, 0), std::nullopt);
  EXPECT_EQ(AbsoluteExpireMs(LLONG_MIN / 1000, true, 0), LLONG_MIN / 1000 * 1000);
  EXPECT_EQ(AbsoluteExpireMs(LLONG_MAX, false, 0), LLONG_MAX);
  EXPECT_EQ(AbsoluteExpireMs(LLONG_MAX, false, 1), std::nullopt);
  EXPECT_EQ(AbsoluteExpireMs(LLONG_MAX / 1000, true, 1'700'000'000'000), std::nullopt);
  EXPECT_EQ(AbsoluteExpireMs(LLONG_MIN, false, 5), LLONG_MIN + 5);
}

TEST_F(KeyOpsTest, SetExpireAtConditions) {
  EXPECT_EQ(SetExpireAt(db_, "missing", kNow + 1000, 0), ExpireOutcome::kNoKey);
  Put(db_, "k", "v");
  // No TTL: XX and GT fail, LT and NX succeed.
  EXPECT_EQ(SetExpireAt(db_, "k", kNow + 1000, kExpireXx), ExpireOutcome::kSkipped);
  EXPECT_EQ(SetExpireAt(db_, "k", kNow + 1000, kExpireGt), ExpireOutcome::kSkipped);
  EXPECT_EQ(SetExpireAt(db_, "k", kNow + 5000, kExpireLt), ExpireOutcome::kSet);
  EXPECT_EQ(db_.Peek("k")->expire_ms(), kNow + 5000);
  EXPECT_EQ(SetExpireAt(db_, "k", kNow + 1000, kExpireNx), ExpireOutcome::kSkipped);
  EXPECT_EQ(SetExpireAt(db_, "k", kNow + 5000, kExpireGt), ExpireOutcome::kSkipped);
  EXPECT_EQ(SetExpireAt(db_, "k", kNow + 5000, kExpireLt), ExpireOutcome::kSkipped);
  EXPECT_EQ(SetExpireAt(db_, "k", kNow + 6000, kExpireGt | kExpireXx), ExpireOutcome::kSet);
  EXPECT_EQ(SetExpireAt(db_, "k", kNow + 4000, kExpireLt), ExpireOutcome::kSet);
  EXPECT_EQ(db_.Peek("k")->expire_ms(), kNow + 4000);
  EXPECT_EQ(db_.expires_size(), 1u);
}

TEST_F(KeyOpsTest, ExpireInThePastDeletes) {
  Put(db_, "k", "v");
  EXPECT_EQ(SetExpireAt(db_, "k", kNow, 0), ExpireOutcome::kDeleted);
  EXPECT_EQ(db_.size(), 0u);
  Put(db_, "k", "v", kNow + 100);
  EXPECT_EQ(SetExpireAt(db_, "k", -1, kExpireLt), ExpireOutcome::kDeleted);
  EXPECT_EQ(db_.size(), 0u);
  EXPECT_EQ(db_.expires_size(), 0u);
}

TEST_F(KeyOpsTest, ExpireTimeAndPersist) {
  EXPECT_EQ(ExpireTimeMs(db_, "k"), -2);
  Put(db_, "k", "v");
  EXPECT_EQ(ExpireTimeMs(db_, "k"), -1);
  EXPECT_FALSE(Persist(db_, "k"));
  EXPECT_EQ(SetExpireAt(db_, "k", kNow + 100, 0), ExpireOutcome::kSet);
  EXPECT_EQ(ExpireTimeMs(db_, "k"), kNow + 100);
  EXPECT_TRUE(Persist(db_, "k"));
  EXPECT_EQ(ExpireTimeMs(db_, "k"), -1);
  EXPECT_EQ(db_.expires_size(), 0u);
  EXPECT_FALSE(Persist(db_, "missing"));
  // Hits and misses are counted (NOTOUCH read lookups).
  EXPECT_EQ(ctx_.keyspace_misses, 1u);
  EXPECT_EQ(ctx_.keyspace_hits, 3u);
}

TEST_F(KeyOpsTest, RenameMovesValueAndTtl) {
  EXPECT_EQ(Rename(db_, "a", "b", false).status(), OpStatus::kNoSuchKey);
  EXPECT_EQ(Rename(db_, "a", "a", false).status(), OpStatus::kNoSuchKey);
  Put(db_, "a", "hello", kNow + 1000);
  EXPECT_EQ(*Rename(db_, "a", "a", false), RenameOutcome::kSameKey);
  EXPECT_EQ(*Rename(db_, "a", "b", false), RenameOutcome::kRenamed);
  EXPECT_EQ(db_.Peek("a"), nullptr);
  Entry* b = db_.Peek("b");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->str(), "hello");
  EXPECT_EQ(b->expire_ms(), kNow + 1000);
  EXPECT_EQ(db_.expires_size(), 1u);
  // Overwrite: the target's TTL goes away with it.
  Put(db_, "c", "other");
  EXPECT_EQ(*Rename(db_, "c", "b", true), RenameOutcome::kTargetExists);
  EXPECT_EQ(*Rename(db_, "c", "b", false), RenameOutcome::kRenamed);
  EXPECT_EQ(db_.Peek("b")->str(), "other");
  EXPECT_FALSE(db_.Peek("b")->has_expire());
  EXPECT_EQ(db_.expires_size(), 0u);
  EXPECT_EQ(db_.size(), 1u);
}

TEST_F(KeyOpsTest, RenameKeepsEncodingAndLfuCounter) {
  ctx_.lfu = true;
  Put(db_, "n", "12");
  db_.table().Find("n").set_meta(lfu::Pack(lfu::Minutes(kNow), 200));
  ASSERT_EQ(*Rename(db_, "n", "m", false), RenameOutcome::kRenamed);
  EXPECT_EQ(db_.Peek("m")->encoding(), StringEncoding::kInt);
  // The lookup counts as an access, so the counter is 200 or 201.
  EXPECT_GE(db_.table().Find("m").meta() & 0xff, 200);
}

TEST_F(KeyOpsTest, CopyWithinAndAcrossDbs) {
  EXPECT_EQ(Copy(db_, db_, "a", "a", false).status(), OpStatus::kSameObject);
  EXPECT_EQ(*Copy(db_, db_, "a", "b", false), CopyOutcome::kNoSource);
  Put(db_, "a", std::string(100, 'x'), kNow + 500);
  EXPECT_EQ(*Copy(db_, db_, "a", "b", false), CopyOutcome::kCopied);
  EXPECT_EQ(db_.Peek("b")->str(), std::string(100, 'x'));
  EXPECT_EQ(db_.Peek("b")->expire_ms(), kNow + 500);
  EXPECT_EQ(db_.Peek("b")->encoding(), StringEncoding::kRaw);
  EXPECT_EQ(*Copy(db_, db_, "a", "b", false), CopyOutcome::kTargetExists);
  Put(db_, "c", "c");
  EXPECT_EQ(*Copy(db_, db_, "c", "b", true), CopyOutcome::kCopied);
  EXPECT_EQ(db_.Peek("b")->str(), "c");
  EXPECT_FALSE(db_.Peek("b")->has_expire());
  EXPECT_EQ(db_.expires_size(), 1u);
  // Same key, other db.
  EXPECT_EQ(*Copy(db_, other_, "a", "a", false), CopyOutcome::kCopied);
  EXPECT_EQ(other_.Peek("a")->expire_ms(), kNow + 500);
  EXPECT_EQ(db_.size(), 3u);
  EXPECT_EQ(other_.size(), 1u);
}

TEST_F(KeyOpsTest, MoveBetweenDbs) {
  EXPECT_FALSE(Move(db_, other_, "a"));
  Put(db_, "a", "1", kNow + 100);
  Put(other_, "b", "2");
  Put(db_, "b", "3");
  EXPECT_FALSE(Move(db_, other_, "b"));
  EXPECT_EQ(db_.Peek("b")->str(), "3");
  EXPECT_TRUE(Move(db_, other_, "a"));
  EXPECT_EQ(db_.Peek("a"), nullptr);
  EXPECT_EQ(other_.Peek("a")->expire_ms(), kNow + 100);
  EXPECT_EQ(db_.expires_size(), 0u);
  EXPECT_EQ(other_.expires_size(), 1u);
}

TEST_F(KeyOpsTest, LookupsExpireLazily) {
  Put(db_, "k", "v", kNow + 10);
  ctx_.now_ms = kNow + 10;
  EXPECT_EQ(ExpireTimeMs(db_, "k"), -2);
  EXPECT_EQ(db_.size(), 0u);
  EXPECT_EQ(ctx_.expired_keys, 1u);
}

}  // namespace
}  // namespace duet::keyops
