#include "server/replica_link.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/log.h"
#include "common/strutil.h"

namespace duet {

namespace {

constexpr size_t kEofMarkLen = 40;  // RDB_EOF_MARK_SIZE

std::string Command(std::initializer_list<std::string_view> argv) {
  std::string out = "*" + std::to_string(argv.size()) + "\r\n";
  for (std::string_view a : argv) {
    out += "$" + std::to_string(a.size()) + "\r\n";
    out += a;
    out += "\r\n";
  }
  return out;
}

// A non-blocking connect (Redis's anetTcpNonBlockConnect); -1 with errno set on failure.
int StartConnect(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res) != 0) {
    errno = EHOSTUNREACH;
    return -1;
  }
  int fd = -1;
  for (addrinfo* a = res; a != nullptr && fd < 0; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    if (connect(fd, a->ai_addr, a->ai_addrlen) != 0 && errno != EINPROGRESS) {
      int saved = errno;
      close(fd);
      fd = -1;
      errno = saved;
    }
  }
  freeaddrinfo(res);
  if (fd >= 0) {
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  }
  return fd;
}

}  // namespace

bool ReplicaLink::Start(Options opts) {
  Cancel();
  opts_ = std::move(opts);
  fd_ = StartConnect(opts_.host, opts_.port);
  if (fd_ < 0) {
    Log(LogLevel::kWarning, "Unable to connect to MASTER: {}", strerror(errno));
    return false;
  }
  state_ = State::kConnecting;
  last_io_ms_ = clock_->NowMs();
  in_.clear();
  pending_.clear();
  loop_->AddFd(fd_, EPOLLOUT | EPOLLIN, [this](uint32_t ev) { OnEvent(ev); });
  Log(LogLevel::kNotice, "MASTER <-> REPLICA sync started");
  return true;
}

void ReplicaLink::Cancel() {
  if (fd_ >= 0) {
    loop_->RemoveFd(fd_);
    close(fd_);
    fd_ = -1;
  }
  if (file_fd_ >= 0) {
    close(file_fd_);
    file_fd_ = -1;
    unlink(opts_.temp_path.c_str());
  }
  state_ = State::kIdle;
  in_.clear();
  pending_.clear();
  have_size_ = false;
  eof_mode_ = false;
  transfer_size_ = -1;
  transfer_read_ = 0;
}

bool ReplicaLink::CheckTimeout(int64_t now_ms, int64_t timeout_s) {
  if (!active() || now_ms - last_io_ms_ <= timeout_s * 1000) return false;
  if (state_ == State::kConnecting || state_ == State::kHandshake) {
    Log(LogLevel::kWarning, "Timeout connecting to the MASTER...");
  } else {
    Log(LogLevel::kWarning,
        "Timeout receiving bulk data from MASTER... If the problem persists try to set the "
        "'repl-timeout' parameter in redis.conf to a larger value.");
  }
  Cancel();
  return true;
}

void ReplicaLink::Fail(const std::string& why) {
  if (!why.empty()) Log(LogLevel::kWarning, "{}", why);
  Cancel();
}

bool ReplicaLink::WriteAll(const std::string& bytes) {
  // Handshake commands are a few hundred bytes: they fit in any socket buffer.
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      Fail(std::string("Failed to write to MASTER: ") + strerror(errno));
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

void ReplicaLink::OnEvent(uint32_t events) {
  if (state_ == State::kConnecting) {
    if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) return;
    int err = 0;
    socklen_t len = sizeof(err);
    getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
      Fail(std::string("Error condition on socket for SYNC: ") + strerror(err));
      return;
    }
    OnConnected();
    return;
  }
  if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) OnReadable();
}

void ReplicaLink::OnConnected() {
  Log(LogLevel::kNotice, "Non blocking connect for SYNC fired the event.");
  loop_->ModifyFd(fd_, EPOLLIN);
  state_ = State::kHandshake;
  last_io_ms_ = clock_->NowMs();
  pending_.push_back(Pending::kPing);
  WriteAll(Command({"PING"}));
}

bool ReplicaLink::ReadSome() {
  char buf[16 * 1024];
  for (;;) {
    ssize_t n = recv(fd_, buf, sizeof(buf), 0);
    if (n > 0) {
      in_.append(buf, static_cast<size_t>(n));
      last_io_ms_ = clock_->NowMs();
      if (static_cast<size_t>(n) < sizeof(buf)) return true;
      if (state_ == State::kTransfer && in_.size() >= 1024 * 1024) return true;
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return true;
    Fail(state_ == State::kTransfer
             ? "I/O error trying to sync with MASTER: connection lost"
             : std::string("Master did not respond to command during SYNC handshake"));
    return false;
  }
}

bool ReplicaLink::TakeLine(std::string* line) {
  size_t nl = in_.find('\n');
  if (nl == std::string::npos) return false;
  size_t end = nl > 0 && in_[nl - 1] == '\r' ? nl - 1 : nl;
  line->assign(in_, 0, end);
  in_.erase(0, nl + 1);
  return true;
}

void ReplicaLink::OnReadable() {
  if (!ReadSome()) return;
  bool ok = true;
  if (state_ == State::kHandshake) ok = HandleHandshakeReplies();
  if (ok && state_ == State::kPsync) ok = HandlePsyncReply();
  if (ok && state_ == State::kTransfer) HandleTransfer();
}

bool ReplicaLink::HandleHandshakeReplies() {
  std::string line;
  while (!pending_.empty() && TakeLine(&line)) {
    Pending what = pending_.front();
    pending_.erase(pending_.begin());
    bool err = !line.empty() && line[0] == '-';
    switch (what) {
      case Pending::kPing:
        // -NOAUTH / -NOPERM / "operation not permitted" mean the master is there.
        if (err && !line.starts_with("-NOAUTH") && !line.starts_with("-NOPERM") &&
            !line.starts_with("-ERR operation not permitted")) {
          Fail("Error reply to PING from master: '" + line + "'");
          return false;
        }
        Log(LogLevel::kNotice, "Master replied to PING, replication can continue...");
        {
          std::string batch;
          if (!opts_.masterauth.empty()) {
            pending_.push_back(Pending::kAuth);
            batch += opts_.masteruser.empty()
                         ? Command({"AUTH", opts_.masterauth})
                         : Command({"AUTH", opts_.masteruser, opts_.masterauth});
          }
          pending_.push_back(Pending::kPort);
          batch += Command({"REPLCONF", "listening-port", std::to_string(opts_.listening_port)});
          if (!opts_.announce_ip.empty()) {
            pending_.push_back(Pending::kIp);
            batch += Command({"REPLCONF", "ip-address", opts_.announce_ip});
          }
          pending_.push_back(Pending::kCapa);
          batch += Command({"REPLCONF", "capa", "eof", "capa", "psync2"});
          if (!WriteAll(batch)) return false;
        }
        break;
      case Pending::kAuth:
        if (err) {
          Fail("Unable to AUTH to MASTER: " + line);
          return false;
        }
        break;
      case Pending::kPort:
        if (err) {
          Log(LogLevel::kNotice,
              "(Non critical) Master does not understand REPLCONF listening-port: {}", line);
        }
        break;
      case Pending::kIp:
        if (err) {
          Log(LogLevel::kNotice,
              "(Non critical) Master does not understand REPLCONF ip-address: {}", line);
        }
        break;
      case Pending::kCapa:
        if (err) {
          Log(LogLevel::kNotice, "(Non critical) Master does not understand REPLCONF capa: {}",
              line);
        }
        if (opts_.psync_replid == "?") {
          Log(LogLevel::kNotice, "Partial resynchronization not possible (no cached master)");
        } else {
          Log(LogLevel::kNotice, "Trying a partial resynchronization (request {}:{}).",
              opts_.psync_replid, opts_.psync_offset);
        }
        state_ = State::kPsync;
        return WriteAll(Command({"PSYNC", opts_.psync_replid, std::to_string(opts_.psync_offset)}));
    }
  }
  return true;
}

bool ReplicaLink::HandlePsyncReply() {
  std::string line;
  while (TakeLine(&line)) {
    if (line.empty()) continue;  // a keepalive newline
    if (line.starts_with("+FULLRESYNC")) {
      std::vector<std::string> words;
      SplitArgs(line, &words);
      std::optional<int64_t> off = words.size() == 3 ? ParseInt64(words[2]) : std::nullopt;
      if (!off || words[1].size() != 40) {
        Fail("Master replied with wrong +FULLRESYNC syntax.");
        return false;
      }
      replid_ = words[1];
      offset_ = *off;
      Log(LogLevel::kNotice, "Full resync from master: {}:{}", replid_, offset_);
      file_fd_ = open(opts_.temp_path.c_str(), O_CREAT | O_WRONLY | O_EXCL | O_CLOEXEC, 0644);
      if (file_fd_ < 0) {
        Fail("Opening the temp file needed for MASTER <-> REPLICA synchronization: " +
             std::string(strerror(errno)));
        return false;
      }
      state_ = State::kTransfer;
      return true;
    }
    if (line.starts_with("+CONTINUE")) {
      std::string_view rest = std::string_view(line).substr(9);
      while (!rest.empty() && rest[0] == ' ') rest.remove_prefix(1);
      replid_ = rest.size() == 40 ? std::string(rest) : std::string();
      Log(LogLevel::kNotice, "Successful partial resynchronization with master.");
      Finish(false);
      return false;
    }
    if (line.starts_with("-NOMASTERLINK") || line.starts_with("-LOADING")) {
      Fail("Master is currently unable to PSYNC but should be in the future: " + line);
      return false;
    }
    Fail("Unexpected reply to PSYNC from master: " + line);
    return false;
  }
  return true;
}

bool ReplicaLink::HandleTransfer() {
  if (!have_size_) {
    std::string line;
    for (;;) {
      if (!TakeLine(&line)) return true;
      if (line.empty()) continue;  // keepalive newlines while the master prepares the RDB
      break;
    }
    if (line[0] == '-') {
      Fail("MASTER aborted replication with an error: " + line.substr(1));
      return false;
    }
    if (line[0] != '$') {
      Fail("Bad protocol from MASTER, the first byte is not '$' (we received '" + line +
           "'), are you sure the host and port are right?");
      return false;
    }
    if (line.starts_with("$EOF:") && line.size() == 5 + kEofMarkLen) {
      eof_mode_ = true;
      eof_mark_ = line.substr(5);
      transfer_size_ = 0;
      Log(LogLevel::kNotice,
          "MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF to disk");
    } else {
      std::optional<int64_t> size = ParseInt64(std::string_view(line).substr(1));
      if (!size || *size < 0) {
        Fail("Bad protocol from MASTER: '" + line + "'");
        return false;
      }
      transfer_size_ = *size;
      Log(LogLevel::kNotice, "MASTER <-> REPLICA sync: receiving {} bytes from master to disk",
          transfer_size_);
    }
    have_size_ = true;
  }
  // Writes out what is certainly payload; with EOF the last 40 bytes may be the mark.
  size_t take;
  bool done = false;
  if (eof_mode_) {
    done = in_.size() >= kEofMarkLen &&
           std::string_view(in_).substr(in_.size() - kEofMarkLen) == eof_mark_;
    take = in_.size() > kEofMarkLen ? in_.size() - kEofMarkLen : 0;
  } else {
    auto left = static_cast<size_t>(transfer_size_ - transfer_read_);
    take = std::min(left, in_.size());
    done = take == left;
  }
  size_t written = 0;
  while (written < take) {
    ssize_t n = write(file_fd_, in_.data() + written, take - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      Fail("Write error saving the DB to disk: " + std::string(strerror(errno)));
      return false;
    }
    written += static_cast<size_t>(n);
  }
  in_.erase(0, take);
  transfer_read_ += static_cast<int64_t>(take);
  if (!done) return true;
  if (eof_mode_) in_.erase(0, kEofMarkLen);
  if (fsync(file_fd_) != 0) {
    Fail("Failed trying to sync the temp DB to disk in MASTER <-> REPLICA synchronization: " +
         std::string(strerror(errno)));
    return false;
  }
  close(file_fd_);
  file_fd_ = -1;
  Finish(true);
  return false;
}

void ReplicaLink::Finish(bool full) {
  Outcome out;
  out.full = full;
  out.replid = replid_;
  out.offset = offset_;
  out.fd = fd_;
  out.pending = std::move(in_);
  out.rdb_path = opts_.temp_path;
  loop_->RemoveFd(fd_);
  fd_ = -1;
  state_ = State::kIdle;
  in_.clear();
  have_size_ = false;
  eof_mode_ = false;
  transfer_size_ = -1;
  transfer_read_ = 0;
  on_finished_(std::move(out));
}

}  // namespace duet
