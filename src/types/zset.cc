#include "types/zset.h"

#include <malloc.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>

#include "types/listpack.h"
#include "types/typed_lookup.h"

namespace duet::zset {

// ---- ZElem ----

ZElem* ZElem::New(std::string_view member, double score) {
  size_t hdr = member.size() < 0xFF ? 1 : 5;
  auto* e = static_cast<ZElem*>(malloc(sizeof(double) + hdr + member.size()));
  if (!e) abort();
  e->score = score;
  auto* p = reinterpret_cast<uint8_t*>(e) + sizeof(double);
  if (hdr == 1) {
    p[0] = static_cast<uint8_t>(member.size());
  } else {
    p[0] = 0xFF;
    uint32_t n = static_cast<uint32_t>(member.size());
    memcpy(p + 1, &n, 4);
  }
  if (!member.empty()) memcpy(p + hdr, member.data(), member.size());
  return e;
}

std::string_view ZElem::member() const {
  const auto* p = reinterpret_cast<const uint8_t*>(this) + sizeof(double);
  if (p[0] != 0xFF) return {reinterpret_cast<const char*>(p + 1), p[0]};
  uint32_t n;
  memcpy(&n, p + 1, 4);
  return {reinterpret_cast<const char*>(p + 5), n};
}

size_t ZElem::AllocSize() const {
  size_t n = member().size();
  return sizeof(double) + (n < 0xFF ? 1 : 5) + n;
}

bool ZElemOrder::Less(const void* a, const void* b) {
  const auto* x = static_cast<const ZElem*>(a);
  const auto* y = static_cast<const ZElem*>(b);
  if (x->score != y->score) return x->score < y->score;
  return x->member() < y->member();
}

// ---- listpack helpers ----

namespace {

double LpScore(const uint8_t* p) {
  lp::Value v = lp::Get(p);
  if (v.is_int) return static_cast<double>(v.ival);
  // zzlStrtod: the stored text is d2string output, always parseable.
  char buf[128];
  size_t n = std::min(v.sval.size(), sizeof(buf) - 1);
  memcpy(buf, v.sval.data(), n);
  buf[n] = '\0';
  return strtod(buf, nullptr);
}

std::string_view LpMember(const uint8_t* p, char* buf) { return lp::Get(p).View(buf); }

// Redis's lpSafeToAdd: a listpack stays under 1 GB.
constexpr size_t kLpSafetySize = 1ull << 30;

}  // namespace

// ---- ZSetValue: representation ----

// The payload follows the vptr.
constexpr size_t kPayloadOffset = sizeof(void*);

static_assert(sizeof(ZSetValue) == kPayloadOffset + 16);

ZSetValue* ZSetValue::Allocate(size_t lp_bytes) {
  size_t payload = std::max<size_t>(lp_bytes, 16);
  void* mem = malloc(kPayloadOffset + payload);
  if (!mem) abort();
  auto* z = new (mem) ZSetValue();
  memset(z->Payload(), 0, 16);
  return z;
}

bool ZSetValue::Inline() const {
  uint32_t total;
  memcpy(&total, Payload(), 4);
  return total != 0;
}

uintptr_t ZSetValue::Rep() const {
  uintptr_t r;
  memcpy(&r, Payload() + 8, sizeof(r));
  return r;
}

void ZSetValue::SetRep(uintptr_t rep) {
  memset(Payload(), 0, 8);
  memcpy(Payload() + 8, &rep, sizeof(rep));
}

size_t ZSetValue::InlineCapacity() const {
  return malloc_usable_size(const_cast<ZSetValue*>(this)) - kPayloadOffset;
}

uint8_t* ZSetValue::lp() const {
  if (Inline()) return Payload();
  return reinterpret_cast<uint8_t*>(Rep());
}

void ZSetValue::SetListpack(uint8_t* heap_lp) {
  size_t bytes = lp::Bytes(heap_lp);
  if (bytes <= InlineCapacity()) {
    memcpy(Payload(), heap_lp, bytes);
    lp::Free(heap_lp);
  } else {
    SetRep(reinterpret_cast<uintptr_t>(heap_lp));
  }
}

void ZSetValue::FreeRep() {
  if (Inline()) return;
  uintptr_t r = Rep();
  if (r & kBigTag) {
    Big* b = big();
    b->tree.ForEach([](void* e) { ZElem::Free(static_cast<ZElem*>(e)); });
    delete b;
  } else if (r) {
    lp::Free(reinterpret_cast<uint8_t*>(r));
  }
  SetRep(0);
}

// ---- ZSetValue ----

ZSetValue* ZSetValue::Create(size_t size_hint, size_t value_len_hint, const Limits& limits) {
  if (size_hint <= limits.max_listpack_entries && value_len_hint <= limits.max_listpack_value) {
    // The smallest object; a set that grows moves its listpack out (Compacted() brings a
    // freshly built one back inline).
    ZSetValue* z = Allocate(0);
    z->SetListpack(lp::New());
    return z;
  }
  ZSetValue* z = Allocate(0);
  z->SetRep(reinterpret_cast<uintptr_t>(new Big()) | kBigTag);
  return z;
}

ZSetValue* ZSetValue::FromSorted(const std::vector<std::pair<std::string, double>>& members,
                                 const Limits& limits) {
  size_t maxlen = 0, total = 0;
  for (const auto& [m, s] : members) {
    maxlen = std::max(maxlen, m.size());
    total += m.size();
  }
  if (members.size() <= limits.max_listpack_entries && maxlen <= limits.max_listpack_value &&
      total <= kLpSafetySize) {
    uint8_t* l = lp::New();
    char sbuf[32];
    for (const auto& [m, s] : members) {
      l = lp::Append(l, m);
      l = lp::Append(l, std::string_view(sbuf, FormatScore(s, sbuf)));
    }
    ZSetValue* z = Allocate(lp::Bytes(l));
    z->SetListpack(l);
    return z;
  }
  ZSetValue* z = Allocate(0);
  Big* b = new Big();
  z->SetRep(reinterpret_cast<uintptr_t>(b) | kBigTag);
  for (const auto& [m, s] : members) z->BigInsert(ZElem::New(m, s));
  return z;
}

ZSetValue::~ZSetValue() { FreeRep(); }

ZSetValue* ZSetValue::Compacted() {
  if (!IsListpack() || Inline()) return this;
  uint8_t* l = lp();
  if (lp::Bytes(l) > 4096) return this;
  ZSetValue* z = Allocate(lp::Bytes(l));
  z->SetListpack(l);
  SetRep(0);
  delete this;
  return z;
}

size_t ZSetValue::Size() const { return IsListpack() ? lp::Length(lp()) / 2 : big()->tree.size(); }

size_t ZSetValue::MemoryUsage() const {
  size_t n = malloc_usable_size(const_cast<ZSetValue*>(this));
  if (IsListpack()) return Inline() ? n : n + lp::Bytes(lp());
  const Big* b = big();
  n += sizeof(Big) + b->tree.bytes_used() + b->dict.bytes_used();
  // Elements: sample the first few for an average, as Redis's MEMORY USAGE samples.
  size_t sampled = 0, bytes = 0;
  for (auto c = b->tree.First(); c.valid() && sampled < 5; c.Next(), sampled++) {
    bytes += static_cast<const ZElem*>(c.get())->AllocSize();
  }
  if (sampled) n += bytes * b->tree.size() / sampled;
  return n;
}

CompositeValue* ZSetValue::Clone() const {
  if (IsListpack()) {
    uint8_t* l = lp();
    ZSetValue* z = Allocate(lp::Bytes(l));
    z->SetListpack(lp::Dup(l));
    return z;
  }
  ZSetValue* z = Allocate(0);
  z->SetRep(reinterpret_cast<uintptr_t>(new Big()) | kBigTag);
  big()->tree.ForEach([&](void* p) {
    const auto* e = static_cast<const ZElem*>(p);
    z->BigInsert(ZElem::New(e->member(), e->score));
  });
  return z;
}

ZElem* ZSetValue::FindElem(std::string_view member) const {
  Table::SlotRef r = big()->dict.Find(member);
  return r ? static_cast<ZElem*>(r.get()) : nullptr;
}

void ZSetValue::BigInsert(ZElem* e) {
  big()->dict.Insert(e, Table::Hash(e->member()));
  big()->tree.Insert(e);
}

void ZSetValue::LpInsert(std::string_view member, double score) {
  char sbuf[32];
  std::string_view stext(sbuf, FormatScore(score, sbuf));
  char mbuf[24];
  uint8_t* l = lp();
  // zzlInsert: before the first element with a greater score, or an equal score and a
  // greater member.
  uint8_t* at = nullptr;
  for (uint8_t* p = lp::First(l); p; p = lp::Next(l, lp::Next(l, p))) {
    double s = LpScore(lp::Next(l, p));
    if (s > score || (s == score && LpMember(p, mbuf) > member)) {
      at = p;
      break;
    }
  }
  MutateLp(
      [&](uint8_t* x, uint8_t* p) {
        if (!p) {
          x = lp::Append(x, member);
          return lp::Append(x, stext);
        }
        uint8_t* np = nullptr;
        x = lp::Insert(x, member, p, lp::Where::kBefore, &np);
        return lp::Insert(x, stext, np, lp::Where::kAfter);
      },
      at);
}

AddResult ZSetValue::Add(double score, std::string_view member, int flags, const Limits& limits,
                         double* new_score) {
  const bool incr = flags & kAddIncr, nx = flags & kAddNx, xx = flags & kAddXx;
  const bool gt = flags & kAddGt, lt = flags & kAddLt;
  if (std::isnan(score)) return AddResult::kNaN;

  // The existing score, if any, and how it changes.
  auto decide = [&](double cur, double* out) -> std::optional<AddResult> {
    if (nx) return AddResult::kNop;
    if (incr) {
      score += cur;
      if (std::isnan(score)) return AddResult::kNaN;
    }
    if ((lt && score >= cur) || (gt && score <= cur)) return AddResult::kNop;
    *out = score;
    return std::nullopt;
  };

  if (IsListpack()) {
    uint8_t* l = lp();
    uint8_t* p = lp::Find(l, lp::First(l), member, 1);
    if (p) {
      double cur = LpScore(lp::Next(l, p));
      double ns;
      if (auto r = decide(cur, &ns)) return *r;
      if (new_score) *new_score = ns;
      if (ns != cur) {
        MutateLp([](uint8_t* x, uint8_t* q) { return lp::DeleteRangeWithEntry(x, &q, 2); }, p);
        LpInsert(member, ns);
        return AddResult::kUpdated;
      }
      return AddResult::kSame;
    }
    if (xx) return AddResult::kNop;
    if (Size() + 1 > limits.max_listpack_entries || member.size() > limits.max_listpack_value ||
        lp::Bytes(l) + member.size() > kLpSafetySize) {
      ConvertToBig();
    } else {
      LpInsert(member, score);
      if (new_score) *new_score = score;
      return AddResult::kAdded;
    }
  }

  ZElem* e = FindElem(member);
  if (e) {
    double ns;
    if (auto r = decide(e->score, &ns)) return *r;
    if (new_score) *new_score = ns;
    if (ns != e->score) {
      big()->tree.Update(e, [&](void* x) { static_cast<ZElem*>(x)->score = ns; });
      return AddResult::kUpdated;
    }
    return AddResult::kSame;
  }
  if (xx) return AddResult::kNop;
  BigInsert(ZElem::New(member, score));
  if (new_score) *new_score = score;
  return AddResult::kAdded;
}

std::optional<double> ZSetValue::Score(std::string_view member) const {
  if (IsListpack()) {
    uint8_t* l = lp();
    uint8_t* p = lp::Find(l, lp::First(l), member, 1);
    if (!p) return std::nullopt;
    return LpScore(lp::Next(l, p));
  }
  ZElem* e = FindElem(member);
  if (!e) return std::nullopt;
  return e->score;
}

bool ZSetValue::Remove(std::string_view member) {
  if (IsListpack()) {
    uint8_t* l = lp();
    uint8_t* p = lp::Find(l, lp::First(l), member, 1);
    if (!p) return false;
    MutateLp([](uint8_t* x, uint8_t* q) { return lp::DeleteRangeWithEntry(x, &q, 2); }, p);
    return true;
  }
  auto* e = static_cast<ZElem*>(big()->dict.Erase(member, Table::Hash(member)));
  if (!e) return false;
  big()->tree.Erase(e);
  ZElem::Free(e);
  return true;
}

std::optional<size_t> ZSetValue::Rank(std::string_view member) const {
  if (IsListpack()) {
    uint8_t* l = lp();
    size_t rank = 0;
    char buf[24];
    for (uint8_t* p = lp::First(l); p; p = lp::Next(l, lp::Next(l, p)), rank++) {
      if (LpMember(p, buf) == member) return rank;
    }
    return std::nullopt;
  }
  ZElem* e = FindElem(member);
  if (!e) return std::nullopt;
  return big()->tree.CountBelow([&](const void* x) { return ZElemOrder::Less(x, e); });
}

size_t ZSetValue::RankOfScore(double s, bool after) const {
  if (IsListpack()) {
    uint8_t* l = lp();
    size_t n = 0;
    for (uint8_t* p = lp::First(l); p; p = lp::Next(l, lp::Next(l, p))) {
      double v = LpScore(lp::Next(l, p));
      if (after ? v > s : v >= s) break;
      n++;
    }
    return n;
  }
  return big()->tree.CountBelow([&](const void* x) {
    double v = static_cast<const ZElem*>(x)->score;
    return after ? v <= s : v < s;
  });
}

size_t ZSetValue::RankOfLex(const LexBound& b, bool upper) const {
  // Members "before" the bound: for a lower bound those failing it, for an upper bound
  // those satisfying it.
  auto before = [&](std::string_view m) {
    switch (b.kind) {
      case LexBound::kMinusInf:
        return false;
      case LexBound::kPlusInf:
        return true;
      default:
        if (upper) return b.exclusive ? m < b.value : m <= b.value;
        return b.exclusive ? m <= b.value : m < b.value;
    }
  };
  if (IsListpack()) {
    uint8_t* l = lp();
    size_t n = 0;
    char buf[24];
    for (uint8_t* p = lp::First(l); p; p = lp::Next(l, lp::Next(l, p))) {
      if (!before(LpMember(p, buf))) break;
      n++;
    }
    return n;
  }
  return big()->tree.CountBelow(
      [&](const void* x) { return before(static_cast<const ZElem*>(x)->member()); });
}

std::pair<size_t, size_t> ZSetValue::ScoreRangeRanks(const ScoreRange& r) const {
  if (r.Empty()) return {0, 0};
  size_t lo = RankOfScore(r.min, r.minex);
  size_t hi = RankOfScore(r.max, !r.maxex);
  return {lo, hi > lo ? hi : lo};
}

std::pair<size_t, size_t> ZSetValue::LexRangeRanks(const LexRange& r) const {
  if (r.Empty()) return {0, 0};
  size_t lo = RankOfLex(r.min, false);
  size_t hi = RankOfLex(r.max, true);
  return {lo, hi > lo ? hi : lo};
}

ZSetValue::Cursor ZSetValue::At(size_t rank) const {
  Cursor c;
  if (IsListpack()) {
    c.lp_ = lp();
    c.p_ = rank < Size() ? lp::Seek(c.lp_, static_cast<int64_t>(2 * rank)) : nullptr;
  } else {
    c.tc_ = big()->tree.At(rank);
  }
  return c;
}

size_t ZSetValue::RemoveRankRange(size_t lo, size_t hi) {
  size_t n = Size();
  if (hi > n) hi = n;
  if (lo >= hi) return 0;
  if (IsListpack()) {
    MutateLp([&](uint8_t* x, uint8_t*) {
      return lp::DeleteRange(x, static_cast<int64_t>(2 * lo), static_cast<uint32_t>(2 * (hi - lo)));
    });
    return hi - lo;
  }
  Big* b = big();
  if (hi - lo == 1) {  // ZPOPMIN/ZPOPMAX
    auto* e = static_cast<ZElem*>(b->tree.At(lo).get());
    b->dict.Erase(e->member(), Table::Hash(e->member()));
    b->tree.Erase(e);
    ZElem::Free(e);
    return 1;
  }
  std::vector<ZElem*> doomed;
  doomed.reserve(hi - lo);
  auto c = b->tree.At(lo);
  for (size_t i = lo; i < hi; i++, c.Next()) doomed.push_back(static_cast<ZElem*>(c.get()));
  for (ZElem* e : doomed) {
    b->dict.Erase(e->member(), Table::Hash(e->member()));
    b->tree.Erase(e);
    ZElem::Free(e);
  }
  return doomed.size();
}

void ZSetValue::ConvertToBig() {
  if (!IsListpack()) return;
  Big* b = new Big();
  char buf[24];
  uint8_t* l = lp();
  for (uint8_t* p = lp::First(l); p; p = lp::Next(l, lp::Next(l, p))) {
    ZElem* e = ZElem::New(LpMember(p, buf), LpScore(lp::Next(l, p)));
    b->dict.Insert(e, Table::Hash(e->member()));
    b->tree.Insert(e);
  }
  FreeRep();
  SetRep(reinterpret_cast<uintptr_t>(b) | kBigTag);
}

void ZSetValue::ConvertToListpackIfNeeded(size_t max_member_len, size_t total_len,
                                          const Limits& limits) {
  if (IsListpack()) return;
  Big* b = big();
  if (b->tree.size() > limits.max_listpack_entries || max_member_len > limits.max_listpack_value ||
      total_len > kLpSafetySize) {
    return;
  }
  uint8_t* l = lp::New();
  char sbuf[32];
  b->tree.ForEach([&](void* p) {
    auto* e = static_cast<ZElem*>(p);
    l = lp::Append(l, e->member());
    l = lp::Append(l, std::string_view(sbuf, FormatScore(e->score, sbuf)));
  });
  FreeRep();
  SetListpack(l);
}

void ZSetValue::ForEach(const std::function<void(std::string_view, double)>& fn) const {
  for (Cursor c = At(0); c.valid(); c.Next()) fn(c.member(), c.score());
}

// ---- Cursor ----

std::string_view ZSetValue::Cursor::member() const {
  if (lp_) return LpMember(p_, buf_);
  return static_cast<const ZElem*>(tc_.get())->member();
}

double ZSetValue::Cursor::score() const {
  if (lp_) return LpScore(lp::Next(lp_, p_));
  return static_cast<const ZElem*>(tc_.get())->score;
}

void ZSetValue::Cursor::Next() {
  if (!lp_) return tc_.Next();
  p_ = lp::Next(lp_, lp::Next(lp_, p_));
}

void ZSetValue::Cursor::Prev() {
  if (!lp_) return tc_.Prev();
  uint8_t* q = lp::Prev(lp_, p_);
  p_ = q ? lp::Prev(lp_, q) : nullptr;
}

// ---- key-level helpers ----

Result<ZSetValue*> FindForWrite(Db& db, std::string_view key) {
  Result<Entry*> e = FindTypedForWrite(db, key, ValueType::kZSet);
  if (!e.ok()) return e.status();
  return *e ? ValueOf<ZSetValue>(*e) : nullptr;
}

Result<ZSetValue*> FindForRead(Db& db, std::string_view key) {
  Result<Entry*> e = FindTypedForRead(db, key, ValueType::kZSet);
  if (!e.ok()) return e.status();
  return *e ? ValueOf<ZSetValue>(*e) : nullptr;
}

Result<ZSetValue*> FindOrCreate(Db& db, std::string_view key, size_t size_hint,
                                size_t value_len_hint, const Limits& limits, bool* created) {
  *created = false;
  Result<ZSetValue*> z = FindForWrite(db, key);
  if (!z.ok() || *z) return z;
  ZSetValue* v = ZSetValue::Create(size_hint, value_len_hint, limits);
  db.Add(Entry::NewObject(key, ValueType::kZSet, v, Entry::kNoExpire));
  *created = true;
  return v;
}

OpStatus Pop(Db& db, std::string_view key, bool max, size_t count, std::vector<Popped>* out) {
  Result<ZSetValue*> z = FindForWrite(db, key);
  if (!z.ok()) return z.status();
  ZSetValue* v = *z;
  if (!v) return OpStatus::kOk;
  while (count-- > 0 && v->Size() > 0) {
    size_t rank = max ? v->Size() - 1 : 0;
    ZSetValue::Cursor c = v->At(rank);
    out->push_back({std::string(c.member()), c.score()});
    v->RemoveRankRange(rank, rank + 1);
  }
  if (v->Size() == 0) db.Delete(key);
  return OpStatus::kOk;
}

}  // namespace duet::zset
