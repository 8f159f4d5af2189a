// Consumer groups of a stream (XGROUP, XREADGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM).
//
// A group owns its pending entries list (PEL: ID -> StreamNack, ordered) and its consumers
// (ordered by name, as Redis's rax orders them). A NACK belongs to exactly one consumer,
// which lists the same NACK pointer in its own PEL (ID-ordered), as Redis's streamNACK is
// shared between the group and consumer radix trees. Times are unix ms from the caller.
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

#include "types/stream.h"

namespace duet::stream {

struct StreamConsumer;

struct StreamNack;
using ConsumerPel = std::map<StreamID, StreamNack*>;

struct StreamNack {
  int64_t delivery_time = 0;
  uint64_t delivery_count = 1;
  StreamConsumer* consumer = nullptr;
  // This NACK's place in consumer->pel (valid while consumer is set): XACK and re-deliveries
  // erase it there without a second tree search.
  ConsumerPel::iterator in_consumer;
};

struct StreamConsumer {
  std::string name;
  int64_t seen_time = 0;
  ConsumerPel pel;  // changed only through StreamGroup (the NACKs point into it)
};

class StreamGroup {
 public:
  StreamGroup(StreamID last, int64_t read) : last_id(last), entries_read(read) {}

  StreamID last_id;
  int64_t entries_read;  // -1: unknown (Redis's SCG_INVALID_ENTRIES_READ)
  std::map<StreamID, std::unique_ptr<StreamNack>> pel;
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
  // Loader: a pending entry with no consumer yet (AssignLoaded gives it one).
  StreamNack* AddLoadedPending(StreamID id, int64_t delivery_time, uint64_t delivery_count);
  void AssignLoaded(StreamID id, StreamConsumer* c);
};

}  // namespace duet::stream
