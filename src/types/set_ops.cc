#include "types/set_ops.h"

#include "types/typed_lookup.h"

namespace duet::sets {

Result<SetValue*> FindForRead(Db& db, std::string_view key) {
  Result<Entry*> e = FindTypedForRead(db, key, ValueType::kSet);
  if (!e.ok()) return e.status();
  return *e ? ValueOf<SetValue>(*e) : nullptr;
}

Result<SetValue*> FindForWrite(Db& db, std::string_view key) {
  Result<Entry*> e = FindTypedForWrite(db, key, ValueType::kSet);
  if (!e.ok()) return e.status();
  return *e ? ValueOf<SetValue>(*e) : nullptr;
}

Result<std::vector<const SetValue*>> FindAllForRead(Db& db,
                                                    std::span<const std::string_view> keys) {
  std::vector<const SetValue*> sets;
  sets.reserve(keys.size());
  for (std::string_view key : keys) {
    Result<SetValue*> s = FindForRead(db, key);
    if (!s.ok()) return s.status();
    sets.push_back(*s);
  }
  return sets;
}

Result<SetValue*> FindOrCreate(Db& db, std::string_view key, std::string_view first) {
  uint64_t hash = KeyTable::Hash(key);
  KeyTable::SlotRef slot = db.Find(key, hash);
  if (slot) {
    Entry* e = static_cast<Entry*>(slot.get());
    if (e->type() != ValueType::kSet) return OpStatus::kWrongType;
    return ValueOf<SetValue>(e);
  }
  SetValue* s = SetValue::Create(first);
  db.Add(Entry::NewObject(key, ValueType::kSet, s, Entry::kNoExpire), hash);
  return s;
}

SetValue* IntersectToSet(const std::vector<const SetValue*>& sets, size_t max_intset_entries) {
  SetValue* out = SetValue::CreateIntset();
  Intersect(sets, 0, [&](std::string_view m) { out->Add(m, max_intset_entries); });
  return out;
}

SetValue* Union(const std::vector<const SetValue*>& sets, size_t max_intset_entries) {
  SetValue* out = SetValue::CreateIntset();
  for (const SetValue* s : sets) {
    if (s) s->ForEach([&](std::string_view m) { out->Add(m, max_intset_entries); });
  }
  return out;
}

SetValue* Diff(const std::vector<const SetValue*>& sets, size_t max_intset_entries) {
  SetValue* out = SetValue::CreateIntset();
  if (sets.empty() || sets[0] == nullptr) return out;
  sets[0]->ForEach([&](std::string_view m) {
    for (size_t j = 1; j < sets.size(); j++) {
      if (sets[j] == sets[0]) return;  // X - X is empty
      if (sets[j] && sets[j]->Contains(m)) return;
    }
    out->Add(m, max_intset_entries);
  });
  return out;
}

size_t Store(Db& db, std::string_view key, SetValue* result, bool* changed) {
  size_t n = result->size();
  if (n == 0) {
    delete result;
    *changed = db.Delete(key);
    return 0;
  }
  db.Upsert(Entry::NewObject(key, ValueType::kSet, result, Entry::kNoExpire));
  *changed = true;
  return n;
}

}  // namespace duet::sets
