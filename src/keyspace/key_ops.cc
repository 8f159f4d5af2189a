#include "keyspace/key_ops.h"

#include <limits>

#include "keyspace/lazy_free.h"

namespace duet::keyops {

namespace {
// Inserts `e` and gives its slot `meta`: RENAME and MOVE keep the value object in Redis, and
// with it the LRU/LFU stamp.
void AddKeepingMeta(Db& db, Entry* e, uint16_t meta) {
  db.Add(e);
  db.table().Find(e->key()).set_meta(meta);
}
}  // namespace

Entry* PeekRead(Db& db, std::string_view key) {
  Entry* e = db.Peek(key);
  if (e) {
    db.ctx().keyspace_hits++;
  } else {
    db.ctx().keyspace_misses++;
  }
  return e;
}

bool DeleteKey(Db& db, std::string_view key, LazyFreer* freer) {
  Entry* e = db.Detach(key);
  if (!e) return false;
  FreeEntryMaybeLazy(e, freer);
  return true;
}

std::optional<int64_t> AbsoluteExpireMs(int64_t value, bool seconds, int64_t base_ms) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  if (seconds) {
    if (value > kMax / 1000 || value < kMin / 1000) return std::nullopt;
    value *= 1000;
  }
  // Only the upper bound is checked, as Redis does: base_ms is never negative.
  if (value > kMax - base_ms) return std::nullopt;
  return value + base_ms;
}

ExpireOutcome SetExpireAt(Db& db, std::string_view key, int64_t when_ms, unsigned flags) {
  KeyTable::SlotRef slot = db.Find(key);
  if (!slot) return ExpireOutcome::kNoKey;
  int64_t current = static_cast<Entry*>(slot.get())->expire_ms();  // -1 = none
  bool has_ttl = current != Entry::kNoExpire;
  if ((flags & kExpireNx) && has_ttl) return ExpireOutcome::kSkipped;
  if ((flags & kExpireXx) && !has_ttl) return ExpireOutcome::kSkipped;
  // No TTL is an infinite one: nothing is greater, everything is less.
  if ((flags & kExpireGt) && (!has_ttl || when_ms <= current)) return ExpireOutcome::kSkipped;
  if ((flags & kExpireLt) && has_ttl && when_ms >= current) return ExpireOutcome::kSkipped;

  if (when_ms <= db.ctx().now_ms && !db.ctx().loading) {
    db.Delete(key);
    return ExpireOutcome::kDeleted;
  }
  db.SetExpire(slot, when_ms);
  return ExpireOutcome::kSet;
}

int64_t ExpireTimeMs(Db& db, std::string_view key) {
  Entry* e = PeekRead(db, key);
  if (!e) return -2;
  return e->has_expire() ? e->expire_ms() : -1;
}

bool Persist(Db& db, std::string_view key) {
  KeyTable::SlotRef slot = db.Find(key);
  if (!slot || !static_cast<Entry*>(slot.get())->has_expire()) return false;
  db.SetExpire(slot, Entry::kNoExpire);
  return true;
}

Result<RenameOutcome> Rename(Db& db, std::string_view src, std::string_view dst, bool nx) {
  KeyTable::SlotRef slot = db.Find(src);
  if (!slot) return OpStatus::kNoSuchKey;
  if (src == dst) return RenameOutcome::kSameKey;
  uint16_t meta = slot.meta();
  if (db.Find(dst)) {
    if (nx) return RenameOutcome::kTargetExists;
    db.Delete(dst);
  }
  Entry* e = db.Detach(src);
  AddKeepingMeta(db, Entry::WithKey(e, dst), meta);
  return RenameOutcome::kRenamed;
}

Result<CopyOutcome> Copy(Db& src, Db& dst, std::string_view key, std::string_view new_key,
                         bool replace) {
  if (&src == &dst && key == new_key) return OpStatus::kSameObject;
  Entry* e = src.FindRead(key);
  if (!e) return CopyOutcome::kNoSource;
  bool exists = static_cast<bool>(dst.Find(new_key));
  if (exists && !replace) return CopyOutcome::kTargetExists;
  // Clone before deleting: the source stays valid either way (it is another key), but the
  // copy must not depend on the delete's side effects.
  Entry* copy = Entry::Clone(e, new_key, e->expire_ms());
  if (exists) dst.Delete(new_key);
  dst.Add(copy);
  return CopyOutcome::kCopied;
}

bool Move(Db& src, Db& dst, std::string_view key) {
  KeyTable::SlotRef slot = src.Find(key);
  if (!slot) return false;
  if (dst.Find(key)) return false;
  uint16_t meta = slot.meta();
  Entry* e = src.Detach(key);
  AddKeepingMeta(dst, e, meta);
  return true;
}

}  // namespace duet::keyops
