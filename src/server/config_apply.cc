// Effects of CONFIG SET that need the running server: re-opening the TCP listeners
// (port, bind), re-arming the cron timer (hz), raising the open-files limit (maxclients) and
// the process's OOM score (oom-score-adj, oom-score-adj-values).
// Called from Server::ApplyConfigChange.
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>

#include "common/log.h"
#include "net/socket.h"
#include "server/server.h"

namespace duet {

namespace {
bool IsUnixSocket(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  return getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) == 0 && ss.ss_family == AF_UNIX;
}
}  // namespace

std::string Server::RebindTcp(const std::string& error_text) {
  // The old sockets go first (a new one on the same address could not bind). On failure the
  // server has no TCP listener until CONFIG SET rolls back and calls this with the old values.
  std::vector<int> kept;
  for (int fd : listen_fds_) {
    if (IsUnixSocket(fd)) {
      kept.push_back(fd);
    } else {
      loop_.RemoveFd(fd);
      close(fd);
    }
  }
  listen_fds_ = std::move(kept);
  std::vector<int> fresh;
  if (config_->port != 0) {
    for (const std::string& raw : config_->bind) {
      bool optional = !raw.empty() && raw[0] == '-';
      std::string addr = optional ? raw.substr(1) : raw;
      std::string err;
      int fd = ListenTcp(addr, config_->port, config_->tcp_backlog, &err);
      if (fd >= 0) {
        fresh.push_back(fd);
        continue;
      }
      if (optional) continue;
      Log(LogLevel::kWarning, "{}", err);
      for (int f : fresh) close(f);
      return error_text;
    }
  }
  for (int fd : fresh) {
    listen_fds_.push_back(fd);
    loop_.AddFd(fd, EPOLLIN, [this, fd](uint32_t) { OnAccept(fd, false); });
  }
  return "";
}

void Server::RearmCron() {
  if (cron_timer_id_ == 0) return;  // not started (tests)
  loop_.CancelTimer(cron_timer_id_);
  int hz = config_->hz > 0 ? config_->hz : 1;
  cron_timer_id_ = loop_.AddPeriodicTimer(1000 / hz, [this] { Cron(); });
}

std::string AdjustOpenFilesLimit(int64_t* maxclients) {
  constexpr rlim_t kReservedFds = 32;  // Redis's CONFIG_MIN_RESERVED_FDS
  rlim_t wanted = static_cast<rlim_t>(*maxclients) + kReservedFds;
  rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) == -1) return "";
  rlim_t old = limit.rlim_cur;
  if (old >= wanted) return "";
  // Try the wanted limit, then a little less each time, as Redis does; the hard limit is only
  // raised (when allowed), never lowered.
  rlim_t best = wanted;
  int error = 0;
  while (best > old) {
    rlimit l;
    l.rlim_cur = best;
    l.rlim_max = best > limit.rlim_max ? best : limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &l) != -1) break;
    error = errno;
    if (best < 16) {
      best = old;
      break;
    }
    best -= 16;
  }
  if (best < old) best = old;
  if (best >= wanted) {
    Log(LogLevel::kNotice,
        "Increased maximum number of open files to {} (it was originally set "
        "to {}).",
        wanted, old);
    return "";
  }
  int64_t possible = best > kReservedFds ? static_cast<int64_t>(best - kReservedFds) : 1;
  Log(LogLevel::kWarning,
      "You requested maxclients of {} requiring at least {} max file "
      "descriptors.",
      *maxclients, wanted);
  Log(LogLevel::kWarning, "Server can't set maximum open files to {} because of OS error: {}.",
      wanted, strerror(error));
  *maxclients = possible;
  return "The operating system is not able to handle the specified number of clients, try "
         "with " +
         std::to_string(possible);
}

bool Server::ApplyOomScoreAdj() {
  int values[3] = {0, 200, 800};
  std::istringstream in(config_table_->GetValue("oom-score-adj-values"));
  for (int& v : values) in >> v;
  int klass = is_replica_of_master() ? 1 : 0;
  return oom_score_.Apply(OomScoreAdjuster::ParseMode(config_table_->GetValue("oom-score-adj")),
                          values[klass]);
}

}  // namespace duet
