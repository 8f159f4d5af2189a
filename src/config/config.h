// Config: the live values of every implemented directive, as typed fields.
//
// The Server owns one Config. ConfigTable (config_table.h) maps directive names to these
// fields for the config file, the command line and CONFIG GET/SET/REWRITE. Code reads the
// fields directly; code that must react to a change (log level, maxclients...) registers an
// apply hook in the table.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace duet {

struct Config {
  // Where the config came from (for CONFIG REWRITE); empty when started without a file.
  std::string config_file;

  // Network
  std::vector<std::string> bind = {"*", "-::*"};
  int port = 6379;
  std::string unixsocket;
  int unixsocketperm = 0;
  int tcp_backlog = 511;
  int tcp_keepalive = 300;
  int timeout = 0;
  int maxclients = 10000;
  int64_t proto_max_bulk_len = 512LL * 1024 * 1024;
  int64_t client_query_buffer_limit = 1024LL * 1024 * 1024;
  bool protected_mode = true;

  // Security
  std::string requirepass;

  // General
  int databases = 16;
  int hz = 10;
  bool dynamic_hz = true;
  std::string logfile;
  std::string loglevel = "notice";
  bool daemonize = false;
  std::string pidfile;
  std::string dir;  // working directory; set to the cwd at startup
  bool active_expire_enabled = true;  // DEBUG SET-ACTIVE-EXPIRE

  // Memory
  int64_t maxmemory = 0;
  std::string maxmemory_policy = "noeviction";
  int maxmemory_samples = 5;

  // Monitoring
  int64_t slowlog_log_slower_than = 10000;
  int slowlog_max_len = 128;
  int64_t latency_monitor_threshold = 0;
  std::string notify_keyspace_events;

  // Encoding thresholds (used by the data-type families)
  int hash_max_listpack_entries = 128;
  int hash_max_listpack_value = 64;
  int list_max_listpack_size = -2;
  int list_compress_depth = 0;
  int set_max_intset_entries = 512;
  int zset_max_listpack_entries = 128;
  int zset_max_listpack_value = 64;

  // Persistence (accepted for the queue instance's config; implemented by persistence/)
  bool appendonly = false;
  std::string appendfilename = "appendonly.aof";
  std::string appenddirname = "appendonlydir";
  std::string appendfsync = "everysec";
  std::string dbfilename = "dump.rdb";
  std::vector<std::string> save_params = {"3600 1 300 100 60 10000"};
};

}  // namespace duet
