#include "types/string_type.h"

#include <cmath>
#include <cstring>

#include "common/strutil.h"
#include "types/string_storage.h"

namespace duet::strings {

namespace {

constexpr size_t kEmbstrMax = 44;  // OBJ_ENCODING_EMBSTR_SIZE_LIMIT

// Whether string entry `e` should take a `len`-byte value in its current block. Reusing the
// block saves a malloc/free per overwrite (the benchmark's SET of an existing key); it is
// refused when the block is more than about a size-class step larger than a fresh one would
// be, so a shrinking value does not pin a large allocation.
bool FitsInPlace(const Entry* e, size_t len) {
  size_t old_len = e->str().size();
  if (len == old_len) return true;
  size_t cap = e->StrCapacity();
  if (len > cap) return false;
  size_t fixed = e->key().size() + 4 + (e->has_expire() ? 8 : 0);
  return (cap - len) * 4 <= fixed + len + 16;
}

// Stores `text` as the value in `slot` (an existing string entry), in place when it fits,
// keeping the TTL. Returns the entry now holding the value.
Entry* StoreKeepingTtl(Db& db, KeyTable::SlotRef slot, std::string_view text) {
  auto* e = static_cast<Entry*>(slot.get());
  if (FitsInPlace(e, text.size())) {
    if (!text.empty()) memcpy(e->mutable_str(), text.data(), text.size());
    e->set_str_len(text.size());
    return e;
  }
  Entry* n = Entry::NewString(e->key(), text, e->expire_ms());
  db.Replace(slot, n);
  return n;
}

}  // namespace

Result<int64_t> ExpireAtMs(int64_t value, ExpireUnit unit, bool relative, int64_t now_ms) {
  if (value <= 0 || (unit == ExpireUnit::kSeconds && value > INT64_MAX / 1000)) {
    return OpStatus::kInvalidExpire;
  }
  int64_t ms = unit == ExpireUnit::kSeconds ? value * 1000 : value;
  // Redis adds the current time with signed wraparound and rejects a result <= 0.
  if (relative)
    ms = static_cast<int64_t>(static_cast<uint64_t>(ms) + static_cast<uint64_t>(now_ms));
  if (ms <= 0) return OpStatus::kInvalidExpire;
  return ms;
}

OpStatus Set(Db& db, std::string_view key, std::string_view value, const SetParams& params) {
  uint64_t hash = KeyTable::Hash(key);
  KeyTable::SlotRef slot = db.Find(key, hash);
  if (!slot) {
    if (params.condition == SetCondition::kIfExists) return OpStatus::kSkipped;
    db.Add(Entry::NewString(key, value, params.expire_at_ms), hash);
    return OpStatus::kOk;
  }
  if (params.condition == SetCondition::kIfMissing) return OpStatus::kSkipped;
  auto* e = static_cast<Entry*>(slot.get());
  int64_t expire = params.keep_ttl ? e->expire_ms() : params.expire_at_ms;
  // In place only when the TTL field stays (or stays absent): adding or removing it changes
  // the entry's layout.
  if (e->type() == ValueType::kString && e->has_expire() == (expire != Entry::kNoExpire) &&
      FitsInPlace(e, value.size())) {
    e->AssignString(value);
    if (expire != Entry::kNoExpire) e->set_expire_ms(expire);
    return OpStatus::kOk;
  }
  db.Replace(slot, Entry::NewString(key, value, expire));
  return OpStatus::kOk;
}

Result<int64_t> IncrBy(Db& db, std::string_view key, int64_t delta) {
  uint64_t hash = KeyTable::Hash(key);
  KeyTable::SlotRef slot = db.Find(key, hash);
  int64_t old = 0;
  if (slot) {
    auto* e = static_cast<Entry*>(slot.get());
    if (e->type() != ValueType::kString) return OpStatus::kWrongType;
    std::optional<int64_t> v = ParseInt64(e->str());
    if (!v) return OpStatus::kNotInteger;
    old = *v;
  }
  if ((delta < 0 && old < 0 && delta < INT64_MIN - old) ||
      (delta > 0 && old > 0 && delta > INT64_MAX - old)) {
    return OpStatus::kOutOfRange;
  }
  int64_t result = old + delta;
  char buf[24];
  std::string_view text(buf, FormatInt64(result, buf));
  if (!slot) {
    Entry* e = Entry::NewString(key, text, Entry::kNoExpire);
    db.Add(e, hash);
    return result;
  }
  StoreKeepingTtl(db, slot, text)->set_encoding(StringEncoding::kInt);
  return result;
}

Result<std::string_view> IncrByFloat(Db& db, std::string_view key, std::string_view increment) {
  uint64_t hash = KeyTable::Hash(key);
  KeyTable::SlotRef slot = db.Find(key, hash);
  long double value = 0;
  if (slot) {
    auto* e = static_cast<Entry*>(slot.get());
    if (e->type() != ValueType::kString) return OpStatus::kWrongType;
    std::optional<long double> v = ParseLongDouble(e->str());
    if (!v) return OpStatus::kNotFloat;
    value = *v;
  }
  std::optional<long double> delta = ParseLongDouble(increment);
  if (!delta) return OpStatus::kNotFloat;
  value += *delta;
  if (std::isnan(value) || std::isinf(value)) return OpStatus::kIncrNanOrInf;
  std::string text = LongDoubleToHumanString(value);
  // Redis stores the formatted text as a plain string object: embstr or raw by length, never
  // "int" even when the text is integral.
  StringEncoding enc = text.size() <= kEmbstrMax ? StringEncoding::kEmbstr : StringEncoding::kRaw;
  Entry* e;
  if (!slot) {
    e = Entry::NewString(key, text, Entry::kNoExpire);
    db.Add(e, hash);
  } else {
    e = StoreKeepingTtl(db, slot, text);
  }
  e->set_encoding(enc);
  return e->str();
}

Result<size_t> Append(Db& db, std::string_view key, std::string_view value, int64_t max_len) {
  uint64_t hash = KeyTable::Hash(key);
  KeyTable::SlotRef slot = db.Find(key, hash);
  if (!slot) {
    // A missing key is created exactly as SET would (same encoding rules).
    db.Add(Entry::NewString(key, value, Entry::kNoExpire), hash);
    return value.size();
  }
  auto* e = static_cast<Entry*>(slot.get());
  if (e->type() != ValueType::kString) return OpStatus::kWrongType;
  size_t len = e->str().size();
  uint64_t total = static_cast<uint64_t>(len) + value.size();
  if (total > static_cast<uint64_t>(max_len)) return OpStatus::kStringTooLong;
  e = GrowForWrite(db, slot, static_cast<size_t>(total));
  if (!value.empty()) memcpy(e->mutable_str() + len, value.data(), value.size());
  return static_cast<size_t>(total);
}

Result<size_t> SetRange(Db& db, std::string_view key, int64_t offset, std::string_view value,
                        int64_t max_len, bool* modified) {
  *modified = false;
  KeyTable::SlotRef slot = db.Find(key);
  if (slot) {
    auto* e = static_cast<Entry*>(slot.get());
    if (e->type() != ValueType::kString) return OpStatus::kWrongType;
    if (value.empty()) return e->str().size();
  } else if (value.empty()) {
    return size_t{0};
  }
  // offset >= 0 and value.size() <= proto-max-bulk-len, so the sum cannot wrap.
  uint64_t end = static_cast<uint64_t>(offset) + value.size();
  if (end > static_cast<uint64_t>(max_len)) return OpStatus::kStringTooLong;
  Result<Entry*> w = slot ? Result<Entry*>(GrowForWrite(db, slot, static_cast<size_t>(end)))
                          : GetForWrite(db, key, static_cast<size_t>(end));
  if (!w.ok()) return w.status();
  Entry* e = *w;
  memcpy(e->mutable_str() + offset, value.data(), value.size());
  *modified = true;
  return e->str().size();
}

std::string_view Substring(std::string_view s, int64_t start, int64_t end) {
  int64_t len = static_cast<int64_t>(s.size());
  if (start < 0 && end < 0 && start > end) return {};
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len == 0) return {};
  return s.substr(static_cast<size_t>(start), static_cast<size_t>(end - start + 1));
}

}  // namespace duet::strings
