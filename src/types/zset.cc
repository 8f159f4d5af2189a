#include "types/zset.h"

#include <malloc.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

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

// ---- ZSetValue (big encoding) ----

ZSetValue::~ZSetValue() {
  big()->tree.ForEach([](void* e) { ZElem::Free(static_cast<ZElem*>(e)); });
}

size_t ZSetValue::MemoryUsage() const {
  const Big* b = big();
  size_t n = sizeof(*this) + b->tree.bytes_used() + b->dict.bytes_used();
  // Elements: sample the first few for an average, as Redis's MEMORY USAGE samples.
  size_t sampled = 0, bytes = 0;
  for (auto c = b->tree.First(); c.valid() && sampled < 5; c.Next(), sampled++) {
    bytes += static_cast<const ZElem*>(c.get())->AllocSize();
  }
  if (sampled) n += bytes * b->tree.size() / sampled;
  return n;
}

CompositeValue* ZSetValue::Clone() const {
  auto* z = new ZSetValue();
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

// The existing score `cur` of a member and ZADD's flags: a result when nothing is to be
// changed, else the new score in *out.
static std::optional<AddResult> DecideUpdate(double cur, double score, int flags, double* out) {
  if (flags & kAddNx) return AddResult::kNop;
  if (flags & kAddIncr) {
    score += cur;
    if (std::isnan(score)) return AddResult::kNaN;
  }
  if (((flags & kAddLt) && score >= cur) || ((flags & kAddGt) && score <= cur)) {
    return AddResult::kNop;
  }
  *out = score;
  return std::nullopt;
}

AddResult ZSetValue::Add(double score, std::string_view member, int flags, double* new_score) {
  ZElem* e = FindElem(member);
  if (e) {
    double ns;
    if (auto r = DecideUpdate(e->score, score, flags, &ns)) return *r;
    if (new_score) *new_score = ns;
    if (ns != e->score) {
      big()->tree.Update(e, [&](void* x) { static_cast<ZElem*>(x)->score = ns; });
      return AddResult::kUpdated;
    }
    return AddResult::kSame;
  }
  if (flags & kAddXx) return AddResult::kNop;
  BigInsert(ZElem::New(member, score));
  if (new_score) *new_score = score;
  return AddResult::kAdded;
}

std::optional<double> ZSetValue::Score(std::string_view member) const {
  ZElem* e = FindElem(member);
  if (!e) return std::nullopt;
  return e->score;
}

bool ZSetValue::Remove(std::string_view member) {
  auto* e = static_cast<ZElem*>(big()->dict.Erase(member, Table::Hash(member)));
  if (!e) return false;
  big()->tree.Erase(e);
  ZElem::Free(e);
  return true;
}

std::optional<size_t> ZSetValue::Rank(std::string_view member) const {
  ZElem* e = FindElem(member);
  if (!e) return std::nullopt;
  return big()->tree.CountBelow([&](const void* x) { return ZElemOrder::Less(x, e); });
}

size_t ZSetValue::RankOfScore(double s, bool after) const {
  return big()->tree.CountBelow([&](const void* x) {
    double v = static_cast<const ZElem*>(x)->score;
    return after ? v <= s : v < s;
  });
}

ZSetValue::Cursor ZSetValue::At(size_t rank) const {
  Cursor c;
  c.tc_ = big()->tree.At(rank);
  return c;
}

size_t ZSetValue::RemoveRankRange(size_t lo, size_t hi) {
  size_t n = Size();
  if (hi > n) hi = n;
  if (lo >= hi) return 0;
  // Each removal finds its element by rank from the tree's counts (no comparisons), and the
  // next element of the range then sits at the same rank.
  Big* b = big();
  for (size_t i = lo; i < hi; i++) {
    auto* e = static_cast<ZElem*>(b->tree.EraseRank(lo));
    std::string_view m = e->member();
    b->dict.Erase(m, Table::Hash(m));
    ZElem::Free(e);
  }
  // A removal at an end is usually one pop of many (ZPOPMIN loops, BZPOPMIN queues): start
  // loading the member-index slot of the element now at that end, so the next pop's erase
  // finds it in cache instead of waiting for memory (most of a pop's cost on a big set).
  if (b->tree.size() > 0 && (lo == 0 || lo == b->tree.size())) {
    const auto* next =
        static_cast<const ZElem*>(lo == 0 ? b->tree.First().get() : b->tree.Last().get());
    b->dict.Prefetch(Table::Hash(next->member()));
  }
  return hi - lo;
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

// ---- ZSet: handle and representation ----

ZSet& ZSet::operator=(ZSet&& o) noexcept {
  if (this != &o) {
    FreeOwned();
    lp_ = std::exchange(o.lp_, nullptr);
    big_ = std::exchange(o.big_, nullptr);
    entry_ = std::exchange(o.entry_, nullptr);
    db_ = std::exchange(o.db_, nullptr);
    slot_ = o.slot_;
  }
  return *this;
}

void ZSet::FreeOwned() {
  if (entry_ != nullptr) return;  // the keyspace owns the storage
  if (lp_) lp::Free(lp_);
  delete big_;
  lp_ = nullptr;
  big_ = nullptr;
}

ZSet ZSet::Of(Entry* e) {
  ZSet z;
  z.entry_ = e;
  if (e->is_packed()) {
    z.lp_ = e->mutable_packed();
  } else {
    z.big_ = ValueOf<ZSetValue>(e);
  }
  return z;
}

ZSet ZSet::OfSlot(Db& db, KeyTable::SlotRef slot) {
  ZSet z = Of(static_cast<Entry*>(slot.get()));
  z.db_ = &db;
  z.slot_ = slot;
  return z;
}

Entry* ZSet::Release(std::string_view key) {
  Entry* e;
  if (lp_) {
    e = Entry::NewPacked(key, ValueType::kZSet,
                         std::string_view(reinterpret_cast<char*>(lp_), lp::Bytes(lp_)),
                         Entry::kNoExpire);
    lp::Free(lp_);
  } else {
    e = Entry::NewObject(key, ValueType::kZSet, big_, Entry::kNoExpire);
  }
  lp_ = nullptr;
  big_ = nullptr;
  return e;
}

void ZSet::SetListpack(uint8_t* heap_lp) {
  if (entry_ == nullptr) {
    if (lp_ != heap_lp && lp_) lp::Free(lp_);
    delete big_;
    big_ = nullptr;
    lp_ = heap_lp;
    return;
  }
  size_t n = lp::Bytes(heap_lp);
  if (entry_->is_packed() && n <= entry_->PackedCapacity() && n + 64 >= entry_->PackedCapacity()) {
    // Fits the allocation (and wastes little of it): rewrite in place.
    memcpy(entry_->mutable_packed(), heap_lp, n);
    entry_->set_packed_len(n);
  } else {
    Entry* e = Entry::NewPacked(entry_->key(), ValueType::kZSet,
                                std::string_view(reinterpret_cast<char*>(heap_lp), n),
                                entry_->expire_ms());
    db_->Replace(slot_, e);  // frees the old entry (and its big object, if any)
    entry_ = e;
  }
  lp::Free(heap_lp);
  lp_ = entry_->mutable_packed();
  big_ = nullptr;
}

void ZSet::SetBig(ZSetValue* big) {
  if (entry_ == nullptr) {
    if (lp_) lp::Free(lp_);
    lp_ = nullptr;
    big_ = big;
    return;
  }
  Entry* e = Entry::NewObject(entry_->key(), ValueType::kZSet, big, entry_->expire_ms());
  db_->Replace(slot_, e);
  entry_ = e;
  lp_ = nullptr;
  big_ = big;
}

// ---- ZSet ----

ZSet ZSet::Create(size_t size_hint, size_t value_len_hint, const Limits& limits) {
  ZSet z;
  if (size_hint <= limits.max_listpack_entries && value_len_hint <= limits.max_listpack_value) {
    z.lp_ = lp::New();
  } else {
    z.big_ = new ZSetValue();
  }
  return z;
}

ZSet ZSet::FromSorted(const std::vector<std::pair<std::string, double>>& members,
                      const Limits& limits) {
  size_t maxlen = 0, total = 0;
  for (const auto& [m, s] : members) {
    maxlen = std::max(maxlen, m.size());
    total += m.size();
  }
  ZSet z;
  if (members.size() <= limits.max_listpack_entries && maxlen <= limits.max_listpack_value &&
      total <= kLpSafetySize) {
    uint8_t* l = lp::New();
    char sbuf[32];
    for (const auto& [m, s] : members) {
      l = lp::Append(l, m);
      l = lp::Append(l, std::string_view(sbuf, FormatScore(s, sbuf)));
    }
    z.lp_ = l;
    return z;
  }
  z.big_ = new ZSetValue();
  for (const auto& [m, s] : members) z.big_->Insert(m, s);
  return z;
}

size_t ZSet::Size() const { return lp_ ? lp::Length(lp_) / 2 : big_->Size(); }

void ZSet::LpInsert(std::string_view member, double score) {
  char sbuf[32];
  std::string_view stext(sbuf, FormatScore(score, sbuf));
  char mbuf[24];
  uint8_t* l = lp_;
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

AddResult ZSet::Add(double score, std::string_view member, int flags, const Limits& limits,
                    double* new_score) {
  if (std::isnan(score)) return AddResult::kNaN;
  if (lp_) {
    uint8_t* l = lp_;
    uint8_t* p = lp::Find(l, lp::First(l), member, 1);
    if (p) {
      double cur = LpScore(lp::Next(l, p));
      double ns;
      if (auto r = DecideUpdate(cur, score, flags, &ns)) return *r;
      if (new_score) *new_score = ns;
      if (ns != cur) {
        if (entry_ == nullptr) {
          lp_ = lp::DeleteRangeWithEntry(lp_, &p, 2);
          LpInsert(member, ns);
        } else {
          // Delete and insert on one private copy, written back once.
          ZSet scratch;
          scratch.lp_ = lp::Dup(lp_);
          uint8_t* q = scratch.lp_ + (p - lp_);
          scratch.lp_ = lp::DeleteRangeWithEntry(scratch.lp_, &q, 2);
          scratch.LpInsert(member, ns);
          SetListpack(std::exchange(scratch.lp_, nullptr));
        }
        return AddResult::kUpdated;
      }
      return AddResult::kSame;
    }
    if (flags & kAddXx) return AddResult::kNop;
    if (Size() + 1 > limits.max_listpack_entries || member.size() > limits.max_listpack_value ||
        lp::Bytes(l) + member.size() > kLpSafetySize) {
      ConvertToBig();
    } else {
      LpInsert(member, score);
      if (new_score) *new_score = score;
      return AddResult::kAdded;
    }
  }
  return big_->Add(score, member, flags, new_score);
}

std::optional<double> ZSet::Score(std::string_view member) const {
  if (!lp_) return big_->Score(member);
  uint8_t* p = lp::Find(lp_, lp::First(lp_), member, 1);
  if (!p) return std::nullopt;
  return LpScore(lp::Next(lp_, p));
}

bool ZSet::Remove(std::string_view member) {
  if (!lp_) return big_->Remove(member);
  uint8_t* p = lp::Find(lp_, lp::First(lp_), member, 1);
  if (!p) return false;
  MutateLp([](uint8_t* x, uint8_t* q) { return lp::DeleteRangeWithEntry(x, &q, 2); }, p);
  return true;
}

std::optional<size_t> ZSet::Rank(std::string_view member) const {
  if (!lp_) return big_->Rank(member);
  size_t rank = 0;
  char buf[24];
  for (uint8_t* p = lp::First(lp_); p; p = lp::Next(lp_, lp::Next(lp_, p)), rank++) {
    if (LpMember(p, buf) == member) return rank;
  }
  return std::nullopt;
}

size_t ZSet::RankOfScore(double s, bool after) const {
  if (!lp_) return big_->RankOfScore(s, after);
  size_t n = 0;
  for (uint8_t* p = lp::First(lp_); p; p = lp::Next(lp_, lp::Next(lp_, p))) {
    double v = LpScore(lp::Next(lp_, p));
    if (after ? v > s : v >= s) break;
    n++;
  }
  return n;
}

size_t ZSet::RankOfLex(const LexBound& b, bool upper) const {
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
  if (!lp_) return big_->CountBefore(before);
  size_t n = 0;
  char buf[24];
  for (uint8_t* p = lp::First(lp_); p; p = lp::Next(lp_, lp::Next(lp_, p))) {
    if (!before(LpMember(p, buf))) break;
    n++;
  }
  return n;
}

std::pair<size_t, size_t> ZSet::ScoreRangeRanks(const ScoreRange& r) const {
  if (r.Empty()) return {0, 0};
  size_t lo = RankOfScore(r.min, r.minex);
  size_t hi = RankOfScore(r.max, !r.maxex);
  return {lo, hi > lo ? hi : lo};
}

std::pair<size_t, size_t> ZSet::LexRangeRanks(const LexRange& r) const {
  if (r.Empty()) return {0, 0};
  size_t lo = RankOfLex(r.min, false);
  size_t hi = RankOfLex(r.max, true);
  return {lo, hi > lo ? hi : lo};
}

ZSet::Cursor ZSet::At(size_t rank) const {
  if (!lp_) return big_->At(rank);
  Cursor c;
  c.lp_ = lp_;
  c.p_ = rank < Size() ? lp::Seek(lp_, static_cast<int64_t>(2 * rank)) : nullptr;
  return c;
}

size_t ZSet::RemoveRankRange(size_t lo, size_t hi) {
  if (!lp_) return big_->RemoveRankRange(lo, hi);
  size_t n = Size();
  if (hi > n) hi = n;
  if (lo >= hi) return 0;
  MutateLp([&](uint8_t* x, uint8_t*) {
    return lp::DeleteRange(x, static_cast<int64_t>(2 * lo), static_cast<uint32_t>(2 * (hi - lo)));
  });
  return hi - lo;
}

void ZSet::ConvertToBig() {
  if (!lp_) return;
  auto* big = new ZSetValue();
  char buf[24];
  for (uint8_t* p = lp::First(lp_); p; p = lp::Next(lp_, lp::Next(lp_, p))) {
    big->Insert(LpMember(p, buf), LpScore(lp::Next(lp_, p)));
  }
  SetBig(big);
}

void ZSet::ConvertToListpackIfNeeded(size_t max_member_len, size_t total_len,
                                     const Limits& limits) {
  if (lp_) return;
  if (big_->Size() > limits.max_listpack_entries || max_member_len > limits.max_listpack_value ||
      total_len > kLpSafetySize) {
    return;
  }
  uint8_t* l = lp::New();
  char sbuf[32];
  for (Cursor c = big_->At(0); c.valid(); c.Next()) {
    l = lp::Append(l, c.member());
    l = lp::Append(l, std::string_view(sbuf, FormatScore(c.score(), sbuf)));
  }
  SetListpack(l);
}

void ZSet::ForEach(const std::function<void(std::string_view, double)>& fn) const {
  for (Cursor c = At(0); c.valid(); c.Next()) fn(c.member(), c.score());
}

// ---- key-level helpers ----

Result<ZSet> FindForWrite(Db& db, std::string_view key) {
  KeyTable::SlotRef slot = db.Find(key);
  if (!slot) return ZSet();
  if (static_cast<Entry*>(slot.get())->type() != ValueType::kZSet) return OpStatus::kWrongType;
  return ZSet::OfSlot(db, slot);
}

Result<ZSet> FindForRead(Db& db, std::string_view key) {
  Result<Entry*> e = FindTypedForRead(db, key, ValueType::kZSet);
  if (!e.ok()) return e.status();
  return *e ? ZSet::Of(*e) : ZSet();
}

Entry* ConvertToBigAt(Db& db, std::string_view key) {
  KeyTable::SlotRef slot = db.Find(key);
  ZSet z = ZSet::OfSlot(db, slot);
  z.ConvertToBig();
  return static_cast<Entry*>(slot.get());
}

OpStatus Pop(Db& db, std::string_view key, bool max, size_t count, std::vector<Popped>* out) {
  Result<ZSet> z = FindForWrite(db, key);
  if (!z.ok()) return z.status();
  ZSet& v = *z;
  if (!v) return OpStatus::kOk;
  while (count-- > 0 && v.Size() > 0) {
    size_t rank = max ? v.Size() - 1 : 0;
    ZSet::Cursor c = v.At(rank);
    out->push_back({std::string(c.member()), c.score()});
    v.RemoveRankRange(rank, rank + 1);
  }
  if (v.Size() == 0) db.Delete(key);
  return OpStatus::kOk;
}

}  // namespace duet::zset
