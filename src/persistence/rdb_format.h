// Constants of Redis's RDB format (rdb.h of Redis 7.0.15): version, opcodes, value types,
// length and string encodings. duet writes version 10 as Redis 7.0.15 does and reads
// versions 1..10.
#pragma once

#include <cstdint>

namespace duet::rdb {

inline constexpr int kVersion = 10;
inline constexpr int kMinVersion = 1;

// Value types (the byte before a key).
enum Type : uint8_t {
  kTypeString = 0,
  kTypeList = 1,
  kTypeSet = 2,
  kTypeZSet = 3,
  kTypeHash = 4,
  kTypeZSet2 = 5,  // binary double scores
  kTypeModule = 6,
  kTypeModule2 = 7,
  kTypeHashZipmap = 9,
  kTypeListZiplist = 10,
  kTypeSetIntset = 11,
  kTypeZSetZiplist = 12,
  kTypeHashZiplist = 13,
  kTypeListQuicklist = 14,  // nodes are ziplists (RDB 7..9)
  kTypeStreamListpacks = 15,
  kTypeHashListpack = 16,
  kTypeZSetListpack = 17,
  kTypeListQuicklist2 = 18,  // nodes are listpacks or plain elements (RDB 10)
  kTypeStreamListpacks2 = 19,
};

inline bool IsObjectType(uint8_t t) { return t <= 7 || (t >= 9 && t <= 19); }

// Opcodes in place of a type byte.
enum Opcode : uint8_t {
  kOpFunction2 = 245,
  kOpFunction = 246,  // pre-GA 7.0 function format, refused as Redis 7.0.15 does
  kOpModuleAux = 247,
  kOpIdle = 248,
  kOpFreq = 249,
  kOpAux = 250,
  kOpResizeDb = 251,
  kOpExpireTimeMs = 252,
  kOpExpireTime = 253,
  kOpSelectDb = 254,
  kOpEof = 255,
};

// Length encodings: the top two bits of the first byte.
inline constexpr uint8_t kLen6Bit = 0;
inline constexpr uint8_t kLen14Bit = 1;
inline constexpr uint8_t kLen32Bit = 0x80;
inline constexpr uint8_t kLen64Bit = 0x81;
inline constexpr uint8_t kLenEncoded = 3;  // a special string encoding follows in the low 6 bits

// Special string encodings (low 6 bits after kLenEncoded).
inline constexpr uint8_t kEncInt8 = 0;
inline constexpr uint8_t kEncInt16 = 1;
inline constexpr uint8_t kEncInt32 = 2;
inline constexpr uint8_t kEncLzf = 3;

// Quicklist node containers (RDB_TYPE_LIST_QUICKLIST_2).
inline constexpr uint64_t kNodePlain = 1;
inline constexpr uint64_t kNodePacked = 2;

}  // namespace duet::rdb
