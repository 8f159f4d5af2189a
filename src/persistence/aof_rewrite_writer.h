// The commands form of an AOF base (aof-use-rdb-preamble no): what Redis 7.0.15's
// rewriteAppendOnlyFileRio writes, so redis-server and redis-check-aof read duet's file.
//
// Per key: a string as SET; a list as RPUSH, a set as SADD, a sorted set as ZADD (scores as
// %.17g) and a hash as HMSET, at most 64 elements (pairs) per command
// (AOF_REWRITE_ITEMS_PER_CMD), in the value's iteration order; a stream as one XADD per entry
// (or XADD key MAXLEN 0 0-1 x y for an empty stream), XSETID with ENTRIESADDED and
// MAXDELETEDID, then per group (name order) XGROUP CREATE ... ENTRIESREAD and per consumer
// (name order) an XCLAIM ... TIME RETRYCOUNT JUSTID FORCE per pending entry, or XGROUP
// CREATECONSUMER when it has none; then PEXPIREAT when the key has a TTL. A file starts with
// the #TS annotation (aof-timestamp-enabled), a FUNCTION LOAD per library, then per
// non-empty database SELECT and its keys.
//
// AppendKeyCommands is a pure serializer of one key (the background snapshot calls it per
// key); WriteCommandsFile writes a whole keyspace synchronously.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "keyspace/entry.h"
#include "keyspace/keyspace.h"

namespace duet::aof {

inline constexpr size_t kRewriteItemsPerCmd = 64;  // AOF_REWRITE_ITEMS_PER_CMD

// The commands that rebuild `e` (and its TTL), appended to *out.
void AppendKeyCommands(const Entry& e, std::string* out);
// SELECT <db>.
void AppendSelect(int db, std::string* out);
// FUNCTION LOAD <code> for each library's code.
void AppendFunctionLoads(const std::vector<std::string_view>& codes, std::string* out);

struct CommandsFileOptions {
  std::vector<std::string_view> functions;  // library codes
  bool timestamp = false;                   // aof-timestamp-enabled: a #TS:<now_s> line first
  int64_t now_ms = 0;
};

// Writes the whole keyspace in commands form to `path` (created or truncated), fsyncs it.
// Errors name the file.
Status WriteCommandsFile(Keyspace& ks, const CommandsFileOptions& opts, const std::string& path);

}  // namespace duet::aof
