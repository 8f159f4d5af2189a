// DbKey: a key of one database, as a hash-map key (WATCH and blocking registries).
#pragma once

#include <cstddef>
#include <functional>
#include <string>

namespace duet {

struct DbKey {
  int db;
  std::string key;
  bool operator==(const DbKey& o) const { return db == o.db && key == o.key; }
};

struct DbKeyHash {
  size_t operator()(const DbKey& k) const {
    return std::hash<std::string>()(k.key) ^ (static_cast<size_t>(k.db) * 0x9e3779b97f4a7c15ULL);
  }
};

}  // namespace duet
