// The directive list: every Redis 7.0 directive, bound to a Config field when implemented.
#include <climits>

#include "common/log.h"
#include "common/strutil.h"
#include "config/config_table.h"
#include "config/config_values.h"

namespace duet {

namespace {
using D = ConfigTable::Directive;
using K = ConfigTable::Kind;
using Args = std::vector<std::string>;

D Bool(std::string name, bool Config::*field, unsigned flags = 0) {
  D d;
  d.name = std::move(name);
  d.kind = K::kBool;
  d.flags = flags;
  d.get = [field](const Config& c) { return std::string(c.*field ? "yes" : "no"); };
  d.set = [field](Config& c, const Args& a) -> std::string {
    auto v = ParseYesNo(a[0]);
    if (!v) return "argument must be 'yes' or 'no'";
    c.*field = *v;
    return "";
  };
  return d;
}

template <typename T>
D Int(std::string name, T Config::*field, int64_t min, int64_t max, unsigned flags = 0) {
  D d;
  d.name = std::move(name);
  d.kind = K::kInt;
  d.flags = flags;
  d.min = min;
  d.max = max;
  d.get = [field](const Config& c) { return Int64ToString(static_cast<int64_t>(c.*field)); };
  d.set = [field, min, max](Config& c, const Args& a) -> std::string {
    // Redis accepts memory-style suffixes for plain integers too? No: strtoll only.
    char* end = nullptr;
    errno = 0;
    long long v = strtoll(a[0].c_str(), &end, 10);
    if (a[0].empty() || *end != '\0' || errno == ERANGE) {
      return "argument couldn't be parsed into an integer";
    }
    if (v < min || v > max) {
      return "argument must be between " + Int64ToString(min) + " and " + Int64ToString(max) +
             " inclusive";
    }
    c.*field = static_cast<T>(v);
    return "";
  };
  return d;
}

D Memory(std::string name, int64_t Config::*field, int64_t min, int64_t max,
         unsigned flags = 0) {
  D d;
  d.name = std::move(name);
  d.kind = K::kMemory;
  d.flags = flags;
  d.min = min;
  d.max = max;
  d.get = [field](const Config& c) { return Int64ToString(c.*field); };
  d.set = [field, min, max](Config& c, const Args& a) -> std::string {
    auto v = ParseMemory(a[0]);
    if (!v) return "argument must be a memory value";
    if (*v < min || *v > max) {
      return "argument must be between " + Int64ToString(min) + " and " + Int64ToString(max) +
             " inclusive";
    }
    c.*field = *v;
    return "";
  };
  return d;
}

D Enum(std::string name, std::string Config::*field, std::vector<std::string> values,
       unsigned flags = 0) {
  D d;
  d.name = std::move(name);
  d.kind = K::kEnum;
  d.flags = flags;
  d.enum_values = values;
  d.get = [field](const Config& c) { return c.*field; };
  d.set = [field, values](Config& c, const Args& a) -> std::string {
    for (const std::string& v : values) {
      if (EqualsIgnoreCase(v, a[0])) {
        c.*field = v;
        return "";
      }
    }
    std::string list;
    for (const std::string& v : values) list += (list.empty() ? "" : ", ") + v;
    return "argument(s) must be one of the following: " + list;
  };
  return d;
}

D String(std::string name, std::string Config::*field, unsigned flags = 0) {
  D d;
  d.name = std::move(name);
  d.kind = K::kString;
  d.flags = flags;
  d.get = [field](const Config& c) { return c.*field; };
  d.set = [field](Config& c, const Args& a) -> std::string {
    c.*field = a[0];
    return "";
  };
  return d;
}

D List(std::string name, std::vector<std::string> Config::*field, unsigned flags = 0) {
  D d;
  d.name = std::move(name);
  d.kind = K::kList;
  d.flags = flags;
  d.get = [field](const Config& c) {
    std::string out;
    for (const std::string& v : c.*field) out += (out.empty() ? "" : " ") + v;
    return out;
  };
  d.set = [field](Config& c, const Args& a) -> std::string {
    c.*field = a;
    return "";
  };
  return d;
}

// A directive duet recognises but does not implement: its value is kept for CONFIG GET.
D Unsupported(std::string name, std::string default_value, unsigned flags = 0) {
  D d;
  d.name = std::move(name);
  d.kind = K::kString;
  d.flags = flags | ConfigTable::kUnsupported | ConfigTable::kMultiArg;
  d.get = [default_value](const Config&) { return default_value; };
  d.set = [](Config&, const Args&) -> std::string { return ""; };
  return d;
}

D WithAlias(D d, std::string alias) {
  d.alias = std::move(alias);
  return d;
}
}  // namespace

void ConfigTable::RegisterAll() {
  constexpr unsigned kImm = kImmutable;
  Register(List("bind", &Config::bind));
  Register(Int("port", &Config::port, 0, 65535));
  Register(String("unixsocket", &Config::unixsocket, kImm));
  Register(Int("unixsocketperm", &Config::unixsocketperm, 0, 0777, kImm));
  Register(Int("tcp-backlog", &Config::tcp_backlog, 0, INT_MAX, kImm));
  Register(Int("tcp-keepalive", &Config::tcp_keepalive, 0, INT_MAX));
  Register(Int("timeout", &Config::timeout, 0, INT_MAX));
  Register(Int("maxclients", &Config::maxclients, 1, INT_MAX));
  Register(Memory("proto-max-bulk-len", &Config::proto_max_bulk_len, 1024 * 1024, LONG_MAX));
  Register(Memory("client-query-buffer-limit", &Config::client_query_buffer_limit,
                  1024 * 1024, LONG_MAX));
  Register(Bool("protected-mode", &Config::protected_mode));
  Register(String("requirepass", &Config::requirepass, kSensitive));
  Register(Int("databases", &Config::databases, 1, INT_MAX, kImm));
  Register(Int("hz", &Config::hz, 0, INT_MAX));
  Register(Bool("dynamic-hz", &Config::dynamic_hz));
  Register(String("logfile", &Config::logfile, kImm));
  Register(Enum("loglevel", &Config::loglevel, {"debug", "verbose", "notice", "warning", "nothing"}));
  Register(Bool("daemonize", &Config::daemonize, kImm));
  Register(String("pidfile", &Config::pidfile, kImm));
  Register(String("dir", &Config::dir));
  Register(Memory("maxmemory", &Config::maxmemory, 0, LLONG_MAX));
  Register(Enum("maxmemory-policy", &Config::maxmemory_policy,
                {"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
                 "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"}));
  Register(Int("maxmemory-samples", &Config::maxmemory_samples, 1, 64));
  Register(Int("slowlog-log-slower-than", &Config::slowlog_log_slower_than, -1, LLONG_MAX));
  Register(Int("slowlog-max-len", &Config::slowlog_max_len, 0, LONG_MAX));
  Register(Int("latency-monitor-threshold", &Config::latency_monitor_threshold, 0, LLONG_MAX));
  Register(String("notify-keyspace-events", &Config::notify_keyspace_events));
  Register(WithAlias(Int("hash-max-listpack-entries", &Config::hash_max_listpack_entries, 0,
                         INT_MAX), "hash-max-ziplist-entries"));
  Register(WithAlias(Int("hash-max-listpack-value", &Config::hash_max_listpack_value, 0,
                         INT_MAX), "hash-max-ziplist-value"));
  Register(WithAlias(Int("list-max-listpack-size", &Config::list_max_listpack_size, INT_MIN,
                         INT_MAX), "list-max-ziplist-size"));
  Register(Int("list-compress-depth", &Config::list_compress_depth, 0, INT_MAX));
  Register(Int("set-max-intset-entries", &Config::set_max_intset_entries, 0, INT_MAX));
  Register(WithAlias(Int("zset-max-listpack-entries", &Config::zset_max_listpack_entries, 0,
                         INT_MAX), "zset-max-ziplist-entries"));
  Register(WithAlias(Int("zset-max-listpack-value", &Config::zset_max_listpack_value, 0,
                         INT_MAX), "zset-max-ziplist-value"));
  Register(Bool("appendonly", &Config::appendonly));
  Register(String("appendfilename", &Config::appendfilename, kImm));
  Register(String("appenddirname", &Config::appenddirname, kImm));
  Register(Enum("appendfsync", &Config::appendfsync, {"always", "everysec", "no"}));
  Register(String("dbfilename", &Config::dbfilename));
  {
    D save = List("save", &Config::save_params, kMultiArg);
    Register(std::move(save));
  }
}

}  // namespace duet
