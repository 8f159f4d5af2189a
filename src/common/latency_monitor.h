// LatencyMonitor: the latency monitor behind LATENCY (Redis's latency.c). Each named event
// ("command", "fast-command", "expire-cycle", "eviction-del", ...) has a time series of the
// last 160 samples, at most one per second: a second sample within the same second keeps the
// larger latency. Callers report spikes with AddSampleIfNeeded, which records nothing while
// the threshold (latency-monitor-threshold, ms) is 0 or the latency is under it.
//
// Events are kept in the order they were first recorded (Redis iterates a hash table, whose
// order is unspecified). Event names are matched case-sensitively, except by Reset, which
// ignores case, as Redis does. Times are Unix seconds passed in by the caller (the server's
// Clock), so tests drive them. Not thread-safe: the event-loop thread owns it.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace duet {

class LatencyMonitor {
 public:
  static constexpr int kHistoryLen = 160;  // LATENCY_TS_LEN

  struct Sample {
    int32_t time_s = 0;  // 0: an unused slot
    uint32_t latency_ms = 0;
  };
  struct Series {
    std::string event;
    int next = 0;               // slot the next sample goes to
    uint32_t all_time_max = 0;  // highest latency since the event's last reset
    std::array<Sample, kHistoryLen> samples{};

    // The most recent sample (an empty one when none was recorded).
    const Sample& Latest() const { return samples[(next + kHistoryLen - 1) % kHistoryLen]; }
    // Calls fn(const Sample&) for every recorded sample, oldest first.
    template <typename Fn>
    void ForEachOldestFirst(Fn&& fn) const {
      for (int j = 0; j < kHistoryLen; j++) {
        const Sample& s = samples[(next + j) % kHistoryLen];
        if (s.time_s != 0) fn(s);
      }
    }
  };
  // Redis's latencyStats over the samples currently held (all zero for an unknown event).
  struct Stats {
    uint32_t all_time_high = 0;
    uint32_t avg = 0;
    uint32_t min = 0;
    uint32_t max = 0;
    uint32_t mad = 0;  // mean absolute deviation from avg
    uint32_t samples = 0;
    int64_t period_s = 0;  // seconds from the oldest sample to now (at least 1)
  };

  // Records `latency_ms` for `event` when `threshold_ms` is non-zero and the latency reaches
  // it (Redis's latencyAddSampleIfNeeded).
  void AddSampleIfNeeded(std::string_view event, int64_t latency_ms, int64_t threshold_ms,
                         int64_t now_s) {
    if (threshold_ms != 0 && latency_ms >= threshold_ms) AddSample(event, latency_ms, now_s);
  }
  // Records unconditionally (Redis's latencyAddSample).
  void AddSample(std::string_view event, int64_t latency_ms, int64_t now_s);

  // Forgets every event, or the events named `event` (ignoring case); returns how many
  // were forgotten.
  int Reset();
  int Reset(std::string_view event);

  // The series of `event` (exact name), or nullptr.
  const Series* Find(std::string_view event) const;
  const std::vector<Series>& events() const { return events_; }
  Stats Analyze(std::string_view event, int64_t now_s) const;

 private:
  std::vector<Series> events_;  // first-recorded order; a handful of events at most
};

}  // namespace duet
