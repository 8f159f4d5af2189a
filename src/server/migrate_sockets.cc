#include "server/migrate_sockets.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>

namespace duet {

namespace {

int64_t MonotonicMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Waits until `fd` is ready for `events` or the deadline passes (errno ETIMEDOUT).
bool WaitFor(int fd, short events, int64_t deadline_ms) {
  for (;;) {
    int64_t left = deadline_ms - MonotonicMs();
    if (left <= 0) {
      errno = ETIMEDOUT;
      return false;
    }
    pollfd p{fd, events, 0};
    int r = poll(&p, 1, static_cast<int>(left));
    if (r > 0) return true;
    if (r == 0) {
      errno = ETIMEDOUT;
      return false;
    }
    if (errno != EINTR) return false;
  }
}

// anetTcpNonBlockConnect + a wait for the connection, within timeout_ms.
int ConnectWithin(const std::string& host, int port, int64_t timeout_ms) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res) != 0) return -1;
  int64_t deadline = MonotonicMs() + timeout_ms;
  int fd = -1;
  for (addrinfo* a = res; a != nullptr && fd < 0; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    bool ok = connect(fd, a->ai_addr, a->ai_addrlen) == 0;
    if (!ok && errno == EINPROGRESS) {
      // As Redis's connBlockingConnect: a connection still pending at the deadline, or
      // refused, is handed over anyway and the first write reports it ("writing to target").
      WaitFor(fd, POLLOUT, deadline);
      ok = true;
    }
    if (!ok) {
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(res);
  if (fd >= 0) {
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  }
  return fd;
}

std::string Name(std::string_view host, std::string_view port) {
  std::string name(host);
  name += ':';
  name += port;
  return name;
}

}  // namespace

MigrateSockets::~MigrateSockets() {
  for (auto& [name, s] : sockets_) close(s.fd);
}

MigrateSockets::Socket* MigrateSockets::Get(std::string_view host, std::string_view port,
                                            int64_t timeout_ms, int64_t now_s) {
  std::string name = Name(host, port);
  if (auto it = sockets_.find(name); it != sockets_.end()) {
    it->second.last_use_s = now_s;
    return &it->second;
  }
  if (sockets_.size() >= kMaxSockets) {
    auto oldest = sockets_.begin();
    for (auto it = sockets_.begin(); it != sockets_.end(); ++it) {
      if (it->second.last_use_s < oldest->second.last_use_s) oldest = it;
    }
    close(oldest->second.fd);
    sockets_.erase(oldest);
  }
  // Redis's atoi: a port that is not a number connects to port 0 and fails.
  int fd = ConnectWithin(std::string(host), atoi(std::string(port).c_str()), timeout_ms);
  if (fd < 0) return nullptr;
  Socket& s = sockets_[name];
  s.fd = fd;
  s.last_dbid = -1;
  s.last_use_s = now_s;
  return &s;
}

void MigrateSockets::Close(std::string_view host, std::string_view port) {
  auto it = sockets_.find(Name(host, port));
  if (it == sockets_.end()) return;
  close(it->second.fd);
  sockets_.erase(it);
}

void MigrateSockets::CloseIdle(int64_t now_s) {
  for (auto it = sockets_.begin(); it != sockets_.end();) {
    if (now_s - it->second.last_use_s > kIdleSeconds) {
      close(it->second.fd);
      it = sockets_.erase(it);
    } else {
      ++it;
    }
  }
}

bool SyncWrite(int fd, std::string_view data, int64_t timeout_ms) {
  int64_t deadline = MonotonicMs() + timeout_ms;
  while (!data.empty()) {
    ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && WaitFor(fd, POLLOUT, deadline)) {
      continue;
    }
    return false;
  }
  return true;
}

bool SyncReadLine(int fd, std::string* line, size_t max, int64_t timeout_ms) {
  int64_t deadline = MonotonicMs() + timeout_ms;
  line->clear();
  for (;;) {
    char c;
    ssize_t n = recv(fd, &c, 1, 0);
    if (n == 1) {
      if (c == '\n') {
        if (!line->empty() && line->back() == '\r') line->pop_back();
        return true;
      }
      if (line->size() < max) line->push_back(c);
      continue;
    }
    if (n == 0) return false;  // closed
    if (errno == EINTR) continue;
    if ((errno == EAGAIN || errno == EWOULDBLOCK) && WaitFor(fd, POLLIN, deadline)) continue;
    return false;
  }
}

}  // namespace duet
