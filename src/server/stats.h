// Server-wide counters reported by INFO (stats, clients, errorstats sections).
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace duet {

struct ServerStats {
  uint64_t total_connections_received = 0;
  uint64_t total_commands_processed = 0;
  uint64_t rejected_connections = 0;
  uint64_t net_input_bytes = 0;
  uint64_t net_output_bytes = 0;
  uint64_t total_error_replies = 0;
  uint64_t unexpected_error_replies = 0;
  uint64_t client_query_buffer_limit_disconnections = 0;
  uint64_t dirty = 0;  // changes since the last save (rdb_changes_since_last_save)
  std::map<std::string, uint64_t> error_codes;  // errorstat_<CODE>:count=N

  // Instantaneous ops/sec: a ring of samples taken by the cron (Redis's STATS_METRIC_*).
  static constexpr int kSamples = 16;
  uint64_t ops_samples[kSamples] = {};
  uint64_t in_bytes_samples[kSamples] = {};
  uint64_t out_bytes_samples[kSamples] = {};
  int sample_idx = 0;
  int64_t last_sample_ms = 0;
  uint64_t last_sample_ops = 0;
  uint64_t last_sample_in = 0;
  uint64_t last_sample_out = 0;

  void Reset() {
    uint64_t dirty_keep = dirty;
    *this = ServerStats();
    dirty = dirty_keep;
  }
};

}  // namespace duet
