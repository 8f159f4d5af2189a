// Streams in RDB form (rdbSaveObject / rdbLoadObject for OBJ_STREAM in Redis 7.0.15).
//
// RDB_TYPE_STREAM_LISTPACKS_2 (19), as written:
//   node count, then per node the master ID (a 16-byte string: ms and seq big endian) and the
//   node as Redis's listpack: live count, deleted count, master field count, master fields, 0,
//   then per entry (tombstones included) flags, ms-diff, seq-diff, [field count, fields]
//   (absent when the SAMEFIELDS flag says the fields are the master's), values, lp-count;
//   stream length, last ID, first ID, max deleted ID (ms, seq lengths each), entries added;
//   group count, per group: name, last ID, entries read (-1 as 2^64-1), PEL (count, then raw
//   16-byte ID, 8-byte delivery time, delivery count), consumers (count, then name, 8-byte
//   seen time, PEL count and raw IDs). RDB_TYPE_STREAM_LISTPACKS (15, Redis 5/6) lacks first
//   ID, max deleted ID, entries added and entries read.
//
// duet's nodes are written node for node, so a stream and its DUMP payload are the bytes
// redis-server writes for the same stream. Loading rebuilds the nodes one for one and
// validates everything it reads, whatever sanitize-dump-payload says: the listpack (deeply),
// the entry layout and lp-counts, IDs ascending within and across nodes and not above the
// last ID, the length, unique group and consumer names, PEL entries that exist in the group
// and belong to exactly one consumer. Corrupt input is an error with the byte offset, never
// a crash or a half-built stream.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "keyspace/entry.h"
#include "persistence/rdb_decoder.h"
#include "persistence/rdb_encoder.h"
#include "persistence/rdb_object.h"
#include "types/stream.h"
#include "types/stream_group.h"

namespace duet::rdb {

// The value of a stream (after its type byte).
void SaveStream(RdbEncoder& enc, const stream::StreamValue& s);

// SaveStream in steps (the same bytes whatever the step sizes): nodes, metadata, then per
// group its header, PEL entries, consumers and their PEL IDs. The stream must not change or
// be freed until Step returned true (it keeps a node index and group/PEL/consumer
// iterators).
class StreamWriter {
 public:
  explicit StreamWriter(const stream::StreamValue& s) : s_(s) {}
  // Encodes about `units` more elements (a node counts its entries; a PEL entry, a group or a
  // consumer one); returns true once the value is complete.
  bool Step(RdbEncoder& enc, size_t units);

 private:
  enum class Phase { kStart, kNodes, kMeta, kGroup, kPel, kConsumer, kConsumerPel, kDone };
  const stream::StreamValue& s_;
  Phase phase_ = Phase::kStart;
  size_t index_ = 0;  // next node
  std::vector<std::string_view> fields_;
  stream::StreamValue::GroupMap::const_iterator group_;
  stream::Pel::const_iterator pel_;  // the group's or the consumer's
  std::map<std::string, std::unique_ptr<stream::StreamConsumer>, std::less<>>::const_iterator
      consumer_;
};

// Reads a stream of type kTypeStreamListpacks or kTypeStreamListpacks2 for `key`. kOk: *out
// is a new Entry owned by the caller (an empty stream is kept: streams may exist empty).
// kError: dec.error() says what and where.
LoadOutcome LoadStream(RdbDecoder& dec, uint8_t type, std::string_view key, Entry** out);

}  // namespace duet::rdb
