#include "server/bullmq_tracker.h"

#include <algorithm>

#include "keyspace/db.h"
#include "keyspace/keyspace.h"
#include "types/list_type.h"
#include "types/typed_lookup.h"
#include "types/zset.h"

namespace duet {

std::string_view BullmqTracker::QueueOf(std::string_view key, std::string_view prefix) {
  if (key.size() <= prefix.size() + 1 || !key.starts_with(prefix) || key[prefix.size()] != ':') {
    return {};
  }
  std::string_view rest = key.substr(prefix.size() + 1);
  size_t colon = rest.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return {};
  std::string_view suffix = rest.substr(colon + 1);
  bool known = suffix == "meta" ||
               std::find(kBullmqStates.begin(), kBullmqStates.end(), suffix) != kBullmqStates.end();
  return known ? rest.substr(0, colon) : std::string_view();
}

void BullmqTracker::Step(Keyspace& ks, std::string_view prefix, size_t budget) {
  if (prefix != prefix_) {
    prefix_ = std::string(prefix);
    queues_.clear();
    db_ = 0;
    cursor_ = 0;
  }
  if (ks.db_count() == 0) return;
  size_t visited = 0;
  // At most one pass over all databases per step, however small they are.
  for (int dbs_left = ks.db_count(); visited < budget && dbs_left > 0;) {
    if (db_ >= ks.db_count()) db_ = 0;
    Db& db = ks.db(db_);
    if (db.size() == 0) {
      cursor_ = 0;
    } else {
      cursor_ = db.Scan(
          cursor_,
          [&](Entry* e) {
            visited++;
            std::string_view q = QueueOf(e->key(), prefix_);
            if (!q.empty() && queues_.size() < kMaxQueues) queues_.emplace(db_, std::string(q));
          },
          budget - visited);
    }
    if (cursor_ == 0) {
      db_++;
      dbs_left--;
    }
  }
}

std::vector<QueueDepth> BullmqTracker::Depths(Keyspace& ks) {
  std::vector<QueueDepth> out;
  std::string key;
  for (auto it = queues_.begin(); it != queues_.end();) {
    const auto& [dbi, name] = *it;
    if (dbi >= ks.db_count()) {
      it = queues_.erase(it);
      continue;
    }
    Db& db = ks.db(dbi);
    QueueDepth q{.db = dbi, .name = name};
    bool any = false;
    for (size_t i = 0; i < kBullmqStates.size(); i++) {
      key.assign(prefix_).append(":").append(name).append(":").append(kBullmqStates[i]);
      Entry* e = db.Peek(key);
      if (e == nullptr) continue;
      any = true;
      if (e->type() == ValueType::kList) {
        q.counts[i] = static_cast<int64_t>(ValueOf<lists::ListValue>(e)->size());
      } else if (e->type() == ValueType::kZSet) {
        q.counts[i] = static_cast<int64_t>(zset::ZSet::Of(e).Size());
      }
    }
    if (!any) {
      key.assign(prefix_).append(":").append(name).append(":meta");
      if (db.Peek(key) == nullptr) {
        it = queues_.erase(it);
        continue;
      }
    }
    out.push_back(std::move(q));
    ++it;
  }
  return out;
}

}  // namespace duet
