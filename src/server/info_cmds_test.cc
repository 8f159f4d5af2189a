#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "common/latency_histogram.h"
#include "server/info_sections.h"
#include "server/test_harness.h"

namespace duet {
namespace {

// The text of a RESP2 bulk reply.
std::string BulkText(const std::string& reply) {
  size_t eol = reply.find("\r\n");
  if (reply.empty() || reply[0] != '$' || eol == std::string::npos) return "<" + reply + ">";
  return reply.substr(eol + 2, std::stoul(reply.substr(1, eol - 1)));
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t eol = text.find("\r\n", start);
    if (eol == std::string::npos) eol = text.size();
    out.push_back(text.substr(start, eol - start));
    start = eol + 2;
  }
  return out;
}

// Field names of a section's text, in order.
std::vector<std::string> FieldNames(const std::string& text) {
  std::vector<std::string> out;
  for (const std::string& l : Lines(text)) {
    if (l.empty() || l[0] == '#') continue;
    out.push_back(l.substr(0, l.find(':')));
  }
  return out;
}

std::string Field(const std::string& text, const std::string& name) {
  for (const std::string& l : Lines(text)) {
    if (l.rfind(name + ":", 0) == 0) return l.substr(name.size() + 1);
  }
  return "<missing>";
}

TEST(InfoTest, DefaultSectionsAndSeparators) {
  TestServer t;
  std::string info = BulkText(t.Run({"INFO"}));
  std::vector<std::string> headers;
  for (const std::string& l : Lines(info)) {
    if (!l.empty() && l[0] == '#') headers.push_back(l);
  }
  EXPECT_EQ(headers, (std::vector<std::string>{"# Server", "# Clients", "# Memory", "# Persistence",
                                               "# Stats", "# Replication", "# CPU", "# Modules",
                                               "# Errorstats", "# Cluster", "# Keyspace"}));
  EXPECT_EQ(BulkText(t.Run({"INFO", "default"})).size() > 0, true);
  // Sections are separated by one empty line; the text ends with the last field's CRLF.
  EXPECT_NE(info.find("io_threads_active:0\r\nduet_version:0.1.0\r\n\r\n# Clients\r\n"),
            std::string::npos);
  EXPECT_EQ(info.substr(info.size() - 2), "\r\n");
  EXPECT_NE(info.substr(info.size() - 4), "\r\n\r\n");
}

TEST(InfoTest, AllAndEverythingAddCommandAndLatencyStats) {
  TestServer t;
  for (const char* arg : {"all", "everything", "ALL"}) {
    std::string info = BulkText(t.Run({"INFO", arg}));
    EXPECT_NE(info.find("# Commandstats\r\n"), std::string::npos) << arg;
    EXPECT_NE(info.find("# Latencystats\r\n"), std::string::npos) << arg;
    EXPECT_NE(info.find("# Keyspace\r\n"), std::string::npos) << arg;
  }
  std::string def = BulkText(t.Run({"INFO"}));
  EXPECT_EQ(def.find("# Commandstats"), std::string::npos);
}

TEST(InfoTest, NamedSectionsUnknownAndEmpty) {
  TestServer t;
  EXPECT_EQ(t.Run({"INFO", "nosuch"}), "$0\r\n\r\n");
  EXPECT_EQ(t.Run({"INFO", "cluster"}), "$30\r\n# Cluster\r\ncluster_enabled:0\r\n\r\n");
  EXPECT_EQ(t.Run({"INFO", "modules"}), "$11\r\n# Modules\r\n\r\n");
  EXPECT_EQ(t.Run({"INFO", "CLUSTER", "modules", "cluster"}),
            "$43\r\n# Modules\r\n\r\n# Cluster\r\ncluster_enabled:0\r\n\r\n");
  t.client().resp = 3;
  t.client().reply().SetResp3(true);
  EXPECT_EQ(t.Run({"INFO", "cluster"}), "=34\r\ntxt:# Cluster\r\ncluster_enabled:0\r\n\r\n");
}

TEST(InfoTest, FieldOrderOfRedis7) {
  TestServer t;
  EXPECT_EQ(FieldNames(BulkText(t.Run({"INFO", "clients"}))),
            (std::vector<std::string>{"connected_clients", "cluster_connections", "maxclients",
                                      "client_recent_max_input_buffer",
                                      "client_recent_max_output_buffer", "blocked_clients",
                                      "tracking_clients", "clients_in_timeout_table"}));
  EXPECT_EQ(FieldNames(BulkText(t.Run({"INFO", "replication"}))),
            (std::vector<std::string>{
                "role", "connected_slaves", "master_failover_state", "master_replid",
                "master_replid2", "master_repl_offset", "second_repl_offset", "repl_backlog_active",
                "repl_backlog_size", "repl_backlog_first_byte_offset", "repl_backlog_histlen"}));
  std::vector<std::string> server = FieldNames(BulkText(t.Run({"INFO", "server"})));
  ASSERT_GE(server.size(), 3u);
  EXPECT_EQ(server.front(), "redis_version");
  EXPECT_EQ(server.back(), "duet_version");
  EXPECT_EQ(FieldNames(BulkText(t.Run({"INFO", "memory"}))).size(), 51u);
  EXPECT_EQ(FieldNames(BulkText(t.Run({"INFO", "persistence"}))).size(), 30u);
  EXPECT_EQ(FieldNames(BulkText(t.Run({"INFO", "stats"}))).size(), 50u);
  EXPECT_EQ(FieldNames(BulkText(t.Run({"INFO", "cpu"}))).size(), 6u);
}

TEST(InfoTest, ValuesClientsRely) {
  TestServer t;
  std::string info = BulkText(t.Run({"INFO"}));
  EXPECT_EQ(Field(info, "redis_version"), "7.0.15");  // BullMQ checks it
  EXPECT_EQ(Field(info, "loading"), "0");             // ioredis's ready check
  EXPECT_EQ(Field(info, "maxmemory_policy"), "noeviction");
  EXPECT_EQ(Field(info, "role"), "master");
  EXPECT_EQ(Field(info, "rdb_last_bgsave_status"), "ok");
  EXPECT_EQ(Field(info, "aof_enabled"), "0");
  EXPECT_EQ(Field(info, "run_id"), t.server().run_id());
  t.Run({"CONFIG", "SET", "maxmemory-policy", "allkeys-lru", "maxmemory", "1mb"});
  info = BulkText(t.Run({"INFO", "memory"}));
  EXPECT_EQ(Field(info, "maxmemory_policy"), "allkeys-lru");
  EXPECT_EQ(Field(info, "maxmemory"), "1048576");
  EXPECT_EQ(Field(info, "maxmemory_human"), "1.00M");
}

TEST(InfoTest, KeyspaceLines) {
  TestServer t;
  EXPECT_EQ(t.Run({"INFO", "keyspace"}), "$12\r\n# Keyspace\r\n\r\n");
  t.Run({"SET", "a", "1"});
  t.Run({"SET", "b", "2", "PX", "10000"});
  t.Run({"SELECT", "5"});
  t.Run({"SET", "c", "3"});
  std::string ks = BulkText(t.Run({"INFO", "keyspace"}));
  EXPECT_EQ(ks,
            "# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=10000\r\n"
            "db5:keys=1,expires=0,avg_ttl=0\r\n");
  t.clock().AdvanceMs(4000);
  EXPECT_EQ(Field(BulkText(t.Run({"INFO", "keyspace"})), "db0"), "keys=2,expires=1,avg_ttl=6000");
}

TEST(InfoTest, CommandStatsErrorStatsAndReset) {
  TestServer t;
  t.Run({"SET", "k", "v"});
  t.Run({"SET", "k", "v"});
  t.Run({"GET"});                  // rejected: arity
  t.Run({"INCR", "k"});            // failed: not an integer
  t.Run({"NOSUCH"});               // unknown command
  t.Run({"CONFIG", "GET", "hz"});  // subcommand
  std::string cs = BulkText(t.Run({"INFO", "commandstats"}));
  EXPECT_NE(cs.find("cmdstat_set:calls=2,usec="), std::string::npos) << cs;
  EXPECT_NE(cs.find(",rejected_calls=0,failed_calls=0\r\n"), std::string::npos);
  EXPECT_NE(cs.find("cmdstat_get:calls=0,usec=0,usec_per_call=0.00,rejected_calls=1,"
                    "failed_calls=0\r\n"),
            std::string::npos)
      << cs;
  EXPECT_NE(cs.find("cmdstat_incr:calls=1,"), std::string::npos);
  EXPECT_NE(cs.find(",rejected_calls=0,failed_calls=1\r\n"), std::string::npos);
  EXPECT_NE(cs.find("cmdstat_config|get:calls=1,"), std::string::npos);
  EXPECT_EQ(BulkText(t.Run({"INFO", "errorstats"})), "# Errorstats\r\nerrorstat_ERR:count=3\r\n");
  std::string stats = BulkText(t.Run({"INFO", "stats"}));
  EXPECT_EQ(Field(stats, "total_error_replies"), "3");
  std::string lat = BulkText(t.Run({"INFO", "latencystats"}));
  EXPECT_NE(lat.find("latency_percentiles_usec_set:p50="), std::string::npos) << lat;
  EXPECT_NE(lat.find(",p99="), std::string::npos);
  EXPECT_NE(lat.find(",p99.9="), std::string::npos);
  EXPECT_EQ(lat.find("latency_percentiles_usec_get:"), std::string::npos);  // never ran

  EXPECT_EQ(t.Run({"CONFIG", "RESETSTAT"}), "+OK\r\n");
  EXPECT_EQ(BulkText(t.Run({"INFO", "errorstats"})), "# Errorstats\r\n");
  cs = BulkText(t.Run({"INFO", "commandstats"}));
  EXPECT_EQ(cs.find("cmdstat_set"), std::string::npos) << cs;
  EXPECT_EQ(Field(BulkText(t.Run({"INFO", "stats"})), "total_error_replies"), "0");
  // The dirty counter is not a statistic.
  EXPECT_EQ(Field(BulkText(t.Run({"INFO", "persistence"})), "rdb_changes_since_last_save"), "2");
}

TEST(InfoTest, ResetStatRestartsLazyfreedObjects) {
  TestServer t;
  // A hashtable set of 200 members: freeing it is worth the lazy-free thread (effort > 64).
  std::vector<std::string> push = {"SADD", "big"};
  for (int i = 0; i < 200; i++) push.push_back("element-" + std::to_string(i));
  t.RunStrings(push);
  EXPECT_EQ(t.Run({"UNLINK", "big"}), ":1\r\n");
  t.server().keyspace().lazy_freer().Drain();
  EXPECT_EQ(Field(BulkText(t.Run({"INFO", "memory"})), "lazyfreed_objects"), "1");
  EXPECT_EQ(t.Run({"CONFIG", "RESETSTAT"}), "+OK\r\n");
  EXPECT_EQ(Field(BulkText(t.Run({"INFO", "memory"})), "lazyfreed_objects"), "0");
}

TEST(InfoTest, LatencyTrackingConfig) {
  TestServer t;
  t.Run({"CONFIG", "SET", "latency-tracking-info-percentiles", "50 100"});
  t.Run({"PING"});
  std::string lat = BulkText(t.Run({"INFO", "latencystats"}));
  EXPECT_NE(lat.find("latency_percentiles_usec_ping:p50="), std::string::npos) << lat;
  EXPECT_NE(lat.find(",p100="), std::string::npos) << lat;
  t.Run({"CONFIG", "SET", "latency-tracking", "no"});
  EXPECT_EQ(BulkText(t.Run({"INFO", "latencystats"})), "# Latencystats\r\n");
}

TEST(InfoTest, BytesToHuman) {
  EXPECT_EQ(BytesToHuman(0), "0B");
  EXPECT_EQ(BytesToHuman(1023), "1023B");
  EXPECT_EQ(BytesToHuman(941264), "919.20K");
  EXPECT_EQ(BytesToHuman(12156928), "11.59M");
  EXPECT_EQ(BytesToHuman(25276514304ULL), "23.54G");
}

TEST(LatencyHistogramTest, RedisPercentiles) {
  LatencyHistogram h;
  EXPECT_EQ(h.ValueAtPercentile(50), 0);
  h.Record(9000);  // a 9 us call: Redis prints p50=9.023
  EXPECT_EQ(h.ValueAtPercentile(50), 9023);
  EXPECT_EQ(h.ValueAtPercentile(100), 9023);
  LatencyHistogram g;
  for (int i = 0; i < 99; i++) g.Record(1000);
  g.Record(159743);
  EXPECT_EQ(g.ValueAtPercentile(50), 1003);  // 1000 ns shares a 4 ns bucket
  EXPECT_EQ(g.ValueAtPercentile(99.9), 159743);
  LatencyHistogram c;
  c.Record(0);
  c.Record(int64_t{5} * 1000 * 1000 * 1000);  // clamped to 1 s
  EXPECT_EQ(c.total_count(), 2u);
  EXPECT_EQ(c.ValueAtPercentile(100), 1002438655);  // Redis's p100 of a clamped 1 s
}

TEST(ConfigCommandTest, GetSetHelpAndErrors) {
  TestServer t;
  EXPECT_EQ(t.Run({"CONFIG", "GET", "maxmemory"}), "*2\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n");
  EXPECT_EQ(t.Run({"CONFIG", "SET", "maxmemory", "10mb"}), "+OK\r\n");
  EXPECT_EQ(t.config().maxmemory, 10u << 20);
  EXPECT_EQ(t.Run({"CONFIG", "SET", "maxmemory", "1", "x"}), "-ERR syntax error\r\n");
  EXPECT_EQ(t.Run({"CONFIG", "GET"}),
            "-ERR wrong number of arguments for 'config|get' command\r\n");
  EXPECT_EQ(t.Run({"CONFIG", "SET", "x"}),
            "-ERR wrong number of arguments for 'config|set' command\r\n");
  EXPECT_EQ(t.Run({"CONFIG"}), "-ERR wrong number of arguments for 'config' command\r\n");
  EXPECT_EQ(t.Run({"CONFIG", "REWRITE"}), "-ERR The server is running without a config file\r\n");
  std::string help = t.Run({"config", "help"});
  EXPECT_EQ(
      help.rfind("*11\r\n+CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n", 0),
      0u);
  t.client().resp = 3;
  t.client().reply().SetResp3(true);
  EXPECT_EQ(t.Run({"CONFIG", "GET", "timeout"}), "%1\r\n$7\r\ntimeout\r\n$1\r\n0\r\n");
}

TEST(ConfigCommandTest, SetTakesEffect) {
  TestServer t;
  for (int i = 0; i < 5; i++) t.Run({"PING"});
  EXPECT_EQ(t.Run({"CONFIG", "SET", "slowlog-log-slower-than", "0", "slowlog-max-len", "2"}),
            "+OK\r\n");
  t.Run({"PING"});
  t.Run({"PING"});
  t.Run({"PING"});
  EXPECT_EQ(t.server().slowlog().entries().size(), 2u);
  EXPECT_EQ(t.Run({"CONFIG", "SET", "slowlog-max-len", "1"}), "+OK\r\n");
  EXPECT_EQ(t.server().slowlog().entries().size(), 1u);
  EXPECT_EQ(t.Run({"CONFIG", "SET", "requirepass", "pw"}), "+OK\r\n");
  EXPECT_EQ(t.config().requirepass, "pw");
  EXPECT_EQ(t.Run({"CONFIG", "SET", "hz", "50"}), "+OK\r\n");
  EXPECT_EQ(Field(BulkText(t.Run({"INFO", "server"})), "configured_hz"), "50");
}

}  // namespace
}  // namespace duet
