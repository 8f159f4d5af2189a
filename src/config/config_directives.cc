// The directive list: every Redis 7.0.15 directive with its type, bounds, default and flags
// (what `CONFIG GET *` shows on a redis-server started without a config file). Directives
// bound to a Config field are the ones duet acts on; the rest are kept in Config::other.
#include <algorithm>
#include <climits>
#include <cstdint>
#include <string_view>

#include "config/config_builders.h"
#include "config/config_table.h"
#include "config/proc_title_template.h"

namespace duet {

namespace {
using namespace config_internal;  // NOLINT: the builders are this file's vocabulary
using T = ConfigTable;

constexpr unsigned kImm = T::kImmutable;
constexpr unsigned kMem = T::kMemory;
constexpr unsigned kUns = T::kUnsigned;
constexpr long long kLongMax = LONG_MAX;
constexpr long long kLLongMax = LLONG_MAX;
constexpr long long kIntMax = INT_MAX;
constexpr long long kUIntMax = UINT_MAX;

std::string CheckActiveDefrag(bool on) {
  // duet has no defragmenter; Redis built against a stock jemalloc answers the same.
  if (!on) return "";
  return "Active defragmentation cannot be enabled: it requires a Redis server compiled with a "
         "modified Jemalloc like the one shipped by default with the Redis source distribution";
}

bool IsBaseName(const std::string& s) {
  return s.find('/') == std::string::npos && s.find('\\') == std::string::npos;
}

std::string CheckDbFilename(const Config&, const std::string& v) {
  return IsBaseName(v) ? "" : "dbfilename can't be a path, just a filename";
}

std::string CheckAofFilename(const Config&, const std::string& v) {
  if (v.empty()) return "appendfilename can't be empty";
  return IsBaseName(v) ? "" : "appendfilename can't be a path, just a filename";
}

std::string CheckAofDirname(const Config&, const std::string& v) {
  if (v.empty()) return "appenddirname can't be empty";
  return IsBaseName(v) ? "" : "appenddirname can't be a path, just a dirname";
}

std::string CheckMetricsBind(const Config&, const std::string& v) {
  if (v.empty()) return "metrics-bind can't be empty";
  for (char c : v) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
              c == '.' || c == ':';
    if (!ok) return "metrics-bind must be an IPv4 or IPv6 address";
  }
  return "";
}

std::string CheckBullmqPrefix(const Config&, const std::string& v) {
  return v.empty() ? "metrics-bullmq-prefix can't be empty" : "";
}

std::string CheckHostname(const Config&, const std::string& v) {
  if (v.size() >= 256) return "Hostnames must be less than 256 characters";
  for (char c : v) {
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '.')) {
      return "Hostnames may only contain alphanumeric characters, hyphens or dots";
    }
  }
  return "";
}

// Redis's validateProcTitleTemplate: every {variable} must be known and the expansion (with
// an empty title) must not be blank.
std::string CheckProcTitle(const Config& c, const std::string& tmpl) {
  std::optional<std::string> res = ExpandProcTitleTemplate(c, tmpl, "");
  if (!res || res->empty()) return "template format is invalid or contains unknown variables";
  return "";
}

std::string CheckShutdownFlags(int v) {
  if ((v & 1) && (v & 2)) return "shutdown options SAVE and NOSAVE can't be used simultaneously";
  return "";
}

const EnumValues kLogLevels = {{"debug", 0}, {"verbose", 1}, {"notice", 2}, {"warning", 3}};
const EnumValues kPolicies = {{"volatile-lru", 0},   {"volatile-lfu", 1}, {"volatile-random", 2},
                              {"volatile-ttl", 3},   {"allkeys-lru", 4},  {"allkeys-lfu", 5},
                              {"allkeys-random", 6}, {"noeviction", 7}};
const EnumValues kFsync = {{"everysec", 1}, {"always", 2}, {"no", 0}};
const EnumValues kSupervised = {{"upstart", 3}, {"systemd", 2}, {"auto", 1}, {"no", 0}};
const EnumValues kSyslogFacility = {{"user", 8},     {"local0", 128}, {"local1", 136},
                                    {"local2", 144}, {"local3", 152}, {"local4", 160},
                                    {"local5", 168}, {"local6", 176}, {"local7", 184}};
const EnumValues kDisklessLoad = {{"disabled", 0}, {"on-empty-db", 1}, {"swapdb", 2}};
const EnumValues kOomScoreAdj = {{"no", 0}, {"yes", 1}, {"relative", 1}, {"absolute", 2}};
const EnumValues kAclPubsub = {{"allchannels", 1}, {"resetchannels", 0}};
const EnumValues kSanitize = {{"no", 0}, {"yes", 1}, {"clients", 2}};
const EnumValues kProtectedAction = {{"no", 0}, {"yes", 1}, {"local", 2}};
const EnumValues kEndpoint = {{"ip", 0}, {"hostname", 1}, {"unknown-endpoint", 2}};
const EnumValues kPropagationError = {{"ignore", 0}, {"panic", 1}, {"panic-on-replicas", 2}};
const EnumValues kShutdownOnSig = {
    {"default", 0}, {"save", 1}, {"nosave", 2}, {"now", 4}, {"force", 8}};
const EnumValues kTlsAuthClients = {{"no", 0}, {"yes", 1}, {"optional", 2}};
}  // namespace

void ConfigTable::RegisterAll() {
  // Booleans duet acts on.
  Register(Bool("rdbchecksum", "", kImm, &Config::rdbchecksum, true));
  Register(Bool("daemonize", "", kImm, &Config::daemonize, false));
  Register(Bool("protected-mode", "", 0, &Config::protected_mode, true));
  Register(Bool("rdbcompression", "", 0, &Config::rdbcompression, true));
  Register(Bool("rdb-del-sync-files", "", 0, &Config::rdb_del_sync_files, false));
  Register(Bool("stop-writes-on-bgsave-error", "", 0, &Config::stop_writes_on_bgsave_error, true));
  Register(Bool("dynamic-hz", "", 0, &Config::dynamic_hz, true));
  Register(Bool("lazyfree-lazy-eviction", "", 0, &Config::lazyfree_lazy_eviction, false));
  Register(Bool("lazyfree-lazy-expire", "", 0, &Config::lazyfree_lazy_expire, false));
  Register(Bool("lazyfree-lazy-server-del", "", 0, &Config::lazyfree_lazy_server_del, false));
  Register(Bool("lazyfree-lazy-user-del", "", 0, &Config::lazyfree_lazy_user_del, false));
  Register(Bool("lazyfree-lazy-user-flush", "", 0, &Config::lazyfree_lazy_user_flush, false));
  Register(
      Bool("aof-rewrite-incremental-fsync", "", 0, &Config::aof_rewrite_incremental_fsync, true));
  Register(Bool("no-appendfsync-on-rewrite", "", 0, &Config::no_appendfsync_on_rewrite, false));
  Register(Bool("rdb-save-incremental-fsync", "", 0, &Config::rdb_save_incremental_fsync, true));
  Register(Bool("aof-load-truncated", "", 0, &Config::aof_load_truncated, true));
  Register(Bool("aof-use-rdb-preamble", "", 0, &Config::aof_use_rdb_preamble, true));
  Register(Bool("aof-timestamp-enabled", "", 0, &Config::aof_timestamp_enabled, false));
  Register(Bool("appendonly", "", kDenyLoading, &Config::appendonly, false));
  Register(Bool("latency-tracking", "", 0, &Config::latency_tracking, true));

  // Booleans duet accepts without acting on them.
  Register(Bool("io-threads-do-reads", "", kImm, false));
  Register(Bool("always-show-logo", "", kImm, &Config::always_show_logo, false));
  Register(Bool("activerehashing", "", 0, true));
  Register(Bool("set-proc-title", "", kImm, true));
  Register(Bool("repl-disable-tcp-nodelay", "", 0, false));
  Register(Bool("repl-diskless-sync", "", 0, true));
  Register(Bool("cluster-require-full-coverage", "", 0, true));
  Register(Bool("cluster-replica-no-failover", "cluster-slave-no-failover", 0, false));
  Register(Bool("replica-lazy-flush", "slave-lazy-flush", 0, false));
  Register(Bool("replica-serve-stale-data", "slave-serve-stale-data", 0, true));
  Register(Bool("replica-read-only", "slave-read-only", 0, true));
  Register(Bool("replica-ignore-maxmemory", "slave-ignore-maxmemory", 0, true));
  Register(Bool("jemalloc-bg-thread", "", 0, true));
  Register(Bool("activedefrag", "", 0, false, CheckActiveDefrag));
  Register(Bool("syslog-enabled", "", kImm, false));
  Register(Bool("cluster-enabled", "", kImm, false));
  Register(Bool("cluster-allow-reads-when-down", "", 0, false));
  Register(Bool("cluster-allow-pubsubshard-when-down", "", 0, true));
  Register(Bool("crash-log-enabled", "", 0, true));
  Register(Bool("crash-memcheck-enabled", "", 0, true));
  Register(Bool("use-exit-on-panic", "", kHidden, false));
  Register(Bool("disable-thp", "", kImm, true));
  Register(Bool("cluster-allow-replica-migration", "", 0, true));
  Register(Bool("replica-announced", "", 0, true));
  Register(Bool("aof-disable-auto-gc", "", 0, false));
  Register(Bool("replica-ignore-disk-write-errors", "", 0, false));

  // Strings. kNullIfEmpty marks Redis's EMPTY_STRING_IS_NULL strings (default unset).
  constexpr unsigned kNull = kNullIfEmpty;
  Register(String("unixsocket", "", kImm | kNull, &Config::unixsocket, ""));
  Register(String("pidfile", "", kImm | kNull, &Config::pidfile, ""));
  // duet's own directives (not in Redis): the metrics endpoint, off by default.
  Register(String("metrics-bind", "", 0, &Config::metrics_bind, "127.0.0.1", CheckMetricsBind));
  Register(String("metrics-bullmq-prefix", "", 0, &Config::metrics_bullmq_prefix, "bull",
                  CheckBullmqPrefix));
  Register(String("dbfilename", "", kProtected, &Config::dbfilename, "dump.rdb", CheckDbFilename));
  Register(String("appendfilename", "", kImm, &Config::appendfilename, "appendonly.aof",
                  CheckAofFilename));
  Register(
      String("appenddirname", "", kImm, &Config::appenddirname, "appendonlydir", CheckAofDirname));
  Register(String("logfile", "", kImm, &Config::logfile, ""));
  Register(String("requirepass", "", kSensitive | kNull, &Config::requirepass, ""));
  Register(String("aclfile", "", kImm, ""));
  Register(String("replica-announce-ip", "slave-announce-ip", kNull, ""));
  Register(String("masteruser", "", kSensitive | kNull, ""));
  Register(String("cluster-announce-ip", "", kNull, ""));
  Register(String("cluster-config-file", "", kImm, "nodes.conf"));
  Register(String("cluster-announce-hostname", "", kNull, "", CheckHostname));
  Register(String("syslog-ident", "", kImm, "redis"));
  Register(String("server_cpulist", "", kImm | kNull, ""));
  Register(String("bio_cpulist", "", kImm | kNull, ""));
  Register(String("aof_rewrite_cpulist", "", kImm | kNull, ""));
  Register(String("bgsave_cpulist", "", kImm | kNull, ""));
  Register(String("ignore-warnings", "", 0, ""));
  Register(
      String("proc-title-template", "", 0, "{title} {listen-addr} {server-mode}", CheckProcTitle));
  Register(String("bind-source-addr", "", kNull, ""));
  Register(String("masterauth", "", kSensitive | kNull, ""));

  // Enums.
  Register(Enum("loglevel", "", 0, kLogLevels, &Config::loglevel, 2));
  Register(Enum("maxmemory-policy", "", 0, kPolicies, &Config::maxmemory_policy, 7));
  Register(Enum("appendfsync", "", 0, kFsync, &Config::appendfsync, 1));
  Register(Enum("supervised", "", kImm, kSupervised, 0));
  Register(Enum("syslog-facility", "", kImm, kSyslogFacility, 128));
  Register(Enum("repl-diskless-load", "", kDenyLoading, kDisklessLoad, 0));
  Register(Enum("oom-score-adj", "", 0, kOomScoreAdj, 0));
  Register(Enum("acl-pubsub-default", "", 0, kAclPubsub, 0));
  Register(Enum("sanitize-dump-payload", "", 0, kSanitize, 0));
  Register(Enum("enable-protected-configs", "", kImm, kProtectedAction, 0));
  Register(Enum("enable-debug-command", "", kImm, kProtectedAction, 0));
  Register(Enum("enable-module-command", "", kImm, kProtectedAction, 0));
  Register(Enum("cluster-preferred-endpoint-type", "", 0, kEndpoint, 0));
  Register(Enum("propagation-error-behavior", "", 0, kPropagationError, 0));
  Register(Enum("shutdown-on-sigint", "", 0, kShutdownOnSig, 0, true, CheckShutdownFlags));
  Register(Enum("shutdown-on-sigterm", "", 0, kShutdownOnSig, 0, true, CheckShutdownFlags));
  // Consulted by CONFIG SET itself (dir, dbfilename) and by DEBUG: they do have an effect.
  // oom-score-adj(-values): applied by Server::ApplyOomScoreAdj.
  for (const char* n : {"enable-protected-configs", "enable-debug-command", "oom-score-adj",
                        "oom-score-adj-values"}) {
    directives_[by_name_.find(n)->second].flags &= ~kNoEffect;
  }

  // Numbers duet acts on.
  Register(Numeric("databases", "", kImm, 1, kIntMax, &Config::databases, 16));
  Register(Numeric("port", "", 0, 0, 65535, &Config::port, 6379));
  Register(Numeric("metrics-port", "", 0, 0, 65535, &Config::metrics_port, 0));
  Register(Numeric("list-max-listpack-size", "list-max-ziplist-size", 0, INT_MIN, kIntMax,
                   &Config::list_max_listpack_size, -2));
  Register(Numeric("tcp-keepalive", "", 0, 0, kIntMax, &Config::tcp_keepalive, 300));
  Register(Numeric("auto-aof-rewrite-percentage", "", 0, 0, kIntMax,
                   &Config::auto_aof_rewrite_percentage, 100));
  Register(Numeric("lfu-log-factor", "", 0, 0, kIntMax, &Config::lfu_log_factor, 10));
  Register(Numeric("lfu-decay-time", "", 0, 0, kIntMax, &Config::lfu_decay_time, 1));
  Register(Numeric("maxmemory-samples", "", 0, 1, kIntMax, &Config::maxmemory_samples, 5));
  Register(Numeric("maxmemory-eviction-tenacity", "", 0, 0, 100,
                   &Config::maxmemory_eviction_tenacity, 10));
  Register(Numeric("timeout", "", 0, 0, kIntMax, &Config::timeout, 0));
  Register(Numeric("tcp-backlog", "", kImm, 0, kIntMax, &Config::tcp_backlog, 511));
  Register(Numeric("list-compress-depth", "", 0, 0, kIntMax, &Config::list_compress_depth, 0));
  {
    // Redis takes hz as a hint: values out of 1..500 are accepted and clamped.
    Directive hz = Numeric("hz", "", 0, 0, kIntMax, &Config::hz, 10);
    hz.set = [base = hz.set](Config& c, const Args& a) {
      std::string err = base(c, a);
      if (err.empty()) c.hz = std::clamp(c.hz, 1, 500);
      return err;
    };
    Register(std::move(hz));
  }
  Register(Numeric("active-expire-effort", "", 0, 1, 10, &Config::active_expire_effort, 1));
  Register(Numeric("maxclients", "", 0, 1, kUIntMax, &Config::maxclients, 10000, kUns));
  Register(Numeric("unixsocketperm", "", kImm, 0, 0777, &Config::unixsocketperm, 0, kOctal | kUns));
  Register(Numeric("slowlog-max-len", "", 0, 0, kLongMax, &Config::slowlog_max_len, 128));
  Register(Numeric("min-replicas-to-write", "min-slaves-to-write", 0, 0, kIntMax,
                   &Config::min_replicas_to_write, 0));
  Register(Numeric("min-replicas-max-lag", "min-slaves-max-lag", 0, 0, kIntMax,
                   &Config::min_replicas_max_lag, 10));
  Register(Numeric("busy-reply-threshold", "lua-time-limit", 0, 0, kLongMax,
                   &Config::busy_reply_threshold, 5000));
  Register(Numeric("slowlog-log-slower-than", "", 0, -1, kLLongMax,
                   &Config::slowlog_log_slower_than, 10000));
  Register(Numeric("latency-monitor-threshold", "", 0, 0, kLLongMax,
                   &Config::latency_monitor_threshold, 0));
  Register(Numeric("proto-max-bulk-len", "", 0, 1024 * 1024, kLongMax, &Config::proto_max_bulk_len,
                   512LL * 1024 * 1024, kMem));
  Register(Numeric("stream-node-max-entries", "", 0, 0, kLLongMax, &Config::stream_node_max_entries,
                   100));
  Register(Numeric("maxmemory", "", 0, 0, -1, &Config::maxmemory, 0, kMem | kUns));
  Register(Numeric("hash-max-listpack-entries", "hash-max-ziplist-entries", 0, 0, kLongMax,
                   &Config::hash_max_listpack_entries, 512, kUns));
  Register(Numeric("set-max-intset-entries", "", 0, 0, kLongMax, &Config::set_max_intset_entries,
                   512, kUns));
  Register(Numeric("zset-max-listpack-entries", "zset-max-ziplist-entries", 0, 0, kLongMax,
                   &Config::zset_max_listpack_entries, 128, kUns));
  Register(Numeric("hash-max-listpack-value", "hash-max-ziplist-value", 0, 0, kLongMax,
                   &Config::hash_max_listpack_value, 64, kMem | kUns));
  Register(Numeric("stream-node-max-bytes", "", 0, 0, kLongMax, &Config::stream_node_max_bytes,
                   4096, kMem | kUns));
  Register(Numeric("zset-max-listpack-value", "zset-max-ziplist-value", 0, 0, kLongMax,
                   &Config::zset_max_listpack_value, 64, kMem | kUns));
  Register(Numeric("hll-sparse-max-bytes", "", 0, 0, kLongMax, &Config::hll_sparse_max_bytes, 3000,
                   kMem | kUns));
  Register(Numeric("client-query-buffer-limit", "", 0, 1024 * 1024, kLongMax,
                   &Config::client_query_buffer_limit, 1024LL * 1024 * 1024, kMem | kUns));
  Register(Numeric("auto-aof-rewrite-min-size", "", 0, 0, kLLongMax,
                   &Config::auto_aof_rewrite_min_size, 64LL * 1024 * 1024, kMem));

  // Numbers duet accepts without acting on them.
  Register(Numeric("io-threads", "", kImm, 1, 128, 1));
  Register(Numeric("cluster-replica-validity-factor", "cluster-slave-validity-factor", 0, 0,
                   kIntMax, 10));
  Register(Numeric("cluster-migration-barrier", "", 0, 0, kIntMax, 1));
  Register(Numeric("active-defrag-cycle-min", "", 0, 1, 99, 1));
  Register(Numeric("active-defrag-cycle-max", "", 0, 1, 99, 25));
  Register(Numeric("active-defrag-threshold-lower", "", 0, 0, 1000, 10));
  Register(Numeric("active-defrag-threshold-upper", "", 0, 0, 1000, 100));
  Register(Numeric("replica-priority", "slave-priority", 0, 0, kIntMax, 100));
  Register(Numeric("repl-diskless-sync-delay", "", 0, 0, kIntMax, 5));
  Register(Numeric("replica-announce-port", "slave-announce-port", 0, 0, 65535, 0));
  Register(Numeric("cluster-port", "", kImm, 0, 65535, 0));
  Register(Numeric("cluster-announce-bus-port", "", 0, 0, 65535, 0));
  Register(Numeric("cluster-announce-port", "", 0, 0, 65535, 0));
  Register(Numeric("cluster-announce-tls-port", "", 0, 0, 65535, 0));
  Register(Numeric("repl-timeout", "", 0, 1, kIntMax, 60));
  Register(Numeric("repl-ping-replica-period", "repl-ping-slave-period", 0, 1, kIntMax, 10));
  Register(Numeric("rdb-key-save-delay", "", kHidden, INT_MIN, kIntMax, 0));
  Register(Numeric("key-load-delay", "", kHidden, INT_MIN, kIntMax, 0));
  Register(Numeric("watchdog-period", "", kHidden, 0, kIntMax, 0));
  Register(Numeric("shutdown-timeout", "", 0, 0, kIntMax, 10));
  Register(Numeric("repl-diskless-sync-max-replicas", "", 0, 0, kIntMax, 0));
  Register(Numeric("socket-mark-id", "", kImm, 0, kUIntMax, 0, kUns));
  Register(Numeric("active-defrag-max-scan-fields", "", 0, 1, kLongMax, 1000));
  Register(Numeric("acllog-max-len", "", 0, 0, kLongMax, 128));
  Register(Numeric("cluster-node-timeout", "", 0, 0, kLLongMax, 15000));
  Register(Numeric("repl-backlog-size", "", 0, 1, kLLongMax, 1024 * 1024, kMem));
  Register(Numeric("cluster-link-sendbuf-limit", "", 0, 0, -1, 0, kMem | kUns));
  Register(Numeric("active-defrag-ignore-bytes", "", 0, 1, kLLongMax, 100 << 20, kMem | kUns));
  Register(Numeric("tracking-table-max-keys", "", 0, 0, kLongMax, 1000000, kUns));
  Register(Numeric("maxmemory-clients", "", 0, -100, kLongMax, &Config::maxmemory_clients, 0,
                   kMem | kPercent));
  Register(Numeric("repl-backlog-ttl", "", 0, 0, kLongMax, 60 * 60));
  Register(Numeric("loading-process-events-interval-bytes", "", kHidden, 1024, kIntMax,
                   1024 * 1024 * 2));

  // TLS: Debian's redis-server is built with TLS, so these are all known directives.
  Register(Numeric("tls-port", "", 0, 0, 65535, 0));
  Register(Numeric("tls-session-cache-size", "", 0, 0, kIntMax, 20 * 1024));
  Register(Numeric("tls-session-cache-timeout", "", 0, 0, kIntMax, 300));
  Register(Bool("tls-cluster", "", 0, false));
  Register(Bool("tls-replication", "", 0, false));
  Register(Enum("tls-auth-clients", "", 0, kTlsAuthClients, 1));
  Register(Bool("tls-prefer-server-ciphers", "", 0, false));
  Register(Bool("tls-session-caching", "", 0, true));
  for (const char* n :
       {"tls-cert-file", "tls-key-file", "tls-key-file-pass", "tls-client-cert-file",
        "tls-client-key-file", "tls-client-key-file-pass", "tls-dh-params-file", "tls-ca-cert-file",
        "tls-ca-cert-dir", "tls-protocols", "tls-ciphers", "tls-ciphersuites"}) {
    // Passphrases are sensitive: never echoed by SLOWLOG or MONITOR.
    bool secret = std::string_view(n).ends_with("-pass");
    Register(String(n, "", kNull | (secret ? kSensitive : 0u), ""));
  }

  RegisterSpecials();
}

}  // namespace duet
