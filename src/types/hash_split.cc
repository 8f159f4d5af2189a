#include "types/hash_split.h"

#include <malloc.h>

#include <bit>
#include <cstdlib>
#include <cstring>
#include <new>

#include "types/packed_pairs.h"

namespace duet::hashes {

namespace {

// Values shorter than this are never split (the saving is a few bytes at most).
constexpr size_t kMinSplitValue = 256;
// Splitting must save at least this much against one block (it costs a malloc per write).
constexpr size_t kMinSaving = 64;

// The largest size class not above n (n >= 128).
size_t ClassAtMost(size_t n) {
  size_t step = size_t{1} << (std::bit_width(n) - 3);
  return n & ~(step - 1);
}

}  // namespace

size_t SizeClass(size_t n) {
  if (n <= 8) return 8;
  if (n <= 128) return (n + 15) & ~size_t{15};
  size_t step = size_t{1} << (std::bit_width(n - 1) - 3);
  return (n + step - 1) & ~(step - 1);
}

SplitHashValue* SplitHashValue::Make(std::string_view pairs, std::string_view head) {
  void* mem = malloc(sizeof(SplitHashValue) + pairs.size());
  char* h = static_cast<char*>(malloc(head.size()));
  if (mem == nullptr || h == nullptr) abort();
  memcpy(h, head.data(), head.size());
  auto* v = new (mem)
      SplitHashValue(h, static_cast<uint32_t>(head.size()), static_cast<uint32_t>(pairs.size()));
  memcpy(const_cast<char*>(v->Bytes()), pairs.data(), pairs.size());
  return v;
}

SplitHashValue* SplitHashValue::TrySplit(std::string_view pairs, size_t entry_fixed) {
  size_t best_off = pairs::kNone, best_len = 0;
  size_t off = pairs::kFirst;
  while (off < pairs.size()) {
    off = pairs::Skip(pairs, off);  // the field
    size_t next;
    lp::Value v = pairs::Get(pairs, off, &next);
    if (!v.is_int && v.sval.size() > best_len) {
      best_len = v.sval.size();
      best_off = off;
    }
    off = next;
  }
  if (best_len < kMinSplitValue) return nullptr;
  size_t head_len = ClassAtMost(best_len);
  std::string split = pairs::WithSplitValue(pairs, best_off, head_len);
  size_t one_block = SizeClass(entry_fixed + pairs.size());
  size_t two_blocks = SizeClass(entry_fixed + sizeof(void*)) + head_len +
                      SizeClass(sizeof(SplitHashValue) + split.size());
  if (two_blocks + kMinSaving > one_block) return nullptr;
  size_t next;
  std::string_view value = pairs::Get(pairs, best_off, &next).sval;
  return Make(split, value.substr(0, head_len));
}

SplitHashValue::~SplitHashValue() { free(head_); }

void SplitHashValue::operator delete(void* p) { free(p); }

size_t SplitHashValue::MemoryUsage() const {
  return malloc_usable_size(const_cast<SplitHashValue*>(this)) + malloc_usable_size(head_);
}

CompositeValue* SplitHashValue::Clone() const { return Make(pairs(), head()); }

std::string SplitHashValue::Join() const {
  std::string out;
  out.reserve(pairs_len_ + head_len_);
  std::string_view p = pairs();
  size_t off = pairs::kFirst;
  size_t start = 0;
  while (off < p.size()) {
    off = pairs::Skip(p, off);
    if (pairs::IsSplit(p, off)) {
      size_t next;
      std::string_view tail = pairs::Get(p, off, &next).sval;
      std::string whole(head());
      whole.append(tail);
      out.append(p.substr(start, off - start));
      out.append(pairs::EncodeElement(whole));
      start = next;
      off = next;
      continue;
    }
    off = pairs::Skip(p, off);
  }
  out.append(p.substr(start));
  return out;
}

std::string_view ValueAt(std::string_view pairs, std::string_view head, size_t off, size_t* next,
                         char* num, std::string* scratch) {
  bool split = pairs::IsSplit(pairs, off);
  lp::Value v = pairs::Get(pairs, off, next);
  if (!split) return v.View(num);
  scratch->assign(head);
  scratch->append(v.sval);
  return *scratch;
}

}  // namespace duet::hashes
