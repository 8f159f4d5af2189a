#include "server/latency_report.h"

#include <fmt/format.h>

#include <initializer_list>
#include <string_view>

#include "common/strutil.h"

namespace duet {

namespace {

// The advice paragraphs, in the order the report prints them.
enum Advice : unsigned {
  kBetterVm,
  kSlowlogEnabled,
  kSlowlogTuning,
  kSlowlogInspect,
  kScheduler,
  kLocalDisk,
  kSsd,
  kDataWriteback,
  kDiskContention,
  kNoAppendfsync,
  kRelaxFsyncPolicy,
  kWriteLoadInfo,
  kHz,
  kLargeObjects,
  kMassEviction,
  kDisableThp,
  kAdviceCount,
};

struct AdviceSet {
  bool on[kAdviceCount] = {};
  int count = 0;  // Redis's "advices": counts a paragraph each time an event asks for it
  void Add(std::initializer_list<Advice> list) {
    for (Advice a : list) on[a] = true;
    count += static_cast<int>(list.size());
  }
};

bool Is(std::string_view event, std::string_view name) { return EqualsIgnoreCase(event, name); }

// What an event suggests (Redis's per-event branches). "fork" never occurs: duet does not fork.
void AdviseFor(std::string_view event, const LatencyReportInputs& in, AdviceSet& a) {
  if (Is(event, "command")) {
    if (in.slowlog_log_slower_than < 0) {
      a.Add({kSlowlogEnabled});
    } else if (in.slowlog_log_slower_than / 1000 > in.threshold_ms) {
      a.Add({kSlowlogTuning});
    }
    a.Add({kSlowlogInspect, kLargeObjects});
  }
  if (Is(event, "fast-command")) a.Add({kScheduler});
  if (Is(event, "aof-write-pending-fsync")) {
    a.Add({kLocalDisk, kDiskContention, kSsd, kDataWriteback});
  }
  if (Is(event, "aof-write-active-child")) a.Add({kNoAppendfsync, kDataWriteback, kSsd});
  if (Is(event, "aof-write-alone")) a.Add({kLocalDisk, kDataWriteback, kSsd});
  if (Is(event, "aof-fsync-always")) a.Add({kRelaxFsyncPolicy});
  if (Is(event, "aof-fstat") || Is(event, "rdb-unlink-temp-file")) {
    a.Add({kDiskContention, kLocalDisk});
  }
  if (Is(event, "aof-rewrite-diff-write") || Is(event, "aof-rename")) {
    a.Add({kWriteLoadInfo, kDataWriteback, kSsd, kLocalDisk});
  }
  if (Is(event, "expire-cycle")) a.Add({kHz, kLargeObjects});
  if (Is(event, "eviction-del")) a.Add({kLargeObjects});
  if (Is(event, "eviction-cycle")) a.Add({kMassEviction});
}

void AppendAdvice(std::string& out, const AdviceSet& a, const LatencyReportInputs& in) {
  out += "\nI have a few advices for you:\n\n";
  if (a.on[kBetterVm]) {
    out +=
        "- If you are using a virtual machine, consider upgrading it with a faster one using a "
        "hypervisior that provides less latency during fork() calls. Xen is known to have poor "
        "fork() performance. Even in the context of the same VM provider, certain kinds of "
        "instances can execute fork faster than others.\n";
  }
  uint64_t slowlog_us = static_cast<uint64_t>(in.threshold_ms) * 1000;
  if (a.on[kSlowlogEnabled]) {
    out += fmt::format(
        "- There are latency issues with potentially slow commands you are using. Try to enable "
        "the Slow Log Redis feature using the command 'CONFIG SET slowlog-log-slower-than {}'. "
        "If the Slow log is disabled Redis is not able to log slow commands execution for "
        "you.\n",
        slowlog_us);
  }
  if (a.on[kSlowlogTuning]) {
    out += fmt::format(
        "- Your current Slow Log configuration only logs events that are slower than your "
        "configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than "
        "{}'.\n",
        slowlog_us);
  }
  if (a.on[kSlowlogInspect]) {
    out +=
        "- Check your Slow Log to understand what are the commands you are running which are "
        "too slow to execute. Please check https://redis.io/commands/slowlog for more "
        "information.\n";
  }
  if (a.on[kScheduler]) {
    out +=
        "- The system is slow to execute Redis code paths not containing system calls. This "
        "usually means the system does not provide Redis CPU time to run for long periods. You "
        "should try to:\n"
        "  1) Lower the system load.\n"
        "  2) Use a computer / VM just for Redis if you are running other software in the same "
        "system.\n"
        "  3) Check if you have a \"noisy neighbour\" problem.\n"
        "  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic latency in "
        "your system.\n"
        "  5) Check if the problem is allocator-related by recompiling Redis with MALLOC=libc, "
        "if you are using Jemalloc. However this may create fragmentation problems.\n";
  }
  if (a.on[kLocalDisk]) {
    out +=
        "- It is strongly advised to use local disks for persistence, especially if you are "
        "using AOF. Remote disks provided by platform-as-a-service providers are known to be "
        "slow.\n";
  }
  if (a.on[kSsd]) {
    out +=
        "- SSD disks are able to reduce fsync latency, and total time needed for snapshotting "
        "and AOF log rewriting (resulting in smaller memory usage). With extremely high write "
        "load SSD disks can be a good option. However Redis should perform reasonably with high "
        "load using normal disks. Use this advice as a last resort.\n";
  }
  if (a.on[kDataWriteback]) {
    out +=
        "- Mounting ext3/4 filesystems with data=writeback can provide a performance boost "
        "compared to data=ordered, however this mode of operation provides less guarantees, "
        "and sometimes it can happen that after a hard crash the AOF file will have a "
        "half-written command at the end and will require to be repaired before Redis "
        "restarts.\n";
  }
  if (a.on[kDiskContention]) {
    out +=
        "- Try to lower the disk contention. This is often caused by other disk intensive "
        "processes running in the same computer (including other Redis instances).\n";
  }
  if (a.on[kNoAppendfsync]) {
    out +=
        "- Assuming from the point of view of data safety this is viable in your environment, "
        "you could try to enable the 'no-appendfsync-on-rewrite' option, so that fsync will not "
        "be performed while there is a child rewriting the AOF file or producing an RDB file "
        "(the moment where there is high disk contention).\n";
  }
  if (a.on[kRelaxFsyncPolicy] && in.fsync_always) {
    out +=
        "- Your fsync policy is set to 'always'. It is very hard to get good performances with "
        "such a setup, if possible try to relax the fsync policy to 'onesec'.\n";
  }
  if (a.on[kWriteLoadInfo]) {
    out +=
        "- Latency during the AOF atomic rename operation or when the final difference is "
        "flushed to the AOF file at the end of the rewrite, sometimes is caused by very high "
        "write load, causing the AOF buffer to get very large. If possible try to send less "
        "commands to accomplish the same work, or use Lua scripts to group multiple operations "
        "into a single EVALSHA call.\n";
  }
  if (a.on[kHz] && in.hz < 100) {
    out +=
        "- In order to make the Redis keys expiring process more incremental, try to set the "
        "'hz' configuration parameter to 100 using 'CONFIG SET hz 100'.\n";
  }
  if (a.on[kLargeObjects]) {
    out +=
        "- Deleting, expiring or evicting (because of maxmemory policy) large objects is a "
        "blocking operation. If you have very large objects that are often deleted, expired, or "
        "evicted, try to fragment those objects into multiple smaller objects.\n";
  }
  if (a.on[kMassEviction]) {
    out +=
        "- Sudden changes to the 'maxmemory' setting via 'CONFIG SET', or allocation of large "
        "objects via sets or sorted sets intersections, STORE option of SORT, Redis Cluster "
        "large keys migrations (RESTORE command), may create sudden memory pressure forcing the "
        "server to block trying to evict keys. \n";
  }
  if (a.on[kDisableThp]) {
    out +=
        "- I detected a non zero amount of anonymous huge pages used by your process. This "
        "creates very serious latency events in different conditions, especially when Redis is "
        "persisting on disk. To disable THP support use the command 'echo never > "
        "/sys/kernel/mm/transparent_hugepage/enabled', make sure to also add it into "
        "/etc/rc.local so that the command will be executed again after a reboot. Note that "
        "even if you have already disabled THP, you still need to restart the Redis process to "
        "get rid of the huge pages already created.\n";
  }
}

}  // namespace

std::string LatencyDoctorReport(const LatencyMonitor& monitor, const LatencyReportInputs& in) {
  if (monitor.events().empty() && in.threshold_ms == 0) {
    return "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis "
           "instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in "
           "order to enable it. If we weren't in a deep space mission I'd suggest to take a look "
           "at https://redis.io/topics/latency-monitor.\n";
  }
  std::string out;
  AdviceSet advice;
  int eventnum = 0;
  for (const LatencyMonitor::Series& ts : monitor.events()) {
    if (++eventnum == 1) {
      out +=
          "Dave, I have observed latency spikes in this Redis instance. You don't mind talking "
          "about it, do you Dave?\n\n";
    }
    LatencyMonitor::Stats st = monitor.Analyze(ts.event, in.now_s);
    out += fmt::format(
        "{}. {}: {} latency spikes (average {}ms, mean deviation {}ms, period {:.2f} sec). Worst "
        "all time event {}ms.",
        eventnum, ts.event, st.samples, st.avg, st.mad,
        static_cast<double>(st.period_s) / st.samples, ts.all_time_max);
    AdviseFor(ts.event, in, advice);
    out += '\n';
  }
  if (in.huge_pages_used) advice.Add({kDisableThp});

  if (eventnum == 0 && advice.count == 0) {
    out +=
        "Dave, no latency spike was observed during the lifetime of this Redis instance, not in "
        "the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, "
        "and think things over.\n";
  } else if (eventnum > 0 && advice.count == 0) {
    out +=
        "\nWhile there are latency events logged, I'm not able to suggest any easy fix. Please "
        "use the Redis community to get some help, providing this report in your help "
        "request.\n";
  } else {
    AppendAdvice(out, advice, in);
  }
  return out;
}

}  // namespace duet
