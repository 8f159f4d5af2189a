#include "persistence/rdb_stream.h"

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "common/strutil.h"
#include "persistence/rdb_format.h"
#include "types/listpack.h"
#include "types/stream_group.h"

namespace duet::rdb {

using stream::StreamConsumer;
using stream::StreamGroup;
using stream::StreamID;
using stream::StreamNack;
using stream::StreamValue;

namespace {

// Redis's STREAM_ITEM_FLAG_DELETED / _SAMEFIELDS.
constexpr int64_t kItemDeleted = 1;
constexpr int64_t kItemSameFields = 2;
constexpr size_t kRawIdSize = 16;

// streamEncodeID: ms and seq, 8 bytes big endian each (the rax key form).
void EncodeRawId(StreamID id, char* out) {
  for (int i = 0; i < 8; i++) {
    out[i] = static_cast<char>(id.ms >> (56 - 8 * i));
    out[8 + i] = static_cast<char>(id.seq >> (56 - 8 * i));
  }
}

StreamID DecodeRawId(std::string_view raw) {
  StreamID id;
  for (int i = 0; i < 8; i++) {
    id.ms = (id.ms << 8) | static_cast<uint8_t>(raw[i]);
    id.seq = (id.seq << 8) | static_cast<uint8_t>(raw[8 + i]);
  }
  return id;
}

void SaveRawId(RdbEncoder& enc, StreamID id) {
  char raw[kRawIdSize];
  EncodeRawId(id, raw);
  enc.Raw({raw, kRawIdSize});
}

// Node `i` as the listpack Redis keeps for it (streamAppendItem's layout).
uint8_t* NodeListpack(const StreamValue& s, size_t i, std::vector<std::string_view>* fields) {
  const stream::StreamNode& n = s.node(i);
  uint8_t* lp = lp::New();
  lp = lp::AppendInteger(lp, n.live);
  lp = lp::AppendInteger(lp, n.deleted);
  s.NodeMasterFields(i, fields);
  lp = lp::AppendInteger(lp, static_cast<int64_t>(fields->size()));
  for (std::string_view f : *fields) lp = lp::Append(lp, f);
  lp = lp::AppendInteger(lp, 0);
  s.ForEachNodeEntry(i, [&](const StreamValue::NodeEntry& e) {
    int64_t flags = (e.deleted ? kItemDeleted : 0) | (e.same_fields ? kItemSameFields : 0);
    auto nfields = static_cast<int64_t>(e.fv.size() / 2);
    lp = lp::AppendInteger(lp, flags);
    lp = lp::AppendInteger(lp, static_cast<int64_t>(e.id.ms - n.master.ms));
    lp = lp::AppendInteger(lp, static_cast<int64_t>(e.id.seq - n.master.seq));
    if (!e.same_fields) {
      lp = lp::AppendInteger(lp, nfields);
      for (std::string_view x : e.fv) lp = lp::Append(lp, x);
    } else {
      for (size_t j = 1; j < e.fv.size(); j += 2) lp = lp::Append(lp, e.fv[j]);
    }
    lp = lp::AppendInteger(lp, nfields + 3 + (e.same_fields ? 0 : nfields + 1));
  });
  return lp;
}

// ---- loading --------------------------------------------------------------------------------

// Walks one node's listpack, element by element, with the integer reading Redis's
// lpGetIntegerIfValid does (integer elements, or strings holding a 64-bit integer).
class LpReader {
 public:
  explicit LpReader(uint8_t* lp) : lp_(lp), p_(lp::First(lp)) {}
  bool AtEnd() const { return p_ == nullptr; }

  bool Int(int64_t* v) {
    if (p_ == nullptr) return false;
    lp::Value x = lp::Get(p_);
    Advance();
    if (x.is_int) {
      *v = x.ival;
      return true;
    }
    std::optional<int64_t> parsed = ParseInt64(x.sval);
    if (!parsed) return false;
    *v = *parsed;
    return true;
  }
  // A non-negative count.
  bool Count(int64_t* v) { return Int(v) && *v >= 0; }

  // The element as bytes; integers are written into `pool` (deque: views stay valid).
  bool Str(std::deque<std::string>* pool, size_t* used, std::string_view* out) {
    if (p_ == nullptr) return false;
    lp::Value x = lp::Get(p_);
    Advance();
    if (!x.is_int) {
      *out = x.sval;
      return true;
    }
    if (*used == pool->size()) pool->emplace_back();
    std::string& slot = (*pool)[(*used)++];
    slot = std::to_string(x.ival);
    *out = slot;
    return true;
  }

 private:
  void Advance() { p_ = lp::Next(lp_, p_); }
  uint8_t* lp_;
  uint8_t* p_;
};

// Reads one node (its master ID and listpack) into `s`. *prev is the highest ID loaded so
// far (*have_prev false before the first node).
bool LoadNode(RdbDecoder& dec, StreamValue* s, StreamID* prev, bool* have_prev,
              StreamID* prev_master) {
  std::string key, blob;
  if (!dec.String(&key)) {
    return dec.Fail("Stream master ID loading failed: invalid encoding or I/O error.");
  }
  if (key.size() != kRawIdSize)
    return dec.Fail("Stream node key entry is not the size of a stream ID");
  if (!dec.String(&blob)) return dec.Fail("Stream listpacks loading failed.");
  auto* lp = reinterpret_cast<uint8_t*>(blob.data());
  if (!lp::Validate(lp, blob.size(), true)) {
    return dec.Fail("Stream listpack integrity check failed.");
  }
  if (lp::First(lp) == nullptr) return dec.Fail("Empty listpack inside stream");
  StreamID master = DecodeRawId(key);
  if (*have_prev && master == *prev_master) {
    return dec.Fail("Listpack re-added with existing key");
  }
  if (*have_prev && master <= *prev) return dec.Fail("Stream node IDs out of order");
  *prev_master = master;

  auto bad = [&] { return dec.Fail("Stream listpack integrity check failed."); };
  LpReader r(lp);
  std::deque<std::string> pool;
  size_t used = 0;
  int64_t count, deleted, master_fields;
  if (!r.Count(&count) || !r.Count(&deleted) || !r.Count(&master_fields)) return bad();
  std::vector<std::string_view> fields;
  for (int64_t j = 0; j < master_fields; j++) {
    std::string_view f;
    if (!r.Str(&pool, &used, &f)) return bad();
    fields.push_back(f);
  }
  int64_t zero;
  if (!r.Int(&zero) || zero != 0) return bad();
  s->BeginLoadedNode(master, fields);
  // Each entry reuses the pool slots after the master fields'.
  size_t master_used = used;
  std::vector<std::string_view> fv;
  StreamID last = master;
  bool first = true;
  for (int64_t left = count + deleted; left > 0; left--) {
    used = master_used;
    int64_t flags, ms_diff, seq_diff, nfields = master_fields;
    if (!r.Int(&flags) || !r.Int(&ms_diff) || !r.Int(&seq_diff)) return bad();
    bool same = (flags & kItemSameFields) != 0;
    int64_t extra = 3;
    fv.clear();
    if (!same) {
      if (!r.Count(&nfields)) return bad();
      for (int64_t j = 0; j < 2 * nfields; j++) {
        std::string_view x;
        if (!r.Str(&pool, &used, &x)) return bad();
        fv.push_back(x);
      }
      extra += nfields + 1;
    } else {
      for (int64_t j = 0; j < nfields; j++) {
        std::string_view v;
        if (!r.Str(&pool, &used, &v)) return bad();
        fv.push_back(fields[j]);
        fv.push_back(v);
      }
    }
    int64_t lp_count;
    if (!r.Int(&lp_count) || lp_count != nfields + extra) return bad();
    StreamID id{master.ms + static_cast<uint64_t>(ms_diff),
                master.seq + static_cast<uint64_t>(seq_diff)};
    if (id < master || (!first && id <= last)) return dec.Fail("Stream entry IDs out of order");
    s->AddLoadedEntry(id, (flags & kItemDeleted) != 0, same, fv);
    last = id;
    first = false;
  }
  if (!r.AtEnd()) return bad();
  s->EndLoadedNode();
  *prev = last;
  *have_prev = true;
  return true;
}

bool LoadGroup(RdbDecoder& dec, bool v2, StreamValue* s) {
  std::string name;
  if (!dec.String(&name)) return dec.Fail("Error reading the consumer group name from Stream");
  StreamID last;
  if (!dec.Length(&last.ms) || !dec.Length(&last.seq)) {
    return dec.Fail("Stream cgroup ID loading failed.");
  }
  int64_t entries_read;
  if (v2) {
    uint64_t offset;
    if (!dec.Length(&offset)) return dec.Fail("Stream cgroup offset loading failed.");
    entries_read = static_cast<int64_t>(offset);
  } else {
    entries_read = s->EstimateDistanceFromFirstEverEntry(last);
  }
  StreamGroup* g = s->CreateGroup(name, last, entries_read);
  if (g == nullptr) return dec.Fail("Duplicated consumer group name " + name);
  uint64_t pel_size;
  if (!dec.Length(&pel_size)) return dec.Fail("Stream PEL size loading failed.");
  std::string_view raw;
  for (uint64_t j = 0; j < pel_size; j++) {
    if (!dec.Bytes(kRawIdSize, &raw)) return dec.Fail("Stream PEL ID loading failed.");
    StreamID id = DecodeRawId(raw);
    int64_t delivery_time;
    uint64_t delivery_count;
    if (!dec.Millis(&delivery_time) || !dec.Length(&delivery_count)) {
      return dec.Fail("Stream PEL NACK loading failed.");
    }
    if (g->pel.contains(id)) {
      return dec.Fail("Duplicated global PEL entry loading stream consumer group");
    }
    g->AddLoadedPending(id, delivery_time, delivery_count);
  }
  uint64_t consumers;
  if (!dec.Length(&consumers)) return dec.Fail("Stream consumers num loading failed.");
  for (uint64_t j = 0; j < consumers; j++) {
    std::string cname;
    if (!dec.String(&cname)) return dec.Fail("Error reading the consumer name from Stream group.");
    if (g->FindConsumer(cname) != nullptr) return dec.Fail("Duplicate stream consumer detected.");
    int64_t seen;
    if (!dec.Millis(&seen)) return dec.Fail("Stream short read reading seen time.");
    StreamConsumer* c = g->ConsumerFor(cname, seen);
    uint64_t owned;
    if (!dec.Length(&owned)) return dec.Fail("Stream consumer PEL num loading failed.");
    for (uint64_t k = 0; k < owned; k++) {
      if (!dec.Bytes(kRawIdSize, &raw)) return dec.Fail("Stream short read reading PEL streamID.");
      StreamID id = DecodeRawId(raw);
      StreamNack* nack = g->FindNack(id);
      if (nack == nullptr) return dec.Fail("Consumer entry not found in group global PEL");
      // A NACK has one owner: a second claim (by this consumer or another) is corrupt.
      if (nack->consumer != nullptr) {
        return dec.Fail("Duplicated consumer PEL entry  loading a stream consumer group");
      }
      g->Assign(nack, id, c);
    }
  }
  for (const auto& [id, nack] : g->pel) {
    if (nack->consumer == nullptr) return dec.Fail("Stream CG PEL entry without consumer");
  }
  return true;
}

}  // namespace

bool StreamWriter::Step(RdbEncoder& enc, size_t units) {
  size_t done = 0;
  while (done < units) {
    switch (phase_) {
      case Phase::kStart:
        enc.Length(s_.NodeCount());
        phase_ = Phase::kNodes;
        break;
      case Phase::kNodes: {
        if (index_ == s_.NodeCount()) {
          phase_ = Phase::kMeta;
          break;
        }
        char raw[kRawIdSize];
        EncodeRawId(s_.node(index_).master, raw);
        enc.String({raw, kRawIdSize});
        uint8_t* lp = NodeListpack(s_, index_, &fields_);
        enc.String({reinterpret_cast<const char*>(lp), lp::Bytes(lp)});
        lp::Free(lp);
        done += 1 + s_.node(index_).live + s_.node(index_).deleted;
        index_++;
        break;
      }
      case Phase::kMeta:
        enc.Length(s_.length());
        enc.Length(s_.last_id().ms);
        enc.Length(s_.last_id().seq);
        enc.Length(s_.first_id().ms);
        enc.Length(s_.first_id().seq);
        enc.Length(s_.max_deleted_id().ms);
        enc.Length(s_.max_deleted_id().seq);
        enc.Length(s_.entries_added());
        enc.Length(s_.group_count());
        group_ = s_.groups().begin();
        phase_ = Phase::kGroup;
        break;
      case Phase::kGroup: {
        if (group_ == s_.groups().end()) {
          phase_ = Phase::kDone;
          return true;
        }
        const StreamGroup& g = *group_->second;
        enc.String(group_->first);
        enc.Length(g.last_id.ms);
        enc.Length(g.last_id.seq);
        enc.Length(static_cast<uint64_t>(g.entries_read));
        enc.Length(g.pel.size());
        pel_ = g.pel.begin();
        phase_ = Phase::kPel;
        done++;
        break;
      }
      case Phase::kPel: {
        const StreamGroup& g = *group_->second;
        for (; pel_ != g.pel.end() && done < units; ++pel_, ++done) {
          SaveRawId(enc, pel_->first);
          enc.Millis(pel_->second->delivery_time);
          enc.Length(pel_->second->delivery_count);
        }
        if (pel_ != g.pel.end()) break;
        enc.Length(g.consumers.size());
        consumer_ = g.consumers.begin();
        phase_ = Phase::kConsumer;
        break;
      }
      case Phase::kConsumer: {
        const StreamGroup& g = *group_->second;
        if (consumer_ == g.consumers.end()) {
          ++group_;
          phase_ = Phase::kGroup;
          break;
        }
        const StreamConsumer& c = *consumer_->second;
        enc.String(consumer_->first);
        enc.Millis(c.seen_time);
        enc.Length(c.pel.size());
        pel_ = c.pel.begin();
        phase_ = Phase::kConsumerPel;
        done++;
        break;
      }
      case Phase::kConsumerPel: {
        const StreamConsumer& c = *consumer_->second;
        for (; pel_ != c.pel.end() && done < units; ++pel_, ++done) SaveRawId(enc, pel_->first);
        if (pel_ != c.pel.end()) break;
        ++consumer_;
        phase_ = Phase::kConsumer;
        break;
      }
      case Phase::kDone:
        return true;
    }
  }
  return phase_ == Phase::kDone;
}

void SaveStream(RdbEncoder& enc, const StreamValue& s) {
  StreamWriter w(s);
  while (!w.Step(enc, SIZE_MAX)) {
  }
}

LoadOutcome LoadStream(RdbDecoder& dec, uint8_t type, std::string_view key, Entry** out) {
  bool v2 = type == kTypeStreamListpacks2;
  auto s = std::make_unique<StreamValue>();
  uint64_t nodes;
  if (!dec.Length(&nodes)) {
    dec.Fail("Stream listpacks len loading failed.");
    return LoadOutcome::kError;
  }
  StreamID prev, prev_master;
  bool have_prev = false;
  for (uint64_t i = 0; i < nodes; i++) {
    if (!LoadNode(dec, s.get(), &prev, &have_prev, &prev_master)) return LoadOutcome::kError;
  }
  uint64_t length;
  StreamID last, first, max_deleted;
  uint64_t entries_added;
  bool ok = dec.Length(&length) && dec.Length(&last.ms) && dec.Length(&last.seq);
  if (ok && v2) {
    ok = dec.Length(&first.ms) && dec.Length(&first.seq) && dec.Length(&max_deleted.ms) &&
         dec.Length(&max_deleted.seq) && dec.Length(&entries_added);
  } else {
    entries_added = length;
  }
  if (!ok) {
    dec.Fail("Stream object metadata loading failed.");
    return LoadOutcome::kError;
  }
  if (length != s->length()) {
    dec.Fail("Stream length inconsistent with rax entries");
    return LoadOutcome::kError;
  }
  if (have_prev && prev > last) {
    dec.Fail("Stream last ID below an entry's ID");
    return LoadOutcome::kError;
  }
  s->SetMeta(last, max_deleted, entries_added);
  uint64_t groups;
  if (!dec.Length(&groups)) {
    dec.Fail("Stream cgroup count loading failed.");
    return LoadOutcome::kError;
  }
  for (uint64_t i = 0; i < groups; i++) {
    if (!LoadGroup(dec, v2, s.get())) return LoadOutcome::kError;
  }
  *out = Entry::NewObject(key, ValueType::kStream, s.release(), Entry::kNoExpire);
  return LoadOutcome::kOk;
}

}  // namespace duet::rdb
