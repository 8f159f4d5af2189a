// Thin wrappers over BSD sockets: listening (TCP v4/v6, unix), accepting, socket options.
// Every function returns -1 / false on failure and leaves errno for the caller to report.
#pragma once

#include <string>

namespace duet {

// Listens on addr:port ("*" / "::*" mean any, "-" prefix = optional address as Redis allows).
// On failure returns -1 and fills *err with a message naming the address.
int ListenTcp(const std::string& addr, int port, int backlog, std::string* err);
int ListenUnix(const std::string& path, unsigned perm, int backlog, std::string* err);

// Accepts one connection; fills the peer "ip:port" (or path) into *peer. Returns -1 when no
// connection is pending (EAGAIN) or on error.
int AcceptConnection(int listen_fd, std::string* peer_ip, int* peer_port, bool* is_unix);
// Local address of a connected socket as "ip:port" (CLIENT LIST laddr).
std::string LocalAddress(int fd);

bool SetNonBlocking(int fd);
bool SetNoDelay(int fd);
bool SetKeepAlive(int fd, int interval_s);

}  // namespace duet
