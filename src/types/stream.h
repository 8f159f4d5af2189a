// Streams (XADD, XRANGE, XREAD, consumer groups ...): the value and its IDs.
//
// Layout. A StreamValue keeps its entries in packed nodes, as Redis keeps them in listpacks
// indexed by a radix tree: `nodes_` is a vector of StreamNode sorted by master ID (the ID of
// the node's first entry), binary-searched for a seek. A node's bytes are
//   master fields:  varint n, then n x (varint len, bytes)     (the first entry's fields)
//   entries:        varint (ms_delta << 2 | flags) [varint ms_delta when >= 2^62 - 1, the
//                   first field then holding 2^62 - 1], zigzag-varint seq_delta,
//                   [varint n, n x (field, value)] | n_master x value,
//   each string being varint len + bytes. flags bit 0 = deleted, bit 1 = same fields as the
//   master (then only the values are stored). Deltas are against the master ID.
// Compared with Redis's listpack node this drops the per-element backlen and encoding bytes
// and the per-entry lp-count (reverse iteration collects a node's entry offsets first; a
// node holds at most stream-node-max-entries entries). Deleted entries stay in their node
// as tombstones (XDEL, exact trims) until the node has no live entry, then the node goes,
// as in Redis.
//
// Node boundaries equal Redis's: a node is closed when the listpack Redis would have built
// for it reaches stream-node-max-bytes (tracked as `lp_bytes`, the size that listpack would
// have, computed from the element sizes) or holds stream-node-max-entries entries (live +
// deleted), so approximate trimming (MAXLEN ~, which only drops whole nodes) leaves the
// same entries as redis-server.
//
// Serialisation (RDB_TYPE_STREAM_LISTPACKS_2, for the persistence layer): ForEachEntry
// walks live entries in ID order (a writer re-encodes them into listpacks node by node:
// NodeCount/ForEachNode give the node boundaries and master IDs), length(), last_id(),
// first_id(), max_deleted_id(), entries_added() are the stream metadata, and groups()
// gives each group's last_id/entries_read, its PEL (ID, delivery time, count) and its
// consumers (name, seen time, their PEL IDs). A loader builds a stream with AppendLoaded
// (entries in ascending order), SetMeta, and the group API below (CreateGroup,
// StreamGroup::AddLoadedPending/ConsumerFor ...).
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/function_ref.h"
#include "keyspace/entry.h"

namespace duet::stream {

struct StreamID {
  uint64_t ms = 0;
  uint64_t seq = 0;
  auto operator<=>(const StreamID&) const = default;
  bool IsZero() const { return ms == 0 && seq == 0; }
  // The next / previous ID; false (and wrapped to 0-0 / max) at the ends, as streamIncrID.
  bool Incr();
  bool Decr();
  std::string ToString() const;
  // "ms-seq" into `buf` (at least kMaxFormatted bytes); returns the length.
  static constexpr size_t kMaxFormatted = 41;
  size_t Format(char* buf) const;
  static constexpr StreamID Max() { return {UINT64_MAX, UINT64_MAX}; }
};

// Redis's streamGenericParseIDOrReply: "-" and "+" (unless `strict`), "<ms>" (seq =
// missing_seq), "<ms>-<seq>", and with `seq_given` non-null "<ms>-*" (*seq_given = false).
// Returns false for anything else (> 127 bytes, signs, overflow).
bool ParseID(std::string_view s, uint64_t missing_seq, bool strict, StreamID* id,
             bool* seq_given = nullptr);

// One entry as read: views into the node bytes, valid until the stream changes.
struct EntryView {
  StreamID id;
  std::vector<std::string_view> fv;  // field, value, field, value ...
};

// stream-node-max-bytes / -entries as the config has them (0 = no limit).
struct NodeLimits {
  int64_t max_bytes = 4096;
  int64_t max_entries = 100;
};

struct StreamNode {
  StreamID master;
  uint8_t* data = nullptr;  // malloc'd
  uint32_t size = 0;        // bytes used
  uint32_t lp_static = 0;   // Redis listpack bytes minus the live/deleted counters
  uint32_t live = 0;
  uint32_t deleted = 0;
  uint16_t master_fields = 0;
  uint16_t master_len = 0;  // bytes of the master fields block
};

// Trimming arguments (XADD/XTRIM): Redis's streamAddTrimArgs.
struct TrimArgs {
  enum Strategy { kNone, kMaxLen, kMinId } strategy = kNone;
  bool approx = false;
  int64_t limit = 0;  // 0 = none
  int64_t maxlen = 0;
  StreamID minid;
};

class StreamGroup;

class StreamValue final : public CompositeValue {
 public:
  StreamValue() = default;
  ~StreamValue() override;
  StreamValue(const StreamValue&) = delete;
  StreamValue& operator=(const StreamValue&) = delete;

  size_t MemoryUsage() const override;
  CompositeValue* Clone() const override;
  std::string_view EncodingName() const override { return "stream"; }
  size_t FreeEffort() const override;

  uint64_t length() const { return length_; }
  StreamID last_id() const { return last_id_; }
  StreamID first_id() const { return first_id_; }
  StreamID max_deleted_id() const { return max_deleted_id_; }
  uint64_t entries_added() const { return entries_added_; }
  void set_last_id(StreamID id) { last_id_ = id; }
  void set_max_deleted_id(StreamID id) { max_deleted_id_ = id; }
  void set_entries_added(uint64_t n) { entries_added_ = n; }
  // Restores the metadata a loader read (RDB); first_id is recomputed.
  void SetMeta(StreamID last_id, StreamID max_deleted, uint64_t entries_added);

  // The ID XADD would generate at `now_ms` for "*" (streamNextID). Precondition: last_id is
  // not the maximum.
  StreamID NextId(uint64_t now_ms) const;
  // Appends an entry with `id` (> last_id(), checked by the caller) and the flat
  // field/value list `fv` (even size >= 2). Updates length, last_id, entries_added.
  void Append(StreamID id, std::span<const std::string_view> fv, const NodeLimits& limits);
  // A loader's append: like Append but entries_added/last_id are set later by SetMeta.
  void AppendLoaded(StreamID id, std::span<const std::string_view> fv, const NodeLimits& limits);

  // Calls fn(const EntryView&) for live entries with start <= id <= end, ascending (or
  // descending when `rev`), until fn returns false or `count` (0 = all) were given.
  // Returns the number given. fn must not change the stream.
  template <typename Fn>
  size_t Range(StreamID start, StreamID end, bool rev, size_t count, Fn&& fn) const;
  // The live entry `id`, if any (views valid until the stream changes).
  std::optional<EntryView> Get(StreamID id) const;
  bool Contains(StreamID id) const { return Get(id).has_value(); }

  // XDEL of one ID: marks it deleted; false when there is no live entry `id`. Updates
  // length and first_id (not max_deleted_id: the caller does, as XDEL does).
  bool Delete(StreamID id);
  // streamTrim: returns the number of entries removed.
  int64_t Trim(const TrimArgs& args);

  // Node boundaries for a serialiser: fn(master_id, live_count) per node, in order.
  size_t NodeCount() const { return nodes_.size(); }
  template <typename Fn>
  void ForEachNode(Fn&& fn) const {
    for (const StreamNode& n : nodes_) fn(n.master, n.live);
  }

  // ---- nodes as stored, for the RDB form (persistence/rdb_stream.h) ----
  // One stored entry of a node, deleted ones (tombstones) included.
  struct NodeEntry {
    StreamID id;
    bool deleted = false;
    bool same_fields = false;          // stored as values only: the fields are the master's
    std::vector<std::string_view> fv;  // field, value ... (views valid until a change)
  };
  const StreamNode& node(size_t i) const { return nodes_[i]; }
  // Node `i`'s (< NodeCount()) master fields (the fields of the entry that opened it).
  void NodeMasterFields(size_t i, std::vector<std::string_view>* out) const;
  // fn(const NodeEntry&) for each entry of node `i` in order, tombstones included.
  void ForEachNodeEntry(size_t i, FunctionRef<void(const NodeEntry&)> fn) const;

  // A loader rebuilds nodes as they were saved: BeginLoadedNode opens a node with master ID
  // `master` and the master fields; AddLoadedEntry adds its entries; EndLoadedNode closes it
  // (a node left without a live entry is dropped, as Redis drops such nodes). The caller
  // guarantees the order: master > every ID loaded before, each entry >= its node's master
  // and > the entry before it, and for `same_fields` entries fv's fields are the master
  // fields. length() counts the live entries; SetMeta then sets the rest.
  void BeginLoadedNode(StreamID master, std::span<const std::string_view> master_fields);
  void AddLoadedEntry(StreamID id, bool deleted, bool same_fields,
                      std::span<const std::string_view> fv);
  void EndLoadedNode();
  // Every live entry in order (persistence, DEBUG DIGEST).
  template <typename Fn>
  void ForEachEntry(Fn&& fn) const {
    Range(StreamID{}, StreamID::Max(), false, 0, [&](const EntryView& e) {
      fn(e);
      return true;
    });
  }

  // ---- consumer groups (types/stream_group.h) ----
  using GroupMap = std::map<std::string, std::unique_ptr<StreamGroup>, std::less<>>;
  // nullptr when the group does not exist.
  StreamGroup* FindGroup(std::string_view name) const;
  // nullptr when a group of that name exists.
  StreamGroup* CreateGroup(std::string_view name, StreamID last_id, int64_t entries_read);
  bool DestroyGroup(std::string_view name);
  size_t group_count() const { return groups_ ? groups_->size() : 0; }
  // Groups in name order (empty map when there are none).
  const GroupMap& groups() const;

  // Redis's streamRangeHasTombstones / streamEstimateDistanceFromFirstEverEntry (-1 when
  // the counter cannot be known, Redis's SCG_INVALID_ENTRIES_READ).
  bool RangeHasTombstones(StreamID start, StreamID end) const;
  int64_t EstimateDistanceFromFirstEverEntry(StreamID id) const;
  // The lag of a group (XINFO), nullopt when it cannot be known.
  std::optional<int64_t> GroupLag(const StreamGroup& g) const;

 private:
  friend class NodeCursor;
  void AppendImpl(StreamID id, std::span<const std::string_view> fv, const NodeLimits& limits);
  // Appends a node whose master ID is `master` with these master fields (none are kept when
  // they are too big for the node's 16-bit bookkeeping); returns it.
  StreamNode& PushNode(StreamID master, std::span<const std::string_view> fields);
  // Writes one entry at the end of node `n` and counts it as live or deleted.
  void WriteEntry(StreamNode& n, StreamID id, uint8_t flags, std::span<const std::string_view> fv);
  // Index of the node that may hold `id` (the last whose master <= id), or 0.
  size_t NodeFor(StreamID id) const;
  void RemoveNode(size_t index);
  void RecomputeFirstId();
  bool ForEachEntryIn(const StreamNode& n, bool rev, StreamID start, StreamID end, size_t* given,
                      size_t count, void* fn_ctx, bool (*fn)(void*, const EntryView&)) const;

  std::vector<StreamNode> nodes_;
  uint64_t length_ = 0;
  StreamID last_id_;
  StreamID first_id_;
  StreamID max_deleted_id_;
  uint64_t entries_added_ = 0;
  std::unique_ptr<GroupMap> groups_;
};

// Size in bytes of one StreamNode's data as allocated (malloc_usable_size).
size_t NodeAllocSize(const StreamNode& n);

template <typename Fn>
size_t StreamValue::Range(StreamID start, StreamID end, bool rev, size_t count, Fn&& fn) const {
  size_t given = 0;
  if (nodes_.empty() || start > end) return 0;
  auto thunk = [](void* p, const EntryView& e) -> bool { return (*static_cast<Fn*>(p))(e); };
  if (!rev) {
    for (size_t i = NodeFor(start); i < nodes_.size(); i++) {
      if (nodes_[i].master > end) break;
      if (!ForEachEntryIn(nodes_[i], false, start, end, &given, count, &fn, thunk)) break;
    }
  } else {
    for (size_t i = NodeFor(end) + 1; i-- > 0;) {
      if (!ForEachEntryIn(nodes_[i], true, start, end, &given, count, &fn, thunk)) break;
      if (nodes_[i].master < start) break;
    }
  }
  return given;
}

}  // namespace duet::stream
