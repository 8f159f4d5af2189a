#include "types/stream.h"

#include <malloc.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "common/strutil.h"
#include "types/listpack.h"
#include "types/stream_group.h"

namespace duet::stream {

namespace {

constexpr uint8_t kFlagDeleted = 1;
constexpr uint8_t kFlagSameFields = 2;
constexpr size_t kListpackMaxSize = size_t{1} << 30;  // STREAM_LISTPACK_MAX_SIZE
// An entry's first varint is (ms delta << 2 | flags); a delta of 2^62 - 1 or more does not
// fit there, so the field holds this value and the delta follows as a varint of its own.
constexpr uint64_t kMsDeltaEscape = (uint64_t{1} << 62) - 1;

size_t VarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    n++;
  }
  return n;
}

uint8_t* PutVarint(uint8_t* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<uint8_t>(v);
  return p;
}

const uint8_t* GetVarint(const uint8_t* p, uint64_t* v) {
  uint64_t r = 0;
  int shift = 0;
  while (*p & 0x80) {
    r |= uint64_t{static_cast<uint8_t>(*p & 0x7f)} << shift;
    shift += 7;
    p++;
  }
  r |= uint64_t{*p} << shift;
  *v = r;
  return p + 1;
}

uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
int64_t UnZigZag(uint64_t v) { return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1)); }

// Size of an integer element in a Redis listpack (encoding + data + backlen).
size_t LpIntSize(int64_t v) {
  if (v >= 0 && v <= 127) return 2;
  if (v >= -4096 && v <= 4095) return 3;
  if (v >= INT16_MIN && v <= INT16_MAX) return 4;
  if (v >= -(1 << 23) && v <= (1 << 23) - 1) return 5;
  if (v >= INT32_MIN && v <= INT32_MAX) return 6;
  return 10;
}

const uint8_t* SkipString(const uint8_t* p) {
  uint64_t len;
  p = GetVarint(p, &len);
  return p + len;
}
const uint8_t* ReadString(const uint8_t* p, std::string_view* s) {
  uint64_t len;
  p = GetVarint(p, &len);
  *s = std::string_view(reinterpret_cast<const char*>(p), len);
  return p + len;
}

// Decoded header of one entry.
struct EntryHead {
  uint8_t flags;
  StreamID id;
  const uint8_t* body;  // after the ID
};

const uint8_t* ReadHead(const StreamNode& n, const uint8_t* p, EntryHead* h) {
  uint64_t a, b;
  p = GetVarint(p, &a);
  uint64_t ms_delta = a >> 2;
  if (ms_delta == kMsDeltaEscape) p = GetVarint(p, &ms_delta);
  p = GetVarint(p, &b);
  h->flags = static_cast<uint8_t>(a & 3);
  h->id.ms = n.master.ms + ms_delta;
  h->id.seq = n.master.seq + static_cast<uint64_t>(UnZigZag(b));
  h->body = p;
  return p;
}

// Skips the body of an entry whose head was read; returns the next entry.
const uint8_t* SkipBody(const StreamNode& n, const EntryHead& h) {
  const uint8_t* p = h.body;
  if (h.flags & kFlagSameFields) {
    for (uint32_t i = 0; i < n.master_fields; i++) p = SkipString(p);
  } else {
    uint64_t nf;
    p = GetVarint(p, &nf);
    for (uint64_t i = 0; i < nf * 2; i++) p = SkipString(p);
  }
  return p;
}

void ReadBody(const StreamNode& n, const EntryHead& h, std::vector<std::string_view>* fv) {
  fv->clear();
  const uint8_t* p = h.body;
  if (h.flags & kFlagSameFields) {
    const uint8_t* m = n.data;
    uint64_t nf;
    m = GetVarint(m, &nf);
    for (uint64_t i = 0; i < nf; i++) {
      std::string_view f, v;
      m = ReadString(m, &f);
      p = ReadString(p, &v);
      fv->push_back(f);
      fv->push_back(v);
    }
  } else {
    uint64_t nf;
    p = GetVarint(p, &nf);
    for (uint64_t i = 0; i < nf * 2; i++) {
      std::string_view s;
      p = ReadString(p, &s);
      fv->push_back(s);
    }
  }
}

const uint8_t* FirstEntry(const StreamNode& n) { return n.data + n.master_len; }

void Reserve(StreamNode& n, size_t extra) {
  size_t need = n.size + extra;
  if (n.data != nullptr && need <= malloc_usable_size(n.data)) return;
  size_t cap = std::max(need, size_t{n.size} + n.size / 2);
  n.data = static_cast<uint8_t*>(realloc(n.data, cap));
}

void ShrinkToFit(StreamNode& n) {
  if (n.data != nullptr && malloc_usable_size(n.data) > n.size + 8) {
    n.data = static_cast<uint8_t*>(realloc(n.data, n.size));
  }
}

size_t LpBytes(const StreamNode& n) {
  return n.lp_static + LpIntSize(n.live) + LpIntSize(n.deleted);
}

}  // namespace

bool StreamID::Incr() {
  if (seq == UINT64_MAX) {
    if (ms == UINT64_MAX) {
      ms = seq = 0;
      return false;
    }
    ms++;
    seq = 0;
  } else {
    seq++;
  }
  return true;
}

bool StreamID::Decr() {
  if (seq == 0) {
    if (ms == 0) {
      ms = seq = UINT64_MAX;
      return false;
    }
    ms--;
    seq = UINT64_MAX;
  } else {
    seq--;
  }
  return true;
}

namespace {
// Decimal digits of `v` at `out`; returns how many.
size_t FormatU64(uint64_t v, char* out) {
  char tmp[20];
  size_t n = 0;
  do {
    tmp[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  for (size_t i = 0; i < n; i++) out[i] = tmp[n - 1 - i];
  return n;
}
}  // namespace

size_t StreamID::Format(char* buf) const {
  size_t n = FormatU64(ms, buf);
  buf[n++] = '-';
  return n + FormatU64(seq, buf + n);
}

std::string StreamID::ToString() const {
  char buf[kMaxFormatted];
  return std::string(buf, Format(buf));
}

namespace {
bool ParseU64(std::string_view s, uint64_t* out) {
  if (std::optional<int64_t> v = ParseInt64(s)) {
    if (*v < 0) return false;
    *out = static_cast<uint64_t>(*v);
    return true;
  }
  // Redis's string2ull falls back to strtoull, with its leniency (spaces, '+', a '-' that
  // negates, leading zeros).
  std::string tmp(s);
  char* end = nullptr;
  errno = 0;
  unsigned long long u = strtoull(tmp.c_str(), &end, 10);
  if (errno == EINVAL || errno == ERANGE || tmp.empty() || *end != '\0') return false;
  *out = u;
  return true;
}
}  // namespace

bool ParseID(std::string_view s, uint64_t missing_seq, bool strict, StreamID* id, bool* seq_given) {
  if (s.size() > 127) return false;
  // Redis parses a C string: a NUL byte ends it.
  if (size_t z = s.find('\0'); z != std::string_view::npos) s = s.substr(0, z);
  if (strict && (s == "-" || s == "+")) return false;
  if (seq_given) *seq_given = true;
  if (s == "-") {
    *id = StreamID{0, 0};
    return true;
  }
  if (s == "+") {
    *id = StreamID::Max();
    return true;
  }
  size_t dash = s.find('-');
  uint64_t ms, seq;
  if (!ParseU64(s.substr(0, dash), &ms)) return false;
  if (dash != std::string_view::npos) {
    std::string_view rest = s.substr(dash + 1);
    if (seq_given && rest == "*") {
      seq = 0;
      *seq_given = false;
    } else if (!ParseU64(rest, &seq)) {
      return false;
    }
  } else {
    seq = missing_seq;
  }
  *id = StreamID{ms, seq};
  return true;
}

StreamValue::~StreamValue() {
  for (StreamNode& n : nodes_) free(n.data);
}

size_t NodeAllocSize(const StreamNode& n) { return n.data ? malloc_usable_size(n.data) : 0; }

size_t StreamValue::MemoryUsage() const {
  size_t total = sizeof(StreamValue) + nodes_.capacity() * sizeof(StreamNode);
  for (const StreamNode& n : nodes_) total += NodeAllocSize(n);
  if (groups_) {
    for (const auto& [name, g] : *groups_) {
      total += sizeof(StreamGroup) + name.size() + 48;
      total += g->pel.bytes_used() + g->pel.size() * 32;  // the trees' nodes, NACK blocks
      for (const auto& [cname, c] : g->consumers) {
        total += sizeof(StreamConsumer) + cname.size() + 48 + c->pel.bytes_used();
      }
    }
  }
  return total;
}

size_t StreamValue::FreeEffort() const {
  size_t effort = nodes_.size();
  if (groups_) {
    for (const auto& [name, g] : *groups_) effort += 1 + g->pel.size() + g->consumers.size();
  }
  return std::max<size_t>(effort, 1);
}

CompositeValue* StreamValue::Clone() const {
  auto* s = new StreamValue();
  s->nodes_ = nodes_;
  for (StreamNode& n : s->nodes_) {
    auto* d = static_cast<uint8_t*>(malloc(std::max<size_t>(n.size, 1)));
    memcpy(d, n.data, n.size);
    n.data = d;
  }
  s->length_ = length_;
  s->last_id_ = last_id_;
  s->first_id_ = first_id_;
  s->max_deleted_id_ = max_deleted_id_;
  s->entries_added_ = entries_added_;
  if (groups_) {
    for (const auto& [name, g] : *groups_) {
      StreamGroup* ng = s->CreateGroup(name, g->last_id, g->entries_read);
      for (const auto& [id, nack] : g->pel)
        ng->AddLoadedPending(id, nack->delivery_time, nack->delivery_count);
      for (const auto& [cname, c] : g->consumers) {
        StreamConsumer* nc = ng->ConsumerFor(cname, c->seen_time);
        nc->seen_time = c->seen_time;
        for (const auto& [id, nack] : c->pel) ng->AssignLoaded(id, nc);
      }
    }
  }
  return s;
}

void StreamValue::SetMeta(StreamID last_id, StreamID max_deleted, uint64_t entries_added) {
  last_id_ = last_id;
  max_deleted_id_ = max_deleted;
  entries_added_ = entries_added;
  RecomputeFirstId();
}

StreamID StreamValue::NextId(uint64_t now_ms) const {
  if (now_ms > last_id_.ms) return StreamID{now_ms, 0};
  StreamID id = last_id_;
  id.Incr();
  return id;
}

void StreamValue::Append(StreamID id, std::span<const std::string_view> fv,
                         const NodeLimits& limits) {
  AppendImpl(id, fv, limits);
  entries_added_++;
  last_id_ = id;
}

void StreamValue::AppendLoaded(StreamID id, std::span<const std::string_view> fv,
                               const NodeLimits& limits) {
  AppendImpl(id, fv, limits);
  last_id_ = std::max(last_id_, id);
}

void StreamValue::AppendImpl(StreamID id, std::span<const std::string_view> fv,
                             const NodeLimits& limits) {
  size_t nfields = fv.size() / 2;
  size_t totelelen = 0;
  for (std::string_view s : fv) totelelen += s.size();
  StreamNode* n = nodes_.empty() ? nullptr : &nodes_.back();
  if (n != nullptr) {
    size_t max_bytes = limits.max_bytes;
    if (max_bytes == 0 || max_bytes > kListpackMaxSize) max_bytes = kListpackMaxSize;
    bool new_node = false;
    if (LpBytes(*n) + totelelen >= max_bytes) {
      new_node = true;
    } else if (limits.max_entries != 0 && int64_t{n->live} + n->deleted >= limits.max_entries) {
      new_node = true;
    }
    if (new_node) {
      ShrinkToFit(*n);
      n = nullptr;
    }
  }
  uint8_t flags = 0;
  if (n == nullptr) {
    std::vector<std::string_view> fields(nfields);
    for (size_t i = 0; i < nfields; i++) fields[i] = fv[2 * i];
    n = &PushNode(id, fields);
    // The master fields are this entry's, unless they were too big to keep.
    if (n->master_fields == nfields) flags = kFlagSameFields;
  } else if (nfields == n->master_fields) {
    const uint8_t* m = n->data;
    uint64_t mf;
    m = GetVarint(m, &mf);
    size_t i = 0;
    for (; i < nfields; i++) {
      std::string_view f;
      m = ReadString(m, &f);
      if (f != fv[2 * i]) break;
    }
    if (i == nfields) flags = kFlagSameFields;
  }
  WriteEntry(*n, id, flags, fv);
  length_++;
  if (length_ == 1) first_id_ = id;
}

StreamNode& StreamValue::PushNode(StreamID master, std::span<const std::string_view> fields) {
  StreamNode node;
  node.master = master;
  size_t nfields = fields.size();
  size_t mlen = VarintSize(nfields);
  size_t lp = lp::kHeaderSize + 1 + LpIntSize(static_cast<int64_t>(nfields)) + 2;
  for (std::string_view f : fields) {
    mlen += VarintSize(f.size()) + f.size();
    lp += lp::EntrySizeFor(f);
  }
  // Masters too big for the 16-bit bookkeeping are not used as a reference.
  bool usable = mlen <= UINT16_MAX && nfields <= UINT16_MAX;
  if (!usable) {
    nfields = 0;
    mlen = 1;
  }
  node.master_len = static_cast<uint16_t>(mlen);
  node.master_fields = static_cast<uint16_t>(nfields);
  node.lp_static = static_cast<uint32_t>(lp);
  Reserve(node, mlen + 64);
  uint8_t* p = PutVarint(node.data, nfields);
  for (size_t i = 0; i < nfields; i++) {
    p = PutVarint(p, fields[i].size());
    memcpy(p, fields[i].data(), fields[i].size());
    p += fields[i].size();
  }
  node.size = static_cast<uint32_t>(p - node.data);
  nodes_.push_back(node);
  return nodes_.back();
}

void StreamValue::WriteEntry(StreamNode& n, StreamID id, uint8_t flags,
                             std::span<const std::string_view> fv) {
  size_t nfields = fv.size() / 2;
  // Redis's listpack bytes for this entry: flags, ms-diff, seq-diff, [count, fields],
  // values, lp-count.
  int64_t ms_delta = static_cast<int64_t>(id.ms - n.master.ms);
  int64_t seq_delta = static_cast<int64_t>(id.seq - n.master.seq);
  int64_t lp_count = static_cast<int64_t>(nfields) + 3;
  size_t lp = 2 + LpIntSize(ms_delta) + LpIntSize(seq_delta);
  uint64_t ms_field = std::min(id.ms - n.master.ms, kMsDeltaEscape);
  size_t bytes = VarintSize(ms_field << 2 | flags) + VarintSize(ZigZag(seq_delta));
  if (ms_field == kMsDeltaEscape) bytes += VarintSize(id.ms - n.master.ms);
  if (!(flags & kFlagSameFields)) {
    lp_count += static_cast<int64_t>(nfields) + 1;
    lp += LpIntSize(static_cast<int64_t>(nfields));
    bytes += VarintSize(nfields);
    for (std::string_view s : fv) {
      lp += lp::EntrySizeFor(s);
      bytes += VarintSize(s.size()) + s.size();
    }
  } else {
    for (size_t i = 0; i < nfields; i++) {
      lp += lp::EntrySizeFor(fv[2 * i + 1]);
      bytes += VarintSize(fv[2 * i + 1].size()) + fv[2 * i + 1].size();
    }
  }
  lp += LpIntSize(lp_count);
  Reserve(n, bytes);
  uint8_t* p = n.data + n.size;
  p = PutVarint(p, ms_field << 2 | flags);
  if (ms_field == kMsDeltaEscape) p = PutVarint(p, id.ms - n.master.ms);
  p = PutVarint(p, ZigZag(seq_delta));
  auto put = [&](std::string_view s) {
    p = PutVarint(p, s.size());
    memcpy(p, s.data(), s.size());
    p += s.size();
  };
  if (!(flags & kFlagSameFields)) {
    p = PutVarint(p, nfields);
    for (std::string_view s : fv) put(s);
  } else {
    for (size_t i = 0; i < nfields; i++) put(fv[2 * i + 1]);
  }
  n.size = static_cast<uint32_t>(p - n.data);
  n.lp_static += static_cast<uint32_t>(lp);
  if (flags & kFlagDeleted) {
    n.deleted++;
  } else {
    n.live++;
  }
}

void StreamValue::NodeMasterFields(size_t i, std::vector<std::string_view>* out) const {
  out->clear();
  const uint8_t* m = nodes_[i].data;
  uint64_t nf;
  m = GetVarint(m, &nf);
  for (uint64_t j = 0; j < nf; j++) {
    std::string_view f;
    m = ReadString(m, &f);
    out->push_back(f);
  }
}

void StreamValue::ForEachNodeEntry(size_t i, FunctionRef<void(const NodeEntry&)> fn) const {
  const StreamNode& n = nodes_[i];
  NodeEntry e;
  const uint8_t* p = FirstEntry(n);
  const uint8_t* stop = n.data + n.size;
  while (p < stop) {
    EntryHead h;
    ReadHead(n, p, &h);
    e.id = h.id;
    e.deleted = (h.flags & kFlagDeleted) != 0;
    e.same_fields = (h.flags & kFlagSameFields) != 0;
    ReadBody(n, h, &e.fv);
    p = SkipBody(n, h);
    fn(e);
  }
}

void StreamValue::BeginLoadedNode(StreamID master,
                                  std::span<const std::string_view> master_fields) {
  PushNode(master, master_fields);
}

void StreamValue::AddLoadedEntry(StreamID id, bool deleted, bool same_fields,
                                 std::span<const std::string_view> fv) {
  StreamNode* n = &nodes_.back();
  uint8_t flags = deleted ? kFlagDeleted : 0;
  // Values only when the node kept its master fields (a master too big to keep is not).
  if (same_fields && n->master_fields == fv.size() / 2) flags |= kFlagSameFields;
  WriteEntry(*n, id, flags, fv);
  if (!deleted) length_++;
}

void StreamValue::EndLoadedNode() {
  if (nodes_.empty()) return;
  if (nodes_.back().live == 0) {
    RemoveNode(nodes_.size() - 1);
  } else {
    ShrinkToFit(nodes_.back());
  }
}

size_t StreamValue::NodeFor(StreamID id) const {
  auto it = std::upper_bound(nodes_.begin(), nodes_.end(), id,
                             [](StreamID v, const StreamNode& n) { return v < n.master; });
  if (it == nodes_.begin()) return 0;
  return static_cast<size_t>(it - nodes_.begin()) - 1;
}

bool StreamValue::ForEachEntryIn(const StreamNode& n, bool rev, StreamID start, StreamID end,
                                 size_t* given, size_t count, void* fn_ctx,
                                 bool (*fn)(void*, const EntryView&)) const {
  EntryView view;
  const uint8_t* p = FirstEntry(n);
  const uint8_t* stop = n.data + n.size;
  if (!rev) {
    while (p < stop) {
      EntryHead h;
      ReadHead(n, p, &h);
      p = SkipBody(n, h);
      if (h.flags & kFlagDeleted) continue;
      if (h.id < start) continue;
      if (h.id > end) return false;
      view.id = h.id;
      ReadBody(n, h, &view.fv);
      ++*given;
      if (!fn(fn_ctx, view)) return false;
      if (count != 0 && *given >= count) return false;
    }
    return true;
  }
  std::vector<const uint8_t*> offsets;
  offsets.reserve(n.live + n.deleted);
  while (p < stop) {
    offsets.push_back(p);
    EntryHead h;
    ReadHead(n, p, &h);
    p = SkipBody(n, h);
  }
  for (size_t i = offsets.size(); i-- > 0;) {
    EntryHead h;
    ReadHead(n, offsets[i], &h);
    if (h.flags & kFlagDeleted) continue;
    if (h.id > end) continue;
    if (h.id < start) return false;
    view.id = h.id;
    ReadBody(n, h, &view.fv);
    ++*given;
    if (!fn(fn_ctx, view)) return false;
    if (count != 0 && *given >= count) return false;
  }
  return true;
}

std::optional<EntryView> StreamValue::Get(StreamID id) const {
  std::optional<EntryView> out;
  Range(id, id, false, 1, [&](const EntryView& e) {
    out = e;
    return false;
  });
  return out;
}

void StreamValue::RemoveNode(size_t index) {
  free(nodes_[index].data);
  nodes_.erase(nodes_.begin() + static_cast<ptrdiff_t>(index));
}

void StreamValue::RecomputeFirstId() {
  first_id_ = StreamID{};
  Range(StreamID{}, StreamID::Max(), false, 1, [&](const EntryView& e) {
    first_id_ = e.id;
    return false;
  });
}

bool StreamValue::Delete(StreamID id) {
  if (nodes_.empty()) return false;
  size_t idx = NodeFor(id);
  StreamNode& n = nodes_[idx];
  uint8_t* p = n.data + n.master_len;
  uint8_t* stop = n.data + n.size;
  while (p < stop) {
    EntryHead h;
    ReadHead(n, p, &h);
    uint8_t* next = const_cast<uint8_t*>(SkipBody(n, h));
    if (h.id == id) {
      if (h.flags & kFlagDeleted) return false;
      // The flags are the low bits of the entry's first varint byte.
      p[0] |= kFlagDeleted;
      length_--;
      if (n.live == 1) {
        RemoveNode(idx);
      } else {
        n.live--;
        n.deleted++;
      }
      if (length_ == 0) {
        first_id_ = StreamID{};
      } else if (id == first_id_) {
        RecomputeFirstId();
      }
      return true;
    }
    if (h.id > id) return false;
    p = next;
  }
  return false;
}

int64_t StreamValue::Trim(const TrimArgs& args) {
  if (args.strategy == TrimArgs::kNone) return 0;
  int64_t deleted = 0;
  uint64_t maxlen = static_cast<uint64_t>(args.maxlen);
  while (!nodes_.empty()) {
    if (args.strategy == TrimArgs::kMaxLen && length_ <= maxlen) break;
    StreamNode& n = nodes_.front();
    int64_t entries = n.live;
    if (args.limit != 0 && deleted + entries > args.limit) break;
    bool remove_node;
    if (args.strategy == TrimArgs::kMaxLen) {
      remove_node = length_ - entries >= maxlen;
    } else {
      // The node's last entry, deleted or not (lpGetEdgeStreamID reads the last one).
      StreamID last{};
      const uint8_t* p = FirstEntry(n);
      const uint8_t* stop = n.data + n.size;
      while (p < stop) {
        EntryHead h;
        ReadHead(n, p, &h);
        last = h.id;
        p = SkipBody(n, h);
      }
      remove_node = last < args.minid;
    }
    if (remove_node) {
      length_ -= entries;
      deleted += entries;
      RemoveNode(0);
      continue;
    }
    if (args.approx) break;
    int64_t from_node = 0;
    uint8_t* p = n.data + n.master_len;
    uint8_t* stop = n.data + n.size;
    while (p < stop) {
      EntryHead h;
      ReadHead(n, p, &h);
      uint8_t* next = const_cast<uint8_t*>(SkipBody(n, h));
      bool halt = args.strategy == TrimArgs::kMaxLen ? length_ <= maxlen : h.id >= args.minid;
      if (halt) break;
      if (!(h.flags & kFlagDeleted)) {
        p[0] |= kFlagDeleted;
        from_node++;
        length_--;
      }
      p = next;
    }
    n.live -= static_cast<uint32_t>(from_node);
    n.deleted += static_cast<uint32_t>(from_node);
    deleted += from_node;
    break;
  }
  if (length_ == 0) {
    first_id_ = StreamID{};
  } else if (deleted != 0) {
    RecomputeFirstId();
  }
  return deleted;
}

// ---- groups ----

StreamGroup* StreamValue::FindGroup(std::string_view name) const {
  if (!groups_) return nullptr;
  auto it = groups_->find(name);
  return it == groups_->end() ? nullptr : it->second.get();
}

StreamGroup* StreamValue::CreateGroup(std::string_view name, StreamID last_id,
                                      int64_t entries_read) {
  if (!groups_) groups_ = std::make_unique<GroupMap>();
  auto [it, inserted] = groups_->try_emplace(std::string(name), nullptr);
  if (!inserted) return nullptr;
  it->second = std::make_unique<StreamGroup>(last_id, entries_read);
  return it->second.get();
}

bool StreamValue::DestroyGroup(std::string_view name) {
  if (!groups_) return false;
  auto it = groups_->find(name);
  if (it == groups_->end()) return false;
  groups_->erase(it);
  return true;
}

const StreamValue::GroupMap& StreamValue::groups() const {
  static const GroupMap kEmpty;
  return groups_ ? *groups_ : kEmpty;
}

bool StreamValue::RangeHasTombstones(StreamID start, StreamID end) const {
  if (length_ == 0 || max_deleted_id_.IsZero()) return false;
  if (first_id_ > max_deleted_id_) return false;
  return start <= max_deleted_id_ && max_deleted_id_ <= end;
}

int64_t StreamValue::EstimateDistanceFromFirstEverEntry(StreamID id) const {
  if (entries_added_ == 0) return 0;
  if (length_ == 0 && id <= last_id_) return static_cast<int64_t>(entries_added_);
  if (id == last_id_) return static_cast<int64_t>(entries_added_);
  if (id > last_id_) return -1;
  if (max_deleted_id_.IsZero() || max_deleted_id_ < first_id_) {
    if (id < first_id_) return static_cast<int64_t>(entries_added_ - length_);
    if (id == first_id_) return static_cast<int64_t>(entries_added_ - length_ + 1);
  }
  return -1;
}

std::optional<int64_t> StreamValue::GroupLag(const StreamGroup& g) const {
  if (entries_added_ == 0) return 0;
  if (g.entries_read != -1 && !RangeHasTombstones(g.last_id, StreamID::Max())) {
    return static_cast<int64_t>(entries_added_) - g.entries_read;
  }
  int64_t read = EstimateDistanceFromFirstEverEntry(g.last_id);
  if (read != -1) return static_cast<int64_t>(entries_added_) - read;
  return std::nullopt;
}

}  // namespace duet::stream
