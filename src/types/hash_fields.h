// The big ("hashtable") encoding of a hash: every field and its value in ONE allocation,
// indexed by a SegmentedTable of 8-byte slots.
//
// A field block is
//   <varint field length> <varint value length> <field bytes> <value bytes>
// (LEB128 varints: one byte each below 128) with no terminator and no padding, so a 10-byte
// field with a 16-byte value takes 28 bytes, a 32-byte jemalloc block. Together with the table
// slot (8 bytes at 64-80% fill, about 11 bytes) that is ~43 bytes per field, against Redis's
// dictEntry + two sds strings + bucket.
//
// Blocks are plain malloc'd bytes owned by the FieldTable's user (HashValue frees them);
// malloc returns 8-byte aligned blocks, as SegmentedTable's hash tags require.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/segmented_table.h"

namespace duet::hashes {

struct FieldBlock {
  // A new block holding `field` and `value`.
  static uint8_t* New(std::string_view field, std::string_view value);
  static void Free(uint8_t* block);

  static std::string_view Field(const void* block) {
    const auto* p = static_cast<const uint8_t*>(block);
    // Fast path (inline: every table probe that matches a tag calls this): both lengths
    // below 128, a 2-byte header.
    if (!((p[0] | p[1]) & 0x80)) return {reinterpret_cast<const char*>(p) + 2, p[0]};
    return SlowField(block);
  }
  static std::string_view Value(const void* block) {
    const auto* p = static_cast<const uint8_t*>(block);
    if (!((p[0] | p[1]) & 0x80)) return {reinterpret_cast<const char*>(p) + 2 + p[0], p[1]};
    return SlowValue(block);
  }

  // Sets the value. Rewrites the block in place when the new layout fits its allocation;
  // otherwise returns a new block (and frees the old one). The caller repoints its slot when
  // the pointer changes.
  static uint8_t* WithValue(uint8_t* block, std::string_view value);

  // Bytes allocated for the block (malloc_usable_size).
  static size_t AllocSize(const void* block);

 private:
  static std::string_view SlowField(const void* block);
  static std::string_view SlowValue(const void* block);
};

struct FieldTraits {
  static std::string_view KeyOf(const void* block) { return FieldBlock::Field(block); }
  static constexpr bool kHashInMeta = true;  // erases and growth never rehash fields
};

using FieldTable = SegmentedTable<FieldTraits>;

}  // namespace duet::hashes
