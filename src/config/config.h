// Config: the live values of the directives duet acts on, as typed fields.
//
// The Server owns one Config. ConfigTable (config_table.h) maps every Redis 7.0 directive
// name to either one of these fields or, for directives duet accepts but does not act on, an
// entry of `other` — so the config file, the command line and CONFIG GET/SET/REWRITE treat
// all directives alike. Code reads the fields directly; code that must react to a change
// (log level, maxclients, hz...) is told through the table's apply hook.
//
// Defaults are Redis 7.0's compiled-in defaults (what CONFIG GET prints on a server started
// without a config file).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace duet {

// notify-keyspace-events classes, as bits (Redis's NOTIFY_* values).
enum NotifyFlags : int {
  kNotifyKeyspace = 1 << 0,  // K
  kNotifyKeyevent = 1 << 1,  // E
  kNotifyGeneric = 1 << 2,   // g
  kNotifyString = 1 << 3,    // $
  kNotifyList = 1 << 4,      // l
  kNotifySet = 1 << 5,       // s
  kNotifyHash = 1 << 6,      // h
  kNotifyZset = 1 << 7,      // z
  kNotifyExpired = 1 << 8,   // x
  kNotifyEvicted = 1 << 9,   // e
  kNotifyStream = 1 << 10,   // t
  kNotifyKeyMiss = 1 << 11,  // m (not part of A)
  kNotifyLoaded = 1 << 12,   // module only
  kNotifyModule = 1 << 13,   // d
  kNotifyNew = 1 << 14,      // n (not part of A)
  kNotifyAll = kNotifyGeneric | kNotifyString | kNotifyList | kNotifySet | kNotifyHash |
               kNotifyZset | kNotifyExpired | kNotifyEvicted | kNotifyStream | kNotifyModule,
};

// One `save <seconds> <changes>` point.
struct SaveParam {
  int64_t seconds = 0;
  int64_t changes = 0;
  bool operator==(const SaveParam&) const = default;
};

// One class of client-output-buffer-limit (normal, replica, pubsub); 0 means no limit.
struct OutputBufferLimit {
  uint64_t hard_bytes = 0;
  uint64_t soft_bytes = 0;
  int64_t soft_seconds = 0;
  bool operator==(const OutputBufferLimit&) const = default;
};
enum OutputBufferClass { kObufNormal = 0, kObufReplica = 1, kObufPubsub = 2, kObufClasses = 3 };

struct Config {
  // Where the config came from (absolute path, for CONFIG REWRITE and INFO); empty when the
  // server was started without a config file.
  std::string config_file;

  // Network
  std::vector<std::string> bind = {"*", "-::*"};
  int port = 6379;
  std::string unixsocket;
  int unixsocketperm = 0;
  int tcp_backlog = 511;
  int tcp_keepalive = 300;
  int timeout = 0;
  int64_t maxclients = 10000;

  // duet's own: the Prometheus /metrics endpoint and status page (server/metrics_service.h).
  int metrics_port = 0;  // 0: off
  std::string metrics_bind = "127.0.0.1";
  std::string metrics_bullmq_prefix = "bull";  // BullMQ's key prefix, for the queue depths
  int64_t proto_max_bulk_len = 512LL * 1024 * 1024;
  int64_t client_query_buffer_limit = 1024LL * 1024 * 1024;
  bool protected_mode = true;
  OutputBufferLimit client_obuf_limits[kObufClasses] = {
      {0, 0, 0}, {256ULL << 20, 64ULL << 20, 60}, {32ULL << 20, 8ULL << 20, 60}};

  // Security
  std::string requirepass;

  // General
  int databases = 16;
  int hz = 10;  // configured hz, clamped to 1..500 as Redis does
  bool dynamic_hz = true;
  std::string logfile;
  std::string loglevel = "notice";
  bool daemonize = false;
  bool always_show_logo = false;
  std::string pidfile;
  std::string dir;                    // working directory; set to the cwd at startup
  bool active_expire_enabled = true;  // DEBUG SET-ACTIVE-EXPIRE (not a directive)
  // Set by DEBUG subcommands only (not directives), as Redis keeps them outside its config:
  // QUICKLIST-PACKED-THRESHOLD (list elements of at least this many bytes get a plain node
  // of their own), PAUSE-CRON, SET-DISABLE-DENY-SCRIPTS, SET-SKIP-CHECKSUM-VALIDATION,
  // AOF-FLUSH-SLEEP (microseconds).
  uint64_t list_packed_threshold = uint64_t{1} << 30;
  bool pause_cron = false;
  bool script_disable_deny_script = false;
  bool skip_checksum_validation = false;
  int aof_flush_sleep_us = 0;
  int active_expire_effort = 1;

  // Memory
  uint64_t maxmemory = 0;
  // maxmemory-clients: bytes, or (negative) a percentage of maxmemory; 0 disables.
  int64_t maxmemory_clients = 0;
  std::string maxmemory_policy = "noeviction";
  int maxmemory_samples = 5;
  int maxmemory_eviction_tenacity = 10;
  int lfu_log_factor = 10;
  int lfu_decay_time = 1;
  bool lazyfree_lazy_eviction = false;
  bool lazyfree_lazy_expire = false;
  bool lazyfree_lazy_server_del = false;
  bool lazyfree_lazy_user_del = false;
  bool lazyfree_lazy_user_flush = false;

  // Monitoring
  int64_t slowlog_log_slower_than = 10000;
  int64_t slowlog_max_len = 128;
  int64_t latency_monitor_threshold = 0;
  bool latency_tracking = true;
  std::vector<double> latency_tracking_info_percentiles = {50.0, 99.0, 99.9};
  int notify_keyspace_events = 0;  // NotifyFlags bits

  // Encoding thresholds (used by the data-type families)
  int64_t hash_max_listpack_entries = 512;
  int64_t hash_max_listpack_value = 64;
  int list_max_listpack_size = -2;
  int list_compress_depth = 0;
  int64_t set_max_intset_entries = 512;
  int64_t zset_max_listpack_entries = 128;
  int64_t zset_max_listpack_value = 64;
  int64_t hll_sparse_max_bytes = 3000;
  int64_t stream_node_max_bytes = 4096;
  int64_t stream_node_max_entries = 100;

  // Scripting
  int64_t busy_reply_threshold = 5000;  // lua-time-limit, ms

  // Replication: writes need this many good replicas (duet has none yet, so any value > 0
  // with a lag > 0 turns writes into -NOREPLICAS, as on a Redis primary without replicas).
  int min_replicas_to_write = 0;
  int min_replicas_max_lag = 10;

  // Persistence (implemented by persistence/)
  bool appendonly = false;
  std::string appendfilename = "appendonly.aof";
  std::string appenddirname = "appendonlydir";
  std::string appendfsync = "everysec";
  bool no_appendfsync_on_rewrite = false;
  int auto_aof_rewrite_percentage = 100;
  int64_t auto_aof_rewrite_min_size = 64LL * 1024 * 1024;
  bool aof_load_truncated = true;
  bool aof_use_rdb_preamble = true;
  bool aof_rewrite_incremental_fsync = true;
  bool aof_timestamp_enabled = false;
  std::string dbfilename = "dump.rdb";
  std::vector<SaveParam> save_params = {{3600, 1}, {300, 100}, {60, 10000}};
  bool rdbcompression = true;
  bool rdbchecksum = true;
  bool rdb_save_incremental_fsync = true;
  bool rdb_del_sync_files = false;
  bool stop_writes_on_bgsave_error = true;

  // rename-command directives, in file order: (old name, new name; empty new = removed).
  std::vector<std::pair<std::string, std::string>> rename_commands;

  // Directives duet recognises but does not act on, by canonical name, in CONFIG GET form.
  // Absent means "at its default".
  std::map<std::string, std::string> other;
};

}  // namespace duet
