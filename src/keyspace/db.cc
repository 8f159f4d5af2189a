#include "keyspace/db.h"

#include <string>

#include "common/clock.h"
#include "common/latency_monitor.h"
#include "keyspace/lazy_free.h"
#include "keyspace/lfu.h"
#include "keyspace/undo_log.h"

namespace duet {

KeyTable::SlotRef Db::Find(std::string_view key) { return Find(key, KeyTable::Hash(key)); }

KeyTable::SlotRef Db::Find(std::string_view key, uint64_t h) {
  KeyTable::SlotRef slot = table_.Find(key, h);
  if (!slot) return slot;
  auto* e = static_cast<Entry*>(slot.get());
  if (IsExpired(e)) {
    DeleteExpired(slot);
    return KeyTable::SlotRef();
  }
  slot.set_meta(TouchedMeta(slot.meta()));
  return slot;
}

uint16_t Db::NewMeta() const {
  ctx_->accesses++;
  return ctx_->lfu ? lfu::NewMeta(ctx_->now_ms) : ctx_->lru_clock;
}

uint16_t Db::TouchedMeta(uint16_t meta) {
  ctx_->accesses++;
  if (!ctx_->lfu) return ctx_->lru_clock;
  uint64_t& x = ctx_->rng_state;  // xorshift64: cheap, and quality is not critical here
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  double r = static_cast<double>(x >> 11) * 0x1.0p-53;
  return lfu::Touch(meta, ctx_->now_ms, ctx_->lfu_log_factor, ctx_->lfu_decay_time, r);
}

Entry* Db::FindRead(std::string_view key) {
  KeyTable::SlotRef slot = Find(key);
  if (!slot) {
    ctx_->keyspace_misses++;
    if (ctx_->on_key_miss) ctx_->on_key_miss(index_, key);
    return nullptr;
  }
  ctx_->keyspace_hits++;
  return static_cast<Entry*>(slot.get());
}

Entry* Db::Peek(std::string_view key) {
  KeyTable::SlotRef slot = table_.Find(key);
  if (!slot) return nullptr;
  auto* e = static_cast<Entry*>(slot.get());
  if (IsExpired(e)) {
    DeleteExpired(slot);
    return nullptr;
  }
  return e;
}

void Db::Add(Entry* e) { Add(e, KeyTable::Hash(e->key())); }

void Db::Add(Entry* e, uint64_t hash) {
  table_.Insert(e, hash, NewMeta());
  if (e->has_expire()) expires_.Insert(e, hash);
  SignalIfAwaited(e);
  if (ctx_->on_key_added) ctx_->on_key_added(index_, e->key());
}

void Db::Upsert(Entry* e) {
  uint64_t h = KeyTable::Hash(e->key());
  KeyTable::SlotRef slot = table_.Find(e->key(), h);
  if (slot) {
    // An overwrite counts as one access (Redis's lookupKeyWrite + dbSetValue).
    Replace(slot, e);
    slot.set_meta(TouchedMeta(slot.meta()));
  } else {
    table_.Insert(e, h, NewMeta());
    if (e->has_expire()) expires_.Insert(e, h);
    if (ctx_->on_key_added) ctx_->on_key_added(index_, e->key());
  }
  SignalIfAwaited(e);
}

void Db::Replace(KeyTable::SlotRef slot, Entry* e) {
  auto* old = static_cast<Entry*>(slot.get());
  if (old == e) return;
  bool type_changed = old->type() != e->type();
  bool old_expires = old->has_expire();
  slot.Replace(e);
  if (old_expires || e->has_expire()) {
    uint64_t h = KeyTable::Hash(e->key());
    if (old_expires && e->has_expire()) {
      expires_.Find(e->key(), h).Replace(e);
    } else if (old_expires) {
      expires_.Erase(e->key(), h);
    } else {
      expires_.Insert(e, h);
    }
  }
  SignalIfStreamGone(old);
  FreeEntryMaybeLazy(old, ctx_->server_del_freer);
  if (type_changed) SignalIfAwaited(e);
}

void Db::Unindex(Entry* e) {
  if (e->has_expire()) expires_.Erase(e->key(), KeyTable::Hash(e->key()));
}

Entry* Db::Detach(std::string_view key) {
  uint64_t h = KeyTable::Hash(key);
  auto* e = static_cast<Entry*>(table_.Erase(key, h));
  if (!e) return nullptr;
  if (e->has_expire()) expires_.Erase(key, h);
  SignalIfStreamGone(e);
  if (IsExpired(e)) {
    // Counts as an expiry, exactly as if it had been looked up first.
    FreeExpired(e, std::string(key));
    return nullptr;
  }
  return e;
}

bool Db::Delete(std::string_view key) {
  Entry* e = Detach(key);
  if (!e) return false;
  Entry::Free(e);
  return true;
}

void Db::DeleteExpired(KeyTable::SlotRef slot) {
  if (ctx_->keep_expired) return;
  auto* e = static_cast<Entry*>(slot.get());
  std::string key(e->key());
  uint64_t h = KeyTable::Hash(key);
  table_.Erase(key, h);
  expires_.Erase(key, h);
  SignalIfStreamGone(e);
  FreeExpired(e, key);
}

void Db::FreeExpired(Entry* e, std::string_view key) {
  if (ctx_->undo) ctx_->undo->BeforeFree(index_, *e);
  if (ctx_->before_expired_free) ctx_->before_expired_free(index_, *e);
  if (ctx_->latency_threshold_ms == 0) {
    FreeEntryMaybeLazy(e, ctx_->expire_freer);
  } else {
    // Redis's deleteExpiredKeyAndPropagate: a slow free (a big value) is a latency spike.
    int64_t start = MonotonicNowUs();
    FreeEntryMaybeLazy(e, ctx_->expire_freer);
    ctx_->latency->AddSampleIfNeeded("expire-del", (MonotonicNowUs() - start) / 1000,
                                     ctx_->latency_threshold_ms, ctx_->now_ms / 1000);
  }
  ctx_->expired_keys++;
  if (ctx_->on_expired) ctx_->on_expired(index_, key);
}

void Db::SetExpire(KeyTable::SlotRef slot, int64_t expire_ms) {
  auto* old = static_cast<Entry*>(slot.get());
  bool had = old->has_expire();
  bool want = expire_ms != Entry::kNoExpire;
  uint64_t h = KeyTable::Hash(old->key());
  // Unindex while the old entry is still allocated: the index compares keys through it, and
  // WithExpire frees it when the expire field goes away.
  if (had && !want) expires_.Erase(old->key(), h);
  Entry* e = Entry::WithExpire(old, expire_ms);  // same pointer when had == want
  slot.Replace(e);
  if (!had && want) expires_.Insert(e, h);
}

uint64_t Db::Scan(uint64_t cursor, const std::function<void(Entry*)>& fn, size_t want) {
  // Collect first: expired keys found while scanning are deleted after the segment is read.
  std::vector<Entry*> expired;
  uint64_t next = table_.Scan(
      cursor,
      [&](KeyTable::SlotRef s) {
        auto* e = static_cast<Entry*>(s.get());
        if (IsExpired(e)) {
          expired.push_back(e);
        } else {
          fn(e);
        }
      },
      want);
  for (Entry* e : expired) {
    std::string key(e->key());
    KeyTable::SlotRef s = table_.Find(key);
    if (s) DeleteExpired(s);
  }
  return next;
}

Entry* Db::RandomEntry(uint64_t rnd) {
  // Redis gives up after many expired picks and may return an expired key; we retry a
  // bounded number of times and then report none.
  for (int attempt = 0; attempt < 100 && table_.size() > 0; attempt++) {
    rnd = rnd * 6364136223846793005ULL + 1442695040888963407ULL;
    KeyTable::SlotRef s = table_.Random(rnd ^ (rnd >> 29));
    auto* e = static_cast<Entry*>(s.get());
    if (!IsExpired(e)) return e;
    DeleteExpired(s);
  }
  return nullptr;
}

void Db::Clear() {
  table_.ForEach([](KeyTable::SlotRef s) { Entry::Free(static_cast<Entry*>(s.get())); });
  table_.Clear();
  expires_.Clear();
}

bool Db::AgeSweepStep(uint16_t oldest_stamp, uint16_t now_stamp) {
  uint16_t max_age = static_cast<uint16_t>(now_stamp - oldest_stamp);
  age_cursor_ = table_.Scan(age_cursor_, [&](KeyTable::SlotRef s) {
    if (static_cast<uint16_t>(now_stamp - s.meta()) > max_age) s.set_meta(oldest_stamp);
  });
  return age_cursor_ == 0;
}

void Db::ReleaseEmptyTables() {
  if (table_.size() == 0 && table_.segment_count() > 1) table_.Clear();
  if (expires_.size() == 0 && expires_.segment_count() > 1) expires_.Clear();
}

void Db::ClearAsync(LazyFreer& freer) {
  freer.FreeTables(std::move(table_), std::move(expires_));
  expire_cursor_ = 0;
}

void Db::SwapContents(Db& other) {
  std::swap(table_, other.table_);
  std::swap(expires_, other.expires_);
  if (ctx_->blocked_waiters != 0) ctx_->on_dbs_swapped(index_, other.index_);
}

size_t Db::ActiveExpireStep(size_t samples, size_t* expired) {
  *expired = 0;
  size_t checked = 0;
  if (expires_.size() == 0) return 0;
  do {
    // A segment holds at most 127 keys; collect its expired ones, then delete them (the
    // table must not change during a Scan callback).
    Entry* dead[128];
    size_t n_dead = 0;
    expire_cursor_ = expires_.Scan(expire_cursor_, [&](KeyTable::SlotRef s) {
      auto* e = static_cast<Entry*>(s.get());
      checked++;
      if (IsExpired(e) && n_dead < 128) dead[n_dead++] = e;
    });
    for (size_t i = 0; i < n_dead; i++) DeleteExpired(table_.Find(dead[i]->key()));
    *expired += n_dead;
  } while (checked < samples && expire_cursor_ != 0);
  return checked;
}

}  // namespace duet
