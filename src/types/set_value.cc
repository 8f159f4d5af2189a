#include "types/set_value.h"

#include <algorithm>
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

SetValue::Small* SetValue::NewSmall(uint32_t cap) {
  auto* sm = static_cast<Small*>(malloc(sizeof(Small) + cap * sizeof(void*)));
  if (!sm) abort();
  sm->n = 0;
  sm->cap = cap;
  return sm;
}

SetValue* SetValue::Create(std::string_view first) {
  return ParseInt64(first) ? CreateIntset() : CreateHashtable();
}

SetValue* SetValue::CreateIntset() {
  auto* s = new SetValue();
  s->intset_ = new Intset();
  return s;
}

SetValue* SetValue::CreateHashtable() {
  auto* s = new SetValue();
  s->small_ = NewSmall(4);
  return s;
}

void SetValue::SwapContents(SetValue& other) {
  std::swap(intset_, other.intset_);
  std::swap(small_, other.small_);
  std::swap(table_, other.table_);
  std::swap(member_bytes_, other.member_bytes_);
}

SetValue::~SetValue() {
  if (table_) {
    table_->ForEach([](Table::SlotRef s) { set_member::Free(s.get()); });
    delete table_;
  }
  if (small_) {
    for (uint32_t i = 0; i < small_->n; i++) set_member::Free(small_->m[i]);
    free(small_);
  }
  delete intset_;
}

void SetValue::InsertNew(std::string_view member, uint64_t hash) {
  table_->Insert(set_member::New(member), hash);
  member_bytes_ += set_member::AllocSize(member.size());
}

void SetValue::SmallAppend(std::string_view member) {
  if (small_->n == small_->cap) {
    uint32_t cap = std::min<uint32_t>(small_->cap * 2, kSmallMax);
    auto* grown = static_cast<Small*>(realloc(small_, sizeof(Small) + cap * sizeof(void*)));
    if (!grown) abort();
    grown->cap = cap;
    small_ = grown;
  }
  small_->m[small_->n++] = set_member::New(member);
  member_bytes_ += set_member::AllocSize(member.size());
}

int SetValue::SmallFind(std::string_view member) const {
  for (uint32_t i = 0; i < small_->n; i++) {
    if (set_member::View(small_->m[i]) == member) return static_cast<int>(i);
  }
  return -1;
}

void SetValue::SmallRemoveAt(uint32_t i) {
  member_bytes_ -= set_member::AllocSize(set_member::View(small_->m[i]).size());
  set_member::Free(small_->m[i]);
  small_->m[i] = small_->m[--small_->n];
}

void SetValue::SmallToTable() {
  table_ = new Table();
  for (uint32_t i = 0; i < small_->n; i++) {
    void* m = small_->m[i];
    table_->Insert(m, Table::Hash(set_member::View(m)));
  }
  free(small_);
  small_ = nullptr;
}

void SetValue::ConvertToHashtable() {
  if (!intset_) return;
  size_t n = intset_->size();
  if (n < kSmallMax) {
    small_ = NewSmall(static_cast<uint32_t>(std::max<size_t>(n + 1, 4)));
  } else {
    table_ = new Table();
  }
  char buf[kIntBufSize];
  for (size_t i = 0; i < n; i++) {
    std::string_view m(buf, FormatInt64(intset_->Get(i), buf));
    if (small_) {
      SmallAppend(m);
    } else {
      InsertNew(m, Table::Hash(m));
    }
  }
  delete intset_;
  intset_ = nullptr;
}

bool SetValue::Add(std::string_view member, size_t max_intset_entries) {
  if (intset_) {
    if (std::optional<int64_t> v = ParseInt64(member)) {
      if (!intset_->Add(*v)) return false;
      if (intset_->size() > max_intset_entries) ConvertToHashtable();
      return true;
    }
    ConvertToHashtable();
  }
  if (small_) {
    if (SmallFind(member) >= 0) return false;
    if (small_->n < kSmallMax) {
      SmallAppend(member);
      return true;
    }
    SmallToTable();
  }
  uint64_t hash = Table::Hash(member);
  if (table_->Find(member, hash)) return false;
  InsertNew(member, hash);
  return true;
}

bool SetValue::Remove(std::string_view member) {
  if (intset_) {
    std::optional<int64_t> v = ParseInt64(member);
    return v && intset_->Remove(*v);
  }
  if (small_) {
    int i = SmallFind(member);
    if (i < 0) return false;
    SmallRemoveAt(static_cast<uint32_t>(i));
    return true;
  }
  void* m = table_->Erase(member, Table::Hash(member));
  if (!m) return false;
  member_bytes_ -= set_member::AllocSize(member.size());
  set_member::Free(m);
  return true;
}

bool SetValue::Contains(std::string_view member) const {
  if (intset_) {
    std::optional<int64_t> v = ParseInt64(member);
    return v && intset_->Contains(*v);
  }
  if (small_) return SmallFind(member) >= 0;
  return static_cast<bool>(table_->Find(member));
}

std::string_view SetValue::Random(uint64_t rnd, char* buf) const {
  if (table_) return set_member::View(table_->Random(rnd).get());
  if (small_) return set_member::View(small_->m[rnd % small_->n]);
  return {buf, FormatInt64(intset_->Get(rnd % intset_->size()), buf)};
}

std::string SetValue::PopRandom(uint64_t rnd) {
  if (intset_) {
    size_t i = rnd % intset_->size();
    std::string out = Int64ToString(intset_->Get(i));
    intset_->RemoveAt(i);
    return out;
  }
  if (small_) {
    uint32_t i = static_cast<uint32_t>(rnd % small_->n);
    std::string out(set_member::View(small_->m[i]));
    SmallRemoveAt(i);
    return out;
  }
  std::string out(set_member::View(table_->Random(rnd).get()));
  Remove(out);
  return out;
}

size_t SetValue::MemoryUsage() const {
  size_t n = sizeof(SetValue);
  if (table_) return n + sizeof(Table) + table_->bytes_used() + member_bytes_;
  if (small_) return n + sizeof(Small) + small_->cap * sizeof(void*) + member_bytes_;
  return n + sizeof(Intset) + intset_->bytes();
}

CompositeValue* SetValue::Clone() const {
  auto* s = new SetValue();
  if (intset_) {
    s->intset_ = new Intset(*intset_);
    return s;
  }
  if (small_) {
    s->small_ = NewSmall(small_->cap);
    for (uint32_t i = 0; i < small_->n; i++) s->SmallAppend(set_member::View(small_->m[i]));
    return s;
  }
  s->table_ = new Table();
  table_->ForEach([&](Table::SlotRef slot) {
    std::string_view m = set_member::View(slot.get());
    s->InsertNew(m, Table::Hash(m));
  });
  return s;
}

std::string_view SetValue::EncodingName() const { return intset_ ? "intset" : "hashtable"; }

}  // namespace duet
