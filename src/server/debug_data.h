// DEBUG's views of stored data (server/debug_cmds.cc dispatches to these): OBJECT, DIGEST,
// DIGEST-VALUE, LISTPACK, QUICKLIST, HTSTATS, HTSTATS-KEY. Each writes its whole reply,
// errors included, with Redis 7.0.15's texts.
#pragma once

#include <span>
#include <string_view>

#include "server/server_context.h"

namespace duet::debug {

// DEBUG OBJECT key: Redis's one-line summary (refcount, encoding, serialized length, LRU
// fields; quicklist figures for lists). No expiry check, no LRU update.
void Object(ServerContext& ctx, std::string_view key);

// DEBUG DIGEST: the dataset digest (types/digest.h) as a status reply of 40 hex digits.
void Digest(ServerContext& ctx);
// DEBUG DIGEST-VALUE key...: an array of one status reply per key (40 zeros for a missing
// key); logically expired keys are read as stored, as Redis does.
void DigestValue(ServerContext& ctx, std::span<const std::string_view> keys);

// DEBUG LISTPACK key / DEBUG QUICKLIST key [full]: print the value's low-level layout on
// stdout and answer a status line; an error when the key is missing (read lookup, no LRU
// touch) or not in that encoding. duet's small hashes are packed pairs, not a listpack
// (docs/architecture.md "Hashes"): their pairs are printed instead.
void Listpack(ServerContext& ctx, std::string_view key);
void QuicklistRepr(ServerContext& ctx, std::string_view key, bool full);

// DEBUG HTSTATS dbid / HTSTATS-KEY key: Redis's dictGetStats text, reduced to what duet's
// tables can say (duet's tables are open-addressed segments and never rehash: the "table
// size" is the power-of-two bucket count a Redis dict of as many elements would have).
void Htstats(ServerContext& ctx, std::string_view dbid);
void HtstatsKey(ServerContext& ctx, std::string_view key);

}  // namespace duet::debug
