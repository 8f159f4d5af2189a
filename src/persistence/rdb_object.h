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
#include <string>
#include <string_view>

#include "config/config.h"
#include "keyspace/entry.h"
#include "persistence/rdb_decoder.h"
#include "persistence/rdb_encoder.h"

namespace duet::rdb {

// The type byte rdbSaveObjectType writes for `e`.
uint8_t ObjectTypeOf(const Entry& e);
// rdbSaveObject: the value of `e` (not its key, type byte or expire).
void SaveObject(RdbEncoder& enc, const Entry& e);

enum class LoadOutcome { kOk, kEmpty, kError };

// Reads a value of object type `type` for `key`. kOk: *out is a new Entry (no expire) owned by
// the caller. kEmpty: the value had no elements (Redis skips such keys). kError: dec.error()
// says what was wrong and where.
LoadOutcome LoadObject(RdbDecoder& dec, uint8_t type, std::string_view key, const Config& config,
                       Entry** out);

}  // namespace duet::rdb
