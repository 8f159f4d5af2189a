// INFO: the stats, replication, cpu, commandstats, errorstats, latencystats and keyspace
// sections (field order of redis-server 7.0.15).
#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <iterator>
#include <random>
#include <vector>

#include "common/latency_histogram.h"
#include "common/strutil.h"
#include "config/config_values.h"
#include "server/info_sections.h"
#include "server/server.h"

namespace duet {

namespace {
template <typename... Args>
void Add(std::string& out, fmt::format_string<Args...> f, Args&&... args) {
  fmt::format_to(std::back_inserter(out), f, std::forward<Args>(args)...);
}

// Commands (and subcommands) in name order, for the per-command sections.
std::vector<const CommandSpec*> SortedCommands(Server& s) {
  std::vector<const CommandSpec*> out;
  s.commands().ForEach([&](const CommandSpec& spec) {
    out.push_back(&spec);
    for (const CommandSpec& sub : spec.subcommands) out.push_back(&sub);
  });
  std::sort(out.begin(), out.end(),
            [](const CommandSpec* a, const CommandSpec* b) { return a->name < b->name; });
  return out;
}

// The mean TTL (ms) of the keys of `db` that have one. Small databases are measured exactly;
// large ones from a random sample (Redis reports a running estimate too).
int64_t AverageTtl(Db& db, int64_t now_ms) {
  if (db.expires_size() == 0) return 0;
  int64_t sum = 0, n = 0;
  auto visit = [&](Entry* e) {
    if (e->has_expire() && e->expire_ms() > now_ms) {
      sum += e->expire_ms() - now_ms;
      n++;
    }
  };
  if (db.size() <= 4096) {
    uint64_t cursor = 0;
    do {
      cursor = db.Scan(cursor, visit);
    } while (cursor != 0);
  } else {
    uint64_t rnd = 0x9e3779b97f4a7c15ULL ^ static_cast<uint64_t>(now_ms);
    for (int i = 0; i < 512 && n < 64; i++) {
      rnd = rnd * 6364136223846793005ULL + 1442695040888963407ULL;
      if (Entry* e = db.RandomEntry(rnd)) visit(e);
    }
  }
  return n ? sum / n : 0;
}
}  // namespace

void AppendStatsSection(Server& s, std::string& out) {
  ServerStats& st = s.stats();
  KeyspaceContext& ks = s.keyspace().ctx();
  auto kbps = [](const uint64_t(&samples)[ServerStats::kSamples]) {
    return static_cast<float>(ServerStats::Mean(samples)) / 1024;
  };
  Add(out, "total_connections_received:{}\r\n", st.total_connections_received);
  Add(out, "total_commands_processed:{}\r\n", st.total_commands_processed);
  Add(out, "instantaneous_ops_per_sec:{}\r\n", ServerStats::Mean(st.ops_samples));
  Add(out, "total_net_input_bytes:{}\r\n", st.net_input_bytes);
  Add(out, "total_net_output_bytes:{}\r\n", st.net_output_bytes);
  out += "total_net_repl_input_bytes:0\r\n";
  out += "total_net_repl_output_bytes:0\r\n";
  Add(out, "instantaneous_input_kbps:{:.2f}\r\n", kbps(st.in_bytes_samples));
  Add(out, "instantaneous_output_kbps:{:.2f}\r\n", kbps(st.out_bytes_samples));
  out += "instantaneous_input_repl_kbps:0.00\r\n";
  out += "instantaneous_output_repl_kbps:0.00\r\n";
  Add(out, "rejected_connections:{}\r\n", st.rejected_connections);
  Add(out, "sync_full:{}\r\n", st.sync_full);
  Add(out, "sync_partial_ok:{}\r\n", st.sync_partial_ok);
  Add(out, "sync_partial_err:{}\r\n", st.sync_partial_err);
  Add(out, "expired_keys:{}\r\n", ks.expired_keys);
  out += "expired_stale_perc:0.00\r\n";
  Add(out, "expired_time_cap_reached_count:{}\r\n", st.expired_time_cap_reached_count);
  Add(out, "expire_cycle_cpu_milliseconds:{}\r\n", st.expire_cycle_cpu_milliseconds);
  Add(out, "evicted_keys:{}\r\n", st.evicted_keys);
  Add(out, "evicted_clients:{}\r\n", st.evicted_clients);
  uint64_t exceeded_now = s.CurrentEvictionExceededUs();
  Add(out, "total_eviction_exceeded_time:{}\r\n",
      (st.total_eviction_exceeded_us + exceeded_now) / 1000);
  Add(out, "current_eviction_exceeded_time:{}\r\n", exceeded_now / 1000);
  Add(out, "keyspace_hits:{}\r\n", ks.keyspace_hits);
  Add(out, "keyspace_misses:{}\r\n", ks.keyspace_misses);
  Add(out, "pubsub_channels:{}\r\n", s.pubsub().channel_count());
  Add(out, "pubsub_patterns:{}\r\n", s.pubsub().pattern_count());
  Add(out, "pubsubshard_channels:{}\r\n", s.pubsub().shard_channel_count());
  Add(out, "latest_fork_usec:{}\r\n", st.persistence.latest_fork_usec);
  Add(out, "total_forks:{}\r\n", st.persistence.total_forks);
  Add(out, "migrate_cached_sockets:{}\r\n", s.migrate_sockets().size());
  out += "slave_expires_tracked_keys:0\r\n";
  out += "active_defrag_hits:0\r\n";
  out += "active_defrag_misses:0\r\n";
  out += "active_defrag_key_hits:0\r\n";
  out += "active_defrag_key_misses:0\r\n";
  out += "total_active_defrag_time:0\r\n";
  out += "current_active_defrag_time:0\r\n";
  Add(out, "tracking_total_keys:{}\r\n", s.tracking().total_keys());
  Add(out, "tracking_total_items:{}\r\n", s.tracking().total_items());
  Add(out, "tracking_total_prefixes:{}\r\n", s.tracking().total_prefixes());
  Add(out, "unexpected_error_replies:{}\r\n", st.unexpected_error_replies);
  Add(out, "total_error_replies:{}\r\n", st.total_error_replies);
  Add(out, "dump_payload_sanitizations:{}\r\n", st.dump_payload_sanitizations);
  Add(out, "total_reads_processed:{}\r\n", st.total_reads_processed);
  Add(out, "total_writes_processed:{}\r\n", st.total_writes_processed);
  out += "io_threaded_reads_processed:0\r\n";
  out += "io_threaded_writes_processed:0\r\n";
  Add(out, "reply_buffer_shrinks:{}\r\n", st.reply_buffer_shrinks);
  Add(out, "reply_buffer_expands:{}\r\n", st.reply_buffer_expands);
}

void AppendReplicationSection(Server& s, std::string& out) {
  ServerStats& st = s.stats();
  if (st.master_replid.empty()) st.master_replid = NewReplicationId();
  const ReplicationFeed& feed = s.replication();
  if (s.is_replica_of_master()) {
    out += "role:slave\r\n";
    s.AppendReplicaInfo(out);
  } else {
    out += "role:master\r\n";
  }
  Add(out, "connected_slaves:{}\r\n", feed.replicas().size());
  const Config& config = s.config();
  if (config.min_replicas_to_write > 0 && config.min_replicas_max_lag > 0) {
    out += "min_slaves_good_slaves:" + std::to_string(s.GoodReplicas()) + "\r\n";
  }
  int64_t now_s = s.keyspace().ctx().now_ms / 1000;
  size_t i = 0;
  for (const ReplicationFeed::Replica& r : feed.replicas()) {
    Add(out, "slave{}:ip={},port={},state=online,offset={},lag={}\r\n", i++, r.ip, r.listening_port,
        r.ack_offset, now_s - r.ack_time_s);
  }
  out += "master_failover_state:no-failover\r\n";
  Add(out, "master_replid:{}\r\n", st.master_replid);
  Add(out, "master_replid2:{}\r\n", s.replid2());
  Add(out, "master_repl_offset:{}\r\n", feed.offset());
  Add(out, "second_repl_offset:{}\r\n", s.second_replid_offset());
  Add(out, "repl_backlog_active:{}\r\n", feed.backlog_active() ? 1 : 0);
  std::string backlog_size = s.config_table().GetValue("repl-backlog-size");
  Add(out, "repl_backlog_size:{}\r\n", backlog_size);
  Add(out, "repl_backlog_first_byte_offset:{}\r\n", feed.BacklogFirstByte());
  Add(out, "repl_backlog_histlen:{}\r\n", feed.BacklogHistlen());
}

void AppendCpuSection(std::string& out) {
  auto tv = [](const timeval& t) {
    return fmt::format("{}.{:06}", static_cast<long>(t.tv_sec), static_cast<long>(t.tv_usec));
  };
  rusage self{}, children{}, thread{};
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  getrusage(RUSAGE_THREAD, &thread);
  Add(out, "used_cpu_sys:{}\r\n", tv(self.ru_stime));
  Add(out, "used_cpu_user:{}\r\n", tv(self.ru_utime));
  Add(out, "used_cpu_sys_children:{}\r\n", tv(children.ru_stime));
  Add(out, "used_cpu_user_children:{}\r\n", tv(children.ru_utime));
  Add(out, "used_cpu_sys_main_thread:{}\r\n", tv(thread.ru_stime));
  Add(out, "used_cpu_user_main_thread:{}\r\n", tv(thread.ru_utime));
}

void AppendCommandStatsSection(Server& s, std::string& out) {
  for (const CommandSpec* c : SortedCommands(s)) {
    if (!c->calls && !c->failed_calls && !c->rejected_calls) continue;
    // Redis divides as float.
    float per_call = c->calls ? static_cast<float>(c->usec) / static_cast<float>(c->calls) : 0;
    Add(out,
        "cmdstat_{}:calls={},usec={},usec_per_call={:.2f},rejected_calls={},failed_calls={}\r\n",
        c->name, c->calls, c->usec, per_call, c->rejected_calls, c->failed_calls);
  }
}

void AppendErrorStatsSection(Server& s, std::string& out) {
  for (const auto& [code, count] : s.stats().error_codes) {
    Add(out, "errorstat_{}:count={}\r\n", code, count);
  }
}

void AppendLatencyStatsSection(Server& s, std::string& out) {
  const std::vector<double>& percentiles = s.config().latency_tracking_info_percentiles;
  for (const CommandSpec* c : SortedCommands(s)) {
    if (!c->latency_histogram) continue;
    Add(out, "latency_percentiles_usec_{}:", c->name);
    for (size_t j = 0; j < percentiles.size(); j++) {
      if (j) out += ',';
      double v = static_cast<double>(c->latency_histogram->ValueAtPercentile(percentiles[j]));
      Add(out, "p{}={:.3f}", FormatTrimmedDouble(percentiles[j]), v / 1000.0);
    }
    out += "\r\n";
  }
}

void AppendKeyspaceSection(Server& s, std::string& out) {
  int64_t now = s.keyspace().ctx().now_ms;
  for (int i = 0; i < s.keyspace().db_count(); i++) {
    Db& db = s.keyspace().db(i);
    if (db.size() == 0) continue;
    Add(out, "db{}:keys={},expires={},avg_ttl={}\r\n", i, db.size(), db.expires_size(),
        AverageTtl(db, now));
  }
}

}  // namespace duet
