#include "observe/prometheus.h"

#include <gtest/gtest.h>

namespace duet {
namespace {

MetricsSnapshot Sample() {
  MetricsSnapshot s;
  s.info =
      "# Server\r\nredis_version:7.0.15\r\ntcp_port:6380\r\nrun_id:abc\r\n"
      "uptime_in_seconds:42\r\n\r\n"
      "# Memory\r\nused_memory:1000\r\nused_memory_rss:4096\r\nused_memory_peak:2000\r\n"
      "maxmemory:8192\r\nmaxmemory_policy:noeviction\r\n\r\n"
      "# Persistence\r\nrdb_changes_since_last_save:7\r\nrdb_last_bgsave_status:err\r\n"
      "aof_enabled:1\r\naof_last_write_status:ok\r\n\r\n"
      "# Stats\r\nkeyspace_hits:5\r\nkeyspace_misses:2\r\nevicted_keys:0\r\n\r\n"
      "# Commandstats\r\n"
      "cmdstat_set:calls=3,usec=12,usec_per_call=4.00,rejected_calls=1,failed_calls=0\r\n"
      "cmdstat_client|list:calls=1,usec=5,usec_per_call=5.00,rejected_calls=0,failed_calls=0\r\n"
      "\r\n# Latencystats\r\nlatency_percentiles_usec_set:p50=4.007,p99=8.015,p99.9=8.015\r\n"
      "\r\n# Keyspace\r\ndb0:keys=3,expires=1,avg_ttl=100\r\ndb2:keys=1,expires=0,avg_ttl=0\r\n";
  s.bullmq_prefix = "bull";
  QueueDepth q{.db = 0, .name = "em\"ail"};
  q.counts = {4, 1, 2, 0, 9, 0, 0, 0};
  s.queues.push_back(q);
  return s;
}

bool Has(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.starts_with(line + "\n");
}

TEST(Prometheus, FieldsFromInfo) {
  std::string t = RenderPrometheus(Sample());
  EXPECT_TRUE(
      t.starts_with("# HELP duet_up 1: the server answered this scrape.\n"
                    "# TYPE duet_up gauge\nduet_up 1\n"))
      << t;
  for (const char* line : {
           "duet_instance_info{redis_version=\"7.0.15\",tcp_port=\"6380\","
           "maxmemory_policy=\"noeviction\",run_id=\"abc\"} 1",
           "# TYPE duet_uptime_seconds gauge",
           "duet_uptime_seconds 42",
           "duet_memory_used_bytes 1000",
           "duet_memory_rss_bytes 4096",
           "duet_memory_peak_bytes 2000",
           "duet_memory_max_bytes 8192",
           "duet_rdb_changes_since_last_save 7",
           "duet_rdb_last_bgsave_ok 0",
           "duet_aof_enabled 1",
           "duet_aof_last_write_ok 1",
           "# TYPE duet_keyspace_hits_total counter",
           "duet_keyspace_hits_total 5",
           "duet_keyspace_misses_total 2",
           "duet_evicted_keys_total 0",
       }) {
    EXPECT_TRUE(Has(t, line)) << line << "\n" << t;
  }
  // Fields INFO did not give leave their metric out.
  EXPECT_EQ(t.find("duet_expired_keys_total"), std::string::npos);
  EXPECT_EQ(t.find("duet_aof_last_bgrewrite_ok"), std::string::npos);
}

TEST(Prometheus, KeyspaceCommandsLatency) {
  std::string t = RenderPrometheus(Sample());
  for (const char* line : {
           "duet_keys{db=\"0\"} 3",
           "duet_keys{db=\"2\"} 1",
           "duet_expiring_keys{db=\"0\"} 1",
           "duet_expiring_keys{db=\"2\"} 0",
           "# TYPE duet_command_calls_total counter",
           "duet_command_calls_total{cmd=\"set\"} 3",
           "duet_command_calls_total{cmd=\"client|list\"} 1",
           "duet_command_duration_usec_total{cmd=\"set\"} 12",
           "duet_command_rejected_calls_total{cmd=\"set\"} 1",
           "duet_command_failed_calls_total{cmd=\"client|list\"} 0",
           "# TYPE duet_command_latency_usec summary",
           "duet_command_latency_usec{cmd=\"set\",quantile=\"0.5\"} 4.007",
           "duet_command_latency_usec{cmd=\"set\",quantile=\"0.99\"} 8.015",
           "duet_command_latency_usec{cmd=\"set\",quantile=\"0.999\"} 8.015",
       }) {
    EXPECT_TRUE(Has(t, line)) << line << "\n" << t;
  }
}

TEST(Prometheus, QueueDepthsEscaped) {
  std::string t = RenderPrometheus(Sample());
  const std::string labels = "db=\"0\",prefix=\"bull\",queue=\"em\\\"ail\"";
  EXPECT_TRUE(Has(t, "duet_bullmq_jobs{" + labels + ",state=\"wait\"} 4")) << t;
  EXPECT_TRUE(Has(t, "duet_bullmq_jobs{" + labels + ",state=\"active\"} 1")) << t;
  EXPECT_TRUE(Has(t, "duet_bullmq_jobs{" + labels + ",state=\"delayed\"} 2")) << t;
  EXPECT_TRUE(Has(t, "duet_bullmq_jobs{" + labels + ",state=\"completed\"} 9")) << t;
  EXPECT_TRUE(Has(t, "duet_bullmq_jobs{" + labels + ",state=\"waiting-children\"} 0")) << t;
  EXPECT_TRUE(Has(t, "duet_bullmq_queues 1")) << t;
}

TEST(Prometheus, EscapeLabelValue) { EXPECT_EQ(EscapeLabelValue("a\\b\"c\nd"), "a\\\\b\\\"c\\nd"); }

TEST(Prometheus, EveryFamilyHasHelpAndType) {
  std::string t = RenderPrometheus(Sample());
  size_t pos = 0;
  std::string last;
  while (pos < t.size()) {
    size_t nl = t.find('\n', pos);
    std::string line = t.substr(pos, nl - pos);
    pos = nl + 1;
    if (line.starts_with("#")) continue;
    std::string name = line.substr(0, line.find_first_of("{ "));
    if (name == last) continue;
    last = name;
    EXPECT_NE(t.find("# TYPE " + name + " "), std::string::npos) << name;
    EXPECT_NE(t.find("# HELP " + name + " "), std::string::npos) << name;
  }
}

}  // namespace
}  // namespace duet
