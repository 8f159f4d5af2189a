// Unit tests of the hash value: field blocks, both encodings, the conversion rules at their
// thresholds, HINCRBY/HINCRBYFLOAT arithmetic and formatting, HRANDFIELD's cases and the
// HSCAN guarantee while the hash grows and shrinks.
#include "types/hash_type.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <string>

namespace duet::hashes {
namespace {

std::string Str(std::string_view s) { return std::string(s); }

std::map<std::string, std::string> Contents(const HashValue& h) {
  std::map<std::string, std::string> m;
  h.ForEach([&](std::string_view f, std::string_view v) { m[Str(f)] = Str(v); });
  return m;
}

std::string GetOr(const HashValue& h, std::string_view f, std::string_view dflt = "<none>") {
  NumBuf num;
  std::optional<std::string_view> v = h.Get(f, num);
  return v ? Str(*v) : Str(dflt);
}

TEST(FieldBlockTest, StoresFieldAndValue) {
  uint8_t* b = FieldBlock::New("field:0001", "value-16-bytes!!");
  EXPECT_EQ(FieldBlock::Field(b), "field:0001");
  EXPECT_EQ(FieldBlock::Value(b), "value-16-bytes!!");
  // 2-byte header, no padding: 28 bytes fit a 32-byte block.
  EXPECT_LE(FieldBlock::AllocSize(b), 32u);
  b = FieldBlock::WithValue(b, "short");
  EXPECT_EQ(FieldBlock::Field(b), "field:0001");
  EXPECT_EQ(FieldBlock::Value(b), "short");
  std::string long_value(300, 'x');
  b = FieldBlock::WithValue(b, long_value);  // two-byte varint: a new block
  EXPECT_EQ(FieldBlock::Value(b), long_value);
  EXPECT_EQ(FieldBlock::Field(b), "field:0001");
  b = FieldBlock::WithValue(b, "");
  EXPECT_EQ(FieldBlock::Value(b), "");
  FieldBlock::Free(b);
}

TEST(FieldBlockTest, LongFieldsAndEmptyStrings) {
  std::string f(200, 'f'), v(70000, 'v');
  uint8_t* b = FieldBlock::New(f, v);
  EXPECT_EQ(FieldBlock::Field(b), f);
  EXPECT_EQ(FieldBlock::Value(b), v);
  FieldBlock::Free(b);
  b = FieldBlock::New("", "");
  EXPECT_EQ(FieldBlock::Field(b), "");
  EXPECT_EQ(FieldBlock::Value(b), "");
  FieldBlock::Free(b);
}

TEST(HashValueTest, ListpackBasics) {
  HashValue h;
  Limits lim;
  EXPECT_TRUE(h.IsListpack());
  EXPECT_EQ(h.EncodingName(), "listpack");
  EXPECT_TRUE(h.Set("a", "1", lim));
  EXPECT_TRUE(h.Set("b", "x", lim));
  EXPECT_FALSE(h.Set("a", "2", lim));
  EXPECT_EQ(h.Length(), 2u);
  EXPECT_EQ(GetOr(h, "a"), "2");
  EXPECT_EQ(GetOr(h, "b"), "x");
  EXPECT_EQ(GetOr(h, "c"), "<none>");
  EXPECT_TRUE(h.Exists("b"));
  EXPECT_FALSE(h.Exists("2"));  // values are not fields
  EXPECT_TRUE(h.Delete("a"));
  EXPECT_FALSE(h.Delete("a"));
  EXPECT_EQ(h.Length(), 1u);
  EXPECT_EQ(h.FreeEffort(), 1u);
}

TEST(HashValueTest, ConvertsPastEntryLimit) {
  Limits lim{.max_listpack_entries = 8, .max_listpack_value = 64};
  HashValue h;
  for (int i = 0; i < 8; i++) h.Set("f" + std::to_string(i), std::to_string(i), lim);
  EXPECT_TRUE(h.IsListpack());
  h.Set("f3", "updated", lim);  // an update does not add a field
  EXPECT_TRUE(h.IsListpack());
  h.Set("f8", "8", lim);
  EXPECT_FALSE(h.IsListpack());
  EXPECT_EQ(h.EncodingName(), "hashtable");
  EXPECT_EQ(h.Length(), 9u);
  EXPECT_EQ(h.FreeEffort(), 9u);
  EXPECT_EQ(GetOr(h, "f3"), "updated");
  EXPECT_EQ(GetOr(h, "f8"), "8");
  // Never back.
  for (int i = 0; i < 9; i++) h.Delete("f" + std::to_string(i));
  EXPECT_FALSE(h.IsListpack());
  EXPECT_EQ(h.Length(), 0u);
}

TEST(HashValueTest, ZeroEntryLimitConvertsOnFirstField) {
  Limits lim{.max_listpack_entries = 0, .max_listpack_value = 64};
  HashValue h;
  h.Set("a", "1", lim);
  EXPECT_FALSE(h.IsListpack());
}

TEST(HashValueTest, ValueLengthThreshold) {
  Limits lim{.max_listpack_entries = 512, .max_listpack_value = 4};
  HashValue h;
  std::string_view ok[] = {"abcd", "1234"};
  h.TryConversion(ok, lim);
  EXPECT_TRUE(h.IsListpack());
  std::string_view too_long[] = {"a", "abcde"};
  h.TryConversion(too_long, lim);
  EXPECT_FALSE(h.IsListpack());

  // Set's own check (the HINCRBY* path): a long field or value converts before insertion.
  HashValue g;
  g.Set("abcd", "abcd", lim);
  EXPECT_TRUE(g.IsListpack());
  g.Set("abcd", "12345", lim);
  EXPECT_FALSE(g.IsListpack());
  EXPECT_EQ(GetOr(g, "abcd"), "12345");
  HashValue k;
  k.Set("abcde", "1", lim);
  EXPECT_FALSE(k.IsListpack());
}

TEST(HashValueTest, IntegersInListpackReadAsText) {
  HashValue h;
  Limits lim;
  h.Set("n", "-9223372036854775808", lim);
  h.Set("z", "0", lim);
  h.Set("lead", "007", lim);
  EXPECT_EQ(GetOr(h, "n"), "-9223372036854775808");
  EXPECT_EQ(GetOr(h, "z"), "0");
  EXPECT_EQ(GetOr(h, "lead"), "007");
  h.Set("123", "v", lim);
  EXPECT_EQ(GetOr(h, "123"), "v");
  auto m = Contents(h);
  EXPECT_EQ(m["n"], "-9223372036854775808");
}

TEST(HashValueTest, ConversionKeepsEveryField) {
  Limits lim{.max_listpack_entries = 1000, .max_listpack_value = 64};
  HashValue h;
  for (int i = 0; i < 300; i++) h.Set("field:" + std::to_string(i), std::to_string(i * 7), lim);
  auto before = Contents(h);
  h.ConvertToTable();
  EXPECT_FALSE(h.IsListpack());
  EXPECT_EQ(Contents(h), before);
  std::unique_ptr<CompositeValue> copy(h.Clone());
  auto* c = static_cast<HashValue*>(copy.get());
  EXPECT_FALSE(c->IsListpack());
  EXPECT_EQ(Contents(*c), before);
  c->Set("field:0", "changed", lim);
  EXPECT_EQ(GetOr(h, "field:0"), "0");
  EXPECT_GT(h.MemoryUsage(), 300u * 8);
}

TEST(HashValueTest, ListpackClone) {
  HashValue h;
  Limits lim;
  h.Set("a", "1", lim);
  std::unique_ptr<CompositeValue> copy(h.Clone());
  auto* c = static_cast<HashValue*>(copy.get());
  EXPECT_TRUE(c->IsListpack());
  c->Set("a", "2", lim);
  EXPECT_EQ(GetOr(h, "a"), "1");
  EXPECT_EQ(GetOr(*c, "a"), "2");
}

TEST(HashValueTest, TableUpdatesInPlaceAndGrows) {
  Limits lim{.max_listpack_entries = 0, .max_listpack_value = 64};
  HashValue h;
  std::map<std::string, std::string> model;
  std::mt19937_64 rng(7);
  for (int i = 0; i < 20000; i++) {
    std::string f = "f" + std::to_string(rng() % 5000);
    if (rng() % 4 == 0) {
      EXPECT_EQ(h.Delete(f), model.erase(f) == 1);
    } else {
      std::string v(rng() % 40, 'a' + static_cast<char>(i % 26));
      EXPECT_EQ(h.Set(f, v, lim), model.count(f) == 0);
      model[f] = v;
    }
  }
  EXPECT_EQ(Contents(h), model);
  EXPECT_EQ(h.Length(), model.size());
}

TEST(HashIncrTest, IncrByRules) {
  HashValue h;
  Limits lim;
  EXPECT_EQ(*IncrBy(h, "a", 5, lim), 5);
  EXPECT_EQ(*IncrBy(h, "a", -7, lim), -2);
  h.Set("max", "9223372036854775807", lim);
  EXPECT_EQ(IncrBy(h, "max", 1, lim).status(), OpStatus::kOutOfRange);
  EXPECT_EQ(*IncrBy(h, "max", 0, lim), INT64_MAX);
  h.Set("min", "-9223372036854775808", lim);
  EXPECT_EQ(IncrBy(h, "min", -1, lim).status(), OpStatus::kOutOfRange);
  h.Set("s", "1.5", lim);
  EXPECT_EQ(IncrBy(h, "s", 1, lim).status(), OpStatus::kNotInteger);
  h.Set("lz", "01", lim);
  EXPECT_EQ(IncrBy(h, "lz", 1, lim).status(), OpStatus::kNotInteger);
  EXPECT_EQ(GetOr(h, "lz"), "01");
}

TEST(HashIncrTest, IncrByFloatFormatting) {
  HashValue h;
  Limits lim;
  std::string out;
  auto incr = [&](std::string_view f, long double d) {
    EXPECT_EQ(IncrByFloat(h, f, d, lim, &out), OpStatus::kOk);
    return out;
  };
  EXPECT_EQ(incr("a", 10.5L), "10.5");
  EXPECT_EQ(incr("a", 0.1L), "10.6");
  EXPECT_EQ(incr("b", 5000.0L), "5000");
  EXPECT_EQ(incr("c", 1e-5L), "0.00001");
  EXPECT_EQ(incr("d", -3.0L), "-3");
  h.Set("int", "10", lim);
  EXPECT_EQ(incr("int", 0.5L), "10.5");
  h.Set("bad", "abc", lim);
  EXPECT_EQ(IncrByFloat(h, "bad", 1, lim, &out), OpStatus::kNotFloat);
  h.Set("huge", "1e4932", lim);
  EXPECT_EQ(IncrByFloat(h, "huge", 1e4932L, lim, &out), OpStatus::kIncrNanOrInf);
  // A result longer than hash-max-listpack-value converts the hash.
  EXPECT_TRUE(h.IsListpack());
  incr("e", 1e70L);
  EXPECT_FALSE(h.IsListpack());
}

// ---- HRANDFIELD ----------------------------------------------------------------------------

struct Picks {
  std::vector<std::string> fields;
  std::vector<std::string> values;
};

Picks Pick(const HashValue& h, int64_t count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Picks p;
  RandomFields(h, count, [&] { return rng(); }, [&](const PickedField& f) {
    char b1[24], b2[24];
    p.fields.emplace_back(f.field.View(b1));
    p.values.emplace_back(f.value.View(b2));
  });
  return p;
}

void CheckRandomRules(const HashValue& h) {
  size_t size = h.Length();
  auto contents = Contents(h);
  for (uint64_t seed = 1; seed <= 5; seed++) {
    // Negative count: exactly |count| picks, repeats allowed, values matching fields.
    auto n = static_cast<int64_t>(size + 10);
    Picks neg = Pick(h, -n, seed);
    ASSERT_EQ(neg.fields.size(), static_cast<size_t>(n));
    for (size_t i = 0; i < neg.fields.size(); i++) {
      EXPECT_EQ(contents.at(neg.fields[i]), neg.values[i]);
    }
    EXPECT_LE(std::set<std::string>(neg.fields.begin(), neg.fields.end()).size(), size);
    // Positive count below the size: distinct fields (case 3 and case 4 sizes).
    for (int64_t count : {int64_t{1}, int64_t{2}, static_cast<int64_t>(size / 5),
                          static_cast<int64_t>(size / 2), static_cast<int64_t>(size - 1)}) {
      if (count <= 0) continue;
      Picks p = Pick(h, count, seed);
      ASSERT_EQ(p.fields.size(), static_cast<size_t>(count));
      EXPECT_EQ(std::set<std::string>(p.fields.begin(), p.fields.end()).size(), p.fields.size());
      for (size_t i = 0; i < p.fields.size(); i++) {
        EXPECT_EQ(contents.at(p.fields[i]), p.values[i]);
      }
    }
    // At least the size: the whole hash once.
    Picks all = Pick(h, static_cast<int64_t>(size) + 10, seed);
    EXPECT_EQ(all.fields.size(), size);
    EXPECT_EQ(std::set<std::string>(all.fields.begin(), all.fields.end()).size(), size);
  }
  // Every field is reachable by the single pick.
  std::set<std::string> seen;
  std::mt19937_64 rng(99);
  for (int i = 0; i < 4000 && seen.size() < size; i++) {
    char b[24];
    seen.insert(Str(RandomField(h, [&] { return rng(); }).field.View(b)));
  }
  EXPECT_EQ(seen.size(), size);
}

TEST(HashRandomTest, ListpackCases) {
  HashValue h;
  Limits lim;
  for (int i = 0; i < 40; i++) h.Set("f" + std::to_string(i), std::to_string(i), lim);
  ASSERT_TRUE(h.IsListpack());
  CheckRandomRules(h);
  // Distinct listpack picks keep listpack order (lpRandomPairsUnique).
  Picks p = Pick(h, 10, 3);
  std::vector<int> idx;
  for (const auto& f : p.fields) idx.push_back(std::stoi(f.substr(1)));
  EXPECT_TRUE(std::is_sorted(idx.begin(), idx.end()));
}

TEST(HashRandomTest, TableCases) {
  HashValue h;
  Limits lim{.max_listpack_entries = 0, .max_listpack_value = 64};
  for (int i = 0; i < 300; i++) h.Set("f" + std::to_string(i), std::to_string(i), lim);
  ASSERT_FALSE(h.IsListpack());
  CheckRandomRules(h);
}

// ---- HSCAN -------------------------------------------------------------------------------

TEST(HashScanTest, ListpackReturnsAllWithCursorZero) {
  HashValue h;
  Limits lim;
  h.Set("a", "1", lim);
  h.Set("b", "2", lim);
  size_t n = 0;
  EXPECT_EQ(h.Scan(12345, 1, [&](std::string_view, std::string_view) { n++; }), 0u);
  EXPECT_EQ(n, 2u);
}

// Fields present for the whole scan are returned however the table grows (segments split)
// or shrinks between steps.
TEST(HashScanTest, GuaranteeWhileGrowingAndShrinking) {
  Limits lim{.max_listpack_entries = 0, .max_listpack_value = 64};
  for (int mode = 0; mode < 2; mode++) {
    HashValue h;
    for (int i = 0; i < 2000; i++) h.Set("stable:" + std::to_string(i), "v", lim);
    for (int i = 0; i < 2000; i++) h.Set("churn:" + std::to_string(i), "v", lim);
    std::set<std::string> seen;
    uint64_t cursor = 0;
    int step = 0;
    do {
      cursor = h.Scan(cursor, 10, [&](std::string_view f, std::string_view) { seen.insert(Str(f)); });
      for (int k = 0; k < 200; k++) {
        std::string f = "churn:" + std::to_string(step * 200 + k + (mode == 0 ? 2000 : 0));
        if (mode == 0) {
          h.Set(f, "grow", lim);  // grow: new fields cause splits
        } else {
          h.Delete(f);  // shrink
        }
      }
      step++;
    } while (cursor != 0);
    for (int i = 0; i < 2000; i++) {
      EXPECT_TRUE(seen.count("stable:" + std::to_string(i))) << "mode " << mode << " field " << i;
    }
    EXPECT_GT(step, 5);
  }
}

}  // namespace
}  // namespace duet::hashes
