// Geohash math of Redis 7.0's GEO commands (geohash.c, geohash_helper.c), bit for bit.
//
// A position is stored as a sorted-set score: the 52-bit interleaving of 26-bit latitude and
// longitude cells (latitude in the even bits) over Redis's ranges, longitude [-180, 180] and
// latitude [-85.05112878, 85.05112878] (the Web Mercator limits). Decoding gives the centre
// of the cell. Searches cover the query shape with the cell of the centre at an estimated
// step plus its 8 neighbours, then filter by haversine distance on a sphere of radius
// 6372797.560856 m. Every floating-point expression follows Redis's order of operations so
// coordinates and distances print identically.
#pragma once

#include <cstdint>

namespace duet::geo {

inline constexpr int kStepMax = 26;  // 52 bits
inline constexpr double kLatMin = -85.05112878;
inline constexpr double kLatMax = 85.05112878;
inline constexpr double kLongMin = -180;
inline constexpr double kLongMax = 180;
inline constexpr double kEarthRadiusMeters = 6372797.560856;

struct HashBits {
  uint64_t bits = 0;
  uint8_t step = 0;
  bool IsZero() const { return bits == 0 && step == 0; }
};
struct Range {
  double min = 0, max = 0;
};
struct Area {
  HashBits hash;
  Range longitude, latitude;
};
struct Neighbors {
  HashBits north, east, west, south, north_east, south_east, north_west, south_west;
};

// geohashEncode over the given ranges; false for a step outside 1..32 or coordinates outside
// Redis's limits or the ranges.
bool Encode(const Range& long_range, const Range& lat_range, double longitude, double latitude,
            uint8_t step, HashBits* hash);
// Encode over Redis's (WGS84/Mercator) ranges.
bool EncodeWgs84(double longitude, double latitude, uint8_t step, HashBits* hash);
bool Decode(const Range& long_range, const Range& lat_range, const HashBits& hash, Area* area);
// The cell centre of a 52-bit score (decodeGeohash): xy[0] longitude, xy[1] latitude,
// clamped to the limits. The score is converted to uint64 as C does (x86-64 semantics for
// out-of-range values).
bool DecodeScore(double score, double* xy);
void NeighborsOf(const HashBits& hash, Neighbors* n);
// The hash shifted to 52 bits (the score of the cell's first point).
uint64_t Align52Bits(const HashBits& hash);
// The 52-bit score of a position (GEOADD).
uint64_t ScoreOf(double longitude, double latitude);

// Haversine distance in meters (geohashGetDistance).
double Distance(double lon1, double lat1, double lon2, double lat2);
// The standard 11-character base32 geohash of a stored score (GEOHASH), re-encoded over
// latitude [-90, 90]; writes 11 bytes.
void StandardGeohash(double score, char* out);

// A query shape: a circle of `radius` or a `width` x `height` box, in units of `conversion`
// meters, centred at xy.
struct Shape {
  enum Type { kCircle, kBox } type = kCircle;
  double xy[2] = {0, 0};
  double conversion = 1;
  double radius = 0;
  double width = 0, height = 0;
};

// The centre cell and the neighbours that cover `shape` (geohashCalculateAreasByShapeWGS84);
// unneeded neighbours are zeroed.
struct CoverArea {
  HashBits hash;
  Neighbors neighbors;
  Area area;
};
CoverArea AreasByShape(const Shape& shape);
uint8_t EstimateStepsByRadius(double range_meters, double lat);
// Whether the point (lon, lat) is inside the shape; *distance receives its distance (meters)
// from the centre (geoAppendIfWithinShape's test).
bool WithinShape(const Shape& shape, double lon, double lat, double* distance);

}  // namespace duet::geo
