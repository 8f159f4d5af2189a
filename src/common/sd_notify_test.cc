#include "common/sd_notify.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace duet {
namespace {

// A datagram socket standing in for systemd's notification socket, named by NOTIFY_SOCKET
// for the test's duration.
class NotifySocket {
 public:
  explicit NotifySocket(const std::string& name) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    memcpy(addr.sun_path, name.data(), name.size());
    if (name[0] == '@') addr.sun_path[0] = '\0';
    socklen_t len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&addr), len), 0);
    timeval tv{5, 0};  // a missing datagram fails the test instead of hanging it
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setenv("NOTIFY_SOCKET", name.c_str(), 1);
  }
  ~NotifySocket() {
    unsetenv("NOTIFY_SOCKET");
    close(fd_);
  }
  std::string Receive() {
    char buf[256];
    ssize_t n = recv(fd_, buf, sizeof(buf), 0);
    return n < 0 ? "" : std::string(buf, static_cast<size_t>(n));
  }

 private:
  int fd_ = -1;
};

TEST(SdNotifyTest, UnsetSocketIsNotAnError) {
  unsetenv("NOTIFY_SOCKET");
  EXPECT_FALSE(SdNotifySocketSet());
  EXPECT_FALSE(SdNotify("READY=1\n"));
}

TEST(SdNotifyTest, SendsToAPathSocket) {
  std::string path = "/tmp/duet-sd-notify-" + std::to_string(getpid());
  unlink(path.c_str());
  {
    NotifySocket sock(path);
    EXPECT_TRUE(SdNotifySocketSet());
    EXPECT_TRUE(SdNotify("STATUS=Ready to accept connections\nREADY=1\n"));
    EXPECT_EQ(sock.Receive(), "STATUS=Ready to accept connections\nREADY=1\n");
  }
  unlink(path.c_str());
}

TEST(SdNotifyTest, SendsToAnAbstractSocket) {
  NotifySocket sock("@duet-sd-notify-" + std::to_string(getpid()));
  EXPECT_TRUE(SdNotify("STOPPING=1\n"));
  EXPECT_EQ(sock.Receive(), "STOPPING=1\n");
}

TEST(SdNotifyTest, InvalidSocketNamesFail) {
  setenv("NOTIFY_SOCKET", "relative/path", 1);
  EXPECT_FALSE(SdNotify("READY=1\n"));
  setenv("NOTIFY_SOCKET", "/nonexistent/duet/socket", 1);
  EXPECT_FALSE(SdNotify("READY=1\n"));
  unsetenv("NOTIFY_SOCKET");
}

}  // namespace
}  // namespace duet
