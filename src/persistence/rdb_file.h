// Whole RDB files: the keyspace written as Redis 7.0.15's `rdbSaveRio` writes it, and RDB files
// of versions 1..10 loaded into a keyspace.
//
// Layout written: "REDIS0010", aux fields (redis-ver, redis-bits, ctime, used-mem, aof-base),
// the function libraries (FUNCTION2), then per non-empty database SELECTDB + RESIZEDB and its
// keys (EXPIRETIME_MS, IDLE under an LRU policy or FREQ under an LFU policy, then type, key,
// value), EOF and the CRC-64 of everything before it (0 when rdbchecksum is off).
//
// Threading: both run on the thread that owns the keyspace (SAVE, DEBUG RELOAD, startup).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/config.h"
#include "keyspace/keyspace.h"
#include "persistence/rdb_encoder.h"

namespace duet::rdb {

struct SaveOptions {
  int64_t now_ms = 0;      // ctime aux field
  uint64_t used_mem = 0;   // used-mem aux field
  bool aof_base = false;   // the base of a multi-part AOF
  bool save_idle = false;  // maxmemory-policy is an LRU one: IDLE opcodes
  bool save_freq = false;  // an LFU one: FREQ opcodes
  // FUNCTION LOAD code of each library (viewing the caller's store), written as FUNCTION2
  // records.
  std::vector<std::string_view> functions;
  // Called after each key record (EncodeKeyspace; SAVE's file): the server paces a foreground
  // save with rdb-key-save-delay there and reads the shutdown signals (may not return).
  std::function<void()> after_key;
};

// SaveOptions for the server's current config (LRU/LFU opcodes from maxmemory-policy).
SaveOptions SaveOptionsFor(const Config& config, int64_t now_ms, uint64_t used_mem);

// The pieces of a file, for writers that walk the keyspace themselves (persistence/snapshot):
// the magic, aux fields and function libraries;
void EncodeHeader(const SaveOptions& opts, RdbEncoder& enc);
// SELECTDB + RESIZEDB (a database's first records);
void EncodeDbStart(int index, uint64_t keys, uint64_t expires, RdbEncoder& enc);
// SELECTDB alone (back to a database whose records were interrupted by another's);
void EncodeSelectDb(int index, RdbEncoder& enc);
// one key: its expire time, IDLE/FREQ from `meta` (the key's table-slot metadata), type, key,
// value;
void EncodeRecord(Keyspace& ks, const SaveOptions& opts, const Entry& e, uint16_t meta,
                  RdbEncoder& enc);
// its first part, up to the value: expire, LRU/LFU opcode, type byte and key (the value follows
// through SaveObject or an ObjectWriter).
void EncodeRecordHead(Keyspace& ks, const SaveOptions& opts, const Entry& e, uint16_t meta,
                      RdbEncoder& enc);
// EOF and the CRC-64 (0 unless `checksum`).
void EncodeTrailer(bool checksum, RdbEncoder& enc);

// Encodes the whole keyspace into `enc` (header to checksum). `checksum`: rdbchecksum.
void EncodeKeyspace(Keyspace& ks, const SaveOptions& opts, bool checksum, RdbEncoder& enc);

// The temporary file a save to `path` writes before the rename: "temp-<pid>.rdb" in
// `path`'s directory (Redis's rdbRemoveTempFile removes it after a second SIGINT).
std::string TempSavePath(const std::string& path);

// SAVE: writes the keyspace to `path` through TempSavePath(path), fsyncs it and renames it
// over `path`. Errors name the file and errno.
Status SaveToFile(Keyspace& ks, const Config& config, const SaveOptions& opts,
                  const std::string& path);

struct LoadOptions {
  int64_t now_ms = 0;         // keys that expired before this are skipped (as a master)
  bool aof_preamble = false;  // keep expired keys (the AOF that follows deletes them)
  bool keep_expired = false;  // keep expired keys (a replica: its master deletes them)
  bool replace = false;       // DEBUG RELOAD MERGE: a key already present is replaced
  // Called with the code of each function library (FUNCTION2, or the pre-GA FUNCTION record
  // turned into the same code), in file order, before the keys that follow it are read; false
  // with a message in *err fails the load ("Failed loading library, <err>"). Unset: skipped.
  std::function<bool(const std::string& code, std::string* err)> on_function;
  // Serving clients while a file loads (Redis's rdbLoadProgressCallback): called between
  // records each time the read offset has passed another multiple of `progress_interval`
  // bytes, with that offset; returning false stops the load, which then fails with
  // kLoadStopped. Unset: never called.
  std::function<bool(size_t offset)> on_progress;
  size_t progress_interval = 0;
  // Called after each key record is read (key-load-delay). Unset: never called.
  std::function<void()> on_key;
  // The "used-mem" aux field, when the file has one (INFO loading_rdb_used_mem).
  std::function<void(uint64_t used_mem)> on_used_mem;
};

// The message of a load that on_progress stopped.
inline constexpr std::string_view kLoadStopped = "Loading stopped for a shutdown";

struct LoadStats {
  uint64_t keys_loaded = 0;
  uint64_t keys_expired = 0;
  uint64_t empty_keys_skipped = 0;
  int version = 0;
  uint64_t functions = 0;  // function libraries read
  size_t bytes_read = 0;   // up to the checksum: where an AOF tail after an RDB preamble starts
};

// Loads an RDB image into `ks`. On error the keys loaded so far stay (the caller exits or
// flushes); the message names the problem and its byte offset.
Status LoadFromMemory(const uint8_t* data, size_t size, Keyspace& ks, const Config& config,
                      const LoadOptions& opts, LoadStats* stats);

// Loads the RDB file at `path`. A missing file is kNotFound (*missing set, Ok returned).
Status LoadFromFile(const std::string& path, Keyspace& ks, const Config& config,
                    const LoadOptions& opts, LoadStats* stats, bool* missing);

}  // namespace duet::rdb
