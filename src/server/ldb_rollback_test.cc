// SCRIPT DEBUG YES's rollback (server/ldb_rollback.cc, keyspace/undo_log.h): whatever the
// commands run during a RollbackSession did, the dataset is exactly as before afterwards and
// nothing of it reached subscribers, the dirty counter or the AOF/replica queue.
#include <gtest/gtest.h>

#include <string>

#include "server/test_harness.h"

namespace duet {
namespace {

std::string Bulk(std::string_view s) {
  return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n";
}

// Everything a restore must bring back: the digest (values and TTLs of every database) and
// the encodings, TTLs and sizes this test's keys have.
std::string State(TestServer& t) {
  std::string out = t.Run({"DEBUG", "DIGEST"});
  for (std::string_view db : {"0", "1", "2"}) {
    out += t.Run({"SELECT", db}) + t.Run({"DBSIZE"});
    for (std::string_view key : {"s", "n", "l", "h", "z", "e", "r", "r2", "m", "c"}) {
      out += t.Run({"OBJECT", "ENCODING", key}) + t.Run({"PEXPIRETIME", key});
    }
  }
  t.Run({"SELECT", "0"});
  return out;
}

void Populate(TestServer& t) {
  t.clock().SetMs(1700000000000);
  t.Run({"SET", "s", "hello"});
  t.Run({"SET", "n", "12"});
  t.Run({"RPUSH", "l", "a", "b", "c"});
  std::string big(100, 'x');
  t.Run({"HSET", "h", "f", big, "g", "1"});  // a hashtable, still one after the HDEL
  t.Run({"HDEL", "h", "f"});
  t.Run({"ZADD", "z", "1", "a", "2", "b"});
  t.Run({"SET", "e", "v", "PXAT", "1700000100000"});
  t.Run({"SET", "r", "renamed"});
  t.Run({"SET", "m", "moved"});
  t.Run({"SET", "c", "copied"});
  t.Run({"SELECT", "1"});
  t.Run({"SET", "m", "other"});
  t.Run({"RPUSH", "l", "1"});
  t.Run({"SELECT", "0"});
}

TEST(LdbRollback, KeysComeBackExactly) {
  TestServer t;
  Populate(t);
  std::string before = State(t);
  ASSERT_EQ(t.Run({"OBJECT", "ENCODING", "h"}), Bulk("hashtable"));
  {
    Server::RollbackSession session(t.server());
    EXPECT_EQ(t.Run({"SET", "new", "1"}), "+OK\r\n");
    EXPECT_EQ(t.Run({"APPEND", "s", "!"}), ":6\r\n");
    EXPECT_EQ(t.Run({"INCR", "n"}), ":13\r\n");
    EXPECT_EQ(t.Run({"DEL", "l"}), ":1\r\n");
    EXPECT_EQ(t.Run({"HDEL", "h", "g"}), ":1\r\n");       // h is gone
    EXPECT_EQ(t.Run({"HSET", "h", "a", "1"}), ":1\r\n");  // and back as a listpack
    EXPECT_EQ(t.Run({"ZADD", "z", "3", "c"}), ":1\r\n");
    EXPECT_EQ(t.Run({"EXPIRE", "s", "100"}), ":1\r\n");
    EXPECT_EQ(t.Run({"PERSIST", "e"}), ":1\r\n");
    EXPECT_EQ(t.Run({"RENAME", "r", "r2"}), "+OK\r\n");
    EXPECT_EQ(t.Run({"MOVE", "c", "2"}), ":1\r\n");
    EXPECT_EQ(t.Run({"COPY", "m", "m", "DB", "1", "REPLACE"}), ":1\r\n");
    EXPECT_EQ(t.Run({"SELECT", "1"}), "+OK\r\n");
    EXPECT_EQ(t.Run({"LPUSH", "l", "0"}), ":2\r\n");
    EXPECT_EQ(t.Run({"SET", "fresh", "x"}), "+OK\r\n");
    EXPECT_EQ(t.Run({"SELECT", "0"}), "+OK\r\n");
  }
  EXPECT_EQ(State(t), before);
  EXPECT_EQ(t.Run({"GET", "s"}), Bulk("hello"));
  EXPECT_EQ(t.Run({"EXISTS", "new", "r2"}), ":0\r\n");
  EXPECT_EQ(t.Run({"LRANGE", "l", "0", "-1"}), "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n");
}

TEST(LdbRollback, WholeDatabaseCommandsAreUndone) {
  TestServer t;
  Populate(t);
  std::string before = State(t);
  {
    Server::RollbackSession session(t.server());
    EXPECT_EQ(t.Run({"SET", "s", "changed first"}), "+OK\r\n");
    EXPECT_EQ(t.Run({"SWAPDB", "0", "1"}), "+OK\r\n");
    EXPECT_EQ(t.Run({"SET", "after-swap", "1"}), "+OK\r\n");
    EXPECT_EQ(t.Run({"FLUSHDB"}), "+OK\r\n");
    EXPECT_EQ(t.Run({"SET", "after-flushdb", "1"}), "+OK\r\n");
    EXPECT_EQ(t.Run({"FLUSHALL"}), "+OK\r\n");
    EXPECT_EQ(t.Run({"SET", "after-flushall", "1"}), "+OK\r\n");
  }
  EXPECT_EQ(State(t), before);
}

TEST(LdbRollback, ExpiredKeysDeletedDuringTheSessionComeBack) {
  TestServer t;
  t.clock().SetMs(1700000000000);
  t.Run({"SET", "gone", "v", "PX", "10"});
  t.clock().AdvanceMs(20);
  std::string before = t.Run({"DEBUG", "DIGEST"});
  std::string stats = t.Run({"INFO", "stats"});
  {
    Server::RollbackSession session(t.server());
    EXPECT_EQ(t.Run({"SET", "gone", "w", "NX"}), "+OK\r\n");  // the write deletes it first
  }
  EXPECT_EQ(t.Run({"DEBUG", "DIGEST"}), before);
  EXPECT_EQ(t.Run({"DBSIZE"}), ":1\r\n");  // stored, logically expired
  EXPECT_EQ(t.Run({"GET", "gone"}), "$-1\r\n");
}

TEST(LdbRollback, NothingLeaksOut) {
  TestServer t;
  t.Run({"CONFIG", "SET", "notify-keyspace-events", "KEA"});
  Client& sub = t.NewClient();
  t.RunOn(sub, {"PSUBSCRIBE", "*"});
  Client& watcher = t.NewClient();
  t.RunOn(watcher, {"WATCH", "k"});
  t.Run({"SET", "k", "1"});
  TestServer::Take(sub);
  t.RunOn(watcher, {"UNWATCH"});
  t.RunOn(watcher, {"WATCH", "k"});
  std::string dirty = t.Run({"INFO", "persistence"});
  auto changes = [](const std::string& info) {
    size_t at = info.find("rdb_changes_since_last_save:");
    return info.substr(at, info.find("\r\n", at) - at);
  };
  size_t pending = t.server().propagator().pending();
  {
    Server::RollbackSession session(t.server());
    t.Run({"SET", "k", "2"});
    t.Run({"DEL", "k"});
    t.Run({"FLUSHALL"});
  }
  EXPECT_EQ(TestServer::Take(sub), "");
  EXPECT_EQ(changes(t.Run({"INFO", "persistence"})), changes(dirty));
  EXPECT_EQ(t.server().propagator().pending(), pending);
  t.RunOn(watcher, {"MULTI"});
  t.RunOn(watcher, {"GET", "k"});
  EXPECT_EQ(t.RunOn(watcher, {"EXEC"}), "*1\r\n$1\r\n1\r\n");
}

}  // namespace
}  // namespace duet

namespace duet {
namespace {

// Writes whose keys come from a key finder of their own (SORT ... STORE, GEORADIUS ...
// STORE), from several key specs, or that create consumer-group state.
TEST(LdbRollback, EveryKindOfWriteIsUndone) {
  TestServer t;
  Populate(t);
  t.Run({"SADD", "set", "a", "b"});
  t.Run({"GEOADD", "geo", "13.36", "38.11", "p"});
  t.Run({"XADD", "st", "1-1", "f", "v"});
  t.Run({"XGROUP", "CREATE", "st", "g", "0"});
  t.Run({"PFADD", "hll", "a"});
  std::string dump = t.Run({"DUMP", "s"});
  std::string before = State(t) + t.Run({"XINFO", "GROUPS", "st"});
  const std::vector<std::vector<std::string>> writes = {
      {"SORT", "l", "ALPHA", "STORE", "sorted"},
      {"GEORADIUS", "geo", "13", "38", "500", "km", "STORE", "georad"},
      {"GEOSEARCHSTORE", "geostore", "geo", "FROMLONLAT", "13", "38", "BYRADIUS", "500", "km"},
      {"SMOVE", "set", "set2", "a"},
      {"LMOVE", "l", "l2", "LEFT", "RIGHT"},
      {"SINTERSTORE", "inter", "set", "set2"},
      {"ZUNIONSTORE", "zu", "2", "z", "set"},
      {"BITOP", "OR", "bits", "s", "n"},
      {"PFMERGE", "hll2", "hll"},
      {"PFADD", "hll", "b"},
      {"XREADGROUP", "GROUP", "g", "c1", "STREAMS", "st", ">"},
      {"XADD", "st", "2-1", "f", "w"},
      {"XGROUP", "CREATE", "st", "g2", "$"},
      {"SETRANGE", "s", "10", "x"},
      {"GETDEL", "n"},
      {"GETEX", "e", "PERSIST"},
      {"MSET", "s", "1", "m1", "2"},
      {"RESTORE", "restored", "0", ""},
      {"RENAMENX", "z", "z2"},
      {"UNLINK", "h"},
      {"EXPIREAT", "l", "1"},  // deletes it
  };
  {
    Server::RollbackSession session(t.server());
    for (const auto& w : writes) {
      std::vector<std::string> args = w;
      if (args[0] == "RESTORE")
        args[3] = dump.substr(dump.find("\r\n") + 2, dump.size() - dump.find("\r\n") - 4);
      std::string reply = t.RunStrings(args);
      EXPECT_NE(reply[0], '-') << w[0] << ": " << reply;
    }
  }
  EXPECT_EQ(State(t) + t.Run({"XINFO", "GROUPS", "st"}), before);
  for (std::string_view key : {"sorted", "georad", "geostore", "set2", "l2", "inter", "zu", "bits",
                               "hll2", "m1", "restored", "z2"}) {
    EXPECT_EQ(t.Run({"EXISTS", key}), ":0\r\n") << key;
  }
}

}  // namespace
}  // namespace duet
