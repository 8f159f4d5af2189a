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

// A hash key "h" in its own database, changed through one writer per operation (as the
// commands do) so the packed listpack is written back to the entry every time.
class TestHash {
 public:
  TestHash() : db_(0, &ctx_) {}
  template <typename Fn>
  auto With(Fn&& fn) -> decltype(fn(std::declval<HashWriter&>())) {
    HashWriter w;
    EXPECT_EQ(w.Open(db_, "h", true), OpStatus::kOk);
    auto r = fn(w);
    w.Commit();
    return r;
  }
  bool Set(std::string_view f, std::string_view v, const Limits& lim) {
    return With([&](HashWriter& w) { return w.Set(f, v, lim); });
  }
  bool Delete(std::string_view f) {
    return With([&](HashWriter& w) { return w.Delete(f); });
  }
  void TryConversion(std::span<const std::string_view> args, const Limits& lim) {
    With([&](HashWriter& w) {
      w.TryConversion(args, lim);
      return true;
    });
  }
  void ConvertToTable(const Limits& lim) {
    With([&](HashWriter& w) {
      w.ConvertToTable(lim);
      return true;
    });
  }
  // The current hash (an empty listpack view when the key is gone).
  HashView View() {
    Entry* e = db_.Peek("h");
    return e ? HashView(e) : HashView(std::string_view(empty_));
  }
  bool IsListpack() { return View().IsListpack(); }
  size_t Length() { return View().Length(); }
  bool Exists(std::string_view f) { return View().Exists(f); }
  Entry* entry() { return db_.Peek("h"); }
  Db& db() { return db_; }

 private:
  KeyspaceContext ctx_;
  Db db_;
  std::string empty_ = pairs::Empty();
};

std::map<std::string, std::string> Contents(const HashView& h) {
  std::map<std::string, std::string> m;
  h.ForEach([&](std::string_view f, std::string_view v) { m[Str(f)] = Str(v); });
  return m;
}

std::string GetOr(const HashView& h, std::string_view f, std::string_view dflt = "<none>") {
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
  TestHash h;
  Limits lim;
  EXPECT_TRUE(h.IsListpack());
  EXPECT_EQ(h.View().EncodingName(), "listpack");
  EXPECT_TRUE(h.Set("a", "1", lim));
  EXPECT_TRUE(h.Set("b", "x", lim));
  EXPECT_FALSE(h.Set("a", "2", lim));
  EXPECT_EQ(h.Length(), 2u);
  EXPECT_EQ(GetOr(h.View(), "a"), "2");
  EXPECT_EQ(GetOr(h.View(), "b"), "x");
  EXPECT_EQ(GetOr(h.View(), "c"), "<none>");
  EXPECT_TRUE(h.Exists("b"));
  EXPECT_FALSE(h.Exists("2"));  // values are not fields
  EXPECT_TRUE(h.Delete("a"));
  EXPECT_FALSE(h.Delete("a"));
  EXPECT_EQ(h.Length(), 1u);
  EXPECT_TRUE(h.entry()->is_packed());
}

TEST(HashValueTest, ConvertsPastEntryLimit) {
  Limits lim{.max_listpack_entries = 8, .max_listpack_value = 64};
  TestHash h;
  for (int i = 0; i < 8; i++) h.Set("f" + std::to_string(i), std::to_string(i), lim);
  EXPECT_TRUE(h.IsListpack());
  h.Set("f3", "updated", lim);  // an update does not add a field
  EXPECT_TRUE(h.IsListpack());
  h.Set("f8", "8", lim);
  EXPECT_FALSE(h.IsListpack());
  EXPECT_EQ(h.View().EncodingName(), "hashtable");
  EXPECT_EQ(h.Length(), 9u);
  EXPECT_EQ(h.View().value()->FreeEffort(), 9u);
  EXPECT_EQ(GetOr(h.View(), "f3"), "updated");
  EXPECT_EQ(GetOr(h.View(), "f8"), "8");
  // Never back (down to one field; the last one deletes the key).
  for (int i = 0; i < 8; i++) h.Delete("f" + std::to_string(i));
  EXPECT_FALSE(h.IsListpack());
  EXPECT_EQ(h.Length(), 1u);
}

TEST(HashValueTest, ZeroEntryLimitConvertsOnFirstField) {
  Limits lim{.max_listpack_entries = 0, .max_listpack_value = 64};
  TestHash h;
  h.Set("a", "1", lim);
  EXPECT_FALSE(h.IsListpack());
}

TEST(HashValueTest, ValueLengthThreshold) {
  Limits lim{.max_listpack_entries = 512, .max_listpack_value = 4};
  TestHash h;
  h.Set("x", "1", lim);
  std::string_view ok[] = {"abcd", "1234"};
  h.TryConversion(ok, lim);
  EXPECT_TRUE(h.IsListpack());
  std::string_view too_long[] = {"a", "abcde"};
  h.TryConversion(too_long, lim);
  EXPECT_FALSE(h.IsListpack());

  // Set's own check (the HINCRBY* path): a long field or value converts before insertion.
  TestHash g;
  g.Set("abcd", "abcd", lim);
  EXPECT_TRUE(g.IsListpack());
  g.Set("abcd", "12345", lim);
  EXPECT_FALSE(g.IsListpack());
  EXPECT_EQ(GetOr(g.View(), "abcd"), "12345");
  TestHash k;
  k.Set("abcde", "1", lim);
  EXPECT_FALSE(k.IsListpack());
}

TEST(HashValueTest, IntegersInListpackReadAsText) {
  TestHash h;
  Limits lim;
  h.Set("n", "-9223372036854775808", lim);
  h.Set("z", "0", lim);
  h.Set("lead", "007", lim);
  EXPECT_EQ(GetOr(h.View(), "n"), "-9223372036854775808");
  EXPECT_EQ(GetOr(h.View(), "z"), "0");
  EXPECT_EQ(GetOr(h.View(), "lead"), "007");
  h.Set("123", "v", lim);
  EXPECT_EQ(GetOr(h.View(), "123"), "v");
  auto m = Contents(h.View());
  EXPECT_EQ(m["n"], "-9223372036854775808");
}

TEST(HashValueTest, ConversionKeepsEveryField) {
  Limits lim{.max_listpack_entries = 1000, .max_listpack_value = 64};
  TestHash h;
  // 1000 pairs take more than kMaxBigPackedBytes: a FieldTable at once.
  for (int i = 0; i < 1000; i++) h.Set("field:" + std::to_string(i), std::to_string(i * 7), lim);
  auto before = Contents(h.View());
  h.ConvertToTable(lim);
  EXPECT_FALSE(h.IsListpack());
  EXPECT_FALSE(h.entry()->is_packed());
  EXPECT_EQ(EncodingName(*h.entry()), "hashtable");
  EXPECT_EQ(Contents(h.View()), before);
  Entry* copy = Entry::Clone(h.entry(), "c", Entry::kNoExpire);
  EXPECT_EQ(Contents(HashView(copy)), before);
  FieldBlock::Free(static_cast<uint8_t*>(static_cast<HashValue*>(copy->object())
                                             ->table()
                                             .Erase("field:0", FieldTable::Hash("field:0"))));
  EXPECT_EQ(GetOr(h.View(), "field:0"), "0");
  EXPECT_GT(h.entry()->MemoryUsage(), 1000u * 8);
  EXPECT_EQ(HashView(copy).Length(), 999u);
  Entry::Free(copy);
}

// A few short fields and one value over hash-max-listpack-value. Redis converts it to a
// hashtable; duet keeps the pairs in the entry ("big packed") and reports hashtable. (A
// value of 1 KB is split instead: hash_split_test.cc.)
TEST(HashValueTest, BigPackedKeepsLongValueInTheEntry) {
  Limits lim;
  TestHash h;
  std::string data(200, 'x');
  h.Set("name", "job", lim);
  h.Set("data", data, lim);
  h.Set("opts", "{\"attempts\":0}", lim);
  h.Set("timestamp", "1796617102532", lim);
  ASSERT_TRUE(h.entry()->is_packed());
  EXPECT_TRUE(h.entry()->packed_big());
  EXPECT_FALSE(h.IsListpack());
  EXPECT_TRUE(h.View().IsPacked());
  EXPECT_EQ(h.View().EncodingName(), "hashtable");
  EXPECT_EQ(EncodingName(*h.entry()), "hashtable");
  EXPECT_EQ(GetOr(h.View(), "data"), data);
  EXPECT_EQ(GetOr(h.View(), "timestamp"), "1796617102532");
  EXPECT_LE(h.entry()->MemoryUsage(), 320u);  // one block: key + pairs
  // Copies, renames and TTL changes keep the encoding.
  Entry* copy = Entry::Clone(h.entry(), "c", 12345);
  EXPECT_EQ(EncodingName(*copy), "hashtable");
  copy = Entry::WithExpire(copy, Entry::kNoExpire);
  EXPECT_EQ(EncodingName(*copy), "hashtable");
  copy = Entry::WithKey(copy, "d");
  EXPECT_EQ(EncodingName(*copy), "hashtable");
  EXPECT_EQ(Contents(HashView(copy)), Contents(h.View()));
  Entry::Free(copy);
  // Short values again do not convert back.
  h.Set("data", "short", lim);
  h.Delete("opts");
  EXPECT_EQ(EncodingName(*h.entry()), "hashtable");
  EXPECT_TRUE(h.entry()->is_packed());
  EXPECT_EQ(h.Length(), 3u);
  // HINCRBY on a big packed hash.
  EXPECT_EQ(h.With([&](HashWriter& w) { return *IncrBy(w, "atm", 2, lim); }), 2);
  EXPECT_EQ(GetOr(h.View(), "atm"), "2");
  EXPECT_EQ(EncodingName(*h.entry()), "hashtable");
}

TEST(HashValueTest, BigPackedMovesToTablePastItsBounds) {
  // Past kMaxBigPackedBytes.
  Limits lim;
  TestHash h;
  std::map<std::string, std::string> model;
  h.Set("data", std::string(100, 'd'), lim);
  model["data"] = std::string(100, 'd');
  for (int i = 0; h.entry()->is_packed(); i++) {
    ASSERT_LT(i, 200);
    std::string f = "f" + std::to_string(i), v(100, static_cast<char>('a' + i % 26));
    h.Set(f, v, lim);
    model[f] = v;
  }
  EXPECT_EQ(EncodingName(*h.entry()), "hashtable");
  EXPECT_GT(model.size() * 110, kMaxBigPackedBytes);  // value + field + headers per pair
  EXPECT_EQ(Contents(h.View()), model);
  // Past hash-max-listpack-entries.
  Limits small{.max_listpack_entries = 8, .max_listpack_value = 4};
  TestHash g;
  g.Set("long", "12345", small);
  EXPECT_TRUE(g.entry()->is_packed());
  EXPECT_EQ(EncodingName(*g.entry()), "hashtable");
  for (int i = 0; i < 7; i++) g.Set("f" + std::to_string(i), "v", small);
  EXPECT_TRUE(g.entry()->is_packed());
  g.Set("f7", "v", small);
  EXPECT_FALSE(g.entry()->is_packed());
  EXPECT_EQ(EncodingName(*g.entry()), "hashtable");
  EXPECT_EQ(g.Length(), 9u);
  EXPECT_EQ(GetOr(g.View(), "long"), "12345");
}

TEST(HashValueTest, PackedEntryCopiesAndTtl) {
  TestHash h;
  Limits lim;
  h.Set("a", "1", lim);
  ASSERT_TRUE(h.entry()->is_packed());
  EXPECT_EQ(EncodingName(*h.entry()), "listpack");
  Entry* copy = Entry::Clone(h.entry(), "c", 12345);
  EXPECT_TRUE(copy->is_packed());
  EXPECT_EQ(copy->expire_ms(), 12345);
  EXPECT_EQ(GetOr(HashView(copy), "a"), "1");
  Entry::Free(copy);
  // A TTL survives rewrites of the packed listpack, in place and by reallocation.
  h.db().SetExpire(h.db().Find("h"), 1LL << 50);
  h.Set("a", "2", lim);
  for (int i = 0; i < 100; i++) h.Set("f" + std::to_string(i), "value", lim);
  EXPECT_EQ(h.entry()->expire_ms(), 1LL << 50);
  EXPECT_EQ(h.db().expires_size(), 1u);
  EXPECT_EQ(GetOr(h.View(), "a"), "2");
  for (int i = 0; i < 100; i++) h.Delete("f" + std::to_string(i));
  EXPECT_EQ(h.entry()->expire_ms(), 1LL << 50);
  h.Delete("a");
  EXPECT_EQ(h.entry(), nullptr);
  EXPECT_EQ(h.db().expires_size(), 0u);
}

TEST(HashValueTest, TableUpdatesInPlaceAndGrows) {
  Limits lim{.max_listpack_entries = 0, .max_listpack_value = 64};
  TestHash h;
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
  EXPECT_EQ(Contents(h.View()), model);
  EXPECT_EQ(h.Length(), model.size());
}

TEST(HashIncrTest, IncrByRules) {
  TestHash h;
  Limits lim;
  EXPECT_EQ(*h.With([&](HashWriter& w) { return IncrBy(w, "a", 5, lim); }), 5);
  EXPECT_EQ(*h.With([&](HashWriter& w) { return IncrBy(w, "a", -7, lim); }), -2);
  h.Set("max", "9223372036854775807", lim);
  EXPECT_EQ(h.With([&](HashWriter& w) { return IncrBy(w, "max", 1, lim); }).status(),
            OpStatus::kOutOfRange);
  EXPECT_EQ(*h.With([&](HashWriter& w) { return IncrBy(w, "max", 0, lim); }), INT64_MAX);
  h.Set("min", "-9223372036854775808", lim);
  EXPECT_EQ(h.With([&](HashWriter& w) { return IncrBy(w, "min", -1, lim); }).status(),
            OpStatus::kOutOfRange);
  h.Set("s", "1.5", lim);
  EXPECT_EQ(h.With([&](HashWriter& w) { return IncrBy(w, "s", 1, lim); }).status(),
            OpStatus::kNotInteger);
  h.Set("lz", "01", lim);
  EXPECT_EQ(h.With([&](HashWriter& w) { return IncrBy(w, "lz", 1, lim); }).status(),
            OpStatus::kNotInteger);
  EXPECT_EQ(GetOr(h.View(), "lz"), "01");
}

TEST(HashIncrTest, IncrByFloatFormatting) {
  TestHash h;
  Limits lim;
  std::string out;
  auto incr = [&](std::string_view f, long double d) {
    EXPECT_EQ(h.With([&](HashWriter& w) { return IncrByFloat(w, f, d, lim, &out); }),
              OpStatus::kOk);
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
  EXPECT_EQ(h.With([&](HashWriter& w) { return IncrByFloat(w, "bad", 1, lim, &out); }),
            OpStatus::kNotFloat);
  h.Set("huge", "1e4932", lim);
  EXPECT_EQ(h.With([&](HashWriter& w) { return IncrByFloat(w, "huge", 1e4932L, lim, &out); }),
            OpStatus::kIncrNanOrInf);
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

Picks Pick(const HashView& h, int64_t count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Picks p;
  RandomFields(
      h, count, [&] { return rng(); },
      [&](const PickedField& f) {
        char b1[24], b2[24];
        p.fields.emplace_back(f.field.View(b1));
        p.values.emplace_back(f.value.View(b2));
      });
  return p;
}

void CheckRandomRules(const HashView& h) {
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
  TestHash h;
  Limits lim;
  for (int i = 0; i < 40; i++) h.Set("f" + std::to_string(i), std::to_string(i), lim);
  ASSERT_TRUE(h.IsListpack());
  CheckRandomRules(h.View());
  // Distinct listpack picks keep listpack order (lpRandomPairsUnique).
  Picks p = Pick(h.View(), 10, 3);
  std::vector<int> idx;
  for (const auto& f : p.fields) idx.push_back(std::stoi(f.substr(1)));
  EXPECT_TRUE(std::is_sorted(idx.begin(), idx.end()));
}

TEST(HashRandomTest, TableCases) {
  TestHash h;
  Limits lim{.max_listpack_entries = 0, .max_listpack_value = 64};
  for (int i = 0; i < 300; i++) h.Set("f" + std::to_string(i), std::to_string(i), lim);
  ASSERT_FALSE(h.IsListpack());
  CheckRandomRules(h.View());
}

// ---- HSCAN -------------------------------------------------------------------------------

TEST(HashScanTest, ListpackReturnsAllWithCursorZero) {
  TestHash h;
  Limits lim;
  h.Set("a", "1", lim);
  h.Set("b", "2", lim);
  size_t n = 0;
  EXPECT_EQ(h.View().Scan(12345, 1, [&](std::string_view, std::string_view) { n++; }), 0u);
  EXPECT_EQ(n, 2u);
}

// Fields present for the whole scan are returned however the table grows (segments split)
// or shrinks between steps.
TEST(HashScanTest, GuaranteeWhileGrowingAndShrinking) {
  Limits lim{.max_listpack_entries = 0, .max_listpack_value = 64};
  for (int mode = 0; mode < 2; mode++) {
    TestHash h;
    for (int i = 0; i < 2000; i++) h.Set("stable:" + std::to_string(i), "v", lim);
    for (int i = 0; i < 2000; i++) h.Set("churn:" + std::to_string(i), "v", lim);
    std::set<std::string> seen;
    uint64_t cursor = 0;
    int step = 0;
    do {
      size_t returned = 0;
      cursor = h.View().Scan(cursor, 10, [&](std::string_view f, std::string_view) {
        seen.insert(Str(f));
        returned++;
      });
      // About COUNT per call, as Redis (not a whole table segment of ~60-100).
      if (cursor != 0) EXPECT_GE(returned, 10u);
      EXPECT_LE(returned, 40u);
      // COUNT 10 per call and 15 changes between calls: a scan that changes more per call
      // than it returns never ends (in Redis too), so churn stays of COUNT's order.
      for (int k = 0; k < 15; k++) {
        std::string f = "churn:" + std::to_string(step * 15 + k + (mode == 0 ? 2000 : 0));
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
