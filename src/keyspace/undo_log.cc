#include "keyspace/undo_log.h"

namespace duet {

namespace {

Entry* Copy(const Entry& e) {
  return Entry::Clone(&e, e.key(), e.has_expire() ? e.expire_ms() : Entry::kNoExpire);
}

// Takes `key` out of `db` without any signal; frees it.
void Remove(Db& db, std::string_view key) {
  uint64_t h = KeyTable::Hash(key);
  auto* e = static_cast<Entry*>(db.table().Erase(key, h));
  if (!e) return;
  if (e->has_expire()) db.expires().Erase(key, h);
  Entry::Free(e);
}

void Insert(Db& db, Entry* e, uint16_t meta) {
  uint64_t h = KeyTable::Hash(e->key());
  db.table().Insert(e, h, meta);
  if (e->has_expire()) db.expires().Insert(e, h);
}

}  // namespace

UndoLog::UndoLog(Keyspace& keyspace)
    : keyspace_(keyspace), dbs_(static_cast<size_t>(keyspace.db_count())) {}

UndoLog::~UndoLog() { Clear(); }

void UndoLog::BeforeWrite(int db, std::string_view key) {
  DbLog& log = dbs_[static_cast<size_t>(db)];
  if (log.whole) return;
  auto [it, added] = log.keys.try_emplace(std::string(key));
  if (!added) return;
  KeyTable::SlotRef slot = keyspace_.db(db).table().Find(key);
  if (slot) it->second = {Copy(*static_cast<Entry*>(slot.get())), slot.meta()};
}

void UndoLog::BeforeFree(int db, const Entry& e) {
  DbLog& log = dbs_[static_cast<size_t>(db)];
  if (log.whole) return;
  auto [it, added] = log.keys.try_emplace(std::string(e.key()));
  if (added) it->second = {Copy(e), keyspace_.ctx().lru_clock};
}

void UndoLog::BeforeDbReplaced(int db) {
  DbLog& log = dbs_[static_cast<size_t>(db)];
  if (log.whole) return;
  log.whole = true;
  keyspace_.db(db).table().ForEach([&](KeyTable::SlotRef s) {
    const auto* e = static_cast<const Entry*>(s.get());
    auto [it, added] = log.keys.try_emplace(std::string(e->key()));
    if (added) it->second = {Copy(*e), s.meta()};
  });
}

void UndoLog::Restore() {
  for (size_t i = 0; i < dbs_.size(); i++) {
    DbLog& log = dbs_[i];
    Db& db = keyspace_.db(static_cast<int>(i));
    if (log.whole) {
      db.Clear();
    } else {
      for (auto& [key, saved] : log.keys) Remove(db, key);
    }
    for (auto& [key, saved] : log.keys) {
      if (saved.entry) Insert(db, saved.entry, saved.meta);
      saved.entry = nullptr;
    }
    log.keys.clear();
    log.whole = false;
  }
}

size_t UndoLog::size() const {
  size_t n = 0;
  for (const DbLog& log : dbs_) n += log.keys.size();
  return n;
}

void UndoLog::Clear() {
  for (DbLog& log : dbs_) {
    for (auto& [key, saved] : log.keys) {
      if (saved.entry) Entry::Free(saved.entry);
    }
    log.keys.clear();
    log.whole = false;
  }
}

}  // namespace duet
