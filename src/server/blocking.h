// BlockingRegistry: who waits for which key (BLPOP, BRPOP, BLMOVE, BLMPOP, BZPOPMIN ...).
//
// Pure bookkeeping, no I/O: the Server (server/server_blocking.cc) parks clients here, feeds
// it the keys the keyspace reports as ready (created as a list or sorted set), and asks it
// which clients to re-run, in first-come first-served order per key, and which deadlines
// have passed. Clients are identified by id so a freed client can never be dereferenced.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "server/db_key.h"

namespace duet {

class BlockingRegistry {
 public:
  // Parks `client` on `keys` of `db` (distinct keys) until `deadline_ms` (0: none).
  void Add(uint64_t client, int db, const std::vector<std::string>& keys, int64_t deadline_ms);
  // Forgets `client`'s registration (same arguments as Add).
  void Remove(uint64_t client, int db, const std::vector<std::string>& keys, int64_t deadline_ms);

  bool HasWaiters(int db, std::string_view key) const;
  // Number of (client, key) registrations; zero means no one is blocked.
  size_t registrations() const { return registrations_; }
  size_t blocked_clients() const { return clients_; }
  // Clients blocked with a deadline (INFO clients_in_timeout_table).
  size_t timeouts() const { return timeouts_.size(); }

  // Records that `key` may now serve its waiters (ignored when no one waits on it; each key
  // is queued once until taken).
  void MarkReady(int db, std::string_view key);
  // Every key of `db` that someone waits on (SWAPDB re-checks them all).
  std::vector<std::string> KeysWaitedIn(int db) const;
  bool HasReady() const { return !ready_.empty(); }
  // The ready keys in the order they became ready; the queue is emptied.
  std::vector<DbKey> TakeReady();
  // The clients waiting on `key`, oldest first (a copy: serving changes the registry).
  std::vector<uint64_t> Waiters(int db, const std::string& key) const;

  // The earliest deadline, if any client has one.
  std::optional<int64_t> NextDeadline() const;
  // Clients whose deadline is <= now_ms, earliest first.
  std::vector<uint64_t> DueClients(int64_t now_ms) const;

 private:
  std::unordered_map<DbKey, std::deque<uint64_t>, DbKeyHash> waiters_;
  std::set<std::pair<int64_t, uint64_t>> timeouts_;  // (deadline, client)
  std::vector<DbKey> ready_;
  std::unordered_set<DbKey, DbKeyHash> ready_set_;
  size_t registrations_ = 0;
  size_t clients_ = 0;
};

}  // namespace duet
