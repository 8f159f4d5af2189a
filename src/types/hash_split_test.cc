// Unit tests of SplitHashValue: size classes, when a hash splits, reads and edits through
// HashView/HashWriter, copies, and the memory a BullMQ-shaped job takes.
#include "types/hash_split.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "types/hash_type.h"

namespace duet::hashes {
namespace {

TEST(HashSplitTest, SizeClassesAreJemallocs) {
  EXPECT_EQ(SizeClass(1), 8u);
  EXPECT_EQ(SizeClass(9), 16u);
  EXPECT_EQ(SizeClass(128), 128u);
  EXPECT_EQ(SizeClass(129), 160u);
  EXPECT_EQ(SizeClass(1024), 1024u);
  EXPECT_EQ(SizeClass(1025), 1280u);
  EXPECT_EQ(SizeClass(1129), 1280u);
  EXPECT_EQ(SizeClass(5000), 5120u);
}

std::string JobPairs(size_t data_len) {
  std::string p = pairs::Empty();
  pairs::AppendPair(&p, "name", "job");
  pairs::AppendPair(&p, "data", std::string(data_len, 'x'));
  pairs::AppendPair(&p, "opts", "{\"attempts\":0}");
  pairs::AppendPair(&p, "priority", "0");
  pairs::AppendPair(&p, "timestamp", "1796617102532");
  pairs::AppendPair(&p, "delay", "0");
  return p;
}

std::map<std::string, std::string> Contents(const HashView& h) {
  std::map<std::string, std::string> m;
  h.ForEach([&](std::string_view f, std::string_view v) { m[std::string(f)] = std::string(v); });
  return m;
}

TEST(HashSplitTest, SplitsOnlyWhenItSaves) {
  EXPECT_EQ(SplitHashValue::TrySplit(JobPairs(100), 16), nullptr);  // value too short
  std::string p = JobPairs(1038);
  SplitHashValue* s = SplitHashValue::TrySplit(p, 16);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->head().size(), 1024u);
  EXPECT_EQ(s->Join(), p);
  EXPECT_LE(s->MemoryUsage(), 1024u + 128u);
  auto* copy = static_cast<SplitHashValue*>(s->Clone());
  EXPECT_EQ(copy->Join(), p);
  delete copy;
  delete s;
  // 1,280 bytes of pairs fill their class exactly: nothing to save.
  std::string exact = pairs::Empty();
  pairs::AppendPair(&exact, "d", std::string(1280 - 16 - 2 - 2 - 5, 'y'));
  EXPECT_EQ(SplitHashValue::TrySplit(exact, 16), nullptr);
}

TEST(HashSplitTest, ReadsAndEditsThroughTheHashApi) {
  KeyspaceContext ctx;
  Db db(0, &ctx);
  Limits lim;
  std::string data(1038, 'x');
  data[0] = 'A';
  data[1037] = 'Z';
  {
    HashWriter w;
    ASSERT_EQ(w.Open(db, "bull:q:1", true), OpStatus::kOk);
    w.Set("name", "job", lim);
    std::string_view args[] = {"data", data};
    w.TryConversion(args, lim);
    w.Set("data", data, lim);
    w.Set("timestamp", "1796617102532", lim);
    w.Commit();
  }
  Entry* e = db.Peek("bull:q:1");
  ASSERT_NE(e, nullptr);
  EXPECT_FALSE(e->is_packed());
  EXPECT_NE(dynamic_cast<SplitHashValue*>(e->object()), nullptr);
  EXPECT_EQ(EncodingName(*e), "hashtable");
  EXPECT_LE(e->MemoryUsage(), 32u + 1024u + 96u);  // entry, head, pairs
  HashView h(e);
  EXPECT_FALSE(h.IsListpack());
  EXPECT_EQ(h.Length(), 3u);
  NumBuf num;
  EXPECT_EQ(*h.Get("data", num), data);
  EXPECT_EQ(*h.Get("timestamp", num), "1796617102532");
  EXPECT_TRUE(h.Exists("name"));
  std::map<std::string, std::string> want = {
      {"name", "job"}, {"data", data}, {"timestamp", "1796617102532"}};
  EXPECT_EQ(Contents(h), want);
  // HRANDFIELD's picks join the value too.
  size_t seen = 0;
  RandomFields(
      h, -20, [] { return 1; },
      [&](const PickedField& p) {
        char b1[24], b2[24];
        EXPECT_EQ(want[std::string(p.field.View(b1))], p.value.View(b2));
        seen++;
      });
  EXPECT_EQ(seen, 20u);
  // Copies keep the representation.
  Entry* copy = Entry::Clone(e, "c", Entry::kNoExpire);
  EXPECT_EQ(Contents(HashView(copy)), want);
  Entry::Free(copy);
  // Edits: a new field, then the long value shortened (back to one block, still hashtable).
  {
    HashWriter w;
    ASSERT_EQ(w.Open(db, "bull:q:1", false), OpStatus::kOk);
    EXPECT_EQ(*w.Get("data", num), data);
    EXPECT_TRUE(w.Set("processedOn", "1796617102999", lim));
    w.Commit();
  }
  want["processedOn"] = "1796617102999";
  EXPECT_EQ(Contents(HashView(db.Peek("bull:q:1"))), want);
  EXPECT_FALSE(db.Peek("bull:q:1")->is_packed());
  {
    HashWriter w;
    ASSERT_EQ(w.Open(db, "bull:q:1", false), OpStatus::kOk);
    w.Set("data", "short", lim);
    w.Commit();
  }
  want["data"] = "short";
  e = db.Peek("bull:q:1");
  EXPECT_TRUE(e->is_packed());
  EXPECT_EQ(EncodingName(*e), "hashtable");
  EXPECT_EQ(Contents(HashView(e)), want);
  // Past the bounds: a FieldTable.
  {
    HashWriter w;
    ASSERT_EQ(w.Open(db, "bull:q:1", false), OpStatus::kOk);
    w.Set("data", std::string(9000, 'q'), lim);
    w.Commit();
  }
  e = db.Peek("bull:q:1");
  EXPECT_NE(HashView(e).value(), nullptr);
  EXPECT_EQ(HashView(e).Length(), 4u);
}

}  // namespace
}  // namespace duet::hashes
