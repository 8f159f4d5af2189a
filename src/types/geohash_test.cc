#include "types/geohash.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "common/strutil.h"

namespace duet::geo {
namespace {

// Reference values from redis-server 7.0.15 (GEOADD Sicily 13.361389 38.115556 Palermo
// 15.087269 37.502669 Catania; ZSCORE, GEOPOS, GEOHASH, GEODIST).
TEST(GeohashTest, ScoresMatchRedis) {
  EXPECT_EQ(ScoreOf(13.361389, 38.115556), 3479099956230698ULL);
  EXPECT_EQ(ScoreOf(15.087269, 37.502669), 3479447370796909ULL);
  EXPECT_EQ(ScoreOf(-180, -85.05112878), 0u);
  // The upper limits land one cell past the end in both halves (bits 52 and 53), as in Redis.
  EXPECT_EQ(ScoreOf(180, 85.05112878), 13510798882111488ULL);
}

TEST(GeohashTest, DecodeGivesTheCellCentre) {
  double xy[2];
  ASSERT_TRUE(DecodeScore(3479447370796909.0, xy));
  EXPECT_EQ(LongDoubleToHumanString(xy[0]), "15.08726745843887329");
  EXPECT_EQ(LongDoubleToHumanString(xy[1]), "37.50266842333162032");
  // Out-of-range scores decode as Redis's (uint64_t) cast does on x86-64, then clamp.
  ASSERT_TRUE(DecodeScore(-1.0, xy));
  EXPECT_EQ(xy[0], kLongMax);
  EXPECT_EQ(xy[1], kLatMax);
  ASSERT_TRUE(DecodeScore(1e300, xy));
  EXPECT_EQ(xy[0], -180 + (0.5 / (1 << 26)) * 360);
}

TEST(GeohashTest, StandardGeohashAndDistance) {
  char buf[11];
  StandardGeohash(3479099956230698.0, buf);
  EXPECT_EQ(std::string(buf, 11), "sqc8b49rny0");
  StandardGeohash(3479447370796909.0, buf);
  EXPECT_EQ(std::string(buf, 11), "sqdtr74hyu0");
  double a[2], b[2];
  DecodeScore(3479099956230698.0, a);
  DecodeScore(3479447370796909.0, b);
  char out[64];
  snprintf(out, sizeof(out), "%.4f", Distance(a[0], a[1], b[0], b[1]));
  EXPECT_STREQ(out, "166274.1516");
  EXPECT_EQ(Distance(a[0], a[1], a[0], a[1]), 0);
}

TEST(GeohashTest, EncodeRejectsOutOfRange) {
  HashBits h;
  EXPECT_FALSE(EncodeWgs84(180.1, 0, 26, &h));
  EXPECT_FALSE(EncodeWgs84(0, 85.06, 26, &h));
  EXPECT_FALSE(EncodeWgs84(0, 0, 0, &h));
  EXPECT_FALSE(EncodeWgs84(0, 0, 33, &h));
  EXPECT_TRUE(EncodeWgs84(0, 0, 1, &h));
  EXPECT_EQ(h.bits, 3u);  // both halves: upper cell
}

TEST(GeohashTest, NeighboursAreAdjacentCells) {
  HashBits h;
  ASSERT_TRUE(EncodeWgs84(10, 20, 10, &h));
  Neighbors n;
  NeighborsOf(h, &n);
  Area c, e, w, no, s;
  Range lon{-180, 180}, lat{kLatMin, kLatMax};
  ASSERT_TRUE(Decode(lon, lat, h, &c));
  ASSERT_TRUE(Decode(lon, lat, n.east, &e));
  ASSERT_TRUE(Decode(lon, lat, n.west, &w));
  ASSERT_TRUE(Decode(lon, lat, n.north, &no));
  ASSERT_TRUE(Decode(lon, lat, n.south, &s));
  EXPECT_DOUBLE_EQ(e.longitude.min, c.longitude.max);
  EXPECT_DOUBLE_EQ(w.longitude.max, c.longitude.min);
  EXPECT_DOUBLE_EQ(no.latitude.min, c.latitude.max);
  EXPECT_DOUBLE_EQ(s.latitude.max, c.latitude.min);
  EXPECT_EQ(e.latitude.min, c.latitude.min);
}

TEST(GeohashTest, StepEstimates) {
  EXPECT_EQ(EstimateStepsByRadius(0, 0), 26);
  EXPECT_EQ(EstimateStepsByRadius(1, 0), 24);
  EXPECT_EQ(EstimateStepsByRadius(1, 70), 23);
  EXPECT_EQ(EstimateStepsByRadius(1, -81), 22);
  EXPECT_EQ(EstimateStepsByRadius(100000, 0), 7);
  EXPECT_EQ(EstimateStepsByRadius(5e7, 0), 1);
}

TEST(GeohashTest, ShapesCoverTheirPoints) {
  Shape circle;
  circle.xy[0] = 15;
  circle.xy[1] = 37;
  circle.radius = 200;
  circle.conversion = 1000;
  double d;
  EXPECT_TRUE(WithinShape(circle, 15.087269, 37.502669, &d));
  EXPECT_LT(d, 200000);
  EXPECT_FALSE(WithinShape(circle, 20, 37, &d));
  Shape box = circle;
  box.type = Shape::kBox;
  box.width = 100;
  box.height = 400;
  EXPECT_TRUE(WithinShape(box, 15.2, 38.5, &d));
  EXPECT_FALSE(WithinShape(box, 15.7, 37, &d));
  // The centre cell and kept neighbours are valid cells at one step.
  CoverArea a = AreasByShape(circle);
  EXPECT_GE(a.hash.step, 1);
  EXPECT_LE(a.hash.step, 26);
  EXPECT_LE(a.area.longitude.min, 15);
  EXPECT_GE(a.area.longitude.max, 15);
}

}  // namespace
}  // namespace duet::geo
