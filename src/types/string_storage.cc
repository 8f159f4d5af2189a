#include "types/string_storage.h"

#include <cstring>

namespace duet::strings {

Result<const Entry*> Get(Db& db, std::string_view key) {
  const Entry* e = db.FindRead(key);
  if (e && e->type() != ValueType::kString) return OpStatus::kWrongType;
  return e;
}

Result<Entry*> GetForWrite(Db& db, std::string_view key, size_t min_len, bool* grown) {
  KeyTable::SlotRef slot = db.Find(key);
  if (grown) *grown = true;
  if (!slot) {
    Entry* e = Entry::NewStringWithCapacity(key, {}, min_len, Entry::kNoExpire);
    if (min_len) memset(e->mutable_str(), 0, min_len);
    e->set_str_len(min_len);
    db.Add(e);
    return e;
  }
  auto* e = static_cast<Entry*>(slot.get());
  if (e->type() != ValueType::kString) return OpStatus::kWrongType;
  return GrowForWrite(db, slot, min_len, grown);
}

Entry* GrowForWrite(Db& db, KeyTable::SlotRef slot, size_t min_len, bool* grown) {
  auto* e = static_cast<Entry*>(slot.get());
  if (grown) *grown = true;
  size_t len = e->str().size();
  if (len >= min_len) {
    if (grown) *grown = false;
    e->set_encoding(StringEncoding::kRaw);
    return e;
  }
  if (e->StrCapacity() >= min_len) {
    memset(e->mutable_str() + len, 0, min_len - len);
    e->set_str_len(min_len);
    e->set_encoding(StringEncoding::kRaw);
    return e;
  }
  constexpr size_t kMaxPrealloc = 1024 * 1024;  // SDS_MAX_PREALLOC
  size_t capacity = min_len < kMaxPrealloc ? min_len * 2 : min_len + kMaxPrealloc;
  Entry* bigger = Entry::NewStringWithCapacity(e->key(), e->str(), capacity, e->expire_ms());
  memset(bigger->mutable_str() + len, 0, min_len - len);
  bigger->set_str_len(min_len);
  db.Replace(slot, bigger);
  return bigger;
}

}  // namespace duet::strings
