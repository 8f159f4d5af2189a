// WatchRegistry: which clients WATCH which keys, and the rules of Redis 7.0 (multi.c) for
// when a change to a watched key makes the watcher's EXEC fail.
//
// A key that was already logically expired when WATCHed is special (Redis's
// watchedKey.expired): its deletion is no logical change, so deleting it clears the flag
// instead of failing the transaction; any other change fails it.
#pragma once

#include <functional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "server/client.h"
#include "server/db_key.h"

namespace duet {

class WatchRegistry {
 public:
  // How the registry sees a key right now: present in the table (even if expired), and
  // logically expired.
  struct KeyState {
    bool present = false;
    bool expired = false;
  };
  using KeyProbe = std::function<KeyState(int db, std::string_view key)>;

  bool empty() const { return watchers_.empty(); }

  // WATCH: adds `key` to `c`'s watched keys (once). `state` is the key's state now.
  void Watch(Client& c, int db, std::string_view key, KeyState state);
  // UNWATCH, EXEC, DISCARD, RESET, disconnect.
  void UnwatchAll(Client& c);

  // `key` of `db` changed (signalModifiedKey); `probe` tells whether it still exists.
  void Touch(int db, std::string_view key, const KeyProbe& probe);
  // `db` is about to be emptied (FLUSHDB/FLUSHALL) or, with `replaced_with` >= 0, swapped
  // with that database (SWAPDB); called before the change (touchAllWatchedKeysInDb).
  void TouchDb(int db, int replaced_with, const KeyProbe& probe);

  // EXEC's check: a key that was not expired when watched has expired since.
  static bool AnyWatchedKeyExpired(const Client& c, const KeyProbe& probe);

 private:
  void MarkDirty(Client& c);
  std::unordered_map<DbKey, std::vector<Client*>, DbKeyHash> watchers_;
};

}  // namespace duet
