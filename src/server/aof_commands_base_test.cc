// The commands form of an AOF base (persistence/aof_rewrite_writer.h): the commands written
// for every type rebuild the same data when replayed (DEBUG DIGEST equal), in Redis's forms.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "persistence/aof_manifest.h"
#include "persistence/aof_rewrite_writer.h"
#include "persistence/snapshot.h"
#include "server/test_harness.h"

namespace duet {
namespace {

std::string Serialize(Server& s) {
  std::string out;
  Keyspace& ks = s.keyspace();
  for (int i = 0; i < ks.db_count(); i++) {
    if (ks.db(i).size() == 0) continue;
    aof::AppendSelect(i, &out);
    ks.db(i).table().ForEach([&](KeyTable::SlotRef slot) {
      aof::AppendKeyCommands(*static_cast<const Entry*>(slot.get()), &out);
    });
  }
  return out;
}

void Replay(TestServer& t, const std::string& cmds) {
  aof::CommandReader reader(cmds.data(), cmds.size());
  std::vector<std::string_view> argv;
  while (reader.Next(&argv) == aof::CommandReader::Result::kCommand) {
    std::string reply = t.Run(argv);
    ASSERT_NE(reply[0], '-') << argv[0] << ": " << reply;
  }
}

TEST(AofCommandsBaseTest, StringWithTtlAndSplitList) {
  TestServer t;
  t.Run({"SET", "k", "v"});
  t.Run({"PEXPIREAT", "k", "1900000000000"});
  std::string out;
  aof::AppendKeyCommands(*t.server().keyspace().db(0).Peek("k"), &out);
  EXPECT_EQ(out,
            "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n"
            "*3\r\n$9\r\nPEXPIREAT\r\n$1\r\nk\r\n$13\r\n1900000000000\r\n");
  std::vector<std::string> push = {"RPUSH", "l"};
  for (int i = 0; i < 65; i++) push.push_back(std::to_string(i));
  t.RunStrings(push);
  out.clear();
  aof::AppendKeyCommands(*t.server().keyspace().db(0).Peek("l"), &out);
  // 64 elements in the first RPUSH, the last one in a second.
  EXPECT_EQ(out.rfind("*66\r\n$5\r\nRPUSH\r\n$1\r\nl\r\n$1\r\n0\r\n", 0), 0u);
  EXPECT_NE(out.find("*3\r\n$5\r\nRPUSH\r\n$1\r\nl\r\n$2\r\n64\r\n"), std::string::npos);
}

TEST(AofCommandsBaseTest, EveryTypeReplaysToTheSameData) {
  TestServer a;
  a.config().other["enable-debug-command"] = "yes";
  a.Run({"SET", "s", "hello"});
  a.Run({"SET", "n", "12345"});
  a.Run({"SET", "ttl", "x", "PX", "100000"});
  a.Run({"RPUSH", "list", "a", "1", "b"});
  std::vector<std::string> big = {"HSET", "bighash"};
  for (int i = 0; i < 600; i++) {
    big.push_back("f" + std::to_string(i));
    big.push_back(std::to_string(i * 3));
  }
  a.RunStrings(big);
  a.Run({"HSET", "hash", "f", "v", "g", "2"});
  a.Run({"SADD", "iset", "1", "2", "-70000"});
  a.Run({"SADD", "sset", "a", "b", "c"});
  a.Run({"ZADD", "z", "1", "a", "2.5", "b", "-inf", "c", "0.1", "d"});
  std::vector<std::string> bigz = {"ZADD", "bigz"};
  for (int i = 0; i < 300; i++) {
    bigz.push_back(std::to_string(i * 0.5));
    bigz.push_back("m" + std::to_string(i));
  }
  a.RunStrings(bigz);
  a.Run({"XADD", "st", "1-1", "a", "1"});
  a.Run({"XADD", "st", "2-0", "b", "2"});
  a.Run({"XADD", "st", "3-0", "c", "3"});
  a.Run({"XDEL", "st", "2-0"});
  a.Run({"XGROUP", "CREATE", "st", "g1", "0"});
  a.Run({"XGROUP", "CREATE", "st", "g2", "$"});
  a.Run({"XREADGROUP", "GROUP", "g1", "alice", "COUNT", "1", "STREAMS", "st", ">"});
  a.Run({"XGROUP", "CREATECONSUMER", "st", "g1", "bob"});
  a.Run({"XGROUP", "CREATE", "empty", "g", "$", "MKSTREAM"});
  a.Run({"SELECT", "3"});
  a.Run({"SET", "in3", "y"});
  a.Run({"SELECT", "0"});
  std::string cmds = Serialize(a.server());
  EXPECT_NE(cmds.find("$6\r\nXSETID\r\n"), std::string::npos);
  EXPECT_NE(cmds.find("$14\r\nCREATECONSUMER\r\n$2\r\nst\r\n$2\r\ng1\r\n$3\r\nbob\r\n"),
            std::string::npos);
  EXPECT_NE(
      cmds.find("$6\r\nXCLAIM\r\n$2\r\nst\r\n$2\r\ng1\r\n$5\r\nalice\r\n$1\r\n0\r\n$3\r\n1-1"),
      std::string::npos);
  EXPECT_NE(cmds.find("$6\r\nMAXLEN\r\n$1\r\n0\r\n$3\r\n0-1\r\n"), std::string::npos);
  EXPECT_NE(cmds.find("$4\r\n-inf\r\n$1\r\nc\r\n"), std::string::npos);

  TestServer b;
  b.config().other["enable-debug-command"] = "yes";
  Replay(b, cmds);
  b.Run({"SELECT", "0"});
  std::string digest = a.Run({"DEBUG", "DIGEST"});
  ASSERT_EQ(digest.size(), 43u) << digest;  // +<40 hex digits>
  EXPECT_EQ(b.Run({"DEBUG", "DIGEST"}), digest);
  EXPECT_EQ(b.Run({"XINFO", "STREAM", "st", "FULL"}).size(),
            a.Run({"XINFO", "STREAM", "st", "FULL"}).size());
  EXPECT_EQ(b.Run({"XINFO", "GROUPS", "empty"}), a.Run({"XINFO", "GROUPS", "empty"}));
  EXPECT_EQ(b.Run({"XLEN", "empty"}), ":0\r\n");
  EXPECT_EQ(b.Run({"OBJECT", "ENCODING", "iset"}), "$6\r\nintset\r\n");
  EXPECT_EQ(b.Run({"OBJECT", "ENCODING", "bighash"}), "$9\r\nhashtable\r\n");
}

// The background rewrite's base with aof-use-rdb-preamble no: the snapshot in commands form
// starts with the #TS line and the FUNCTION LOADs, keeps keys changed during the rewrite at
// their values of its start, and replays to the same data.
TEST(AofCommandsBaseTest, SnapshotWritesTheCommandsForm) {
  TestServer a;
  a.config().other["enable-debug-command"] = "yes";
  for (int i = 0; i < 300; i++) a.RunStrings({"SET", "k" + std::to_string(i), "v"});
  a.Run({"RPUSH", "list", "a", "b"});
  a.Run({"SELECT", "2"});
  a.Run({"SADD", "set", "x", "y"});
  a.Run({"SELECT", "0"});
  a.Run({"FUNCTION", "LOAD",
         "#!lua name=lib\nredis.register_function('f', function() return 1 end)"});
  std::string digest = a.Run({"DEBUG", "DIGEST"});

  std::string path = ::testing::TempDir() + "/snapshot-commands-base.aof";
  rdb::Snapshot::Options o;
  o.save.now_ms = 1700000000123;
  o.save.functions = a.server().functions().Codes();
  o.tmp_path = path + ".tmp";
  o.final_path = path;
  o.commands = true;
  o.timestamp = true;
  std::unique_ptr<rdb::Snapshot> snap;
  ASSERT_TRUE(rdb::Snapshot::Start(a.server().keyspace(), o, 0, &snap).ok());
  snap->Step(0, 0);  // a first slice, then a write ahead of the cursor keeps its old value
  snap->BeforeWrite(0, "list");
  a.Run({"RPUSH", "list", "c"});
  snap->Drain();
  for (int i = 0; i < 5000 && !snap->done(); i++) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));  // the writer thread's disk work
  }
  ASSERT_TRUE(snap->done());
  ASSERT_TRUE(snap->result().ok()) << snap->result().message();
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string cmds = ss.str();
  EXPECT_EQ(cmds.rfind("#TS:1700000000\r\n*3\r\n$8\r\nFUNCTION\r\n$4\r\nLOAD\r\n", 0), 0u)
      << cmds.substr(0, 80);
  EXPECT_EQ(cmds.find("REDIS"), std::string::npos);

  TestServer b;
  b.config().other["enable-debug-command"] = "yes";
  aof::CommandReader reader(cmds.data(), cmds.size());
  std::vector<std::string_view> argv;
  aof::CommandReader::Result r;
  while ((r = reader.Next(&argv)) == aof::CommandReader::Result::kCommand) {
    std::string reply = b.Run(argv);
    ASSERT_NE(reply[0], '-') << argv[0] << ": " << reply;
  }
  b.Run({"SELECT", "0"});
  EXPECT_EQ(b.Run({"DEBUG", "DIGEST"}), digest);
  EXPECT_EQ(b.Run({"LRANGE", "list", "0", "-1"}), "*2\r\n$1\r\na\r\n$1\r\nb\r\n");
  EXPECT_EQ(b.Run({"FCALL", "f", "0"}), ":1\r\n");
  std::remove(path.c_str());
}

}  // namespace
}  // namespace duet
