#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "server/test_harness.h"

namespace duet {
namespace {

constexpr std::string_view kLoading = "-LOADING Redis is loading the dataset in memory\r\n";

std::string InfoField(TestServer& t, const std::string& field) {
  std::string info = t.Run({"INFO", "persistence"});
  size_t at = info.find("\r\n" + field + ":");
  if (at == std::string::npos) return "(absent)";
  at += field.size() + 3;
  return info.substr(at, info.find("\r\n", at) - at);
}

// `dbfilename` in a fresh temporary directory, removed with it.
class TempDump {
 public:
  explicit TempDump(TestServer& t) {
    EXPECT_NE(mkdtemp(dir_), nullptr);
    path_ = std::string(dir_) + "/dump.rdb";
    t.config().dbfilename = path_;
  }
  ~TempDump() {
    std::remove(path_.c_str());
    rmdir(dir_);
  }
  const std::string& path() const { return path_; }

 private:
  char dir_[32] = "/tmp/duet-loading-test-XXXXXX";
  std::string path_;
};

TEST(Loading, OnlyLoadingCommandsRunWhileLoading) {
  TestServer t;
  t.config().other["enable-debug-command"] = "yes";
  t.config().other["enable-protected-configs"] = "yes";
  Client& queued = t.NewClient();
  ASSERT_EQ(t.RunOn(queued, {"MULTI"}), "+OK\r\n");
  ASSERT_EQ(t.RunOn(queued, {"SET", "k", "v"}), "+QUEUED\r\n");
  Client& harmless = t.NewClient();
  ASSERT_EQ(t.RunOn(harmless, {"MULTI"}), "+OK\r\n");
  ASSERT_EQ(t.RunOn(harmless, {"ECHO", "x"}), "+QUEUED\r\n");

  t.server().StartLoading(1000);
  EXPECT_EQ(t.Run({"PING"}), kLoading);
  EXPECT_EQ(t.Run({"GET", "k"}), kLoading);
  EXPECT_EQ(t.Run({"SCRIPT", "KILL"}), kLoading);
  EXPECT_EQ(t.Run({"CONFIG", "SET", "dir", "/tmp"}), kLoading);
  EXPECT_EQ(t.Run({"CONFIG", "SET", "loglevel", "notice"}), "+OK\r\n");
  EXPECT_EQ(t.Run({"ECHO", "hi"}), "$2\r\nhi\r\n");
  EXPECT_EQ(t.Run({"DEBUG", "RELOAD"}), kLoading);  // no load inside a load
  // EXEC runs when every queued command may (Redis's cmd_inv_flags), else aborts.
  EXPECT_EQ(t.RunOn(queued, {"EXEC"}),
            "-EXECABORT Transaction discarded because of: LOADING Redis is loading the dataset "
            "in memory\r\n");
  EXPECT_EQ(t.RunOn(harmless, {"EXEC"}), "*1\r\n$1\r\nx\r\n");
  // Rejected while queueing: the transaction aborts.
  EXPECT_EQ(t.Run({"MULTI"}), "+OK\r\n");
  EXPECT_EQ(t.Run({"INCR", "n"}), kLoading);
  EXPECT_EQ(t.Run({"EXEC"}), "-EXECABORT Transaction discarded because of previous errors.\r\n");

  t.server().StopLoading();
  EXPECT_EQ(t.Run({"PING"}), "+PONG\r\n");
  EXPECT_EQ(t.RunOn(queued, {"EXEC"}), "-ERR EXEC without MULTI\r\n");  // it was aborted
}

TEST(Loading, InfoShowsTheProgress) {
  TestServer t;
  EXPECT_EQ(InfoField(t, "loading"), "0");
  EXPECT_EQ(InfoField(t, "loading_total_bytes"), "(absent)");
  t.clock().SetMs(1'700'000'000'000);
  t.server().StartLoading(1000);
  EXPECT_EQ(InfoField(t, "loading"), "1");
  EXPECT_EQ(InfoField(t, "async_loading"), "0");
  EXPECT_EQ(InfoField(t, "loading_start_time"), "1700000000");
  EXPECT_EQ(InfoField(t, "loading_total_bytes"), "1000");
  EXPECT_EQ(InfoField(t, "loading_loaded_bytes"), "0");
  EXPECT_EQ(InfoField(t, "loading_loaded_perc"), "0.00");
  EXPECT_TRUE(t.server().LoadingProgress(250));  // serves events: nothing is ready here
  EXPECT_EQ(InfoField(t, "loading_loaded_bytes"), "250");
  EXPECT_EQ(InfoField(t, "loading_loaded_perc"), "25.00");
  EXPECT_EQ(InfoField(t, "loading_eta_seconds"), "1");  // no second elapsed: Redis's 1
  t.clock().AdvanceMs(10'000);
  // 10 s for 250 bytes: 750 bytes left take 10 * 750 / 251 s.
  EXPECT_EQ(InfoField(t, "loading_eta_seconds"), "29");
  t.server().StopLoading();
  EXPECT_EQ(InfoField(t, "loading"), "0");
  EXPECT_EQ(InfoField(t, "loading_loaded_perc"), "(absent)");
}

TEST(Loading, ShutdownDuringALoadStopsItWithoutSaving) {
  TestServer t;
  TempDump dump(t);
  t.config().save_params = {{900, 1}};
  t.server().StartLoading(1000);
  Client& other = t.NewClient();
  // SHUTDOWN SAVE while loading: nothing is saved (Redis forces NOSAVE), the load stops.
  EXPECT_EQ(t.RunOn(other, {"SHUTDOWN", "SAVE"}), "");
  EXPECT_TRUE(t.server().shutdown_requested());
  EXPECT_FALSE(t.server().LoadingProgress(500));
  EXPECT_NE(access(dump.path().c_str(), F_OK), 0);
  t.server().StopLoading();
}

TEST(Loading, DebugReloadGoesThroughTheLoadingState) {
  TestServer t;
  TempDump dump(t);
  t.config().other["loading-process-events-interval-bytes"] = "1024";
  t.config().other["enable-debug-command"] = "yes";
  ASSERT_EQ(t.Run({"DEBUG", "POPULATE", "300", "key", "100"}), "+OK\r\n");
  std::string digest = t.Run({"DEBUG", "DIGEST"});
  EXPECT_EQ(t.Run({"DEBUG", "RELOAD"}), "+OK\r\n");
  EXPECT_EQ(t.Run({"DEBUG", "DIGEST"}), digest);
  EXPECT_EQ(InfoField(t, "loading"), "0");
  EXPECT_EQ(InfoField(t, "rdb_last_load_keys_loaded"), "300");
  EXPECT_FALSE(t.client().is_protected);
}

}  // namespace
}  // namespace duet
