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

Entry* NewBigPackedEntry(std::string_view key, std::string_view packed, int64_t expire_ms) {
  // The Entry's compact header, the expire time, the key (Entry's layout).
  size_t fixed = 4 + (expire_ms != Entry::kNoExpire ? 8 : 0) + key.size();
  if (SplitHashValue* split = SplitHashValue::TrySplit(packed, fixed)) {
    return Entry::NewObject(key, ValueType::kHash, split, expire_ms);
  }
  return Entry::NewPacked(key, ValueType::kHash, packed, expire_ms, true);
}

// ---- HashView ----------------------------------------------------------------------------

HashView::HashView(Entry* e) {
  if (e->is_packed()) {
    packed_ = e->packed();
    big_ = e->packed_big();
  } else if (auto* split = dynamic_cast<SplitHashValue*>(e->object())) {
    packed_ = split->pairs();
    head_ = split->head();
    big_ = true;
  } else {
    hv_ = static_cast<HashValue*>(e->object());
  }
}

lp::Value HashView::PackedElement(size_t off, size_t* next) const {
  if (!pairs::IsSplit(packed_, off)) return pairs::Get(packed_, off, next);
  lp::Value v;
  v.sval = ValueAt(packed_, head_, off, next, nullptr, &scratch_);
  return v;
}

size_t HashView::Length() const {
  return IsPacked() ? pairs::PairCount(packed_) : hv_->table().size();
}

std::optional<std::string_view> HashView::Get(std::string_view field, NumBuf& num) const {
  if (IsPacked()) {
    size_t off = pairs::FindField(packed_, field);
    if (off == pairs::kNone) return std::nullopt;
    size_t next;
    return ValueAt(packed_, head_, pairs::Skip(packed_, off), &next, num.buf, &num.joined);
  }
  FieldTable::SlotRef s = hv_->table().Find(field);
  if (!s) return std::nullopt;
  return FieldBlock::Value(s.get());
}

bool HashView::Exists(std::string_view field) const {
  if (IsPacked()) return pairs::FindField(packed_, field) != pairs::kNone;
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
    HashView view(entry_);
    hv_ = view.value();
    big_ = !view.IsListpack();
    if (hv_ == nullptr && !entry_->is_packed()) {  // a SplitHashValue: edit it joined
      buf_ = static_cast<SplitHashValue*>(entry_->object())->Join();
      owns_ = true;
    }
    return OpStatus::kOk;
  }
  if (!create) return OpStatus::kKeyNotFound;
  buf_ = pairs::Empty();
  owns_ = true;
  return OpStatus::kOk;
}

void HashWriter::OwnPacked() {
  if (owns_) return;
  buf_.assign(entry_->packed());
  owns_ = true;
}

void HashWriter::TryConversion(std::span<const std::string_view> args, const Limits& limits) {
  if (hv_ != nullptr || big_) return;
  size_t sum = 0;
  for (std::string_view a : args) {
    if (a.size() > limits.max_listpack_value) return ConvertToTable(limits);
    sum += a.size();
  }
  if (Packed().size() + sum > kListpackSafetySize) ConvertToTable(limits);
}

bool HashWriter::Set(std::string_view field, std::string_view value, const Limits& limits) {
  if (hv_ == nullptr && !big_ &&
      (field.size() > limits.max_listpack_value || value.size() > limits.max_listpack_value)) {
    ConvertToTable(limits);
  }
  if (hv_ == nullptr) {
    OwnPacked();
    size_t off = pairs::FindField(buf_, field);
    bool created = off == pairs::kNone;
    if (created) {
      pairs::AppendPair(&buf_, field, value);
    } else {
      pairs::ReplaceValue(&buf_, pairs::Skip(buf_, off), value);
    }
    // As Redis's hashTypeSet: checked on every set, so an overwrite converts a packed hash
    // that is already over a lowered hash-max-listpack-entries.
    if (Length() > limits.max_listpack_entries) ConvertToTable(limits);
    FitStorage(limits);
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
  if (hv_ == nullptr) {
    if (!Exists(field)) return false;
    OwnPacked();
    pairs::ErasePair(&buf_, pairs::FindField(buf_, field));
    return true;
  }
  void* block = hv_->table().Erase(field, FieldTable::Hash(field));
  if (block == nullptr) return false;
  FieldBlock::Free(static_cast<uint8_t*>(block));
  return true;
}

void HashWriter::ConvertToTable(const Limits& limits) {
  if (hv_ != nullptr || big_) return;
  OwnPacked();  // Commit writes the entry (and its flag) back
  big_ = true;
  FitStorage(limits);
}

void HashWriter::FitStorage(const Limits& limits) {
  if (hv_ != nullptr || !big_) return;
  if (Packed().size() > kMaxBigPackedBytes || Length() > limits.max_listpack_entries) {
    MoveToFieldTable();
  }
}

void HashWriter::MoveToFieldTable() {
  auto* hv = new HashValue();
  ForEachPackedPair(
      Packed(), [&](std::string_view f, std::string_view v) { InsertBlock(hv->table(), f, v); });
  buf_.clear();
  buf_.shrink_to_fit();
  owns_ = false;
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
  } else if (owns_) {
    size_t n = buf_.size();
    bool packed_entry = entry_ != nullptr && entry_->is_packed();
    size_t cap = packed_entry ? entry_->PackedCapacity() : 0;
    if (packed_entry && n <= cap && n + 64 + cap / 8 >= cap) {
      // Fits the allocation (and wastes little of it): rewrite in place.
      memcpy(entry_->mutable_packed(), buf_.data(), n);
      entry_->set_packed_len(n);
      if (big_) entry_->set_packed_big();
    } else {
      int64_t expire = entry_ != nullptr ? entry_->expire_ms() : Entry::kNoExpire;
      Entry* e = big_ ? NewBigPackedEntry(key_, buf_, expire)
                      : Entry::NewPacked(key_, ValueType::kHash, buf_, expire);
      if (entry_ != nullptr) {
        db_->Replace(slot_, e);
      } else {
        db_->Add(e, key_hash_);
      }
    }
  }
  if (converted_) delete hv_;
  owns_ = converted_ = big_ = false;
  buf_.clear();
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
