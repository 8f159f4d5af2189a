#include "server/tracking.h"

#include <algorithm>

namespace duet {

void TrackingTable::Remember(std::string_view key, uint64_t id) {
  auto it = keys_.find(std::string(key));
  if (it == keys_.end()) it = keys_.emplace(std::string(key), std::unordered_set<uint64_t>{}).first;
  if (it->second.insert(id).second) total_items_++;
}

std::vector<uint64_t> TrackingTable::Take(std::string_view key) {
  std::vector<uint64_t> ids;
  if (keys_.empty()) return ids;
  auto it = keys_.find(std::string(key));
  if (it == keys_.end()) return ids;
  ids.assign(it->second.begin(), it->second.end());
  std::sort(ids.begin(), ids.end());
  total_items_ -= it->second.size();
  keys_.erase(it);
  return ids;
}

void TrackingTable::Clear() {
  keys_.clear();
  total_items_ = 0;
}

const std::string* TrackingTable::AnyKey() {
  return keys_.empty() ? nullptr : &keys_.begin()->first;
}

void TrackingTable::AddPrefix(Client* c, const std::string& prefix) {
  BcastState& bs = prefixes_[prefix];
  if (std::find(bs.clients.begin(), bs.clients.end(), c) == bs.clients.end()) {
    bs.clients.push_back(c);
  }
}

void TrackingTable::RemovePrefix(Client* c, const std::string& prefix) {
  auto it = prefixes_.find(prefix);
  if (it == prefixes_.end()) return;
  std::erase(it->second.clients, c);
  if (it->second.clients.empty()) prefixes_.erase(it);
}

void TrackingTable::KeyChangedForBroadcast(std::string_view key, const Client* by) {
  for (auto& [prefix, bs] : prefixes_) {
    if (!key.starts_with(prefix)) continue;
    bs.keys[std::string(key)] = by;
  }
}

}  // namespace duet
