// MIGRATE's connections to target instances (Redis's migrate_cached_sockets).
//
// One blocking TCP socket per "host:port", reused by later MIGRATEs (remembering the database
// the target last SELECTed) and closed by the cron after 10 s unused; at most 64 are kept (the
// least recently used goes first). MIGRATE waits on these sockets on the event-loop thread,
// bounded by its timeout, as Redis does. Owned by the Server; INFO's migrate_cached_sockets
// is size().
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace duet {

class MigrateSockets {
 public:
  static constexpr size_t kMaxSockets = 64;
  static constexpr int64_t kIdleSeconds = 10;

  struct Socket {
    int fd = -1;
    int64_t last_dbid = -1;  // -1: SELECT before the next RESTORE
    int64_t last_use_s = 0;
  };

  MigrateSockets() = default;
  MigrateSockets(const MigrateSockets&) = delete;
  MigrateSockets& operator=(const MigrateSockets&) = delete;
  ~MigrateSockets();

  // The cached socket for host:port (its use time set to now_s), or a new one whose connection
  // was started and waited for up to timeout_ms (a refused or unfinished one is returned too,
  // as Redis does: the first write fails); nullptr when none could be started (resolution).
  Socket* Get(std::string_view host, std::string_view port, int64_t timeout_ms, int64_t now_s);
  // Closes and forgets host:port's socket, if any.
  void Close(std::string_view host, std::string_view port);
  // Closes the sockets unused for more than kIdleSeconds (cron).
  void CloseIdle(int64_t now_s);
  size_t size() const { return sockets_.size(); }

 private:
  std::map<std::string, Socket, std::less<>> sockets_;
};

// Blocking I/O with a deadline of timeout_ms from the call (Redis's syncWrite/syncReadLine).
// False on an error, a closed connection or the timeout (errno is ETIMEDOUT then).
bool SyncWrite(int fd, std::string_view data, int64_t timeout_ms);
// One line without its "\r\n" into *line (at most `max` bytes kept).
bool SyncReadLine(int fd, std::string* line, size_t max, int64_t timeout_ms);

}  // namespace duet
