// Entry: one key and its value in a single allocation.
//
// Layout (bytes):
//   [0]      flags: bits 0-2 ValueType, bits 3-4 StringEncoding (strings) or bit 3 packed
//            and bit 4 packed-big (other types), bit 5 has-expire, bit 6 wide
//   compact: [1] key length (u8), [2..3] value length (u16)            -> 4-byte header
//   wide:    [1..4] key length (u32), [5..8] value length (u32)         -> 9-byte header
//   then the expire time (int64 ms, unaligned) if has-expire, then the key bytes, then the
//   value: the string bytes for strings, a CompositeValue* for other types, or, for a
//   "packed" non-string value, its packed bytes inline (a small hash's or sorted set's
//   listpack: no CompositeValue and no second allocation, see types/hash_type.h and
//   types/zset.h).
// A 12-byte key with a 16-byte value is exactly 32 bytes: one jemalloc size-class-32 block
// with no padding. The LRU clock lives in the hash-table slot, not here.
//
// Entries are created and freed only through the static functions below; an Entry* is the
// element pointer stored in the keyspace table. Changing the value size or adding/removing
// the expire field returns a new Entry* (the caller repoints the table).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace duet {

enum class ValueType : uint8_t { kString = 0, kList, kSet, kZSet, kHash, kStream };

// How OBJECT ENCODING reports a string; the bytes are always stored as text.
enum class StringEncoding : uint8_t { kEmbstr = 0, kRaw = 1, kInt = 2 };

// Base of the non-string values (lists, hashes, ...). Owned by its Entry.
class CompositeValue {
 public:
  virtual ~CompositeValue() = default;
  virtual size_t MemoryUsage() const = 0;
  // A deep copy with the same representation (COPY duplicates values, Redis's dup*Object).
  virtual CompositeValue* Clone() const = 0;
  // OBJECT ENCODING's name for the current representation ("listpack", "quicklist", ...).
  virtual std::string_view EncodingName() const = 0;
  // Roughly how many allocations freeing this value releases (Redis's
  // lazyfreeGetFreeEffort); UNLINK hands values above 64 to the lazy-free thread.
  virtual size_t FreeEffort() const { return 1; }
};

class Entry {
 public:
  static constexpr int64_t kNoExpire = -1;

  // New string entry. The encoding is derived from the value as Redis does for SET
  // (int / embstr / raw) unless `raw` is true (results of APPEND, SETRANGE, ...).
  static Entry* NewString(std::string_view key, std::string_view value, int64_t expire_ms,
                          bool raw = false);
  // New string entry with room for `capacity` value bytes (>= value.size()); for strings
  // that grow by APPEND/SETRANGE, so appends are amortised O(1) like Redis's sds.
  static Entry* NewStringWithCapacity(std::string_view key, std::string_view value, size_t capacity,
                                      int64_t expire_ms);
  static Entry* NewObject(std::string_view key, ValueType type, CompositeValue* value,
                          int64_t expire_ms);
  // New entry of a non-string `type` whose value is `bytes` stored inline ("packed": a
  // listpack; OBJECT ENCODING reports "listpack"). The type's code reads and rewrites the
  // bytes through packed()/mutable_packed()/set_packed_len() and replaces the entry when
  // they outgrow PackedCapacity().
  // `big`: the value is stored packed but OBJECT ENCODING reports the type's big encoding
  // (a hash Redis would keep as a "hashtable" whose few fields fit one packed buffer; see
  // types/hash_type.h). Clone, WithKey and WithExpire keep the flag.
  static Entry* NewPacked(std::string_view key, ValueType type, std::string_view bytes,
                          int64_t expire_ms, bool big = false);
  // Same key and value with a different expire (kNoExpire removes it). Frees `e` if it
  // returns a different pointer.
  static Entry* WithExpire(Entry* e, int64_t expire_ms);
  // A deep copy of `e`'s value (same type and encoding) under `key`, with `expire_ms`
  // (COPY). `e` is unchanged.
  static Entry* Clone(const Entry* e, std::string_view key, int64_t expire_ms);
  // `e`'s value and expire under another key (RENAME, MOVE keep the value object). Frees
  // `e`; a CompositeValue moves to the new entry without being copied.
  static Entry* WithKey(Entry* e, std::string_view key);
  // Frees the entry and its CompositeValue.
  static void Free(Entry* e);

  ValueType type() const { return static_cast<ValueType>(flags() & 7); }
  StringEncoding encoding() const { return static_cast<StringEncoding>((flags() >> 3) & 3); }
  void set_encoding(StringEncoding enc) {
    bytes_[0] = static_cast<uint8_t>((flags() & ~0x18) | (static_cast<uint8_t>(enc) << 3));
  }
  bool has_expire() const { return flags() & kHasExpire; }
  int64_t expire_ms() const;
  // Precondition: has_expire().
  void set_expire_ms(int64_t ms);

  std::string_view key() const;
  // String value. Precondition: type() == kString.
  std::string_view str() const;
  // Writable string bytes (size str().size()); for in-place SETRANGE/SETBIT/INCR.
  char* mutable_str();
  // Shrinks or grows the string's length within its allocation. Precondition:
  // new_len <= StrCapacity().
  void set_str_len(size_t new_len);
  // How many value bytes fit without reallocating.
  size_t StrCapacity() const;
  // Overwrites the string value in place and derives the encoding tag as NewString does
  // (SET on an existing key without a malloc/free). Precondition: type() == kString and
  // value.size() <= StrCapacity().
  void AssignString(std::string_view value);
  // Precondition: type() != kString and !is_packed().
  CompositeValue* object() const;

  // Whether a non-string value is stored inline as packed bytes (see NewPacked).
  bool is_packed() const { return type() != ValueType::kString && (flags() & kPacked); }
  // Whether packed bytes report the big encoding (see NewPacked). Precondition: is_packed().
  bool packed_big() const { return flags() & kPackedBig; }
  // Marks packed bytes as reporting the big encoding (a conversion never goes back).
  // Precondition: is_packed().
  void set_packed_big() { bytes_[0] |= kPackedBig; }
  // The packed bytes. Precondition: is_packed().
  std::string_view packed() const { return str(); }
  uint8_t* mutable_packed() { return reinterpret_cast<uint8_t*>(mutable_str()); }
  // How many packed bytes fit without reallocating, and setting their length within that.
  size_t PackedCapacity() const { return StrCapacity(); }
  void set_packed_len(size_t len) { set_str_len(len); }

  // Bytes of this allocation (MEMORY USAGE), including any CompositeValue.
  size_t MemoryUsage() const;

 private:
  static constexpr uint8_t kPacked = 1 << 3;     // shares bit 3 with strings' encoding tag
  static constexpr uint8_t kPackedBig = 1 << 4;  // shares bit 4 with strings' encoding tag
  static constexpr uint8_t kHasExpire = 1 << 5;
  static constexpr uint8_t kWide = 1 << 6;
  Entry() = delete;

  uint8_t flags() const { return bytes_[0]; }
  size_t HeaderSize() const { return (flags() & kWide) ? 9 : 4; }
  size_t KeyLen() const;
  size_t ValLen() const;
  size_t KeyOffset() const { return HeaderSize() + (has_expire() ? 8 : 0); }

  static Entry* Allocate(std::string_view key, size_t val_len, size_t capacity, ValueType type,
                         int64_t expire_ms);

  uint8_t bytes_[1];
};

// Hash-table traits: the table finds an element's key through this.
struct EntryTraits {
  static std::string_view KeyOf(const void* e) { return static_cast<const Entry*>(e)->key(); }
};

// TYPE's name for a value type: "string", "list", "set", "zset", "hash", "stream".
std::string_view TypeName(ValueType type);
// OBJECT ENCODING's name for an entry's value ("int", "embstr", "raw", or the composite's).
std::string_view EncodingName(const Entry& e);

// Redis's rule for OBJECT ENCODING "int": string2ll succeeds on the whole value (<= 20 chars).
bool LooksLikeInteger(std::string_view value);

}  // namespace duet
