// Access to string values in the keyspace, shared by the string and bitmap families.
//
// Strings live inline in their Entry (keyspace/entry.h). Commands that rewrite part of a
// string (APPEND, SETRANGE, SETBIT, BITFIELD) need it writable and possibly longer; these
// functions do the lookup, type check and growth in one place.
#pragma once

#include <string_view>

#include "common/status.h"
#include "keyspace/db.h"

namespace duet::strings {

// The string value of `key` for reading: nullptr if the key is missing, kWrongType if it
// holds another type. Counts a keyspace hit/miss.
Result<const Entry*> Get(Db& db, std::string_view key);

// Makes `key` a string of at least `min_len` bytes that the caller may modify in place:
// creates it (zero bytes) when missing, zero-pads it when shorter, keeps the TTL.
// Growth is amortised (capacity doubles up to +1 MB per step, like Redis's sds), so a loop
// of APPENDs is linear. The result is tagged "raw" for OBJECT ENCODING, as Redis does.
// Errors: kWrongType when the key holds another type. The returned Entry* is valid until the
// next keyspace modification. When `grown` is given it is set to whether the key was created
// or lengthened (SETBIT/BITFIELD count such a call as a change even if no bit flips).
Result<Entry*> GetForWrite(Db& db, std::string_view key, size_t min_len, bool* grown = nullptr);

// GetForWrite's growth step for a key the caller has already looked up with Db::Find (APPEND
// checks the type and the length limit first): `slot` holds a string entry; makes it at least
// `min_len` bytes (zero-padded, amortised growth, TTL kept), tags it "raw" and returns it.
// `grown` as for GetForWrite.
Entry* GrowForWrite(Db& db, KeyTable::SlotRef slot, size_t min_len, bool* grown = nullptr);

}  // namespace duet::strings
