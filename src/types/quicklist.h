// Quicklist: Redis 7.0's list representation, a sequence of listpack nodes (quicklist.c).
//
// Elements live in listpacks (types/listpack.h) of bounded size; the nodes are kept in one
// contiguous array of 16-byte descriptors (not a linked list of 32-byte nodes as in Redis):
// pushes and pops at either end are amortised O(1), an index is found by summing node
// counts from the nearer end, and a 1M-element list of short items has ~1,800 nodes, so
// moving descriptors on a node split in the middle costs no more than walking to it.
//
// Node size follows `fill` exactly as Redis's _quicklistNodeAllowInsert does, so nodes fill
// as full as Redis's: negative fill -1..-5 limits a node's listpack to 4/8/16/32/64 KB,
// positive fill limits its element count (with Redis's 8 KB safety limit on bytes).
// `compress_depth` > 0 keeps that many nodes at each end as plain listpacks and stores the
// interior nodes LZF-compressed (when compression saves at least 8 bytes of a node of at
// least 48, Redis's rules); a compressed node is decompressed while an operation uses it
// and compressed again afterwards. Both settings are fixed when the list is created, as in
// Redis (quicklistSetOptions at creation; CONFIG SET affects lists created afterwards).
//
// Elements are byte strings; a string that is a canonical integer is stored as an integer by
// the listpack and read back as the same decimal text.
//
// Plain nodes (Redis 7.0's QUICKLIST_NODE_CONTAINER_PLAIN): an element of at least
// `packed_threshold` bytes (1 GB unless DEBUG QUICKLIST-PACKED-THRESHOLD lowers it; the
// methods that add elements take it as an argument, read from the server's config at each
// call as Redis reads its global) is stored alone in a node of its own, as its raw bytes: no
// listpack. A plain node takes no other element and never merges; an insert of a large
// element next to a packed node's interior splits that node around a new plain node; LSET
// turning a plain element small (or a packed one large) inserts the new element after the
// old one, by the insert rules, and deletes the old. Plain nodes are compressed like the
// others when interior; they never have a head gap.
//
// The head gap: pushes and pops at the head do not move the head node's elements. Its
// listpack may sit `gap` (< 32 KB) bytes after the start of its allocation; LPUSH writes the
// new entry into the gap (the 6-byte header moves left by the entry's size) and LPOP, or a
// deletion at the head's offset 0 (LTRIM), moves the header right over the removed entries.
// Rules, which keep memory bounded and every free/realloc on the allocation's start:
// - only node 0 has a gap; a head that gets a new node in front of it has its gap removed
//   (memmove to the start, or a copy into an exact-size buffer when the gap exceeds 1/8 of
//   the listpack);
// - when the gap is too small for an entry, the listpack is copied to the end of a new
//   buffer of exactly the size it needs: the gap is the allocator's size-class slack, so an
//   LPUSH-built list takes the memory Redis's exact-size reallocs take (a geometric 1.5x
//   cost small and mid-size lists up to a third more) and a regrow copies what a realloc
//   across size classes copies; a new head of a list of >= 8 nodes instead starts with room
//   for its full neighbour's size (as a new tail does), so long lists regrow never;
// - a head pop that leaves the gap larger than max(listpack, 64 bytes) copies the listpack
//   into an exact-size buffer (each byte popped costs about one byte copied); a node emptied
//   by pops is freed;
// - RPUSH/RPOP on a one-node list with a gap work in place at the tail when the allocation
//   has room (so an LPUSH/RPOP queue slides through its buffer), an RPUSH that finds no room
//   at the end centres the listpack when the allocation has room for two entries, and RPOP
//   has the same bound on gap + free tail bytes; so a head node's allocation stays under
//   ~4x its listpack;
// - every other change to the head's listpack (LINSERT, LSET, LREM, merges, splits, an RPUSH
//   that does not fit) first moves it to the start of its allocation (Mut).
// The bytes at `data` are always exactly a Redis listpack.
//
// Indexes are 0-based from the head; preconditions say where an index must be valid.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/function_ref.h"

namespace duet {

class Quicklist {
 public:
  // Redis's limits on the stored options (quicklistSetFill / quicklistSetCompressDepth).
  static constexpr int kFillMax = (1 << 15) - 1;
  static constexpr int kFillMin = -5;
  static constexpr int kCompressMax = (1 << 16) - 1;
  // Redis's default packed_threshold (1 GB) and the largest it accepts (4 GB - 1 MB).
  static constexpr uint64_t kDefaultPackedThreshold = uint64_t{1} << 30;
  static constexpr uint64_t kMaxPackedThreshold = (uint64_t{1} << 32) - (1 << 20);

  Quicklist(int fill, int compress_depth);
  Quicklist(const Quicklist& other);  // deep copy with the same nodes and options
  Quicklist& operator=(const Quicklist&) = delete;
  ~Quicklist();

  size_t size() const { return count_; }
  size_t node_count() const { return len_; }
  int fill() const { return fill_; }
  int compress_depth() const { return depth_; }

  // `ele` (and the elements passed to Insert and Replace) must not be a view into this list:
  // its bytes may move before they are copied (commands pass arguments or copies). An element
  // of at least `packed_threshold` bytes gets a plain node (see the top of this file).
  void PushHead(std::string_view ele, uint64_t packed_threshold = kDefaultPackedThreshold);
  void PushTail(std::string_view ele, uint64_t packed_threshold = kDefaultPackedThreshold);

  // Removes `n` elements (precondition: n <= size()) from the head (or tail), calling
  // visit(element) for each, in the order they leave, before it is removed.
  void PopHead(size_t n, FunctionRef<void(std::string_view)> visit);
  void PopTail(size_t n, FunctionRef<void(std::string_view)> visit);

  // The element at `index` (negative counts from the tail) into *out; false when out of
  // range. Walks from the nearer end.
  bool Get(int64_t index, std::string* out);

  // Visits elements starting at `start` (precondition: start < size()), towards the tail
  // when `forward` else towards the head, while visit(element) returns true.
  void Walk(size_t start, bool forward, FunctionRef<bool(std::string_view)> visit);

  // Replaces the element at `index` (precondition: valid, 0-based).
  void Replace(size_t index, std::string_view ele,
               uint64_t packed_threshold = kDefaultPackedThreshold);

  // Inserts `ele` before or `after` the element at `index` (precondition: valid). A full
  // node is split at that point, as Redis does, and the halves merged with their
  // neighbours when the result fits. A large element next to a packed node's interior splits
  // it around the element's plain node (no merging).
  void Insert(size_t index, std::string_view ele, bool after,
              uint64_t packed_threshold = kDefaultPackedThreshold);

  // Deletes `n` elements from `start` (precondition: start + n <= size()).
  void DeleteRange(size_t start, size_t n);

  // Deletes up to `limit` elements equal to `ele` (0 = all), scanning from the head when
  // `forward` else from the tail. Returns how many went.
  size_t RemoveEqual(std::string_view ele, size_t limit, bool forward);

  // Heap bytes owned by the list (descriptor array and node buffers).
  size_t MemoryUsage() const;
  // DEBUG OBJECT's figures.
  size_t compressed_nodes() const;
  size_t uncompressed_bytes() const;  // sum of the nodes' listpack (or plain element) sizes
  size_t max_node_bytes() const;
  size_t plain_nodes() const;

  // Adopts `lp` (a valid listpack of 1..32767 elements, e.g. one node of an RDB quicklist) as the
  // new tail node, as it is: RDB/RESTORE loading keeps Redis's node boundaries (a loader
  // splits a foreign node of more elements first). Takes ownership.
  void AppendListpack(uint8_t* lp);

  // Adopts `bytes` (malloc'd, `size` bytes, taken) as a new plain tail node holding one
  // element, as RDB loading of a plain node does.
  void AppendPlain(uint8_t* bytes, size_t size);

  // One node as ForEachNode shows it: a listpack's bytes (count elements), or when `plain`
  // the element itself (count 1).
  struct NodeView {
    std::string_view bytes;
    size_t count;
    bool plain;
    bool was_compressed;
  };
  // Calls fn for each node from head to tail, decompressing compressed nodes for the call
  // (for serialization, DEBUG QUICKLIST and tests).
  void ForEachNode(FunctionRef<void(const NodeView&)> fn);
  // The same for node `i` (< node_count()) alone.
  void NodeAt(size_t i, FunctionRef<void(const NodeView&)> fn);

 private:
  // 16 bytes. `data` is a listpack (or when `plain` the element's bytes), or when
  // `compressed` a blob [u32 size][LZF bytes]; `sz` is always the listpack's byte size. `gap`
  // free bytes precede `data` in its allocation (the head gap, see the top of this file): the
  // allocation starts at data - gap. A plain node has no gap: its `gap` bits hold bits 32..46
  // of the element's size (`sz` the low 32; see Bytes), and its count is 1. A listpack node
  // holds at most 32767 elements: the fill rules stop below that (64 KB of 2-byte entries,
  // or fill <= kFillMax).
  struct Node {
    uint8_t* data;
    uint32_t sz;
    uint16_t count : 15;
    uint16_t plain : 1;
    uint16_t compressed : 1;
    uint16_t gap : 15;
  };
  static_assert(sizeof(Node) == 16);
  static constexpr size_t kMaxGap = (1 << 15) - 1;

  // The node's uncompressed byte size (a plain element's may pass 4 GB).
  static size_t Bytes(const Node& n) {
    return n.plain ? (size_t{n.gap} << 32) | n.sz : size_t{n.sz};
  }
  // A new plain node holding a copy of `ele`.
  static Node PlainNode(std::string_view ele);

  Node& at(size_t i) { return nodes_[begin_ + i]; }
  const Node& at(size_t i) const { return nodes_[begin_ + i]; }

  // Whether the node can take an element of `ele_size` bytes (Redis's
  // _quicklistNodeAllowInsert), given that the element is below the packed threshold: never a
  // plain node.
  bool AllowInsert(const Node& n, size_t ele_size) const;
  // Inserts a plain node for `ele` at position `pos` (0..len_).
  void InsertPlain(size_t pos, std::string_view ele);
  // Insert of an element of at least the packed threshold (Redis's isLargeElement branch).
  void InsertLarge(size_t i, size_t off, std::string_view ele, bool after);
  // Bytes to reserve for a new node pushed at an end, beside node `neighbour` (see .cc).
  size_t NewEndNodeReserve(size_t neighbour) const;
  bool AllowMerge(const Node& a, const Node& b) const;
  // Opens a hole at position `pos` (0..len_) for a new node and returns it (uninitialised).
  Node& InsertNode(size_t pos);
  // Frees and removes `n` nodes from `pos`.
  void EraseNodes(size_t pos, size_t n);
  // Finds the node holding element `index` (valid) and the element's offset in it.
  size_t Locate(size_t index, size_t* offset) const;

  uint8_t* Raw(Node& n);  // decompresses in place if needed; returns the listpack
  // Raw, and the listpack moved to the start of its allocation (gap 0), as every lp:: call
  // that may realloc or free it needs. The bytes of the gap become free space at the end.
  uint8_t* Mut(Node& n);
  // Frees the node's buffer (its allocation starts `gap` bytes before `data`).
  static void FreeData(Node& n);
  // Removes the gap of a head node that is no longer the head (see the gap rule).
  static void DropGap(Node& n);
  // Pushes onto the head node `n` (plain) when its gap is too small: moves its listpack to the
  // end of a new buffer of max(`target`, the bytes needed) and writes `ele` in front of it.
  void RegapAndPrepend(Node& n, std::string_view ele, size_t target);
  // Removes the first `k` (< count) elements of the head node by moving its header right.
  void DropHeadFront(Node& n, size_t k);
  // PushTail onto a one-node list's head `n` with a gap, without giving the gap up: in place
  // when the allocation has room after the listpack, else by centring the listpack in its
  // allocation when that leaves room; false (nothing changed) otherwise.
  bool AppendKeepingGap(Node& n, std::string_view ele);
  // Free bytes after the listpack's end in its allocation (for a node with a gap).
  static size_t TailRoom(const Node& n);
  // Whether a node whose allocation has `slack` free bytes should be compacted.
  static bool TooSlack(const Node& n, size_t slack);
  // Copies the listpack into an exact-size buffer (gap 0) and frees `base`, its allocation.
  static void Compact(Node& n, uint8_t* base);
  void Compress(Node& n);
  // Puts node `i` in the form its position calls for: compressed when interior (at least
  // depth_ nodes on each side), plain otherwise.
  void Settle(size_t i);
  // Settles the nodes whose form may change when nodes are added or removed at the ends.
  void SettleEnds();
  void SetSize(Node& n);
  void Pop(bool head, size_t n, FunctionRef<void(std::string_view)> visit);
  // Merges node i+1 into node i when the result fits; returns whether it did.
  bool TryMerge(size_t i);

  Node* nodes_ = nullptr;
  uint32_t cap_ = 0;    // descriptors allocated
  uint32_t begin_ = 0;  // index of the head node in nodes_
  uint32_t len_ = 0;    // nodes in use
  int16_t fill_;
  uint16_t depth_;
  size_t count_ = 0;  // elements
};

}  // namespace duet
