#include "common/strutil.h"

#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>

namespace duet {
namespace {

std::string Printf17g(double v) {
  char buf[64];
  int n = snprintf(buf, sizeof(buf), "%.17g", v);
  return std::string(buf, static_cast<size_t>(n));
}

std::string Fast17g(double v) {
  char buf[32];
  return std::string(buf, FormatDouble17g(v, buf));
}

TEST(FormatDouble17gTest, EdgeValuesMatchPrintf) {
  const double cases[] = {0.0,
                          -0.0,
                          1.0,
                          -1.0,
                          0.1,
                          -0.1,
                          1.5,
                          3.0e15,
                          1.7e15 + 0.5,
                          99999999999999984.0,  // the largest double below 1e17
                          1e17,
                          -1e17,
                          123456789012345678.0,
                          9007199254740993.0,
                          4611686018427387904.0,
                          9.2233720368547758e18,
                          -9.2233720368547758e18,
                          1e300,
                          DBL_MAX,
                          -DBL_MAX,
                          DBL_MIN,
                          DBL_TRUE_MIN,
                          -DBL_TRUE_MIN,
                          1e-5,
                          1e-4,
                          0.0001234,
                          1e16,
                          12345678901234567.0,
                          INFINITY,
                          -INFINITY,
                          NAN};
  for (double v : cases) EXPECT_EQ(Fast17g(v), Printf17g(v)) << Printf17g(v);
}

TEST(FormatDouble17gTest, RandomValuesMatchPrintf) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 200000; i++) {
    uint64_t bits = rng();
    double v;
    switch (i % 4) {
      case 0:  // any bit pattern (subnormals, huge, NaN payloads)
        memcpy(&v, &bits, sizeof(v));
        break;
      case 1:  // integers of every magnitude up to 2^63
        v = static_cast<double>(static_cast<int64_t>(bits) >> (bits % 63));
        break;
      case 2:  // millisecond timestamps with fractions, as BullMQ scores
        v = 1.7e12 + static_cast<double>(bits % 100000000) / 1000.0;
        break;
      default:  // small decimals
        v = static_cast<double>(static_cast<int64_t>(bits % 2000000) - 1000000) / 1000.0;
        break;
    }
    ASSERT_EQ(Fast17g(v), Printf17g(v)) << Printf17g(v);
  }
}

}  // namespace
TEST(StrUtilTest, ReprEscapesAsSdscatrepr) {
  EXPECT_EQ(QuoteRepr("plain"), "\"plain\"");
  EXPECT_EQ(QuoteRepr("a\"b\\c\n\r\t\a\b\x01"), "\"a\\\"b\\\\c\\n\\r\\t\\a\\b\\x01\"");
  EXPECT_EQ(QuoteRepr(""), "\"\"");
  // Bytes >= 0x80 are never printable (Redis passes a signed char to isprint).
  EXPECT_EQ(QuoteRepr("\xe9\x7f~"), "\"\\xe9\\x7f~\"");
  std::string out = "x";
  AppendRepr(out, " ");
  EXPECT_EQ(out, "x\" \"");
}

}  // namespace duet
