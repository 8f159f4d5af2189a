// Consumer groups of a stream (XGROUP, XREADGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM).
//
// A group owns its pending entries list (PEL: ID -> StreamNack, ordered) and its consumers
// (ordered by name, as Redis's rax orders them). A NACK belongs to exactly one consumer,
// which lists the same NACK pointer in its own PEL (ID-ordered), as Redis's streamNACK is
// shared between the group and consumer radix trees. Times are unix ms from the caller.
//
// Both PELs are B+trees of (ID, NACK*) slots (core/btree_map.h: 24 bytes a slot, no node
// per entry), so XACK's lookups among millions of pending IDs read a few nodes each; a NACK
// is a separate 24-byte block, so NACK pointers stay valid while the trees change. The group
// owns the NACKs. PEL iterators are invalidated by any change to that PEL.
//
// Serialisation (RDB): last_id, entries_read, pel (ID, delivery_time, delivery_count) and
// consumers (name, seen_time, pel IDs) are public; a loader recreates them with
// ConsumerFor, AddLoadedPending and AssignLoaded.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "core/btree_map.h"
#include "types/stream.h"

namespace duet::stream {

struct StreamConsumer;

struct StreamNack {
  int64_t delivery_time = 0;
  uint64_t delivery_count = 1;
  StreamConsumer* consumer = nullptr;
};
using Pel = BTreeMap<StreamID, StreamNack*>;

struct StreamConsumer {
  std::string name;
  int64_t seen_time = 0;
  Pel pel;  // changed only through StreamGroup (which owns the NACKs)
};

class StreamGroup {
 public:
  StreamGroup(StreamID last, int64_t read) : last_id(last), entries_read(read) {}
  ~StreamGroup();
  StreamGroup(const StreamGroup&) = delete;
  StreamGroup& operator=(const StreamGroup&) = delete;

  StreamID last_id;
  int64_t entries_read;  // -1: unknown (Redis's SCG_INVALID_ENTRIES_READ)
  Pel pel;               // owns the NACKs; changed only through the methods below
  std::map<std::string, std::unique_ptr<StreamConsumer>, std::less<>> consumers;

  StreamConsumer* FindConsumer(std::string_view name) const;
  // The consumer `name`, created (seen now) when missing; *created says which.
  StreamConsumer* ConsumerFor(std::string_view name, int64_t now_ms, bool* created = nullptr);
  // Removes a consumer and its pending entries from the group; returns how many it had.
  // -1 when there is no such consumer.
  int64_t DeleteConsumer(std::string_view name);
  // Records the delivery of `id` to `c` (XREADGROUP): a new NACK, or an existing one moved
  // to `c` with its time reset and count set to 1 (streamReplyWithRange).
  void Deliver(StreamID id, StreamConsumer* c, int64_t now_ms);
  // XACK of one ID: false when it was not pending.
  bool Ack(StreamID id);
  // Moves an existing NACK to consumer `c` (XCLAIM/XAUTOCLAIM; a loader's first owner).
  void Assign(StreamNack* nack, StreamID id, StreamConsumer* c);
  // The NACK of `id`, nullptr when it is not pending.
  StreamNack* FindNack(StreamID id) const;
  // Loader (and XCLAIM FORCE): a pending entry with no consumer yet (AssignLoaded or Assign
  // gives it one); an existing one gets the new time and count.
  StreamNack* AddLoadedPending(StreamID id, int64_t delivery_time, uint64_t delivery_count);
  void AssignLoaded(StreamID id, StreamConsumer* c);
};

}  // namespace duet::stream
