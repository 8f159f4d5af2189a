// LatencyHistogram: per-command latency distribution for INFO latencystats, with the bucket
// layout Redis 7.0 uses (an HDR histogram over 1 ns .. 1 s with 2 significant digits), so
// the percentiles INFO prints are the values Redis would print for the same samples
// (e.g. a 9 µs call reports p50=9.023).
//
// Layout: 24 buckets of 128 sub-buckets (3072 counters); bucket b covers values whose
// highest bit is at position b+7, with a resolution of 2^b. Recording is O(1), no
// allocation. Not thread-safe.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace duet {

class LatencyHistogram {
 public:
  static constexpr int64_t kMinValue = 1;              // ns
  static constexpr int64_t kMaxValue = 1'000'000'000;  // ns

  LatencyHistogram();

  // Records one value in nanoseconds, clamped to [kMinValue, kMaxValue] as Redis does.
  void Record(int64_t ns);
  uint64_t total_count() const { return total_; }
  // HDR's value_at_percentile: the highest value equivalent to the sample at `percentile`
  // (0..100) of the recorded values; 0 when empty.
  int64_t ValueAtPercentile(double percentile) const;

  // The cumulative distribution LATENCY HISTOGRAM replies with: HDR's logarithmic iteration
  // from 1024 ns in powers of 2, as Redis's fillCommandCDF walks it. One (usec, calls) pair
  // per step whose cumulative count grew: usec is the highest value (in whole µs) equivalent
  // to the bucket the step ended on, calls the number of values up to it. Values past the
  // last power of two below kMaxValue end in one final step. Empty when nothing was recorded.
  std::vector<std::pair<int64_t, uint64_t>> CumulativeLogSteps() const;

 private:
  static int BucketIndex(int64_t v);
  static int CountsIndex(int64_t v);
  static int64_t ValueFromIndex(int index);
  static int64_t LowestEquivalent(int64_t v);
  static int64_t HighestEquivalent(int64_t v);

  std::vector<uint64_t> counts_;
  uint64_t total_ = 0;
};

}  // namespace duet
