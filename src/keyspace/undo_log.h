// UndoLog: puts keys back as they were (SCRIPT DEBUG YES: a debugging session's writes are
// rolled back when it ends, as Redis drops its forked child's dataset).
//
// The caller reports every key before it may change: BeforeWrite for a key a command is
// about to write (all of its keys, in every database it touches), BeforeFree for an entry
// about to be freed without a command (an expired key a lookup deletes, an eviction victim),
// BeforeDbReplaced before a whole database's contents change (FLUSHDB, FLUSHALL, SWAPDB). The
// first report of a key wins: its state then (absent, or a deep copy of the value with its
// TTL, encoding and LRU/LFU metadata) is what Restore puts back. Restore removes every key
// created since and restores the others without signals of any kind (no keyspace events,
// no blocked-client wake-ups, no expiry accounting). Cost: one copy per key written, all
// keys of a database whose contents are replaced.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "keyspace/keyspace.h"

namespace duet {

class UndoLog {
 public:
  explicit UndoLog(Keyspace& keyspace);
  ~UndoLog();
  UndoLog(const UndoLog&) = delete;
  UndoLog& operator=(const UndoLog&) = delete;

  // `key` of database `db` may change next (its current stored state is kept, an expired
  // value included).
  void BeforeWrite(int db, std::string_view key);
  // Entry `e` of database `db` is about to be freed by the keyspace itself.
  void BeforeFree(int db, const Entry& e);
  // Every key of database `db` may change next.
  void BeforeDbReplaced(int db);
  // Puts every reported key back as it was; the log is empty afterwards.
  void Restore();
  // How many keys are remembered (tests).
  size_t size() const;

 private:
  struct Saved {
    Entry* entry = nullptr;  // a copy; nullptr: the key did not exist
    uint16_t meta = 0;
  };
  struct DbLog {
    std::unordered_map<std::string, Saved> keys;
    bool whole = false;  // every key is in `keys`: Restore empties the database first
  };
  void Clear();

  Keyspace& keyspace_;
  std::vector<DbLog> dbs_;
};

}  // namespace duet
