#include "types/set_value.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "types/set_ops.h"

namespace duet {
namespace {

std::vector<std::string> Members(const SetValue& s) {
  std::vector<std::string> out;
  s.ForEach([&](std::string_view m) { out.emplace_back(m); });
  return out;
}

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

TEST(SetValueTest, CreateChoosesEncodingFromFirstMember) {
  std::unique_ptr<SetValue> a(SetValue::Create("12"));
  std::unique_ptr<SetValue> b(SetValue::Create("x"));
  std::unique_ptr<SetValue> c(SetValue::Create("012"));
  EXPECT_EQ(a->EncodingName(), "intset");
  EXPECT_EQ(b->EncodingName(), "hashtable");
  EXPECT_EQ(c->EncodingName(), "hashtable");
}

TEST(SetValueTest, IntsetStaysUpToTheLimitThenConverts) {
  std::unique_ptr<SetValue> s(SetValue::CreateIntset());
  for (int i = 512; i >= 1; i--) EXPECT_TRUE(s->Add(std::to_string(i), 512));
  EXPECT_EQ(s->encoding(), SetValue::Encoding::kIntset);
  EXPECT_FALSE(s->Add("512", 512));  // a duplicate does not convert
  EXPECT_EQ(s->encoding(), SetValue::Encoding::kIntset);
  EXPECT_EQ(Members(*s).front(), "1");
  EXPECT_TRUE(s->Add("513", 512));
  EXPECT_EQ(s->encoding(), SetValue::Encoding::kHashtable);
  EXPECT_EQ(s->size(), 513u);
  for (int i = 1; i <= 513; i++) EXPECT_TRUE(s->Contains(std::to_string(i))) << i;
  EXPECT_TRUE(s->Remove("1"));
  EXPECT_EQ(s->encoding(), SetValue::Encoding::kHashtable);  // never converted back
}

TEST(SetValueTest, FirstNonIntegerConverts) {
  std::unique_ptr<SetValue> s(SetValue::CreateIntset());
  s->Add("1", 512);
  s->Add("-2", 512);
  EXPECT_EQ(s->encoding(), SetValue::Encoding::kIntset);
  for (const char* not_int : {"+1", " 1", "1.0", "-0", "01", "9223372036854775808", ""}) {
    std::unique_ptr<SetValue> t(SetValue::CreateIntset());
    t->Add("5", 512);
    EXPECT_TRUE(t->Add(not_int, 512)) << not_int;
    EXPECT_EQ(t->encoding(), SetValue::Encoding::kHashtable) << not_int;
    EXPECT_TRUE(t->Contains("5"));
    EXPECT_TRUE(t->Contains(not_int));
  }
  EXPECT_TRUE(s->Add("a", 512));
  EXPECT_EQ(Sorted(Members(*s)), (std::vector<std::string>{"-2", "1", "a"}));
}

TEST(SetValueTest, IntsetMembersAreAscendingAndNonIntsAreAbsent) {
  std::unique_ptr<SetValue> s(SetValue::CreateIntset());
  for (const char* m : {"10", "-5", "3"}) s->Add(m, 512);
  EXPECT_EQ(Members(*s), (std::vector<std::string>{"-5", "3", "10"}));
  EXPECT_FALSE(s->Contains("x"));
  EXPECT_FALSE(s->Contains("03"));
  EXPECT_FALSE(s->Remove("x"));
}

TEST(SetValueTest, HashtableHoldsBinaryAndLongMembers) {
  std::unique_ptr<SetValue> s(SetValue::CreateHashtable());
  std::string nul("a\0b", 3), long_member(300, 'z'), huge(70000, 'q');
  EXPECT_TRUE(s->Add(nul, 512));
  EXPECT_TRUE(s->Add(long_member, 512));
  EXPECT_TRUE(s->Add(huge, 512));
  EXPECT_TRUE(s->Add("", 512));
  EXPECT_FALSE(s->Add(long_member, 512));
  EXPECT_TRUE(s->Contains(nul));
  EXPECT_FALSE(s->Contains("a"));
  EXPECT_TRUE(s->Contains(huge));
  EXPECT_TRUE(s->Contains(""));
  EXPECT_EQ(Sorted(Members(*s)), Sorted({nul, long_member, huge, ""}));
  EXPECT_TRUE(s->Remove(huge));
  EXPECT_FALSE(s->Contains(huge));
  EXPECT_EQ(s->FreeEffort(), 3u);
}

TEST(SetValueTest, HashtableMatchesStdSetUnderRandomOps) {
  std::mt19937_64 rng(5);
  std::unique_ptr<SetValue> s(SetValue::CreateHashtable());
  std::set<std::string> ref;
  for (int i = 0; i < 50000; i++) {
    std::string m = "m" + std::to_string(rng() % 5000);
    if (rng() % 3 == 0) {
      EXPECT_EQ(s->Remove(m), ref.erase(m) == 1);
    } else {
      EXPECT_EQ(s->Add(m, 512), ref.insert(m).second);
    }
  }
  EXPECT_EQ(s->size(), ref.size());
  EXPECT_EQ(Sorted(Members(*s)), std::vector<std::string>(ref.begin(), ref.end()));
  std::unique_ptr<CompositeValue> c(s->Clone());
  EXPECT_EQ(Sorted(Members(*static_cast<SetValue*>(c.get()))), Sorted(Members(*s)));
}

TEST(SetValueTest, RandomAndPopCoverEveryMember) {
  for (bool ints : {true, false}) {
    std::unique_ptr<SetValue> s(ints ? SetValue::CreateIntset() : SetValue::CreateHashtable());
    for (int i = 0; i < 200; i++) s->Add(std::to_string(i), 512);
    std::mt19937_64 rng(1);
    std::set<std::string> seen;
    char buf[SetValue::kIntBufSize];
    for (int i = 0; i < 20000; i++) seen.emplace(s->Random(rng(), buf));
    EXPECT_EQ(seen.size(), 200u);
    std::set<std::string> popped;
    while (s->size() > 0) EXPECT_TRUE(popped.insert(s->PopRandom(rng())).second);
    EXPECT_EQ(popped.size(), 200u);
  }
}

// SSCAN's guarantee on the hashtable encoding: a member present for the whole scan is
// returned, while members are added and removed between calls.
TEST(SetValueTest, ScanReturnsStableMembersWhileTheSetChanges) {
  std::mt19937_64 rng(9);
  std::unique_ptr<SetValue> s(SetValue::CreateHashtable());
  for (int i = 0; i < 3000; i++) s->Add("stable" + std::to_string(i), 512);
  for (int i = 0; i < 3000; i++) s->Add("tmp" + std::to_string(i), 512);
  std::set<std::string> seen;
  uint64_t cursor = 0;
  int round = 0, next_new = 0;
  do {
    size_t returned = 0;
    cursor = s->Scan(cursor, 10, [&](std::string_view m) {
      seen.emplace(m);
      returned++;
    });
    if (cursor != 0) {
      EXPECT_GE(returned, 10u);
    }
    EXPECT_LE(returned, 40u);
    // Grow in bursts (segments split), then shrink; changes of COUNT's order per call (a scan
    // that changes more per call than it returns never ends, in Redis too).
    if (round++ % 2 == 0) {
      for (int i = 0; i < 20; i++) s->Add("new" + std::to_string(next_new++), 512);
    } else {
      for (int i = 0; i < 15; i++) s->Remove("tmp" + std::to_string(rng() % 3000));
    }
  } while (cursor != 0);
  for (int i = 0; i < 3000; i++) EXPECT_TRUE(seen.count("stable" + std::to_string(i))) << i;
}

// Without changes in between, a scan returns every member exactly once.
TEST(SetValueTest, ScanReturnsEachMemberOnce) {
  std::unique_ptr<SetValue> s(SetValue::CreateHashtable());
  for (int i = 0; i < 5000; i++) s->Add("m" + std::to_string(i), 512);
  for (size_t count : {1u, 10u, 1000u}) {
    std::multiset<std::string> seen;
    uint64_t cursor = 0;
    do {
      cursor = s->Scan(cursor, count, [&](std::string_view m) { seen.emplace(m); });
    } while (cursor != 0);
    EXPECT_EQ(seen.size(), 5000u) << "COUNT " << count;
    EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 5000u) << "COUNT " << count;
  }
}

TEST(SetValueTest, IntsetScanReturnsEverythingAtOnce) {
  std::unique_ptr<SetValue> s(SetValue::CreateIntset());
  for (int i = 0; i < 100; i++) s->Add(std::to_string(i), 512);
  size_t n = 0;
  EXPECT_EQ(s->Scan(12345, 1, [&](std::string_view) { n++; }), 0u);
  EXPECT_EQ(n, 100u);
}

TEST(SetOpsTest, AlgebraAndLimits) {
  std::unique_ptr<SetValue> a(SetValue::CreateIntset()), b(SetValue::CreateHashtable());
  for (const char* m : {"1", "2", "3", "4"}) a->Add(m, 512);
  for (const char* m : {"3", "4", "5", "x"}) b->Add(m, 512);
  std::vector<const SetValue*> ab = {a.get(), b.get()};
  std::vector<std::string> inter;
  EXPECT_EQ(sets::Intersect(ab, 0, [&](std::string_view m) { inter.emplace_back(m); }), 2u);
  EXPECT_EQ(Sorted(inter), (std::vector<std::string>{"3", "4"}));
  EXPECT_EQ(sets::Intersect(ab, 1, [](std::string_view) {}), 1u);
  EXPECT_EQ(sets::Intersect({a.get(), nullptr}, 0, [](std::string_view) {}), 0u);
  std::unique_ptr<SetValue> u(sets::Union(ab, 512));
  EXPECT_EQ(u->size(), 6u);
  EXPECT_EQ(u->encoding(), SetValue::Encoding::kHashtable);
  std::unique_ptr<SetValue> d(sets::Diff(ab, 512));
  EXPECT_EQ(Members(*d), (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(d->encoding(), SetValue::Encoding::kIntset);  // a result of integers: intset
  std::unique_ptr<SetValue> self(sets::Diff({a.get(), a.get()}, 512));
  EXPECT_EQ(self->size(), 0u);
  std::unique_ptr<SetValue> i(sets::IntersectToSet(ab, 512));
  EXPECT_EQ(i->encoding(), SetValue::Encoding::kIntset);
  EXPECT_EQ(Members(*i), (std::vector<std::string>{"3", "4"}));
}

// Small hashtable sets are an array of member blocks up to kSmallMax members, then a
// SegmentedTable; either way OBJECT ENCODING says "hashtable" and every operation agrees.
TEST(SetValueTest, SmallArrayGrowsIntoTable) {
  std::unique_ptr<SetValue> s(SetValue::CreateHashtable());
  size_t small_bytes = 0;
  for (uint32_t i = 0; i <= SetValue::kSmallMax; i++) {
    EXPECT_TRUE(s->Add("m" + std::to_string(i), 512));
    EXPECT_FALSE(s->Add("m" + std::to_string(i), 512));
    if (i + 1 == SetValue::kSmallMax) small_bytes = s->MemoryUsage();
  }
  EXPECT_LT(small_bytes, 512u);  // below one table segment
  EXPECT_EQ(s->EncodingName(), "hashtable");
  EXPECT_EQ(s->size(), SetValue::kSmallMax + 1);
  for (uint32_t i = 0; i <= SetValue::kSmallMax; i++) {
    EXPECT_TRUE(s->Contains("m" + std::to_string(i)));
  }
  EXPECT_FALSE(s->Contains("m999"));
  // An intset converting with few members goes to the small array, keeping its members.
  std::unique_ptr<SetValue> t(SetValue::CreateIntset());
  t->Add("1", 512);
  t->Add("2", 512);
  EXPECT_TRUE(t->Add("x", 512));
  EXPECT_EQ(Sorted(Members(*t)), (std::vector<std::string>{"1", "2", "x"}));
  EXPECT_TRUE(t->Remove("1"));
  EXPECT_FALSE(t->Remove("1"));
  EXPECT_EQ(t->FreeEffort(), 2u);
  std::unique_ptr<CompositeValue> c(t->Clone());
  EXPECT_EQ(Sorted(Members(*static_cast<SetValue*>(c.get()))), Sorted(Members(*t)));
}

TEST(SetValueTest, MemoryUsageCountsMembers) {
  std::unique_ptr<SetValue> s(SetValue::CreateHashtable());
  size_t empty = s->MemoryUsage();
  for (int i = 0; i < 1000; i++) s->Add("member-" + std::to_string(1000000 + i), 512);
  EXPECT_GE(s->MemoryUsage(), empty + 1000 * 16);
  EXPECT_LT(s->MemoryUsage(), empty + 1000 * 40);
}

}  // namespace
}  // namespace duet
