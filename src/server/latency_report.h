// LATENCY DOCTOR's text: one line per latency event with its statistics, then the advice
// those events call for, worded exactly as Redis 7.0.15's createLatencyReport.
#pragma once

#include <cstdint>
#include <string>

#include "common/latency_monitor.h"

namespace duet {

// The server state the advice depends on.
struct LatencyReportInputs {
  int64_t threshold_ms = 0;             // latency-monitor-threshold
  int64_t slowlog_log_slower_than = 0;  // µs; negative: slow log disabled
  int hz = 10;
  bool fsync_always = false;     // appendfsync always
  bool huge_pages_used = false;  // the process maps transparent huge pages
  int64_t now_s = 0;
};

std::string LatencyDoctorReport(const LatencyMonitor& monitor, const LatencyReportInputs& in);

}  // namespace duet
