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
#include <memory>
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
    client_.user = server_.acl().default_user();
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
  // Another client, registered with the server (FindClient finds it: redirection targets,
  // subscribers receiving pushes). Its output accumulates until Take()n.
  Client& NewClient() {
    auto c = std::make_unique<Client>(next_id_++, -1);
    c->authenticated = true;
    c->user = server_.acl().default_user();
    return server_.AddClientForTest(std::move(c));
  }
  // Runs one command on `c`; returns everything `c` received since the last Take/Run.
  std::string RunOn(Client& c, std::initializer_list<std::string_view> args) {
    std::vector<std::string_view> v(args);
    server_.Execute(c, std::span<const std::string_view>(v.data(), v.size()));
    return Take(c);
  }
  // What `c` received (replies and pushes) since the last call, then forgets it.
  static std::string Take(Client& c) {
    std::string out = c.out();
    c.out().clear();
    return out;
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
  uint64_t next_id_ = 2000;
};

}  // namespace duet
