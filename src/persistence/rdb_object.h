// Values in RDB form: one key's value written as the Redis 7.0.15 encoding it stands for, and
// read back from any encoding RDB versions 1..10 use.
//
// Writing (rdbSaveObjectType + rdbSaveObject): strings as strings; lists as
// RDB_TYPE_LIST_QUICKLIST_2 (one listpack per quicklist node); hashes as HASH_LISTPACK (duet's
// packed pairs re-encoded as the Redis listpack they stand for) or HASH; sets as SET_INTSET or
// SET; sorted sets as ZSET_LISTPACK or ZSET_2 (members from the highest score down, as Redis).
//
// Reading builds a detached Entry in the encoding Redis 7.0.15 would end up with for the same
// input under the given config's thresholds. Every blob (listpack, ziplist, zipmap, intset) is
// validated in depth before use, whatever sanitize-dump-payload says: corrupt input is an error,
// never a crash or a half-built value.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "config/config.h"
#include "keyspace/entry.h"
#include "persistence/rdb_decoder.h"
#include "persistence/rdb_encoder.h"
#include "types/hash_type.h"
#include "types/quicklist.h"
#include "types/set_value.h"
#include "types/zset.h"

namespace duet::rdb {

class StreamWriter;  // persistence/rdb_stream.h

// The type byte rdbSaveObjectType writes for `e`.
uint8_t ObjectTypeOf(const Entry& e);
// rdbSaveObject: the value of `e` (not its key, type byte or expire).
void SaveObject(RdbEncoder& enc, const Entry& e);

// rdbSaveObject in steps, for a background snapshot that encodes a big collection across
// many event-loop slices: the same bytes as SaveObject whatever the step sizes. Lists step
// by quicklist node, hashtable hashes and sets by table segment (ForEach's order), skiplist
// zsets by member from the tail, streams by node, PEL entry and consumer (StreamWriter);
// strings and packed encodings are written whole by the first step. `e` must not change or
// be freed until Step returned true: the writer keeps a node index, a table scan cursor or a
// tree cursor into it.
class ObjectWriter {
 public:
  explicit ObjectWriter(const Entry& e);
  ~ObjectWriter();
  // Encodes about `units` more elements (a list node counts its elements; a table step may
  // run a segment's ~100 past `units`); returns true once the value is complete.
  bool Step(RdbEncoder& enc, size_t units);

 private:
  // The header (length) of a stepped value, or the whole value when it is not stepped
  // (returns false then).
  bool Start(RdbEncoder& enc);

  const Entry& e_;
  bool started_ = false;
  Quicklist* list_ = nullptr;
  const hashes::HashValue* hash_ = nullptr;
  const SetValue* set_ = nullptr;
  const zset::ZSetValue* zset_ = nullptr;
  std::unique_ptr<StreamWriter> stream_;
  size_t index_ = 0;     // next list node
  uint64_t cursor_ = 0;  // table scan
  zset::ZSetValue::Cursor zcursor_;
};

// The elements of `e` as a measure of its encoding work: 0 for what SaveObject writes as one
// string (strings, listpacks, intsets, packed pairs), else the element count (a stream's
// entries plus its groups' PEL entries and consumers).
size_t EncodeWeight(const Entry& e);

enum class LoadOutcome { kOk, kEmpty, kError };

// Reads a value of object type `type` for `key`. kOk: *out is a new Entry (no expire) owned by
// the caller. kEmpty: the value had no elements (Redis skips such keys). kError: dec.error()
// says what was wrong and where.
LoadOutcome LoadObject(RdbDecoder& dec, uint8_t type, std::string_view key, const Config& config,
                       Entry** out);

}  // namespace duet::rdb
