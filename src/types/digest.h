// DEBUG DIGEST / DIGEST-VALUE: Redis 7.0.15's dataset digest (debug.c), so a digest taken on
// duet equals redis-server's for the same data whatever the encodings.
//
// Two SHA-1 combinators: Xor (digest ^= SHA1(bytes): order-free, for set-like contents) and
// Mix (digest = SHA1(digest ^ SHA1(bytes)): order-sensitive). A value's digest mixes its
// Redis type number (big-endian u32), then its contents: a string's bytes; each list element
// in order; each set member xored; each hash field and sorted-set member as a 20-byte
// sub-digest (field then value, or member then score as "%.17g") xored in; and, when the key
// has a TTL, "!!expire!!" xored in (only its presence counts). Integers are hashed as their
// decimal text, so intset/listpack/hashtable encodings of the same data agree.
//
// The dataset digest xors, for every key, Mix(key) followed by the value's digest, after
// mixing each non-empty database's number (big-endian u32) into the running result. Keys are
// read as stored: logically expired keys not yet deleted still count, as in Redis (the
// digest reads the table, not through lookups). An empty dataset digests to 40 zeros.
#pragma once

#include <string>
#include <string_view>

#include "common/sha1.h"
#include "keyspace/entry.h"
#include "keyspace/keyspace.h"

namespace duet::digest {

using Digest = Sha1Hash;

// digest ^= SHA1(bytes).
void Xor(Digest& d, std::string_view bytes);
// digest = SHA1(digest ^ SHA1(bytes)).
void Mix(Digest& d, std::string_view bytes);

// Redis's xorObjectDigest: folds the value of `e` (and whether it has a TTL) into `d`.
void AddValue(Digest& d, Entry* e);

// Redis's computeDatasetDigest over every database of `ks`.
Digest Dataset(Keyspace& ks);

// 40 lowercase hex digits.
std::string Hex(const Digest& d);

}  // namespace duet::digest
