// Finds BullMQ queues in the keyspace and measures their depths, for the metrics endpoint.
// Runs on the event-loop thread. Discovery is incremental: each Step() visits a bounded
// number of keys (a SCAN cursor over every database in turn) and remembers the queue names it
// saw, so a big keyspace is never walked in one go; Depths() then looks up only the known
// queues' state keys (O(1) each).
#pragma once

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "observe/metrics_snapshot.h"

namespace duet {

class Keyspace;

class BullmqTracker {
 public:
  // At most this many queues are remembered (further ones are ignored).
  static constexpr size_t kMaxQueues = 1000;

  // Visits about `budget` keys from where the last step stopped. A key
  // `<prefix>:<queue>:<suffix>` names a queue when <suffix> is one of kBullmqStates or
  // "meta" (the queue name may itself contain ':'). A new prefix forgets the known queues.
  void Step(Keyspace& ks, std::string_view prefix, size_t budget);

  // Depths of the known queues, sorted by (db, name). A queue none of whose state keys nor
  // meta key exist any more (obliterated) is forgotten. Reads without touching LRU clocks or
  // hit/miss counters.
  std::vector<QueueDepth> Depths(Keyspace& ks);

  // The queue named by `key` under `prefix`, or "" when the key is not a queue key.
  static std::string_view QueueOf(std::string_view key, std::string_view prefix);

  size_t known() const { return queues_.size(); }

 private:
  std::string prefix_;
  std::set<std::pair<int, std::string>> queues_;
  int db_ = 0;
  uint64_t cursor_ = 0;
};

}  // namespace duet
