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
// key, and KeyCommandsWriter in steps for a big key); WriteCommandsFile writes a whole
// keyspace synchronously.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "keyspace/entry.h"
#include "keyspace/keyspace.h"
#include "types/zset.h"

namespace duet::aof {

inline constexpr size_t kRewriteItemsPerCmd = 64;  // AOF_REWRITE_ITEMS_PER_CMD

// The commands that rebuild `e` (and its TTL), appended to *out.
void AppendKeyCommands(const Entry& e, std::string* out);

// AppendKeyCommands in steps, for a background snapshot that writes a big key across many
// event-loop slices: the same bytes whatever the step sizes (a step may end inside a
// command). Lists step by element, sets and hashes by table segment, sorted sets by member;
// strings and streams are written whole by the first step. `e` must not change or be freed
// until Step returned true (the writer keeps an element index, a scan cursor or a cursor).
class KeyCommandsWriter {
 public:
  explicit KeyCommandsWriter(const Entry& e);
  // Appends about `units` more elements to *out; true once the key's commands (its
  // PEXPIREAT included) are complete.
  bool Step(std::string* out, size_t units);

 private:
  // One element's arguments follow: writes the command's header at each batch start.
  void Item(std::string* out);
  // Writes elements until about `units` were written; true when all were.
  bool Elements(std::string* out, size_t units);

  const Entry& e_;
  std::string_view cmd_;  // RPUSH, SADD, ZADD, HMSET; empty: written whole
  size_t width_ = 1;      // arguments per element
  size_t left_ = 0;       // elements not written yet
  size_t count_ = 0;      // elements in the current command
  size_t index_ = 0;      // list: next element
  uint64_t cursor_ = 0;   // set/hash table scan
  bool started_ = false;
  bool whole_ = false;  // a hash's packed pairs, a small set: everything in the first step
  zset::ZSetValue::Cursor zcursor_;
};
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
