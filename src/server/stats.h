// Server-wide counters and gauges reported by INFO (server/info_sections.cc).
//
// Owned by the Server; touched only by the event-loop thread. Counters are incremented where
// the event happens (dispatcher, I/O, cron...). The gauge structs below are maintained by the
// subsystem named in their comment; INFO only reads them, so a subsystem that does not exist
// yet simply leaves the values a server without it reports (e.g. no persistence: aof_enabled
// 0, rdb_last_bgsave_status ok).
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace duet {

// Persistence state for INFO persistence; maintained by persistence/.
struct PersistenceStats {
  bool loading = false;
  bool async_loading = false;
  int64_t loading_start_time = 0;  // unix seconds
  uint64_t loading_total_bytes = 0;
  uint64_t loading_rdb_used_mem = 0;
  uint64_t loading_loaded_bytes = 0;
  uint64_t current_cow_peak = 0;
  uint64_t current_cow_size = 0;
  uint64_t current_cow_size_age = 0;
  double current_fork_perc = 0;
  uint64_t current_save_keys_processed = 0;
  uint64_t current_save_keys_total = 0;
  bool rdb_bgsave_in_progress = false;
  int64_t rdb_last_save_time = 0;  // unix seconds; 0: the server start time is reported
  bool rdb_last_bgsave_ok = true;
  int64_t rdb_last_bgsave_time_sec = -1;
  int64_t rdb_save_time_start = -1;  // unix seconds of the running bgsave, -1 if none
  uint64_t rdb_saves = 0;
  uint64_t rdb_last_cow_size = 0;
  uint64_t rdb_last_load_keys_expired = 0;
  uint64_t rdb_last_load_keys_loaded = 0;
  bool aof_rewrite_in_progress = false;
  bool aof_rewrite_scheduled = false;
  int64_t aof_last_rewrite_time_sec = -1;
  int64_t aof_rewrite_time_start = -1;
  bool aof_last_bgrewrite_ok = true;
  uint64_t aof_rewrites = 0;
  uint64_t aof_rewrites_consecutive_failures = 0;
  bool aof_last_write_ok = true;
  uint64_t aof_last_cow_size = 0;
  // Only reported while AOF is on.
  uint64_t aof_current_size = 0;
  uint64_t aof_base_size = 0;
  bool aof_pending_rewrite = false;
  uint64_t aof_buffer_length = 0;
  uint64_t aof_pending_bio_fsync = 0;
  uint64_t aof_delayed_fsync = 0;
  uint64_t latest_fork_usec = 0;
  uint64_t total_forks = 0;
};

// Scripting memory and counts for INFO memory; maintained by scripting/.
struct ScriptingStats {
  uint64_t vm_eval_bytes = 0;       // used_memory_lua / used_memory_vm_eval
  uint64_t scripts_eval_bytes = 0;  // used_memory_scripts_eval
  uint64_t cached_scripts = 0;
  uint64_t functions = 0;
  uint64_t libraries = 0;
  uint64_t vm_functions_bytes = 0;
  uint64_t functions_bytes = 0;
};

// Gauges of features owned elsewhere (the table sizes of pub/sub and tracking are read from
// Server::pubsub() / tracking()).
struct FeatureStats {
  uint64_t tracking_clients = 0;  // CLIENT TRACKING
};

struct ServerStats {
  // Counters (zeroed by CONFIG RESETSTAT).
  uint64_t total_connections_received = 0;
  uint64_t total_commands_processed = 0;
  uint64_t rejected_connections = 0;
  uint64_t net_input_bytes = 0;
  uint64_t net_output_bytes = 0;
  uint64_t total_error_replies = 0;
  uint64_t unexpected_error_replies = 0;
  uint64_t client_query_buffer_limit_disconnections = 0;
  uint64_t client_output_buffer_limit_disconnections = 0;
  uint64_t total_reads_processed = 0;
  uint64_t total_writes_processed = 0;
  uint64_t evicted_keys = 0;
  uint64_t evicted_clients = 0;
  uint64_t total_eviction_exceeded_us = 0;  // finished periods over maxmemory
  int64_t eviction_exceeded_start_us = 0;   // monotonic start of the current one, or 0
  uint64_t expired_time_cap_reached_count = 0;
  uint64_t expire_cycle_cpu_milliseconds = 0;
  uint64_t dump_payload_sanitizations = 0;
  uint64_t reply_buffer_shrinks = 0;
  uint64_t reply_buffer_expands = 0;
  std::map<std::string, uint64_t> error_codes;  // errorstat_<CODE>:count=N, sorted by code

  // Instantaneous metrics: a ring of per-second rates sampled every 100 ms by the cron
  // (Redis's STATS_METRIC_*); INFO reports the mean of the ring.
  static constexpr int kSamples = 16;
  uint64_t ops_samples[kSamples] = {};
  uint64_t in_bytes_samples[kSamples] = {};
  uint64_t out_bytes_samples[kSamples] = {};
  int sample_idx = 0;
  int64_t last_sample_ms = 0;
  uint64_t last_sample_ops = 0;
  uint64_t last_sample_in = 0;
  uint64_t last_sample_out = 0;
  uint64_t sync_full = 0;         // full resynchronizations served (SYNC/PSYNC)
  uint64_t sync_partial_ok = 0;   // partial ones accepted (never: duet keeps no backlog)
  uint64_t sync_partial_err = 0;  // partial ones asked for and refused

  // Not statistics: kept by CONFIG RESETSTAT.
  uint64_t dirty = 0;                // changes since the last save (rdb_changes_since_last_save)
  uint64_t used_memory_peak = 0;     // highest used_memory seen (INFO memory)
  uint64_t used_memory_startup = 0;  // used_memory once the server was initialised
  std::string master_replid;         // 40 hex chars, generated on first use
  PersistenceStats persistence;
  ScriptingStats scripting;
  FeatureStats features;

  static uint64_t Mean(const uint64_t (&samples)[kSamples]) {
    uint64_t sum = 0;
    for (uint64_t s : samples) sum += s;
    return sum / kSamples;
  }

  // CONFIG RESETSTAT: zeroes the counters and the instantaneous metrics.
  void Reset(int64_t now_ms) {
    ServerStats fresh;
    fresh.dirty = dirty;
    fresh.used_memory_peak = used_memory_peak;
    fresh.used_memory_startup = used_memory_startup;
    fresh.master_replid = std::move(master_replid);
    fresh.persistence = persistence;
    // These persistence counters are statistics too.
    fresh.persistence.rdb_saves = 0;
    fresh.persistence.aof_rewrites = 0;
    fresh.persistence.aof_rewrites_consecutive_failures = 0;
    fresh.persistence.aof_delayed_fsync = 0;
    fresh.persistence.latest_fork_usec = 0;
    fresh.persistence.total_forks = 0;
    fresh.scripting = scripting;
    fresh.features = features;
    fresh.last_sample_ms = now_ms;
    *this = std::move(fresh);
  }
};

}  // namespace duet
