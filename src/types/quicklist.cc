#include "types/quicklist.h"

#include <liblzf/lzf.h>
#include <malloc.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "common/strutil.h"
#include "types/listpack.h"

namespace duet {

namespace {

// Redis's optimization_level: the byte limits of fill -1..-5.
constexpr size_t kSizeLimits[] = {4096, 8192, 16384, 32768, 65536};
// Redis's SIZE_SAFETY_LIMIT: a count-limited node never grows past this many bytes.
constexpr size_t kSafetyLimit = 8192;
// Redis's MIN_COMPRESS_BYTES and MIN_COMPRESS_IMPROVE.
constexpr size_t kMinCompressBytes = 48;
constexpr size_t kMinCompressImprove = 8;

bool MeetsSizeLimit(size_t sz, int fill) {
  if (fill >= 0) return false;
  size_t offset = static_cast<size_t>(-fill) - 1;
  return offset < std::size(kSizeLimits) && sz <= kSizeLimits[offset];
}

uint32_t BlobSize(const uint8_t* blob) {
  uint32_t n;
  memcpy(&n, blob, 4);
  return n;
}

}  // namespace

Quicklist::Quicklist(int fill, int compress_depth)
    : fill_(static_cast<int16_t>(std::clamp(fill, kFillMin, kFillMax))),
      depth_(static_cast<uint16_t>(std::clamp(compress_depth, 0, kCompressMax))) {}

Quicklist::Quicklist(const Quicklist& o)
    : cap_(o.len_), begin_(0), len_(o.len_), fill_(o.fill_), depth_(o.depth_), count_(o.count_) {
  if (len_ == 0) return;
  nodes_ = static_cast<Node*>(malloc(sizeof(Node) * cap_));
  for (size_t i = 0; i < len_; i++) {
    const Node& src = o.at(i);
    Node& dst = at(i);
    dst = src;
    if (!src.plain) dst.gap = 0;  // the copy starts at its allocation
    size_t bytes = src.compressed ? 4 + BlobSize(src.data) : Bytes(src);
    dst.data = static_cast<uint8_t*>(malloc(bytes));
    memcpy(dst.data, src.data, bytes);
  }
}

Quicklist::~Quicklist() {
  for (size_t i = 0; i < len_; i++) FreeData(at(i));
  free(nodes_);
}

// ---- node array --------------------------------------------------------------------------

Quicklist::Node& Quicklist::InsertNode(size_t pos) {
  if (pos == 0 && len_ > 0) DropGap(at(0));  // only the head keeps a gap
  if (pos == 0 && begin_ > 0) {
    begin_--;
  } else if (begin_ + len_ < cap_ && (pos >= len_ / 2 || begin_ == 0)) {
    memmove(&nodes_[begin_ + pos + 1], &nodes_[begin_ + pos], (len_ - pos) * sizeof(Node));
  } else if (begin_ > 0) {
    memmove(&nodes_[begin_ - 1], &nodes_[begin_], pos * sizeof(Node));
    begin_--;
  } else {
    // Full: grow, leaving room on the side that is growing (the front when pushing at the
    // head, the back otherwise), and a little on the other.
    uint32_t new_cap = std::max<uint32_t>(1, cap_ * 2);
    auto* fresh = static_cast<Node*>(malloc(sizeof(Node) * new_cap));
    uint32_t slack = new_cap - len_ - 1;
    uint32_t new_begin = pos == 0 ? slack - slack / 4 : slack / 4;
    if (len_ > 0) {
      memcpy(&fresh[new_begin], &nodes_[begin_], pos * sizeof(Node));
      memcpy(&fresh[new_begin + pos + 1], &nodes_[begin_ + pos], (len_ - pos) * sizeof(Node));
    }
    free(nodes_);
    nodes_ = fresh;
    cap_ = new_cap;
    begin_ = new_begin;
  }
  len_++;
  return at(pos);
}

void Quicklist::EraseNodes(size_t pos, size_t n) {
  for (size_t i = pos; i < pos + n; i++) FreeData(at(i));
  if (pos == 0) {
    begin_ += n;
  } else {
    memmove(&nodes_[begin_ + pos], &nodes_[begin_ + pos + n], (len_ - pos - n) * sizeof(Node));
  }
  len_ -= n;
  if (len_ == 0) {
    begin_ = 0;
  } else if (cap_ > 8 && len_ < cap_ / 4) {
    // Shrink so a list that grew and emptied does not keep a large array.
    uint32_t new_cap = std::max<uint32_t>(len_ * 2, 4);
    auto* fresh = static_cast<Node*>(malloc(sizeof(Node) * new_cap));
    uint32_t new_begin = (new_cap - len_) / 2;
    memcpy(&fresh[new_begin], &nodes_[begin_], len_ * sizeof(Node));
    free(nodes_);
    nodes_ = fresh;
    cap_ = new_cap;
    begin_ = new_begin;
  }
}

size_t Quicklist::Locate(size_t index, size_t* offset) const {
  if (index < count_ / 2) {
    size_t i = 0;
    while (index >= at(i).count) index -= at(i++).count;
    *offset = index;
    return i;
  }
  size_t from_tail = count_ - 1 - index;  // 0 = last element
  size_t i = len_ - 1;
  while (from_tail >= at(i).count) from_tail -= at(i--).count;
  *offset = at(i).count - 1 - from_tail;
  return i;
}

// ---- fill rules (Redis's _quicklistNodeAllowInsert / _quicklistNodeAllowMerge) -----------

bool Quicklist::AllowInsert(const Node& n, size_t ele_size) const {
  if (n.plain) return false;
  // Redis estimates the new entry's overhead with ziplist sizes; kept for identical fill.
  size_t overhead = ele_size < 254 ? 1 : 5;
  overhead += ele_size < 64 ? 1 : ele_size < 16384 ? 2 : 5;
  size_t new_sz = n.sz + ele_size + overhead;
  if (MeetsSizeLimit(new_sz, fill_)) return true;
  if (new_sz > kSafetyLimit) return false;
  return n.count < fill_;
}

bool Quicklist::AllowMerge(const Node& a, const Node& b) const {
  if (a.plain || b.plain) return false;
  size_t merge_sz = a.sz + b.sz - 7;  // one header and one end marker go
  if (MeetsSizeLimit(merge_sz, fill_)) return true;
  if (merge_sz > kSafetyLimit) return false;
  return static_cast<int>(a.count + b.count) <= fill_;
}

// ---- compression -------------------------------------------------------------------------

uint8_t* Quicklist::Raw(Node& n) {
  if (!n.compressed) return n.data;
  auto* lp = static_cast<uint8_t*>(malloc(n.sz));
  unsigned got = lzf_decompress(n.data + 4, BlobSize(n.data), lp, n.sz);
  if (got != n.sz) abort();  // our own compressed bytes: cannot happen
  free(n.data);
  n.data = lp;
  n.compressed = 0;
  return lp;
}

void Quicklist::Compress(Node& n) {
  if (n.compressed || n.sz < kMinCompressBytes) return;
  if (n.plain && n.gap != 0) return;  // 4 GB or more: past what LZF's lengths can say
  auto* blob = static_cast<uint8_t*>(malloc(4 + n.sz));
  unsigned clen = lzf_compress(n.data, n.sz, blob + 4, n.sz);
  if (clen == 0 || clen + kMinCompressImprove >= n.sz) {
    free(blob);
    return;
  }
  memcpy(blob, &clen, 4);
  blob = static_cast<uint8_t*>(realloc(blob, 4 + clen));
  FreeData(n);
  n.data = blob;
  n.gap = 0;
  n.compressed = 1;
}

void Quicklist::Settle(size_t i) {
  if (depth_ == 0 || i >= len_) return;
  bool interior = len_ > 2 * static_cast<size_t>(depth_) && i >= depth_ && i < len_ - depth_;
  if (interior) {
    Compress(at(i));
  } else {
    Raw(at(i));
  }
}

void Quicklist::SettleEnds() {
  if (depth_ == 0) return;
  size_t span = std::min<size_t>(len_, static_cast<size_t>(depth_) + 1);
  for (size_t i = 0; i < span; i++) {
    Settle(i);
    Settle(len_ - 1 - i);
  }
}

void Quicklist::SetSize(Node& n) { n.sz = static_cast<uint32_t>(lp::Bytes(n.data)); }

// ---- the head gap (rules in quicklist.h) -------------------------------------------------

// A compressed node's blob, a node without gap and a plain node start their allocation.
void Quicklist::FreeData(Node& n) { free(n.plain ? n.data : n.data - n.gap); }

uint8_t* Quicklist::Mut(Node& n) {
  uint8_t* lp = Raw(n);
  if (n.gap == 0 || n.plain) return lp;
  uint8_t* base = lp - n.gap;
  memmove(base, lp, n.sz);
  n.data = base;
  n.gap = 0;
  return base;
}

void Quicklist::DropGap(Node& n) {
  if (n.gap == 0 || n.plain) return;
  uint8_t* base = n.data - n.gap;
  if (n.gap > n.sz / 8) {
    Compact(n, base);  // worth returning
  } else {
    memmove(base, n.data, n.sz);
    n.data = base;
    n.gap = 0;
  }
}

void Quicklist::RegapAndPrepend(Node& n, std::string_view ele, size_t target) {
  // n.data == nullptr: a new, empty node.
  const uint8_t* src = n.data ? n.data : lp::kEmpty;
  size_t sz = n.data ? n.sz : sizeof(lp::kEmpty);
  size_t entry = lp::EntrySizeFor(ele);
  if (entry > kMaxGap) {  // too big for a gap: the node has none
    n.data = lp::Prepend(n.data ? Mut(n) : lp::New(), ele);
    SetSize(n);
    return;
  }
  size_t cap = std::max(sz + entry, std::min(target, sz + kMaxGap));
  auto* base = static_cast<uint8_t*>(malloc(cap));
  if (base == nullptr) abort();
  // The listpack goes to the end of the usable size: the size class's slack is gap too.
  size_t gap = std::min(malloc_usable_size(base) - sz, kMaxGap);
  uint8_t* lp = base + gap;
  memcpy(lp, src, sz);
  // Written before the old buffer is freed: `ele` may be a view into it.
  uint8_t* start = lp::PrependInGap(lp, gap, ele);
  if (n.data) FreeData(n);
  n.data = start;
  n.gap = static_cast<uint16_t>(gap - entry);
  n.sz = static_cast<uint32_t>(sz + entry);
}

void Quicklist::DropHeadFront(Node& n, size_t k) {
  uint8_t* start = lp::DropFront(n.data, static_cast<uint32_t>(k));
  size_t freed = static_cast<size_t>(start - n.data);
  size_t gap = n.gap + freed;
  n.sz -= static_cast<uint32_t>(freed);
  n.data = start;
  if (gap > kMaxGap || TooSlack(n, gap)) {
    // Memory follows the list down as lpShrinkToFit's realloc does, at about one byte
    // copied per byte popped.
    Compact(n, start - gap);
  } else {
    n.gap = static_cast<uint16_t>(gap);
  }
}

bool Quicklist::AppendKeepingGap(Node& n, std::string_view ele) {
  size_t room = TailRoom(n);
  if (lp::AppendInRoom(n.data, room, ele)) return true;
  // No room at the end: when the allocation has room for the entry twice over, centre the
  // listpack in it, so a list pushed at both ends does not move its bytes back and forth.
  size_t entry = lp::EntrySizeFor(ele);
  size_t spare = n.gap + room;
  if (spare < 2 * entry) return false;
  size_t gap = (spare - entry) / 2;
  uint8_t* base = n.data - n.gap;
  memmove(base + gap, n.data, n.sz);
  n.data = base + gap;
  n.gap = static_cast<uint16_t>(gap);
  return lp::AppendInRoom(n.data, spare - gap, ele);  // spare - gap >= entry: always fits
}

size_t Quicklist::TailRoom(const Node& n) {
  return malloc_usable_size(n.data - n.gap) - n.gap - n.sz;
}

bool Quicklist::TooSlack(const Node& n, size_t slack) {
  constexpr size_t kMinSlack = 64;  // below this a copy is not worth the bytes
  return slack > std::max<size_t>(n.sz, kMinSlack);
}

void Quicklist::Compact(Node& n, uint8_t* base) {
  auto* fresh = static_cast<uint8_t*>(malloc(n.sz));
  if (fresh == nullptr) abort();
  memcpy(fresh, n.data, n.sz);
  free(base);
  n.data = fresh;
  n.gap = 0;
}

// ---- ends --------------------------------------------------------------------------------

size_t Quicklist::NewEndNodeReserve(size_t neighbour) const {
  // A list that already has kReserveMinNodes nodes and fills a new one at an end most likely
  // fills it like the full one beside it: reserve that size up front, instead of growing the
  // listpack through every allocator size class on the way (each realloc copies it and
  // leaves freed regions behind: ~0.05 bytes of RSS per element of a 1M-element list). At
  // most one node's worth per list is reserved but unused, under 1/kReserveMinNodes of it.
  // `neighbour` is read before the new node is inserted.
  constexpr size_t kReserveMinNodes = 8;
  if (len_ < kReserveMinNodes || at(neighbour).plain) return 0;
  return at(neighbour).sz;
}

Quicklist::Node Quicklist::PlainNode(std::string_view ele) {
  auto* data = static_cast<uint8_t*>(malloc(std::max<size_t>(ele.size(), 1)));
  if (data == nullptr) abort();
  memcpy(data, ele.data(), ele.size());
  Node n{};
  n.data = data;
  n.sz = static_cast<uint32_t>(ele.size());
  n.count = 1;
  n.plain = 1;
  n.gap = static_cast<uint16_t>(static_cast<uint64_t>(ele.size()) >> 32);
  return n;
}

void Quicklist::InsertPlain(size_t pos, std::string_view ele) {
  Node plain = PlainNode(ele);  // copied before InsertNode may move a view's bytes
  InsertNode(pos) = plain;
  Settle(pos);
  SettleEnds();
}

void Quicklist::PushHead(std::string_view ele, uint64_t packed_threshold) {
  if (ele.size() >= packed_threshold) {
    InsertPlain(0, ele);
  } else if (len_ > 0 && AllowInsert(at(0), ele.size())) {
    Node& n = at(0);
    uint8_t* lp = Raw(n);
    uint8_t* start = lp::PrependInGap(lp, n.gap, ele);
    if (start != nullptr) {
      auto entry = static_cast<uint32_t>(lp - start);
      n.data = start;
      n.gap = static_cast<uint16_t>(n.gap - entry);
      n.sz += entry;
    } else {
      RegapAndPrepend(n, ele, 0);  // exact size (see quicklist.h)
    }
    n.count++;
  } else {
    size_t reserve = NewEndNodeReserve(0);
    Node& n = InsertNode(0);
    n = Node{nullptr, 0, 1, 0, 0, 0};
    RegapAndPrepend(n, ele, reserve);
    SettleEnds();
  }
  count_++;
}

void Quicklist::PushTail(std::string_view ele, uint64_t packed_threshold) {
  if (ele.size() >= packed_threshold) {
    InsertPlain(len_, ele);
  } else if (len_ > 0 && AllowInsert(at(len_ - 1), ele.size())) {
    Node& n = at(len_ - 1);
    if (n.gap == 0 || !AppendKeepingGap(n, ele)) n.data = lp::Append(Mut(n), ele);
    SetSize(n);
    n.count++;
  } else {
    size_t reserve = NewEndNodeReserve(len_ - 1);
    Node& n = InsertNode(len_);
    n = Node{lp::Append(lp::New(reserve), ele), 0, 1, 0, 0, 0};
    SetSize(n);
    SettleEnds();
  }
  count_++;
}

void Quicklist::PopHead(size_t n, FunctionRef<void(std::string_view)> visit) {
  Pop(true, n, visit);
}

void Quicklist::PopTail(size_t n, FunctionRef<void(std::string_view)> visit) {
  Pop(false, n, visit);
}

void Quicklist::Pop(bool head, size_t n, FunctionRef<void(std::string_view)> visit) {
  char buf[24];
  bool dropped = false;
  while (n > 0) {
    size_t i = head ? 0 : len_ - 1;
    Node& node = at(i);
    uint8_t* lp = Raw(node);
    if (node.plain) {
      visit(std::string_view(reinterpret_cast<const char*>(lp), Bytes(node)));
      n--;
      count_--;
      EraseNodes(i, 1);
      dropped = true;
      continue;
    }
    size_t k = std::min<size_t>(n, node.count);
    uint8_t* p = head ? lp::First(lp) : lp::Last(lp);
    for (size_t j = 0; j < k; j++) {
      visit(lp::Get(p).View(buf));
      p = head ? lp::Next(lp, p) : lp::Prev(lp, p);
    }
    n -= k;
    count_ -= k;
    if (k == node.count) {
      EraseNodes(i, 1);
      dropped = true;
    } else if (head) {
      DropHeadFront(node, k);
      node.count = static_cast<uint16_t>(node.count - k);
    } else if (node.gap != 0) {
      // The tail of a one-node list with a head gap: truncate in place, bounded as head pops.
      lp::DropBack(lp, static_cast<uint32_t>(k));
      node.count = static_cast<uint16_t>(node.count - k);
      SetSize(node);
      if (TooSlack(node, node.gap + TailRoom(node))) Compact(node, node.data - node.gap);
    } else {
      int64_t first = static_cast<int64_t>(node.count - k);
      node.data = lp::DeleteRange(lp, first, static_cast<uint32_t>(k));
      node.count = static_cast<uint16_t>(node.count - k);
      SetSize(node);
    }
  }
  if (dropped) SettleEnds();
}

// ---- access by index ---------------------------------------------------------------------

bool Quicklist::Get(int64_t index, std::string* out) {
  if (index < 0) index += static_cast<int64_t>(count_);
  if (index < 0 || static_cast<size_t>(index) >= count_) return false;
  size_t off;
  size_t i = Locate(static_cast<size_t>(index), &off);
  uint8_t* lp = Raw(at(i));
  if (at(i).plain) {
    out->assign(reinterpret_cast<const char*>(lp), Bytes(at(i)));
  } else {
    char buf[24];
    out->assign(lp::Get(lp::Seek(lp, static_cast<int64_t>(off))).View(buf));
  }
  Settle(i);
  return true;
}

void Quicklist::Walk(size_t start, bool forward, FunctionRef<bool(std::string_view)> visit) {
  size_t off;
  size_t i = Locate(start, &off);
  char buf[24];
  for (;;) {
    uint8_t* lp = Raw(at(i));
    if (at(i).plain) {
      bool more = visit(std::string_view(reinterpret_cast<const char*>(lp), Bytes(at(i))));
      Settle(i);
      if (!more) return;
    }
    uint8_t* p = at(i).plain ? nullptr : lp::Seek(lp, static_cast<int64_t>(off));
    while (p != nullptr) {
      if (!visit(lp::Get(p).View(buf))) {
        Settle(i);
        return;
      }
      p = forward ? lp::Next(lp, p) : lp::Prev(lp, p);
    }
    Settle(i);
    if (forward) {
      if (++i == len_) return;
      off = 0;
    } else {
      if (i-- == 0) return;
      off = at(i).count - 1;
    }
  }
}

void Quicklist::Replace(size_t index, std::string_view ele, uint64_t packed_threshold) {
  size_t off;
  size_t i = Locate(index, &off);
  Node& n = at(i);
  bool large = ele.size() >= packed_threshold;
  if (n.plain && large) {
    Node fresh = PlainNode(ele);
    FreeData(n);
    n = fresh;
    Settle(i);
    return;
  }
  if (n.plain || large) {
    // Redis's quicklistReplaceEntry: the new element goes in after the old one by the insert
    // rules (a plain node's neighbour or a new node; or a plain node splitting this one), then
    // the old element goes.
    Insert(index, ele, true, packed_threshold);
    DeleteRange(index, 1);
    return;
  }
  uint8_t* lp = Mut(n);
  uint8_t* p = lp::Seek(lp, static_cast<int64_t>(off));
  n.data = lp::Replace(lp, &p, ele);
  SetSize(n);
  Settle(i);
}

// ---- insert in the middle ----------------------------------------------------------------

bool Quicklist::TryMerge(size_t i) {
  if (i + 1 >= len_ || !AllowMerge(at(i), at(i + 1))) return false;
  Node& a = at(i);
  Node& b = at(i + 1);
  uint8_t* into = Mut(a);
  a.data = lp::Merge(into, Raw(b));
  a.count = static_cast<uint16_t>(a.count + b.count);
  SetSize(a);
  EraseNodes(i + 1, 1);
  return true;
}

void Quicklist::InsertLarge(size_t i, size_t off, std::string_view ele, bool after) {
  Node& n = at(i);
  bool at_tail = after && off + 1 == n.count;
  bool at_head = !after && off == 0;
  if (n.plain || at_tail || at_head) return InsertPlain(after ? i + 1 : i, ele);
  // Split around the element's plain node: [0, split) stays, [split, count) moves to a new
  // node after the plain one. Redis does not merge here.
  size_t split = after ? off + 1 : off;
  uint8_t* lp = Mut(n);
  uint8_t* right = lp::DeleteRange(lp::Dup(lp), 0, static_cast<uint32_t>(split));
  auto right_count = static_cast<uint16_t>(n.count - split);
  n.data = lp::DeleteRange(lp, static_cast<int64_t>(split), right_count);
  n.count = static_cast<uint16_t>(split);
  SetSize(n);
  Node& r = InsertNode(i + 1);
  r = Node{right, 0, right_count, 0, 0, 0};
  SetSize(r);
  InsertPlain(i + 1, ele);
  Settle(i);
  Settle(i + 2);
}

void Quicklist::Insert(size_t index, std::string_view ele, bool after, uint64_t packed_threshold) {
  size_t off;
  size_t i = Locate(index, &off);
  count_++;
  if (ele.size() >= packed_threshold) return InsertLarge(i, off, ele, after);
  Node& n = at(i);
  if (AllowInsert(n, ele.size())) {
    uint8_t* lp = Mut(n);
    uint8_t* p = lp::Seek(lp, static_cast<int64_t>(off));
    n.data = lp::Insert(lp, ele, p, after ? lp::Where::kAfter : lp::Where::kBefore);
    n.count++;
    SetSize(n);
    Settle(i);
    return;
  }
  bool at_tail = after && off + 1 == n.count;
  bool at_head = !after && off == 0;
  if (at_tail && i + 1 < len_ && AllowInsert(at(i + 1), ele.size())) {
    Node& next = at(i + 1);
    next.data = lp::Prepend(Mut(next), ele);
    next.count++;
    SetSize(next);
    Settle(i + 1);
    return;
  }
  if (at_head && i > 0 && AllowInsert(at(i - 1), ele.size())) {
    Node& prev = at(i - 1);
    prev.data = lp::Append(Mut(prev), ele);
    prev.count++;
    SetSize(prev);
    Settle(i - 1);
    return;
  }
  if (at_tail || at_head) {
    size_t pos = at_tail ? i + 1 : i;
    Node& fresh = InsertNode(pos);
    fresh = Node{lp::Append(lp::New(), ele), 0, 1, 0, 0, 0};
    SetSize(fresh);
    Settle(pos);
    SettleEnds();
    return;
  }
  // Split the full node at the insertion point: [0, split) stays, [split, count) moves to a
  // new node after it, and the element joins the end of the first half.
  size_t split = after ? off + 1 : off;
  uint8_t* lp = Mut(n);
  uint8_t* right = lp::DeleteRange(lp::Dup(lp), 0, static_cast<uint32_t>(split));
  uint16_t right_count = static_cast<uint16_t>(n.count - split);
  lp = lp::DeleteRange(lp, static_cast<int64_t>(split), right_count);
  n.data = lp::Append(lp, ele);
  n.count = static_cast<uint16_t>(split + 1);
  SetSize(n);
  Node& r = InsertNode(i + 1);
  r = Node{right, 0, right_count, 0, 0, 0};
  SetSize(r);
  // Merge the halves into their outer neighbours when they fit, as Redis's
  // _quicklistMergeNodes does after a split.
  size_t right_pos = i + 1;
  if (TryMerge(right_pos)) {
    // right absorbed its next neighbour
  }
  if (i > 0 && TryMerge(i - 1)) {
    i--;
    right_pos--;
  }
  Settle(i);
  Settle(right_pos);
  SettleEnds();
}

// ---- deletion ----------------------------------------------------------------------------

void Quicklist::DeleteRange(size_t start, size_t n) {
  if (n == 0) return;
  size_t off;
  size_t i = Locate(start, &off);
  count_ -= n;
  while (n > 0) {
    Node& node = at(i);
    if (off == 0 && n >= node.count) {
      n -= node.count;
      EraseNodes(i, 1);
      continue;
    }
    size_t del = std::min<size_t>(n, node.count - off);
    if (i == 0 && off == 0) {
      Raw(node);
      DropHeadFront(node, del);
    } else {
      node.data = lp::DeleteRange(Mut(node), static_cast<int64_t>(off), static_cast<uint32_t>(del));
      SetSize(node);
    }
    node.count = static_cast<uint16_t>(node.count - del);
    Settle(i);
    n -= del;
    i++;
    off = 0;
  }
  SettleEnds();
}

size_t Quicklist::RemoveEqual(std::string_view ele, size_t limit, bool forward) {
  // Parsed once: integer elements compare with it by value.
  const std::optional<int64_t> ele_int = ParseInt64(ele);
  size_t removed = 0;
  bool dropped = false;
  size_t i = forward ? 0 : len_ - 1;
  while (i < len_ && (limit == 0 || removed < limit)) {
    Node& node = at(i);
    uint8_t* lp = Raw(node);
    size_t here = 0;
    if (node.plain) {
      // A plain node holds one element: a match takes the whole node (erased below).
      if (std::string_view(reinterpret_cast<const char*>(lp), Bytes(node)) == ele) {
        here = 1;
        removed++;
      }
    } else {
      uint8_t* p = forward ? lp::First(lp) : lp::Last(lp);
      while (p != nullptr && (limit == 0 || removed < limit)) {
        if (!lp::Equals(p, ele, ele_int)) {
          p = forward ? lp::Next(lp, p) : lp::Prev(lp, p);
          continue;
        }
        if (node.gap != 0) {  // lp::Delete may realloc: needs the allocation's start
          size_t poff = static_cast<size_t>(p - lp);
          lp = Mut(node);
          p = lp + poff;
        }
        // Offsets before the deleted element survive the reallocation.
        uint8_t* prev = forward ? nullptr : lp::Prev(lp, p);
        size_t prev_off = prev ? static_cast<size_t>(prev - lp) : 0;
        uint8_t* next = nullptr;
        lp = lp::Delete(lp, p, &next);
        removed++;
        here++;
        p = forward ? next : (prev ? lp + prev_off : nullptr);
      }
      node.data = lp;
    }
    node.count = static_cast<uint16_t>(node.count - here);
    count_ -= here;
    if (node.count == 0) {
      EraseNodes(i, 1);
      dropped = true;
      if (forward) continue;  // the next node moved into position i
    } else {
      if (here > 0) SetSize(node);
      Settle(i);
    }
    if (forward) {
      i++;
    } else {
      if (i == 0) break;
      i--;
    }
  }
  if (dropped) SettleEnds();
  return removed;
}

void Quicklist::AppendListpack(uint8_t* lp) {
  Node& n = InsertNode(len_);
  n = Node{lp, 0, static_cast<uint16_t>(lp::Length(lp)), 0, 0, 0};
  SetSize(n);
  count_ += n.count;
  SettleEnds();
}

void Quicklist::AppendPlain(uint8_t* bytes, size_t size) {
  Node& n = InsertNode(len_);
  n = Node{};
  n.data = bytes;
  n.sz = static_cast<uint32_t>(size);
  n.count = 1;
  n.plain = 1;
  n.gap = static_cast<uint16_t>(static_cast<uint64_t>(size) >> 32);
  count_++;
  SettleEnds();
}

// ---- introspection -----------------------------------------------------------------------

size_t Quicklist::MemoryUsage() const {
  size_t bytes = cap_ * sizeof(Node);
  for (size_t i = 0; i < len_; i++) {
    const Node& n = at(i);
    bytes += n.compressed ? 4 + BlobSize(n.data) : n.plain ? Bytes(n) : n.sz + n.gap;
  }
  return bytes;
}

size_t Quicklist::compressed_nodes() const {
  size_t c = 0;
  for (size_t i = 0; i < len_; i++) c += at(i).compressed;
  return c;
}

size_t Quicklist::uncompressed_bytes() const {
  size_t b = 0;
  for (size_t i = 0; i < len_; i++) b += Bytes(at(i));
  return b;
}

size_t Quicklist::max_node_bytes() const {
  size_t m = 0;
  for (size_t i = 0; i < len_; i++) m = std::max<size_t>(m, Bytes(at(i)));
  return m;
}

size_t Quicklist::plain_nodes() const {
  size_t c = 0;
  for (size_t i = 0; i < len_; i++) c += at(i).plain;
  return c;
}

void Quicklist::ForEachNode(FunctionRef<void(const NodeView&)> fn) {
  for (size_t i = 0; i < len_; i++) NodeAt(i, fn);
}

void Quicklist::NodeAt(size_t i, FunctionRef<void(const NodeView&)> fn) {
  bool was = at(i).compressed;
  const uint8_t* bytes = Raw(at(i));
  fn(NodeView{std::string_view(reinterpret_cast<const char*>(bytes), Bytes(at(i))), at(i).count,
              static_cast<bool>(at(i).plain), was});
  Settle(i);
}

}  // namespace duet
