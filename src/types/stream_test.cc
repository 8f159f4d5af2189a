#include "types/stream.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "types/stream_group.h"

namespace duet::stream {
namespace {

std::vector<std::string> Ids(const StreamValue& s, StreamID a, StreamID b, bool rev,
                             size_t count = 0) {
  std::vector<std::string> out;
  s.Range(a, b, rev, count, [&](const EntryView& e) {
    out.push_back(e.id.ToString());
    return true;
  });
  return out;
}

TEST(StreamIdTest, ParseAsRedis) {
  StreamID id;
  bool seq_given = true;
  EXPECT_TRUE(ParseID("5", 7, false, &id));
  EXPECT_EQ(id, (StreamID{5, 7}));
  EXPECT_TRUE(ParseID("5-*", 0, true, &id, &seq_given));
  EXPECT_FALSE(seq_given);
  EXPECT_FALSE(ParseID("5-*", 0, true, &id));  // only XADD may use ms-*
  EXPECT_FALSE(ParseID("-", 0, true, &id));
  EXPECT_TRUE(ParseID("+", 0, false, &id));
  EXPECT_EQ(id, StreamID::Max());
  EXPECT_FALSE(ParseID("-1", 0, false, &id));
  EXPECT_FALSE(ParseID("18446744073709551616", 0, false, &id));
  EXPECT_TRUE(ParseID("18446744073709551615-18446744073709551615", 0, false, &id));
  EXPECT_EQ(id, StreamID::Max());
  EXPECT_TRUE(ParseID("+7", 0, false, &id));  // strtoull's leniency, as string2ull
  EXPECT_EQ(id.ms, 7u);
  EXPECT_FALSE(ParseID("1-2-3", 0, false, &id));
  StreamID max = StreamID::Max();
  EXPECT_FALSE(max.Incr());
  EXPECT_TRUE(max.IsZero());
  StreamID zero;
  EXPECT_FALSE(zero.Decr());
}

TEST(StreamIdTest, FormatsAsMsDashSeq) {
  EXPECT_EQ((StreamID{0, 0}).ToString(), "0-0");
  EXPECT_EQ((StreamID{1700000000123, 7}).ToString(), "1700000000123-7");
  EXPECT_EQ((StreamID{10, 100}).ToString(), "10-100");
  EXPECT_EQ(StreamID::Max().ToString(), "18446744073709551615-18446744073709551615");
  char buf[StreamID::kMaxFormatted];
  EXPECT_EQ(StreamID::Max().Format(buf), StreamID::kMaxFormatted);
}

TEST(StreamValueTest, AppendRangeDeleteAcrossNodes) {
  StreamValue s;
  NodeLimits limits{4096, 3};
  std::vector<std::string_view> fv = {"f", "v", "g", "w"};
  for (uint64_t i = 1; i <= 10; i++) s.Append(StreamID{i, 0}, fv, limits);
  EXPECT_EQ(s.length(), 10u);
  EXPECT_EQ(s.NodeCount(), 4u);
  EXPECT_EQ(Ids(s, StreamID{3, 0}, StreamID{5, 0}, false),
            (std::vector<std::string>{"3-0", "4-0", "5-0"}));
  EXPECT_EQ(Ids(s, StreamID{3, 0}, StreamID{5, 0}, true),
            (std::vector<std::string>{"5-0", "4-0", "3-0"}));
  EXPECT_EQ(Ids(s, StreamID{}, StreamID::Max(), true, 2),
            (std::vector<std::string>{"10-0", "9-0"}));
  EXPECT_TRUE(s.Delete(StreamID{4, 0}));
  EXPECT_FALSE(s.Delete(StreamID{4, 0}));
  EXPECT_EQ(Ids(s, StreamID{3, 0}, StreamID{5, 0}, false),
            (std::vector<std::string>{"3-0", "5-0"}));
  // Deleting every entry of a node drops the node.
  EXPECT_TRUE(s.Delete(StreamID{5, 0}));
  EXPECT_TRUE(s.Delete(StreamID{6, 0}));
  EXPECT_EQ(s.NodeCount(), 3u);
  EXPECT_TRUE(s.Delete(StreamID{1, 0}));
  EXPECT_EQ(s.first_id(), (StreamID{2, 0}));
  std::optional<EntryView> e = s.Get(StreamID{7, 0});
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->fv, (std::vector<std::string_view>{"f", "v", "g", "w"}));
}

TEST(StreamValueTest, DifferentFieldsAndTrim) {
  StreamValue s;
  NodeLimits limits{4096, 100};
  std::vector<std::string_view> a = {"x", "1"};
  std::vector<std::string_view> b = {"y", "2", "z", "3"};
  for (uint64_t i = 1; i <= 250; i++) s.Append(StreamID{1000, i}, i % 2 ? a : b, limits);
  EXPECT_EQ(s.NodeCount(), 3u);
  std::optional<EntryView> e = s.Get(StreamID{1000, 2});
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->fv, b);
  TrimArgs approx{.strategy = TrimArgs::kMaxLen, .approx = true, .maxlen = 120};
  EXPECT_EQ(s.Trim(approx), 100);  // only whole nodes
  EXPECT_EQ(s.length(), 150u);
  TrimArgs exact{.strategy = TrimArgs::kMaxLen, .maxlen = 120};
  EXPECT_EQ(s.Trim(exact), 30);
  EXPECT_EQ(s.first_id(), (StreamID{1000, 131}));
  TrimArgs minid{.strategy = TrimArgs::kMinId, .minid = StreamID{1000, 200}};
  EXPECT_EQ(s.Trim(minid), 69);
  EXPECT_EQ(s.length(), 51u);
}

TEST(StreamValueTest, CloneCopiesGroups) {
  StreamValue s;
  std::vector<std::string_view> fv = {"f", "v"};
  s.Append(StreamID{1, 1}, fv, NodeLimits{});
  StreamGroup* g = s.CreateGroup("g", StreamID{}, 0);
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(s.CreateGroup("g", StreamID{}, 0), nullptr);
  StreamConsumer* c = g->ConsumerFor("c", 100);
  g->Deliver(StreamID{1, 1}, c, 100);
  std::unique_ptr<StreamValue> copy(static_cast<StreamValue*>(s.Clone()));
  StreamGroup* g2 = copy->FindGroup("g");
  ASSERT_NE(g2, nullptr);
  EXPECT_EQ(g2->pel.size(), 1u);
  EXPECT_EQ(g2->FindConsumer("c")->pel.size(), 1u);
  EXPECT_TRUE(g2->Ack(StreamID{1, 1}));
  EXPECT_EQ(g->pel.size(), 1u);
  EXPECT_EQ(g->DeleteConsumer("c"), 1);
  EXPECT_TRUE(g->pel.empty());
}

// Large PELs (multi-level trees): deliveries to two consumers, re-deliveries that move NACKs
// between them, acks and a consumer deletion keep the group PEL equal to the union of the
// consumers' PELs, each NACK listed under its owner.
TEST(StreamValueTest, LargePelsStayConsistent) {
  StreamValue s;
  StreamGroup* g = s.CreateGroup("g", StreamID{}, 0);
  StreamConsumer* a = g->ConsumerFor("a", 1);
  StreamConsumer* b = g->ConsumerFor("b", 1);
  const uint64_t kN = 5000;
  for (uint64_t i = 1; i <= kN; i++) g->Deliver(StreamID{i, 0}, i % 2 ? a : b, 10);
  for (uint64_t i = 1; i <= kN; i += 3) g->Deliver(StreamID{i, 0}, a, 20);  // some move to a
  size_t acked = 0;
  for (uint64_t i = 1; i <= kN; i += 7) acked += g->Ack(StreamID{i, 0}) ? 1 : 0;
  EXPECT_FALSE(g->Ack(StreamID{1, 0}));
  EXPECT_EQ(g->pel.size(), kN - acked);
  EXPECT_EQ(a->pel.size() + b->pel.size(), g->pel.size());
  for (const auto& [id, nack] : g->pel) {
    StreamConsumer* owner = nack->consumer;
    ASSERT_TRUE(owner == a || owner == b);
    ASSERT_TRUE(owner->pel.contains(id));
    ASSERT_EQ(nack, owner->pel.find(id)->second);
    ASSERT_EQ(nack->delivery_time, id.ms % 3 == 1 ? 20 : 10);
  }
  int64_t b_had = static_cast<int64_t>(b->pel.size());
  EXPECT_EQ(g->DeleteConsumer("b"), b_had);
  EXPECT_EQ(g->pel.size(), a->pel.size());
  std::unique_ptr<StreamValue> copy(static_cast<StreamValue*>(s.Clone()));
  EXPECT_EQ(copy->FindGroup("g")->pel.size(), a->pel.size());
  EXPECT_EQ(copy->FindGroup("g")->FindConsumer("a")->pel.size(), a->pel.size());
}

// An ms delta too big for the entry head's 62 bits is escaped, so the entry stays in its
// node as in Redis's listpack (which stores the delta as a wrapped 64-bit integer).
TEST(StreamValueTest, HugeMsDeltaStaysInTheNode) {
  StreamValue s;
  std::vector<std::string_view> fv = {"f", "v"};
  s.Append(StreamID{1, 1}, fv, NodeLimits{});
  s.Append(StreamID{(uint64_t{1} << 62) + 1, 0}, fv, NodeLimits{});
  s.Append(StreamID{UINT64_MAX - 1, 5}, fv, NodeLimits{});
  EXPECT_EQ(s.NodeCount(), 1u);
  EXPECT_EQ(Ids(s, StreamID{}, StreamID::Max(), false),
            (std::vector<std::string>{"1-1", "4611686018427387905-0", "18446744073709551614-5"}));
  EXPECT_EQ(Ids(s, StreamID{}, StreamID::Max(), true, 1),
            (std::vector<std::string>{"18446744073709551614-5"}));
  EXPECT_TRUE(s.Delete(StreamID{(uint64_t{1} << 62) + 1, 0}));
  EXPECT_EQ(Ids(s, StreamID{}, StreamID::Max(), false),
            (std::vector<std::string>{"1-1", "18446744073709551614-5"}));
  std::vector<StreamID> stored;
  s.ForEachNodeEntry(0, [&](const StreamValue::NodeEntry& e) { stored.push_back(e.id); });
  EXPECT_EQ(stored.size(), 3u);
}

// Nodes rebuilt by a loader keep their boundaries and tombstones; a node left with no live
// entry is dropped.
TEST(StreamValueTest, LoadedNodesAsSaved) {
  StreamValue s;
  std::vector<std::string_view> master = {"a", "b"};
  std::vector<std::string_view> fv = {"a", "1", "b", "2"};
  std::vector<std::string_view> other = {"x", "y"};
  s.BeginLoadedNode(StreamID{1, 0}, master);
  s.AddLoadedEntry(StreamID{1, 0}, true, true, fv);
  s.AddLoadedEntry(StreamID{1, 1}, false, true, fv);
  s.AddLoadedEntry(StreamID{2, 0}, false, false, other);
  s.EndLoadedNode();
  s.BeginLoadedNode(StreamID{3, 0}, master);
  s.AddLoadedEntry(StreamID{3, 0}, true, true, fv);
  s.EndLoadedNode();
  s.BeginLoadedNode(StreamID{4, 0}, other);
  s.AddLoadedEntry(StreamID{4, 0}, false, true, other);
  s.EndLoadedNode();
  s.SetMeta(StreamID{9, 9}, StreamID{3, 0}, 7);
  EXPECT_EQ(s.NodeCount(), 2u);
  EXPECT_EQ(s.length(), 3u);
  EXPECT_EQ(s.first_id(), (StreamID{1, 1}));
  EXPECT_EQ(Ids(s, StreamID{}, StreamID::Max(), false),
            (std::vector<std::string>{"1-1", "2-0", "4-0"}));
  EXPECT_EQ(s.node(0).deleted, 1u);
  EXPECT_EQ(s.node(0).live, 2u);
  std::vector<std::string_view> mf;
  s.NodeMasterFields(0, &mf);
  EXPECT_EQ(mf, master);
  std::vector<bool> same;
  s.ForEachNodeEntry(0, [&](const StreamValue::NodeEntry& e) { same.push_back(e.same_fields); });
  EXPECT_EQ(same, (std::vector<bool>{true, true, false}));
}

}  // namespace
}  // namespace duet::stream
