#include "types/hash_type.h"

#include <malloc.h>

#include <cmath>
#include <cstdlib>
#include <cstring>

#include "common/strutil.h"
#include "types/typed_lookup.h"

namespace duet::hashes {

namespace {

// Redis's LISTPACK_MAX_SAFETY_SIZE: a listpack never grows past 1 GB.
constexpr size_t kListpackSafetySize = size_t{1} << 30;

uint8_t* FindField(uint8_t* lp, std::string_view field) {
  uint8_t* first = lp::First(lp);
  if (first == nullptr) return nullptr;
  return lp::Find(lp, first, field, 1);
}

void InsertBlock(FieldTable& t, std::string_view field, std::string_view value) {
  t.Insert(FieldBlock::New(field, value), FieldTable::Hash(field));
}

}  // namespace

// ---- HashValue ---------------------------------------------------------------------------

HashValue::~HashValue() {
  table_.ForEach([](FieldTable::SlotRef s) { FieldBlock::Free(static_cast<uint8_t*>(s.get())); });
}

size_t HashValue::MemoryUsage() const {
  size_t n = sizeof(*this) + table_.bytes_used();
  table_.ForEach([&](FieldTable::SlotRef s) { n += FieldBlock::AllocSize(s.get()); });
  return n;
}

CompositeValue* HashValue::Clone() const {
  auto* copy = new HashValue();
  table_.ForEach([&](FieldTable::SlotRef s) {
    InsertBlock(copy->table_, FieldBlock::Field(s.get()), FieldBlock::Value(s.get()));
  });
  return copy;
}

// ---- HashView ----------------------------------------------------------------------------

HashView::HashView(Entry* e) {
  if (e->is_packed()) {
    lp_ = e->mutable_packed();
  } else {
    hv_ = static_cast<HashValue*>(e->object());
  }
}

size_t HashView::Length() const { return IsListpack() ? lp::Length(lp_) / 2 : hv_->table().size(); }

std::optional<std::string_view> HashView::Get(std::string_view field, NumBuf& num) const {
  if (IsListpack()) {
    uint8_t* p = FindField(lp_, field);
    if (p == nullptr) return std::nullopt;
    return lp::Get(lp::Next(lp_, p)).View(num.buf);
  }
  FieldTable::SlotRef s = hv_->table().Find(field);
  if (!s) return std::nullopt;
  return FieldBlock::Value(s.get());
}

bool HashView::Exists(std::string_view field) const {
  if (IsListpack()) return FindField(lp_, field) != nullptr;
  return static_cast<bool>(hv_->table().Find(field));
}

Result<std::optional<HashView>> FindForRead(Db& db, std::string_view key) {
  Result<Entry*> e = FindTypedForRead(db, key, ValueType::kHash);
  if (!e.ok()) return e.status();
  if (*e == nullptr) return std::optional<HashView>();
  return std::optional<HashView>(HashView(*e));
}

// ---- HashWriter --------------------------------------------------------------------------

HashWriter::~HashWriter() {
  if (owns_lp_) lp::Free(lp_);
  if (converted_) delete hv_;
}

OpStatus HashWriter::Open(Db& db, std::string_view key, bool create) {
  db_ = &db;
  key_ = key;
  key_hash_ = KeyTable::Hash(key);
  slot_ = db.Find(key, key_hash_);
  if (slot_) {
    entry_ = static_cast<Entry*>(slot_.get());
    if (entry_->type() != ValueType::kHash) return OpStatus::kWrongType;
    HashView v(entry_);
    lp_ = v.listpack();
    hv_ = v.value();
    return OpStatus::kOk;
  }
  if (!create) return OpStatus::kKeyNotFound;
  lp_ = lp::New();
  owns_lp_ = true;
  return OpStatus::kOk;
}

void HashWriter::OwnListpack() {
  if (owns_lp_) return;
  lp_ = lp::Dup(lp_);
  owns_lp_ = true;
}

void HashWriter::TryConversion(std::span<const std::string_view> args, const Limits& limits) {
  if (lp_ == nullptr) return;
  size_t sum = 0;
  for (std::string_view a : args) {
    if (a.size() > limits.max_listpack_value) return ConvertToTable();
    sum += a.size();
  }
  if (lp::Bytes(lp_) + sum > kListpackSafetySize) ConvertToTable();
}

bool HashWriter::Set(std::string_view field, std::string_view value, const Limits& limits) {
  if (lp_ != nullptr &&
      (field.size() > limits.max_listpack_value || value.size() > limits.max_listpack_value)) {
    ConvertToTable();
  }
  if (lp_ != nullptr) {
    OwnListpack();
    uint8_t* p = FindField(lp_, field);
    bool created = p == nullptr;
    if (created) {
      lp_ = lp::Append(lp_, field);
      lp_ = lp::Append(lp_, value);
    } else {
      uint8_t* v = lp::Next(lp_, p);
      lp_ = lp::Replace(lp_, &v, value);
    }
    if (created && Length() > limits.max_listpack_entries) ConvertToTable();
    return created;
  }
  FieldTable& t = hv_->table();
  uint64_t hash = FieldTable::Hash(field);
  FieldTable::SlotRef s = t.Find(field, hash);
  if (s) {
    auto* old = static_cast<uint8_t*>(s.get());
    uint8_t* block = FieldBlock::WithValue(old, value);
    if (block != old) s.Replace(block);
    return false;
  }
  t.Insert(FieldBlock::New(field, value), hash);
  return true;
}

bool HashWriter::Delete(std::string_view field) {
  if (lp_ != nullptr) {
    if (!Exists(field)) return false;
    OwnListpack();
    uint8_t* p = FindField(lp_, field);
    lp_ = lp::DeleteRangeWithEntry(lp_, &p, 2);
    return true;
  }
  void* block = hv_->table().Erase(field, FieldTable::Hash(field));
  if (block == nullptr) return false;
  FieldBlock::Free(static_cast<uint8_t*>(block));
  return true;
}

void HashWriter::ConvertToTable() {
  if (lp_ == nullptr) return;
  auto* hv = new HashValue();
  ForEachListpackPair(
      lp_, [&](std::string_view f, std::string_view v) { InsertBlock(hv->table(), f, v); });
  if (owns_lp_) lp::Free(lp_);
  lp_ = nullptr;
  owns_lp_ = false;
  hv_ = hv;
  converted_ = true;
}

bool HashWriter::Commit() {
  bool empty = Length() == 0;
  if (empty) {
    if (entry_ != nullptr) db_->Delete(key_);
  } else if (converted_) {
    int64_t expire = entry_ != nullptr ? entry_->expire_ms() : Entry::kNoExpire;
    Entry* e = Entry::NewObject(key_, ValueType::kHash, hv_, expire);
    converted_ = false;  // the entry owns it now
    if (entry_ != nullptr) {
      db_->Replace(slot_, e);
    } else {
      db_->Add(e, key_hash_);
    }
  } else if (owns_lp_) {
    size_t n = lp::Bytes(lp_);
    if (entry_ != nullptr && n <= entry_->PackedCapacity() && n + 64 >= entry_->PackedCapacity()) {
      // Fits the allocation (and wastes little of it): rewrite in place.
      memcpy(entry_->mutable_packed(), lp_, n);
      entry_->set_packed_len(n);
    } else {
      int64_t expire = entry_ != nullptr ? entry_->expire_ms() : Entry::kNoExpire;
      Entry* e = Entry::NewPacked(key_, ValueType::kHash,
                                  std::string_view(reinterpret_cast<char*>(lp_), n), expire);
      if (entry_ != nullptr) {
        db_->Replace(slot_, e);
      } else {
        db_->Add(e, key_hash_);
      }
    }
  }
  if (owns_lp_) lp::Free(lp_);
  if (converted_) delete hv_;
  owns_lp_ = converted_ = false;
  lp_ = nullptr;
  hv_ = nullptr;
  entry_ = nullptr;
  return empty;
}

// ---- counters ----------------------------------------------------------------------------

Result<int64_t> IncrBy(HashWriter& h, std::string_view field, int64_t delta, const Limits& limits) {
  int64_t old = 0;
  NumBuf num;
  if (std::optional<std::string_view> v = h.Get(field, num)) {
    std::optional<int64_t> parsed = ParseInt64(*v);
    if (!parsed) return OpStatus::kNotInteger;
    old = *parsed;
  }
  if ((delta < 0 && old < 0 && delta < INT64_MIN - old) ||
      (delta > 0 && old > 0 && delta > INT64_MAX - old)) {
    return OpStatus::kOutOfRange;
  }
  int64_t result = old + delta;
  size_t len = FormatInt64(result, num.buf);
  h.Set(field, std::string_view(num.buf, len), limits);
  return result;
}

OpStatus IncrByFloat(HashWriter& h, std::string_view field, long double incr, const Limits& limits,
                     std::string* out) {
  long double value = 0;
  NumBuf num;
  if (std::optional<std::string_view> v = h.Get(field, num)) {
    std::optional<long double> parsed = ParseLongDouble(*v);
    if (!parsed) return OpStatus::kNotFloat;
    value = *parsed;
  }
  value += incr;
  if (std::isnan(value) || std::isinf(value)) return OpStatus::kIncrNanOrInf;
  *out = LongDoubleToHumanString(value);
  h.Set(field, *out, limits);
  return OpStatus::kOk;
}

}  // namespace duet::hashes
