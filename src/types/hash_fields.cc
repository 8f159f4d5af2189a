#include "types/hash_fields.h"

#include <malloc.h>

#include <cstdlib>
#include <cstring>

namespace duet::hashes {

namespace {

size_t VarintSize(size_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    n++;
  }
  return n;
}

uint8_t* PutVarint(uint8_t* p, size_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<uint8_t>(v);
  return p;
}

const uint8_t* GetVarint(const uint8_t* p, size_t* v) {
  size_t r = 0;
  int shift = 0;
  while (*p & 0x80) {
    r |= size_t{*p++ & 0x7fu} << shift;
    shift += 7;
  }
  *v = r | (size_t{*p++} << shift);
  return p;
}

struct Layout {
  size_t field_len;
  size_t value_len;
  const uint8_t* data;  // field bytes, then value bytes
};

Layout Decode(const void* block) {
  Layout l;
  const uint8_t* p = static_cast<const uint8_t*>(block);
  // Fast path: both lengths below 128.
  if (!((p[0] | p[1]) & 0x80)) {
    l.field_len = p[0];
    l.value_len = p[1];
    l.data = p + 2;
    return l;
  }
  p = GetVarint(p, &l.field_len);
  p = GetVarint(p, &l.value_len);
  l.data = p;
  return l;
}

size_t BlockSize(size_t field_len, size_t value_len) {
  return VarintSize(field_len) + VarintSize(value_len) + field_len + value_len;
}

void Fill(uint8_t* p, std::string_view field, std::string_view value) {
  p = PutVarint(p, field.size());
  p = PutVarint(p, value.size());
  if (!field.empty()) memcpy(p, field.data(), field.size());
  if (!value.empty()) memcpy(p + field.size(), value.data(), value.size());
}

}  // namespace

uint8_t* FieldBlock::New(std::string_view field, std::string_view value) {
  auto* p = static_cast<uint8_t*>(malloc(BlockSize(field.size(), value.size())));
  if (p == nullptr) abort();
  Fill(p, field, value);
  return p;
}

void FieldBlock::Free(uint8_t* block) { free(block); }

std::string_view FieldBlock::SlowField(const void* block) {
  Layout l = Decode(block);
  return {reinterpret_cast<const char*>(l.data), l.field_len};
}

std::string_view FieldBlock::SlowValue(const void* block) {
  Layout l = Decode(block);
  return {reinterpret_cast<const char*>(l.data) + l.field_len, l.value_len};
}

uint8_t* FieldBlock::WithValue(uint8_t* block, std::string_view value) {
  Layout l = Decode(block);
  size_t need = BlockSize(l.field_len, value.size());
  if (VarintSize(value.size()) == VarintSize(l.value_len) && need <= malloc_usable_size(block)) {
    // Same header size: only the value length and bytes change.
    uint8_t* p = PutVarint(block, l.field_len);
    p = PutVarint(p, value.size());
    if (!value.empty()) memmove(p + l.field_len, value.data(), value.size());
    return block;
  }
  std::string_view field(reinterpret_cast<const char*>(l.data), l.field_len);
  uint8_t* fresh = New(field, value);
  free(block);
  return fresh;
}

size_t FieldBlock::AllocSize(const void* block) {
  return malloc_usable_size(const_cast<void*>(block));
}

}  // namespace duet::hashes
