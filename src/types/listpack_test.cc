#include "types/listpack.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace duet::lp {
namespace {

// Owns a listpack for the duration of a test.
struct Lp {
  uint8_t* p = New();
  ~Lp() { Free(p); }
  std::vector<std::string> Elements() const {
    std::vector<std::string> out;
    for (uint8_t* e = First(p); e; e = Next(p, e)) out.push_back(Get(e).ToString());
    return out;
  }
  std::string Hex() const {
    static const char* digits = "0123456789abcdef";
    std::string h;
    for (size_t i = 0; i < Bytes(p); i++) {
      h += digits[p[i] >> 4];
      h += digits[p[i] & 15];
    }
    return h;
  }
};

std::string FromHex(std::string_view h) {
  std::string out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) {
    out += static_cast<char>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16));
  }
  return out;
}

// Bytes of the single entry of a one-element listpack (header and end marker stripped).
std::string EntryHex(std::string_view ele) {
  Lp l;
  l.p = Append(l.p, ele);
  std::string h = l.Hex();
  return h.substr(12, h.size() - 14);
}
std::string IntEntryHex(int64_t v) {
  Lp l;
  l.p = AppendInteger(l.p, v);
  std::string h = l.Hex();
  return h.substr(12, h.size() - 14);
}

TEST(ListpackTest, EmptyListpack) {
  Lp l;
  EXPECT_EQ(l.Hex(),
            "07000000"
            "0000"
            "ff");
  EXPECT_EQ(Bytes(l.p), 7u);
  EXPECT_EQ(Length(l.p), 0u);
  EXPECT_EQ(First(l.p), nullptr);
  EXPECT_EQ(Last(l.p), nullptr);
  EXPECT_EQ(Seek(l.p, 0), nullptr);
  EXPECT_EQ(Seek(l.p, -1), nullptr);
  EXPECT_TRUE(Validate(l.p, Bytes(l.p), true));
}

TEST(ListpackTest, IntegerEncodingBoundaries) {
  // 7-bit uint.
  EXPECT_EQ(IntEntryHex(0), "0001");
  EXPECT_EQ(IntEntryHex(127), "7f01");
  // 13-bit int.
  EXPECT_EQ(IntEntryHex(128), "c08002");
  EXPECT_EQ(IntEntryHex(-1), "dfff02");
  EXPECT_EQ(IntEntryHex(4095), "cfff02");
  EXPECT_EQ(IntEntryHex(-4096), "d00002");
  // 16-bit.
  EXPECT_EQ(IntEntryHex(4096), "f1001003");
  EXPECT_EQ(IntEntryHex(-4097), "f1ffef03");
  EXPECT_EQ(IntEntryHex(32767), "f1ff7f03");
  EXPECT_EQ(IntEntryHex(-32768), "f1008003");
  // 24-bit.
  EXPECT_EQ(IntEntryHex(32768),
            "f2008000"
            "04");
  EXPECT_EQ(IntEntryHex(-32769),
            "f2ff7fff"
            "04");
  EXPECT_EQ(IntEntryHex(8388607),
            "f2ffff7f"
            "04");
  EXPECT_EQ(IntEntryHex(-8388608),
            "f2000080"
            "04");
  // 32-bit.
  EXPECT_EQ(IntEntryHex(8388608),
            "f300008000"
            "05");
  EXPECT_EQ(IntEntryHex(-8388609),
            "f3ffff7fff"
            "05");
  EXPECT_EQ(IntEntryHex(INT32_MAX),
            "f3ffffff7f"
            "05");
  EXPECT_EQ(IntEntryHex(INT32_MIN),
            "f300000080"
            "05");
  // 64-bit.
  EXPECT_EQ(IntEntryHex(int64_t{INT32_MAX} + 1),
            "f40000008000000000"
            "09");
  EXPECT_EQ(IntEntryHex(int64_t{INT32_MIN} - 1),
            "f4ffffff7fffffffff"
            "09");
  EXPECT_EQ(IntEntryHex(INT64_MAX),
            "f4ffffffffffffff7f"
            "09");
  EXPECT_EQ(IntEntryHex(INT64_MIN),
            "f40000000000000080"
            "09");
}

TEST(ListpackTest, IntegersRoundTripAcrossEveryBoundary) {
  std::vector<int64_t> values;
  for (int64_t edge :
       {int64_t{0}, int64_t{127}, int64_t{4095}, int64_t{4096}, int64_t{32767}, int64_t{32768},
        int64_t{8388607}, int64_t{8388608}, int64_t{INT32_MAX}, int64_t{INT32_MAX} + 1}) {
    for (int64_t d = -2; d <= 2; d++) {
      values.push_back(edge + d);
      values.push_back(-(edge + d));
    }
  }
  values.push_back(INT64_MAX);
  values.push_back(INT64_MIN);
  values.push_back(INT64_MIN + 1);
  Lp l;
  for (int64_t v : values) l.p = AppendInteger(l.p, v);
  ASSERT_EQ(Length(l.p), values.size());
  size_t i = 0;
  for (uint8_t* e = First(l.p); e; e = Next(l.p, e), i++) {
    Value v = Get(e);
    ASSERT_TRUE(v.is_int);
    EXPECT_EQ(v.ival, values[i]);
  }
  // Backwards too: every kind's backlen is right.
  i = values.size();
  for (uint8_t* e = Last(l.p); e; e = Prev(l.p, e)) EXPECT_EQ(Get(e).ival, values[--i]);
  EXPECT_EQ(i, 0u);
  EXPECT_TRUE(Validate(l.p, Bytes(l.p), true));
}

TEST(ListpackTest, CanonicalIntegerStringsBecomeIntegers) {
  EXPECT_EQ(EntryHex("0"), IntEntryHex(0));
  EXPECT_EQ(EntryHex("-4096"), IntEntryHex(-4096));
  EXPECT_EQ(EntryHex("9223372036854775807"), IntEntryHex(INT64_MAX));
  EXPECT_EQ(EntryHex("-9223372036854775808"), IntEntryHex(INT64_MIN));
  // Not canonical (string2ll rejects them): stored as strings.
  for (const char* s : {"-0", "01", "+1", " 1", "1 ", "9223372036854775808", "-", "", "1.0",
                        "-9223372036854775809", "0x10"}) {
    Lp l;
    l.p = Append(l.p, s);
    Value v = Get(First(l.p));
    EXPECT_FALSE(v.is_int) << s;
    EXPECT_EQ(v.sval, s);
  }
}

TEST(ListpackTest, StringLengthEncodings) {
  EXPECT_EQ(EntryHex(""), "8001");
  EXPECT_EQ(EntryHex("a"), "816102");
  for (size_t len :
       {size_t{0}, size_t{1}, size_t{63}, size_t{64}, size_t{126}, size_t{127}, size_t{4095},
        size_t{4096}, size_t{16380}, size_t{16381}, size_t{16382}, size_t{70000}}) {
    std::string s(len, 'x');
    Lp l;
    l.p = Append(l.p, s);
    l.p = Append(l.p, "tail");
    uint8_t* e = First(l.p);
    Value v = Get(e);
    ASSERT_FALSE(v.is_int);
    EXPECT_EQ(v.sval, s) << len;
    size_t hdr = len < 64 ? 1 : len < 4096 ? 2 : 5;
    EXPECT_EQ(e[0], len < 64 ? 0x80 | len : len < 4096 ? 0xE0 | (len >> 8) : 0xF0) << len;
    EXPECT_EQ(EntrySizeFor(s), static_cast<size_t>(Next(l.p, e) - e)) << len;
    size_t enclen = hdr + len;
    size_t backlen = enclen <= 127 ? 1 : enclen < 16383 ? 2 : enclen < 2097151 ? 3 : 4;
    EXPECT_EQ(EntrySizeFor(s), enclen + backlen) << len;
    EXPECT_EQ(Prev(l.p, Last(l.p)), e) << len;
    EXPECT_TRUE(Validate(l.p, Bytes(l.p), true)) << len;
  }
}

TEST(ListpackTest, BacklenSizeBoundaries) {
  // Encoded lengths 127 / 128 / 16382 / 16383 / 16384: 1, 2, 2, 3 (Redis's "< 16383"), 3.
  struct Case {
    size_t enclen;
    size_t backlen;
  };
  for (Case c : {Case{127, 1}, Case{128, 2}, Case{16382, 2}, Case{16383, 3}, Case{16384, 3},
                 Case{2097150, 3}, Case{2097151, 4}}) {
    size_t len = c.enclen <= 64 ? c.enclen - 1 : c.enclen <= 4097 ? c.enclen - 2 : c.enclen - 5;
    std::string s(len, 'y');
    ASSERT_EQ(EntrySizeFor(s), c.enclen + c.backlen) << c.enclen;
    Lp l;
    l.p = Append(l.p, s);
    uint8_t* e = First(l.p);
    EXPECT_EQ(Last(l.p), e);
    EXPECT_EQ(Get(e).sval.size(), len);
    EXPECT_TRUE(Validate(l.p, Bytes(l.p), true));
  }
  // The two-byte backlen of 128: 0x01, 0x80.
  std::string s(126, 'z');  // 2 + 126 = 128
  std::string h = EntryHex(s);
  EXPECT_EQ(h.substr(h.size() - 4), "0180");
}

// A hash created in redis-server 7.0.15 (hash-max-listpack-value raised), fields f0..f30
// holding every integer encoding edge, non-canonical integers and 0/63/64-byte strings;
// the listpack blob taken verbatim from its DUMP payload (rdbcompression no).
constexpr const char* kRedisHashListpack =
    "be0100003e00826630030001826631037f0182663203c0800282663303dfff0282663403d0000282663503cf"
    "ff0282663603f100100382663703f1ffef0382663803f1ff7f0382663903f2008000048366313004f1008003"
    "8366313104f2ff7fff048366313204f2ffff7f048366313304f300008000058366313404f200008004836631"
    "3504f3ffff7fff058366313604f3ffffff7f058366313704f40000008000000000098366313804f300000080"
    "058366313904f4ffffff7fffffffff098366323004f4ffffffffffffff7f098366323104f400000000000000"
    "800983663232049339323233333732303336383534373735383038148366323304822d300383663234048230"
    "31038366323504822b310383663236048220310383663237048568656c6c6f06836632380480018366323904"
    "bf61616161616161616161616161616161616161616161616161616161616161616161616161616161616161"
    "6161616161616161616161616161616161616161408366333004e04062626262626262626262626262626262"
    "6262626262626262626262626262626262626262626262626262626262626262626262626262626262626262"
    "6262626242ff";

TEST(ListpackTest, ByteIdenticalToRedis) {
  const std::vector<std::string> vals = {"0",
                                         "127",
                                         "128",
                                         "-1",
                                         "-4096",
                                         "4095",
                                         "4096",
                                         "-4097",
                                         "32767",
                                         "32768",
                                         "-32768",
                                         "-32769",
                                         "8388607",
                                         "8388608",
                                         "-8388608",
                                         "-8388609",
                                         "2147483647",
                                         "2147483648",
                                         "-2147483648",
                                         "-2147483649",
                                         "9223372036854775807",
                                         "-9223372036854775808",
                                         "9223372036854775808",
                                         "-0",
                                         "01",
                                         "+1",
                                         " 1",
                                         "hello",
                                         "",
                                         std::string(63, 'a'),
                                         std::string(64, 'b')};
  Lp l;
  for (size_t i = 0; i < vals.size(); i++) {
    l.p = Append(l.p, "f" + std::to_string(i));
    l.p = Append(l.p, vals[i]);
  }
  EXPECT_EQ(l.Hex(), kRedisHashListpack);
  std::string redis = FromHex(kRedisHashListpack);
  EXPECT_TRUE(Validate(reinterpret_cast<const uint8_t*>(redis.data()), redis.size(), true));

  // HSET big s4095 <4095 x 'c'> s4096 <4096 x 'd'> x 1: 12-bit and 32-bit string lengths.
  Lp big;
  big.p = Append(big.p, "s4095");
  big.p = Append(big.p, std::string(4095, 'c'));
  big.p = Append(big.p, "s4096");
  big.p = Append(big.p, std::string(4096, 'd'));
  big.p = Append(big.p, "x");
  big.p = Append(big.p, "1");
  std::string c4095, d4096;
  for (int i = 0; i < 4095; i++) c4095 += "63";
  for (int i = 0; i < 4096; i++) d4096 += "64";
  EXPECT_EQ(big.Hex(),
            "24200000060085733430393506"
            "efff" +
                c4095 + "2081" +
                "85733430393606"
                "f000100000" +
                d4096 +
                "208581"
                "78020101ff");
}

TEST(ListpackTest, InsertBeforeAfterReplaceInTheMiddle) {
  Lp l;
  for (const char* s : {"a", "b", "c"}) l.p = Append(l.p, s);
  uint8_t* b = Seek(l.p, 1);
  uint8_t* np = nullptr;
  l.p = Insert(l.p, "before-b", b, Where::kBefore, &np);
  EXPECT_EQ(Get(np).sval, "before-b");
  EXPECT_EQ(l.Elements(), (std::vector<std::string>{"a", "before-b", "b", "c"}));
  l.p = InsertInteger(l.p, 5000, Seek(l.p, 2), Where::kAfter, &np);
  EXPECT_EQ(Get(np).ival, 5000);
  EXPECT_EQ(l.Elements(), (std::vector<std::string>{"a", "before-b", "b", "5000", "c"}));
  // Replace with a longer, a shorter and an integer value.
  uint8_t* p = Seek(l.p, 2);
  l.p = Replace(l.p, &p, std::string(300, 'L'));
  EXPECT_EQ(Get(p).sval.size(), 300u);
  l.p = Replace(l.p, &p, "s");
  EXPECT_EQ(Get(p).sval, "s");
  l.p = ReplaceInteger(l.p, &p, -7);
  EXPECT_EQ(Get(p).ival, -7);
  EXPECT_EQ(l.Elements(), (std::vector<std::string>{"a", "before-b", "-7", "5000", "c"}));
  EXPECT_EQ(Length(l.p), 5u);
  l.p = Prepend(l.p, "first");
  l.p = PrependInteger(l.p, 1);
  l.p = AppendInteger(l.p, 2);
  EXPECT_EQ(l.Elements(),
            (std::vector<std::string>{"1", "first", "a", "before-b", "-7", "5000", "c", "2"}));
  // After the last element is the same as appending.
  l.p = Insert(l.p, "end", Last(l.p), Where::kAfter, &np);
  EXPECT_EQ(Get(Last(l.p)).sval, "end");
  EXPECT_EQ(np, Last(l.p));
  EXPECT_EQ(Length(l.p), 9u);
  EXPECT_TRUE(Validate(l.p, Bytes(l.p), true));
}

TEST(ListpackTest, InsertValueAliasingTheListpack) {
  Lp l;
  l.p = Append(l.p, std::string(100, 'q'));
  l.p = Append(l.p, "x");
  // The value points into the listpack itself; insertion moves those bytes.
  for (int i = 0; i < 20; i++) {
    std::string_view v = Get(Last(l.p)).sval;
    l.p = Insert(l.p, v, First(l.p), Where::kBefore);
    v = Get(First(l.p)).sval;
    l.p = Append(l.p, v);
  }
  for (const std::string& s : l.Elements()) EXPECT_TRUE(s == "x" || s == std::string(100, 'q'));
  EXPECT_TRUE(Validate(l.p, Bytes(l.p), true));
}

TEST(ListpackTest, DeleteAndDeleteRange) {
  Lp l;
  for (int i = 0; i < 10; i++) l.p = AppendInteger(l.p, i);
  uint8_t* np = nullptr;
  l.p = Delete(l.p, Seek(l.p, 3), &np);
  EXPECT_EQ(Get(np).ival, 4);
  l.p = Delete(l.p, Last(l.p), &np);
  EXPECT_EQ(np, nullptr);
  EXPECT_EQ(l.Elements(), (std::vector<std::string>{"0", "1", "2", "4", "5", "6", "7", "8"}));
  l.p = DeleteRange(l.p, 1, 2);
  EXPECT_EQ(l.Elements(), (std::vector<std::string>{"0", "4", "5", "6", "7", "8"}));
  l.p = DeleteRange(l.p, -2, 100);  // past the end: to the end
  EXPECT_EQ(l.Elements(), (std::vector<std::string>{"0", "4", "5", "6"}));
  l.p = DeleteRange(l.p, 10, 1);  // out of range: nothing
  l.p = DeleteRange(l.p, 0, 0);
  EXPECT_EQ(Length(l.p), 4u);
  uint8_t* p = Seek(l.p, 1);
  l.p = DeleteRangeWithEntry(l.p, &p, 2);
  EXPECT_EQ(Get(p).ival, 6);
  EXPECT_EQ(l.Elements(), (std::vector<std::string>{"0", "6"}));
  p = First(l.p);
  l.p = DeleteRangeWithEntry(l.p, &p, 5);
  EXPECT_EQ(p, nullptr);
  EXPECT_EQ(Length(l.p), 0u);
  EXPECT_EQ(l.Hex(), "070000000000ff");
}

TEST(ListpackTest, PrevWalksOverEveryEntryKind) {
  Lp l;
  std::vector<std::string> want = {"1",
                                   "200",
                                   "-5000",
                                   "300000",
                                   "5000000000",
                                   "",
                                   std::string(63, 'a'),
                                   std::string(64, 'b'),
                                   std::string(5000, 'c'),
                                   "-1"};
  for (const std::string& s : want) l.p = Append(l.p, s);
  std::vector<std::string> back;
  for (uint8_t* e = Last(l.p); e; e = Prev(l.p, e)) back.insert(back.begin(), Get(e).ToString());
  EXPECT_EQ(back, want);
  EXPECT_EQ(Prev(l.p, First(l.p)), nullptr);
}

TEST(ListpackTest, SeekBothEndsAndNegativeIndexes) {
  Lp l;
  for (int i = 0; i < 101; i++) l.p = AppendInteger(l.p, i);
  for (int i = 0; i < 101; i++) {
    EXPECT_EQ(Get(Seek(l.p, i)).ival, i);
    EXPECT_EQ(Get(Seek(l.p, -1 - i)).ival, 100 - i);
  }
  EXPECT_EQ(Seek(l.p, 101), nullptr);
  EXPECT_EQ(Seek(l.p, -102), nullptr);
}

TEST(ListpackTest, UnknownCountPast65535) {
  Lp l;
  for (int i = 0; i < 65536; i++) l.p = AppendInteger(l.p, i & 127);
  EXPECT_EQ(l.p[4], 0xFF);
  EXPECT_EQ(l.p[5], 0xFF);
  EXPECT_EQ(Length(l.p), 65536u);
  EXPECT_EQ(l.p[4], 0xFF);  // still too many to cache
  EXPECT_EQ(Get(Seek(l.p, -1)).ival, 65535 & 127);
  EXPECT_EQ(Get(Seek(l.p, 70000 - 65536 + 200)).ival, (70000 - 65536 + 200) & 127);
  EXPECT_EQ(Seek(l.p, 65536), nullptr);
  EXPECT_TRUE(Validate(l.p, Bytes(l.p), true));
  // Deleting does not touch an unknown count; Length walks and caches it again.
  l.p = Delete(l.p, First(l.p));
  l.p = Delete(l.p, First(l.p));
  EXPECT_EQ(l.p[4], 0xFF);
  EXPECT_EQ(Length(l.p), 65534u);
  EXPECT_EQ(l.p[4] | l.p[5] << 8, 65534);
  // And an insert that reaches 65535 makes it unknown again.
  l.p = AppendInteger(l.p, 1);
  EXPECT_EQ(l.p[4] | l.p[5] << 8, 65535);
  EXPECT_EQ(Length(l.p), 65535u);
}

TEST(ListpackTest, FindWithSkip) {
  Lp l;
  // field/value pairs where values collide with field names.
  for (const char* s : {"a", "b", "b", "12", "12", "c", "x", "-3"}) l.p = Append(l.p, s);
  EXPECT_EQ(Find(l.p, First(l.p), "b", 1), Seek(l.p, 2));
  EXPECT_EQ(Find(l.p, First(l.p), "b", 0), Seek(l.p, 1));
  EXPECT_EQ(Find(l.p, First(l.p), "12", 1), Seek(l.p, 4));
  EXPECT_EQ(Find(l.p, First(l.p), "c", 1), nullptr);  // only at a value position
  EXPECT_EQ(Find(l.p, Seek(l.p, 1), "c", 1), Seek(l.p, 5));
  EXPECT_EQ(Find(l.p, First(l.p), "-3", 0), Seek(l.p, 7));
  EXPECT_EQ(Find(l.p, First(l.p), "012", 0), nullptr);
  EXPECT_EQ(Find(l.p, First(l.p), "zz", 0), nullptr);
  EXPECT_EQ(Find(l.p, nullptr, "a", 0), nullptr);
}

TEST(ListpackTest, FindIntegerTextStoredAsString) {
  // A listpack written elsewhere may keep "12" as a string entry; it still matches "12".
  std::string raw = FromHex(
      "0d0000000200"
      "823132"
      "03"
      "0c01"
      "ff");
  std::vector<uint8_t> buf(raw.begin(), raw.end());
  ASSERT_TRUE(Validate(buf.data(), buf.size(), true));
  uint8_t* l = buf.data();
  EXPECT_EQ(Find(l, First(l), "12", 0), First(l));
  EXPECT_EQ(Find(l, First(l), "12", 1), First(l));
  EXPECT_EQ(Find(l, First(l), "12a", 0), nullptr);
  EXPECT_EQ(Find(l, First(l), "0", 0), nullptr);
  EXPECT_TRUE(Equals(First(l), "12"));
  EXPECT_EQ(Get(Last(l)).ival, 12);
  EXPECT_EQ(Find(l, Next(l, First(l)), "12", 0), Last(l));
}

TEST(ListpackTest, EqualsOnIntegerAndStringElements) {
  Lp l;
  l.p = Append(l.p, "123");
  l.p = Append(l.p, "abc");
  l.p = AppendInteger(l.p, INT64_MIN);
  uint8_t* i = First(l.p);
  EXPECT_TRUE(Equals(i, "123"));
  EXPECT_FALSE(Equals(i, "0123"));
  EXPECT_FALSE(Equals(i, "123 "));
  EXPECT_FALSE(Equals(i, "124"));
  uint8_t* s = Next(l.p, i);
  EXPECT_TRUE(Equals(s, "abc"));
  EXPECT_FALSE(Equals(s, "ab"));
  EXPECT_TRUE(Equals(Last(l.p), "-9223372036854775808"));
  char buf[24];
  EXPECT_EQ(Get(Last(l.p)).View(buf), "-9223372036854775808");
  EXPECT_EQ(Get(s).View(buf), "abc");
}

TEST(ListpackTest, Merge) {
  Lp a, b;
  for (const char* s : {"1", "two"}) a.p = Append(a.p, s);
  for (const std::string& s : {std::string("three"), std::string("4"), std::string(200, 'x')}) {
    b.p = Append(b.p, s);
  }
  a.p = Merge(a.p, b.p);
  EXPECT_EQ(Length(a.p), 5u);
  EXPECT_EQ(a.Elements(),
            (std::vector<std::string>{"1", "two", "three", "4", std::string(200, 'x')}));
  // Same bytes as appending one by one.
  Lp c;
  for (const std::string& s : a.Elements()) c.p = Append(c.p, s);
  EXPECT_EQ(a.Hex(), c.Hex());
  Lp empty;
  a.p = Merge(a.p, empty.p);
  EXPECT_EQ(a.Hex(), c.Hex());
  a.p = Merge(a.p, a.p);  // with itself
  EXPECT_EQ(Length(a.p), 10u);
  EXPECT_TRUE(Validate(a.p, Bytes(a.p), true));
}

TEST(ListpackTest, DupAndValueToString) {
  Lp l;
  l.p = Append(l.p, "hello");
  l.p = AppendInteger(l.p, -42);
  uint8_t* d = Dup(l.p);
  EXPECT_EQ(memcmp(d, l.p, Bytes(l.p)), 0);
  EXPECT_EQ(Get(Last(d)).ToString(), "-42");
  EXPECT_EQ(Get(First(d)).ToString(), "hello");
  Free(d);
}

TEST(ListpackTest, ValidateRejectsCorruptBuffers) {
  Lp l;
  for (const std::string& s : {std::string("1"), std::string("hello"), std::string(70, 'm'),
                               std::string("-70000"), std::string(5000, 'z')}) {
    l.p = Append(l.p, s);
  }
  std::string good(reinterpret_cast<char*>(l.p), Bytes(l.p));
  auto ok = [](const std::string& buf, bool deep = true) {
    // Copy into an exactly sized heap buffer so ASan sees any out-of-bounds read.
    std::vector<uint8_t> v(buf.begin(), buf.end());
    return Validate(v.data(), v.size(), deep);
  };
  EXPECT_TRUE(ok(good));
  EXPECT_FALSE(ok(""));
  EXPECT_FALSE(ok(good.substr(0, 6)));
  // Every truncation (with the header's size patched to match) is rejected.
  for (size_t n = 7; n < good.size(); n++) {
    std::string t = good.substr(0, n);
    EXPECT_FALSE(ok(t)) << n;  // header size mismatch
    t[0] = static_cast<char>(n);
    t[1] = static_cast<char>(n >> 8);
    t[2] = static_cast<char>(n >> 16);
    t[3] = 0;
    t[n - 1] = static_cast<char>(0xFF);
    EXPECT_FALSE(ok(t)) << n;
  }
  // Wrong count in the header; unknown count is accepted.
  std::string bad = good;
  bad[4] = 4;
  EXPECT_FALSE(ok(bad));
  EXPECT_TRUE(ok(bad, false));  // shallow check reads only the header and the end marker
  bad[4] = static_cast<char>(0xFF);
  bad[5] = static_cast<char>(0xFF);
  EXPECT_TRUE(ok(bad));
  // Invalid encoding byte, broken backlen, missing end marker, huge string length.
  bad = good;
  bad[6] = static_cast<char>(0xF5);
  EXPECT_FALSE(ok(bad));
  bad = good;
  bad[7] = 2;  // backlen of the first entry (1 byte long)
  EXPECT_FALSE(ok(bad));
  bad = good;
  bad[bad.size() - 1] = 0;
  EXPECT_FALSE(ok(bad));
  bad = good;
  bad[8] = static_cast<char>(0xF0);  // the "hello" entry claims a 32-bit length
  bad[9] = bad[10] = bad[11] = bad[12] = static_cast<char>(0xFF);
  EXPECT_FALSE(ok(bad));
  // Random byte flips never crash (and mostly fail).
  std::mt19937 rng(7);
  for (int i = 0; i < 20000; i++) {
    std::string f = good;
    for (int k = 0; k < 3; k++) f[6 + rng() % (f.size() - 6)] = static_cast<char>(rng());
    ok(f);
  }
}

TEST(ListpackTest, RandomOperationsMatchAVector) {
  std::mt19937 rng(42);
  Lp l;
  std::vector<std::string> model;
  auto rand_ele = [&]() -> std::string {
    switch (rng() % 5) {
      case 0:
        return std::to_string(static_cast<int64_t>(rng()) - 2147483648LL);
      case 1:
        return std::to_string(rng() % 300);
      case 2:
        return std::string(rng() % 80, static_cast<char>('a' + rng() % 26));
      case 3:
        return std::to_string(static_cast<int64_t>(rng()) * 100000007LL);
      default:
        return std::string(rng() % 5000, 'w');
    }
  };
  for (int step = 0; step < 3000; step++) {
    int op = static_cast<int>(rng() % 6);
    if (model.empty() || op <= 1) {
      std::string e = rand_ele();
      if (op == 0) {
        l.p = Append(l.p, e);
        model.push_back(e);
      } else {
        l.p = Prepend(l.p, e);
        model.insert(model.begin(), e);
      }
    } else {
      size_t idx = rng() % model.size();
      uint8_t* p = Seek(l.p, static_cast<int64_t>(idx));
      if (op == 2) {
        std::string e = rand_ele();
        l.p = Insert(l.p, e, p, Where::kAfter);
        model.insert(model.begin() + idx + 1, e);
      } else if (op == 3) {
        std::string e = rand_ele();
        l.p = Replace(l.p, &p, e);
        model[idx] = e;
      } else if (op == 4) {
        l.p = Delete(l.p, p);
        model.erase(model.begin() + idx);
      } else {
        uint32_t n = rng() % 4;
        l.p = DeleteRange(l.p, static_cast<int64_t>(idx) - static_cast<int64_t>(model.size()), n);
        model.erase(model.begin() + idx, model.begin() + std::min(model.size(), idx + n));
      }
    }
    ASSERT_EQ(Length(l.p), model.size());
  }
  EXPECT_EQ(l.Elements(), model);
  EXPECT_TRUE(Validate(l.p, Bytes(l.p), true));
}

}  // namespace
}  // namespace duet::lp
