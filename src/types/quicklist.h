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

  Quicklist(int fill, int compress_depth);
  Quicklist(const Quicklist& other);  // deep copy with the same nodes and options
  Quicklist& operator=(const Quicklist&) = delete;
  ~Quicklist();

  size_t size() const { return count_; }
  size_t node_count() const { return len_; }
  int fill() const { return fill_; }
  int compress_depth() const { return depth_; }

  void PushHead(std::string_view ele);
  void PushTail(std::string_view ele);

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
  void Replace(size_t index, std::string_view ele);

  // Inserts `ele` before or `after` the element at `index` (precondition: valid). A full
  // node is split at that point, as Redis does, and the halves merged with their
  // neighbours when the result fits.
  void Insert(size_t index, std::string_view ele, bool after);

  // Deletes `n` elements from `start` (precondition: start + n <= size()).
  void DeleteRange(size_t start, size_t n);

  // Deletes up to `limit` elements equal to `ele` (0 = all), scanning from the head when
  // `forward` else from the tail. Returns how many went.
  size_t RemoveEqual(std::string_view ele, size_t limit, bool forward);

  // Heap bytes owned by the list (descriptor array and node buffers).
  size_t MemoryUsage() const;
  // DEBUG OBJECT's figures.
  size_t compressed_nodes() const;
  size_t uncompressed_bytes() const;  // sum of the nodes' listpack sizes
  size_t max_node_bytes() const;

  // Adopts `lp` (a valid listpack of 1..65535 elements, e.g. one node of an RDB quicklist) as the
  // new tail node, as it is: RDB/RESTORE loading keeps Redis's node boundaries. Takes ownership.
  void AppendListpack(uint8_t* lp);

  // Calls fn(listpack) for each node from head to tail, decompressing compressed nodes
  // for the call (for serialization and tests).
  void ForEachNode(FunctionRef<void(const uint8_t* lp, bool was_compressed)> fn);

 private:
  // 16 bytes. `data` is a listpack, or when `compressed` a blob [u32 size][LZF bytes];
  // `sz` is always the listpack's byte size.
  struct Node {
    uint8_t* data;
    uint32_t sz;
    uint16_t count;
    uint8_t compressed;
    uint8_t unused;
  };

  Node& at(size_t i) { return nodes_[begin_ + i]; }
  const Node& at(size_t i) const { return nodes_[begin_ + i]; }

  bool AllowInsert(const Node& n, size_t ele_size) const;
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
