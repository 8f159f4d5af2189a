#include <gtest/gtest.h>

#include "server/test_harness.h"

namespace duet {
namespace {

TEST(LatencyCommandTest, ErrorsAndHelp) {
  TestServer t;
  EXPECT_EQ(t.Run({"LATENCY"}), "-ERR wrong number of arguments for 'latency' command\r\n");
  EXPECT_EQ(t.Run({"LATENCY", "foo"}), "-ERR unknown subcommand 'foo'. Try LATENCY HELP.\r\n");
  EXPECT_EQ(t.Run({"LATENCY", "help", "xxx"}),
            "-ERR wrong number of arguments for 'latency|help' command\r\n");
  EXPECT_EQ(t.Run({"LATENCY", "GRAPH"}),
            "-ERR wrong number of arguments for 'latency|graph' command\r\n");
  EXPECT_EQ(t.Run({"LATENCY", "GRAPH", "command"}),
            "-ERR No samples available for event 'command'\r\n");
  EXPECT_EQ(t.Run({"LATENCY", "HELP"}).substr(0, 5), "*17\r\n");
  EXPECT_EQ(t.Run({"LATENCY", "HISTORY", "blabla"}), "*0\r\n");
  EXPECT_EQ(t.Run({"LATENCY", "RESET", "blabla"}), ":0\r\n");
  EXPECT_EQ(t.Run({"LATENCY", "LATEST"}), "*0\r\n");
}

TEST(LatencyCommandTest, DoctorWhenDisabledAndQuiet) {
  TestServer t;
  std::string off = t.Run({"LATENCY", "DOCTOR"});
  EXPECT_EQ(off.substr(0, off.find("\r\n") + 2), "$288\r\n");
  EXPECT_NE(off.find("I'm sorry, Dave, I can't do that."), std::string::npos);
  t.Run({"CONFIG", "SET", "latency-monitor-threshold", "100"});
  std::string quiet = t.Run({"LATENCY", "DOCTOR"});
  EXPECT_NE(quiet.find("Dave, no latency spike was observed"), std::string::npos) << quiet;
  t.client().reply().SetResp3(true);
  EXPECT_EQ(t.Run({"LATENCY", "DOCTOR"}).substr(0, 14), "=200\r\ntxt:Dave");
}

TEST(LatencyCommandTest, HistoryLatestGraphAndReset) {
  TestServer t;
  t.clock().SetMs(1'700'000'000'000);
  t.Run({"CONFIG", "SET", "latency-monitor-threshold", "100"});
  LatencyMonitor& m = t.server().latency_monitor();
  m.AddSample("command", 200, 1'699'999'996);
  m.AddSample("command", 300, 1'699'999'998);
  m.AddSample("command", 400, 1'699'999'999);
  EXPECT_EQ(t.Run({"LATENCY", "HISTORY", "command"}),
            "*3\r\n*2\r\n:1699999996\r\n:200\r\n*2\r\n:1699999998\r\n:300\r\n"
            "*2\r\n:1699999999\r\n:400\r\n");
  EXPECT_EQ(t.Run({"LATENCY", "LATEST"}),
            "*1\r\n*4\r\n$7\r\ncommand\r\n:1699999999\r\n:400\r\n:400\r\n");
  std::string graph = "command - high 400 ms, low 200 ms (all time high 400 ms)\n" +
                      std::string(80, '-') + "\n  #\n _|\n ||\n_||\n   \n421\nsss\n";
  EXPECT_EQ(t.Run({"LATENCY", "GRAPH", "command"}),
            "$" + std::to_string(graph.size()) + "\r\n" + graph + "\r\n");
  std::string doctor = t.Run({"LATENCY", "DOCTOR"});
  EXPECT_NE(doctor.find("1. command: 3 latency spikes (average 300ms, mean deviation 66ms, "
                        "period 1.33 sec). Worst all time event 400ms.\n"),
            std::string::npos)
      << doctor;
  EXPECT_NE(doctor.find("- Check your Slow Log"), std::string::npos);
  EXPECT_EQ(t.Run({"LATENCY", "RESET", "COMMAND", "command"}), ":1\r\n");
  EXPECT_EQ(t.Run({"LATENCY", "LATEST"}), "*0\r\n");
}

TEST(LatencyCommandTest, HistogramPerCommandAndSubcommand) {
  TestServer t;
  t.Run({"CONFIG", "RESETSTAT"});
  t.Run({"SET", "a", "b"});
  t.Run({"SET", "c", "d"});
  t.Run({"CLIENT", "ID"});
  // The manual clock does not move: every call took 0 ns, counted as 1 ns (the 1 µs step).
  EXPECT_EQ(t.Run({"LATENCY", "HISTOGRAM", "set", "blabla", "get"}),
            "*2\r\n$3\r\nset\r\n*4\r\n$5\r\ncalls\r\n:2\r\n$14\r\nhistogram_usec\r\n"
            "*2\r\n:1\r\n:2\r\n");
  EXPECT_EQ(t.Run({"LATENCY", "HISTOGRAM", "client"}),
            "*2\r\n$9\r\nclient|id\r\n*4\r\n$5\r\ncalls\r\n:1\r\n$14\r\nhistogram_usec\r\n"
            "*2\r\n:1\r\n:1\r\n");
  EXPECT_EQ(t.Run({"LATENCY", "HISTOGRAM", "CLIENT|ID"}).substr(0, 19),
            "*2\r\n$9\r\nclient|id\r\n");
  EXPECT_EQ(t.Run({"LATENCY", "HISTOGRAM", "set|x", "client|nope"}), "*0\r\n");
  t.client().reply().SetResp3(true);
  EXPECT_EQ(t.Run({"LATENCY", "HISTOGRAM", "set"}),
            "%1\r\n$3\r\nset\r\n%2\r\n$5\r\ncalls\r\n:2\r\n$14\r\nhistogram_usec\r\n"
            "%1\r\n:1\r\n:2\r\n");
  // No arguments: every command with data (set, client|id, config|resetstat and
  // latency|histogram itself).
  std::string all = t.Run({"LATENCY", "HISTOGRAM"});
  EXPECT_EQ(all.substr(0, 4), "%4\r\n") << all;
}

// CLIENT PAUSE holds the dataset still: expired keys read as missing but stay in place
// until the pause ends (Redis's expireIfNeeded while paused).
TEST(LatencyCommandTest, PauseKeepsExpiredKeys) {
  TestServer t;
  t.Run({"SET", "foo", "bar", "PX", "10"});
  t.Run({"CLIENT", "PAUSE", "50000", "WRITE"});
  t.clock().AdvanceMs(20);
  EXPECT_EQ(t.Run({"GET", "foo"}), "$-1\r\n");
  EXPECT_EQ(t.Run({"EXISTS", "foo"}), ":0\r\n");
  EXPECT_EQ(t.Run({"SCAN", "0"}), "*2\r\n$1\r\n0\r\n*0\r\n");
  EXPECT_EQ(t.Run({"DBSIZE"}), ":1\r\n");
  EXPECT_EQ(t.server().keyspace().ctx().expired_keys, 0u);
  t.Run({"CLIENT", "UNPAUSE"});
  EXPECT_EQ(t.Run({"GET", "foo"}), "$-1\r\n");
  EXPECT_EQ(t.Run({"DBSIZE"}), ":0\r\n");
  EXPECT_EQ(t.server().keyspace().ctx().expired_keys, 1u);
}

// A transaction that pauses clients and then writes still replaces an expired key.
TEST(LatencyCommandTest, WriteAfterPauseInTransactionSeesExpiredKeyGone) {
  TestServer t;
  t.Run({"SET", "k", "old", "PX", "10"});
  t.clock().AdvanceMs(20);
  t.Run({"MULTI"});
  t.Run({"CLIENT", "PAUSE", "50000", "WRITE"});
  t.Run({"SET", "k", "new"});
  EXPECT_EQ(t.Run({"EXEC"}), "*2\r\n+OK\r\n+OK\r\n");
  EXPECT_EQ(t.Run({"GET", "k"}), "$3\r\nnew\r\n");
  EXPECT_EQ(t.Run({"DBSIZE"}), ":1\r\n");
  t.Run({"CLIENT", "UNPAUSE"});
}

}  // namespace
}  // namespace duet
