#include "keyspace/entry.h"

#include <malloc.h>

#include <cstdlib>
#include <cstring>

#include "common/strutil.h"

namespace duet {

namespace {
constexpr size_t kEmbstrMax = 44;  // OBJ_ENCODING_EMBSTR_SIZE_LIMIT

template <typename T>
T LoadU(const uint8_t* p) {
  T v;
  memcpy(&v, p, sizeof(T));
  return v;
}
template <typename T>
void StoreU(uint8_t* p, T v) {
  memcpy(p, &v, sizeof(T));
}
}  // namespace

std::string_view TypeName(ValueType type) {
  static constexpr std::string_view kNames[] = {"string", "list", "set", "zset", "hash", "stream"};
  return kNames[static_cast<size_t>(type)];
}

std::string_view EncodingName(const Entry& e) {
  if (e.is_packed()) return e.packed_big() ? "hashtable" : "listpack";  // only hashes are big
  if (e.type() != ValueType::kString) return e.object()->EncodingName();
  static constexpr std::string_view kNames[] = {"embstr", "raw", "int"};  // StringEncoding
  return kNames[static_cast<size_t>(e.encoding())];
}

bool LooksLikeInteger(std::string_view value) {
  return value.size() <= 20 && ParseInt64(value).has_value();
}

namespace {
// Redis's tryObjectEncoding for a value given to SET.
StringEncoding DerivedEncoding(std::string_view value) {
  return LooksLikeInteger(value)      ? StringEncoding::kInt
         : value.size() <= kEmbstrMax ? StringEncoding::kEmbstr
                                      : StringEncoding::kRaw;
}
}  // namespace

size_t Entry::KeyLen() const { return (flags() & kWide) ? LoadU<uint32_t>(bytes_ + 1) : bytes_[1]; }

size_t Entry::ValLen() const {
  return (flags() & kWide) ? LoadU<uint32_t>(bytes_ + 5) : LoadU<uint16_t>(bytes_ + 2);
}

int64_t Entry::expire_ms() const {
  return has_expire() ? LoadU<int64_t>(bytes_ + HeaderSize()) : kNoExpire;
}

void Entry::set_expire_ms(int64_t ms) { StoreU<int64_t>(bytes_ + HeaderSize(), ms); }

std::string_view Entry::key() const {
  return {reinterpret_cast<const char*>(bytes_) + KeyOffset(), KeyLen()};
}

std::string_view Entry::str() const {
  return {reinterpret_cast<const char*>(bytes_) + KeyOffset() + KeyLen(), ValLen()};
}

char* Entry::mutable_str() { return reinterpret_cast<char*>(bytes_) + KeyOffset() + KeyLen(); }

size_t Entry::StrCapacity() const {
  size_t fixed = KeyOffset() + KeyLen();
  size_t cap = malloc_usable_size(const_cast<uint8_t*>(bytes_)) - fixed;
  // A compact header can only describe lengths up to 65535.
  if (!(flags() & kWide) && cap > UINT16_MAX) cap = UINT16_MAX;
  return cap;
}

void Entry::set_str_len(size_t new_len) {
  if (flags() & kWide) {
    StoreU<uint32_t>(bytes_ + 5, static_cast<uint32_t>(new_len));
  } else {
    StoreU<uint16_t>(bytes_ + 2, static_cast<uint16_t>(new_len));
  }
}

CompositeValue* Entry::object() const {
  return LoadU<CompositeValue*>(bytes_ + KeyOffset() + KeyLen());
}

size_t Entry::MemoryUsage() const {
  size_t n = malloc_usable_size(const_cast<uint8_t*>(bytes_));
  if (type() != ValueType::kString && !is_packed()) n += object()->MemoryUsage();
  return n;
}

Entry* Entry::Allocate(std::string_view key, size_t val_len, size_t capacity, ValueType type,
                       int64_t expire_ms) {
  bool wide = key.size() > UINT8_MAX || capacity > UINT16_MAX;
  size_t header = wide ? 9 : 4;
  bool expires = expire_ms != kNoExpire;
  size_t size = header + (expires ? 8 : 0) + key.size() + capacity;
  auto* e = static_cast<Entry*>(malloc(size));
  if (!e) abort();
  uint8_t* b = e->bytes_;
  b[0] = static_cast<uint8_t>(static_cast<uint8_t>(type) | (expires ? kHasExpire : 0) |
                              (wide ? kWide : 0));
  if (wide) {
    StoreU<uint32_t>(b + 1, static_cast<uint32_t>(key.size()));
    StoreU<uint32_t>(b + 5, static_cast<uint32_t>(val_len));
  } else {
    b[1] = static_cast<uint8_t>(key.size());
    StoreU<uint16_t>(b + 2, static_cast<uint16_t>(val_len));
  }
  if (expires) StoreU<int64_t>(b + header, expire_ms);
  memcpy(b + header + (expires ? 8 : 0), key.data(), key.size());
  return e;
}

Entry* Entry::NewString(std::string_view key, std::string_view value, int64_t expire_ms, bool raw) {
  Entry* e = Allocate(key, value.size(), value.size(), ValueType::kString, expire_ms);
  if (!value.empty()) memcpy(e->mutable_str(), value.data(), value.size());
  e->set_encoding(raw ? StringEncoding::kRaw : DerivedEncoding(value));
  return e;
}

void Entry::AssignString(std::string_view value) {
  if (!value.empty()) memcpy(mutable_str(), value.data(), value.size());
  set_str_len(value.size());
  set_encoding(DerivedEncoding(value));
}

Entry* Entry::NewStringWithCapacity(std::string_view key, std::string_view value, size_t capacity,
                                    int64_t expire_ms) {
  Entry* e = Allocate(key, value.size(), capacity, ValueType::kString, expire_ms);
  if (!value.empty()) memcpy(e->mutable_str(), value.data(), value.size());
  e->set_encoding(StringEncoding::kRaw);
  return e;
}

Entry* Entry::NewObject(std::string_view key, ValueType type, CompositeValue* value,
                        int64_t expire_ms) {
  Entry* e = Allocate(key, sizeof(value), sizeof(value), type, expire_ms);
  StoreU<CompositeValue*>(e->bytes_ + e->KeyOffset() + key.size(), value);
  return e;
}

Entry* Entry::NewPacked(std::string_view key, ValueType type, std::string_view bytes,
                        int64_t expire_ms, bool big) {
  Entry* e = Allocate(key, bytes.size(), bytes.size(), type, expire_ms);
  e->bytes_[0] |= kPacked | (big ? kPackedBig : 0);
  if (!bytes.empty()) memcpy(e->mutable_str(), bytes.data(), bytes.size());
  return e;
}

Entry* Entry::WithExpire(Entry* e, int64_t expire_ms) {
  bool want = expire_ms != kNoExpire;
  if (want == e->has_expire()) {
    if (want) e->set_expire_ms(expire_ms);
    return e;
  }
  Entry* n;
  if (e->is_packed()) {
    n = NewPacked(e->key(), e->type(), e->packed(), expire_ms, e->packed_big());
  } else if (e->type() == ValueType::kString) {
    n = Allocate(e->key(), e->ValLen(), e->ValLen(), ValueType::kString, expire_ms);
    memcpy(n->mutable_str(), e->str().data(), e->ValLen());
    n->set_encoding(e->encoding());
  } else {
    n = NewObject(e->key(), e->type(), e->object(), expire_ms);
  }
  free(e);  // the CompositeValue moved to n
  return n;
}

Entry* Entry::Clone(const Entry* e, std::string_view key, int64_t expire_ms) {
  if (e->is_packed()) return NewPacked(key, e->type(), e->packed(), expire_ms, e->packed_big());
  if (e->type() != ValueType::kString) {
    return NewObject(key, e->type(), e->object()->Clone(), expire_ms);
  }
  // Redis's dupStringObject keeps the encoding (int / embstr / raw).
  Entry* n = Allocate(key, e->ValLen(), e->ValLen(), ValueType::kString, expire_ms);
  if (e->ValLen() > 0) memcpy(n->mutable_str(), e->str().data(), e->ValLen());
  n->set_encoding(e->encoding());
  return n;
}

Entry* Entry::WithKey(Entry* e, std::string_view key) {
  Entry* n;
  if (e->type() == ValueType::kString || e->is_packed()) {
    n = Clone(e, key, e->expire_ms());
  } else {
    n = NewObject(key, e->type(), e->object(), e->expire_ms());
  }
  free(e);  // a CompositeValue moved to n
  return n;
}

void Entry::Free(Entry* e) {
  if (!e) return;
  if (e->type() != ValueType::kString && !e->is_packed()) delete e->object();
  free(e);
}

}  // namespace duet
