// What each write propagates (the AOF's input): Redis 7.0.15's propagated forms.
#include "server/propagation.h"

#include <gtest/gtest.h>

#include "persistence/aof_manifest.h"
#include "server/test_harness.h"

namespace duet {
namespace {

// Records each effect as "db:ARG ARG ...", decoded from the RESP the target receives.
class Recorder : public PropagationTarget {
 public:
  void Feed(int db, std::string_view resp) override {
    std::vector<std::string_view> argv;
    aof::CommandReader reader(resp.data(), resp.size());
    EXPECT_EQ(reader.Next(&argv), aof::CommandReader::Result::kCommand);
    EXPECT_EQ(reader.offset(), resp.size());
    std::string line = std::to_string(db) + ":";
    for (size_t i = 0; i < argv.size(); i++) {
      line += i ? " " : "";
      line += argv[i];
    }
    lines.push_back(line);
  }
  std::vector<std::string> Take() {
    std::vector<std::string> out;
    out.swap(lines);
    return out;
  }
  std::vector<std::string> lines;
};

class PropagationTest : public ::testing::Test {
 protected:
  PropagationTest() {
    t.clock().SetMs(1'700'000'000'000);
    t.server().propagator().AddTarget(&rec);
  }
  ~PropagationTest() override { t.server().propagator().RemoveTarget(&rec); }
  using V = std::vector<std::string>;
  TestServer t;
  Recorder rec;
};

TEST_F(PropagationTest, PlainWritesAsReceivedReadsAndNoopsNot) {
  t.Run({"set", "k", "v"});
  t.Run({"get", "k"});
  t.Run({"del", "nokey"});
  t.Run({"incr", "n"});
  EXPECT_EQ(rec.Take(), (V{"0:set k v", "0:incr n"}));
}

TEST_F(PropagationTest, RelativeTtlsBecomeAbsolute) {
  t.Run({"set", "k", "v", "EX", "10"});
  t.Run({"setex", "k2", "5", "v"});
  t.Run({"psetex", "k3", "5", "v"});
  t.Run({"expire", "k", "100", "GT"});
  t.Run({"pexpire", "k", "100"});
  t.Run({"pexpireat", "k", "1800000000000"});
  t.Run({"getex", "k", "PX", "7"});
  t.Run({"getex", "k", "PERSIST"});
  t.Run({"set", "k", "v2", "GET"});
  EXPECT_EQ(rec.Take(), (V{"0:SET k v PXAT 1700000010000", "0:SET k2 v PXAT 1700000005000",
                           "0:SET k3 v PXAT 1700000000005", "0:PEXPIREAT k 1700000100000 GT",
                           "0:PEXPIREAT k 1700000000100", "0:pexpireat k 1800000000000",
                           "0:PEXPIREAT k 1700000000007", "0:PERSIST k", "0:set k v2"}));
}

TEST_F(PropagationTest, PastExpiryAndGetdelAreDeletes) {
  t.Run({"set", "a", "1"});
  t.Run({"set", "b", "1"});
  rec.Take();
  t.Run({"expire", "a", "-1"});
  t.Run({"getdel", "b"});
  EXPECT_EQ(rec.Take(), (V{"0:DEL a", "0:DEL b"}));
  t.config().lazyfree_lazy_user_del = true;
  t.Run({"set", "c", "1"});
  t.Run({"getdel", "c"});
  EXPECT_EQ(rec.Take(), (V{"0:set c 1", "0:UNLINK c"}));
}

TEST_F(PropagationTest, FloatIncrementsAsTheirResult) {
  t.Run({"incrbyfloat", "f", "1.5"});
  t.Run({"hincrbyfloat", "h", "x", "0.25"});
  t.Run({"getset", "f", "3"});
  EXPECT_EQ(rec.Take(), (V{"0:SET f 1.5 KEEPTTL", "0:HSET h x 0.25", "0:SET f 3"}));
}

TEST_F(PropagationTest, LazyExpiryIsADelAndWrapsWithTheCommand) {
  t.Run({"set", "k", "v", "PX", "10"});
  rec.Take();
  t.clock().AdvanceMs(20);
  t.Run({"get", "k"});
  EXPECT_EQ(rec.Take(), (V{"0:DEL k"}));
  t.Run({"set", "k", "v", "PX", "10"});
  rec.Take();
  t.clock().AdvanceMs(20);
  t.Run({"lpush", "k", "x"});
  EXPECT_EQ(rec.Take(), (V{"0:MULTI", "0:DEL k", "0:lpush k x", "0:EXEC"}));
}

TEST_F(PropagationTest, TransactionsWrapTheirWritesOnly) {
  t.Run({"multi"});
  t.Run({"set", "a", "1"});
  t.Run({"get", "a"});
  t.Run({"select", "2"});
  t.Run({"set", "b", "2"});
  t.Run({"exec"});
  EXPECT_EQ(rec.Take(), (V{"0:MULTI", "0:set a 1", "2:set b 2", "2:EXEC"}));
  t.Run({"select", "0"});
  t.Run({"multi"});
  t.Run({"incr", "a"});
  t.Run({"exec"});
  EXPECT_EQ(rec.Take(), (V{"0:incr a"}));
}

TEST_F(PropagationTest, ScriptsPropagateTheirEffects) {
  t.Run({"eval", "redis.call('set','a','1') redis.call('get','a') return redis.call('incr','n')",
         "0"});
  EXPECT_EQ(rec.Take(), (V{"0:MULTI", "0:set a 1", "0:incr n", "0:EXEC"}));
  t.Run({"eval", "return redis.call('get','a')", "0"});
  EXPECT_EQ(rec.Take(), V{});
  t.Run({"eval", "return redis.call('del','a')", "0"});
  EXPECT_EQ(rec.Take(), (V{"0:del a"}));
}

TEST_F(PropagationTest, BlockingPopsAsThePopTheyDid) {
  t.Run({"rpush", "l", "a", "b", "c"});
  t.Run({"zadd", "z", "1", "m", "2", "n"});
  rec.Take();
  t.Run({"blpop", "l", "0"});
  t.Run({"brpop", "l", "0"});
  t.Run({"blmove", "l", "d", "LEFT", "RIGHT", "0"});
  t.Run({"bzpopmin", "z", "0"});
  t.Run({"bzmpop", "0", "1", "z", "MAX", "COUNT", "5"});
  t.Run({"rpush", "l", "x", "y"});
  t.Run({"blmpop", "0", "1", "l", "LEFT", "COUNT", "9"});
  EXPECT_EQ(rec.Take(), (V{"0:LPOP l", "0:RPOP l", "0:LMOVE l d LEFT RIGHT", "0:ZPOPMIN z",
                           "0:ZPOPMAX z 1", "0:rpush l x y", "0:LPOP l 2"}));
}

TEST_F(PropagationTest, BlockedClientServedLater) {
  Client& waiter = t.NewClient();
  t.RunOn(waiter, {"brpoplpush", "src", "dst", "0"});
  EXPECT_EQ(rec.Take(), V{});
  t.Run({"lpush", "src", "v"});
  EXPECT_EQ(rec.Take(), (V{"0:lpush src v", "0:RPOPLPUSH src dst"}));
}

TEST_F(PropagationTest, SpopAsSremOrDel) {
  t.Run({"sadd", "s", "a"});
  rec.Take();
  t.Run({"spop", "s"});
  EXPECT_EQ(rec.Take(), (V{"0:SREM s a"}));
  t.Run({"sadd", "s", "a", "b", "c"});
  rec.Take();
  t.Run({"spop", "s", "1"});
  std::vector<std::string> one = rec.Take();
  ASSERT_EQ(one.size(), 1u);
  EXPECT_TRUE(one[0].starts_with("0:SREM s "));
  t.Run({"spop", "s", "10"});
  EXPECT_EQ(rec.Take(), (V{"0:DEL s"}));
}

TEST_F(PropagationTest, FlushesAlwaysAndRestoreWithAbsoluteTtl) {
  t.Run({"flushall"});
  t.Run({"flushdb"});
  EXPECT_EQ(rec.Take(), (V{"0:flushall", "0:flushdb"}));
}

TEST_F(PropagationTest, NothingCopiedWithoutTargets) {
  t.server().propagator().RemoveTarget(&rec);
  t.Run({"set", "k", "v"});
  EXPECT_EQ(t.server().propagator().pending(), 0u);
  t.server().propagator().AddTarget(&rec);
}

// Redis's publishCommand: forceCommandPropagation(c, PROPAGATE_REPL).
TEST_F(PropagationTest, PublishGoesToReplicasOnly) {
  t.Run({"publish", "ch", "msg"});
  t.Run({"spublish", "sch", "msg"});
  EXPECT_EQ(rec.Take(), (V{"0:publish ch msg", "0:spublish sch msg"}));
  t.Run({"multi"});
  t.Run({"publish", "ch", "m"});
  t.Run({"exec"});
  EXPECT_EQ(rec.Take(), (V{"0:publish ch m"}));

  class AofRecorder : public Recorder {
   public:
    int kind() const override { return kPropagateAof; }
  } aof;
  t.server().propagator().RemoveTarget(&rec);
  t.server().propagator().AddTarget(&aof);
  t.Run({"publish", "ch", "msg"});
  EXPECT_EQ(t.server().propagator().pending(), 0u);
  // Not queued at all, so it does not make a transaction of the SET (Redis's
  // shouldPropagate).
  t.Run({"multi"});
  t.Run({"set", "a", "1"});
  t.Run({"publish", "ch", "m"});
  t.Run({"exec"});
  EXPECT_EQ(aof.Take(), (V{"0:set a 1"}));
  t.server().propagator().RemoveTarget(&aof);
  t.server().propagator().AddTarget(&rec);
}

}  // namespace
}  // namespace duet
