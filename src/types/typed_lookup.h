// Typed key lookups for the collection families (lists, hashes, sets, sorted sets).
//
// Every collection command starts the same way: find the key, check its type, and reply
// WRONGTYPE when it holds something else. These helpers do that with Redis's lookup
// flavours: ForRead counts keyspace hits/misses (lookupKeyRead), ForWrite does not
// (lookupKeyWrite); both delete an expired key first and touch the LRU/LFU stamp.
#pragma once

#include <string_view>

#include "common/status.h"
#include "keyspace/db.h"

namespace duet {

// The entry of `key` if it holds `type`; nullptr when missing; kWrongType otherwise.
inline Result<Entry*> FindTypedForRead(Db& db, std::string_view key, ValueType type) {
  Entry* e = db.FindRead(key);
  if (e != nullptr && e->type() != type) return OpStatus::kWrongType;
  return e;
}

inline Result<Entry*> FindTypedForWrite(Db& db, std::string_view key, ValueType type) {
  KeyTable::SlotRef slot = db.Find(key);
  if (!slot) return static_cast<Entry*>(nullptr);
  Entry* e = static_cast<Entry*>(slot.get());
  if (e->type() != type) return OpStatus::kWrongType;
  return e;
}

// The composite value of an entry known to hold a collection, cast to its class.
template <typename T>
T* ValueOf(Entry* e) {
  return static_cast<T*>(e->object());
}

}  // namespace duet
