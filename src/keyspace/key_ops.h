// Generic key operations: the keyspace side of EXISTS, EXPIRE & co, PERSIST, RENAME, COPY
// and MOVE, with Redis 7.0's semantics (db.c / expire.c) but no argument parsing and no
// replies (commands/key_cmds.cc and commands/expire_cmds.cc do those).
//
// Lookups follow Redis's flavours: "write" lookups (Db::Find) touch the LRU/LFU stamp and
// count no statistics; "read" lookups count keyspace_hits/misses; NOTOUCH lookups (TTL,
// TYPE, EXISTS, OBJECT) count but do not touch. Every lookup deletes an expired key first.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "common/status.h"
#include "keyspace/db.h"
#include "keyspace/lazy_free.h"

namespace duet::keyops {

// Looks `key` up without touching its LRU/LFU stamp and counts a keyspace hit or miss
// (Redis's lookupKeyReadWithFlags(LOOKUP_NOTOUCH)). nullptr when missing or expired.
Entry* PeekRead(Db& db, std::string_view key);

// Deletes `key`; returns whether it existed. With `freer` (UNLINK, or DEL under
// lazyfree-lazy-user-del) a value whose FreeEffort() exceeds 64 is freed in the background;
// strings are always freed at once (one allocation).
bool DeleteKey(Db& db, std::string_view key, LazyFreer* freer);

// EXPIRE's condition flags (any combination; the command layer rejects incompatible ones).
enum ExpireFlag : unsigned {
  kExpireNx = 1,  // only when the key has no TTL
  kExpireXx = 2,  // only when the key has a TTL
  kExpireGt = 4,  // only when the new time is later (no TTL counts as infinite)
  kExpireLt = 8,  // only when the new time is earlier (no TTL counts as infinite)
};

// The absolute unix time in ms that EXPIRE/PEXPIRE/EXPIREAT/PEXPIREAT's argument means:
// `value` (seconds when `seconds`, else ms) plus `base_ms` (now for the relative forms, 0 for
// the *AT forms). nullopt when the conversion or the addition overflows, which Redis reports
// as "invalid expire time in '<cmd>' command". Negative results are valid (already expired).
std::optional<int64_t> AbsoluteExpireMs(int64_t value, bool seconds, int64_t base_ms);

enum class ExpireOutcome {
  kNoKey,    // key missing: reply 0
  kSkipped,  // an NX/XX/GT/LT condition failed: reply 0
  kSet,      // TTL set: reply 1
  kDeleted,  // the time was not in the future, so the key was deleted: reply 1
};
// Gives `key` the expire time `when_ms` (absolute unix ms) under `flags`. A time at or before
// the keyspace's current time deletes the key, as Redis does on a master.
ExpireOutcome SetExpireAt(Db& db, std::string_view key, int64_t when_ms, unsigned flags);

// The absolute expire time of `key` in ms, -1 when it has no TTL, -2 when it is missing
// (TTL, PTTL, EXPIRETIME, PEXPIRETIME). A NOTOUCH read lookup.
int64_t ExpireTimeMs(Db& db, std::string_view key);

// Removes `key`'s TTL (PERSIST). Returns true if it had one.
bool Persist(Db& db, std::string_view key);

enum class RenameOutcome {
  kRenamed,
  kTargetExists,  // RENAMENX only: nothing changed
  kSameKey,       // src == dst and it exists: nothing changed
};
// Renames `src` to `dst` keeping the value, TTL and access stamp; an existing `dst` is
// overwritten unless `nx`. Errors: kNoSuchKey when `src` is missing (also when src == dst).
Result<RenameOutcome> Rename(Db& db, std::string_view src, std::string_view dst, bool nx);

enum class CopyOutcome {
  kCopied,
  kNoSource,      // reply 0
  kTargetExists,  // without `replace`: reply 0
};
// Copies `key` of `src` to `new_key` of `dst` (which may be the same Db) with its TTL; the
// copy is a new value with a fresh access stamp. An existing target is replaced only when
// `replace`. Errors: kSameObject when the Dbs and the keys are the same.
Result<CopyOutcome> Copy(Db& src, Db& dst, std::string_view key, std::string_view new_key,
                         bool replace);

// Moves `key` from `src` to `dst` (distinct Dbs) with its TTL and access stamp. Returns false
// (nothing changed) when `key` is missing in `src` or already exists in `dst`.
bool Move(Db& src, Db& dst, std::string_view key);

}  // namespace duet::keyops
