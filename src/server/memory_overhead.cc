#include "server/memory_overhead.h"

#include <fmt/format.h>

#include <algorithm>

#include "server/client_list.h"
#include "server/server.h"

namespace duet {

MemoryOverhead ComputeMemoryOverhead(Server& s) {
  MemoryOverhead m;
  ServerStats& st = s.stats();
  m.alloc = ReadMemoryStats();
  if (m.alloc.used > st.used_memory_peak) st.used_memory_peak = m.alloc.used;
  m.peak_allocated = st.used_memory_peak;
  m.startup_allocated = std::min(st.used_memory_startup, m.alloc.used);
  for (const auto& [id, c] : s.clients()) {
    (c->is_replica ? m.clients_slaves : m.clients_normal) += ClientMemoryUsage(*c);
  }
  m.repl_backlog = s.replication().BacklogAllocatedBytes();
  m.aof_buffer = st.persistence.aof_buffer_length;
  m.not_counted_for_evict = m.aof_buffer + s.ReplicaOutputBufferBytes();
  s.RefreshScriptingStats();
  m.lua_caches = st.scripting.scripts_eval_bytes;
  m.functions_caches = st.scripting.functions_bytes;
  uint64_t total = m.startup_allocated + m.clients_normal + m.clients_slaves + m.repl_backlog +
                   m.aof_buffer + m.lua_caches + m.functions_caches;
  Keyspace& ks = s.keyspace();
  for (int i = 0; i < ks.db_count(); i++) {
    Db& d = ks.db(i);
    if (d.size() == 0) continue;
    MemoryOverhead::DbOverhead o{i, d.table().bytes_used(), d.expires().bytes_used()};
    total += o.main + o.expires;
    m.total_keys += d.size();
    m.dbs.push_back(o);
  }
  m.overhead_total = std::min(total, m.alloc.used);
  m.dataset = m.alloc.used - m.overhead_total;
  m.net_usage = m.alloc.used > m.startup_allocated ? m.alloc.used - m.startup_allocated : 1;
  return m;
}

std::string MemoryDoctorReport(Server& s) {
  MemoryOverhead m = ComputeMemoryOverhead(s);
  constexpr int64_t k10Mb = 10 << 20;
  bool empty = false, big_peak = false, high_frag = false, high_alloc_frag = false;
  bool high_alloc_rss = false, high_proc_rss = false, big_client_buf = false;
  bool many_scripts = false;
  int reports = 0;
  if (m.alloc.used < 5 * 1024 * 1024) {
    empty = true;
    reports++;
  } else {
    if (static_cast<float>(m.peak_allocated) / static_cast<float>(m.alloc.used) > 1.5) {
      big_peak = true;
      reports++;
    }
    if (m.total_frag() > 1.4 && m.total_frag_bytes() > k10Mb) {
      high_frag = true;
      reports++;
    }
    if (m.allocator_frag() > 1.1 && m.allocator_frag_bytes() > k10Mb) {
      high_alloc_frag = true;
      reports++;
    }
    if (m.allocator_rss() > 1.1 && m.allocator_rss_bytes() > k10Mb) {
      high_alloc_rss = true;
      reports++;
    }
    if (m.rss_extra() > 1.1 && m.rss_extra_bytes() > k10Mb) {
      high_proc_rss = true;
      reports++;
    }
    size_t clients = s.clients().size();
    if (clients && m.clients_normal / clients > 1024 * 200) {
      big_client_buf = true;
      reports++;
    }
    if (s.stats().scripting.cached_scripts > 1000) {
      many_scripts = true;
      reports++;
    }
  }
  if (reports == 0) {
    return "Hi Sam, I can't find any memory issue in your instance. I can only account for what "
           "occurs on this base.\n";
  }
  if (empty) {
    return "Hi Sam, this instance is empty or is using very little memory, my issues detector "
           "can't be used in these conditions. Please, leave for your mission on Earth and fill "
           "it with some data. The new Sam and I will be back to our programming as soon as I "
           "finished rebooting.\n";
  }
  std::string r = "Sam, I detected a few issues in this Redis instance memory implants:\n\n";
  if (big_peak) {
    r += " * Peak memory: In the past this instance used more than 150% the memory that is "
         "currently using. The allocator is normally not able to release memory after a peak, "
         "so you can expect to see a big fragmentation ratio, however this is actually harmless "
         "and is only due to the memory peak, and if the Redis instance Resident Set Size (RSS) "
         "is currently bigger than expected, the memory will be used as soon as you fill the "
         "Redis instance with more data. If the memory peak was only occasional and you want to "
         "try to reclaim memory, please try the MEMORY PURGE command, otherwise the only other "
         "option is to shutdown and restart the instance.\n\n";
  }
  if (high_frag) {
    r += fmt::format(
        " * High total RSS: This instance has a memory fragmentation and RSS overhead greater "
        "than 1.4 (this means that the Resident Set Size of the Redis process is much larger "
        "than the sum of the logical allocations Redis performed). This problem is usually due "
        "either to a large peak memory (check if there is a peak memory entry above in the "
        "report) or may result from a workload that causes the allocator to fragment memory a "
        "lot. If the problem is a large peak memory, then there is no issue. Otherwise, make "
        "sure you are using the Jemalloc allocator and not the default libc malloc. Note: The "
        "currently used allocator is \"{}\".\n\n",
        AllocatorName());
  }
  if (high_alloc_frag) {
    r += " * High allocator fragmentation: This instance has an allocator external "
         "fragmentation greater than 1.1. This problem is usually due either to a large peak "
         "memory (check if there is a peak memory entry above in the report) or may result "
         "from a workload that causes the allocator to fragment memory a lot. You can try "
         "enabling 'activedefrag' config option.\n\n";
  }
  if (high_alloc_rss) {
    r += " * High allocator RSS overhead: This instance has an RSS memory overhead is greater "
         "than 1.1 (this means that the Resident Set Size of the allocator is much larger than "
         "the sum what the allocator actually holds). This problem is usually due to a large "
         "peak memory (check if there is a peak memory entry above in the report), you can try "
         "the MEMORY PURGE command to reclaim it.\n\n";
  }
  if (high_proc_rss) {
    r += " * High process RSS overhead: This instance has non-allocator RSS memory overhead is "
         "greater than 1.1 (this means that the Resident Set Size of the Redis process is much "
         "larger than the RSS the allocator holds). This problem may be due to Lua scripts or "
         "Modules.\n\n";
  }
  if (big_client_buf) {
    r += " * Big client buffers: The clients output buffers in this instance are greater than "
         "200K per client (on average). This may result from different causes, like Pub/Sub "
         "clients subscribed to channels bot not receiving data fast enough, so that data piles "
         "on the Redis instance output buffer, or clients sending commands with large replies "
         "or very large sequences of commands in the same pipeline. Please use the CLIENT LIST "
         "command in order to investigate the issue if it causes problems in your instance, or "
         "to understand better why certain clients are using a big amount of memory.\n\n";
  }
  if (many_scripts) {
    r += " * Many scripts: There seem to be many cached scripts in this instance (more than "
         "1000). This may be because scripts are generated and `EVAL`ed, instead of being "
         "parameterized (with KEYS and ARGV), `SCRIPT LOAD`ed and `EVALSHA`ed. Unless `SCRIPT "
         "FLUSH` is called periodically, the scripts' caches may end up consuming most of your "
         "memory.\n\n";
  }
  r += "I'm here to keep you safe, Sam. I want to help you.\n";
  return r;
}

}  // namespace duet
