// Redis's oom-score-adj: the process's /proc/self/oom_score_adj follows oom-score-adj-values
// for its class (master, replica; Redis's third class is its fork child, which duet has not).
//
// Contract (Redis 7.0.15's setOOMScoreAdj): the first time the adjustment is turned on the
// current score is read and kept as the base; "relative" (or "yes") writes base + value,
// "absolute" writes the value, both clamped to [-1000, 1000]. Turning it off writes the base
// back once; while off nothing is read or written (an operator's own change stays).
//
// Threading: event-loop thread only.
#pragma once

#include <string>

namespace duet {

class OomScoreAdjuster {
 public:
  enum class Mode { kNo, kRelative, kAbsolute };

  explicit OomScoreAdjuster(std::string path = "/proc/self/oom_score_adj")
      : path_(std::move(path)) {}

  // Parses the oom-score-adj directive's text ("no", "yes", "relative", "absolute").
  static Mode ParseMode(const std::string& text);

  // Applies `mode` with `value` (the oom-score-adj-values entry of the process's class).
  // Returns false when the file could not be read or written (logged as Redis logs it).
  bool Apply(Mode mode, int value);

 private:
  std::string path_;
  bool adjusted_ = false;  // the score is ours: `base_` is what to restore
  int base_ = 0;
};

}  // namespace duet
