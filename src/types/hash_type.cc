#include "types/hash_type.h"

#include <malloc.h>

#include <cmath>

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

}  // namespace

HashValue::HashValue() : rep_(reinterpret_cast<uintptr_t>(lp::New())) {}

HashValue::~HashValue() { FreeRep(); }

void HashValue::FreeRep() {
  if (IsListpack()) {
    lp::Free(listpack());
    return;
  }
  FieldTable* t = table();
  t->ForEach([](FieldTable::SlotRef s) { FieldBlock::Free(static_cast<uint8_t*>(s.get())); });
  delete t;
}

size_t HashValue::MemoryUsage() const {
  size_t n = sizeof(*this);
  if (IsListpack()) return n + malloc_usable_size(listpack());
  FieldTable* t = table();
  n += sizeof(FieldTable) + t->bytes_used();
  t->ForEach([&](FieldTable::SlotRef s) { n += FieldBlock::AllocSize(s.get()); });
  return n;
}

CompositeValue* HashValue::Clone() const {
  auto* copy = new HashValue();
  if (IsListpack()) {
    lp::Free(copy->listpack());
    copy->rep_ = reinterpret_cast<uintptr_t>(lp::Dup(listpack()));
    return copy;
  }
  copy->ConvertToTable();
  FieldTable* dst = copy->table();
  table()->ForEach([&](FieldTable::SlotRef s) {
    std::string_view f = FieldBlock::Field(s.get());
    dst->Insert(FieldBlock::New(f, FieldBlock::Value(s.get())), FieldTable::Hash(f));
  });
  return copy;
}

std::string_view HashValue::EncodingName() const {
  return IsListpack() ? "listpack" : "hashtable";
}

size_t HashValue::FreeEffort() const { return IsListpack() ? 1 : table()->size(); }

size_t HashValue::Length() const {
  return IsListpack() ? lp::Length(listpack()) / 2 : table()->size();
}

std::optional<std::string_view> HashValue::Get(std::string_view field, NumBuf& num) const {
  if (IsListpack()) {
    uint8_t* lp = listpack();
    uint8_t* p = FindField(lp, field);
    if (p == nullptr) return std::nullopt;
    return lp::Get(lp::Next(lp, p)).View(num.buf);
  }
  FieldTable::SlotRef s = table()->Find(field);
  if (!s) return std::nullopt;
  return FieldBlock::Value(s.get());
}

bool HashValue::Exists(std::string_view field) const {
  if (IsListpack()) return FindField(listpack(), field) != nullptr;
  return static_cast<bool>(table()->Find(field));
}

void HashValue::TryConversion(std::span<const std::string_view> args, const Limits& limits) {
  if (!IsListpack()) return;
  size_t sum = 0;
  for (std::string_view a : args) {
    if (a.size() > limits.max_listpack_value) return ConvertToTable();
    sum += a.size();
  }
  if (lp::Bytes(listpack()) + sum > kListpackSafetySize) ConvertToTable();
}

bool HashValue::Set(std::string_view field, std::string_view value, const Limits& limits) {
  if (IsListpack() &&
      (field.size() > limits.max_listpack_value || value.size() > limits.max_listpack_value)) {
    ConvertToTable();
  }
  if (IsListpack()) {
    uint8_t* lp = listpack();
    uint8_t* p = FindField(lp, field);
    bool created = p == nullptr;
    if (created) {
      lp = lp::Append(lp, field);
      lp = lp::Append(lp, value);
    } else {
      uint8_t* v = lp::Next(lp, p);
      lp = lp::Replace(lp, &v, value);
    }
    rep_ = reinterpret_cast<uintptr_t>(lp);
    if (created && Length() > limits.max_listpack_entries) ConvertToTable();
    return created;
  }
  FieldTable* t = table();
  uint64_t hash = FieldTable::Hash(field);
  FieldTable::SlotRef s = t->Find(field, hash);
  if (s) {
    auto* old = static_cast<uint8_t*>(s.get());
    uint8_t* block = FieldBlock::WithValue(old, value);
    if (block != old) s.Replace(block);
    return false;
  }
  t->Insert(FieldBlock::New(field, value), hash);
  return true;
}

bool HashValue::Delete(std::string_view field) {
  if (IsListpack()) {
    uint8_t* lp = listpack();
    uint8_t* p = FindField(lp, field);
    if (p == nullptr) return false;
    rep_ = reinterpret_cast<uintptr_t>(lp::DeleteRangeWithEntry(lp, &p, 2));
    return true;
  }
  void* block = table()->Erase(field, FieldTable::Hash(field));
  if (block == nullptr) return false;
  FieldBlock::Free(static_cast<uint8_t*>(block));
  return true;
}

void HashValue::ConvertToTable() {
  if (!IsListpack()) return;
  uint8_t* lp = listpack();
  auto* t = new FieldTable();
  ForEach([&](std::string_view f, std::string_view v) {
    t->Insert(FieldBlock::New(f, v), FieldTable::Hash(f));
  });
  lp::Free(lp);
  rep_ = reinterpret_cast<uintptr_t>(t) | kTableTag;
}

// ---- HRANDFIELD --------------------------------------------------------------------------

namespace {

PickedField FromBlock(const void* block) {
  PickedField p;
  p.field.sval = FieldBlock::Field(block);
  p.value.sval = FieldBlock::Value(block);
  return p;
}

PickedField FromListpack(uint8_t* lp, uint8_t* p) {
  return PickedField{lp::Get(p), lp::Get(lp::Next(lp, p))};
}

// The field positions of a listpack hash, for O(1) random access.
std::vector<uint8_t*> FieldPositions(uint8_t* lp) {
  std::vector<uint8_t*> out;
  for (uint8_t* p = lp::First(lp); p != nullptr; p = lp::Next(lp, lp::Next(lp, p))) {
    out.push_back(p);
  }
  return out;
}

}  // namespace

PickedField RandomField(const HashValue& h, const RandomSource& rnd) {
  if (h.IsListpack()) {
    uint8_t* lp = h.listpack();
    uint8_t* p = lp::Seek(lp, static_cast<int64_t>(rnd() % h.Length()) * 2);
    return FromListpack(lp, p);
  }
  return FromBlock(h.table()->Random(rnd()).get());
}

void RandomFields(const HashValue& h, int64_t count, const RandomSource& rnd,
                  const std::function<void(const PickedField&)>& emit) {
  size_t size = h.Length();
  // Case 1: negative count (repeats allowed), or a single pick.
  if (count < 0 || count == 1) {
    uint64_t n = count < 0 ? static_cast<uint64_t>(-count) : 1;
    if (h.IsListpack()) {
      uint8_t* lp = h.listpack();
      std::vector<uint8_t*> pos = FieldPositions(lp);
      for (uint64_t i = 0; i < n; i++) emit(FromListpack(lp, pos[rnd() % pos.size()]));
    } else {
      for (uint64_t i = 0; i < n; i++) emit(FromBlock(h.table()->Random(rnd()).get()));
    }
    return;
  }
  // Case 2: at least as many as there are: the whole hash.
  if (static_cast<uint64_t>(count) >= size) {
    if (h.IsListpack()) {
      uint8_t* lp = h.listpack();
      for (uint8_t* p = lp::First(lp); p != nullptr; p = lp::Next(lp, lp::Next(lp, p))) {
        emit(FromListpack(lp, p));
      }
    } else {
      h.table()->ForEach([&](FieldTable::SlotRef s) { emit(FromBlock(s.get())); });
    }
    return;
  }
  auto want = static_cast<size_t>(count);
  if (h.IsListpack()) {
    // Distinct picks in listpack order (selection sampling, as lpRandomPairsUnique).
    uint8_t* lp = h.listpack();
    size_t left = want;
    size_t i = 0;
    for (uint8_t* p = lp::First(lp); p != nullptr && left > 0;
         p = lp::Next(lp, lp::Next(lp, p)), i++) {
      if (rnd() % (size - i) < left) {
        emit(FromListpack(lp, p));
        left--;
      }
    }
    return;
  }
  FieldTable* t = h.table();
  if (want * 3 > size) {
    // Case 3: most of the hash: pick `want` of all fields by a partial shuffle.
    std::vector<void*> all;
    all.reserve(size);
    t->ForEach([&](FieldTable::SlotRef s) { all.push_back(s.get()); });
    for (size_t k = 0; k < want; k++) {
      size_t j = k + rnd() % (all.size() - k);
      std::swap(all[k], all[j]);
      emit(FromBlock(all[k]));
    }
    return;
  }
  // Case 4: a few of many: random picks, skipping repeats.
  std::vector<void*> seen;
  seen.reserve(want);
  while (seen.size() < want) {
    void* b = t->Random(rnd()).get();
    bool dup = false;
    for (void* s : seen) dup = dup || s == b;
    if (dup) continue;
    seen.push_back(b);
    emit(FromBlock(b));
  }
}

// ---- lookups and counters ----------------------------------------------------------------

Result<HashValue*> FindForRead(Db& db, std::string_view key) {
  Result<Entry*> e = FindTypedForRead(db, key, ValueType::kHash);
  if (!e.ok()) return e.status();
  return *e ? ValueOf<HashValue>(*e) : nullptr;
}

Result<HashValue*> FindForWrite(Db& db, std::string_view key) {
  Result<Entry*> e = FindTypedForWrite(db, key, ValueType::kHash);
  if (!e.ok()) return e.status();
  return *e ? ValueOf<HashValue>(*e) : nullptr;
}

Result<HashValue*> FindOrCreate(Db& db, std::string_view key) {
  uint64_t hash = KeyTable::Hash(key);
  KeyTable::SlotRef slot = db.Find(key, hash);
  if (slot) {
    auto* e = static_cast<Entry*>(slot.get());
    if (e->type() != ValueType::kHash) return OpStatus::kWrongType;
    return ValueOf<HashValue>(e);
  }
  auto* h = new HashValue();
  db.Add(Entry::NewObject(key, ValueType::kHash, h, Entry::kNoExpire), hash);
  return h;
}

Result<int64_t> IncrBy(HashValue& h, std::string_view field, int64_t delta, const Limits& limits) {
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

OpStatus IncrByFloat(HashValue& h, std::string_view field, long double incr, const Limits& limits,
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
