#include "server/slowlog.h"

namespace duet {

void SlowLog::MaybeAdd(int64_t threshold_us, size_t max_len, int64_t duration_us, int64_t now_s,
                       std::span<const std::string_view> args, const std::string& peer,
                       const std::string& name) {
  if (threshold_us < 0 || duration_us < threshold_us) return;
  constexpr size_t kMaxArgs = 32;     // SLOWLOG_ENTRY_MAX_ARGC
  constexpr size_t kMaxString = 128;  // SLOWLOG_ENTRY_MAX_STRING
  Entry e;
  e.id = next_id_++;
  e.time_s = now_s;
  e.duration_us = duration_us;
  size_t n = args.size() > kMaxArgs ? kMaxArgs : args.size();
  for (size_t i = 0; i < n; i++) {
    if (n != args.size() && i == n - 1) {
      e.args.push_back("... (" + std::to_string(args.size() - n + 1) + " more arguments)");
      break;
    }
    std::string_view a = args[i];
    if (a.size() > kMaxString) {
      e.args.push_back(std::string(a.substr(0, kMaxString)) + "... (" +
                       std::to_string(a.size() - kMaxString) + " more bytes)");
    } else {
      e.args.emplace_back(a);
    }
  }
  e.peer = peer;
  e.client_name = name;
  entries_.push_front(std::move(e));
  Trim(max_len);
}

}  // namespace duet
