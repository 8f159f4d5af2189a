// Big keys in a background snapshot: a collection's record written in many steps is the
// one-step record byte for byte, and the snapshot keeps other records out of it while it is
// in progress (the side buffer), queues big keys the cursor meets or a writer asks for, and
// finishes a job at once when a writer cannot wait.
#include "persistence/snapshot.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "persistence/aof_manifest.h"
#include "persistence/aof_rewrite_writer.h"
#include "persistence/rdb_encoder.h"
#include "persistence/rdb_object.h"
#include "server/test_harness.h"

namespace duet::rdb {
namespace {

constexpr int kMembers = 100000;

// One command with `n` generated element arguments after `head`.
void RunBig(TestServer& t, std::vector<std::string> head, int n,
            const std::function<void(int, std::vector<std::string>*)>& add) {
  for (int i = 0; i < n; i++) add(i, &head);
  std::string reply = t.RunStrings(head);
  ASSERT_NE(reply[0], '-') << reply;
}

void FillBigKeys(TestServer& t) {
  RunBig(t, {"RPUSH", "list"}, kMembers,
         [](int i, auto* a) { a->push_back("element-" + std::to_string(i)); });
  RunBig(t, {"HSET", "hash"}, kMembers, [](int i, auto* a) {
    a->push_back("field-" + std::to_string(i));
    a->push_back(std::to_string(i * 7));
  });
  RunBig(t, {"SADD", "set"}, kMembers,
         [](int i, auto* a) { a->push_back("member-" + std::to_string(i)); });
  RunBig(t, {"ZADD", "zset"}, kMembers, [](int i, auto* a) {
    a->push_back(std::to_string(i % 1000) + ".5");
    a->push_back("m" + std::to_string(i));
  });
  for (int i = 1; i <= kMembers; i++) {
    t.RunStrings({"XADD", "stream", "1-" + std::to_string(i), "f", std::to_string(i)});
  }
  t.Run({"XGROUP", "CREATE", "stream", "g1", "0"});
  t.Run({"XGROUP", "CREATE", "stream", "g2", "0"});
  t.Run({"XREADGROUP", "GROUP", "g1", "alice", "COUNT", "30000", "STREAMS", "stream", ">"});
  t.Run({"XREADGROUP", "GROUP", "g1", "bob", "COUNT", "20000", "STREAMS", "stream", ">"});
  t.Run({"XREADGROUP", "GROUP", "g2", "carol", "COUNT", "5", "STREAMS", "stream", ">"});
}

const Entry& EntryOf(TestServer& t, std::string_view key) {
  return *t.server().keyspace().db(0).PeekStored(key);
}

TEST(ObjectWriter, ManyStepsGiveTheOneStepBytes) {
  TestServer t;
  FillBigKeys(t);
  for (std::string_view key : {"list", "hash", "set", "zset", "stream"}) {
    const Entry& e = EntryOf(t, key);
    EXPECT_GE(EncodeWeight(e), static_cast<size_t>(kMembers)) << key;
    RdbEncoder whole(true);
    SaveObject(whole, e);
    RdbEncoder stepped(true);
    ObjectWriter w(e);
    int steps = 1;
    while (!w.Step(stepped, 997)) steps++;
    EXPECT_GT(steps, 50) << key;
    EXPECT_EQ(stepped.buffer(), whole.buffer()) << key;
  }
  t.Run({"SET", "str", "a string value"});
  for (std::string_view key : {"str"}) {
    RdbEncoder whole(true), stepped(true);
    SaveObject(whole, EntryOf(t, key));
    EXPECT_TRUE(ObjectWriter(EntryOf(t, key)).Step(stepped, 1));
    EXPECT_EQ(stepped.buffer(), whole.buffer());
    EXPECT_EQ(EncodeWeight(EntryOf(t, key)), 0u);
  }
}

class SnapshotJobsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/duet-snapjobs-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    unlink((dir_ + "/dump.rdb").c_str());
    unlink((dir_ + "/tmp.rdb").c_str());
    rmdir(dir_.c_str());
  }
  std::unique_ptr<Snapshot> Start(TestServer& t, bool commands = false) {
    Snapshot::Options o;
    o.save = SaveOptionsFor(t.config(), t.clock().NowMs(), 0);
    o.tmp_path = dir_ + "/tmp.rdb";
    o.final_path = dir_ + "/dump.rdb";
    o.job_step_units = 1000;
    o.commands = commands;
    std::unique_ptr<Snapshot> s;
    EXPECT_TRUE(Snapshot::Start(t.server().keyspace(), o, MonotonicNowUs(), &s).ok());
    return s;
  }
  void Finish(Snapshot& s) {
    s.Drain();
    for (int i = 0; i < 20000 && !s.done(); i++) usleep(1000);
    ASSERT_TRUE(s.done());
    ASSERT_TRUE(s.result().ok()) << s.result().message();
  }
  std::string Digest(TestServer& t, std::string_view key) {
    return t.Run({"DEBUG", "DIGEST-VALUE", key});
  }
  // The big keys, 200 small ones and a key in database 2; returns the big keys' digests.
  std::vector<std::string> FillMixed(TestServer& t) {
    FillBigKeys(t);
    for (int i = 0; i < 200; i++) t.RunStrings({"SET", "k" + std::to_string(i), "v"});
    t.Run({"SELECT", "2"});
    t.Run({"SET", "other-db", "old"});
    t.Run({"SELECT", "0"});
    std::vector<std::string> digests;
    for (const std::string& k : keys_) digests.push_back(Digest(t, k));
    return digests;
  }
  // Changes k1 and database 2's key, captured first.
  void ChangeSmallKeys(TestServer& t, Snapshot& s) {
    s.BeforeWrite(0, "k1");
    t.Run({"SET", "k1", "new"});
    s.BeforeWrite(2, "other-db");
    t.Run({"SELECT", "2"});
    t.Run({"SET", "other-db", "new"});
    t.Run({"SELECT", "0"});
  }
  // What FillMixed left, in a loaded copy.
  void ExpectFilled(TestServer& loaded, const std::vector<std::string>& digests) {
    loaded.Run({"SELECT", "0"});
    for (size_t i = 0; i < keys_.size(); i++) {
      EXPECT_EQ(Digest(loaded, keys_[i]), digests[i]) << keys_[i];
    }
    EXPECT_EQ(loaded.Run({"DBSIZE"}), ":205\r\n");
    EXPECT_EQ(loaded.Run({"GET", "k1"}), "$1\r\nv\r\n");
    loaded.Run({"SELECT", "2"});
    EXPECT_EQ(loaded.Run({"GET", "other-db"}), "$3\r\nold\r\n");
  }
  const std::vector<std::string> keys_ = {"list", "hash", "set", "zset", "stream"};
  std::string dir_;
};

TEST_F(SnapshotJobsTest, BigKeysAreWrittenInStepsAndKeepTheirStartValues) {
  TestServer t;
  std::vector<std::string> before = FillMixed(t);

  std::unique_ptr<Snapshot> s = Start(t);
  // A writer asks for the list before the cursor reached it: its record is queued.
  EXPECT_TRUE(s->WriteMustWait(0, "list"));
  EXPECT_TRUE(s->has_jobs());
  EXPECT_FALSE(s->WriteMustWait(0, "k1"));                 // small: goes ahead after BeforeWrite
  EXPECT_FALSE(s->Step(MonotonicNowUs(), INT64_MAX / 2));  // one step of the list's record
  EXPECT_TRUE(s->WriteMustWait(0, "list"));
  // Records encoded meanwhile wait behind it: a small key, another database's key, and a
  // big key whose writer cannot wait (encoded whole now, as before).
  ChangeSmallKeys(t, *s);
  s->BeforeWrite(0, "hash");
  t.Run({"HSET", "hash", "field-1", "changed", "added", "1"});
  for (int i = 0; i < 10; i++) EXPECT_FALSE(s->Step(MonotonicNowUs(), INT64_MAX / 2));
  // A writer that cannot wait for the list finishes its record at once.
  uint64_t jobs = s->jobs_done();
  s->BeforeWrite(0, "list");
  EXPECT_EQ(s->jobs_done(), jobs + 1);
  EXPECT_FALSE(s->WriteMustWait(0, "list"));
  t.Run({"RPUSH", "list", "late"});
  t.Run({"LPOP", "list", "10"});
  // The cursor meets the zset, set and stream and writes them in steps too; the zset
  // changes once its record is done.
  jobs = s->jobs_done();
  int steps = 0;
  while (!s->Step(MonotonicNowUs(), INT64_MAX / 2)) steps++;
  EXPECT_EQ(s->jobs_done(), jobs + 3);
  EXPECT_GT(steps, 3 * kMembers / 1000);
  t.Run({"ZADD", "zset", "1", "new-member"});
  Finish(*s);

  TestServer loaded;
  LoadOptions lo;
  lo.now_ms = loaded.clock().NowMs();
  LoadStats stats;
  bool missing = false;
  ASSERT_TRUE(LoadFromFile(dir_ + "/dump.rdb", loaded.server().keyspace(), loaded.config(), lo,
                           &stats, &missing)
                  .ok());
  ExpectFilled(loaded, before);
}

TEST_F(SnapshotJobsTest, AKeyAWriterWaitsForGoesFirst) {
  TestServer t;
  FillBigKeys(t);
  std::unique_ptr<Snapshot> s = Start(t);
  // The cursor meets the five big keys (one table segment) and starts the first one's record.
  EXPECT_FALSE(s->Step(MonotonicNowUs(), INT64_MAX / 2));
  EXPECT_EQ(s->jobs_done(), 0u);
  EXPECT_TRUE(s->WriteMustWait(0, "stream"));
  while (s->jobs_done() < 2) EXPECT_FALSE(s->Step(MonotonicNowUs(), INT64_MAX / 2));
  // The stream was the first or went next.
  EXPECT_FALSE(s->WriteMustWait(0, "stream"));
  int waiting = 0;
  for (std::string_view key : {"list", "hash", "set", "zset"}) waiting += s->WriteMustWait(0, key);
  EXPECT_EQ(waiting, 3);
  Finish(*s);
}

TEST(KeyCommandsWriter, ManyStepsGiveTheOneStepCommands) {
  TestServer t;
  FillBigKeys(t);
  t.Run({"PEXPIRE", "zset", "100000000"});
  for (std::string_view key : {"list", "hash", "set", "zset", "stream"}) {
    const Entry& e = EntryOf(t, key);
    std::string whole, stepped;
    aof::AppendKeyCommands(e, &whole);
    aof::KeyCommandsWriter w(e);
    int steps = 1;
    while (!w.Step(&stepped, 997)) steps++;
    EXPECT_GT(steps, std::string_view(key) == "stream" ? 0 : 50) << key;
    EXPECT_EQ(stepped, whole) << key;
  }
}

TEST_F(SnapshotJobsTest, TheCommandsFormWritesBigKeysInStepsToo) {
  TestServer t;
  std::vector<std::string> before = FillMixed(t);

  std::unique_ptr<Snapshot> s = Start(t, /*commands=*/true);
  EXPECT_TRUE(s->WriteMustWait(0, "list"));
  EXPECT_FALSE(s->Step(MonotonicNowUs(), INT64_MAX / 2));  // a part of the list's RPUSHes
  // Other keys' commands wait behind it, a SELECT of another database among them.
  ChangeSmallKeys(t, *s);
  s->BeforeWrite(0, "k2");
  t.Run({"DEL", "k2"});
  int steps = 0;
  while (!s->Step(MonotonicNowUs(), INT64_MAX / 2)) steps++;
  EXPECT_GT(steps, 3 * kMembers / 1000);
  t.Run({"RPUSH", "list", "late"});
  Finish(*s);

  std::ifstream in(dir_ + "/dump.rdb", std::ios::binary);
  std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  TestServer loaded;
  aof::CommandReader reader(file.data(), file.size());
  std::vector<std::string_view> argv;
  while (reader.Next(&argv) == aof::CommandReader::Result::kCommand) {
    std::string reply = loaded.Run(argv);
    ASSERT_NE(reply[0], '-') << argv[0] << ": " << reply;
  }
  EXPECT_EQ(loaded.Run({"GET", "k2"}), "$1\r\nv\r\n");
  ExpectFilled(loaded, before);
}

}  // namespace
}  // namespace duet::rdb
