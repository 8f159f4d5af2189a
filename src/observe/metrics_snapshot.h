// What the event loop hands to the metrics endpoint's HTTP threads: a copy of the server's
// state, taken on the event-loop thread, that the HTTP side only reads and renders. Nothing in
// here points into live server data.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace duet {

// BullMQ's job states that hold jobs, as the key suffixes of `<prefix>:<queue>:<state>`
// (lists: wait, active, paused; sorted sets: the others).
inline constexpr std::array<std::string_view, 8> kBullmqStates = {
    "wait",      "active", "delayed",     "failed",
    "completed", "paused", "prioritized", "waiting-children"};

// One BullMQ queue's depths: counts[i] is the length of the key of kBullmqStates[i] (0 when
// the key is missing or of another type).
struct QueueDepth {
  int db = 0;
  std::string name;
  std::array<int64_t, kBullmqStates.size()> counts{};
};

struct MetricsSnapshot {
  // `INFO everything` as the INFO command generated it (same fields, same code).
  std::string info;
  std::string bullmq_prefix;
  std::vector<QueueDepth> queues;  // sorted by (db, name)
};

}  // namespace duet
