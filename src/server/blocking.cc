#include "server/blocking.h"

#include <algorithm>

namespace duet {

void BlockingRegistry::Add(uint64_t client, int db, const std::vector<std::string>& keys,
                           int64_t deadline_ms) {
  for (const std::string& k : keys) {
    waiters_[DbKey{db, k}].push_back(client);
    registrations_++;
  }
  if (deadline_ms != 0) timeouts_.emplace(deadline_ms, client);
  clients_++;
}

void BlockingRegistry::Remove(uint64_t client, int db, const std::vector<std::string>& keys,
                              int64_t deadline_ms) {
  for (const std::string& k : keys) {
    auto it = waiters_.find(DbKey{db, k});
    if (it == waiters_.end()) continue;
    auto pos = std::find(it->second.begin(), it->second.end(), client);
    if (pos == it->second.end()) continue;
    it->second.erase(pos);
    registrations_--;
    if (it->second.empty()) waiters_.erase(it);
  }
  if (deadline_ms != 0) timeouts_.erase({deadline_ms, client});
  clients_--;
}

bool BlockingRegistry::HasWaiters(int db, std::string_view key) const {
  return waiters_.count(DbKey{db, std::string(key)}) != 0;
}

void BlockingRegistry::MarkReady(int db, std::string_view key) {
  DbKey k{db, std::string(key)};
  if (!waiters_.count(k) || ready_set_.count(k)) return;
  ready_set_.insert(k);
  ready_.push_back(std::move(k));
}

std::vector<std::string> BlockingRegistry::KeysWaitedIn(int db) const {
  std::vector<std::string> out;
  for (const auto& [k, clients] : waiters_) {
    if (k.db == db) out.push_back(k.key);
  }
  return out;
}

std::vector<DbKey> BlockingRegistry::TakeReady() {
  std::vector<DbKey> out;
  out.swap(ready_);
  ready_set_.clear();
  return out;
}

std::vector<uint64_t> BlockingRegistry::Waiters(int db, const std::string& key) const {
  auto it = waiters_.find(DbKey{db, key});
  if (it == waiters_.end()) return {};
  return {it->second.begin(), it->second.end()};
}

std::optional<int64_t> BlockingRegistry::NextDeadline() const {
  if (timeouts_.empty()) return std::nullopt;
  return timeouts_.begin()->first;
}

std::vector<uint64_t> BlockingRegistry::DueClients(int64_t now_ms) const {
  std::vector<uint64_t> out;
  for (const auto& [deadline, client] : timeouts_) {
    if (deadline > now_ms) break;
    out.push_back(client);
  }
  return out;
}

}  // namespace duet
