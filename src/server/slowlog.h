// SLOWLOG: the last `slowlog-max-len` commands slower than `slowlog-log-slower-than` µs.
#pragma once

#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace duet {

class SlowLog {
 public:
  struct Entry {
    uint64_t id;
    int64_t time_s;
    int64_t duration_us;
    std::vector<std::string> args;  // truncated as Redis does (32 args, 128 bytes each)
    std::string peer;
    std::string client_name;
  };

  // Records the command if it qualifies under the given thresholds.
  void MaybeAdd(int64_t threshold_us, size_t max_len, int64_t duration_us, int64_t now_s,
                std::span<const std::string_view> args, const std::string& peer,
                const std::string& name);
  const std::deque<Entry>& entries() const { return entries_; }
  void Reset() { entries_.clear(); }
  void Trim(size_t max_len) {
    while (entries_.size() > max_len) entries_.pop_back();
  }

 private:
  std::deque<Entry> entries_;  // newest first
  uint64_t next_id_ = 0;
};

}  // namespace duet
