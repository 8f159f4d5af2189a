// In-process command harness for unit tests: a Server with a ManualClock and a fake client
// (no socket). Run() feeds one command through the real dispatcher and returns the exact
// reply bytes, so tests assert on the wire format without a network or sleeps.
//
//   TestServer t;
//   EXPECT_EQ(t.Run({"SET", "k", "v", "PX", "100"}), "+OK\r\n");
//   t.clock().AdvanceMs(101);
//   EXPECT_EQ(t.Run({"GET", "k"}), "$-1\r\n");
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "config/config.h"
#include "config/config_table.h"
#include "server/client.h"
#include "server/server.h"

namespace duet {

class TestServer {
 public:
  TestServer() : table_(&config_), server_(&config_, &table_, &clock_), client_(1000, -1) {
    client_.authenticated = true;
  }

  // Runs one command on the fake client; returns the reply bytes it produced.
  std::string Run(std::initializer_list<std::string_view> args) {
    return Run(std::vector<std::string_view>(args));
  }
  std::string Run(const std::vector<std::string_view>& args) {
    client_.out().clear();
    server_.Execute(client_, std::span<const std::string_view>(args.data(), args.size()));
    return client_.out();
  }
  // Same, with arguments that own their bytes.
  std::string RunStrings(const std::vector<std::string>& args) {
    std::vector<std::string_view> views(args.begin(), args.end());
    return Run(views);
  }

  ManualClock& clock() { return clock_; }
  Config& config() { return config_; }
  Server& server() { return server_; }
  Client& client() { return client_; }

 private:
  ManualClock clock_;
  Config config_;
  ConfigTable table_;
  Server server_;
  Client client_;
};

}  // namespace duet
