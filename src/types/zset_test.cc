#include "types/zset.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "keyspace/db.h"
#include "types/zset_score.h"

namespace duet::zset {
namespace {

std::string Fmt(double v) {
  char buf[32];
  return std::string(buf, FormatScore(v, buf));
}
std::string FmtReply(double v) {
  char buf[32];
  return std::string(buf, FormatScoreReply(v, buf));
}

TEST(ZSetScoreTest, FormatsAsRedis) {
  EXPECT_EQ(Fmt(1e15), "1000000000000000");
  EXPECT_EQ(FmtReply(1e15), "1000000000000000");
  EXPECT_EQ(Fmt(1700000000123.0), "1700000000123");
  EXPECT_EQ(Fmt(0.1), "0.10000000000000001");
  EXPECT_EQ(Fmt(1e-5), "1.0000000000000001e-05");
  EXPECT_EQ(Fmt(-0.0), "0");  // d2string goes through double2ll first
  EXPECT_EQ(FmtReply(-0.0), "-0");
  EXPECT_EQ(Fmt(INFINITY), "inf");
  EXPECT_EQ(Fmt(-INFINITY), "-inf");
  EXPECT_EQ(FmtReply(-INFINITY), "-inf");
  EXPECT_EQ(Fmt(1e17), "100000000000000000");
  EXPECT_EQ(FmtReply(1e17), "1e+17");
  EXPECT_EQ(Fmt(4611686018427387904.0), "4611686018427387904");
  EXPECT_EQ(Fmt(1e19), "1e+19");
  // Round trip: every formatted score parses back to the same double.
  std::mt19937_64 rng(7);
  for (int i = 0; i < 10000; i++) {
    uint64_t bits = rng();
    double v;
    memcpy(&v, &bits, sizeof v);
    if (std::isnan(v)) continue;
    EXPECT_EQ(*ParseScore(Fmt(v)), v);
  }
}

TEST(ZSetScoreTest, ParsesAsRedis) {
  EXPECT_EQ(*ParseScore("inf"), INFINITY);
  EXPECT_EQ(*ParseScore("+inf"), INFINITY);
  EXPECT_EQ(*ParseScore("-inf"), -INFINITY);
  EXPECT_FALSE(ParseScore("nan"));
  EXPECT_FALSE(ParseScore("1e400"));
  EXPECT_FALSE(ParseScore(""));
  EXPECT_FALSE(ParseScore(" 1"));
  EXPECT_FALSE(ParseScore("1x"));
  ScoreRange r;
  ASSERT_TRUE(ParseScoreRange("(1", "1e400", &r));
  EXPECT_TRUE(r.minex);
  EXPECT_EQ(r.max, INFINITY);
  EXPECT_FALSE(ParseScoreRange("nan", "1", &r));
  EXPECT_FALSE(ParseScoreRange("(", "1", &r) && false);
  LexRange l;
  EXPECT_TRUE(ParseLexRange("[a", "(b", &l));
  EXPECT_TRUE(ParseLexRange("-", "+", &l));
  EXPECT_FALSE(ParseLexRange("a", "+", &l));
  EXPECT_FALSE(ParseLexRange("-x", "+", &l));
  EXPECT_FALSE(ParseLexRange("", "+", &l));
}

TEST(ZSetValueTest, ConvertsAtExactlyTheThresholds) {
  Limits lim{4, 8};
  ZSet z = ZSet::Create(1, 1, lim);
  double ns;
  for (int i = 0; i < 4; i++) {
    EXPECT_EQ(z.Add(i, "m" + std::to_string(i), kAddNone, lim, &ns), AddResult::kAdded);
  }
  EXPECT_EQ(z.EncodingName(), "listpack");  // 4 == max entries
  z.Add(9, "m9", kAddNone, lim, &ns);
  EXPECT_EQ(z.EncodingName(), "skiplist");  // 5 > 4
  EXPECT_EQ(z.Size(), 5u);
  // Back to listpack only through ConvertToListpackIfNeeded.
  z.Remove("m9");
  EXPECT_EQ(z.EncodingName(), "skiplist");
  z.ConvertToListpackIfNeeded(2, 8, lim);
  EXPECT_EQ(z.EncodingName(), "listpack");
  EXPECT_EQ(*z.Score("m3"), 3);
  // Member length: 8 bytes fits, 9 converts.
  z.Remove("m3");
  z.Add(1, "12345678", kAddNone, lim, &ns);
  EXPECT_EQ(z.EncodingName(), "listpack");
  z.Add(1, "123456789", kAddNone, lim, &ns);
  EXPECT_EQ(z.EncodingName(), "skiplist");
  ZSet big = ZSet::Create(5, 1, lim);
  EXPECT_EQ(big.EncodingName(), "skiplist");
  ZSet wide = ZSet::Create(1, 9, lim);
  EXPECT_EQ(wide.EncodingName(), "skiplist");
}

TEST(ZSetValueTest, AddFlags) {
  Limits lim;
  ZSet z = ZSet::Create(1, 1, lim);
  double ns = 0;
  EXPECT_EQ(z.Add(5, "a", kAddNone, lim, &ns), AddResult::kAdded);
  EXPECT_EQ(z.Add(5, "a", kAddNone, lim, &ns), AddResult::kSame);
  EXPECT_EQ(z.Add(1, "a", kAddNx, lim, &ns), AddResult::kNop);
  EXPECT_EQ(z.Add(1, "b", kAddXx, lim, &ns), AddResult::kNop);
  EXPECT_EQ(z.Add(1, "a", kAddGt, lim, &ns), AddResult::kNop);
  EXPECT_EQ(z.Add(7, "a", kAddGt, lim, &ns), AddResult::kUpdated);
  EXPECT_EQ(z.Add(2, "a", kAddIncr, lim, &ns), AddResult::kUpdated);
  EXPECT_EQ(ns, 9);
  EXPECT_EQ(z.Add(INFINITY, "a", kAddNone, lim, &ns), AddResult::kUpdated);
  EXPECT_EQ(z.Add(-INFINITY, "a", kAddIncr, lim, &ns), AddResult::kNaN);
  EXPECT_EQ(*z.Score("a"), INFINITY);
}

// Random operations on both encodings against a std::set reference. With `in_db` every
// operation goes through a write handle on a key of a Db (FindForWrite), so a small set is
// packed in the key's entry and every change is written back there (in place or through
// Db::Replace), and an emptied set's key is deleted, as the commands do.
void RandomAgainstReference(const Limits& lim, int ops, uint64_t seed, bool in_db = false) {
  std::mt19937_64 rng(seed);
  KeyspaceContext ctx;
  Db db(0, &ctx);
  ZSet detached = ZSet::Create(0, 0, lim);
  // Runs fn on the set (a fresh handle each time when in_db).
  auto with = [&](auto&& fn) {
    if (!in_db) return fn(detached);
    Result<ZSet> found = FindForWrite(db, "k");
    EXPECT_TRUE(found.ok());
    if (*found) {
      fn(*found);
      if (found->Size() == 0) db.Delete("k");
      return;
    }
    ZSet z = ZSet::Create(0, 0, lim);
    fn(z);
    if (z.Size() != 0) db.Add(z.Release("k"));
  };
  std::map<std::string, double> by_member;
  std::set<std::pair<double, std::string>> order;
  for (int i = 0; i < ops; i++) {
    std::string m = "m" + std::to_string(rng() % 400);
    int op = static_cast<int>(rng() % 10);
    if (op < 6) {
      double s = static_cast<double>(rng() % 50);
      double ns;
      with([&](ZSet& z) { z.Add(s, m, kAddNone, lim, &ns); });
      if (by_member.count(m)) order.erase({by_member[m], m});
      by_member[m] = s;
      order.insert({s, m});
    } else if (op < 8) {
      bool had = by_member.count(m) > 0;
      with([&](ZSet& z) { ASSERT_EQ(z.Remove(m), had); });
      if (had) {
        order.erase({by_member[m], m});
        by_member.erase(m);
      }
    } else if (!order.empty()) {
      size_t lo = rng() % order.size(), n = rng() % 5;
      size_t removed = 0;
      with([&](ZSet& z) { removed = z.RemoveRankRange(lo, lo + n); });
      auto it = std::next(order.begin(), static_cast<long>(lo));
      for (size_t k = 0; k < removed; k++) {
        by_member.erase(it->second);
        it = order.erase(it);
      }
    }
    if (in_db && order.empty()) {
      ASSERT_FALSE(db.Exists("k"));
      continue;
    }
    with([&](ZSet& z) {
      ASSERT_EQ(z.Size(), order.size());
      if (in_db) {
        Entry* e = db.Peek("k");
        ASSERT_EQ(e->is_packed(), z.IsListpack());
        ASSERT_EQ(EncodingName(*e), z.EncodingName());
      }
      if (i % 50 != 0) return;
      size_t r = 0;
      for (ZSet::Cursor c = z.At(0); c.valid(); c.Next(), r++) {
        auto it = std::next(order.begin(), static_cast<long>(r));
        ASSERT_EQ(c.member(), it->second);
        ASSERT_EQ(c.score(), it->first);
        ASSERT_EQ(*z.Rank(it->second), r);
      }
      ASSERT_EQ(r, order.size());
      double s = static_cast<double>(rng() % 50);
      size_t below = 0;
      for (auto& [sc, mm] : order) below += sc < s;
      ASSERT_EQ(z.RankOfScore(s, false), below);
    });
  }
}

TEST(ZSetValueTest, RandomOpsListpack) { RandomAgainstReference({100000, 64}, 3000, 1); }
TEST(ZSetValueTest, RandomOpsBig) { RandomAgainstReference({0, 64}, 20000, 2); }
TEST(ZSetValueTest, RandomOpsAcrossConversion) { RandomAgainstReference({128, 64}, 20000, 3); }
TEST(ZSetValueTest, RandomOpsPackedInDb) { RandomAgainstReference({100000, 64}, 3000, 4, true); }
TEST(ZSetValueTest, RandomOpsInDbAcrossConversion) {
  RandomAgainstReference({16, 64}, 6000, 5, true);
}

// A small set lives in its key's entry; a change that outgrows the allocation moves it to a
// new entry with the same TTL, and a conversion installs the big object.
TEST(ZSetValueTest, PackedInEntryKeepsTtlAcrossReplace) {
  Limits lim{8, 64};
  KeyspaceContext ctx;
  Db db(0, &ctx);
  ZSet z = ZSet::Create(1, 1, lim);
  double ns;
  z.Add(1, "a", kAddNone, lim, &ns);
  db.Add(z.Release("k"));
  EXPECT_FALSE(z);
  db.SetExpire(db.Find("k"), 123456);
  for (int i = 0; i < 8; i++) {
    Result<ZSet> w = FindForWrite(db, "k");
    w->Add(i, std::string(20, static_cast<char>('b' + i)), kAddNone, lim, &ns);
    Entry* e = db.Peek("k");
    EXPECT_EQ(e->expire_ms(), 123456);
    EXPECT_EQ(e->is_packed(), i < 7) << i;
    EXPECT_EQ(EncodingName(*e), i < 7 ? "listpack" : "skiplist");
  }
  EXPECT_EQ(db.expires_size(), 1u);
  Result<ZSet> r = FindForRead(db, "k");
  EXPECT_EQ(r->Size(), 9u);
  EXPECT_EQ(*r->Score("a"), 1);
}

TEST(ZSetValueTest, CloneKeepsEncodingAndContents) {
  Limits lim{0, 64};
  ZSet z = ZSet::Create(0, 0, lim);
  double ns;
  for (int i = 0; i < 1000; i++) z.Add(i % 7, "k" + std::to_string(i), kAddNone, lim, &ns);
  auto* c = static_cast<ZSetValue*>(z.big()->Clone());
  EXPECT_EQ(c->EncodingName(), "skiplist");
  EXPECT_EQ(c->Size(), 1000u);
  EXPECT_EQ(c->FreeEffort(), 1000u);
  for (size_t r = 0; r < 1000; r += 37) EXPECT_EQ(c->At(r).member(), z.At(r).member());
  delete c;
}

}  // namespace
}  // namespace duet::zset

namespace duet::zset {
namespace {

// SCAN's guarantee for the big encoding: a member present for the whole scan is returned,
// while the set grows and shrinks between steps.
TEST(ZSetValueTest, ScanReturnsStableMembersUnderChurn) {
  Limits lim{0, 64};
  ZSet z = ZSet::Create(0, 0, lim);
  double ns;
  for (int i = 0; i < 3000; i++) z.Add(i, "stable" + std::to_string(i), kAddNone, lim, &ns);
  for (int i = 0; i < 3000; i++) z.Add(i, "temp" + std::to_string(i), kAddNone, lim, &ns);
  std::set<std::string> seen;
  uint64_t cursor = 0;
  int step = 0, added = 0;
  do {
    cursor = z.big()->ScanBig(cursor, 10,
                              [&](std::string_view m, double) { seen.insert(std::string(m)); });
    // Grow (forcing segment splits) and shrink between steps.
    for (int k = 0; k < 40; k++) z.Add(1, "new" + std::to_string(added++), kAddNone, lim, &ns);
    if (step < 3000) z.Remove("temp" + std::to_string(step));
    step++;
  } while (cursor != 0);
  for (int i = 0; i < 3000; i++) ASSERT_TRUE(seen.count("stable" + std::to_string(i))) << i;
}

}  // namespace
}  // namespace duet::zset
