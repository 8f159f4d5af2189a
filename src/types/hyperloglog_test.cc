#include "types/hyperloglog.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace duet::hll {
namespace {

std::vector<uint8_t> Registers(const std::string& v) {
  std::vector<uint8_t> regs(kRegisters, 0);
  EXPECT_TRUE(MergeInto(regs.data(), v));
  return regs;
}

TEST(HyperLogLogTest, NewSparseIsRedisEmptyHll) {
  std::string v = NewSparse();
  ASSERT_EQ(v.size(), 18u);
  EXPECT_EQ(v.substr(0, 5), std::string("HYLL\x01", 5));
  EXPECT_EQ(v.substr(5, 11), std::string(11, '\0'));
  EXPECT_EQ(static_cast<uint8_t>(v[16]), 0x7F);  // XZERO of 16384
  EXPECT_EQ(static_cast<uint8_t>(v[17]), 0xFF);
  EXPECT_TRUE(IsHll(v));
  EXPECT_TRUE(CacheValid(v));
  EXPECT_EQ(CachedCardinality(v), 0u);
  bool invalid = false;
  EXPECT_EQ(Count(v, &invalid), 0u);
  EXPECT_FALSE(invalid);
  EXPECT_EQ(DecodeSparse(v), "Z:16384");
}

TEST(HyperLogLogTest, PatternLengthMatchesRedis) {
  // PFADD h a in redis-server 7.0.15: PFDEBUG DECODE gives "Z:12711 v:2,1 Z:3672".
  size_t index;
  EXPECT_EQ(PatternLength("a", &index), 2);
  EXPECT_EQ(index, 12711u);
  std::string v = NewSparse();
  EXPECT_EQ(Add(v, "a", 3000), 1);
  EXPECT_EQ(DecodeSparse(v), "Z:12711 v:2,1 Z:3672");
  EXPECT_EQ(Add(v, "a", 3000), 0);
  // An element found by search whose hash has 24 zero bits after the index.
  EXPECT_EQ(PatternLength("e1586123", &index), 25);
  EXPECT_EQ(index, 6765u);
}

TEST(HyperLogLogTest, MurmurHashTailLengths) {
  // Every tail length hashes differently and deterministically (seed matters).
  std::string s = "0123456789abcdef";
  std::vector<uint64_t> seen;
  for (size_t n = 0; n <= s.size(); n++) {
    uint64_t h = MurmurHash64A(s.data(), n, 0xadc83b19U);
    EXPECT_EQ(h, MurmurHash64A(s.data(), n, 0xadc83b19U));
    EXPECT_NE(h, MurmurHash64A(s.data(), n, 1));
    for (uint64_t o : seen) EXPECT_NE(h, o);
    seen.push_back(h);
  }
}

TEST(HyperLogLogTest, DenseRegistersKeepNeighbours) {
  std::vector<uint8_t> regs(kDenseSize - kHeaderSize, 0);
  std::vector<uint8_t> model(kRegisters);
  std::mt19937 rng(1);
  for (size_t i = 0; i < kRegisters; i++) {
    model[i] = static_cast<uint8_t>(rng() & 63);
    DenseSet(regs.data(), i, model[i]);
  }
  for (size_t i = 0; i < kRegisters; i++) ASSERT_EQ(DenseGet(regs.data(), i), model[i]) << i;
  DenseSet(regs.data(), kRegisters - 1, 63);
  EXPECT_EQ(DenseGet(regs.data(), kRegisters - 1), 63);
  EXPECT_EQ(regs.back() >> 2, 63);  // the last register is the top 6 bits of the last byte
}

TEST(HyperLogLogTest, SparseAndDenseAgree) {
  std::string sparse = NewSparse();
  std::string dense = NewSparse();
  ASSERT_TRUE(SparseToDense(dense));
  ASSERT_EQ(dense.size(), kDenseSize);
  EXPECT_EQ(Encoding(dense), kDense);
  for (int i = 0; i < 1500; i++) {
    std::string e = "element:" + std::to_string(i);
    int a = Add(sparse, e, 1000000);
    int b = Add(dense, e, 1000000);
    ASSERT_EQ(a, b) << i;
    if (i % 100 == 0) {
      ASSERT_EQ(Count(sparse, nullptr), Count(dense, nullptr)) << i;
    }
  }
  EXPECT_EQ(Encoding(sparse), kSparse);
  EXPECT_EQ(Registers(sparse), Registers(dense));
  uint64_t card = Count(sparse, nullptr);
  EXPECT_NEAR(static_cast<double>(card), 1500, 1500 * 0.05);
  // Converting the sparse one gives the same registers, header copied.
  std::string converted = sparse;
  ASSERT_TRUE(SparseToDense(converted));
  EXPECT_EQ(converted.substr(kHeaderSize), dense.substr(kHeaderSize));
  EXPECT_EQ(converted.substr(8, 8), sparse.substr(8, 8));
}

TEST(HyperLogLogTest, PromotionBySizeAndByValue) {
  std::string v = NewSparse();
  int added = 0;
  for (int i = 0; Encoding(v) == kSparse; i++) {
    ASSERT_LE(v.size(), 100u);
    added += Add(v, "x" + std::to_string(i), 100);
  }
  EXPECT_EQ(v.size(), kDenseSize);
  EXPECT_GT(added, 10);
  // A register value above 32 cannot be a sparse VAL: promotes.
  std::string w = NewSparse();
  EXPECT_EQ(Set(w, 5, 32, 3000), 1);
  EXPECT_EQ(Encoding(w), kSparse);
  EXPECT_EQ(DecodeSparse(w), "z:5 v:32,1 Z:16378");
  EXPECT_EQ(Set(w, 6, 33, 3000), 1);
  EXPECT_EQ(Encoding(w), kDense);
  EXPECT_EQ(DenseGet(reinterpret_cast<const uint8_t*>(w.data()) + kHeaderSize, 5), 32);
  EXPECT_EQ(DenseGet(reinterpret_cast<const uint8_t*>(w.data()) + kHeaderSize, 6), 33);
  EXPECT_EQ(Set(w, 6, 20, 3000), 0);
}

TEST(HyperLogLogTest, SparseSplitsAndMerges) {
  std::string v = NewSparse();
  // ZERO split at the edges of the XZERO, then adjacent equal VALs merge.
  EXPECT_EQ(Set(v, 0, 3, 3000), 1);
  EXPECT_EQ(DecodeSparse(v), "v:3,1 Z:16383");
  EXPECT_EQ(Set(v, 16383, 3, 3000), 1);
  EXPECT_EQ(DecodeSparse(v), "v:3,1 Z:16382 v:3,1");
  EXPECT_EQ(Set(v, 1, 3, 3000), 1);
  EXPECT_EQ(DecodeSparse(v), "v:3,2 Z:16381 v:3,1");
  EXPECT_EQ(Set(v, 3, 3, 3000), 1);
  EXPECT_EQ(DecodeSparse(v), "v:3,2 z:1 v:3,1 Z:16379 v:3,1");
  EXPECT_EQ(Set(v, 2, 3, 3000), 1);
  EXPECT_EQ(DecodeSparse(v), "v:3,4 Z:16379 v:3,1");
  // Raising one register inside a VAL run splits it into three.
  EXPECT_EQ(Set(v, 1, 7, 3000), 1);
  EXPECT_EQ(DecodeSparse(v), "v:3,1 v:7,1 v:3,2 Z:16379 v:3,1");
  EXPECT_EQ(Set(v, 2, 2, 3000), 0);
  EXPECT_FALSE(CacheValid(v));
}

TEST(HyperLogLogTest, CorruptSparseDetected) {
  std::string v = NewSparse();
  v.pop_back();
  v.back() = 0x7F;  // XZERO missing its second byte: reads 0, covers 16129
  v[15] = static_cast<char>(0x80);
  bool invalid = false;
  Count(v, &invalid);
  EXPECT_TRUE(invalid);
  std::string copy = v;
  EXPECT_FALSE(SparseToDense(copy));
  EXPECT_EQ(copy, v);
  std::vector<uint8_t> max(kRegisters, 0);
  EXPECT_FALSE(MergeInto(max.data(), v));
  std::string empty = NewSparse().substr(0, kHeaderSize);
  EXPECT_EQ(Add(empty, "a", 3000), -1);
  // Too many registers.
  std::string two = NewSparse() + "\x7f\xff";
  invalid = false;
  Count(two, &invalid);
  EXPECT_TRUE(invalid);
}

TEST(HyperLogLogTest, IsHllChecksHeaderOnly) {
  EXPECT_FALSE(IsHll(""));
  EXPECT_FALSE(IsHll("HYLL"));
  std::string v = NewSparse();
  EXPECT_TRUE(IsHll(v.substr(0, 16)));
  std::string bad = v;
  bad[3] = 'X';
  EXPECT_FALSE(IsHll(bad));
  bad = v;
  bad[4] = 2;
  EXPECT_FALSE(IsHll(bad));
  bad = v;
  bad[4] = 0;  // dense must be exactly 12304 bytes
  EXPECT_FALSE(IsHll(bad));
  ASSERT_TRUE(SparseToDense(v));
  EXPECT_TRUE(IsHll(v));
  EXPECT_FALSE(IsHll(v + "x"));
}

TEST(HyperLogLogTest, CacheBits) {
  std::string v = NewSparse();
  SetCachedCardinality(v.data(), 0x0102030405060708ULL);
  EXPECT_TRUE(CacheValid(v));
  EXPECT_EQ(CachedCardinality(v), 0x0102030405060708ULL);
  InvalidateCache(v.data());
  EXPECT_FALSE(CacheValid(v));
  EXPECT_EQ(static_cast<uint8_t>(v[15]), 0x81);
}

TEST(HyperLogLogTest, CountRawMatchesCount) {
  std::string v = NewSparse();
  for (int i = 0; i < 20000; i++) Add(v, std::to_string(i), 3000);
  EXPECT_EQ(Encoding(v), kDense);
  std::vector<uint8_t> max = Registers(v);
  EXPECT_EQ(CountRaw(max.data()), Count(v, nullptr));
  EXPECT_NEAR(static_cast<double>(Count(v, nullptr)), 20000, 20000 * 0.03);
}

TEST(HyperLogLogTest, SelfTestPasses) { EXPECT_EQ(SelfTest(3000), ""); }

}  // namespace
}  // namespace duet::hll
