#include "server/watch_registry.h"

#include <algorithm>

namespace duet {

namespace {
WatchedKey* FindWatched(Client& c, int db, std::string_view key) {
  for (WatchedKey& wk : c.watched) {
    if (wk.db == db && wk.key == key) return &wk;
  }
  return nullptr;
}
}  // namespace

void WatchRegistry::Watch(Client& c, int db, std::string_view key, KeyState state) {
  if (FindWatched(c, db, key)) return;
  c.watched.push_back(WatchedKey{db, std::string(key), state.expired});
  watchers_[DbKey{db, std::string(key)}].push_back(&c);
}

void WatchRegistry::UnwatchAll(Client& c) {
  for (const WatchedKey& wk : c.watched) {
    auto it = watchers_.find(DbKey{wk.db, wk.key});
    if (it == watchers_.end()) continue;
    std::erase(it->second, &c);
    if (it->second.empty()) watchers_.erase(it);
  }
  c.watched.clear();
}

void WatchRegistry::MarkDirty(Client& c) {
  c.watch_dirty = true;
  // Nothing can make EXEC succeed any more; stop tracking (Redis does the same).
  UnwatchAll(c);
}

void WatchRegistry::Touch(int db, std::string_view key, const KeyProbe& probe) {
  auto it = watchers_.find(DbKey{db, std::string(key)});
  if (it == watchers_.end()) return;
  std::vector<Client*> clients = it->second;  // MarkDirty edits the map
  bool present = probe(db, key).present;
  for (Client* c : clients) {
    WatchedKey* wk = FindWatched(*c, db, key);
    if (wk && wk->expired_at_watch) {
      // The expired key was deleted: no logical change. Any other change is one.
      if (!present) {
        wk->expired_at_watch = false;
        continue;
      }
    }
    MarkDirty(*c);
  }
}

void WatchRegistry::TouchDb(int db, int replaced_with, const KeyProbe& probe) {
  std::vector<std::pair<std::string, Client*>> affected;
  for (const auto& [k, clients] : watchers_) {
    if (k.db != db) continue;
    for (Client* c : clients) affected.emplace_back(k.key, c);
  }
  for (const auto& [key, c] : affected) {
    if (!FindWatched(*c, db, key)) continue;  // already unwatched by an earlier MarkDirty
    bool in_emptied = probe(db, key).present;
    KeyState other = replaced_with >= 0 ? probe(replaced_with, key) : KeyState{};
    if (!in_emptied && !other.present) continue;
    WatchedKey* wk = FindWatched(*c, db, key);
    if (wk->expired_at_watch) {
      if (!other.present) {  // the expired key is gone: no logical change
        wk->expired_at_watch = false;
        continue;
      }
      if (other.expired) continue;  // an expired key stays expired
    } else if (!in_emptied && other.expired) {
      wk->expired_at_watch = true;  // a missing key replaced by an expired one
      continue;
    }
    MarkDirty(*c);
  }
}

bool WatchRegistry::AnyWatchedKeyExpired(const Client& c, const KeyProbe& probe) {
  return std::any_of(c.watched.begin(), c.watched.end(), [&](const WatchedKey& wk) {
    return !wk.expired_at_watch && probe(wk.db, wk.key).expired;
  });
}

}  // namespace duet
