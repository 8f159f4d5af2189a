#include "types/geohash.h"

#include <cmath>

namespace duet::geo {

namespace {

constexpr double kDegToRad = M_PI / 180.0;
constexpr double kMercatorMax = 20037726.37;

inline double DegRad(double ang) { return ang * kDegToRad; }
inline double RadDeg(double ang) { return ang / kDegToRad; }

inline bool RangeIsZero(const Range& r) { return r.max == 0 && r.min == 0; }

uint64_t Interleave64(uint32_t xlo, uint32_t ylo) {
  static const uint64_t B[] = {0x5555555555555555ULL, 0x3333333333333333ULL, 0x0F0F0F0F0F0F0F0FULL,
                               0x00FF00FF00FF00FFULL, 0x0000FFFF0000FFFFULL};
  static const unsigned S[] = {1, 2, 4, 8, 16};
  uint64_t x = xlo;
  uint64_t y = ylo;
  for (int i = 4; i >= 0; i--) {
    x = (x | (x << S[i])) & B[i];
    y = (y | (y << S[i])) & B[i];
  }
  return x | (y << 1);
}

uint64_t Deinterleave64(uint64_t interleaved) {
  static const uint64_t B[] = {0x5555555555555555ULL, 0x3333333333333333ULL, 0x0F0F0F0F0F0F0F0FULL,
                               0x00FF00FF00FF00FFULL, 0x0000FFFF0000FFFFULL, 0x00000000FFFFFFFFULL};
  static const unsigned S[] = {0, 1, 2, 4, 8, 16};
  uint64_t x = interleaved;
  uint64_t y = interleaved >> 1;
  for (int i = 0; i < 6; i++) {
    x = (x | (x >> S[i])) & B[i];
    y = (y | (y >> S[i])) & B[i];
  }
  return x | (y << 32);
}

// x86-64's cvttsd2si: out of range and NaN give INT64_MIN.
int64_t TruncToInt64(double x) {
  if (std::isnan(x) || x >= 9223372036854775808.0 || x < -9223372036854775808.0) {
    return INT64_MIN;
  }
  return static_cast<int64_t>(x);
}

// What gcc's (uint64_t)double compiles to on x86-64, defined for every input, so scores
// that are not geohashes (ZADD -1, 1e300) decode as in Redis.
uint64_t DoubleToUint64(double x) {
  if (x < 9223372036854775808.0) return static_cast<uint64_t>(TruncToInt64(x));
  return static_cast<uint64_t>(TruncToInt64(x - 9223372036854775808.0)) ^ (uint64_t{1} << 63);
}

// Moves one cell along one half of the interleaved bits: `mine` selects it (the odd bits,
// 0xaaaa..., for longitude; the even ones for latitude). The other half's bits are filled
// with ones so the carry or borrow crosses them (geohash_move_x / geohash_move_y).
void Move(HashBits* hash, int d, uint64_t mine) {
  if (d == 0) return;
  uint64_t x = hash->bits & mine;
  uint64_t y = hash->bits & ~mine;
  uint64_t zz = ~mine >> (64 - hash->step * 2);
  if (d > 0) {
    x = x + (zz + 1);
  } else {
    x = x | zz;
    x = x - (zz + 1);
  }
  x &= (mine >> (64 - hash->step * 2));
  hash->bits = x | y;
}
void MoveX(HashBits* hash, int d) { Move(hash, d, 0xaaaaaaaaaaaaaaaaULL); }
void MoveY(HashBits* hash, int d) { Move(hash, d, 0x5555555555555555ULL); }

constexpr Range kLongRange{kLongMin, kLongMax};
constexpr Range kLatRange{kLatMin, kLatMax};

// geohashBoundingBox: [min lon, min lat, max lon, max lat] of the shape, the longitude span
// taken at the edge farther from the equator.
void BoundingBox(const Shape& shape, double* bounds) {
  double longitude = shape.xy[0];
  double latitude = shape.xy[1];
  double height =
      shape.conversion * (shape.type == Shape::kCircle ? shape.radius : shape.height / 2);
  double width = shape.conversion * (shape.type == Shape::kCircle ? shape.radius : shape.width / 2);
  const double lat_delta = RadDeg(height / kEarthRadiusMeters);
  const double long_delta_top =
      RadDeg(width / kEarthRadiusMeters / std::cos(DegRad(latitude + lat_delta)));
  const double long_delta_bottom =
      RadDeg(width / kEarthRadiusMeters / std::cos(DegRad(latitude - lat_delta)));
  bool southern = latitude < 0;
  bounds[0] = southern ? longitude - long_delta_bottom : longitude - long_delta_top;
  bounds[2] = southern ? longitude + long_delta_bottom : longitude + long_delta_top;
  bounds[1] = latitude - lat_delta;
  bounds[3] = latitude + lat_delta;
}

}  // namespace

bool Encode(const Range& long_range, const Range& lat_range, double longitude, double latitude,
            uint8_t step, HashBits* hash) {
  if (hash == nullptr || step > 32 || step == 0 || RangeIsZero(lat_range) ||
      RangeIsZero(long_range)) {
    return false;
  }
  if (longitude > 180 || longitude < -180 || latitude > 85.05112878 || latitude < -85.05112878) {
    return false;
  }
  hash->bits = 0;
  hash->step = step;
  if (latitude < lat_range.min || latitude > lat_range.max || longitude < long_range.min ||
      longitude > long_range.max) {
    return false;
  }
  double lat_offset = (latitude - lat_range.min) / (lat_range.max - lat_range.min);
  double long_offset = (longitude - long_range.min) / (long_range.max - long_range.min);
  lat_offset *= static_cast<double>(1ULL << step);
  long_offset *= static_cast<double>(1ULL << step);
  hash->bits = Interleave64(static_cast<uint32_t>(lat_offset), static_cast<uint32_t>(long_offset));
  return true;
}

bool EncodeWgs84(double longitude, double latitude, uint8_t step, HashBits* hash) {
  return Encode(kLongRange, kLatRange, longitude, latitude, step, hash);
}

bool Decode(const Range& long_range, const Range& lat_range, const HashBits& hash, Area* area) {
  if (hash.IsZero() || area == nullptr || RangeIsZero(lat_range) || RangeIsZero(long_range)) {
    return false;
  }
  area->hash = hash;
  uint8_t step = hash.step;
  uint64_t hash_sep = Deinterleave64(hash.bits);
  double lat_scale = lat_range.max - lat_range.min;
  double long_scale = long_range.max - long_range.min;
  uint32_t ilato = static_cast<uint32_t>(hash_sep);
  uint32_t ilono = static_cast<uint32_t>(hash_sep >> 32);
  double div = static_cast<double>(1ULL << step);
  area->latitude.min = lat_range.min + (ilato * 1.0 / div) * lat_scale;
  area->latitude.max = lat_range.min + ((ilato + 1) * 1.0 / div) * lat_scale;
  area->longitude.min = long_range.min + (ilono * 1.0 / div) * long_scale;
  area->longitude.max = long_range.min + ((ilono + 1) * 1.0 / div) * long_scale;
  return true;
}

bool DecodeScore(double score, double* xy) {
  HashBits hash{DoubleToUint64(score), kStepMax};
  Area area;
  if (!Decode(kLongRange, kLatRange, hash, &area)) return false;
  xy[0] = (area.longitude.min + area.longitude.max) / 2;
  if (xy[0] > kLongMax) xy[0] = kLongMax;
  if (xy[0] < kLongMin) xy[0] = kLongMin;
  xy[1] = (area.latitude.min + area.latitude.max) / 2;
  if (xy[1] > kLatMax) xy[1] = kLatMax;
  if (xy[1] < kLatMin) xy[1] = kLatMin;
  return true;
}

void NeighborsOf(const HashBits& hash, Neighbors* n) {
  n->east = n->west = n->north = n->south = hash;
  n->south_east = n->south_west = n->north_east = n->north_west = hash;
  MoveX(&n->east, 1);
  MoveX(&n->west, -1);
  MoveY(&n->south, -1);
  MoveY(&n->north, 1);
  MoveX(&n->north_west, -1);
  MoveY(&n->north_west, 1);
  MoveX(&n->south_west, -1);
  MoveY(&n->south_west, -1);
  MoveX(&n->north_east, 1);
  MoveY(&n->north_east, 1);
  MoveX(&n->south_east, 1);
  MoveY(&n->south_east, -1);
}

uint64_t Align52Bits(const HashBits& hash) { return hash.bits << (52 - hash.step * 2); }

uint64_t ScoreOf(double longitude, double latitude) {
  HashBits hash;
  EncodeWgs84(longitude, latitude, kStepMax, &hash);
  return Align52Bits(hash);
}

double Distance(double lon1d, double lat1d, double lon2d, double lat2d) {
  double lon1r = DegRad(lon1d);
  double lon2r = DegRad(lon2d);
  double v = std::sin((lon2r - lon1r) / 2);
  // Redis 7.0.15's shortcut for equal longitudes (geohashGetLatDistance): the haversine
  // reduces to the latitude difference, which rounds differently in the last bit (STOREDIST
  // stores the full double). Only an exact 0, not a tiny v, takes it.
  if (v == 0.0) return kEarthRadiusMeters * std::fabs(DegRad(lat2d) - DegRad(lat1d));
  double lat1r = DegRad(lat1d);
  double lat2r = DegRad(lat2d);
  double u = std::sin((lat2r - lat1r) / 2);
  return 2.0 * kEarthRadiusMeters *
         std::asin(std::sqrt(u * u + std::cos(lat1r) * std::cos(lat2r) * v * v));
}

void StandardGeohash(double score, char* out) {
  static const char* alphabet = "0123456789bcdefghjkmnpqrstuvwxyz";
  double xy[2];
  DecodeScore(score, xy);
  HashBits hash;
  Encode(Range{-180, 180}, Range{-90, 90}, xy[0], xy[1], 26, &hash);
  for (int i = 0; i < 11; i++) {
    // 52 bits make 10 characters; the 11th is always '0', as Redis outputs.
    int idx = i == 10 ? 0 : static_cast<int>((hash.bits >> (52 - ((i + 1) * 5))) & 0x1f);
    out[i] = alphabet[idx];
  }
}

uint8_t EstimateStepsByRadius(double range_meters, double lat) {
  if (range_meters == 0) return 26;
  int step = 1;
  while (range_meters < kMercatorMax) {
    range_meters *= 2;
    step++;
  }
  step -= 2;  // the range is then included in most base cases
  // Cells are narrower towards the poles.
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > 26) step = 26;
  return static_cast<uint8_t>(step);
}

CoverArea AreasByShape(const Shape& shape) {
  double bounds[4];
  BoundingBox(shape, bounds);
  double min_lon = bounds[0], min_lat = bounds[1], max_lon = bounds[2], max_lat = bounds[3];
  double longitude = shape.xy[0];
  double latitude = shape.xy[1];
  // A box is covered as the circle through its corners.
  double radius_meters = shape.type == Shape::kCircle
                             ? shape.radius
                             : std::sqrt((shape.width / 2) * (shape.width / 2) +
                                         (shape.height / 2) * (shape.height / 2));
  radius_meters *= shape.conversion;

  int steps = EstimateStepsByRadius(radius_meters, latitude);
  CoverArea r;
  EncodeWgs84(longitude, latitude, static_cast<uint8_t>(steps), &r.hash);
  NeighborsOf(r.hash, &r.neighbors);
  Decode(kLongRange, kLatRange, r.hash, &r.area);

  // Near a cell edge the estimated step may be too fine for a neighbour to reach the bounds.
  bool decrease_step = false;
  {
    Area north, south, east, west;
    Decode(kLongRange, kLatRange, r.neighbors.north, &north);
    Decode(kLongRange, kLatRange, r.neighbors.south, &south);
    Decode(kLongRange, kLatRange, r.neighbors.east, &east);
    Decode(kLongRange, kLatRange, r.neighbors.west, &west);
    if (north.latitude.max < max_lat) decrease_step = true;
    if (south.latitude.min > min_lat) decrease_step = true;
    if (east.longitude.max < max_lon) decrease_step = true;
    if (west.longitude.min > min_lon) decrease_step = true;
  }
  if (steps > 1 && decrease_step) {
    steps--;
    EncodeWgs84(longitude, latitude, static_cast<uint8_t>(steps), &r.hash);
    NeighborsOf(r.hash, &r.neighbors);
    Decode(kLongRange, kLatRange, r.hash, &r.area);
  }

  // Drop the neighbours the bounds do not reach.
  if (steps >= 2) {
    Neighbors& n = r.neighbors;
    if (r.area.latitude.min < min_lat) n.south = n.south_west = n.south_east = HashBits{};
    if (r.area.latitude.max > max_lat) n.north = n.north_east = n.north_west = HashBits{};
    if (r.area.longitude.min < min_lon) n.west = n.south_west = n.north_west = HashBits{};
    if (r.area.longitude.max > max_lon) n.east = n.south_east = n.north_east = HashBits{};
  }
  return r;
}

bool WithinShape(const Shape& shape, double lon, double lat, double* distance) {
  if (shape.type == Shape::kCircle) {
    *distance = Distance(shape.xy[0], shape.xy[1], lon, lat);
    return *distance <= shape.radius * shape.conversion;
  }
  double width_m = shape.width * shape.conversion;
  double height_m = shape.height * shape.conversion;
  double lon_distance = Distance(lon, lat, shape.xy[0], lat);
  double lat_distance = Distance(lon, lat, lon, shape.xy[1]);
  if (lon_distance > width_m / 2 || lat_distance > height_m / 2) return false;
  *distance = Distance(shape.xy[0], shape.xy[1], lon, lat);
  return true;
}

}  // namespace duet::geo
