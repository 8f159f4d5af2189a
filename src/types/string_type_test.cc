#include "types/string_type.h"

#include <gtest/gtest.h>

#include <string>

#include "types/lcs.h"
#include "types/string_storage.h"

namespace duet {
namespace {

// A non-string value, to check WRONGTYPE paths without depending on another type's code.
class FakeComposite : public CompositeValue {
 public:
  size_t MemoryUsage() const override { return sizeof(*this); }
  CompositeValue* Clone() const override { return new FakeComposite; }
  std::string_view EncodingName() const override { return "fake"; }
};

class StringTypeTest : public ::testing::Test {
 protected:
  StringTypeTest() : db_(0, &ctx_) { ctx_.now_ms = 1'000'000; }

  const Entry* Lookup(std::string_view key) { return db_.Peek(key); }
  std::string Value(std::string_view key) {
    const Entry* e = Lookup(key);
    return e ? std::string(e->str()) : "<missing>";
  }
  void AddList(std::string_view key) {
    db_.Add(Entry::NewObject(key, ValueType::kList, new FakeComposite, Entry::kNoExpire));
  }

  KeyspaceContext ctx_;
  Db db_;
};

TEST_F(StringTypeTest, ExpireAtMs) {
  using strings::ExpireAtMs;
  using strings::ExpireUnit;
  EXPECT_EQ(*ExpireAtMs(10, ExpireUnit::kSeconds, true, 5000), 15000);
  EXPECT_EQ(*ExpireAtMs(10, ExpireUnit::kMilliseconds, true, 5000), 5010);
  EXPECT_EQ(*ExpireAtMs(10, ExpireUnit::kSeconds, false, 5000), 10000);
  EXPECT_EQ(*ExpireAtMs(10, ExpireUnit::kMilliseconds, false, 5000), 10);
  EXPECT_EQ(ExpireAtMs(0, ExpireUnit::kSeconds, true, 5000).status(), OpStatus::kInvalidExpire);
  EXPECT_EQ(ExpireAtMs(-1, ExpireUnit::kMilliseconds, false, 5000).status(),
            OpStatus::kInvalidExpire);
  // Seconds that overflow on conversion, and relative times that wrap when now is added.
  EXPECT_EQ(ExpireAtMs(INT64_MAX / 1000 + 1, ExpireUnit::kSeconds, false, 0).status(),
            OpStatus::kInvalidExpire);
  EXPECT_EQ(*ExpireAtMs(INT64_MAX / 1000, ExpireUnit::kSeconds, false, 0), INT64_MAX / 1000 * 1000);
  EXPECT_EQ(ExpireAtMs(INT64_MAX, ExpireUnit::kMilliseconds, true, 1).status(),
            OpStatus::kInvalidExpire);
  EXPECT_EQ(*ExpireAtMs(INT64_MAX, ExpireUnit::kMilliseconds, false, 1), INT64_MAX);
}

TEST_F(StringTypeTest, SetConditionsAndEncoding) {
  strings::SetParams nx{.condition = strings::SetCondition::kIfMissing};
  strings::SetParams xx{.condition = strings::SetCondition::kIfExists};
  EXPECT_EQ(strings::Set(db_, "k", "v", xx), OpStatus::kSkipped);
  EXPECT_EQ(Lookup("k"), nullptr);
  EXPECT_EQ(strings::Set(db_, "k", "v", nx), OpStatus::kOk);
  EXPECT_EQ(strings::Set(db_, "k", "w", nx), OpStatus::kSkipped);
  EXPECT_EQ(Value("k"), "v");
  EXPECT_EQ(strings::Set(db_, "k", "123", xx), OpStatus::kOk);
  EXPECT_EQ(Lookup("k")->encoding(), StringEncoding::kInt);
  EXPECT_EQ(strings::Set(db_, "k", "abc", {}), OpStatus::kOk);
  EXPECT_EQ(Lookup("k")->encoding(), StringEncoding::kEmbstr);
  EXPECT_EQ(strings::Set(db_, "k", std::string(45, 'x'), {}), OpStatus::kOk);
  EXPECT_EQ(Lookup("k")->encoding(), StringEncoding::kRaw);
  // SET overwrites any type.
  AddList("l");
  EXPECT_EQ(strings::Set(db_, "l", "s", {}), OpStatus::kOk);
  EXPECT_EQ(Lookup("l")->type(), ValueType::kString);
  EXPECT_EQ(db_.size(), 2u);
}

TEST_F(StringTypeTest, SetOverwritesInPlaceWhenItFits) {
  strings::Set(db_, "key:000001", "xxx", {});
  const Entry* before = Lookup("key:000001");
  strings::Set(db_, "key:000001", "yyy", {});
  EXPECT_EQ(Lookup("key:000001"), before);  // same block: no malloc/free
  EXPECT_EQ(Value("key:000001"), "yyy");
  strings::Set(db_, "key:000001", std::string(1000, 'z'), {});
  EXPECT_EQ(Value("key:000001"), std::string(1000, 'z'));
  // Shrinking a lot does not keep the large block.
  strings::Set(db_, "key:000001", "a", {});
  EXPECT_EQ(Value("key:000001"), "a");
  EXPECT_LT(Lookup("key:000001")->MemoryUsage(), 64u);
}

TEST_F(StringTypeTest, SetTtlHandling) {
  strings::SetParams ex{.expire_at_ms = 2'000'000};
  strings::Set(db_, "k", "v", ex);
  EXPECT_EQ(Lookup("k")->expire_ms(), 2'000'000);
  EXPECT_EQ(db_.expires_size(), 1u);
  // KEEPTTL keeps it, a new expire replaces it (in place), a plain SET clears it.
  strings::Set(db_, "k", "w", {.keep_ttl = true});
  EXPECT_EQ(Lookup("k")->expire_ms(), 2'000'000);
  strings::Set(db_, "k", "x", {.expire_at_ms = 3'000'000});
  EXPECT_EQ(Lookup("k")->expire_ms(), 3'000'000);
  EXPECT_EQ(db_.expires_size(), 1u);
  strings::Set(db_, "k", "y", {});
  EXPECT_FALSE(Lookup("k")->has_expire());
  EXPECT_EQ(db_.expires_size(), 0u);
  EXPECT_EQ(Value("k"), "y");
  // A past absolute time leaves a key that is expired on its next lookup.
  strings::Set(db_, "k", "z", {.expire_at_ms = 1});
  EXPECT_EQ(Lookup("k"), nullptr);
  EXPECT_EQ(ctx_.expired_keys, 1u);
}

TEST_F(StringTypeTest, IncrBy) {
  EXPECT_EQ(*strings::IncrBy(db_, "n", 5), 5);
  EXPECT_EQ(Lookup("n")->encoding(), StringEncoding::kInt);
  EXPECT_EQ(*strings::IncrBy(db_, "n", -10), -5);
  EXPECT_EQ(Value("n"), "-5");
  strings::Set(db_, "n", "9223372036854775806", {.expire_at_ms = 5'000'000});
  EXPECT_EQ(*strings::IncrBy(db_, "n", 1), INT64_MAX);
  EXPECT_EQ(strings::IncrBy(db_, "n", 1).status(), OpStatus::kOutOfRange);
  EXPECT_EQ(Lookup("n")->expire_ms(), 5'000'000);  // INCR keeps the TTL
  strings::Set(db_, "n", "-9223372036854775808", {});
  EXPECT_EQ(strings::IncrBy(db_, "n", -1).status(), OpStatus::kOutOfRange);
  EXPECT_EQ(*strings::IncrBy(db_, "n", INT64_MAX), -1);
  for (const char* bad : {"1.5", " 1", "+1", "01", "-0", "", "abc", "99999999999999999999"}) {
    strings::Set(db_, "b", bad, {});
    EXPECT_EQ(strings::IncrBy(db_, "b", 1).status(), OpStatus::kNotInteger) << bad;
    EXPECT_EQ(Value("b"), bad);
  }
  AddList("l");
  EXPECT_EQ(strings::IncrBy(db_, "l", 1).status(), OpStatus::kWrongType);
  // Growing digits past the block reallocates; the value stays right.
  strings::Set(db_, "g", "9", {});
  for (int i = 0; i < 100000; i += 997) strings::IncrBy(db_, "g", 997);
  EXPECT_EQ(Value("g"), std::to_string(9 + 997 * 101));
}

TEST_F(StringTypeTest, IncrByFloat) {
  EXPECT_EQ(*strings::IncrByFloat(db_, "f", "10.5"), "10.5");
  EXPECT_EQ(Lookup("f")->encoding(), StringEncoding::kEmbstr);
  EXPECT_EQ(*strings::IncrByFloat(db_, "f", "0.1"), "10.6");
  EXPECT_EQ(*strings::IncrByFloat(db_, "f", "-5.6"), "5");
  EXPECT_EQ(Lookup("f")->encoding(), StringEncoding::kEmbstr);  // never "int"
  EXPECT_EQ(*strings::IncrByFloat(db_, "f", "0x10"), "21");
  EXPECT_EQ(*strings::IncrByFloat(db_, "f", "5.0e3"), "5021");
  EXPECT_EQ(strings::IncrByFloat(db_, "f", "inf").status(), OpStatus::kIncrNanOrInf);
  EXPECT_EQ(strings::IncrByFloat(db_, "f", "nan").status(), OpStatus::kNotFloat);
  EXPECT_EQ(strings::IncrByFloat(db_, "f", "1e5000").status(), OpStatus::kNotFloat);
  EXPECT_EQ(strings::IncrByFloat(db_, "f", " 1").status(), OpStatus::kNotFloat);
  EXPECT_EQ(strings::IncrByFloat(db_, "f", "").status(), OpStatus::kNotFloat);
  EXPECT_EQ(Value("f"), "5021");
  strings::Set(db_, "s", "abc", {});
  EXPECT_EQ(strings::IncrByFloat(db_, "s", "1").status(), OpStatus::kNotFloat);
  AddList("l");
  EXPECT_EQ(strings::IncrByFloat(db_, "l", "x").status(), OpStatus::kWrongType);
  // 1e400 fits a long double: Redis prints every digit.
  Result<std::string_view> big = strings::IncrByFloat(db_, "big", "1e400");
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(big->size(), 401u);
  EXPECT_EQ(Lookup("big")->encoding(), StringEncoding::kRaw);
}

TEST_F(StringTypeTest, AppendAndSetRange) {
  EXPECT_EQ(*strings::Append(db_, "a", "12", 100), 2u);
  EXPECT_EQ(Lookup("a")->encoding(), StringEncoding::kInt);  // a new key is SET
  EXPECT_EQ(*strings::Append(db_, "a", "3", 100), 3u);
  EXPECT_EQ(Lookup("a")->encoding(), StringEncoding::kRaw);
  EXPECT_EQ(strings::Append(db_, "a", std::string(98, 'x'), 100).status(),
            OpStatus::kStringTooLong);
  EXPECT_EQ(*strings::Append(db_, "a", std::string(97, 'x'), 100), 100u);
  std::string expect;
  for (int i = 0; i < 1000; i++) {
    strings::Append(db_, "loop", "ab", 1 << 20);
    expect += "ab";
  }
  EXPECT_EQ(Value("loop"), expect);

  bool modified = false;
  EXPECT_EQ(*strings::SetRange(db_, "r", 0, "", 100, &modified), 0u);
  EXPECT_FALSE(modified);
  EXPECT_EQ(Lookup("r"), nullptr);
  EXPECT_EQ(*strings::SetRange(db_, "r", 3, "ab", 100, &modified), 5u);
  EXPECT_TRUE(modified);
  EXPECT_EQ(Value("r"), std::string("\0\0\0ab", 5));
  EXPECT_EQ(Lookup("r")->encoding(), StringEncoding::kRaw);
  EXPECT_EQ(strings::SetRange(db_, "r", 99, "ab", 100, &modified).status(),
            OpStatus::kStringTooLong);
  strings::Set(db_, "i", "12", {});
  EXPECT_EQ(*strings::SetRange(db_, "i", 50, "", 100, &modified), 2u);
  EXPECT_EQ(Lookup("i")->encoding(), StringEncoding::kInt);  // nothing written
  EXPECT_EQ(*strings::SetRange(db_, "i", 1, "9", 100, &modified), 2u);
  EXPECT_EQ(Value("i"), "19");
  EXPECT_EQ(Lookup("i")->encoding(), StringEncoding::kRaw);
  AddList("l");
  EXPECT_EQ(strings::SetRange(db_, "l", 0, "", 100, &modified).status(), OpStatus::kWrongType);
  EXPECT_EQ(strings::Append(db_, "l", "x", 100).status(), OpStatus::kWrongType);
}

TEST_F(StringTypeTest, Substring) {
  using strings::Substring;
  EXPECT_EQ(Substring("Hello World", 0, 4), "Hello");
  EXPECT_EQ(Substring("Hello World", -5, -1), "World");
  EXPECT_EQ(Substring("Hello World", -1, -5), "");
  EXPECT_EQ(Substring("Hello World", 5, 3), "");
  EXPECT_EQ(Substring("Hello World", 0, 100), "Hello World");
  EXPECT_EQ(Substring("Hello World", -100, 2), "Hel");
  EXPECT_EQ(Substring("Hello World", INT64_MIN, INT64_MAX), "Hello World");
  EXPECT_EQ(Substring("Hello World", 20, 30), "");
  EXPECT_EQ(Substring("", 0, -1), "");
  EXPECT_EQ(Substring("abc", -1, 0), "");
  EXPECT_EQ(Substring("abc", 0, -100), "a");
}

TEST(LcsTest, Sequence) {
  lcs::Result r;
  ASSERT_EQ(lcs::Compute("ohmytext", "mynewtext", {}, &r), lcs::Status::kOk);
  EXPECT_EQ(r.sequence, "mytext");
  EXPECT_EQ(r.length, 6u);
  ASSERT_EQ(lcs::Compute("", "abc", {}, &r), lcs::Status::kOk);
  EXPECT_EQ(r.sequence, "");
  EXPECT_EQ(r.length, 0u);
}

TEST(LcsTest, MatchesAsRedisReportsThem) {
  lcs::Result r;
  lcs::Options o{.want_sequence = false, .want_matches = true};
  ASSERT_EQ(lcs::Compute("ohmytext", "mynewtext", o, &r), lcs::Status::kOk);
  ASSERT_EQ(r.matches.size(), 2u);
  EXPECT_EQ(r.matches[0].a_start, 4u);
  EXPECT_EQ(r.matches[0].a_end, 7u);
  EXPECT_EQ(r.matches[0].b_start, 5u);
  EXPECT_EQ(r.matches[0].b_end, 8u);
  EXPECT_EQ(r.matches[1].a_start, 2u);
  EXPECT_EQ(r.matches[1].a_end, 3u);
  EXPECT_EQ(r.matches[1].b_start, 0u);
  EXPECT_EQ(r.matches[1].b_end, 1u);
  EXPECT_EQ(r.length, 6u);
  o.min_match_len = 4;
  ASSERT_EQ(lcs::Compute("ohmytext", "mynewtext", o, &r), lcs::Status::kOk);
  ASSERT_EQ(r.matches.size(), 1u);
  EXPECT_EQ(r.matches[0].length(), 4u);
}

}  // namespace
}  // namespace duet
