#include "common/latency_histogram.h"

#include <algorithm>

namespace duet {

namespace {
// 2 significant digits need 2 * 10^2 = 200 distinct values per bucket: 256 sub-buckets, of
// which the upper 128 are new in each bucket after the first.
constexpr int kSubBucketCountMagnitude = 8;
constexpr int kSubBucketHalfCountMagnitude = kSubBucketCountMagnitude - 1;
constexpr int64_t kSubBucketCount = int64_t{1} << kSubBucketCountMagnitude;
constexpr int64_t kSubBucketHalfCount = kSubBucketCount / 2;
constexpr int64_t kSubBucketMask = kSubBucketCount - 1;

// Buckets needed so the last one covers kMaxValue.
constexpr int BucketCount() {
  int64_t smallest_untrackable = kSubBucketCount;
  int buckets = 1;
  while (smallest_untrackable <= LatencyHistogram::kMaxValue) {
    smallest_untrackable <<= 1;
    buckets++;
  }
  return buckets;
}
constexpr int kCountsLen = (BucketCount() + 1) * static_cast<int>(kSubBucketHalfCount);
}  // namespace

LatencyHistogram::LatencyHistogram() : counts_(kCountsLen, 0) {}

int LatencyHistogram::BucketIndex(int64_t v) {
  int pow2ceiling = 64 - __builtin_clzll(static_cast<uint64_t>(v | kSubBucketMask));
  return pow2ceiling - (kSubBucketHalfCountMagnitude + 1);
}

int LatencyHistogram::CountsIndex(int64_t v) {
  int bucket = BucketIndex(v);
  auto sub = static_cast<int>(v >> bucket);
  int base = (bucket + 1) << kSubBucketHalfCountMagnitude;
  return base + sub - static_cast<int>(kSubBucketHalfCount);
}

int64_t LatencyHistogram::ValueFromIndex(int index) {
  int bucket = (index >> kSubBucketHalfCountMagnitude) - 1;
  int sub =
      (index & static_cast<int>(kSubBucketHalfCount - 1)) + static_cast<int>(kSubBucketHalfCount);
  if (bucket < 0) {
    sub -= static_cast<int>(kSubBucketHalfCount);
    bucket = 0;
  }
  return static_cast<int64_t>(sub) << bucket;
}

int64_t LatencyHistogram::LowestEquivalent(int64_t v) {
  int bucket = BucketIndex(v);
  int64_t sub = v >> bucket;
  return sub << bucket;
}

int64_t LatencyHistogram::HighestEquivalent(int64_t v) {
  int bucket = BucketIndex(v);
  int64_t sub = v >> bucket;
  int adjusted = sub >= kSubBucketCount ? bucket + 1 : bucket;
  return LowestEquivalent(v) + (int64_t{1} << adjusted) - 1;
}

void LatencyHistogram::Record(int64_t ns) {
  ns = std::clamp(ns, kMinValue, kMaxValue);
  counts_[static_cast<size_t>(CountsIndex(ns))]++;
  total_++;
}

int64_t LatencyHistogram::ValueAtPercentile(double percentile) const {
  if (total_ == 0) return 0;
  double p = std::min(percentile, 100.0);
  auto target = static_cast<uint64_t>((p / 100.0) * static_cast<double>(total_) + 0.5);
  target = std::max<uint64_t>(target, 1);
  uint64_t seen = 0;
  int64_t value = 0;
  for (size_t i = 0; i < counts_.size(); i++) {
    seen += counts_[i];
    if (seen >= target) {
      value = ValueFromIndex(static_cast<int>(i));
      break;
    }
  }
  return percentile == 0.0 ? LowestEquivalent(value) : HighestEquivalent(value);
}

std::vector<std::pair<int64_t, uint64_t>> LatencyHistogram::CumulativeLogSteps() const {
  // hdr_iter_log_init(iter, h, 1024, 2) and log_iter_next, step for step: each step moves
  // through the counts until a value reaches the next reporting level (1024, 2048, ... ns)
  // and reports the bucket it stopped on; running off the end of the counts also reports.
  std::vector<std::pair<int64_t, uint64_t>> out;
  const int counts_len = static_cast<int>(counts_.size());
  int64_t level_lowest = LowestEquivalent(1024);
  int64_t level = 1024;
  int index = -1;
  int64_t value = 0;
  int64_t highest = 0;
  uint64_t cumulative = 0;
  uint64_t reported = 0;
  while (true) {
    bool peek_beyond = index < counts_len && ValueFromIndex(index + 1) > level_lowest;
    if (cumulative >= total_ && !peek_beyond) break;
    while (value < level_lowest) {
      if (++index >= counts_len) break;
      cumulative += counts_[static_cast<size_t>(index)];
      value = ValueFromIndex(index);
      highest = HighestEquivalent(value);
    }
    if (value >= level_lowest) {
      level *= 2;
      level_lowest = LowestEquivalent(level);
    }
    if (cumulative > reported) out.emplace_back(highest / 1000, cumulative);
    reported = cumulative;
    if (index >= counts_len) break;  // every count was visited
  }
  return out;
}

}  // namespace duet
