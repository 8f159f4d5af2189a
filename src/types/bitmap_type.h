// Bitmap logic over string bytes: the semantics of SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP and
// BITFIELD, without keyspace access or replies (commands/bitmap_cmds.cc and
// commands/bitfield_cmds.cc do the lookups through types/string_storage.h and the replies).
//
// Bit numbering is Redis's: bit offset 0 is the most significant bit of byte 0, so a bitmap
// reads left to right as its bytes print in binary. Bits past the end of a string read as 0.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace duet::bitmap {

// ---- single bits -------------------------------------------------------------------------

// The bit at `offset`; 0 past the end of `s`.
bool GetBit(std::string_view s, uint64_t offset);
// Sets the bit at `offset` to `on` and returns its previous value.
// Precondition: the byte offset / 8 lies inside `data`.
bool SetBit(char* data, uint64_t offset, bool on);

// Parses a bit offset argument as Redis's getBitOffsetFromArgument does: a strict integer
// (string2ll rules), or "#N" meaning N * `hash_bits` when `hash_bits` > 0 (BITFIELD). The
// multiplication wraps like Redis's 64-bit arithmetic. nullopt (ERR bit offset is not an
// integer or out of range) when not an integer, negative, or when offset / 8 >=
// `max_bytes` (proto-max-bulk-len).
std::optional<uint64_t> ParseBitOffset(std::string_view arg, int hash_bits, int64_t max_bytes);

// ---- counting and searching ---------------------------------------------------------------

enum class RangeUnit { kByte, kBit };

// Parses BYTE / BIT (any case). Like every keyword below, compared as Redis's strcasecmp
// does: the argument ends at its first NUL byte.
std::optional<RangeUnit> ParseRangeUnit(std::string_view arg);

// Number of set bits in `s`.
uint64_t Popcount(std::string_view s);

// BITCOUNT key start end [BYTE|BIT]: set bits between `start` and `end` inclusive, in bytes
// or bits; negative indexes count from the end (-1 is the last byte/bit), out-of-range
// indexes are clamped, and an empty range counts 0.
uint64_t CountRange(std::string_view s, int64_t start, int64_t end, RangeUnit unit);

// BITPOS key bit [start [end [BYTE|BIT]]]: the offset of the first bit equal to `bit` in the
// range (same index rules as CountRange; the whole string by default), or -1 when there is
// none. Searching for 0 without an explicit `end` treats the string as padded with zeros on
// the right, so when the range holds only ones the answer is the first bit after it.
int64_t FindBit(std::string_view s, bool bit, int64_t start = 0,
                std::optional<int64_t> end = std::nullopt, RangeUnit unit = RangeUnit::kByte);

// ---- BITOP --------------------------------------------------------------------------------

enum class BitOpKind { kAnd, kOr, kXor, kNot };

// Parses AND / OR / XOR / NOT (any case).
std::optional<BitOpKind> ParseBitOp(std::string_view name);

// Writes `op` applied to `srcs` into `out`, which is as long as the longest source
// (out.size() bytes are written). Shorter sources read as zero-padded; NOT takes one source.
// `out` may not overlap a source.
void BitOp(BitOpKind op, std::span<const std::string_view> srcs, std::span<char> out);

// ---- BITFIELD -----------------------------------------------------------------------------

// An integer field type: i1..i64 or u1..u63.
struct FieldType {
  bool is_signed;
  int bits;
};

enum class Overflow { kWrap, kSat, kFail };

// A BITFIELD subcommand: GET type offset | SET type offset value | INCRBY type offset incr |
// OVERFLOW WRAP|SAT|FAIL.
enum class FieldOp { kGet, kSet, kIncrBy, kOverflow };
std::optional<FieldOp> ParseFieldOp(std::string_view arg);

// Parses "i16" / "u8" (lower-case prefix, strict decimal width) as Redis does; nullopt when
// invalid (ERR Invalid bitfield type ...).
std::optional<FieldType> ParseFieldType(std::string_view arg);
// Parses WRAP / SAT / FAIL (any case).
std::optional<Overflow> ParseOverflow(std::string_view arg);

// Reads the field at bit `offset` (bits past the end of `s` read as 0). Unsigned fields are
// returned as their value (< 2^63), signed ones sign-extended.
int64_t GetField(std::string_view s, uint64_t offset, FieldType type);
// Writes the low `type.bits` bits of `value` at bit `offset`.
// Precondition: (offset + type.bits - 1) / 8 lies inside `data`.
void SetField(char* data, uint64_t offset, FieldType type, int64_t value);

// The value a field of `type` holding `old` takes after INCRBY `incr`, under `ow`: WRAP keeps
// the low bits (two's complement for signed), SAT clamps to the type's range, FAIL returns
// nullopt (the field is left alone) when the exact sum is out of range.
std::optional<int64_t> FieldIncr(FieldType type, int64_t old, int64_t incr, Overflow ow);
// The value stored by SET `value`, under `ow`. For unsigned types the value is taken as its
// 64-bit two's complement (as Redis does), so a negative value overflows upwards: SAT gives
// the type's maximum. Also as in Redis, a signed field narrower than 64 bits saturates to its
// maximum for the values that are at most max - 2^63 (the most negative ones).
std::optional<int64_t> FieldSet(FieldType type, int64_t value, Overflow ow);

}  // namespace duet::bitmap
