// MemoryOverhead: Redis's getMemoryOverheadData — how used memory splits into server
// overhead (startup, client buffers, AOF buffer, script caches, the keyspace tables) and the
// dataset, plus the allocator and RSS ratios. One computation feeds INFO memory, MEMORY
// STATS and MEMORY DOCTOR so the three always agree.
#pragma once

#include <cstdint>
#include <vector>

#include "server/memory_stats.h"

namespace duet {

class Server;

struct MemoryOverhead {
  struct DbOverhead {
    int db = 0;
    uint64_t main = 0;     // the key table's directory and segments
    uint64_t expires = 0;  // the TTL index
  };
  MemoryStats alloc;            // fresh allocator figures (used == total_allocated)
  uint64_t peak_allocated = 0;  // used_memory_peak (updated by this computation)
  uint64_t startup_allocated = 0;
  uint64_t clients_normal = 0;         // every client but the replicas (the master's included)
  uint64_t clients_slaves = 0;         // the replicas' clients, their output buffers included
  uint64_t repl_backlog = 0;           // the replication backlog's buffer
  uint64_t not_counted_for_evict = 0;  // AOF buffer + replica output buffers
  uint64_t aof_buffer = 0;
  uint64_t lua_caches = 0;
  uint64_t functions_caches = 0;
  std::vector<DbOverhead> dbs;  // non-empty databases only, as Redis lists them
  uint64_t overhead_total = 0;
  uint64_t total_keys = 0;
  uint64_t dataset = 0;
  uint64_t net_usage = 0;  // total - startup (at least 1)

  uint64_t bytes_per_key() const { return total_keys ? net_usage / total_keys : 0; }
  double dataset_perc() const { return static_cast<double>(dataset) * 100 / net_usage; }
  double peak_perc() const {
    return peak_allocated ? static_cast<double>(alloc.used) * 100 / peak_allocated : 0;
  }
  static double Ratio(uint64_t a, uint64_t b) {
    return b ? static_cast<double>(a) / static_cast<double>(b) : 0.0;
  }
  static int64_t Diff(uint64_t a, uint64_t b) { return static_cast<int64_t>(a - b); }
  double allocator_frag() const { return Ratio(alloc.allocator_active, alloc.allocator_allocated); }
  int64_t allocator_frag_bytes() const {
    return Diff(alloc.allocator_active, alloc.allocator_allocated);
  }
  double allocator_rss() const { return Ratio(alloc.allocator_resident, alloc.allocator_active); }
  int64_t allocator_rss_bytes() const {
    return Diff(alloc.allocator_resident, alloc.allocator_active);
  }
  double rss_extra() const { return Ratio(alloc.rss, alloc.allocator_resident); }
  int64_t rss_extra_bytes() const { return Diff(alloc.rss, alloc.allocator_resident); }
  double total_frag() const { return Ratio(alloc.rss, alloc.used); }
  int64_t total_frag_bytes() const { return Diff(alloc.rss, alloc.used); }
};

// Reads the allocator (refreshing its statistics) and computes the breakdown; raises the
// server's used_memory_peak if the current figure is above it.
MemoryOverhead ComputeMemoryOverhead(Server& server);

// MEMORY DOCTOR's report, Redis 7.0's texts (getMemoryDoctorReport).
std::string MemoryDoctorReport(Server& server);

}  // namespace duet
