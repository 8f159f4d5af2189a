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

PickedField RandomField(const HashView& h, const RandomSource& rnd) {
  if (h.IsListpack()) {
    uint8_t* lp = h.listpack();
    uint8_t* p = lp::Seek(lp, static_cast<int64_t>(rnd() % h.Length()) * 2);
    return FromListpack(lp, p);
  }
  return FromBlock(h.value()->table().Random(rnd()).get());
}

void RandomFields(const HashView& h, int64_t count, const RandomSource& rnd,
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
      for (uint64_t i = 0; i < n; i++) emit(FromBlock(h.value()->table().Random(rnd()).get()));
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
      h.value()->table().ForEach([&](FieldTable::SlotRef s) { emit(FromBlock(s.get())); });
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
