// Client-side caching support (CLIENT TRACKING): which clients read which keys, the BCAST
// prefixes, and the invalidation messages — Redis's tracking.c.
//
// Owned by the Server. The table maps a key to the ids of the clients that read it since it
// last changed (ids, not pointers: a client that went away is skipped when the key changes,
// as Redis does). BCAST clients instead register prefixes; keys changed under a prefix are
// collected and sent once per event-loop iteration (BroadcastPending).
// Event-loop thread only.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace duet {

class Client;

// One client's tracking mode (Redis's CLIENT_TRACKING_* flags).
struct ClientTracking {
  bool bcast = false;
  bool optin = false;
  bool optout = false;
  bool noloop = false;
  bool caching = false;  // CLIENT CACHING yes/no given for the next command (or transaction)
  bool broken_redirect = false;
  uint64_t redirect = 0;           // 0: none
  std::set<std::string> prefixes;  // BCAST prefixes, sorted as Redis's radix tree
};

class TrackingTable {
 public:
  // Remembers that client `id` read `key`.
  void Remember(std::string_view key, uint64_t id);
  // Removes `key` and returns the ids that had read it (empty when none).
  std::vector<uint64_t> Take(std::string_view key);
  // Forgets every key (FLUSHALL/FLUSHDB).
  void Clear();
  // A key to evict when over tracking-table-max-keys (any one), or nullptr when empty.
  const std::string* AnyKey();

  // BCAST: registers `c` for `prefix`; UnregisterAll removes `c` from its prefixes.
  void AddPrefix(Client* c, const std::string& prefix);
  void RemovePrefix(Client* c, const std::string& prefix);
  // A changed key: remembered for each registered prefix it starts with, with the client
  // that changed it (for NOLOOP), until BroadcastPending.
  void KeyChangedForBroadcast(std::string_view key, const Client* by);
  bool HasPrefixes() const { return !prefixes_.empty(); }

  struct BcastState {
    std::map<std::string, const Client*> keys;  // changed since the last broadcast
    std::vector<Client*> clients;
  };
  std::map<std::string, BcastState>& prefixes() { return prefixes_; }

  uint64_t total_keys() const { return keys_.size(); }
  uint64_t total_items() const { return total_items_; }
  uint64_t total_prefixes() const { return prefixes_.size(); }

 private:
  std::unordered_map<std::string, std::unordered_set<uint64_t>> keys_;
  uint64_t total_items_ = 0;
  std::map<std::string, BcastState> prefixes_;
};

}  // namespace duet
