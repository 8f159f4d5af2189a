#include "types/bitmap_type.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <string>

namespace duet::bitmap {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t k512Mb = 512LL * 1024 * 1024;

FieldType I(int bits) { return {true, bits}; }
FieldType U(int bits) { return {false, bits}; }

// Reference bit reader: one bit at a time.
bool SlowBit(std::string_view s, uint64_t i) {
  return i / 8 < s.size() && ((static_cast<uint8_t>(s[i / 8]) >> (7 - i % 8)) & 1);
}

TEST(BitmapTest, GetAndSetBitUseMsbFirstOrder) {
  std::string s(2, '\0');
  EXPECT_FALSE(SetBit(s.data(), 0, true));
  EXPECT_EQ(static_cast<uint8_t>(s[0]), 0x80);
  EXPECT_FALSE(SetBit(s.data(), 15, true));
  EXPECT_EQ(static_cast<uint8_t>(s[1]), 0x01);
  EXPECT_TRUE(SetBit(s.data(), 15, true));
  EXPECT_TRUE(SetBit(s.data(), 0, false));
  EXPECT_EQ(static_cast<uint8_t>(s[0]), 0x00);
  EXPECT_TRUE(GetBit(s, 15));
  EXPECT_FALSE(GetBit(s, 14));
  EXPECT_FALSE(GetBit(s, 16));  // past the end
  EXPECT_FALSE(GetBit(s, 1ULL << 40));
  EXPECT_FALSE(GetBit("", 0));
}

TEST(BitmapTest, ParseBitOffset) {
  EXPECT_EQ(ParseBitOffset("0", 0, k512Mb), 0u);
  EXPECT_EQ(ParseBitOffset("4294967295", 0, k512Mb), 4294967295u);
  EXPECT_EQ(ParseBitOffset("4294967296", 0, k512Mb), std::nullopt);
  EXPECT_EQ(ParseBitOffset("-1", 0, k512Mb), std::nullopt);
  EXPECT_EQ(ParseBitOffset("+1", 0, k512Mb), std::nullopt);
  EXPECT_EQ(ParseBitOffset("01", 0, k512Mb), std::nullopt);
  EXPECT_EQ(ParseBitOffset("1.0", 0, k512Mb), std::nullopt);
  EXPECT_EQ(ParseBitOffset("", 0, k512Mb), std::nullopt);
  EXPECT_EQ(ParseBitOffset("#1", 0, k512Mb), std::nullopt);  // no '#' outside BITFIELD
  EXPECT_EQ(ParseBitOffset("#3", 8, k512Mb), 24u);
  EXPECT_EQ(ParseBitOffset("#0", 8, k512Mb), 0u);
  EXPECT_EQ(ParseBitOffset("#", 8, k512Mb), std::nullopt);
  EXPECT_EQ(ParseBitOffset("#-1", 8, k512Mb), std::nullopt);
  EXPECT_EQ(ParseBitOffset("#536870911", 8, k512Mb), 4294967288u);
  EXPECT_EQ(ParseBitOffset("#536870912", 8, k512Mb), std::nullopt);
  // 2^61 * 8 wraps to 0 in Redis's 64-bit arithmetic.
  EXPECT_EQ(ParseBitOffset("#2305843009213693952", 8, k512Mb), 0u);
  EXPECT_EQ(ParseBitOffset("8388607", 0, 1024 * 1024), 8388607u);
  EXPECT_EQ(ParseBitOffset("8388608", 0, 1024 * 1024), std::nullopt);
}

TEST(BitmapTest, Keywords) {
  EXPECT_EQ(ParseRangeUnit("BIT"), RangeUnit::kBit);
  EXPECT_EQ(ParseRangeUnit("byte"), RangeUnit::kByte);
  EXPECT_EQ(ParseRangeUnit("bits"), std::nullopt);
  EXPECT_EQ(ParseRangeUnit(std::string_view("bit\0x", 5)), RangeUnit::kBit);  // strcasecmp
  EXPECT_EQ(ParseBitOp("Xor"), BitOpKind::kXor);
  EXPECT_EQ(ParseBitOp("nand"), std::nullopt);
  EXPECT_EQ(ParseFieldOp("incrBY"), FieldOp::kIncrBy);
  EXPECT_EQ(ParseOverflow("sat"), Overflow::kSat);
  EXPECT_EQ(ParseOverflow("saturate"), std::nullopt);
}

TEST(BitmapTest, ParseFieldType) {
  auto t = ParseFieldType("i64");
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->is_signed);
  EXPECT_EQ(t->bits, 64);
  t = ParseFieldType("u63");
  ASSERT_TRUE(t);
  EXPECT_FALSE(t->is_signed);
  EXPECT_EQ(t->bits, 63);
  EXPECT_TRUE(ParseFieldType("i1"));
  EXPECT_TRUE(ParseFieldType("u1"));
  for (const char* bad : {"u64", "i65", "i0", "u0", "x8", "I8", "U8", "i", "", "i08", "i-1", "i+8",
                          "i 8", "8", "u99999999999999999999"}) {
    EXPECT_FALSE(ParseFieldType(bad)) << bad;
  }
  EXPECT_TRUE(ParseFieldType(std::string_view("u8\0zz", 5)));  // read up to the NUL
}

TEST(BitmapTest, PopcountMatchesBitByBit) {
  std::mt19937_64 rng(7);
  for (size_t len : {0, 1, 7, 8, 9, 31, 32, 33, 100, 1000}) {
    std::string s(len, '\0');
    for (char& c : s) c = static_cast<char>(rng());
    uint64_t slow = 0;
    for (uint64_t i = 0; i < len * 8; i++) slow += SlowBit(s, i);
    EXPECT_EQ(Popcount(s), slow) << len;
  }
  EXPECT_EQ(Popcount(std::string(1000, '\xff')), 8000u);
}

TEST(BitmapTest, CountRangeBytesAndBits) {
  std::string s = "foobar";  // Redis's documented example
  EXPECT_EQ(CountRange(s, 0, -1, RangeUnit::kByte), 26u);
  EXPECT_EQ(CountRange(s, 0, 0, RangeUnit::kByte), 4u);
  EXPECT_EQ(CountRange(s, 1, 1, RangeUnit::kByte), 6u);
  EXPECT_EQ(CountRange(s, 1, 1, RangeUnit::kBit), 1u);
  EXPECT_EQ(CountRange(s, 5, 30, RangeUnit::kBit), 17u);
  EXPECT_EQ(CountRange(s, -2, -1, RangeUnit::kByte), 7u);
  EXPECT_EQ(CountRange(s, 100, 200, RangeUnit::kByte), 0u);
  EXPECT_EQ(CountRange(s, 3, 1, RangeUnit::kByte), 0u);
  // Reversed negative range is empty even though clamping would select byte 0.
  EXPECT_EQ(CountRange(s, -100, -200, RangeUnit::kByte), 0u);
  EXPECT_EQ(CountRange(s, -100, 0, RangeUnit::kByte), 4u);
  EXPECT_EQ(CountRange(s, kMin, kMax, RangeUnit::kBit), 26u);
  EXPECT_EQ(CountRange("", 0, -1, RangeUnit::kByte), 0u);
  EXPECT_EQ(CountRange("", 0, -1, RangeUnit::kBit), 0u);
}

TEST(BitmapTest, CountRangeMatchesReferenceOnAllBitRanges) {
  std::string s = "\xf0\x0f\xaa\x55\xff\x00\x81\x7e\x12\x34\x56";
  int64_t bits = static_cast<int64_t>(s.size()) * 8;
  for (int64_t a = 0; a < bits; a++) {
    for (int64_t b = a; b < bits; b++) {
      uint64_t slow = 0;
      for (int64_t i = a; i <= b; i++) slow += SlowBit(s, i);
      ASSERT_EQ(CountRange(s, a, b, RangeUnit::kBit), slow) << a << " " << b;
    }
  }
}

TEST(BitmapTest, FindBitWholeString) {
  EXPECT_EQ(FindBit("\xff\xf0\x00", true), 0);
  EXPECT_EQ(FindBit("\xff\xf0\x00", false), 12);
  EXPECT_EQ(FindBit(std::string(3, '\0'), true), -1);
  EXPECT_EQ(FindBit(std::string(3, '\0'), false), 0);
  // All ones: the first clear bit is just past the end (zero padding on the right).
  EXPECT_EQ(FindBit("\xff\xff\xff", false), 24);
  EXPECT_EQ(FindBit("", false), -1);
  EXPECT_EQ(FindBit("", true), -1);
  std::string long_zero(100, '\0');
  long_zero[77] = 0x01;
  EXPECT_EQ(FindBit(long_zero, true), 77 * 8 + 7);
  std::string long_ones(100, '\xff');
  long_ones[90] = '\xfe';
  EXPECT_EQ(FindBit(long_ones, false), 90 * 8 + 7);
}

TEST(BitmapTest, FindBitRanges) {
  std::string s("\xff\xff\xff", 3);
  EXPECT_EQ(FindBit(s, false, 0), 24);      // no end: padded
  EXPECT_EQ(FindBit(s, false, 0, -1), -1);  // explicit end: none
  EXPECT_EQ(FindBit(s, false, 2, std::nullopt, RangeUnit::kBit), 24);
  EXPECT_EQ(FindBit(s, false, 2, 20, RangeUnit::kBit), -1);
  EXPECT_EQ(FindBit(s, false, 5), -1);  // empty range: -1 even for 0
  std::string t("\x00\x01\x80", 3);
  EXPECT_EQ(FindBit(t, true, 1), 15);
  EXPECT_EQ(FindBit(t, true, 2), 16);
  EXPECT_EQ(FindBit(t, true, 16, 16, RangeUnit::kBit), 16);
  EXPECT_EQ(FindBit(t, true, 8, 14, RangeUnit::kBit), -1);
  EXPECT_EQ(FindBit(t, true, -1), 16);
  EXPECT_EQ(FindBit(t, true, -100, -200), -1);  // both clamp to byte 0, which has no 1
  EXPECT_EQ(FindBit(t, false, 15, std::nullopt, RangeUnit::kBit), 17);
}

TEST(BitmapTest, FindBitMatchesReferenceOnAllBitRanges) {
  std::string s = "\xff\x00\xfe\x01\x80\x7f\xff\xff\xff\xff\xff\xff\xff\xff\x00";
  int64_t bits = static_cast<int64_t>(s.size()) * 8;
  for (int want = 0; want <= 1; want++) {
    for (int64_t a = 0; a < bits; a++) {
      for (int64_t b = a; b < bits; b++) {
        int64_t slow = -1;
        for (int64_t i = a; i <= b && slow < 0; i++) {
          if (SlowBit(s, i) == want) slow = i;
        }
        ASSERT_EQ(FindBit(s, want, a, b, RangeUnit::kBit), slow) << want << " " << a << " " << b;
      }
    }
  }
}

TEST(BitmapTest, BitOpPadsShortSources) {
  std::string a("\xff\x0f\xf0\xaa\x55\xff\x00\x11\x22", 9);
  std::string b = "\x0f\xff";
  std::string_view srcs[] = {a, b, {}};
  std::string out(a.size(), '?');
  BitOp(BitOpKind::kAnd, std::span(srcs, 2), out);
  EXPECT_EQ(out, std::string("\x0f\x0f\0\0\0\0\0\0\0", 9));
  BitOp(BitOpKind::kOr, std::span(srcs, 2), out);
  EXPECT_EQ(out, std::string("\xff\xff\xf0\xaa\x55\xff\x00\x11\x22", 9));
  BitOp(BitOpKind::kXor, std::span(srcs, 2), out);
  EXPECT_EQ(out, std::string("\xf0\xf0\xf0\xaa\x55\xff\x00\x11\x22", 9));
  BitOp(BitOpKind::kAnd, std::span(srcs, 3), out);  // a missing key is all zeros
  EXPECT_EQ(out, std::string(9, '\0'));
  std::string not_out(2, '?');
  BitOp(BitOpKind::kNot, std::span(srcs + 1, 1), not_out);
  EXPECT_EQ(not_out, std::string("\xf0\x00", 2));
}

TEST(BitmapTest, BitOpWordPathMatchesBytePath) {
  std::mt19937_64 rng(3);
  std::string a(37, '\0'), b(29, '\0'), c(41, '\0');
  for (std::string* s : {&a, &b, &c}) {
    for (char& ch : *s) ch = static_cast<char>(rng());
  }
  std::string_view srcs[] = {a, b, c};
  std::string out(41, '\0');
  BitOp(BitOpKind::kXor, srcs, out);
  for (size_t j = 0; j < out.size(); j++) {
    uint8_t expect = 0;
    for (std::string_view s : srcs) expect ^= j < s.size() ? static_cast<uint8_t>(s[j]) : 0;
    ASSERT_EQ(static_cast<uint8_t>(out[j]), expect) << j;
  }
}

TEST(BitmapTest, FieldsAcrossByteBoundaries) {
  std::string s(10, '\0');
  for (int bits = 1; bits <= 64; bits++) {
    for (uint64_t off = 0; off + bits <= 80; off += 3) {
      std::fill(s.begin(), s.end(), '\xa5');
      int64_t v = static_cast<int64_t>(0x8123456789abcdefULL);
      SetField(s.data(), off, U(bits < 64 ? bits : 63), v);
      uint64_t mask = bits >= 63 ? (1ULL << 63) - 1 : (1ULL << bits) - 1;
      ASSERT_EQ(GetField(s, off, U(bits < 64 ? bits : 63)), static_cast<int64_t>(v & mask));
      // Bits outside the field are untouched.
      for (uint64_t i = 0; i < 80; i++) {
        if (i >= off && i < off + (bits < 64 ? bits : 63)) continue;
        ASSERT_EQ(SlowBit(s, i), SlowBit("\xa5\xa5", i % 16)) << bits << " " << off << " " << i;
      }
    }
  }
}

TEST(BitmapTest, SignedFieldsSignExtend) {
  std::string s(9, '\0');
  SetField(s.data(), 5, I(8), -1);
  EXPECT_EQ(GetField(s, 5, I(8)), -1);
  EXPECT_EQ(GetField(s, 5, U(8)), 255);
  EXPECT_EQ(GetField(s, 5, I(4)), -1);
  SetField(s.data(), 7, I(64), kMin);
  EXPECT_EQ(GetField(s, 7, I(64)), kMin);
  SetField(s.data(), 7, I(64), kMax);
  EXPECT_EQ(GetField(s, 7, I(64)), kMax);
  EXPECT_EQ(GetField(s, 7, I(1)), 0);
  EXPECT_EQ(GetField(s, 8, I(1)), -1);
  // Reads past the end see zeros.
  EXPECT_EQ(GetField("\xff", 4, U(8)), 0xf0);
  EXPECT_EQ(GetField("\xff", 4, I(8)), -16);
  EXPECT_EQ(GetField("", 1000, I(64)), 0);
}

TEST(BitmapTest, UnsignedOverflowAtEveryWidth) {
  for (int bits = 1; bits <= 63; bits++) {
    FieldType t = U(bits);
    int64_t max = static_cast<int64_t>((1ULL << bits) - 1);
    SCOPED_TRACE(bits);
    EXPECT_EQ(FieldIncr(t, max, 0, Overflow::kFail), max);
    EXPECT_EQ(FieldIncr(t, max, 1, Overflow::kWrap), 0);
    EXPECT_EQ(FieldIncr(t, max, 1, Overflow::kSat), max);
    EXPECT_EQ(FieldIncr(t, max, 1, Overflow::kFail), std::nullopt);
    EXPECT_EQ(FieldIncr(t, 0, -1, Overflow::kWrap), max);
    EXPECT_EQ(FieldIncr(t, 0, -1, Overflow::kSat), 0);
    EXPECT_EQ(FieldIncr(t, 0, -1, Overflow::kFail), std::nullopt);
    EXPECT_EQ(FieldIncr(t, max, kMax, Overflow::kSat), max);
    EXPECT_EQ(FieldIncr(t, 0, kMin, Overflow::kSat), 0);
    EXPECT_EQ(FieldSet(t, max, Overflow::kFail), max);
    // max + 1 as a 64-bit pattern (2^63 is kMin's pattern).
    int64_t above = bits == 63 ? kMin : max + 1;
    EXPECT_EQ(FieldSet(t, above, Overflow::kWrap), 0);
    EXPECT_EQ(FieldSet(t, above, Overflow::kSat), max);
    EXPECT_EQ(FieldSet(t, -1, Overflow::kWrap), max);
    // SET takes the value as unsigned 64-bit: a negative number overflows upwards.
    EXPECT_EQ(FieldSet(t, -1, Overflow::kSat), max);
    EXPECT_EQ(FieldSet(t, kMin, Overflow::kSat), max);
    EXPECT_EQ(FieldSet(t, -1, Overflow::kFail), std::nullopt);
  }
  EXPECT_EQ(FieldIncr(U(8), 200, 100, Overflow::kWrap), 44);
  EXPECT_EQ(FieldIncr(U(8), 10, -300, Overflow::kWrap), 222);
  EXPECT_EQ(FieldSet(U(8), 256, Overflow::kWrap), 0);
  EXPECT_EQ(FieldSet(U(8), 257, Overflow::kSat), 255);
  EXPECT_EQ(FieldSet(U(8), -256, Overflow::kSat), 255);
  EXPECT_EQ(FieldSet(U(8), -256, Overflow::kWrap), 0);
  EXPECT_EQ(FieldSet(U(63), kMax, Overflow::kFail), kMax);
}

TEST(BitmapTest, SignedOverflowAtEveryWidth) {
  for (int bits = 1; bits <= 64; bits++) {
    FieldType t = I(bits);
    int64_t max = bits == 64 ? kMax : static_cast<int64_t>((1ULL << (bits - 1)) - 1);
    int64_t min = -max - 1;
    SCOPED_TRACE(bits);
    EXPECT_EQ(FieldIncr(t, max, 0, Overflow::kFail), max);
    EXPECT_EQ(FieldIncr(t, max, 1, Overflow::kWrap), min);
    EXPECT_EQ(FieldIncr(t, max, 1, Overflow::kSat), max);
    EXPECT_EQ(FieldIncr(t, max, 1, Overflow::kFail), std::nullopt);
    EXPECT_EQ(FieldIncr(t, min, -1, Overflow::kWrap), max);
    EXPECT_EQ(FieldIncr(t, min, -1, Overflow::kSat), min);
    EXPECT_EQ(FieldIncr(t, min, -1, Overflow::kFail), std::nullopt);
    // Sums that are exact in 64 bits but out of range for narrower fields.
    if (bits <= 62) {
      EXPECT_EQ(FieldIncr(t, min, kMax, Overflow::kFail), std::nullopt);
      EXPECT_EQ(FieldIncr(t, max, kMin, Overflow::kFail), std::nullopt);
    } else if (bits == 64) {
      EXPECT_EQ(FieldIncr(t, min, kMax, Overflow::kFail), -1);
      EXPECT_EQ(FieldIncr(t, max, kMin, Overflow::kFail), -1);
    }
    EXPECT_EQ(FieldIncr(t, max, kMax, Overflow::kSat), max);
    EXPECT_EQ(FieldIncr(t, min, kMin, Overflow::kSat), min);
    EXPECT_EQ(FieldSet(t, max, Overflow::kFail), max);
    EXPECT_EQ(FieldSet(t, min, Overflow::kFail), min);
    if (bits < 64) {
      EXPECT_EQ(FieldSet(t, max + 1, Overflow::kWrap), min);
      EXPECT_EQ(FieldSet(t, max + 1, Overflow::kSat), max);
      EXPECT_EQ(FieldSet(t, max + 1, Overflow::kFail), std::nullopt);
      EXPECT_EQ(FieldSet(t, min - 1, Overflow::kWrap), max);
      // (For i63, min - 1 is within Redis's wrapped-comparison zone: see below.)
      EXPECT_EQ(FieldSet(t, min - 1, Overflow::kSat), bits == 63 ? max : min);
      EXPECT_EQ(FieldSet(t, min - 1, Overflow::kFail), std::nullopt);
    }
  }
  EXPECT_EQ(FieldIncr(I(64), kMax, kMax, Overflow::kWrap), -2);
  EXPECT_EQ(FieldIncr(I(8), 100, 100, Overflow::kWrap), -56);
  EXPECT_EQ(FieldIncr(I(8), -100, -100, Overflow::kWrap), 56);
  EXPECT_EQ(FieldSet(I(8), 300, Overflow::kWrap), 44);
  EXPECT_EQ(FieldSet(I(1), 1, Overflow::kWrap), -1);
  EXPECT_EQ(FieldSet(I(1), 1, Overflow::kSat), 0);
  // Redis's 64-bit max - value wraps for the most negative values: they saturate upwards.
  EXPECT_EQ(FieldSet(I(13), kMin, Overflow::kSat), 4095);
  EXPECT_EQ(FieldSet(I(13), kMin + 4095, Overflow::kSat), 4095);
  EXPECT_EQ(FieldSet(I(13), kMin + 4096, Overflow::kSat), -4096);
  EXPECT_EQ(FieldSet(I(13), kMin, Overflow::kWrap), 0);
  EXPECT_EQ(FieldSet(I(13), kMin, Overflow::kFail), std::nullopt);
  EXPECT_EQ(FieldSet(I(63), kMin, Overflow::kSat), (int64_t{1} << 62) - 1);
  EXPECT_EQ(FieldSet(I(64), kMin, Overflow::kSat), kMin);
}

}  // namespace
}  // namespace duet::bitmap
