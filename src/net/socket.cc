#include "net/socket.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace duet {

int ListenTcp(const std::string& addr_in, int port, int backlog, std::string* err) {
  std::string addr = addr_in;
  if (addr == "*") addr = "0.0.0.0";
  if (addr == "::*") addr = "::";
  addrinfo hints{}, *res = nullptr;
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST;
  std::string port_s = std::to_string(port);
  int rc = getaddrinfo(addr.c_str(), port_s.c_str(), &hints, &res);
  if (rc != 0) {
    *err = "Could not create server TCP listening socket " + addr_in + ":" + port_s + ": " +
           gai_strerror(rc);
    return -1;
  }
  int fd = -1;
  for (addrinfo* p = res; p; p = p->ai_next) {
    fd = socket(p->ai_family, p->ai_socktype | SOCK_CLOEXEC, p->ai_protocol);
    if (fd < 0) continue;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (p->ai_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    const char* step = "bind";
    if (bind(fd, p->ai_addr, p->ai_addrlen) == 0) {
      step = "listen";
      if (listen(fd, backlog) == 0) break;
    }
    *err = "Warning: Could not create server TCP listening socket " + addr_in + ":" + port_s +
           ": " + step + ": " + strerror(errno);
    close(fd);
    fd = -1;
  }
  freeaddrinfo(res);
  if (fd >= 0) SetNonBlocking(fd);
  return fd;
}

int ListenUnix(const std::string& path, unsigned perm, int backlog, std::string* err) {
  sockaddr_un sa{};
  if (path.size() >= sizeof(sa.sun_path)) {
    *err = "unix socket path too long: " + path;
    return -1;
  }
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    *err = std::string("Failed opening Unix socket: ") + strerror(errno);
    return -1;
  }
  sa.sun_family = AF_UNIX;
  memcpy(sa.sun_path, path.c_str(), path.size() + 1);
  unlink(path.c_str());
  if (bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0 || listen(fd, backlog) != 0) {
    *err = std::string("Failed opening Unix socket: ") + strerror(errno);
    close(fd);
    return -1;
  }
  if (perm) chmod(path.c_str(), perm);
  SetNonBlocking(fd);
  return fd;
}

int AcceptConnection(int listen_fd, std::string* peer_ip, int* peer_port, bool* is_unix) {
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  int fd = accept4(listen_fd, reinterpret_cast<sockaddr*>(&ss), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd < 0) return -1;
  *is_unix = false;
  char buf[INET6_ADDRSTRLEN] = {0};
  if (ss.ss_family == AF_INET) {
    auto* s = reinterpret_cast<sockaddr_in*>(&ss);
    inet_ntop(AF_INET, &s->sin_addr, buf, sizeof(buf));
    *peer_port = ntohs(s->sin_port);
    *peer_ip = buf;
  } else if (ss.ss_family == AF_INET6) {
    auto* s = reinterpret_cast<sockaddr_in6*>(&ss);
    inet_ntop(AF_INET6, &s->sin6_addr, buf, sizeof(buf));
    *peer_port = ntohs(s->sin6_port);
    *peer_ip = buf;
  } else {
    *is_unix = true;
    *peer_port = 0;
    peer_ip->clear();
  }
  return fd;
}

std::string LocalAddress(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return "";
  char buf[INET6_ADDRSTRLEN] = {0};
  if (ss.ss_family == AF_INET) {
    auto* s = reinterpret_cast<sockaddr_in*>(&ss);
    inet_ntop(AF_INET, &s->sin_addr, buf, sizeof(buf));
    return std::string(buf) + ":" + std::to_string(ntohs(s->sin_port));
  }
  if (ss.ss_family == AF_INET6) {
    auto* s = reinterpret_cast<sockaddr_in6*>(&ss);
    inet_ntop(AF_INET6, &s->sin6_addr, buf, sizeof(buf));
    return std::string(buf) + ":" + std::to_string(ntohs(s->sin6_port));
  }
  if (ss.ss_family == AF_UNIX) return reinterpret_cast<sockaddr_un*>(&ss)->sun_path;
  return "";
}

bool SetNonBlocking(int fd) {
  int flags = fcntl(fd, F_GETFL);
  return flags >= 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0;
}

bool SetNoDelay(int fd) {
  int one = 1;
  return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == 0;
}

bool SetKeepAlive(int fd, int interval_s) {
  int one = 1;
  if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)) != 0) return false;
  if (interval_s <= 0) return true;
  int idle = interval_s, intvl = interval_s / 3 ? interval_s / 3 : 1, cnt = 3;
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl));
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
  return true;
}

}  // namespace duet
