#include "types/set_value.h"

#include <cstdlib>
#include <cstring>
#include <utility>

namespace duet {

namespace set_member {

void* New(std::string_view s) {
  size_t len = s.size();
  auto* p = static_cast<uint8_t*>(malloc(AllocSize(len)));
  if (!p) abort();
  size_t off = 1;
  if (len < 0x80) {
    p[0] = static_cast<uint8_t>(len);
  } else {
    p[0] = static_cast<uint8_t>(0x80 | (len >> 24));
    p[1] = static_cast<uint8_t>(len >> 16);
    p[2] = static_cast<uint8_t>(len >> 8);
    p[3] = static_cast<uint8_t>(len);
    off = 4;
  }
  if (len) memcpy(p + off, s.data(), len);
  return p;
}

void Free(void* m) { free(m); }

}  // namespace set_member

SetValue* SetValue::Create(std::string_view first) {
  auto* s = new SetValue();
  if (ParseInt64(first)) {
    s->intset_ = new Intset();
  } else {
    s->table_ = new Table();
  }
  return s;
}

SetValue* SetValue::CreateIntset() {
  auto* s = new SetValue();
  s->intset_ = new Intset();
  return s;
}

SetValue* SetValue::CreateHashtable() {
  auto* s = new SetValue();
  s->table_ = new Table();
  return s;
}

void SetValue::SwapContents(SetValue& other) {
  std::swap(intset_, other.intset_);
  std::swap(table_, other.table_);
  std::swap(member_bytes_, other.member_bytes_);
}

SetValue::~SetValue() {
  if (table_) {
    table_->ForEach([](Table::SlotRef s) { set_member::Free(s.get()); });
    delete table_;
  }
  delete intset_;
}

void SetValue::InsertNew(std::string_view member, uint64_t hash) {
  table_->Insert(set_member::New(member), hash);
  member_bytes_ += set_member::AllocSize(member.size());
}

void SetValue::ConvertToHashtable() {
  if (table_) return;
  table_ = new Table();
  char buf[kIntBufSize];
  for (size_t i = 0, n = intset_->size(); i < n; i++) {
    std::string_view m(buf, FormatInt64(intset_->Get(i), buf));
    InsertNew(m, Table::Hash(m));
  }
  delete intset_;
  intset_ = nullptr;
}

bool SetValue::Add(std::string_view member, size_t max_intset_entries) {
  if (!table_) {
    if (std::optional<int64_t> v = ParseInt64(member)) {
      if (!intset_->Add(*v)) return false;
      if (intset_->size() > max_intset_entries) ConvertToHashtable();
      return true;
    }
    ConvertToHashtable();
  }
  uint64_t hash = Table::Hash(member);
  if (table_->Find(member, hash)) return false;
  InsertNew(member, hash);
  return true;
}

bool SetValue::Remove(std::string_view member) {
  if (!table_) {
    std::optional<int64_t> v = ParseInt64(member);
    return v && intset_->Remove(*v);
  }
  void* m = table_->Erase(member, Table::Hash(member));
  if (!m) return false;
  member_bytes_ -= set_member::AllocSize(member.size());
  set_member::Free(m);
  return true;
}

bool SetValue::Contains(std::string_view member) const {
  if (!table_) {
    std::optional<int64_t> v = ParseInt64(member);
    return v && intset_->Contains(*v);
  }
  return static_cast<bool>(table_->Find(member));
}

std::string_view SetValue::Random(uint64_t rnd, char* buf) const {
  if (table_) return set_member::View(table_->Random(rnd).get());
  return {buf, FormatInt64(intset_->Get(rnd % intset_->size()), buf)};
}

std::string SetValue::PopRandom(uint64_t rnd) {
  if (!table_) {
    size_t i = rnd % intset_->size();
    std::string out = Int64ToString(intset_->Get(i));
    intset_->RemoveAt(i);
    return out;
  }
  std::string out(set_member::View(table_->Random(rnd).get()));
  Remove(out);
  return out;
}

size_t SetValue::MemoryUsage() const {
  size_t n = sizeof(SetValue);
  if (table_) return n + sizeof(Table) + table_->bytes_used() + member_bytes_;
  return n + sizeof(Intset) + intset_->bytes();
}

CompositeValue* SetValue::Clone() const {
  auto* s = new SetValue();
  if (!table_) {
    s->intset_ = new Intset(*intset_);
    return s;
  }
  s->table_ = new Table();
  table_->ForEach([&](Table::SlotRef slot) {
    std::string_view m = set_member::View(slot.get());
    s->InsertNew(m, Table::Hash(m));
  });
  return s;
}

std::string_view SetValue::EncodingName() const { return table_ ? "hashtable" : "intset"; }

}  // namespace duet
