#include "common/latency_monitor.h"

#include <gtest/gtest.h>

#include "common/latency_histogram.h"
#include "common/sparkline.h"

namespace duet {
namespace {

TEST(LatencyMonitorTest, ThresholdGatesSamples) {
  LatencyMonitor m;
  m.AddSampleIfNeeded("command", 500, 0, 100);   // monitor off
  m.AddSampleIfNeeded("command", 99, 100, 100);  // under the threshold
  EXPECT_EQ(m.events().size(), 0u);
  m.AddSampleIfNeeded("command", 100, 100, 100);
  ASSERT_NE(m.Find("command"), nullptr);
  EXPECT_EQ(m.Find("COMMAND"), nullptr);  // lookups are case-sensitive, as Redis's dict
  EXPECT_EQ(m.Find("command")->Latest().latency_ms, 100u);
}

TEST(LatencyMonitorTest, OneSamplePerSecondKeepsTheMax) {
  LatencyMonitor m;
  m.AddSample("command", 300, 1000);
  m.AddSample("command", 200, 1000);  // same second, lower: ignored
  m.AddSample("command", 400, 1000);  // same second, higher: replaces
  m.AddSample("command", 250, 1001);
  std::vector<std::pair<int32_t, uint32_t>> seen;
  m.Find("command")->ForEachOldestFirst(
      [&](const LatencyMonitor::Sample& s) { seen.emplace_back(s.time_s, s.latency_ms); });
  EXPECT_EQ(seen, (std::vector<std::pair<int32_t, uint32_t>>{{1000, 400}, {1001, 250}}));
  EXPECT_EQ(m.Find("command")->all_time_max, 400u);
}

TEST(LatencyMonitorTest, KeepsTheLast160Seconds) {
  LatencyMonitor m;
  for (int i = 0; i < 200; i++) m.AddSample("expire-cycle", i + 1, 5000 + i);
  size_t n = 0;
  int32_t first = 0;
  m.Find("expire-cycle")->ForEachOldestFirst([&](const LatencyMonitor::Sample& s) {
    if (n++ == 0) first = s.time_s;
  });
  EXPECT_EQ(n, 160u);
  EXPECT_EQ(first, 5040);
  EXPECT_EQ(m.Find("expire-cycle")->Latest().time_s, 5199);
  EXPECT_EQ(m.Find("expire-cycle")->all_time_max, 200u);
}

TEST(LatencyMonitorTest, AnalyzeAsRedis) {
  LatencyMonitor m;
  m.AddSample("command", 200, 1000);
  m.AddSample("command", 300, 1002);
  m.AddSample("command", 410, 1003);
  LatencyMonitor::Stats st = m.Analyze("command", 1005);
  EXPECT_EQ(st.samples, 3u);
  EXPECT_EQ(st.avg, 303u);  // 910 / 3, truncated
  EXPECT_EQ(st.min, 200u);
  EXPECT_EQ(st.max, 410u);
  EXPECT_EQ(st.mad, 71u);  // (103 + 3 + 107) / 3
  EXPECT_EQ(st.period_s, 5);
  EXPECT_EQ(m.Analyze("command", 1000).period_s, 1);  // never 0
  EXPECT_EQ(m.Analyze("nope", 1000).samples, 0u);
}

TEST(LatencyMonitorTest, ResetIgnoresCase) {
  LatencyMonitor m;
  m.AddSample("command", 200, 1000);
  m.AddSample("fast-command", 200, 1000);
  EXPECT_EQ(m.Reset("nope"), 0);
  EXPECT_EQ(m.Reset("COMMAND"), 1);
  EXPECT_EQ(m.events().size(), 1u);
  EXPECT_EQ(m.Reset(), 1);
  EXPECT_EQ(m.Reset(), 0);
}

// Redis 7.0.15's LATENCY GRAPH body for samples of 200, 300 and 400 ms taken 4, 2 and 1 s ago.
TEST(SparklineTest, RendersAsRedis) {
  Sparkline s;
  s.Add(200, "4s");
  s.Add(300, "2s");
  s.Add(400, "1s");
  std::string out;
  s.Render(out, 80, 4);
  EXPECT_EQ(out, "  #\n _|\n ||\n_||\n   \n421\nsss\n");
}

TEST(SparklineTest, WrapsEveryColumnsSamples) {
  Sparkline s;
  for (int i = 0; i < 3; i++) s.Add(5, "");
  std::string out;
  s.Render(out, 2, 1);
  // Equal values sit on the bottom; no labels, so no label rows.
  EXPECT_EQ(out, "__\n\n_\n");
}

// LATENCY HISTOGRAM's buckets: HDR's log iteration from 1024 ns in powers of two, reporting
// the highest equivalent value (µs) of the bucket each step stops on.
TEST(LatencyHistogramTest, CumulativeLogStepsAsRedis) {
  LatencyHistogram h;
  EXPECT_TRUE(h.CumulativeLogSteps().empty());
  for (int64_t ns : {500, 1500, 5000, 2'000'000, 1'000'000'000}) h.Record(ns);
  std::vector<std::pair<int64_t, uint64_t>> want = {
      {1, 1}, {2, 2}, {8, 3}, {2113, 4}, {1073741, 5}};
  EXPECT_EQ(h.CumulativeLogSteps(), want);

  LatencyHistogram one;
  one.Record(0);  // clamped to 1 ns
  EXPECT_EQ(one.CumulativeLogSteps(), (std::vector<std::pair<int64_t, uint64_t>>{{1, 1}}));
}

}  // namespace
}  // namespace duet
