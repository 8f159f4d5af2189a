#include "types/intset.h"

#include <cstdlib>
#include <cstring>

namespace duet {

namespace {

// The host is little-endian (x86-64/arm64 Linux), which is Redis's on-disk order, so
// elements are read and written with memcpy.
uint32_t LoadU32(const uint8_t* p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}
void StoreU32(uint8_t* p, uint32_t v) { memcpy(p, &v, 4); }

uint32_t WidthFor(int64_t v) {
  if (v < INT32_MIN || v > INT32_MAX) return 8;
  if (v < INT16_MIN || v > INT16_MAX) return 4;
  return 2;
}

int64_t LoadAt(const uint8_t* elems, size_t i, uint32_t width) {
  if (width == 2) {
    int16_t v;
    memcpy(&v, elems + i * 2, 2);
    return v;
  }
  if (width == 4) {
    int32_t v;
    memcpy(&v, elems + i * 4, 4);
    return v;
  }
  int64_t v;
  memcpy(&v, elems + i * 8, 8);
  return v;
}

void StoreAt(uint8_t* elems, size_t i, uint32_t width, int64_t v) {
  if (width == 2) {
    int16_t x = static_cast<int16_t>(v);
    memcpy(elems + i * 2, &x, 2);
  } else if (width == 4) {
    int32_t x = static_cast<int32_t>(v);
    memcpy(elems + i * 4, &x, 4);
  } else {
    memcpy(elems + i * 8, &v, 8);
  }
}

uint8_t* Alloc(size_t bytes) {
  auto* p = static_cast<uint8_t*>(malloc(bytes));
  if (!p) abort();
  return p;
}

}  // namespace

Intset::Intset() : buf_(Alloc(kHeaderSize)) {
  StoreU32(buf_, 2);
  StoreU32(buf_ + 4, 0);
}

Intset::~Intset() { free(buf_); }

Intset::Intset(const Intset& o) : buf_(Alloc(o.bytes())) { memcpy(buf_, o.buf_, o.bytes()); }

size_t Intset::size() const { return LoadU32(buf_ + 4); }
uint32_t Intset::width() const { return LoadU32(buf_); }

int64_t Intset::Get(size_t i) const { return LoadAt(buf_ + kHeaderSize, i, width()); }
void Intset::Set(size_t i, int64_t v) { StoreAt(buf_ + kHeaderSize, i, width(), v); }
void Intset::SetLength(size_t n) { StoreU32(buf_ + 4, static_cast<uint32_t>(n)); }

void Intset::Resize(size_t n) {
  auto* p = static_cast<uint8_t*>(realloc(buf_, kHeaderSize + n * width()));
  if (!p) abort();
  buf_ = p;
}

bool Intset::Search(int64_t v, size_t* pos) const {
  size_t n = size();
  if (n == 0) {
    *pos = 0;
    return false;
  }
  // Values outside the current range need no search (and appends stay O(1)).
  if (v > Get(n - 1)) {
    *pos = n;
    return false;
  }
  if (v < Get(0)) {
    *pos = 0;
    return false;
  }
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int64_t cur = Get(mid);
    if (cur == v) {
      *pos = mid;
      return true;
    }
    if (cur < v) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  *pos = lo;
  return false;
}

bool Intset::Contains(int64_t v) const {
  if (WidthFor(v) > width()) return false;  // cannot be stored at this width
  size_t pos;
  return Search(v, &pos);
}

void Intset::Upgrade(uint32_t new_width) {
  uint32_t old_width = width();
  size_t n = size();
  auto* p = static_cast<uint8_t*>(realloc(buf_, kHeaderSize + n * new_width));
  if (!p) abort();
  buf_ = p;
  StoreU32(buf_, new_width);
  // Back to front, so no element is overwritten before it is read.
  for (size_t i = n; i-- > 0;) {
    StoreAt(buf_ + kHeaderSize, i, new_width, LoadAt(buf_ + kHeaderSize, i, old_width));
  }
}

bool Intset::Add(int64_t v) {
  size_t n = size();
  if (WidthFor(v) > width()) {
    // A value that needs a wider width is smaller or larger than every element.
    Upgrade(WidthFor(v));
    Resize(n + 1);
    uint8_t* elems = buf_ + kHeaderSize;
    if (v < 0) {
      memmove(elems + width(), elems, n * width());
      Set(0, v);
    } else {
      Set(n, v);
    }
    SetLength(n + 1);
    return true;
  }
  size_t pos;
  if (Search(v, &pos)) return false;
  Resize(n + 1);
  uint8_t* elems = buf_ + kHeaderSize;
  memmove(elems + (pos + 1) * width(), elems + pos * width(), (n - pos) * width());
  Set(pos, v);
  SetLength(n + 1);
  return true;
}

void Intset::RemoveAt(size_t i) {
  size_t n = size();
  uint8_t* elems = buf_ + kHeaderSize;
  memmove(elems + i * width(), elems + (i + 1) * width(), (n - i - 1) * width());
  SetLength(n - 1);
  Resize(n - 1);
}

bool Intset::Remove(int64_t v) {
  if (WidthFor(v) > width()) return false;
  size_t pos;
  if (!Search(v, &pos)) return false;
  RemoveAt(pos);
  return true;
}

}  // namespace duet
