#include "server/oom_score.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "common/log.h"

namespace duet {

OomScoreAdjuster::Mode OomScoreAdjuster::ParseMode(const std::string& text) {
  if (text == "absolute") return Mode::kAbsolute;
  if (text == "yes" || text == "relative") return Mode::kRelative;
  return Mode::kNo;
}

bool OomScoreAdjuster::Apply(Mode mode, int value) {
  int score;
  if (mode != Mode::kNo) {
    if (!adjusted_) {
      char buf[64] = {};
      int fd = open(path_.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0 || read(fd, buf, sizeof(buf) - 1) < 0) {
        Log(LogLevel::kWarning, "Unable to read oom_score_adj: {}", std::strerror(errno));
        if (fd >= 0) close(fd);
        return false;
      }
      close(fd);
      base_ = std::atoi(buf);
      adjusted_ = true;
    }
    score = mode == Mode::kRelative ? value + base_ : value;
    score = std::clamp(score, -1000, 1000);
  } else if (adjusted_) {
    adjusted_ = false;
    score = base_;
  } else {
    return true;
  }
  std::string text = std::to_string(score) + "\n";
  int fd = open(path_.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write(fd, text.data(), text.size()) < 0) {
    Log(LogLevel::kWarning, "Unable to write oom_score_adj: {}", std::strerror(errno));
    if (fd >= 0) close(fd);
    return false;
  }
  close(fd);
  return true;
}

}  // namespace duet
