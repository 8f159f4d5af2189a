// INFO: section selection, and the server, clients, memory and persistence sections.
// Field names and order follow redis-server 7.0.15 exactly; values a duet subsystem does not
// have (cluster, replication, modules...) are the ones a Redis without that feature reports.
#include "server/info_sections.h"

#include <fmt/format.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <climits>
#include <iterator>

#include "common/strutil.h"
#include "common/version.h"
#include "server/memory_overhead.h"
#include "server/memory_stats.h"
#include "server/server.h"

namespace duet {

namespace {
template <typename... Args>
void Add(std::string& out, fmt::format_string<Args...> f, Args&&... args) {
  fmt::format_to(std::back_inserter(out), f, std::forward<Args>(args)...);
}

std::string ExecutablePath() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
}

// A stable id for this build, as Redis's redis_build_id identifies its binary.
std::string BuildId() {
  uint64_t h = 1469598103934665603ULL;  // FNV-1a over version and build date
  for (char c : std::string(kDuetVersion) + __DATE__ + __TIME__) {
    h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  }
  return fmt::format("{:015x}", h & 0xfffffffffffffffULL);
}
}  // namespace

std::string BytesToHuman(uint64_t n) {
  constexpr double kK = 1024.0;
  auto d = static_cast<double>(n);
  if (n < 1024) return fmt::format("{}B", n);
  if (n < 1024ULL * 1024) return fmt::format("{:.2f}K", d / kK);
  if (n < 1024ULL * 1024 * 1024) return fmt::format("{:.2f}M", d / (kK * kK));
  if (n < 1024ULL * 1024 * 1024 * 1024) return fmt::format("{:.2f}G", d / (kK * kK * kK));
  if (n < 1024ULL * 1024 * 1024 * 1024 * 1024) {
    return fmt::format("{:.2f}T", d / (kK * kK * kK * kK));
  }
  if (n < 1024ULL * 1024 * 1024 * 1024 * 1024 * 1024) {
    return fmt::format("{:.2f}P", d / (kK * kK * kK * kK * kK));
  }
  return fmt::format("{}B", n);
}

InfoRequest ParseInfoArgs(std::span<const std::string_view> args) {
  static const char* kDefaults[] = {"server",     "clients",     "memory",  "persistence",
                                    "stats",      "replication", "cpu",     "module_list",
                                    "errorstats", "cluster",     "keyspace"};
  InfoRequest req;
  if (args.empty()) {
    req.sections.insert(std::begin(kDefaults), std::end(kDefaults));
    return req;
  }
  for (std::string_view a : args) {
    if (EqualsIgnoreCase(a, "default")) {
      req.sections.insert(std::begin(kDefaults), std::end(kDefaults));
    } else if (EqualsIgnoreCase(a, "all")) {
      req.all = true;
    } else if (EqualsIgnoreCase(a, "everything")) {
      req.all = req.everything = true;
    } else {
      req.sections.insert(ToLower(a));
    }
  }
  return req;
}

std::string GenerateInfo(Server& s, const InfoRequest& req) {
  std::string out;
  int sections = 0;
  auto want = [&](const char* name) { return req.all || req.sections.count(name) > 0; };
  auto header = [&](const char* title) {
    if (sections++) out += "\r\n";
    out += "# ";
    out += title;
    out += "\r\n";
  };
  if (want("server")) {
    header("Server");
    AppendServerSection(s, out);
  }
  if (want("clients")) {
    header("Clients");
    AppendClientsSection(s, out);
  }
  if (want("memory")) {
    header("Memory");
    AppendMemorySection(s, out);
  }
  if (want("persistence")) {
    header("Persistence");
    AppendPersistenceSection(s, out);
  }
  if (want("stats")) {
    header("Stats");
    AppendStatsSection(s, out);
  }
  if (want("replication")) {
    header("Replication");
    AppendReplicationSection(s, out);
  }
  if (want("cpu")) {
    header("CPU");
    AppendCpuSection(out);
  }
  if (want("module_list") || want("modules")) header("Modules");  // no modules loaded
  if (want("commandstats")) {
    header("Commandstats");
    AppendCommandStatsSection(s, out);
  }
  if (want("errorstats")) {
    header("Errorstats");
    AppendErrorStatsSection(s, out);
  }
  if (want("latencystats")) {
    header("Latencystats");
    if (s.config().latency_tracking) AppendLatencyStatsSection(s, out);
  }
  if (want("cluster")) {
    header("Cluster");
    out += "cluster_enabled:0\r\n";
  }
  if (want("keyspace")) {
    header("Keyspace");
    AppendKeyspaceSection(s, out);
  }
  return out;
}

void AppendServerSection(Server& s, std::string& out) {
  const Config& c = s.config();
  utsname name;
  std::string os = "Linux";
  if (uname(&name) == 0) os = fmt::format("{} {} {}", name.sysname, name.release, name.machine);
  int64_t now_us = s.clock().NowUs();
  int64_t uptime = (s.clock().NowMs() - s.start_time_ms()) / 1000;
  std::string supervised = s.config_table().GetValue("supervised");
  if (supervised != "systemd" && supervised != "upstart") supervised = "no";
  Add(out, "redis_version:{}\r\n", kRedisVersion);
  out += "redis_git_sha1:00000000\r\n";
  out += "redis_git_dirty:0\r\n";
  Add(out, "redis_build_id:{}\r\n", BuildId());
  out += "redis_mode:standalone\r\n";
  Add(out, "os:{}\r\n", os);
  Add(out, "arch_bits:{}\r\n", sizeof(void*) * 8);
  out += "monotonic_clock:POSIX clock_gettime\r\n";
  out += "multiplexing_api:epoll\r\n";
  out += "atomicvar_api:c11-builtin\r\n";
  Add(out, "gcc_version:{}.{}.{}\r\n", __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__);
  Add(out, "process_id:{}\r\n", static_cast<long>(getpid()));
  Add(out, "process_supervised:{}\r\n", supervised);
  Add(out, "run_id:{}\r\n", s.run_id());
  Add(out, "tcp_port:{}\r\n", c.port);
  Add(out, "server_time_usec:{}\r\n", now_us);
  Add(out, "uptime_in_seconds:{}\r\n", uptime);
  Add(out, "uptime_in_days:{}\r\n", uptime / 86400);
  Add(out, "hz:{}\r\n", s.hz());
  Add(out, "configured_hz:{}\r\n", c.hz);
  // Redis's LRU clock: seconds, 24 bits.
  Add(out, "lru_clock:{}\r\n", (s.clock().NowMs() / 1000) & ((1 << 24) - 1));
  Add(out, "executable:{}\r\n", ExecutablePath());
  Add(out, "config_file:{}\r\n", c.config_file);
  out += "io_threads_active:0\r\n";
  if (s.shutdown_initiated()) {
    Add(out, "shutdown_in_milliseconds:{}\r\n", s.shutdown_deadline_ms() - s.clock().NowMs());
  }
  Add(out, "duet_version:{}\r\n", kDuetVersion);
}

void AppendClientsSection(Server& s, std::string& out) {
  const FeatureStats& f = s.stats().features;
  size_t max_in = 0, max_out = 0;
  size_t paused = 0;    // clients held by CLIENT PAUSE count as blocked, as in Redis
  size_t replicas = 0;  // not counted as clients (connected_slaves)
  for (const auto& [id, c] : s.clients()) {
    max_in = std::max(max_in, c->query().capacity());
    max_out = std::max(max_out, c->out().capacity());
    if (c->paused) paused++;
    if (c->is_replica) replicas++;
  }
  Add(out, "connected_clients:{}\r\n", s.clients().size() - replicas);
  out += "cluster_connections:0\r\n";
  Add(out, "maxclients:{}\r\n", s.config().maxclients);
  Add(out, "client_recent_max_input_buffer:{}\r\n", max_in);
  Add(out, "client_recent_max_output_buffer:{}\r\n", max_out);
  Add(out, "blocked_clients:{}\r\n", s.blocking().blocked_clients() + paused);
  Add(out, "tracking_clients:{}\r\n", f.tracking_clients);
  Add(out, "clients_in_timeout_table:{}\r\n", s.blocking().timeouts());
}

void AppendMemorySection(Server& s, std::string& out) {
  const Config& c = s.config();
  ServerStats& st = s.stats();
  const ScriptingStats& lua = st.scripting;
  MemoryOverhead mh = ComputeMemoryOverhead(s);
  const MemoryStats& m = mh.alloc;
  uint64_t startup = mh.startup_allocated;
  uint64_t overhead = mh.overhead_total;
  uint64_t dataset = mh.dataset;
  uint64_t clients_mem = mh.clients_normal;
  uint64_t vm_total = lua.vm_eval_bytes + lua.vm_functions_bytes;
  uint64_t scripts = lua.scripts_eval_bytes + lua.functions_bytes;

  Add(out, "used_memory:{}\r\n", m.used);
  Add(out, "used_memory_human:{}\r\n", BytesToHuman(m.used));
  Add(out, "used_memory_rss:{}\r\n", m.rss);
  Add(out, "used_memory_rss_human:{}\r\n", BytesToHuman(m.rss));
  Add(out, "used_memory_peak:{}\r\n", st.used_memory_peak);
  Add(out, "used_memory_peak_human:{}\r\n", BytesToHuman(st.used_memory_peak));
  Add(out, "used_memory_peak_perc:{:.2f}%\r\n", static_cast<float>(mh.peak_perc()));
  Add(out, "used_memory_overhead:{}\r\n", overhead);
  Add(out, "used_memory_startup:{}\r\n", startup);
  Add(out, "used_memory_dataset:{}\r\n", dataset);
  Add(out, "used_memory_dataset_perc:{:.2f}%\r\n", static_cast<float>(mh.dataset_perc()));
  Add(out, "allocator_allocated:{}\r\n", m.allocator_allocated);
  Add(out, "allocator_active:{}\r\n", m.allocator_active);
  Add(out, "allocator_resident:{}\r\n", m.allocator_resident);
  uint64_t system = TotalSystemMemory();
  Add(out, "total_system_memory:{}\r\n", system);
  Add(out, "total_system_memory_human:{}\r\n", BytesToHuman(system));
  Add(out, "used_memory_lua:{}\r\n", lua.vm_eval_bytes);
  Add(out, "used_memory_vm_eval:{}\r\n", lua.vm_eval_bytes);
  Add(out, "used_memory_lua_human:{}\r\n", BytesToHuman(lua.vm_eval_bytes));
  Add(out, "used_memory_scripts_eval:{}\r\n", lua.scripts_eval_bytes);
  Add(out, "number_of_cached_scripts:{}\r\n", lua.cached_scripts);
  Add(out, "number_of_functions:{}\r\n", lua.functions);
  Add(out, "number_of_libraries:{}\r\n", lua.libraries);
  Add(out, "used_memory_vm_functions:{}\r\n", lua.vm_functions_bytes);
  Add(out, "used_memory_vm_total:{}\r\n", vm_total);
  Add(out, "used_memory_vm_total_human:{}\r\n", BytesToHuman(vm_total));
  Add(out, "used_memory_functions:{}\r\n", lua.functions_bytes);
  Add(out, "used_memory_scripts:{}\r\n", scripts);
  Add(out, "used_memory_scripts_human:{}\r\n", BytesToHuman(scripts));
  Add(out, "maxmemory:{}\r\n", c.maxmemory);
  Add(out, "maxmemory_human:{}\r\n", BytesToHuman(c.maxmemory));
  Add(out, "maxmemory_policy:{}\r\n", c.maxmemory_policy);
  Add(out, "allocator_frag_ratio:{:.2f}\r\n", mh.allocator_frag());
  Add(out, "allocator_frag_bytes:{}\r\n", mh.allocator_frag_bytes());
  Add(out, "allocator_rss_ratio:{:.2f}\r\n", mh.allocator_rss());
  Add(out, "allocator_rss_bytes:{}\r\n", mh.allocator_rss_bytes());
  Add(out, "rss_overhead_ratio:{:.2f}\r\n", mh.rss_extra());
  Add(out, "rss_overhead_bytes:{}\r\n", mh.rss_extra_bytes());
  Add(out, "mem_fragmentation_ratio:{:.2f}\r\n", mh.total_frag());
  Add(out, "mem_fragmentation_bytes:{}\r\n", mh.total_frag_bytes());
  Add(out, "mem_not_counted_for_evict:{}\r\n", mh.not_counted_for_evict);
  Add(out, "mem_replication_backlog:{}\r\n", mh.repl_backlog);
  Add(out, "mem_total_replication_buffers:{}\r\n", s.ReplicationBufferBytes());
  Add(out, "mem_clients_slaves:{}\r\n", mh.clients_slaves);
  Add(out, "mem_clients_normal:{}\r\n", clients_mem);
  out += "mem_cluster_links:0\r\n";
  Add(out, "mem_aof_buffer:{}\r\n", st.persistence.aof_buffer_length);
  Add(out, "mem_allocator:{}\r\n", AllocatorName());
  out += "active_defrag_running:0\r\n";
  const LazyFreer& freer = s.keyspace().lazy_freer();
  Add(out, "lazyfree_pending_objects:{}\r\n", freer.pending_objects());
  Add(out, "lazyfreed_objects:{}\r\n", freer.stat_freed_objects());
}

void AppendPersistenceSection(Server& s, std::string& out) {
  const PersistenceStats& p = s.stats().persistence;
  int64_t now_s = s.clock().NowMs() / 1000;
  auto ok = [](bool b) { return b ? "ok" : "err"; };
  Add(out, "loading:{}\r\n", p.loading ? 1 : 0);
  Add(out, "async_loading:{}\r\n", p.async_loading ? 1 : 0);
  Add(out, "current_cow_peak:{}\r\n", p.current_cow_peak);
  Add(out, "current_cow_size:{}\r\n", p.current_cow_size);
  Add(out, "current_cow_size_age:{}\r\n", p.current_cow_size_age);
  Add(out, "current_fork_perc:{:.2f}\r\n", p.current_fork_perc);
  Add(out, "current_save_keys_processed:{}\r\n", p.current_save_keys_processed);
  Add(out, "current_save_keys_total:{}\r\n", p.current_save_keys_total);
  Add(out, "rdb_changes_since_last_save:{}\r\n", s.stats().dirty);
  Add(out, "rdb_bgsave_in_progress:{}\r\n", p.rdb_bgsave_in_progress ? 1 : 0);
  Add(out, "rdb_last_save_time:{}\r\n",
      p.rdb_last_save_time ? p.rdb_last_save_time : s.start_time_ms() / 1000);
  Add(out, "rdb_last_bgsave_status:{}\r\n", ok(p.rdb_last_bgsave_ok));
  Add(out, "rdb_last_bgsave_time_sec:{}\r\n", p.rdb_last_bgsave_time_sec);
  Add(out, "rdb_current_bgsave_time_sec:{}\r\n",
      p.rdb_save_time_start >= 0 ? now_s - p.rdb_save_time_start : -1);
  Add(out, "rdb_saves:{}\r\n", p.rdb_saves);
  Add(out, "rdb_last_cow_size:{}\r\n", p.rdb_last_cow_size);
  Add(out, "rdb_last_load_keys_expired:{}\r\n", p.rdb_last_load_keys_expired);
  Add(out, "rdb_last_load_keys_loaded:{}\r\n", p.rdb_last_load_keys_loaded);
  Add(out, "aof_enabled:{}\r\n", s.aof_on() ? 1 : 0);
  Add(out, "aof_rewrite_in_progress:{}\r\n", p.aof_rewrite_in_progress ? 1 : 0);
  Add(out, "aof_rewrite_scheduled:{}\r\n", p.aof_rewrite_scheduled ? 1 : 0);
  Add(out, "aof_last_rewrite_time_sec:{}\r\n", p.aof_last_rewrite_time_sec);
  Add(out, "aof_current_rewrite_time_sec:{}\r\n",
      p.aof_rewrite_time_start >= 0 ? now_s - p.aof_rewrite_time_start : -1);
  Add(out, "aof_last_bgrewrite_status:{}\r\n", ok(p.aof_last_bgrewrite_ok));
  Add(out, "aof_rewrites:{}\r\n", p.aof_rewrites);
  Add(out, "aof_rewrites_consecutive_failures:{}\r\n", p.aof_rewrites_consecutive_failures);
  Add(out, "aof_last_write_status:{}\r\n", ok(p.aof_last_write_ok));
  Add(out, "aof_last_cow_size:{}\r\n", p.aof_last_cow_size);
  out += "module_fork_in_progress:0\r\n";
  out += "module_fork_last_cow_size:0\r\n";
  if (s.aof_on()) {
    Add(out, "aof_current_size:{}\r\n", p.aof_current_size);
    Add(out, "aof_base_size:{}\r\n", p.aof_base_size);
    Add(out, "aof_pending_rewrite:{}\r\n", p.aof_pending_rewrite ? 1 : 0);
    Add(out, "aof_buffer_length:{}\r\n", p.aof_buffer_length);
    Add(out, "aof_pending_bio_fsync:{}\r\n", p.aof_pending_bio_fsync);
    Add(out, "aof_delayed_fsync:{}\r\n", p.aof_delayed_fsync);
  }
  if (p.loading) {
    double perc = 0;
    uint64_t remaining = 1;
    if (p.loading_total_bytes) {
      perc = static_cast<double>(p.loading_loaded_bytes) /
             static_cast<double>(p.loading_total_bytes) * 100;
      remaining = p.loading_total_bytes - p.loading_loaded_bytes;
    } else if (p.loading_rdb_used_mem) {
      perc = static_cast<double>(p.loading_loaded_bytes) /
             static_cast<double>(p.loading_rdb_used_mem) * 100;
      // The used memory is only an estimate of the file size: never report 100%.
      if (perc > 99.99) perc = 99.99;
      remaining = p.loading_rdb_used_mem > p.loading_loaded_bytes
                      ? p.loading_rdb_used_mem - p.loading_loaded_bytes
                      : 1;
    }
    int64_t elapsed = now_s - p.loading_start_time;
    int64_t eta = elapsed == 0 ? 1
                               : static_cast<int64_t>(static_cast<uint64_t>(elapsed) * remaining /
                                                      (p.loading_loaded_bytes + 1));
    Add(out, "loading_start_time:{}\r\n", p.loading_start_time);
    Add(out, "loading_total_bytes:{}\r\n", p.loading_total_bytes);
    Add(out, "loading_rdb_used_mem:{}\r\n", p.loading_rdb_used_mem);
    Add(out, "loading_loaded_bytes:{}\r\n", p.loading_loaded_bytes);
    Add(out, "loading_loaded_perc:{:.2f}\r\n", perc);
    Add(out, "loading_eta_seconds:{}\r\n", eta);
  }
}

}  // namespace duet
