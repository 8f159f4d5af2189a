// DUMP / RESTORE payloads (Redis's createDumpPayload / verifyDumpPayload): the value's RDB
// type byte and encoding, then the RDB version (2 bytes, little endian) and the CRC-64 of
// everything before it (8 bytes, little endian).
#pragma once

#include <string>
#include <string_view>

#include "config/config.h"
#include "keyspace/entry.h"
#include "persistence/rdb_encoder.h"
#include "persistence/rdb_object.h"

namespace duet::rdb {

// The footer: RDB version (2 bytes) + CRC-64 (8 bytes).
inline constexpr size_t kDumpFooterBytes = 10;

// Appends the footer to what `enc` holds (it must have no sink) and returns the payload.
std::string FinishDumpPayload(RdbEncoder& enc);

// DUMP's payload for `e` (LZF as rdbcompression says).
std::string CreateDumpPayload(const Entry& e, bool compress);

// Whether the footer holds an RDB version this reader knows and the checksum matches (the
// checksum is not checked when `skip_checksum`: DEBUG SET-SKIP-CHECKSUM-VALIDATION).
bool VerifyDumpPayload(std::string_view payload, bool skip_checksum);

// The value of a verified payload as a new Entry for `key` (no expire). kError for bad data,
// kEmpty for a value without elements. Bytes after the value are ignored, as Redis does.
// `error` (optional) receives what was wrong, with the byte offset.
LoadOutcome LoadDumpPayload(std::string_view payload, std::string_view key, const Config& config,
                            Entry** out, std::string* error = nullptr);

}  // namespace duet::rdb
