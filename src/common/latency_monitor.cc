#include "common/latency_monitor.h"

#include <algorithm>

#include "common/strutil.h"

namespace duet {

void LatencyMonitor::AddSample(std::string_view event, int64_t latency_ms, int64_t now_s) {
  auto it = std::find_if(events_.begin(), events_.end(),
                         [&](const Series& s) { return s.event == event; });
  if (it == events_.end()) {
    events_.push_back(Series{.event = std::string(event)});
    it = events_.end() - 1;
  }
  Series& ts = *it;
  // Redis stores the sample in 32 bits (uint32 latency, int32 time).
  auto latency = static_cast<uint32_t>(latency_ms);
  auto now = static_cast<int32_t>(now_s);
  if (latency > ts.all_time_max) ts.all_time_max = latency;
  // One sample per second: a later one in the same second only raises it.
  Sample& prev = ts.samples[(ts.next + kHistoryLen - 1) % kHistoryLen];
  if (prev.time_s == now) {
    if (latency > prev.latency_ms) prev.latency_ms = latency;
    return;
  }
  ts.samples[ts.next] = Sample{.time_s = now, .latency_ms = latency};
  ts.next = (ts.next + 1) % kHistoryLen;
}

int LatencyMonitor::Reset() {
  int n = static_cast<int>(events_.size());
  events_.clear();
  return n;
}

int LatencyMonitor::Reset(std::string_view event) {
  size_t before = events_.size();
  std::erase_if(events_, [&](const Series& s) { return EqualsIgnoreCase(s.event, event); });
  return static_cast<int>(before - events_.size());
}

const LatencyMonitor::Series* LatencyMonitor::Find(std::string_view event) const {
  for (const Series& s : events_) {
    if (s.event == event) return &s;
  }
  return nullptr;
}

LatencyMonitor::Stats LatencyMonitor::Analyze(std::string_view event, int64_t now_s) const {
  Stats st;
  const Series* ts = Find(event);
  if (!ts) return st;
  st.all_time_high = ts->all_time_max;
  uint64_t sum = 0;
  int64_t oldest = 0;
  for (const Sample& s : ts->samples) {
    if (s.time_s == 0) continue;
    st.samples++;
    if (st.samples == 1) {
      st.min = st.max = s.latency_ms;
    } else {
      st.min = std::min(st.min, s.latency_ms);
      st.max = std::max(st.max, s.latency_ms);
    }
    sum += s.latency_ms;
    if (oldest == 0 || s.time_s < oldest) oldest = s.time_s;
  }
  if (st.samples == 0) return st;
  st.avg = static_cast<uint32_t>(sum / st.samples);
  st.period_s = now_s - oldest;
  if (st.period_s == 0) st.period_s = 1;
  uint64_t dev = 0;
  for (const Sample& s : ts->samples) {
    if (s.time_s == 0) continue;
    int64_t d = static_cast<int64_t>(st.avg) - s.latency_ms;
    dev += static_cast<uint64_t>(d < 0 ? -d : d);
  }
  st.mad = static_cast<uint32_t>(dev / st.samples);
  return st;
}

}  // namespace duet
