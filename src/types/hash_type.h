// Hash values: Redis 7.0's hash type with its two encodings. No RESP here: commands/
// hash_cmds.cc and hash_read_cmds.cc parse and reply; SORT's BY/GET `->field` patterns use
// Lookup + HashValue::Get.
//
// Encodings (OBJECT ENCODING names):
//   "listpack"  — field,value,field,value... in one Redis listpack (types/listpack.h) while
//                 the hash has at most hash-max-listpack-entries fields and every field and
//                 value is at most hash-max-listpack-value bytes.
//   "hashtable" — a FieldTable (types/hash_fields.h): one allocation per field+value.
// A new hash is always a listpack; it converts once, as Redis's hashTypeTryConversion /
// hashTypeSet decide, and never converts back.
//
// HashValue is 16 bytes (vtable + one tagged pointer): the per-key cost of a small hash is
// the Entry, this object and the listpack.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "keyspace/db.h"
#include "keyspace/entry.h"
#include "types/hash_fields.h"
#include "types/listpack.h"

namespace duet::hashes {

// The conversion thresholds (from the config, read per command).
struct Limits {
  size_t max_listpack_entries = 512;  // hash-max-listpack-entries
  size_t max_listpack_value = 64;     // hash-max-listpack-value
};

// Scratch space for a value stored as an integer in a listpack (decimal form, <= 20 chars).
struct NumBuf {
  char buf[24];
};

class HashValue final : public CompositeValue {
 public:
  HashValue();  // an empty listpack hash
  ~HashValue() override;
  HashValue(const HashValue&) = delete;
  HashValue& operator=(const HashValue&) = delete;

  size_t MemoryUsage() const override;
  CompositeValue* Clone() const override;
  std::string_view EncodingName() const override;
  // Field count for the hashtable encoding (one free per field), 1 for a listpack.
  size_t FreeEffort() const override;

  bool IsListpack() const { return (rep_ & kTableTag) == 0; }
  size_t Length() const;

  // The value of `field`, or nullopt. A value stored as an integer in a listpack is written
  // into `num`; otherwise the view points into the hash. Valid until the hash changes.
  std::optional<std::string_view> Get(std::string_view field, NumBuf& num) const;
  bool Exists(std::string_view field) const;

  // Redis's hashTypeTryConversion, called with the arguments about to be inserted: converts
  // a listpack to a hashtable when one of `args` is longer than max_listpack_value, or when
  // their total would take the listpack past its 1 GB safety limit.
  void TryConversion(std::span<const std::string_view> args, const Limits& limits);
  // Redis's hashTypeSet: sets `field` to `value`; returns true when the field is new.
  // Converts first when the field or value is longer than max_listpack_value (the HINCRBY*
  // path, which does not call TryConversion), and afterwards when the listpack has more than
  // max_listpack_entries fields.
  bool Set(std::string_view field, std::string_view value, const Limits& limits);
  // Removes `field`; returns whether it existed. The caller deletes the key when the hash is
  // empty (Redis never keeps an empty hash).
  bool Delete(std::string_view field);
  // Converts a listpack to the hashtable encoding (no-op if already one).
  void ConvertToTable();

  // Calls fn(field, value) for every field, in the encoding's order. fn must not modify
  // the hash.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    if (IsListpack()) {
      NumBuf fb, vb;
      uint8_t* lp = listpack();
      for (uint8_t* p = lp::First(lp); p != nullptr;) {
        uint8_t* v = lp::Next(lp, p);
        fn(lp::Get(p).View(fb.buf), lp::Get(v).View(vb.buf));
        p = lp::Next(lp, v);
      }
    } else {
      table()->ForEach([&](FieldTable::SlotRef s) {
        fn(FieldBlock::Field(s.get()), FieldBlock::Value(s.get()));
      });
    }
  }

  // One HSCAN step: calls fn(field, value) for the fields of the step and returns the next
  // cursor (0 when done). A listpack returns everything at once. The hashtable encoding
  // steps whole table segments until at least `count` fields were returned: every field
  // present for the whole scan is returned at least once whatever inserts and deletes happen
  // between calls (core/segmented_table.h); some may be returned twice.
  template <typename Fn>
  uint64_t Scan(uint64_t cursor, size_t count, Fn&& fn) const {
    if (IsListpack()) {
      ForEach(fn);
      return 0;
    }
    size_t seen = 0;
    do {
      cursor = table()->Scan(cursor, [&](FieldTable::SlotRef s) {
        fn(FieldBlock::Field(s.get()), FieldBlock::Value(s.get()));
        seen++;
      });
    } while (cursor != 0 && seen < count);
    return cursor;
  }

  // Direct access to the representations (tests, RDB later).
  uint8_t* listpack() const { return reinterpret_cast<uint8_t*>(rep_); }
  FieldTable* table() const { return reinterpret_cast<FieldTable*>(rep_ & ~kTableTag); }

 private:
  static constexpr uintptr_t kTableTag = 1;
  void FreeRep();

  uintptr_t rep_;  // listpack pointer, or FieldTable pointer | kTableTag
};

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
void RandomFields(const HashValue& h, int64_t count, const RandomSource& rnd,
                  const std::function<void(const PickedField&)>& emit);

// HRANDFIELD key (no count): one random field. Precondition: the hash is not empty.
PickedField RandomField(const HashValue& h, const RandomSource& rnd);

// The hash stored at `key` for reading (counts a keyspace hit/miss): nullptr when missing,
// kWrongType when the key holds another type.
Result<HashValue*> FindForRead(Db& db, std::string_view key);
// The same for a write (no hit/miss count).
Result<HashValue*> FindForWrite(Db& db, std::string_view key);
// Redis's hashTypeLookupWriteOrCreate: the hash at `key`, created empty (a listpack) and
// added to `db` when missing. The caller must leave it non-empty. kWrongType as above.
Result<HashValue*> FindOrCreate(Db& db, std::string_view key);

// HINCRBY's arithmetic on `field`'s current value (0 when absent). Errors:
// kNotInteger ("hash value is not an integer" at the command layer) when the value is not a
// strict 64-bit integer, kOutOfRange when the sum overflows. Stores the result.
Result<int64_t> IncrBy(HashValue& h, std::string_view field, int64_t delta, const Limits& limits);
// HINCRBYFLOAT: long double arithmetic, stored formatted as Redis's ld2string(LD_STR_HUMAN)
// (`out` receives the text). Errors: kNotFloat when the stored value is not a number,
// kIncrNanOrInf when the result is NaN or infinite. `incr` is finite (checked by the caller).
OpStatus IncrByFloat(HashValue& h, std::string_view field, long double incr, const Limits& limits,
                     std::string* out);

}  // namespace duet::hashes
