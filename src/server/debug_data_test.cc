// DEBUG's data views and Redis-global settings: DIGEST/DIGEST-VALUE against digests taken
// on redis-server 7.0.15 for the same data, QUICKLIST-PACKED-THRESHOLD and plain list
// nodes, LISTPACK/QUICKLIST/HTSTATS replies, PAUSE-CRON.
#include <gtest/gtest.h>

#include "server/test_harness.h"
#include "types/list_type.h"

namespace duet {
namespace {

constexpr std::string_view kZeros = "0000000000000000000000000000000000000000";

class DebugDataTest : public testing::Test {
 protected:
  DebugDataTest() { t_.config().other["enable-debug-command"] = "yes"; }
  std::string Status(std::string_view hex) { return "+" + std::string(hex) + "\r\n"; }
  TestServer t_;
};

TEST_F(DebugDataTest, DigestsEqualRedisForEveryType) {
  EXPECT_EQ(t_.Run({"DEBUG", "DIGEST"}), Status(kZeros));
  t_.Run({"SET", "s", "hello"});
  t_.Run({"RPUSH", "l", "a", "1", "bb"});
  t_.Run({"SADD", "st", "1", "x"});
  t_.Run({"ZADD", "z", "1.5", "m", "2", "n"});
  t_.Run({"HSET", "h", "f", "v", "g", "7"});
  t_.Run({"SET", "e", "v", "EX", "100"});
  // The values redis-server 7.0.15 answers for the same commands.
  EXPECT_EQ(t_.Run({"DEBUG", "DIGEST-VALUE", "s", "l", "st", "z", "h", "e", "nokey"}),
            "*7\r\n"
            "+36b23a1456b2dce2c3ed252c456761301dba8060\r\n"
            "+3e69a7772f4a0e2ac5ae9eb9043fe68db8295ad3\r\n"
            "+96257d5cc29f1c46ff96a88360b5c99de66ae13f\r\n"
            "+908aeffe4e922542b456cb5c8f5b1961a763d7dd\r\n"
            "+42e8aee1f7247f7f7997132f31f0ea5085e70d29\r\n"
            "+311b17018163335616e089f6b951c82c477335ac\r\n"
            "+0000000000000000000000000000000000000000\r\n");
  EXPECT_EQ(t_.Run({"DEBUG", "DIGEST"}), Status("27b33576da3e9abde1b49c803afa8071d8b1dab1"));
  EXPECT_EQ(t_.Run({"DEBUG", "DIGEST-VALUE"}), "*0\r\n");
}

TEST_F(DebugDataTest, DigestIgnoresEncodingsButNotOrderOrTtl) {
  t_.Run({"SADD", "a", "1", "2", "3"});  // intset
  t_.Run({"SADD", "b", "3", "2", "1", "x"});
  t_.Run({"SREM", "b", "x"});  // hashtable, same members
  std::string a = t_.Run({"DEBUG", "DIGEST-VALUE", "a"});
  EXPECT_EQ(t_.Run({"DEBUG", "DIGEST-VALUE", "b"}), a);
  t_.config().zset_max_listpack_entries = 0;
  t_.Run({"ZADD", "zbig", "1", "m", "-0.5", "n"});
  t_.config().zset_max_listpack_entries = 128;
  t_.Run({"ZADD", "zsmall", "-0.5", "n", "1", "m"});
  EXPECT_EQ(t_.Run({"DEBUG", "DIGEST-VALUE", "zbig"}), t_.Run({"DEBUG", "DIGEST-VALUE", "zsmall"}));
  t_.Run({"RPUSH", "l1", "a", "b"});
  t_.Run({"RPUSH", "l2", "b", "a"});
  EXPECT_NE(t_.Run({"DEBUG", "DIGEST-VALUE", "l1"}), t_.Run({"DEBUG", "DIGEST-VALUE", "l2"}));
  std::string before = t_.Run({"DEBUG", "DIGEST-VALUE", "a"});
  t_.Run({"EXPIRE", "a", "100"});
  std::string with_ttl = t_.Run({"DEBUG", "DIGEST-VALUE", "a"});
  EXPECT_NE(with_ttl, before);
  t_.Run({"EXPIRE", "a", "200"});  // only the presence of a TTL counts
  EXPECT_EQ(t_.Run({"DEBUG", "DIGEST-VALUE", "a"}), with_ttl);
}

TEST_F(DebugDataTest, DigestReadsLogicallyExpiredKeys) {
  t_.clock().SetMs(1000000);
  t_.Run({"SET", "k", "v", "PX", "10"});
  std::string live = t_.Run({"DEBUG", "DIGEST"});
  t_.clock().AdvanceMs(100);
  EXPECT_EQ(t_.Run({"DEBUG", "DIGEST"}), live);  // still in the table
  EXPECT_NE(t_.Run({"DEBUG", "DIGEST-VALUE", "k"}), "*1\r\n" + Status(kZeros));
  t_.Run({"GET", "k"});  // lazy expiry deletes it
  EXPECT_EQ(t_.Run({"DEBUG", "DIGEST"}), Status(kZeros));
}

TEST_F(DebugDataTest, PackedThresholdMakesPlainNodes) {
  const std::string kBad =
      "-ERR argument must be a memory value bigger than 1 and smaller than 4gb\r\n";
  EXPECT_EQ(t_.Run({"DEBUG", "QUICKLIST-PACKED-THRESHOLD", "4293918721"}), kBad);
  EXPECT_EQ(t_.Run({"DEBUG", "QUICKLIST-PACKED-THRESHOLD", "-1"}), kBad);
  EXPECT_EQ(t_.Run({"DEBUG", "QUICKLIST-PACKED-THRESHOLD", "1x"}), kBad);
  EXPECT_EQ(t_.config().list_packed_threshold, uint64_t{1} << 30);
  EXPECT_EQ(t_.Run({"DEBUG", "QUICKLIST-PACKED-THRESHOLD", "1kb"}), "+OK\r\n");
  EXPECT_EQ(t_.config().list_packed_threshold, 1024u);
  EXPECT_EQ(t_.Run({"DEBUG", "QUICKLIST-PACKED-THRESHOLD", "5b"}), "+OK\r\n");
  t_.Run({"RPUSH", "l", "aa", "bb", "cc", "dd"});
  EXPECT_EQ(t_.Run({"LSET", "l", "1", "xxxxxxxxxx"}), "+OK\r\n");
  EXPECT_EQ(t_.Run({"LINSERT", "l", "BEFORE", "cc", "yyyyyyy"}), ":5\r\n");
  EXPECT_EQ(t_.Run({"LPUSH", "l", "zzzzz"}), ":6\r\n");
  EXPECT_EQ(t_.Run({"OBJECT", "ENCODING", "l"}), "$9\r\nquicklist\r\n");
  EXPECT_EQ(t_.Run({"LRANGE", "l", "0", "-1"}),
            "*6\r\n$5\r\nzzzzz\r\n$2\r\naa\r\n$10\r\nxxxxxxxxxx\r\n$7\r\nyyyyyyy\r\n$2\r\ncc\r\n"
            "$2\r\ndd\r\n");
  KeyTable::SlotRef slot = t_.server().keyspace().db(0).table().Find("l");
  auto* list = static_cast<lists::ListValue*>(static_cast<Entry*>(slot.get())->object());
  EXPECT_EQ(list->ql().plain_nodes(), 3u);
  EXPECT_EQ(t_.Run({"LREM", "l", "0", "xxxxxxxxxx"}), ":1\r\n");
  EXPECT_EQ(t_.Run({"LPOS", "l", "yyyyyyy"}), ":2\r\n");
  EXPECT_EQ(t_.Run({"DEBUG", "QUICKLIST-PACKED-THRESHOLD", "0"}), "+OK\r\n");
  EXPECT_EQ(t_.config().list_packed_threshold, uint64_t{1} << 30);
  EXPECT_EQ(t_.Run({"DEBUG", "LISTPACK", "l"}), "-ERR Not a listpack encoded object.\r\n");
  EXPECT_EQ(t_.Run({"DEBUG", "QUICKLIST", "l", "1"}), "+Quicklist structure printed on stdout\r\n");
}

TEST_F(DebugDataTest, StructureViewsAndErrors) {
  t_.Run({"ZADD", "z", "1", "a"});
  t_.Run({"HSET", "h", "f", "v"});
  t_.Run({"SET", "s", "v"});
  EXPECT_EQ(t_.Run({"DEBUG", "LISTPACK", "z"}), "+Listpack structure printed on stdout\r\n");
  EXPECT_EQ(t_.Run({"DEBUG", "LISTPACK", "h"}), "+Listpack structure printed on stdout\r\n");
  EXPECT_EQ(t_.Run({"DEBUG", "LISTPACK", "s"}), "-ERR Not a listpack encoded object.\r\n");
  EXPECT_EQ(t_.Run({"DEBUG", "LISTPACK", "nokey"}), "-ERR no such key\r\n");
  EXPECT_EQ(t_.Run({"DEBUG", "QUICKLIST", "z"}), "-ERR Not a quicklist encoded object.\r\n");
  EXPECT_EQ(t_.Run({"DEBUG", "HTSTATS", "16"}), "-ERR Out of range database\r\n");
  EXPECT_EQ(t_.Run({"DEBUG", "HTSTATS-KEY", "z"}),
            "-ERR The value stored at the specified key is not represented using an hash "
            "table\r\n");
  EXPECT_EQ(t_.Run({"DEBUG", "HTSTATS", "1"}),
            "$189\r\n[Dictionary HT]\nHash table 0 stats (main hash table):\nNo stats "
            "available for empty dictionaries\n[Expires HT]\nHash table 0 stats (main hash "
            "table):\nNo stats available for empty dictionaries\n\r\n");
  EXPECT_NE(t_.Run({"DEBUG", "HTSTATS", "0"}).find(" table size: 4\n number of elements: 3\n"),
            std::string::npos);
}

TEST_F(DebugDataTest, SettingsRedisKeepsAsGlobals) {
  EXPECT_EQ(t_.Run({"DEBUG", "PAUSE-CRON", "1"}), "+OK\r\n");
  EXPECT_TRUE(t_.config().pause_cron);
  EXPECT_EQ(t_.Run({"DEBUG", "PAUSE-CRON", "0"}), "+OK\r\n");
  EXPECT_FALSE(t_.config().pause_cron);
  std::string denied = t_.Run({"EVAL", "return redis.call('debug', 'sleep', '0')", "0"});
  EXPECT_TRUE(denied.starts_with("-ERR This Redis command is not allowed from script")) << denied;
  EXPECT_EQ(t_.Run({"DEBUG", "SET-DISABLE-DENY-SCRIPTS", "1"}), "+OK\r\n");
  EXPECT_TRUE(t_.config().script_disable_deny_script);
  EXPECT_EQ(t_.Run({"EVAL", "return redis.call('debug', 'sleep', '0')", "0"}), "+OK\r\n");
  EXPECT_EQ(t_.Run({"DEBUG", "SET-DISABLE-DENY-SCRIPTS", "0"}), "+OK\r\n");
  EXPECT_EQ(t_.Run({"DEBUG", "CHANGE-REPL-ID"}), "+OK\r\n");
  EXPECT_EQ(t_.Run({"DEBUG", "JMAP"}),
            "-ERR unknown subcommand or wrong number of arguments for 'JMAP'. Try DEBUG "
            "HELP.\r\n");
}

}  // namespace
}  // namespace duet
