#include "observe/prometheus.h"

#include <cstdio>
#include <cstdlib>
#include <map>
#include <span>
#include <utility>
#include <vector>

namespace duet {

namespace {

// One metric taken as it is from an INFO field.
struct FieldMetric {
  std::string_view field;
  std::string_view name;
  std::string_view type;  // "gauge" or "counter"
  std::string_view help;
};

constexpr FieldMetric kFieldMetrics[] = {
    {"uptime_in_seconds", "duet_uptime_seconds", "gauge", "Seconds since the server started."},
    {"connected_clients", "duet_connected_clients", "gauge", "Client connections open now."},
    {"blocked_clients", "duet_blocked_clients", "gauge",
     "Clients waiting in a blocking command (BLPOP, XREAD BLOCK, WAIT...)."},
    {"used_memory", "duet_memory_used_bytes", "gauge",
     "Bytes allocated for data and overhead (INFO used_memory; what maxmemory counts)."},
    {"used_memory_rss", "duet_memory_rss_bytes", "gauge", "Resident set size of the process."},
    {"used_memory_peak", "duet_memory_peak_bytes", "gauge", "Highest used_memory seen."},
    {"maxmemory", "duet_memory_max_bytes", "gauge", "The maxmemory limit (0: no limit)."},
    {"mem_fragmentation_ratio", "duet_memory_fragmentation_ratio", "gauge",
     "used_memory_rss / used_memory."},
    {"loading", "duet_loading", "gauge", "1 while the dataset is being loaded from disk."},
    {"rdb_changes_since_last_save", "duet_rdb_changes_since_last_save", "gauge",
     "Writes since the last successful RDB save."},
    {"rdb_bgsave_in_progress", "duet_rdb_bgsave_in_progress", "gauge", "1 while an RDB save runs."},
    {"rdb_last_save_time", "duet_rdb_last_save_timestamp_seconds", "gauge",
     "Unix time of the last successful RDB save."},
    {"aof_enabled", "duet_aof_enabled", "gauge", "1 when appendonly is on."},
    {"aof_rewrite_in_progress", "duet_aof_rewrite_in_progress", "gauge",
     "1 while an AOF rewrite runs."},
    {"total_connections_received", "duet_connections_received_total", "counter",
     "Connections accepted."},
    {"rejected_connections", "duet_connections_rejected_total", "counter",
     "Connections refused (maxclients)."},
    {"total_commands_processed", "duet_commands_processed_total", "counter", "Commands executed."},
    {"instantaneous_ops_per_sec", "duet_instantaneous_ops_per_sec", "gauge",
     "Commands per second, averaged over the last samples (INFO's figure)."},
    {"total_net_input_bytes", "duet_net_input_bytes_total", "counter", "Bytes read from clients."},
    {"total_net_output_bytes", "duet_net_output_bytes_total", "counter",
     "Bytes written to clients."},
    {"expired_keys", "duet_expired_keys_total", "counter",
     "Keys removed because their TTL ran out."},
    {"evicted_keys", "duet_evicted_keys_total", "counter", "Keys evicted to stay under maxmemory."},
    {"evicted_clients", "duet_evicted_clients_total", "counter",
     "Clients disconnected by maxmemory-clients."},
    {"keyspace_hits", "duet_keyspace_hits_total", "counter", "Key lookups that found the key."},
    {"keyspace_misses", "duet_keyspace_misses_total", "counter", "Key lookups that found nothing."},
};

// "ok"/"err" INFO fields as 1/0.
constexpr FieldMetric kStatusMetrics[] = {
    {"rdb_last_bgsave_status", "duet_rdb_last_bgsave_ok", "gauge",
     "1 when the last RDB save succeeded."},
    {"aof_last_write_status", "duet_aof_last_write_ok", "gauge",
     "1 when the last AOF write succeeded."},
    {"aof_last_bgrewrite_status", "duet_aof_last_bgrewrite_ok", "gauge",
     "1 when the last AOF rewrite succeeded."},
};

struct ParsedInfo {
  std::map<std::string_view, std::string_view> fields;
  // "cmdstat_<name>" / "latency_percentiles_usec_<name>" / "db<N>" lines, in INFO's order.
  std::vector<std::pair<std::string_view, std::string_view>> cmdstats, latencies, dbs;
};

ParsedInfo ParseInfo(std::string_view text) {
  ParsedInfo p;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view key = line.substr(0, colon), value = line.substr(colon + 1);
    if (key.starts_with("cmdstat_")) {
      p.cmdstats.emplace_back(key.substr(8), value);
    } else if (key.starts_with("latency_percentiles_usec_")) {
      p.latencies.emplace_back(key.substr(25), value);
    } else if (key.size() > 2 && key.starts_with("db") && key[2] >= '0' && key[2] <= '9') {
      p.dbs.emplace_back(key.substr(2), value);
    } else {
      p.fields.emplace(key, value);
    }
  }
  return p;
}

// Splits "a=1,b=2" into pairs.
std::vector<std::pair<std::string_view, std::string_view>> SplitPairs(std::string_view v) {
  std::vector<std::pair<std::string_view, std::string_view>> out;
  while (!v.empty()) {
    size_t comma = v.find(',');
    std::string_view item = v.substr(0, comma);
    v = comma == std::string_view::npos ? std::string_view() : v.substr(comma + 1);
    size_t eq = item.find('=');
    if (eq == std::string_view::npos) continue;
    out.emplace_back(item.substr(0, eq), item.substr(eq + 1));
  }
  return out;
}

std::string_view Lookup(const std::vector<std::pair<std::string_view, std::string_view>>& pairs,
                        std::string_view key) {
  for (const auto& [k, v] : pairs) {
    if (k == key) return v;
  }
  return {};
}

void Header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

// name{labels} value. `labels` is the text between the braces, already escaped.
void Sample(std::string& out, std::string_view name, std::string_view labels,
            std::string_view value) {
  out.append(name);
  if (!labels.empty()) out.append("{").append(labels).append("}");
  out.append(" ").append(value).append("\n");
}

std::string Label(std::string_view name, std::string_view value) {
  return std::string(name) + "=\"" + EscapeLabelValue(value) + "\"";
}

// One metric family per field of "a=1,b=2" INFO lines (commandstats, keyspace), labelled
// `label`=<the line's name>.
struct Column {
  std::string_view key, name, help;
};
using Rows = std::vector<std::pair<std::string_view, std::string_view>>;

void AppendColumns(std::string& out, const Rows& rows, std::string_view label,
                   std::string_view type, std::span<const Column> cols) {
  for (const Column& col : cols) {
    Header(out, col.name, type, col.help);
    for (const auto& [row, value] : rows) {
      std::string_view v = Lookup(SplitPairs(value), col.key);
      if (!v.empty()) Sample(out, col.name, Label(label, row), v);
    }
  }
}

constexpr Column kCommandColumns[] = {
    {"calls", "duet_command_calls_total", "Calls of the command (INFO commandstats)."},
    {"usec", "duet_command_duration_usec_total", "Microseconds spent in the command."},
    {"rejected_calls", "duet_command_rejected_calls_total",
     "Calls refused before running (arity, ACL, OOM...)."},
    {"failed_calls", "duet_command_failed_calls_total", "Calls that replied with an error."},
};

constexpr Column kKeyspaceColumns[] = {
    {"keys", "duet_keys", "Keys in the database."},
    {"expires", "duet_expiring_keys", "Keys with a TTL in the database."},
};

// INFO latencystats: "p50=1.003,p99=...": a summary's quantiles per command.
void AppendLatency(std::string& out, const ParsedInfo& p) {
  constexpr std::string_view kName = "duet_command_latency_usec";
  Header(out, kName, "summary",
         "Per-command latency percentiles in microseconds (INFO latencystats; "
         "latency-tracking-info-percentiles picks them).");
  for (const auto& [cmd, value] : p.latencies) {
    for (const auto& [q, v] : SplitPairs(value)) {
      if (q.size() < 2 || q[0] != 'p') continue;
      // "p99.9" -> quantile 0.999 written as text: percent / 100.
      double percent = strtod(std::string(q.substr(1)).c_str(), nullptr);
      char buf[32];
      snprintf(buf, sizeof(buf), "%g", percent / 100.0);
      Sample(out, kName, Label("cmd", cmd) + "," + Label("quantile", buf), v);
    }
  }
}

void AppendQueues(std::string& out, const MetricsSnapshot& snap) {
  constexpr std::string_view kName = "duet_bullmq_jobs";
  Header(out, kName, "gauge",
         "Jobs per BullMQ queue and state (length of <prefix>:<queue>:<state>), for queues "
         "discovered from the keys.");
  for (const QueueDepth& q : snap.queues) {
    std::string labels = Label("db", std::to_string(q.db)) + "," +
                         Label("prefix", snap.bullmq_prefix) + "," + Label("queue", q.name);
    for (size_t i = 0; i < kBullmqStates.size(); i++) {
      Sample(out, kName, labels + "," + Label("state", kBullmqStates[i]),
             std::to_string(q.counts[i]));
    }
  }
  Header(out, "duet_bullmq_queues", "gauge", "BullMQ queues discovered so far.");
  Sample(out, "duet_bullmq_queues", "", std::to_string(snap.queues.size()));
}

}  // namespace

std::string EscapeLabelValue(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string RenderPrometheus(const MetricsSnapshot& snap) {
  ParsedInfo p = ParseInfo(snap.info);
  std::string out;
  out.reserve(8192);
  Header(out, "duet_up", "gauge", "1: the server answered this scrape.");
  Sample(out, "duet_up", "", "1");
  auto field = [&](std::string_view f) {
    auto it = p.fields.find(f);
    return it == p.fields.end() ? std::string_view() : it->second;
  };
  Header(out, "duet_instance_info", "gauge", "The instance's identity, as labels.");
  Sample(out, "duet_instance_info",
         Label("redis_version", field("redis_version")) + "," +
             Label("tcp_port", field("tcp_port")) + "," +
             Label("maxmemory_policy", field("maxmemory_policy")) + "," +
             Label("run_id", field("run_id")),
         "1");
  for (const FieldMetric& m : kFieldMetrics) {
    std::string_view v = field(m.field);
    if (v.empty()) continue;
    Header(out, m.name, m.type, m.help);
    Sample(out, m.name, "", v);
  }
  for (const FieldMetric& m : kStatusMetrics) {
    std::string_view v = field(m.field);
    if (v.empty()) continue;
    Header(out, m.name, m.type, m.help);
    Sample(out, m.name, "", v == "ok" ? "1" : "0");
  }
  AppendColumns(out, p.dbs, "db", "gauge", kKeyspaceColumns);
  AppendColumns(out, p.cmdstats, "cmd", "counter", kCommandColumns);
  AppendLatency(out, p);
  AppendQueues(out, snap);
  return out;
}

}  // namespace duet
