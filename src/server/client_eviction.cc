// Client eviction: maxmemory-clients, Redis 7.0's limit on the memory all clients hold.
#include <algorithm>
#include <vector>

#include "common/log.h"
#include "server/client_list.h"
#include "server/server.h"

namespace duet {

namespace {

// Redis's getClientEvictionLimit: a percentage applies to maxmemory; the limit is never
// below 128 KB, so a tiny setting cannot evict every client. 0 = no limit.
uint64_t ClientEvictionLimit(const Config& config) {
  if (config.maxmemory_clients == 0) return 0;
  uint64_t limit = config.maxmemory_clients > 0
                       ? static_cast<uint64_t>(config.maxmemory_clients)
                       : config.maxmemory * static_cast<uint64_t>(-config.maxmemory_clients) / 100;
  if (limit == 0) return 0;  // a percentage of no maxmemory
  return std::max<uint64_t>(limit, 128 * 1024);
}

}  // namespace

void Server::EvictClientsOverLimit() {
  uint64_t limit = ClientEvictionLimit(*config_);
  if (limit == 0) return;
  std::vector<std::pair<size_t, Client*>> candidates;
  uint64_t total = 0;
  // Every normal and pub/sub client's memory counts towards the limit, even that of the
  // ones that may not be evicted; replicas and the master are outside it (Redis's
  // clientEvictionAllowed and its per-type client memory buckets).
  for (const auto& [id, c] : clients_) {
    if (c->is_script || c->closing || c->is_replica || c->is_master) continue;
    size_t mem = ClientMemoryUsage(*c);
    total += mem;
    if (!c->no_evict) candidates.emplace_back(mem, c.get());
  }
  if (total < limit) return;
  // Largest first, as Redis empties its highest memory bucket first.
  std::sort(candidates.begin(), candidates.end(),
            [](const auto& a, const auto& b) { return a.first > b.first; });
  for (const auto& [mem, c] : candidates) {
    if (total < limit) break;
    Log(LogLevel::kVerbose, "Evicting client: id={} addr={} tot-mem={}", c->id(), c->PeerId(), mem);
    total -= mem;
    stats_.evicted_clients++;
    CloseClient(*c);
  }
}

}  // namespace duet
