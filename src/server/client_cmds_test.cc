#include <gtest/gtest.h>

#include "server/client_list.h"
#include "server/test_harness.h"

namespace duet {
namespace {

TEST(ClientCommandsTest, ContainerAndArity) {
  TestServer t;
  EXPECT_EQ(t.Run({"CLIENT"}), "-ERR wrong number of arguments for 'client' command\r\n");
  EXPECT_EQ(t.Run({"CLIENT", "foo"}), "-ERR unknown subcommand 'foo'. Try CLIENT HELP.\r\n");
  EXPECT_EQ(t.Run({"CLIENT", "ID", "x"}),
            "-ERR wrong number of arguments for 'client|id' command\r\n");
  EXPECT_EQ(t.Run({"CLIENT", "ID"}), ":1000\r\n");
  std::string help = t.Run({"client", "help"});
  EXPECT_EQ(help.substr(0, help.find("\r\n", help.find("\r\n") + 2) + 2),
            "*48\r\n+CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n");
}

TEST(ClientCommandsTest, Names) {
  TestServer t;
  EXPECT_EQ(t.Run({"CLIENT", "GETNAME"}), "$-1\r\n");
  EXPECT_EQ(t.Run({"CLIENT", "SETNAME", "a b"}),
            "-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
  EXPECT_EQ(t.Run({"CLIENT", "SETNAME", "\x80"}),
            "-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
  EXPECT_EQ(t.Run({"CLIENT", "SETNAME", "worker-1"}), "+OK\r\n");
  EXPECT_EQ(t.Run({"CLIENT", "GETNAME"}), "$8\r\nworker-1\r\n");
  EXPECT_EQ(t.Run({"CLIENT", "SETNAME", ""}), "+OK\r\n");
  EXPECT_EQ(t.Run({"HELLO", "3"}).substr(0, 3), "%7\r");
  EXPECT_EQ(t.Run({"CLIENT", "GETNAME"}), "_\r\n");
}

TEST(ClientCommandsTest, SetinfoIsRedis72s) {
  TestServer t;
  EXPECT_EQ(t.Run({"CLIENT", "SETINFO", "LIB-NAME", "ioredis"}), "+OK\r\n");
  EXPECT_EQ(t.Run({"CLIENT", "SETINFO", "lib-ver", "5.3.2"}), "+OK\r\n");
  EXPECT_EQ(t.client().lib_name, "ioredis");
  EXPECT_EQ(t.client().lib_ver, "5.3.2");
  EXPECT_EQ(t.Run({"CLIENT", "SETINFO", "lib-ver", ""}), "+OK\r\n");
  EXPECT_EQ(t.client().lib_ver, "");
  EXPECT_EQ(t.Run({"CLIENT", "SETINFO", "foo", "x"}), "-ERR Unrecognized option 'foo'\r\n");
  EXPECT_EQ(t.Run({"CLIENT", "SETINFO", "lib-Name", "a b"}),
            "-ERR lib-Name cannot contain spaces, newlines or special characters.\r\n");
  EXPECT_EQ(t.Run({"CLIENT", "SETINFO", "lib-name"}),
            "-ERR wrong number of arguments for 'client|setinfo' command\r\n");
}

TEST(ClientCommandsTest, InfoLineHasRedisFieldsInOrder) {
  TestServer t;
  t.client().peer_ip = "127.0.0.1";
  t.client().peer_port = 5000;
  t.client().local_addr = "127.0.0.1:6379";
  t.client().created_ms = t.clock().NowMs() - 3000;
  t.client().last_interaction_ms = t.clock().NowMs();
  t.Run({"CLIENT", "SETNAME", "alpha"});
  t.Run({"SELECT", "2"});
  std::string r = t.Run({"CLIENT", "INFO"});
  // Everything up to the memory figures, which depend on buffer capacities.
  EXPECT_EQ(r.substr(0, r.find(" qbuf=")),
            "$" + std::to_string(r.size() - r.find("\r\n") - 4) +
                "\r\nid=1000 addr=127.0.0.1:5000 laddr=127.0.0.1:6379 fd=-1 name=alpha age=3 "
                "idle=0 flags=N db=2 sub=0 psub=0 ssub=0 multi=-1");
  EXPECT_NE(r.find(" argv-mem=10 multi-mem=0 rbs="), std::string::npos) << r;
  EXPECT_NE(r.find(" events=r cmd=client|info user=default redir=-1 resp=2\n\r\n"),
            std::string::npos)
      << r;
  const char* fields[] = {"id",        "addr",     "laddr",     "fd",   "name", "age",   "idle",
                          "flags",     "db",       "sub",       "psub", "ssub", "multi", "qbuf",
                          "qbuf-free", "argv-mem", "multi-mem", "rbs",  "rbp",  "obl",   "oll",
                          "omem",      "tot-mem",  "events",    "cmd",  "user", "redir", "resp"};
  size_t pos = 0;
  for (const char* f : fields) {
    size_t at = r.find(std::string(f) + "=", pos);
    ASSERT_NE(at, std::string::npos) << f;
    pos = at + 1;
  }
  t.Run({"HELLO", "3"});
  EXPECT_EQ(t.Run({"CLIENT", "INFO"}).substr(0, 1), "=");
}

TEST(ClientCommandsTest, InfoFlagsAndAddresses) {
  Client c(7, 9);
  c.is_unix = true;
  c.local_addr = "/tmp/duet.sock";
  c.is_monitor = true;
  c.no_evict = true;
  ClientInfoContext ctx;
  std::string line;
  AppendClientInfo(line, c, ctx);
  EXPECT_EQ(line.substr(0, line.find(" age=")),
            "id=7 addr=/tmp/duet.sock:0 laddr=/tmp/duet.sock:0 fd=9 name=");
  EXPECT_NE(line.find(" flags=OUe "), std::string::npos) << line;
  EXPECT_NE(line.find(" cmd=NULL "), std::string::npos) << line;

  Client v6(8, 10);
  v6.peer_ip = "::1";
  v6.peer_port = 4000;
  v6.local_addr = "::1:6379";
  EXPECT_EQ(v6.PeerId(), "[::1]:4000");
  EXPECT_EQ(ClientLocalAddr(v6), "[::1]:6379");
}

TEST(ClientCommandsTest, ListAndKillErrors) {
  TestServer t;
  EXPECT_EQ(t.Run({"CLIENT", "LIST", "foo"}), "-ERR syntax error\r\n");
  EXPECT_EQ(t.Run({"CLIENT", "LIST", "TYPE", "bogus"}), "-ERR Unknown client type 'bogus'\r\n");
  EXPECT_EQ(t.Run({"CLIENT", "LIST", "ID"}), "-ERR syntax error\r\n");
  EXPECT_EQ(t.Run({"CLIENT", "LIST", "ID", "1", "x"}), "-ERR Invalid client ID\r\n");
  EXPECT_EQ(t.Run({"CLIENT", "LIST", "ID", "424242"}), "$0\r\n\r\n");
  EXPECT_EQ(t.Run({"CLIENT", "LIST", "TYPE", "replica"}), "$0\r\n\r\n");
  EXPECT_EQ(t.Run({"CLIENT", "KILL", "1.2.3.4:5"}), "-ERR No such client\r\n");
  EXPECT_EQ(t.Run({"CLIENT", "KILL", "ID", "0"}), "-ERR client-id should be greater than 0\r\n");
  EXPECT_EQ(t.Run({"CLIENT", "KILL", "ID", "x"}), "-ERR client-id should be greater than 0\r\n");
  EXPECT_EQ(t.Run({"CLIENT", "KILL", "TYPE", "x"}), "-ERR Unknown client type 'x'\r\n");
  EXPECT_EQ(t.Run({"CLIENT", "KILL", "USER", "bob"}), "-ERR No such user 'bob'\r\n");
  EXPECT_EQ(t.Run({"CLIENT", "KILL", "SKIPME", "maybe"}), "-ERR syntax error\r\n");
  EXPECT_EQ(t.Run({"CLIENT", "KILL", "ID", "5", "TYPE"}), "-ERR syntax error\r\n");
  EXPECT_EQ(t.Run({"CLIENT", "KILL", "MAXAGE", "x"}),
            "-ERR maxage is not an integer or out of range\r\n");
  EXPECT_EQ(t.Run({"CLIENT", "KILL", "MAXAGE", "0"}), "-ERR maxage should be greater than 0\r\n");
  EXPECT_EQ(t.Run({"CLIENT", "KILL", "MAXAGE", "10", "SKIPME", "no"}), ":0\r\n");
  EXPECT_FALSE(t.client().close_after_reply);
}

TEST(ClientCommandsTest, ReplyOffSkipOn) {
  TestServer t;
  EXPECT_EQ(t.Run({"CLIENT", "REPLY", "SKIP"}), "");
  EXPECT_EQ(t.Run({"PING", "a"}), "");
  EXPECT_EQ(t.Run({"PING", "b"}), "$1\r\nb\r\n");
  EXPECT_EQ(t.Run({"CLIENT", "REPLY", "OFF"}), "");
  EXPECT_EQ(t.Run({"NOSUCH"}), "");
  EXPECT_EQ(t.Run({"GET"}), "");
  EXPECT_EQ(t.Run({"CLIENT", "REPLY", "SKIP"}), "");  // no effect while OFF
  EXPECT_EQ(t.Run({"CLIENT", "REPLY", "ON"}), "+OK\r\n");
  EXPECT_EQ(t.Run({"PING"}), "+PONG\r\n");
  // A rejected command consumes the skip too.
  EXPECT_EQ(t.Run({"CLIENT", "REPLY", "SKIP"}), "");
  EXPECT_EQ(t.Run({"GET"}), "");
  EXPECT_EQ(t.Run({"PING"}), "+PONG\r\n");
  // ON right after SKIP is answered.
  EXPECT_EQ(t.Run({"CLIENT", "REPLY", "SKIP"}), "");
  EXPECT_EQ(t.Run({"CLIENT", "REPLY", "ON"}), "+OK\r\n");
  EXPECT_EQ(t.Run({"CLIENT", "REPLY", "bad"}), "-ERR syntax error\r\n");
  // Errors are still counted while muted.
  uint64_t before = t.server().stats().total_error_replies;
  t.Run({"CLIENT", "REPLY", "OFF"});
  t.Run({"NOSUCH"});
  EXPECT_EQ(t.server().stats().total_error_replies, before + 1);
}

TEST(ClientCommandsTest, ResetEndsReplyOffButIsSkippedAfterSkip) {
  TestServer t;
  EXPECT_EQ(t.Run({"CLIENT", "REPLY", "OFF"}), "");
  EXPECT_EQ(t.Run({"RESET"}), "+RESET\r\n");
  EXPECT_EQ(t.Run({"CLIENT", "REPLY", "SKIP"}), "");
  EXPECT_EQ(t.Run({"RESET"}), "");
  EXPECT_EQ(t.Run({"PING"}), "+PONG\r\n");
}

TEST(ClientCommandsTest, PauseWriteHoldsWritesOnly) {
  TestServer t;
  EXPECT_EQ(t.Run({"CLIENT", "PAUSE", "abc"}),
            "-ERR timeout is not an integer or out of range\r\n");
  EXPECT_EQ(t.Run({"CLIENT", "PAUSE", "-1"}), "-ERR timeout is negative\r\n");
  EXPECT_EQ(t.Run({"CLIENT", "PAUSE", "abc", "foo"}),
            "-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n");
  EXPECT_EQ(t.Run({"CLIENT", "PAUSE", "1", "WRITE", "x"}),
            "-ERR unknown subcommand or wrong number of arguments for 'PAUSE'. Try CLIENT "
            "HELP.\r\n");
  EXPECT_EQ(t.Run({"CLIENT", "PAUSE", "0"}), "+OK\r\n");
  EXPECT_FALSE(t.server().paused());

  EXPECT_EQ(t.Run({"CLIENT", "PAUSE", "1000", "WRITE"}), "+OK\r\n");
  EXPECT_TRUE(t.server().paused());
  std::vector<std::string_view> set = {"SET", "k", "v"};
  EXPECT_FALSE(t.server().Execute(t.client(), set));  // held, not run
  EXPECT_EQ(t.Run({"GET", "k"}), "$-1\r\n");
  EXPECT_EQ(t.Run({"CLIENT", "UNPAUSE"}), "+OK\r\n");
  EXPECT_FALSE(t.server().paused());
  EXPECT_EQ(t.Run({"SET", "k", "v"}), "+OK\r\n");
}

TEST(ClientCommandsTest, PauseAllHoldsEverythingAndNestedPauseKeepsStricter) {
  TestServer t;
  EXPECT_EQ(t.Run({"CLIENT", "PAUSE", "1000", "ALL"}), "+OK\r\n");
  // A later WRITE pause does not relax ALL.
  t.server().PauseClients(t.clock().NowMs() + 10, /*write_only=*/true);
  std::vector<std::string_view> ping = {"PING"};
  EXPECT_FALSE(t.server().Execute(t.client(), ping));
  // A monitor is a replica to Redis and is never paused.
  t.client().is_monitor = true;
  EXPECT_TRUE(t.server().Execute(t.client(), ping));
  t.client().is_monitor = false;
  t.server().UnpauseClients();
  EXPECT_EQ(t.Run({"PING"}), "+PONG\r\n");
}

TEST(ClientCommandsTest, NoEvict) {
  TestServer t;
  EXPECT_EQ(t.Run({"CLIENT", "NO-EVICT", "maybe"}), "-ERR syntax error\r\n");
  EXPECT_EQ(t.Run({"CLIENT", "NO-EVICT", "on"}), "+OK\r\n");
  EXPECT_TRUE(t.client().no_evict);
  EXPECT_EQ(t.Run({"CLIENT", "NO-EVICT", "OFF"}), "+OK\r\n");
  EXPECT_FALSE(t.client().no_evict);
}

TEST(ClientCommandsTest, LastCommandIsSetAtLookup) {
  TestServer t;
  t.Run({"NOSUCH"});
  EXPECT_EQ(t.client().last_command, "NULL");
  t.Run({"CLIENT", "nope"});
  EXPECT_EQ(t.client().last_command, "NULL");
  t.Run({"GET"});
  EXPECT_EQ(t.client().last_command, "get");
  t.Run({"CLIENT"});
  EXPECT_EQ(t.client().last_command, "client");
}

}  // namespace
}  // namespace duet
