// The contracts of types/list_type.h that the blocking commands build on: Pop, Move,
// FirstNonEmpty, Push; and the key deletion when a list empties.
#include "types/list_type.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace duet::lists {
namespace {

class ListTypeTest : public ::testing::Test {
 protected:
  void Push(std::string_view key, std::vector<std::string_view> elems, End end = End::kTail) {
    ASSERT_TRUE(lists::Push(db_, config_, key, end, elems).ok());
  }
  std::vector<std::string> Range(std::string_view key) {
    std::vector<std::string> out;
    EXPECT_EQ(lists::Range(
                  db_, key, 0, -1, [](size_t) {}, [&](std::string_view v) { out.emplace_back(v); }),
              OpStatus::kOk);
    return out;
  }
  std::vector<std::string> PopAll(std::string_view key, End end, size_t count, size_t* n_seen) {
    std::vector<std::string> out;
    Result<size_t> n = Pop(
        db_, key, end, count, [&](size_t n) { *n_seen = n; },
        [&](std::string_view v) { out.emplace_back(v); });
    EXPECT_TRUE(n.ok());
    return out;
  }

  KeyspaceContext ctx_;
  Db db_{0, &ctx_};
  Config config_;
};

TEST_F(ListTypeTest, PushOrderAndPushX) {
  Push("l", {"a", "b", "c"}, End::kHead);
  EXPECT_EQ(Range("l"), (std::vector<std::string>{"c", "b", "a"}));
  std::string_view x[] = {"x"};
  EXPECT_EQ(*lists::Push(db_, config_, "missing", End::kTail, x, true), 0u);
  EXPECT_FALSE(db_.Exists("missing"));
  EXPECT_EQ(*lists::Push(db_, config_, "l", End::kTail, x, true), 4u);
  db_.Add(Entry::NewString("s", "v", Entry::kNoExpire));
  EXPECT_EQ(lists::Push(db_, config_, "s", End::kTail, x).status(), OpStatus::kWrongType);
}

TEST_F(ListTypeTest, PopCountsAndDeletesTheEmptiedKey) {
  Push("l", {"a", "b", "c"});
  size_t seen = 0;
  EXPECT_EQ(PopAll("l", End::kTail, 2, &seen), (std::vector<std::string>{"c", "b"}));
  EXPECT_EQ(seen, 2u);
  seen = 99;
  EXPECT_EQ(PopAll("l", End::kHead, 0, &seen), std::vector<std::string>{});
  EXPECT_EQ(seen, 99u);  // count 0: nothing called
  EXPECT_EQ(PopAll("l", End::kHead, 10, &seen), std::vector<std::string>{"a"});
  EXPECT_EQ(seen, 1u);
  EXPECT_FALSE(db_.Exists("l"));
  seen = 99;
  EXPECT_EQ(PopAll("l", End::kHead, 10, &seen), std::vector<std::string>{});
  EXPECT_EQ(seen, 99u);
  db_.Add(Entry::NewString("s", "v", Entry::kNoExpire));
  EXPECT_EQ(Pop(
                db_, "s", End::kHead, 0, [](size_t) {}, [](std::string_view) {})
                .status(),
            OpStatus::kWrongType);
}

TEST_F(ListTypeTest, MoveSemantics) {
  Push("src", {"a", "b"});
  Result<std::optional<std::string>> v = Move(db_, config_, "src", "dst", End::kHead, End::kTail);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(**v, "a");
  v = Move(db_, config_, "src", "dst", End::kHead, End::kHead);
  EXPECT_EQ(**v, "b");
  EXPECT_FALSE(db_.Exists("src"));
  EXPECT_EQ(Range("dst"), (std::vector<std::string>{"b", "a"}));
  v = Move(db_, config_, "src", "dst", End::kHead, End::kHead);
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->has_value());
  // Rotation on one key, including a single-element list.
  v = Move(db_, config_, "dst", "dst", End::kTail, End::kHead);
  EXPECT_EQ(**v, "a");
  EXPECT_EQ(Range("dst"), (std::vector<std::string>{"a", "b"}));
  Push("one", {"x"});
  v = Move(db_, config_, "one", "one", End::kHead, End::kTail);
  EXPECT_EQ(**v, "x");
  EXPECT_EQ(Range("one"), std::vector<std::string>{"x"});
  // Destination type checked before popping; a missing source never looks at it.
  db_.Add(Entry::NewString("s", "v", Entry::kNoExpire));
  EXPECT_EQ(Move(db_, config_, "one", "s", End::kHead, End::kTail).status(), OpStatus::kWrongType);
  EXPECT_EQ(Range("one"), std::vector<std::string>{"x"});
  v = Move(db_, config_, "nokey", "s", End::kHead, End::kTail);
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->has_value());
  EXPECT_EQ(Move(db_, config_, "s", "one", End::kHead, End::kTail).status(), OpStatus::kWrongType);
}

TEST_F(ListTypeTest, FirstNonEmpty) {
  std::string_view keys[] = {"a", "s", "b"};
  Result<std::optional<size_t>> r = FirstNonEmpty(db_, keys);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());
  Push("b", {"x"});
  r = FirstNonEmpty(db_, keys);
  EXPECT_EQ(**r, 2u);
  db_.Add(Entry::NewString("s", "v", Entry::kNoExpire));
  EXPECT_EQ(FirstNonEmpty(db_, keys).status(), OpStatus::kWrongType);
  Push("a", {"x"});
  r = FirstNonEmpty(db_, keys);
  EXPECT_EQ(**r, 0u);  // the wrong-type key after the first list is not reached
}

TEST_F(ListTypeTest, TrimRemoveInsertSet) {
  Push("l", {"a", "b", "a", "c", "a"});
  EXPECT_EQ(*Remove(db_, "l", -2, "a"), 2u);
  EXPECT_EQ(Range("l"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(*Insert(db_, config_, "l", true, "b", "x"), 4);
  EXPECT_EQ(*Insert(db_, config_, "l", true, "zz", "x"), -1);
  EXPECT_EQ(*Insert(db_, config_, "nokey", true, "b", "x"), 0);
  EXPECT_EQ(Set(db_, config_, "l", -1, "C"), OpStatus::kOk);
  EXPECT_EQ(Set(db_, config_, "l", 4, "C"), OpStatus::kIndexOutOfRange);
  EXPECT_EQ(Set(db_, config_, "nokey", 0, "C"), OpStatus::kNoSuchKey);
  EXPECT_EQ(Range("l"), (std::vector<std::string>{"a", "b", "x", "C"}));
  size_t removed = 0;
  EXPECT_TRUE(*Trim(db_, "l", 1, 2, &removed));
  EXPECT_EQ(removed, 2u);
  EXPECT_EQ(Range("l"), (std::vector<std::string>{"b", "x"}));
  EXPECT_TRUE(*Trim(db_, "l", 5, 6, &removed));
  EXPECT_FALSE(db_.Exists("l"));
  EXPECT_FALSE(*Trim(db_, "l", 0, 1));
}

TEST_F(ListTypeTest, Positions) {
  Push("l", {"a", "b", "a", "c", "a"});
  auto pos = [&](PosParams p) {
    std::vector<int64_t> out;
    EXPECT_EQ(Positions(db_, "l", "a", p, [&](int64_t i) { out.push_back(i); }), OpStatus::kOk);
    return out;
  };
  EXPECT_EQ(pos({}), std::vector<int64_t>{0});
  EXPECT_EQ(pos({.rank = -1}), std::vector<int64_t>{4});
  EXPECT_EQ(pos({.rank = 2, .count = 0}), (std::vector<int64_t>{2, 4}));
  EXPECT_EQ(pos({.rank = -2, .count = 1}), std::vector<int64_t>{2});
  EXPECT_EQ(pos({.rank = 1, .count = 0, .maxlen = 3}), (std::vector<int64_t>{0, 2}));
  EXPECT_EQ(pos({.rank = INT64_MIN, .count = 1}), (std::vector<int64_t>{4, 2, 0}));
}

}  // namespace
}  // namespace duet::lists
