// Hash values: Redis 7.0's hash type with its two encodings. No RESP here: commands/
// hash_cmds.cc and hash_read_cmds.cc parse and reply. Other families (SORT's BY/GET
// `->field` patterns, persistence) read hashes only through HashView / FindForRead.
//
// Encodings (OBJECT ENCODING names):
//   "listpack"  — field,value,field,value... packed in one buffer while the hash has at most
//                 hash-max-listpack-entries fields and every field and value is at most
//                 hash-max-listpack-value bytes: Redis's listpack, minus the bytes only a
//                 stand-alone listpack needs (types/packed_pairs.h). The bytes are stored
//                 INSIDE the key's Entry (Entry::NewPacked): a small hash costs one
//                 allocation (key + pairs) and its table slot, no CompositeValue.
//   "hashtable" — what Redis converts to (hashTypeTryConversion / hashTypeSet rules), stored
//                 one of two ways:
//                 * "big packed": the same packed pairs inside the Entry, flagged
//                   (Entry::packed_big) so OBJECT ENCODING, RDB and DUMP say hashtable, while
//                   the hash has at most hash-max-listpack-entries fields and its pairs take
//                   at most kMaxBigPackedBytes. A hash converted because ONE value is long (a
//                   BullMQ job: 6 short fields and a 1 KB `data`) costs one allocation instead
//                   of a table segment, a value object and a block per field.
//                   A big packed hash with a long value is kept as a SplitHashValue
//                   instead when that saves memory (types/hash_split.h: the value's head
//                   in a block of an exact allocator size class).
//                 * a HashValue (CompositeValue) holding a FieldTable (types/hash_fields.h):
//                   one allocation per field+value, once a big packed hash outgrows those
//                   bounds (or is converted past them at once).
// A new hash is always a listpack; it converts to "hashtable" once, as Redis decides, and
// never converts back; a big packed hash moves to the FieldTable once, and never back.
// Reading: HashView over the key's Entry. Writing: HashWriter, which works on a private
// copy of the packed pairs and writes it back to the
// keyspace in Commit(): in place when it fits the entry's allocation, else as a new entry
// (same TTL and LRU stamp); a conversion installs the HashValue; an empty hash deletes the
// key (Redis never keeps an empty hash).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string_view>

#include "common/status.h"
#include "keyspace/db.h"
#include "keyspace/entry.h"
#include "types/hash_fields.h"
#include "types/hash_split.h"
#include "types/listpack.h"
#include "types/packed_pairs.h"

namespace duet::hashes {

// The most bytes of packed pairs a "hashtable" hash keeps inside its Entry (every change
// copies them: HashWriter edits a private copy).
inline constexpr size_t kMaxBigPackedBytes = 8192;

// The conversion thresholds (from the config, read per command).
struct Limits {
  size_t max_listpack_entries = 512;  // hash-max-listpack-entries
  size_t max_listpack_value = 64;     // hash-max-listpack-value
};

// Scratch space for a value stored as an integer in a listpack (decimal form, <= 20 chars),
// or a split value joined (types/hash_split.h).
struct NumBuf {
  char buf[24];
  std::string joined;
};

// The hashtable encoding's value object.
class HashValue final : public CompositeValue {
 public:
  HashValue() = default;
  ~HashValue() override;
  HashValue(const HashValue&) = delete;
  HashValue& operator=(const HashValue&) = delete;

  size_t MemoryUsage() const override;
  CompositeValue* Clone() const override;
  std::string_view EncodingName() const override { return "hashtable"; }
  // One free per field (Redis's lazyfreeGetFreeEffort for a dict).
  size_t FreeEffort() const override { return table_.size(); }

  // Mutable even through a const HashValue: iteration (Scan/ForEach) is non-const in
  // SegmentedTable but changes nothing.
  FieldTable& table() const { return table_; }

 private:
  mutable FieldTable table_;
};

// Iterates packed pairs: fn(field, value) with integer elements formatted and a split value
// joined with `head` (a SplitHashValue's; empty for other pairs).
template <typename Fn>
void ForEachPackedPair(std::string_view packed, std::string_view head, Fn&& fn) {
  NumBuf fb, vb;
  size_t off = pairs::kFirst;
  while (off < packed.size()) {
    size_t next;
    std::string_view f = pairs::Get(packed, off, &next).View(fb.buf);
    fn(f, ValueAt(packed, head, next, &off, vb.buf, &vb.joined));
  }
}
template <typename Fn>
void ForEachPackedPair(std::string_view packed, Fn&& fn) {
  ForEachPackedPair(packed, {}, fn);
}

// A new entry for a big packed hash's pairs: a SplitHashValue when that saves memory, else
// the pairs inline (Entry::NewPacked, big).
Entry* NewBigPackedEntry(std::string_view key, std::string_view packed, int64_t expire_ms);

// Read access to a hash in either encoding. Valid until the key is modified.
class HashView {
 public:
  // Precondition: e->type() == ValueType::kHash.
  explicit HashView(Entry* e);
  // Packed pairs; `big`: a big packed hash (reports "hashtable").
  explicit HashView(std::string_view packed, bool big = false) : packed_(packed), big_(big) {}
  explicit HashView(HashValue* hv) : hv_(hv) {}

  // Whether the fields are packed pairs (a listpack or a big packed hash), not a FieldTable.
  bool IsPacked() const { return hv_ == nullptr; }
  // Whether OBJECT ENCODING says "listpack" (RDB/DUMP write a listpack).
  bool IsListpack() const { return hv_ == nullptr && !big_; }
  std::string_view EncodingName() const { return IsListpack() ? "listpack" : "hashtable"; }
  size_t Length() const;

  // The value of `field`, or nullopt. A value stored as an integer in a listpack is written
  // into `num`; otherwise the view points into the hash.
  std::optional<std::string_view> Get(std::string_view field, NumBuf& num) const;
  bool Exists(std::string_view field) const;

  // Calls fn(field, value) for every field, in the encoding's order (views valid during the
  // call only: listpack integers are formatted into scratch space).
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    if (IsPacked()) return ForEachPackedPair(packed_, head_, fn);
    hv_->table().ForEach(
        [&](FieldTable::SlotRef s) { fn(FieldBlock::Field(s.get()), FieldBlock::Value(s.get())); });
  }

  // One HSCAN step: calls fn(field, value) for the fields of the step and returns the next
  // cursor (0 when done). Packed pairs return everything at once. The hashtable encoding
  // steps through hash ranges until at least `count` fields were returned (a few more at
  // most): every field present for the whole scan is returned once whatever inserts and
  // deletes happen between calls (core/segmented_table.h).
  template <typename Fn>
  uint64_t Scan(uint64_t cursor, size_t count, Fn&& fn) const {
    if (IsPacked()) {
      ForEach(fn);
      return 0;
    }
    size_t seen = 0;
    do {
      cursor = hv_->table().Scan(
          cursor,
          [&](FieldTable::SlotRef s) {
            fn(FieldBlock::Field(s.get()), FieldBlock::Value(s.get()));
            seen++;
          },
          count - seen);
    } while (cursor != 0 && seen < count);
    return cursor;
  }

  // The packed pairs (types/packed_pairs.h). Precondition: IsPacked().
  std::string_view packed() const { return packed_; }
  // The element at `off` of packed(), a split value joined into scratch space that the next
  // call reuses; *next receives the offset after it. Precondition: IsPacked().
  lp::Value PackedElement(size_t off, size_t* next) const;
  HashValue* value() const { return hv_; }

 private:
  std::string_view packed_;      // packed pairs (inside the Entry, or a writer's copy)
  bool big_ = false;             // packed pairs of a "hashtable" hash
  std::string_view head_;        // a SplitHashValue's head (its pairs are packed_)
  HashValue* hv_ = nullptr;      // FieldTable storage
  mutable std::string scratch_;  // PackedElement's joined value
};

// Changes one hash key. Usage: Open, any number of reads and changes, Commit. Destroying a
// writer without Commit discards listpack changes (a hashtable is changed in place, so
// callers Commit whenever they changed something). The key must not be touched by anything
// else between Open and Commit.
class HashWriter {
 public:
  HashWriter() = default;
  ~HashWriter();
  HashWriter(const HashWriter&) = delete;
  HashWriter& operator=(const HashWriter&) = delete;

  // Looks `key` up for writing (no hit/miss count). kWrongType when it holds another type.
  // A missing key is kKeyNotFound unless `create` (Redis's hashTypeLookupWriteOrCreate):
  // then the writer starts an empty listpack hash, added to the db by Commit if non-empty.
  OpStatus Open(Db& db, std::string_view key, bool create);
  bool existed() const { return entry_ != nullptr; }

  HashView view() const { return hv_ ? HashView(hv_) : HashView(Packed(), big_); }
  size_t Length() const { return view().Length(); }
  std::optional<std::string_view> Get(std::string_view field, NumBuf& num) const {
    return view().Get(field, num);
  }
  bool Exists(std::string_view field) const { return view().Exists(field); }

  // Redis's hashTypeTryConversion, called with the arguments about to be inserted: converts
  // a listpack to a hashtable when one of `args` is longer than max_listpack_value, or when
  // their total would take the packed pairs past a listpack's 1 GB safety limit (the
  // storage follows at the next Set: see the file comment).
  void TryConversion(std::span<const std::string_view> args, const Limits& limits);
  // Redis's hashTypeSet: sets `field` to `value`; returns true when the field is new.
  // Converts first when the field or value is longer than max_listpack_value (the HINCRBY*
  // path, which does not call TryConversion), and afterwards when the listpack has more than
  // max_listpack_entries fields. A big packed hash moves to a FieldTable when it has more
  // than max_listpack_entries fields or more than kMaxBigPackedBytes of pairs.
  bool Set(std::string_view field, std::string_view value, const Limits& limits);
  // Removes `field`; returns whether it existed.
  bool Delete(std::string_view field);
  // Converts a listpack to the hashtable encoding (no-op if already one): a big packed hash
  // while that fits the bounds of the file comment, else a FieldTable.
  void ConvertToTable(const Limits& limits);

  // Makes the changes visible in the keyspace (see the file comment). Returns whether the
  // key was deleted because the hash became empty.
  bool Commit();

 private:
  void OwnPacked();  // copies the entry's packed pairs before the first change
  // A big packed hash past its bounds moves to a FieldTable.
  void FitStorage(const Limits& limits);
  void MoveToFieldTable();
  // The packed pairs: our copy, or the entry's bytes. Precondition: hv_ == nullptr.
  std::string_view Packed() const { return owns_ ? std::string_view(buf_) : entry_->packed(); }

  Db* db_ = nullptr;
  std::string_view key_;
  uint64_t key_hash_ = 0;
  KeyTable::SlotRef slot_;
  Entry* entry_ = nullptr;   // the key's entry (nullptr when created by this writer)
  std::string buf_;          // our copy of the packed pairs (changed, written back by Commit)
  bool owns_ = false;        // buf_ holds the packed pairs
  bool big_ = false;         // the packed pairs are a big packed hash ("hashtable")
  HashValue* hv_ = nullptr;  // hashtable encoding
  bool converted_ = false;   // hv_ is new (not yet in the keyspace)
};

// The hash stored at `key` for reading (counts a keyspace hit/miss): nullopt when missing,
// kWrongType when the key holds another type.
Result<std::optional<HashView>> FindForRead(Db& db, std::string_view key);

// One field/value picked by HRANDFIELD: listpack elements (a string view or an integer),
// or strings of a table block. Valid until the hash changes.
struct PickedField {
  lp::Value field;
  lp::Value value;
};

// HRANDFIELD key count: Redis 7.0's hrandfieldWithCountCommand cases.
//  - count < 0: |count| independent picks, repeats allowed, random order.
//  - count >= Length(): every field once, in the encoding's order.
//  - otherwise count distinct fields (listpack: in listpack order, as lpRandomPairsUnique).
// `count` is nonzero (the caller answers 0 with an empty array); the caller sizes its reply
// as |count| for a negative count, else min(count, Length()). `rnd` yields fresh 64-bit
// random values; `emit` is called once per picked field (picks are streamed, so a huge
// negative count needs no memory here).
using RandomSource = std::function<uint64_t()>;
void RandomFields(const HashView& h, int64_t count, const RandomSource& rnd,
                  const std::function<void(const PickedField&)>& emit);

// HRANDFIELD key (no count): one random field. Precondition: the hash is not empty.
PickedField RandomField(const HashView& h, const RandomSource& rnd);

// HINCRBY's arithmetic on `field`'s current value (0 when absent). Errors:
// kNotInteger ("hash value is not an integer" at the command layer) when the value is not a
// strict 64-bit integer, kOutOfRange when the sum overflows. Stores the result (the caller
// commits).
Result<int64_t> IncrBy(HashWriter& h, std::string_view field, int64_t delta, const Limits& limits);
// HINCRBYFLOAT: long double arithmetic, stored formatted as Redis's ld2string(LD_STR_HUMAN)
// (`out` receives the text). Errors: kNotFloat when the stored value is not a number,
// kIncrNanOrInf when the result is NaN or infinite. `incr` is finite (checked by the caller).
OpStatus IncrByFloat(HashWriter& h, std::string_view field, long double incr, const Limits& limits,
                     std::string* out);

}  // namespace duet::hashes
