#include "server/bullmq_tracker.h"

#include <gtest/gtest.h>

#include <string>

#include "server/test_harness.h"

namespace duet {
namespace {

TEST(BullmqTracker, QueueOf) {
  EXPECT_EQ(BullmqTracker::QueueOf("bull:email:wait", "bull"), "email");
  EXPECT_EQ(BullmqTracker::QueueOf("bull:email:meta", "bull"), "email");
  EXPECT_EQ(BullmqTracker::QueueOf("bull:a:b:waiting-children", "bull"), "a:b");
  EXPECT_EQ(BullmqTracker::QueueOf("bull:email:42", "bull"), "");
  EXPECT_EQ(BullmqTracker::QueueOf("bull:email:42:logs", "bull"), "");
  EXPECT_EQ(BullmqTracker::QueueOf("bull::wait", "bull"), "");
  EXPECT_EQ(BullmqTracker::QueueOf("bullx:email:wait", "bull"), "");
  EXPECT_EQ(BullmqTracker::QueueOf("app:email:wait", "app"), "email");
}

TEST(BullmqTracker, DiscoversAndMeasures) {
  TestServer ts;
  ts.Run({"RPUSH", "bull:email:wait", "1", "2", "3"});
  ts.Run({"RPUSH", "bull:email:active", "4"});
  ts.Run({"ZADD", "bull:email:delayed", "1", "5", "2", "6"});
  ts.Run({"HSET", "bull:email:7", "data", "{}"});  // a job hash: not a queue key
  ts.Run({"SELECT", "3"});
  ts.Run({"HSET", "bull:reports:meta", "paused", "0"});
  ts.Run({"SET", "unrelated", "x"});
  BullmqTracker t;
  t.Step(ts.server().keyspace(), "bull", 1000);
  std::vector<QueueDepth> d = t.Depths(ts.server().keyspace());
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].db, 0);
  EXPECT_EQ(d[0].name, "email");
  EXPECT_EQ(d[0].counts[0], 3);  // wait
  EXPECT_EQ(d[0].counts[1], 1);  // active
  EXPECT_EQ(d[0].counts[2], 2);  // delayed
  EXPECT_EQ(d[0].counts[3], 0);  // failed
  EXPECT_EQ(d[1].db, 3);
  EXPECT_EQ(d[1].name, "reports");

  // Obliterated: forgotten at the next Depths().
  ts.Run({"DEL", "bull:reports:meta"});
  d = t.Depths(ts.server().keyspace());
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].name, "email");
  // Emptied but still there (meta or another state key): kept with zero depths.
  ts.Run({"SELECT", "0"});
  ts.Run({"DEL", "bull:email:wait", "bull:email:active", "bull:email:delayed"});
  ts.Run({"HSET", "bull:email:meta", "opts.maxLenEvents", "10000"});
  d = t.Depths(ts.server().keyspace());
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].counts[0], 0);
}

TEST(BullmqTracker, BoundedSteps) {
  TestServer ts;
  for (int i = 0; i < 3000; i++) {
    std::string k = "k" + std::to_string(i);
    ts.Run({"SET", k, "v"});
  }
  ts.Run({"RPUSH", "bull:late:wait", "1"});
  BullmqTracker t;
  // Budget 100 per step: the queue is found within a pass of ~3001 keys, not at once.
  int steps = 0;
  while (t.known() == 0 && steps < 1000) {
    t.Step(ts.server().keyspace(), "bull", 100);
    steps++;
  }
  EXPECT_EQ(t.known(), 1u);
  EXPECT_GT(steps, 1);
  EXPECT_LE(steps, 60);
  // A new prefix forgets what the old one found.
  t.Step(ts.server().keyspace(), "other", 100);
  EXPECT_EQ(t.known(), 0u);
}

}  // namespace
}  // namespace duet
