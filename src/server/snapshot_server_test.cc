// Background snapshots through the real dispatcher: the image is the dataset of the moment
// BGSAVE ran, whatever the writes during the save did.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "server/test_harness.h"

namespace duet {
namespace {

class SnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/duet-snapshot-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    tmp_.path = dir_;
    t_.config().dbfilename = dir_ + "/dump.rdb";
    t_.config().save_params.clear();  // FLUSHALL would save
  }
  // Runs the save to its end (the event loop's slices and the writer thread); fails loudly
  // after 20 s.
  void WaitSaved() {
    for (int i = 0; i < 20000; i++) {
      t_.server().SnapshotTick();
      if (t_.server().snapshot_purpose() == Server::SnapshotPurpose::kNone) return;
      usleep(1000);
    }
    FAIL() << "the background save did not finish";
  }
  // The saved file loaded into a fresh server.
  void Load(TestServer& into) {
    into.config().dbfilename = dir_ + "/dump.rdb";
    ASSERT_TRUE(into.server().LoadRdb().ok());
  }
  std::string Info(const std::string& field, std::string_view section = "persistence") {
    std::string info = t_.Run({"INFO", section});
    size_t at = info.find(field + ":");
    if (at == std::string::npos) return "";
    size_t end = info.find("\r\n", at);
    return info.substr(at + field.size() + 1, end - at - field.size() - 1);
  }
  std::string Bulk(const std::string& v) {
    return "$" + std::to_string(v.size()) + "\r\n" + v + "\r\n";
  }
  bool Exists(const std::string& path) {
    struct stat st;
    return stat(path.c_str(), &st) == 0;
  }

  // Removes the test's directory after the server is gone (members are destroyed in reverse
  // order): a save still running when a test ends keeps its file there until then.
  struct TempDir {
    std::string path;
    ~TempDir() {
      std::error_code ec;
      if (!path.empty()) std::filesystem::remove_all(path, ec);
    }
  };
  TempDir tmp_;
  TestServer t_;
  std::string dir_;
};

TEST_F(SnapshotTest, ImageIsTheDatasetWhenTheSaveStarted) {
  constexpr int kKeys = 3000;
  for (int i = 0; i < kKeys; i++) {
    t_.RunStrings({"SET", "k:" + std::to_string(i), "v:" + std::to_string(i)});
  }
  for (int i = 0; i < 2000; i++) t_.RunStrings({"RPUSH", "list", std::to_string(i)});
  t_.Run({"HSET", "h", "f", "1"});
  t_.Run({"SET", "ttl", "t", "PX", "100000"});
  t_.Run({"SELECT", "3"});
  t_.Run({"SET", "db3key", "old"});
  t_.Run({"SELECT", "0"});
  // One key per second: the save stays in progress while the writes run.
  ASSERT_EQ(t_.Run({"CONFIG", "SET", "rdb-key-save-delay", "1000000"}), "+OK\r\n");
  ASSERT_EQ(t_.Run({"BGSAVE"}), "+Background saving started\r\n");
  EXPECT_EQ(Info("rdb_bgsave_in_progress"), "1");
  EXPECT_EQ(t_.Run({"BGSAVE"}), "-ERR Background save already in progress\r\n");
  EXPECT_EQ(t_.Run({"SAVE"}), "-ERR Background save already in progress\r\n");
  EXPECT_EQ(t_.Run({"BGSAVE", "SCHEDULE"}), "-ERR Background save already in progress\r\n");
  t_.server().SnapshotTick();
  // Overwrites, deletes, new keys, in-place changes of collections, a script, a transaction,
  // a key moved to another database, another database's key changed.
  for (int i = 0; i < kKeys; i += 2) {
    t_.RunStrings({"SET", "k:" + std::to_string(i), "new"});
  }
  for (int i = 1; i < kKeys; i += 3) t_.RunStrings({"DEL", "k:" + std::to_string(i)});
  for (int i = 0; i < 500; i++) t_.RunStrings({"SET", "fresh:" + std::to_string(i), "x"});
  t_.Run({"RPUSH", "list", "late"});
  t_.Run({"LPOP", "list", "5"});
  t_.Run({"HSET", "h", "f", "2", "g", "3"});
  t_.Run({"INCR", "counter"});
  t_.Run({"PERSIST", "ttl"});
  t_.Run({"EVAL", "redis.call('set', KEYS[1], 'lua') return 1", "1", "k:3"});
  t_.Run({"MULTI"});
  t_.Run({"APPEND", "k:9", "-more"});
  t_.Run({"RENAME", "k:15", "renamed"});
  t_.Run({"EXEC"});
  EXPECT_EQ(t_.Run({"MOVE", "k:5", "3"}), ":1\r\n");
  t_.Run({"SELECT", "3"});
  t_.Run({"SET", "db3key", "new"});
  t_.Run({"SET", "db3fresh", "new"});
  t_.Run({"SELECT", "0"});
  t_.server().SnapshotDrain();  // the rest at full speed
  WaitSaved();
  EXPECT_EQ(Info("rdb_bgsave_in_progress"), "0");
  EXPECT_EQ(Info("rdb_last_bgsave_status"), "ok");

  TestServer loaded;
  Load(loaded);
  EXPECT_EQ(loaded.Run({"DBSIZE"}), ":" + std::to_string(kKeys + 3) + "\r\n");
  for (int i = 0; i < kKeys; i++) {
    std::string v = "v:" + std::to_string(i);
    ASSERT_EQ(loaded.RunStrings({"GET", "k:" + std::to_string(i)}), Bulk(v)) << i;
  }
  EXPECT_EQ(loaded.Run({"EXISTS", "fresh:0", "fresh:499", "counter", "renamed"}), ":0\r\n");
  EXPECT_EQ(loaded.Run({"LLEN", "list"}), ":2000\r\n");
  EXPECT_EQ(loaded.Run({"LINDEX", "list", "0"}), Bulk("0"));
  EXPECT_EQ(loaded.Run({"LINDEX", "list", "-1"}), Bulk("1999"));
  EXPECT_EQ(loaded.Run({"HGETALL", "h"}), "*2\r\n" + Bulk("f") + Bulk("1"));
  EXPECT_NE(loaded.Run({"PTTL", "ttl"}), ":-1\r\n");
  loaded.Run({"SELECT", "3"});
  EXPECT_EQ(loaded.Run({"DBSIZE"}), ":1\r\n");
  EXPECT_EQ(loaded.Run({"GET", "db3key"}), Bulk("old"));
}

TEST_F(SnapshotTest, FlushallStopsTheSaveAndSwapdbFinishesItFirst) {
  for (int i = 0; i < 100; i++) t_.RunStrings({"SET", "k:" + std::to_string(i), "v"});
  ASSERT_EQ(t_.Run({"CONFIG", "SET", "rdb-key-save-delay", "1000000"}), "+OK\r\n");
  ASSERT_EQ(t_.Run({"BGSAVE"}), "+Background saving started\r\n");
  t_.server().SnapshotTick();
  EXPECT_EQ(t_.Run({"FLUSHALL"}), "+OK\r\n");  // as Redis kills the child
  EXPECT_EQ(Info("rdb_bgsave_in_progress"), "0");
  EXPECT_EQ(Info("rdb_last_bgsave_status"), "ok");
  EXPECT_FALSE(Exists(dir_ + "/dump.rdb"));
  EXPECT_FALSE(Exists(dir_ + "/temp-" + std::to_string(getpid()) + ".rdb"));

  for (int i = 0; i < 100; i++) t_.RunStrings({"SET", "a:" + std::to_string(i), "v"});
  ASSERT_EQ(t_.Run({"BGSAVE"}), "+Background saving started\r\n");
  t_.server().SnapshotTick();
  EXPECT_EQ(t_.Run({"SWAPDB", "0", "1"}), "+OK\r\n");
  t_.Run({"SELECT", "1"});
  t_.Run({"DEL", "a:1"});
  t_.Run({"SELECT", "0"});
  t_.Run({"SET", "b", "v"});
  WaitSaved();
  TestServer loaded;
  Load(loaded);
  EXPECT_EQ(loaded.Run({"DBSIZE"}), ":100\r\n");
  EXPECT_EQ(loaded.Run({"EXISTS", "a:1"}), ":1\r\n");
  loaded.Run({"SELECT", "1"});
  EXPECT_EQ(loaded.Run({"DBSIZE"}), ":0\r\n");
}

TEST_F(SnapshotTest, BgsaveScheduleWhileARewriteRunsAndBgrewriteaofScheduled) {
  t_.Run({"SET", "k", "v"});
  ASSERT_EQ(t_.Run({"CONFIG", "SET", "rdb-key-save-delay", "1000000"}), "+OK\r\n");
  ASSERT_EQ(t_.Run({"BGSAVE"}), "+Background saving started\r\n");
  EXPECT_EQ(t_.Run({"BGREWRITEAOF"}), "+Background append only file rewriting scheduled\r\n");
  EXPECT_EQ(Info("aof_rewrite_scheduled"), "1");
  t_.Run({"MULTI"});
  t_.Run({"BGSAVE"});
  EXPECT_EQ(t_.Run({"EXEC"}), "*1\r\n-ERR Background save already in progress\r\n");
}

TEST_F(SnapshotTest, StartsCountInTotalForks) {
  t_.Run({"SET", "k", "v"});
  EXPECT_EQ(Info("total_forks", "stats"), "0");
  ASSERT_EQ(t_.Run({"BGSAVE"}), "+Background saving started\r\n");
  EXPECT_EQ(Info("total_forks", "stats"), "1");
  WaitSaved();
  EXPECT_EQ(Info("total_forks", "stats"), "1");
}

// Redis's startAppendOnly inside EXEC: the initial rewrite is scheduled, the cron starts it.
TEST_F(SnapshotTest, AppendonlyYesInsideExecSchedulesTheRewrite) {
  t_.config().appenddirname = dir_ + "/appendonlydir";
  t_.Run({"SET", "k", "v"});
  t_.Run({"MULTI"});
  t_.Run({"SET", "foo", "bar"});
  t_.Run({"CONFIG", "SET", "appendonly", "yes"});
  EXPECT_EQ(t_.Run({"EXEC"}), "*2\r\n+OK\r\n+OK\r\n");
  EXPECT_EQ(Info("aof_enabled"), "1");
  EXPECT_EQ(Info("aof_rewrite_scheduled"), "1");
  EXPECT_EQ(Info("aof_rewrite_in_progress"), "0");
  EXPECT_EQ(Info("total_forks", "stats"), "0");
  t_.server().AofCron();
  EXPECT_EQ(Info("aof_rewrite_scheduled"), "0");
  EXPECT_EQ(Info("aof_rewrite_in_progress"), "1");
  EXPECT_EQ(Info("total_forks", "stats"), "1");
  WaitSaved();
  t_.Run({"CONFIG", "SET", "appendonly", "no"});
  std::filesystem::remove_all(t_.config().appenddirname);
}

// A collection of 100,000 members: its record is written in steps (one step of 1,000 per
// tick here), and writers of it wait for it.
class SnapshotBigKeyTest : public SnapshotTest {
 protected:
  void SetUp() override {
    SnapshotTest::SetUp();
    t_.server().SetSnapshotJobStepForTest(1000);
    std::vector<std::string> zadd = {"ZADD", "zset"}, rpush = {"RPUSH", "list"};
    for (int i = 0; i < 100000; i++) {
      zadd.push_back(std::to_string(i));
      zadd.push_back("m" + std::to_string(i));
      rpush.push_back("e" + std::to_string(i));
    }
    ASSERT_EQ(t_.RunStrings(zadd), ":100000\r\n");
    ASSERT_EQ(t_.RunStrings(rpush), ":100000\r\n");
    t_.Run({"SET", "small", "v"});
  }
  bool Execute(Client& c, std::vector<std::string_view> args) {
    return t_.server().Execute(c, std::span<const std::string_view>(args.data(), args.size()));
  }
  std::string Digest(TestServer& t, std::string_view key) {
    return t.Run({"DEBUG", "DIGEST-VALUE", key});
  }
};

TEST_F(SnapshotBigKeyTest, WritersWaitForTheRecordAndTheImageHasTheOldValue) {
  std::string zset = Digest(t_, "zset"), list = Digest(t_, "list");
  ASSERT_EQ(t_.Run({"BGSAVE"}), "+Background saving started\r\n");
  Client& writer = t_.NewClient();
  Client& reader = t_.NewClient();
  Client& trans = t_.NewClient();
  // Held like a paused client: not run, nothing replied (the command stays in its input).
  EXPECT_FALSE(Execute(writer, {"ZADD", "zset", "1", "new"}));
  EXPECT_EQ(TestServer::Take(writer), "");
  // Reads of it go ahead.
  EXPECT_EQ(t_.RunOn(reader, {"ZCARD", "zset"}), ":100000\r\n");
  // A transaction that writes the list waits before it starts.
  EXPECT_EQ(t_.RunOn(trans, {"MULTI"}), "+OK\r\n");
  EXPECT_EQ(t_.RunOn(trans, {"SET", "small", "new"}), "+QUEUED\r\n");
  EXPECT_EQ(t_.RunOn(trans, {"RPUSH", "list", "x"}), "+QUEUED\r\n");
  EXPECT_FALSE(Execute(trans, {"EXEC"}));
  EXPECT_EQ(TestServer::Take(trans), "");
  // So does a script that declares it.
  Client& script = t_.NewClient();
  EXPECT_FALSE(Execute(script, {"EVAL", "return redis.call('rpush', KEYS[1], 'y')", "1", "list"}));
  // A script's call cannot wait: the zset's record is finished at once, then it runs.
  EXPECT_EQ(t_.Run({"EVAL", "return redis.call('zadd', 'zset', 2, 'lua')", "0"}), ":1\r\n");
  t_.server().SnapshotTick();
  WaitSaved();
  EXPECT_EQ(Info("rdb_last_bgsave_status"), "ok");
  // Resumed, they run.
  EXPECT_TRUE(Execute(writer, {"ZADD", "zset", "1", "new"}));
  EXPECT_EQ(TestServer::Take(writer), ":1\r\n");
  EXPECT_TRUE(Execute(trans, {"EXEC"}));
  EXPECT_EQ(TestServer::Take(trans), "*2\r\n+OK\r\n:100001\r\n");
  EXPECT_TRUE(Execute(script, {"EVAL", "return redis.call('rpush', KEYS[1], 'y')", "1", "list"}));
  EXPECT_EQ(TestServer::Take(script), ":100002\r\n");

  TestServer loaded;
  Load(loaded);
  EXPECT_EQ(loaded.Run({"DBSIZE"}), ":3\r\n");
  EXPECT_EQ(Digest(loaded, "zset"), zset);
  EXPECT_EQ(Digest(loaded, "list"), list);
  EXPECT_EQ(loaded.Run({"GET", "small"}), Bulk("v"));
}

TEST_F(SnapshotBigKeyTest, AKeyThatExpiresMidRecordIsFinishedFirst) {
  ASSERT_EQ(t_.Run({"PEXPIRE", "zset", "100000"}), ":1\r\n");
  std::string zset = Digest(t_, "zset");
  ASSERT_EQ(t_.Run({"BGSAVE"}), "+Background saving started\r\n");
  t_.server().SnapshotTick();  // the cursor meets both big keys: one step of the first
  t_.clock().AdvanceMs(200000);
  EXPECT_EQ(t_.Run({"EXISTS", "zset"}), ":0\r\n");  // lazily expired
  WaitSaved();
  EXPECT_EQ(Info("rdb_last_bgsave_status"), "ok");
  TestServer loaded;  // its clock is before the expire time
  Load(loaded);
  EXPECT_EQ(loaded.Run({"DBSIZE"}), ":3\r\n");
  EXPECT_EQ(Digest(loaded, "zset"), zset);
}

TEST_F(SnapshotBigKeyTest, FlushallDuringAWaitEndsTheSaveAndTheWait) {
  ASSERT_EQ(t_.Run({"BGSAVE"}), "+Background saving started\r\n");
  Client& writer = t_.NewClient();
  EXPECT_FALSE(Execute(writer, {"RPUSH", "list", "x"}));
  EXPECT_EQ(t_.Run({"FLUSHALL"}), "+OK\r\n");
  EXPECT_EQ(Info("rdb_bgsave_in_progress"), "0");
  EXPECT_TRUE(Execute(writer, {"RPUSH", "list", "x"}));
  EXPECT_EQ(TestServer::Take(writer), ":1\r\n");
}

TEST_F(SnapshotBigKeyTest, AHeldClientStaysPausedUnderClientPause) {
  ASSERT_EQ(t_.Run({"BGSAVE"}), "+Background saving started\r\n");
  Client& writer = t_.NewClient();
  EXPECT_FALSE(Execute(writer, {"ZADD", "zset", "1", "new"}));
  EXPECT_EQ(t_.Run({"CLIENT", "PAUSE", "100000", "WRITE"}), "+OK\r\n");
  WaitSaved();
  EXPECT_FALSE(Execute(writer, {"ZADD", "zset", "1", "new"}));  // the pause holds it now
  EXPECT_EQ(t_.Run({"CLIENT", "UNPAUSE"}), "+OK\r\n");
  EXPECT_TRUE(Execute(writer, {"ZADD", "zset", "1", "new"}));
  EXPECT_EQ(TestServer::Take(writer), ":1\r\n");
}

TEST_F(SnapshotBigKeyTest, ABlockedClientServedIntoAKeyBeingWrittenFinishesItsRecord) {
  std::string list = Digest(t_, "list");
  Client& blocked = t_.NewClient();
  EXPECT_EQ(t_.RunOn(blocked, {"BLMOVE", "q", "list", "LEFT", "LEFT", "0"}), "");
  ASSERT_EQ(t_.Run({"BGSAVE"}), "+Background saving started\r\n");
  t_.server().SnapshotTick();  // the cursor meets both big keys: one step of the first
  EXPECT_EQ(t_.Run({"RPUSH", "q", "x"}), ":1\r\n");
  EXPECT_EQ(TestServer::Take(blocked), "$1\r\nx\r\n");  // served: it could not wait
  WaitSaved();
  EXPECT_EQ(t_.Run({"LLEN", "list"}), ":100001\r\n");
  TestServer loaded;
  Load(loaded);
  EXPECT_EQ(Digest(loaded, "list"), list);
}

}  // namespace
}  // namespace duet
