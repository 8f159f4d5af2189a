#include "persistence/rdb_object.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <utility>
#include <vector>

#include "common/strutil.h"
#include "persistence/legacy_blobs.h"
#include "persistence/rdb_format.h"
#include "persistence/rdb_stream.h"
#include "types/hash_type.h"
#include "types/list_type.h"
#include "types/listpack.h"
#include "types/packed_pairs.h"
#include "types/set_value.h"
#include "types/typed_lookup.h"
#include "types/zset.h"

namespace duet::rdb {
namespace {

std::string_view LpView(const uint8_t* lp) {
  return {reinterpret_cast<const char*>(lp), lp::Bytes(lp)};
}

void SaveListpackHash(RdbEncoder& enc, const hashes::HashView& h) {
  uint8_t* lp = lp::New();
  h.ForEach([&](std::string_view f, std::string_view v) {
    lp = lp::Append(lp, f);
    lp = lp::Append(lp, v);
  });
  enc.String(LpView(lp));
  lp::Free(lp);
}

// ---- loading --------------------------------------------------------------------------------

// A validated copy of a listpack blob in a malloc'd buffer (lp:: owns such buffers), or
// nullptr when invalid.
uint8_t* ListpackFromBlob(const std::string& blob) {
  if (!lp::Validate(reinterpret_cast<const uint8_t*>(blob.data()), blob.size(), true)) {
    return nullptr;
  }
  auto* lp = static_cast<uint8_t*>(malloc(blob.size()));
  std::memcpy(lp, blob.data(), blob.size());
  return lp;
}

template <typename Fn>
void ForEachLpElement(uint8_t* lp, Fn&& fn) {
  char buf[24];
  for (uint8_t* p = lp::First(lp); p != nullptr; p = lp::Next(lp, p)) fn(lp::Get(p).View(buf));
}

// Elements of a ziplist (RDB 6..9) or listpack blob into `out`; false when invalid.
bool BlobElements(const std::string& blob, bool ziplist, std::vector<std::string>* out) {
  if (ziplist) {
    return ForEachZiplistElement(blob, [&](std::string_view s) { out->emplace_back(s); });
  }
  uint8_t* lp = ListpackFromBlob(blob);
  if (lp == nullptr) return false;
  ForEachLpElement(lp, [&](std::string_view s) { out->emplace_back(s); });
  lp::Free(lp);
  return true;
}

// Whether a field, value, field, value ... list names a field twice.
bool HasDuplicateFields(const std::vector<std::string>& elems) {
  std::vector<std::string_view> fields;
  for (size_t i = 0; i < elems.size(); i += 2) fields.push_back(elems[i]);
  std::sort(fields.begin(), fields.end());
  return std::adjacent_find(fields.begin(), fields.end()) != fields.end();
}

LoadOutcome Err(RdbDecoder& dec, std::string_view what) {
  dec.Fail(what);
  return LoadOutcome::kError;
}

LoadOutcome LoadList(RdbDecoder& dec, uint8_t type, std::string_view key, const Config& config,
                     Entry** out) {
  auto* lv = new lists::ListValue(config);
  auto fail = [&](std::string_view what) {
    delete lv;
    return Err(dec, what);
  };
  uint64_t n;
  if (!dec.Length(&n)) return fail("bad list length");
  std::string s;
  if (type == kTypeList) {
    for (uint64_t i = 0; i < n; i++) {
      if (!dec.String(&s)) return fail("bad list element");
      lv->Push(lists::End::kTail, s, config.list_packed_threshold);
    }
  } else {
    for (uint64_t i = 0; i < n; i++) {
      uint64_t container = kNodePacked;
      if (type == kTypeListQuicklist2 && !dec.Length(&container)) return fail("bad node");
      if (container != kNodePacked && container != kNodePlain) {
        return fail("Quicklist integrity check failed.");
      }
      if (!dec.String(&s)) return fail("bad quicklist node");
      if (s.empty()) return fail("Quicklist node of zero bytes");
      if (container == kNodePlain) {
        auto* bytes = static_cast<uint8_t*>(malloc(s.size() ? s.size() : 1));
        std::memcpy(bytes, s.data(), s.size());
        lv->ql().AppendPlain(bytes, s.size());
        continue;
      }
      uint8_t* lp;
      if (type == kTypeListQuicklist) {
        lp = lp::New();
        bool ok = ForEachZiplistElement(s, [&](std::string_view e) { lp = lp::Append(lp, e); });
        if (!ok) {
          lp::Free(lp);
          return fail("Ziplist integrity check failed.");
        }
      } else {
        lp = ListpackFromBlob(s);
        if (lp == nullptr) return fail("Listpack integrity check failed.");
      }
      uint32_t count = lp::Length(lp);
      if (count == 0) {  // Redis skips empty nodes
        lp::Free(lp);
        continue;
      }
      if (count > 65535) {
        ForEachLpElement(lp, [&](std::string_view e) {
          lv->Push(lists::End::kTail, e, config.list_packed_threshold);
        });
        lp::Free(lp);
        continue;
      }
      lv->ql().AppendListpack(lp);
    }
  }
  if (lv->size() == 0) {
    delete lv;
    return LoadOutcome::kEmpty;
  }
  *out = Entry::NewObject(key, ValueType::kList, lv, Entry::kNoExpire);
  return LoadOutcome::kOk;
}

LoadOutcome LoadListZiplist(RdbDecoder& dec, std::string_view key, const Config& config,
                            Entry** out) {
  std::string blob;
  if (!dec.String(&blob)) return LoadOutcome::kError;
  auto* lv = new lists::ListValue(config);
  if (!ForEachZiplistElement(blob, [&](std::string_view e) {
        lv->Push(lists::End::kTail, e, config.list_packed_threshold);
      })) {
    delete lv;
    return Err(dec, "List ziplist integrity check failed.");
  }
  if (lv->size() == 0) {
    delete lv;
    return LoadOutcome::kEmpty;
  }
  *out = Entry::NewObject(key, ValueType::kList, lv, Entry::kNoExpire);
  return LoadOutcome::kOk;
}

// Builds a set from members; false on a duplicate.
LoadOutcome BuildSet(RdbDecoder& dec, const std::vector<std::string>& members, std::string_view key,
                     const Config& config, Entry** out) {
  if (members.empty()) return LoadOutcome::kEmpty;
  size_t max = static_cast<size_t>(config.set_max_intset_entries);
  SetValue* s = members.size() > max ? SetValue::CreateHashtable() : SetValue::Create(members[0]);
  for (const std::string& m : members) {
    if (!s->Add(m, max)) {
      delete s;
      return Err(dec, "Duplicate set members detected");
    }
  }
  *out = Entry::NewObject(key, ValueType::kSet, s, Entry::kNoExpire);
  return LoadOutcome::kOk;
}

LoadOutcome BuildHash(RdbDecoder& dec, const std::vector<std::string>& elems, std::string_view key,
                      const Config& config, Entry** out) {
  if (elems.size() % 2 != 0) return Err(dec, "hash with an odd number of elements");
  if (elems.empty()) return LoadOutcome::kEmpty;
  size_t n = elems.size() / 2;
  size_t maxlen = 0;
  for (const std::string& s : elems) maxlen = std::max(maxlen, s.size());
  size_t total = 0;
  for (const std::string& s : elems) total += s.size();
  // Listpack as Redis decides; a "hashtable" of few fields stays packed (big packed: see
  // types/hash_type.h; the pairs are at least as long as `total`, checked again below).
  bool listpack = maxlen <= static_cast<size_t>(config.hash_max_listpack_value);
  if (n <= static_cast<size_t>(config.hash_max_listpack_entries) &&
      (listpack || total <= hashes::kMaxBigPackedBytes)) {
    std::string p = pairs::Empty();
    for (size_t i = 0; i < elems.size(); i += 2) {
      if (pairs::FindField(p, elems[i]) != pairs::kNone) {
        return Err(dec, "Duplicate hash fields detected");
      }
      pairs::AppendPair(&p, elems[i], elems[i + 1]);
    }
    if (listpack || p.size() <= hashes::kMaxBigPackedBytes) {
      *out = listpack ? Entry::NewPacked(key, ValueType::kHash, p, Entry::kNoExpire)
                      : hashes::NewBigPackedEntry(key, p, Entry::kNoExpire);
      return LoadOutcome::kOk;
    }
  }
  auto* hv = new hashes::HashValue();
  hashes::FieldTable& t = hv->table();
  for (size_t i = 0; i < elems.size(); i += 2) {
    uint64_t h = hashes::FieldTable::Hash(elems[i]);
    if (t.Find(elems[i], h)) {
      delete hv;
      return Err(dec, "Duplicate hash fields detected");
    }
    t.Insert(hashes::FieldBlock::New(elems[i], elems[i + 1]), h);
  }
  *out = Entry::NewObject(key, ValueType::kHash, hv, Entry::kNoExpire);
  return LoadOutcome::kOk;
}

bool MemberLess(const std::pair<std::string, double>& a, const std::pair<std::string, double>& b) {
  if (a.second != b.second) return a.second < b.second;
  return a.first < b.first;  // bytewise: std::string compares as unsigned chars
}

LoadOutcome BuildZSet(RdbDecoder& dec, std::vector<std::pair<std::string, double>> members,
                      std::string_view key, const Config& config, Entry** out) {
  if (members.empty()) return LoadOutcome::kEmpty;
  for (const auto& m : members) {
    if (std::isnan(m.second)) return Err(dec, "Zset with NAN score detected");
  }
  std::sort(members.begin(), members.end(), MemberLess);
  std::vector<std::string_view> names;
  names.reserve(members.size());
  for (const auto& m : members) names.push_back(m.first);
  std::sort(names.begin(), names.end());
  if (std::adjacent_find(names.begin(), names.end()) != names.end()) {
    return Err(dec, "Duplicate zset fields detected");
  }
  zset::ZSet z = zset::ZSet::FromSorted(members, zset::LimitsFrom(config));
  *out = z.Release(key);
  return LoadOutcome::kOk;
}

// ZSET_ZIPLIST / ZSET_LISTPACK: member, score, member, score... Kept as a listpack (the bytes
// as they are for a listpack) while within zset-max-listpack-entries, as Redis does.
LoadOutcome LoadZSetBlob(RdbDecoder& dec, bool ziplist, std::string_view key, const Config& config,
                         Entry** out) {
  std::string blob;
  if (!dec.String(&blob)) return LoadOutcome::kError;
  std::vector<std::string> elems;
  if (!BlobElements(blob, ziplist, &elems)) {
    return Err(dec, ziplist ? "Zset ziplist integrity check failed."
                            : "Zset listpack integrity check failed.");
  }
  if (elems.size() % 2 != 0) return Err(dec, "zset listpack with an odd number of elements");
  if (elems.empty()) return LoadOutcome::kEmpty;
  std::vector<std::pair<std::string, double>> members;
  std::vector<std::string_view> names;
  for (size_t i = 0; i < elems.size(); i += 2) {
    std::optional<double> score = ParseDouble(elems[i + 1]);
    if (!score || std::isnan(*score)) return Err(dec, "zset listpack with an invalid score");
    members.emplace_back(elems[i], *score);
    names.push_back(elems[i]);
  }
  std::sort(names.begin(), names.end());
  if (std::adjacent_find(names.begin(), names.end()) != names.end()) {
    return Err(dec, ziplist ? "Zset ziplist integrity check failed."
                            : "Zset listpack integrity check failed.");
  }
  if (!std::is_sorted(members.begin(), members.end(), MemberLess)) {
    return Err(dec, "zset listpack out of order");
  }
  if (members.size() > static_cast<size_t>(config.zset_max_listpack_entries)) {
    return BuildZSet(dec, std::move(members), key, config, out);
  }
  if (ziplist) {
    uint8_t* lp = lp::New();
    for (const std::string& s : elems) lp = lp::Append(lp, s);
    *out = Entry::NewPacked(key, ValueType::kZSet, LpView(lp), Entry::kNoExpire);
    lp::Free(lp);
  } else {
    *out = Entry::NewPacked(key, ValueType::kZSet, blob, Entry::kNoExpire);
  }
  return LoadOutcome::kOk;
}

}  // namespace

uint8_t ObjectTypeOf(const Entry& e) {
  switch (e.type()) {
    case ValueType::kString:
      return kTypeString;
    case ValueType::kList:
      return kTypeListQuicklist2;
    case ValueType::kSet:
      return ValueOf<SetValue>(const_cast<Entry*>(&e))->intset() ? kTypeSetIntset : kTypeSet;
    case ValueType::kZSet:
      return e.is_packed() ? kTypeZSetListpack : kTypeZSet2;
    case ValueType::kHash:
      return hashes::HashView(const_cast<Entry*>(&e)).IsListpack() ? kTypeHashListpack : kTypeHash;
    case ValueType::kStream:
      break;
  }
  return kTypeStreamListpacks2;
}

ObjectWriter::ObjectWriter(const Entry& e) : e_(e) {
  auto* mut = const_cast<Entry*>(&e);
  switch (e.type()) {
    case ValueType::kString:
      break;
    case ValueType::kList:
      list_ = &ValueOf<lists::ListValue>(mut)->ql();
      break;
    case ValueType::kSet:
      set_ = ValueOf<SetValue>(mut);
      break;
    case ValueType::kZSet:
      if (!e.is_packed()) zset_ = ValueOf<zset::ZSetValue>(mut);
      break;
    case ValueType::kHash: {
      hashes::HashView h(mut);
      if (!h.IsPacked()) hash_ = h.value();
      break;
    }
    case ValueType::kStream:
      stream_ = std::make_unique<StreamWriter>(*ValueOf<stream::StreamValue>(mut));
      break;
  }
}

ObjectWriter::~ObjectWriter() = default;

bool ObjectWriter::Step(RdbEncoder& enc, size_t units) {
  if (stream_) return stream_->Step(enc, units);
  if (!started_) {
    started_ = true;
    if (!Start(enc)) return true;
  }
  size_t done = 0;
  if (list_ != nullptr) {
    for (; index_ < list_->node_count() && done < units; index_++) {
      list_->NodeAt(index_, [&](const Quicklist::NodeView& n) {
        enc.Length(n.plain ? kNodePlain : kNodePacked);
        enc.String(n.bytes);
        done += n.count;
      });
    }
    return index_ == list_->node_count();
  }
  if (hash_ != nullptr) {
    do {
      cursor_ = hash_->table().Scan(cursor_, [&](hashes::FieldTable::SlotRef s) {
        enc.String(hashes::FieldBlock::Field(s.get()));
        enc.String(hashes::FieldBlock::Value(s.get()));
        done++;
      });
    } while (cursor_ != 0 && done < units);
    return cursor_ == 0;
  }
  if (set_ != nullptr) {
    do {
      cursor_ = set_->ForEachStep(cursor_, [&](std::string_view m) {
        enc.String(m);
        done++;
      });
    } while (cursor_ != 0 && done < units);
    return cursor_ == 0;
  }
  // A skiplist zset from the tail: loading a descending sequence inserts each at the head in
  // O(1) (Redis).
  for (; zcursor_.valid() && done < units; zcursor_.Prev(), done++) {
    enc.String(zcursor_.member());
    enc.BinaryDouble(zcursor_.score());
  }
  return !zcursor_.valid();
}

bool ObjectWriter::Start(RdbEncoder& enc) {
  const Entry& e = e_;
  if (list_ != nullptr) {
    enc.Length(list_->node_count());
    return true;
  }
  if (hash_ != nullptr) {
    enc.Length(hash_->table().size());
    return true;
  }
  if (set_ != nullptr) {
    if (const Intset* is = set_->intset()) {
      enc.String({reinterpret_cast<const char*>(is->data()), is->bytes()});
      return false;
    }
    enc.Length(set_->size());
    return true;
  }
  if (zset_ != nullptr) {
    size_t n = zset_->Size();
    enc.Length(n);
    if (n != 0) zcursor_ = zset_->At(n - 1);
    return true;
  }
  switch (e.type()) {
    case ValueType::kZSet:
      enc.String(e.packed());
      break;
    case ValueType::kHash: {
      hashes::HashView h(const_cast<Entry*>(&e));
      if (h.IsListpack()) {
        SaveListpackHash(enc, h);
        break;
      }
      enc.Length(h.Length());  // packed pairs of a "hashtable" hash: a few KB
      h.ForEach([&](std::string_view f, std::string_view v) {
        enc.String(f);
        enc.String(v);
      });
      break;
    }
    default:
      enc.String(e.str());
      break;
  }
  return false;
}

size_t EncodeWeight(const Entry& e) {
  auto* mut = const_cast<Entry*>(&e);
  switch (e.type()) {
    case ValueType::kString:
      return 0;
    case ValueType::kList:
      return ValueOf<lists::ListValue>(mut)->size();
    case ValueType::kSet: {
      const auto* s = ValueOf<SetValue>(mut);
      return s->intset() ? 0 : s->size();
    }
    case ValueType::kZSet:
      return e.is_packed() ? 0 : ValueOf<zset::ZSetValue>(mut)->Size();
    case ValueType::kHash: {
      hashes::HashView h(mut);
      return h.IsPacked() ? 0 : h.Length();
    }
    case ValueType::kStream: {
      const auto* s = ValueOf<stream::StreamValue>(mut);
      size_t n = s->length();
      for (const auto& [name, g] : s->groups()) n += g->pel.size() + g->consumers.size();
      return n;
    }
  }
  return 0;
}

void SaveObject(RdbEncoder& enc, const Entry& e) {
  if (e.type() == ValueType::kString) {  // most keys: no writer
    enc.String(e.str());
    return;
  }
  ObjectWriter w(e);
  while (!w.Step(enc, SIZE_MAX)) {
  }
}

LoadOutcome LoadObject(RdbDecoder& dec, uint8_t type, std::string_view key, const Config& config,
                       Entry** out) {
  std::string s;
  switch (type) {
    case kTypeString:
      if (!dec.String(&s)) return LoadOutcome::kError;
      *out = Entry::NewString(key, s, Entry::kNoExpire);
      return LoadOutcome::kOk;
    case kTypeList:
    case kTypeListQuicklist:
    case kTypeListQuicklist2:
      return LoadList(dec, type, key, config, out);
    case kTypeListZiplist:
      return LoadListZiplist(dec, key, config, out);
    case kTypeSet: {
      uint64_t n;
      if (!dec.Length(&n)) return LoadOutcome::kError;
      std::vector<std::string> members;
      for (uint64_t i = 0; i < n; i++) {
        if (!dec.String(&s)) return LoadOutcome::kError;
        members.push_back(std::move(s));
      }
      return BuildSet(dec, members, key, config, out);
    }
    case kTypeSetIntset: {
      if (!dec.String(&s)) return LoadOutcome::kError;
      std::vector<std::string> members;
      char buf[24];
      if (!ForEachIntsetElement(
              s, [&](int64_t v) { members.emplace_back(buf, FormatInt64(v, buf)); })) {
        return Err(dec, "Intset integrity check failed.");
      }
      return BuildSet(dec, members, key, config, out);
    }
    case kTypeZSet:
    case kTypeZSet2: {
      uint64_t n;
      if (!dec.Length(&n)) return LoadOutcome::kError;
      std::vector<std::pair<std::string, double>> members;
      for (uint64_t i = 0; i < n; i++) {
        double score;
        if (!dec.String(&s)) return LoadOutcome::kError;
        if (!(type == kTypeZSet2 ? dec.BinaryDouble(&score) : dec.OldDouble(&score))) {
          return LoadOutcome::kError;
        }
        members.emplace_back(std::move(s), score);
      }
      return BuildZSet(dec, std::move(members), key, config, out);
    }
    case kTypeZSetZiplist:
    case kTypeZSetListpack:
      return LoadZSetBlob(dec, type == kTypeZSetZiplist, key, config, out);
    case kTypeHash: {
      uint64_t n;
      if (!dec.Length(&n)) return LoadOutcome::kError;
      std::vector<std::string> elems;
      for (uint64_t i = 0; i < 2 * n; i++) {
        if (!dec.String(&s)) return LoadOutcome::kError;
        elems.push_back(std::move(s));
      }
      return BuildHash(dec, elems, key, config, out);
    }
    case kTypeHashZipmap: {
      if (!dec.String(&s)) return LoadOutcome::kError;
      std::vector<std::string> elems;
      if (!ForEachZipmapPair(s,
                             [&](std::string_view f, std::string_view v) {
                               elems.emplace_back(f);
                               elems.emplace_back(v);
                             }) ||
          elems.empty() || HasDuplicateFields(elems)) {
        return Err(dec, "Zipmap integrity check failed.");
      }
      return BuildHash(dec, elems, key, config, out);
    }
    case kTypeHashZiplist:
    case kTypeHashListpack: {
      if (!dec.String(&s)) return LoadOutcome::kError;
      std::vector<std::string> elems;
      // A duplicate field fails the blob's integrity check, as in Redis's validation.
      if (!BlobElements(s, type == kTypeHashZiplist, &elems) || HasDuplicateFields(elems)) {
        return Err(dec, type == kTypeHashZiplist ? "Hash ziplist integrity check failed."
                                                 : "Hash listpack integrity check failed.");
      }
      return BuildHash(dec, elems, key, config, out);
    }
    case kTypeStreamListpacks:
    case kTypeStreamListpacks2:
      return LoadStream(dec, type, key, out);
    case kTypeModule:
    case kTypeModule2:
      return Err(dec, "module values are not supported");
    default:
      return Err(dec, "unknown value type " + std::to_string(type));
  }
}

}  // namespace duet::rdb
