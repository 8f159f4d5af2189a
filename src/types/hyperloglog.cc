#include "types/hyperloglog.h"

#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <random>

namespace duet::hll {

namespace {

constexpr uint8_t kRegisterMax = 63;
constexpr int kSparseValMaxValue = 32;
constexpr int kSparseValMaxLen = 4;
constexpr int kSparseZeroMaxLen = 64;
constexpr int kSparseXZeroMaxLen = 16384;
constexpr double kAlphaInf = 0.721347520444481703680;  // 0.5 / ln(2)

// Sparse opcode decoding. `end` bounds the second byte of an XZERO: Redis reads the sds
// terminator (0) there when the value is truncated, so a missing byte reads as 0.
inline bool IsZero(const uint8_t* p) { return (*p & 0xC0) == 0; }
inline bool IsXZero(const uint8_t* p) { return (*p & 0xC0) == 0x40; }
inline bool IsVal(const uint8_t* p) { return (*p & 0x80) != 0; }
inline int ZeroLen(const uint8_t* p) { return (*p & 0x3F) + 1; }
inline int XZeroLen(const uint8_t* p, const uint8_t* end) {
  int lo = p + 1 < end ? p[1] : 0;
  return (((*p & 0x3F) << 8) | lo) + 1;
}
inline int ValValue(const uint8_t* p) { return ((*p >> 2) & 0x1F) + 1; }
inline int ValLen(const uint8_t* p) { return (*p & 0x3) + 1; }
inline void ValSet(uint8_t* p, int val, int len) {
  *p = static_cast<uint8_t>((((val - 1) << 2) | (len - 1)) | 0x80);
}
inline void ZeroSet(uint8_t* p, int len) { *p = static_cast<uint8_t>(len - 1); }
inline void XZeroSet(uint8_t* p, int len) {
  int l = len - 1;
  p[0] = static_cast<uint8_t>((l >> 8) | 0x40);
  p[1] = static_cast<uint8_t>(l & 0xFF);
}

// One sparse opcode: kind 'z' (ZERO), 'Z' (XZERO) or 'v' (VAL), the registers it covers and
// their value (0 for the zero runs).
struct SparseOp {
  char kind;
  int len;
  int value;
};

// Calls fn(op) for each opcode in [p, end) until fn returns false.
template <typename Fn>
void ForEachOp(const uint8_t* p, const uint8_t* end, Fn&& fn) {
  while (p < end) {
    SparseOp op;
    if (IsZero(p)) {
      op = {'z', ZeroLen(p), 0};
      p++;
    } else if (IsXZero(p)) {
      op = {'Z', XZeroLen(p, end), 0};
      p += 2;
    } else {
      op = {'v', ValLen(p), ValValue(p)};
      p++;
    }
    if (!fn(op)) return;
  }
}

// Calls set(index, value) for every register of a VAL run; false when the opcodes do not
// cover exactly kRegisters. Any run past the end stops the walk and is invalid, even when the
// runs before it add up to kRegisters: Redis 7.0.15 as shipped with the CVE-2025-32023 fix
// (hllMerge, hllSparseToDense), which the differential tests run against.
template <typename Fn>
bool ForEachNonZero(const uint8_t* p, const uint8_t* end, Fn&& set) {
  long idx = 0;
  bool overflow = false;
  ForEachOp(p, end, [&](const SparseOp& op) {
    if (op.len + idx > static_cast<long>(kRegisters)) {
      overflow = true;
      return false;
    }
    if (op.kind == 'v') {
      for (int i = 0; i < op.len; i++) set(static_cast<size_t>(idx++), op.value);
    } else {
      idx += op.len;
    }
    return true;
  });
  return !overflow && idx == static_cast<long>(kRegisters);
}

// Writes a run of `len` zero registers as ZERO (up to 64) or XZERO; returns the next byte.
inline uint8_t* PutZeroRun(uint8_t* n, int len) {
  if (len > kSparseZeroMaxLen) {
    XZeroSet(n, len);
    return n + 2;
  }
  ZeroSet(n, len);
  return n + 1;
}

inline uint8_t* Bytes(std::string& v) { return reinterpret_cast<uint8_t*>(v.data()); }
inline const uint8_t* Bytes(std::string_view v) {
  return reinterpret_cast<const uint8_t*>(v.data());
}

// Ertl's sigma and tau series (hllSigma, hllTau), computed exactly as Redis does.
double Sigma(double x) {
  if (x == 1.) return INFINITY;
  double z_prime;
  double y = 1;
  double z = x;
  do {
    x *= x;
    z_prime = z;
    z += x * y;
    y += y;
  } while (z_prime != z);
  return z;
}

double Tau(double x) {
  if (x == 0. || x == 1.) return 0.;
  double z_prime;
  double y = 1.0;
  double z = 1 - x;
  do {
    x = std::sqrt(x);
    z_prime = z;
    y *= 0.5;
    z -= std::pow(1 - x, 2) * y;
  } while (z_prime != z);
  return z / 3;
}

uint64_t EstimateFromHisto(const int* reghisto) {
  double m = static_cast<double>(kRegisters);
  double z = m * Tau((m - reghisto[kQ + 1]) / m);
  for (int j = kQ; j >= 1; --j) {
    z += reghisto[j];
    z *= 0.5;
  }
  z += m * Sigma(reghisto[0] / m);
  double e = static_cast<double>(llroundl(kAlphaInf * m * m / z));
  return static_cast<uint64_t>(e);
}

// Histogram of a sparse value's registers; false when the opcodes do not cover exactly
// kRegisters (hllSparseRegHisto).
bool SparseHisto(const uint8_t* p, const uint8_t* end, int* reghisto) {
  long idx = 0;
  ForEachOp(p, end, [&](const SparseOp& op) {
    idx += op.len;
    reghisto[op.value] += op.len;
    return true;
  });
  return idx == static_cast<long>(kRegisters);
}

}  // namespace

uint64_t MurmurHash64A(const void* key, size_t len, uint32_t seed) {
  const uint64_t m = 0xc6a4a7935bd1e995ULL;
  const int r = 47;
  // Redis passes the length as an int.
  int ilen = static_cast<int>(len);
  uint64_t h = seed ^ (static_cast<uint64_t>(static_cast<int64_t>(ilen)) * m);
  const auto* data = static_cast<const uint8_t*>(key);
  const uint8_t* end = data + (ilen - (ilen & 7));
  while (data != end) {
    uint64_t k;
    memcpy(&k, data, sizeof(k));  // little-endian, as Redis on x86
    k *= m;
    k ^= k >> r;
    k *= m;
    h ^= k;
    h *= m;
    data += 8;
  }
  switch (ilen & 7) {
    case 7:
      h ^= static_cast<uint64_t>(data[6]) << 48;
      [[fallthrough]];
    case 6:
      h ^= static_cast<uint64_t>(data[5]) << 40;
      [[fallthrough]];
    case 5:
      h ^= static_cast<uint64_t>(data[4]) << 32;
      [[fallthrough]];
    case 4:
      h ^= static_cast<uint64_t>(data[3]) << 24;
      [[fallthrough]];
    case 3:
      h ^= static_cast<uint64_t>(data[2]) << 16;
      [[fallthrough]];
    case 2:
      h ^= static_cast<uint64_t>(data[1]) << 8;
      [[fallthrough]];
    case 1:
      h ^= static_cast<uint64_t>(data[0]);
      h *= m;
  }
  h ^= h >> r;
  h *= m;
  h ^= h >> r;
  return h;
}

int PatternLength(std::string_view ele, size_t* index) {
  uint64_t hash = MurmurHash64A(ele.data(), ele.size(), 0xadc83b19U);
  *index = hash & (kRegisters - 1);
  hash >>= kP;
  hash |= uint64_t{1} << kQ;  // the loop ends, count <= Q + 1
  uint64_t bit = 1;
  int count = 1;
  while ((hash & bit) == 0) {
    count++;
    bit <<= 1;
  }
  return count;
}

std::string NewSparse() {
  std::string v(kHeaderSize + 2, '\0');
  memcpy(v.data(), "HYLL", 4);
  v[4] = static_cast<char>(kSparse);
  XZeroSet(Bytes(v) + kHeaderSize, kSparseXZeroMaxLen);
  return v;
}

bool IsHll(std::string_view v) {
  if (v.size() < kHeaderSize) return false;
  if (v.substr(0, 4) != "HYLL") return false;
  uint8_t enc = Encoding(v);
  if (enc > kSparse) return false;
  if (enc == kDense && v.size() != kDenseSize) return false;
  return true;
}

bool CacheValid(std::string_view v) { return (static_cast<uint8_t>(v[15]) & 0x80) == 0; }

uint64_t CachedCardinality(std::string_view v) {
  uint64_t card = 0;
  for (int i = 7; i >= 0; i--) card = card << 8 | static_cast<uint8_t>(v[8 + i]);
  return card;
}

void SetCachedCardinality(char* v, uint64_t card) {
  for (int i = 0; i < 8; i++) v[8 + i] = static_cast<char>((card >> (8 * i)) & 0xFF);
}

void InvalidateCache(char* v) { v[15] = static_cast<char>(static_cast<uint8_t>(v[15]) | 0x80); }

uint8_t DenseGet(const uint8_t* regs, size_t index) {
  size_t byte = index * 6 / 8;
  unsigned fb = index * 6 & 7;
  unsigned b0 = regs[byte];
  // Registers at bit offsets 0 and 2 fit in their byte; only 4 and 6 spill into the next
  // (so the last register never reads past the array, unlike Redis's macro).
  unsigned b1 = fb > 2 ? regs[byte + 1] : 0;
  return static_cast<uint8_t>(((b0 >> fb) | (b1 << (8 - fb))) & kRegisterMax);
}

void DenseSet(uint8_t* regs, size_t index, uint8_t val) {
  size_t byte = index * 6 / 8;
  unsigned fb = index * 6 & 7;
  unsigned v = val;
  regs[byte] &= static_cast<uint8_t>(~(kRegisterMax << fb));
  regs[byte] |= static_cast<uint8_t>(v << fb);
  if (fb > 2) {
    unsigned fb8 = 8 - fb;
    regs[byte + 1] &= static_cast<uint8_t>(~(kRegisterMax >> fb8));
    regs[byte + 1] |= static_cast<uint8_t>(v >> fb8);
  }
}

bool DenseAdd(uint8_t* regs, std::string_view ele) {
  size_t index;
  int count = PatternLength(ele, &index);
  if (DenseGet(regs, index) >= count) return false;
  DenseSet(regs, index, static_cast<uint8_t>(count));
  return true;
}

bool SparseToDense(std::string& v) {
  if (Encoding(v) == kDense) return true;
  std::string dense(kDenseSize, '\0');
  memcpy(dense.data(), v.data(), kHeaderSize);  // magic and cached cardinality
  dense[4] = static_cast<char>(kDense);
  uint8_t* regs = Bytes(dense) + kHeaderSize;
  bool ok = ForEachNonZero(Bytes(v) + kHeaderSize, Bytes(v) + v.size(), [&](size_t i, int val) {
    DenseSet(regs, i, static_cast<uint8_t>(val));
  });
  if (!ok) return false;
  v.swap(dense);
  return true;
}

// hllSparseSet: find the opcode covering `index`, split it into up to three opcodes, then
// merge adjacent equal VALs, exactly as Redis, so the resulting bytes are identical.
static int SparseSet(std::string& v, size_t index_u, uint8_t count, size_t sparse_max_bytes) {
  long index = static_cast<long>(index_u);
  if (count > kSparseValMaxValue) goto promote;
  {
    uint8_t* sparse = Bytes(v) + kHeaderSize;
    uint8_t* p = sparse;
    uint8_t* end = Bytes(v) + v.size();
    long first = 0;
    long span = 0;
    uint8_t* prev = nullptr;
    while (p < end) {
      long oplen = 1;
      if (IsZero(p)) {
        span = ZeroLen(p);
      } else if (IsVal(p)) {
        span = ValLen(p);
      } else {
        span = XZeroLen(p, end);
        oplen = 2;
      }
      if (index <= first + span - 1) break;
      prev = p;
      p += oplen;
      first += span;
    }
    if (span == 0 || p >= end) return -1;  // invalid format

    uint8_t* next = IsXZero(p) ? p + 2 : p + 1;
    if (next >= end) next = nullptr;

    bool is_zero = false, is_xzero = false, is_val = false;
    long runlen;
    if (IsZero(p)) {
      is_zero = true;
      runlen = ZeroLen(p);
    } else if (IsXZero(p)) {
      is_xzero = true;
      runlen = XZeroLen(p, end);
    } else {
      is_val = true;
      runlen = ValLen(p);
    }

    bool trivial = false;
    if (is_val) {
      int oldcount = ValValue(p);
      if (oldcount >= count) return 0;
      if (runlen == 1) {
        ValSet(p, count, 1);
        trivial = true;
      }
    }
    if (!trivial && is_zero && runlen == 1) {
      ValSet(p, count, 1);
      trivial = true;
    }

    if (!trivial) {
      // General case: the opcode splits into (ZERO|XZERO|VAL) VAL (ZERO|XZERO|VAL).
      uint8_t seq[5];
      uint8_t* n = seq;
      long last = first + span - 1;
      if (is_zero || is_xzero) {
        if (index != first) n = PutZeroRun(n, static_cast<int>(index - first));
        ValSet(n++, count, 1);
        if (index != last) n = PutZeroRun(n, static_cast<int>(last - index));
      } else {
        int curval = ValValue(p);
        if (index != first) ValSet(n++, curval, static_cast<int>(index - first));
        ValSet(n++, count, 1);
        if (index != last) ValSet(n++, curval, static_cast<int>(last - index));
      }

      long seqlen = n - seq;
      long oldlen = is_xzero ? 2 : 1;
      long deltalen = seqlen - oldlen;
      if (deltalen > 0 && v.size() + deltalen > sparse_max_bytes) goto promote;
      size_t poff = static_cast<size_t>(p - Bytes(v));
      size_t prevoff = prev ? static_cast<size_t>(prev - Bytes(v)) : 0;
      if (deltalen > 0) {
        size_t old_size = v.size();
        v.resize(old_size + deltalen);
        if (next) {
          size_t noff = poff + oldlen;
          memmove(Bytes(v) + noff + deltalen, Bytes(v) + noff, old_size - noff);
        }
      } else if (deltalen < 0) {
        if (next) {
          size_t noff = poff + oldlen;
          memmove(Bytes(v) + noff + deltalen, Bytes(v) + noff, v.size() - noff);
        }
        v.resize(v.size() + deltalen);
      }
      memcpy(Bytes(v) + poff, seq, seqlen);
      sparse = Bytes(v) + kHeaderSize;
      prev = prev ? Bytes(v) + prevoff : nullptr;
    }

    // Merge adjacent VALs with the same value, scanning up to 5 opcodes from `prev`.
    uint8_t* base = Bytes(v);
    size_t len = v.size();
    uint8_t* q = prev ? prev : sparse;
    uint8_t* qend = base + len;
    int scanlen = 5;
    while (q < qend && scanlen--) {
      if (IsXZero(q)) {
        q += 2;
        continue;
      } else if (IsZero(q)) {
        q++;
        continue;
      }
      if (q + 1 < qend && IsVal(q + 1)) {
        int v1 = ValValue(q);
        int v2 = ValValue(q + 1);
        if (v1 == v2) {
          int mlen = ValLen(q) + ValLen(q + 1);
          if (mlen <= kSparseValMaxLen) {
            ValSet(q + 1, v1, mlen);
            memmove(q, q + 1, static_cast<size_t>(qend - q - 1));
            qend--;
            continue;
          }
        }
      }
      q++;
    }
    v.resize(static_cast<size_t>(qend - base));
    InvalidateCache(v.data());
    return 1;
  }

promote:
  if (!SparseToDense(v)) return -1;
  DenseSet(Bytes(v) + kHeaderSize, index_u, count);
  return 1;
}

int Set(std::string& v, size_t index, uint8_t count, size_t sparse_max_bytes) {
  if (Encoding(v) == kDense) {
    uint8_t* regs = Bytes(v) + kHeaderSize;
    if (DenseGet(regs, index) >= count) return 0;
    DenseSet(regs, index, count);
    return 1;
  }
  if (Encoding(v) == kSparse) return SparseSet(v, index, count, sparse_max_bytes);
  return -1;
}

int Add(std::string& v, std::string_view ele, size_t sparse_max_bytes) {
  size_t index;
  int count = PatternLength(ele, &index);
  return Set(v, index, static_cast<uint8_t>(count), sparse_max_bytes);
}

bool MergeInto(uint8_t* max, std::string_view v) {
  const uint8_t* b = Bytes(v);
  if (Encoding(v) == kDense) {
    const uint8_t* regs = b + kHeaderSize;
    for (size_t i = 0; i < kRegisters; i++) {
      uint8_t val = DenseGet(regs, i);
      if (val > max[i]) max[i] = val;
    }
    return true;
  }
  return ForEachNonZero(b + kHeaderSize, b + v.size(), [&](size_t i, int val) {
    if (val > max[i]) max[i] = static_cast<uint8_t>(val);
  });
}

uint64_t Count(std::string_view v, bool* invalid) {
  // Sized 64 like Redis's: a corrupt sparse value cannot index past it (values <= 32).
  int reghisto[64] = {0};
  const uint8_t* b = Bytes(v);
  if (Encoding(v) == kDense) {
    const uint8_t* regs = b + kHeaderSize;
    for (size_t i = 0; i < kRegisters; i++) reghisto[DenseGet(regs, i)]++;
  } else {
    if (!SparseHisto(b + kHeaderSize, b + v.size(), reghisto) && invalid) *invalid = true;
  }
  return EstimateFromHisto(reghisto);
}

uint64_t CountRaw(const uint8_t* max) {
  int reghisto[64] = {0};
  for (size_t i = 0; i < kRegisters; i++) reghisto[max[i] & 63]++;
  return EstimateFromHisto(reghisto);
}

std::string DecodeSparse(std::string_view v) {
  std::string out;
  ForEachOp(Bytes(v) + kHeaderSize, Bytes(v) + v.size(), [&](const SparseOp& op) {
    if (op.kind == 'v') {
      fmt::format_to(std::back_inserter(out), "v:{},{} ", op.value, op.len);
    } else {
      fmt::format_to(std::back_inserter(out), "{}:{} ", op.kind, op.len);
    }
    return true;
  });
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string SelfTest(size_t sparse_max_bytes) {
  std::mt19937_64 rng(std::random_device{}());
  // Test 1: every register keeps its value and leaves its neighbours alone.
  std::string regs_buf(kDenseSize - kHeaderSize, '\0');
  auto* regs = reinterpret_cast<uint8_t*>(regs_buf.data());
  std::string bytecounters(kRegisters, '\0');
  for (int cycle = 0; cycle < 20; cycle++) {
    for (size_t i = 0; i < kRegisters; i++) {
      auto r = static_cast<uint8_t>(rng() & kRegisterMax);
      bytecounters[i] = static_cast<char>(r);
      DenseSet(regs, i, r);
    }
    for (size_t i = 0; i < kRegisters; i++) {
      uint8_t val = DenseGet(regs, i);
      if (val != static_cast<uint8_t>(bytecounters[i])) {
        return fmt::format("TESTFAILED Register {} should be {} but is {}", i,
                           static_cast<int>(static_cast<uint8_t>(bytecounters[i])),
                           static_cast<int>(val));
      }
    }
  }
  // Test 2: dense and sparse agree, sparse stays sparse while small, and the error stays
  // within 6 standard errors at every power of ten.
  std::string dense(kDenseSize, '\0');
  memcpy(dense.data(), "HYLL", 4);
  std::string sparse = NewSparse();
  double relerr = 1.04 / std::sqrt(static_cast<double>(kRegisters));
  int64_t checkpoint = 1;
  uint64_t seed = rng();
  for (int64_t j = 1; j <= 1000000; j++) {
    uint64_t ele = static_cast<uint64_t>(j) ^ seed;
    std::string_view e(reinterpret_cast<const char*>(&ele), sizeof(ele));
    DenseAdd(Bytes(dense) + kHeaderSize, e);
    Add(sparse, e, sparse_max_bytes);
    if (j != checkpoint) continue;
    if (static_cast<uint64_t>(j) < sparse_max_bytes / 2 && Encoding(sparse) != kSparse) {
      return "TESTFAILED sparse encoding not used";
    }
    uint64_t card = Count(dense, nullptr);
    if (card != Count(sparse, nullptr)) return "TESTFAILED dense/sparse disagree";
    int64_t abserr = checkpoint - static_cast<int64_t>(card);
    auto maxerr = static_cast<uint64_t>(std::ceil(relerr * 6 * checkpoint));
    if (j == 10) maxerr = 1;
    if (abserr < 0) abserr = -abserr;
    if (abserr > static_cast<int64_t>(maxerr)) {
      return fmt::format("TESTFAILED Too big error. card:{} abserr:{}", checkpoint, abserr);
    }
    checkpoint *= 10;
  }
  return "";
}

}  // namespace duet::hll
