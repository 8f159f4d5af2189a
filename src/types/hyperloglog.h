// HyperLogLog: Redis 7.0's representation (hyperloglog.c), byte for byte.
//
// An HLL is a plain string value, so GET/SET/DUMP carry it unchanged. Its layout:
//   "HYLL" <encoding u8: 0 dense, 1 sparse> <3 unused bytes> <cached cardinality u64 LE,
//   bit 63 set = cache invalid> <registers>
// 16384 registers (14-bit index of MurmurHash64A(ele, seed 0xadc83b19)), each holding the
// length of the run of zero bits + 1 in the remaining 50 bits.
//  - dense: 6 bits per register, packed little-endian, 12288 bytes (the value is 12304 bytes).
//  - sparse: run-length opcodes covering all 16384 registers:
//      ZERO  00xxxxxx           xxxxxx+1 zero registers (1..64)
//      XZERO 01xxxxxx yyyyyyyy  (xxxxxx<<8 | yyyyyyyy)+1 zero registers (1..16384)
//      VAL   1vvvvvxx           xx+1 registers (1..4) holding vvvvv+1 (1..32)
// A new HLL is sparse ("HYLL", 1, zeros, XZERO 16384). A sparse HLL becomes dense when a
// register needs a value above 32 or when the sparse value would grow past
// `sparse_max_bytes` (hll-sparse-max-bytes); it never goes back.
//
// Everything here works on the value's bytes; no keyspace, no RESP. Functions that take an
// untrusted value say how they report a corrupt one (Redis's "Corrupted HLL object").
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace duet::hll {

inline constexpr size_t kHeaderSize = 16;
inline constexpr int kP = 14;
inline constexpr int kQ = 64 - kP;
inline constexpr size_t kRegisters = size_t{1} << kP;
inline constexpr size_t kDenseSize = kHeaderSize + (kRegisters * 6 + 7) / 8;  // 12304
inline constexpr uint8_t kDense = 0;
inline constexpr uint8_t kSparse = 1;

uint64_t MurmurHash64A(const void* key, size_t len, uint32_t seed);
// Register index and run length ("000..1" pattern length, 1..51) of an element (hllPatLen).
int PatternLength(std::string_view ele, size_t* index);

// A new, empty HLL value (sparse, 18 bytes).
std::string NewSparse();
// Whether `v` is an HLL string as Redis's isHLLObjectOrReply accepts it: at least 16 bytes,
// "HYLL" magic, encoding 0 or 1, and exactly 12304 bytes when dense. The sparse opcodes are
// not checked here (that is "Corrupted HLL object" later).
bool IsHll(std::string_view v);
inline uint8_t Encoding(std::string_view v) { return static_cast<uint8_t>(v[4]); }

// The cached cardinality, valid unless bit 63 of the header's u64 is set.
bool CacheValid(std::string_view v);
uint64_t CachedCardinality(std::string_view v);
void SetCachedCardinality(char* v, uint64_t card);
void InvalidateCache(char* v);

// Dense register access on the 12288 register bytes. Never touches a byte past them.
uint8_t DenseGet(const uint8_t* regs, size_t index);
void DenseSet(uint8_t* regs, size_t index, uint8_t val);
// Adds an element to a dense HLL in place; returns whether a register grew.
bool DenseAdd(uint8_t* regs, std::string_view ele);

// Sets register `index` to max(current, count) in the HLL `v` (valid per IsHll), promoting a
// sparse value to dense when needed (hllSparseSet's exact splitting and merging of opcodes,
// so the bytes match Redis). Returns 1 when the register grew, 0 when not, -1 when the sparse
// data is corrupt. Does not touch the cached cardinality for dense values; sparse updates
// invalidate it as Redis does.
int Set(std::string& v, size_t index, uint8_t count, size_t sparse_max_bytes);
// hllAdd: Set() for the element's register.
int Add(std::string& v, std::string_view ele, size_t sparse_max_bytes);
// Converts a sparse value to dense (header, cached cardinality included, copied); a dense
// value is left alone. Returns false (and leaves `v` unchanged) when the sparse data is
// corrupt (its opcodes do not cover exactly 16384 registers).
bool SparseToDense(std::string& v);

// Raises max[i] to each register of the HLL `v` (hllMerge); `max` has kRegisters bytes.
// Returns false when sparse data is corrupt.
bool MergeInto(uint8_t* max, std::string_view v);

// The estimate of Redis 7.0's hllCount (Ertl's improved estimator over the register
// histogram). For a sparse value, `*invalid` is set when its opcodes do not cover exactly
// 16384 registers.
uint64_t Count(std::string_view v, bool* invalid);
// The estimate for raw 8-bit registers (PFCOUNT of several keys).
uint64_t CountRaw(const uint8_t* max);

// PFDEBUG DECODE's text for a sparse value ("Z:12711 v:2,1 Z:3672").
std::string DecodeSparse(std::string_view v);

// PFSELFTEST: checks register packing and the estimator's error bounds. Returns an empty
// string on success, else the failure text (Redis replies it as an error).
std::string SelfTest(size_t sparse_max_bytes);

}  // namespace duet::hll
