#include "server/metrics_service.h"

#include <gtest/gtest.h>

#include "observe/prometheus.h"
#include "server/test_harness.h"

namespace duet {
namespace {

TEST(MetricsService, DiscoversOnlyWhenWatched) {
  TestServer ts;
  MetricsService m(ts.server());
  ts.Run({"RPUSH", "bull:email:wait", "a", "b"});
  m.Tick();  // nobody scrapes: no discovery step
  EXPECT_TRUE(m.TakeSnapshot().queues.empty());
  m.Tick(/*force=*/true);  // a waiting request: step, then snapshot
  MetricsSnapshot snap = m.TakeSnapshot();
  ASSERT_EQ(snap.queues.size(), 1u);
  EXPECT_EQ(snap.queues[0].name, "email");
  EXPECT_EQ(snap.queues[0].counts[0], 2);
}

TEST(MetricsService, SnapshotIsInfoEverything) {
  TestServer ts;
  MetricsService m(ts.server());
  ts.Run({"SET", "k", "v"});
  MetricsSnapshot snap = m.TakeSnapshot();
  EXPECT_NE(snap.info.find("# Commandstats\r\ncmdstat_set:calls=1,"), std::string::npos);
  EXPECT_NE(snap.info.find("db0:keys=1,expires=0,avg_ttl=0\r\n"), std::string::npos);
  EXPECT_EQ(snap.bullmq_prefix, "bull");
  std::string text = RenderPrometheus(snap);
  EXPECT_NE(text.find("\nduet_keys{db=\"0\"} 1\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace duet
