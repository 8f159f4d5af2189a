// HRANDFIELD's selection rules (Redis 7.0's hrandfieldWithCountCommand cases).
#include <unordered_set>
#include <vector>

#include "types/hash_type.h"

namespace duet::hashes {

namespace {

PickedField FromBlock(const void* block) {
  PickedField p;
  p.field.sval = FieldBlock::Field(block);
  p.value.sval = FieldBlock::Value(block);
  return p;
}

// The pair whose field is at offset `off` of packed pairs; *next receives the offset after it.
// A split value is joined in h's scratch space (valid until the next pick).
PickedField FromPacked(const HashView& h, size_t off, size_t* next) {
  PickedField f;
  f.field = pairs::Get(h.packed(), off, &off);
  f.value = h.PackedElement(off, next);
  return f;
}

// The field offsets of a packed hash, for O(1) random access.
std::vector<size_t> FieldPositions(std::string_view p) {
  std::vector<size_t> out;
  for (size_t off = pairs::kFirst; off < p.size(); off = pairs::Skip(p, pairs::Skip(p, off))) {
    out.push_back(off);
  }
  return out;
}

}  // namespace

PickedField RandomField(const HashView& h, const RandomSource& rnd) {
  if (h.IsPacked()) {
    std::string_view p = h.packed();
    size_t next;
    return FromPacked(h, pairs::NthField(p, rnd() % h.Length()), &next);
  }
  return FromBlock(h.value()->table().Random(rnd()).get());
}

void RandomFields(const HashView& h, int64_t count, const RandomSource& rnd,
                  const std::function<void(const PickedField&)>& emit) {
  size_t size = h.Length();
  // Case 1: negative count (repeats allowed), or a single pick.
  if (count < 0 || count == 1) {
    uint64_t n = count < 0 ? static_cast<uint64_t>(-count) : 1;
    if (h.IsPacked()) {
      std::string_view p = h.packed();
      std::vector<size_t> pos = FieldPositions(p);
      size_t next;
      for (uint64_t i = 0; i < n; i++) emit(FromPacked(h, pos[rnd() % pos.size()], &next));
    } else {
      for (uint64_t i = 0; i < n; i++) emit(FromBlock(h.value()->table().Random(rnd()).get()));
    }
    return;
  }
  // Case 2: at least as many as there are: the whole hash.
  if (static_cast<uint64_t>(count) >= size) {
    if (h.IsPacked()) {
      std::string_view p = h.packed();
      for (size_t off = pairs::kFirst; off < p.size();) emit(FromPacked(h, off, &off));
    } else {
      h.value()->table().ForEach([&](FieldTable::SlotRef s) { emit(FromBlock(s.get())); });
    }
    return;
  }
  auto want = static_cast<size_t>(count);
  if (h.IsPacked()) {
    // Distinct picks in listpack order (selection sampling, as lpRandomPairsUnique).
    std::string_view p = h.packed();
    size_t left = want;
    size_t i = 0;
    for (size_t off = pairs::kFirst; off < p.size() && left > 0; i++) {
      PickedField f = FromPacked(h, off, &off);
      if (rnd() % (size - i) < left) {
        emit(f);
        left--;
      }
    }
    return;
  }
  FieldTable& t = h.value()->table();
  if (want * 3 > size) {
    // Case 3: most of the hash: pick `want` of all fields by a partial shuffle.
    std::vector<void*> all;
    all.reserve(size);
    t.ForEach([&](FieldTable::SlotRef s) { all.push_back(s.get()); });
    for (size_t k = 0; k < want; k++) {
      size_t j = k + rnd() % (all.size() - k);
      std::swap(all[k], all[j]);
      emit(FromBlock(all[k]));
    }
    return;
  }
  // Case 4: a few of many: random picks, skipping repeats.
  std::unordered_set<void*> seen;
  while (seen.size() < want) {
    void* b = t.Random(rnd()).get();
    if (seen.insert(b).second) emit(FromBlock(b));
  }
}

}  // namespace duet::hashes
