// appendfsync always writes each group commit over filler the file was extended with ahead
// of time (persistence/aof_filler.h): an fdatasync after an overwrite inside the file's size
// skips the inode write an append's needs (docs/architecture.md, "The commit path of
// appendfsync always").
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "common/log.h"
#include "persistence/aof_filler.h"
#include "server/aof.h"
#include "server/server.h"

namespace duet {

namespace {

bool SetAppendMode(int fd, bool on) {
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0) return false;
  int want = on ? (flags | O_APPEND) : (flags & ~O_APPEND);
  return want == flags || fcntl(fd, F_SETFL, want) == 0;
}

// Writes all of `data` at `offset`; false (errno set) when it could not.
bool PwriteAll(int fd, const std::string& data, int64_t offset) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = pwrite(fd, data.data() + done, data.size() - done,
                       static_cast<off_t>(offset + static_cast<int64_t>(done)));
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (n == 0) {
      errno = ENOSPC;
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

bool Server::PreextendAof(size_t need) {
  AofState& a = *aof_;
  // Not while DEBUG AOF-FLUSH-SLEEP is set: Redis's test of it (integration/aof, "AOF fsync
  // always barrier issue") tells a write by the file's size.
  bool want = a.fd >= 0 && a.preextend_allowed && config_->appendfsync == "always" &&
              config_->aof_flush_sleep_us == 0;
  if (!want) {
    if (a.preextended) DropAofFiller();
    return false;
  }
  // The data, and the '#' that may follow it.
  int64_t end = a.last_incr_size + static_cast<int64_t>(need) + 1;
  if (a.preextended && a.physical_size - end >= AofState::kPreextendLowWater) return true;
  // A write larger than an extension runs past the filler (appends); the next one extends.
  if (static_cast<int64_t>(need) > AofState::kPreextendChunk) return a.preextended;
  int64_t now_s = clock_->NowMs() / 1000;
  if (now_s < a.preextend_retry_s) return a.preextended;
  int64_t from = a.preextended ? a.physical_size : a.last_incr_size;
  int64_t to = std::max(from, end) + AofState::kPreextendChunk;
  to -= to % static_cast<int64_t>(aof::kFillerLine);
  std::string fill;
  aof::AppendFiller(&fill, static_cast<uint64_t>(from), static_cast<uint64_t>(to));
  if (!PwriteAll(a.fd, fill, from) || (!a.preextended && !SetAppendMode(a.fd, false))) {
    int err = errno;
    // Nothing of the extension stays; the data goes where it would have gone anyway.
    if (ftruncate(a.fd, a.preextended ? a.physical_size : a.last_incr_size) != 0) {
      Log(LogLevel::kWarning, "Could not remove the AOF's partial pre-extension: {}",
          std::strerror(errno));
    }
    Log(LogLevel::kWarning, "Could not pre-extend the AOF file: {}", std::strerror(err));
    a.preextend_retry_s = now_s + 5;
    return a.preextended;  // what is left of the filler first, then appending
  }
  a.preextended = true;
  a.physical_size = to;
  // The filler's own writeback off the loop, so a commit's fdatasync rarely meets it.
  a.fsync.Submit(a.fd, /*close_after=*/false);
  return true;
}

void Server::DropAofFiller() {
  AofState& a = *aof_;
  if (!a.preextended) return;
  if (ftruncate(a.fd, a.last_incr_size) != 0) {
    Log(LogLevel::kWarning, "Could not truncate the AOF's filler: {}", std::strerror(errno));
  }
  SetAppendMode(a.fd, true);
  a.preextended = false;
  a.physical_size = a.last_incr_size;
}

}  // namespace duet
