#include "types/geo_search.h"

#include <algorithm>

namespace duet::geo {

namespace {

// geoGetPointsInRange: members with min <= score < max, in order.
void PointsInRange(const zset::ZSet& z, double min, double max, const Shape& shape, size_t limit,
                   std::vector<Point>* out) {
  zset::ScoreRange range{min, max, false, true};
  auto [lo, hi] = z.ScoreRangeRanks(range);
  if (lo >= hi) return;
  zset::ZSet::Cursor c = z.At(lo);
  for (size_t rank = lo; rank < hi && c.valid(); rank++, c.Next()) {
    double score = c.score();
    double xy[2];
    double distance = 0;
    if (!DecodeScore(score, xy)) continue;
    if (!WithinShape(shape, xy[0], xy[1], &distance)) continue;
    out->push_back(Point{xy[0], xy[1], distance, score, std::string(c.member())});
    if (limit && out->size() >= limit) break;
  }
}

}  // namespace

void MembersInShape(const zset::ZSet& z, const Shape& shape, size_t limit,
                    std::vector<Point>* out) {
  CoverArea area = AreasByShape(shape);
  const Neighbors& n = area.neighbors;
  const HashBits cells[9] = {area.hash,    n.north,      n.south,      n.east,      n.west,
                             n.north_east, n.north_west, n.south_east, n.south_west};
  size_t last_processed = 0;
  for (size_t i = 0; i < 9; i++) {
    if (cells[i].IsZero()) continue;
    // Huge radii make adjacent cells coincide; Redis skips a repeat of the previous cell
    // (never comparing with the centre: last_processed 0 means none yet).
    if (last_processed && cells[i].bits == cells[last_processed].bits &&
        cells[i].step == cells[last_processed].step) {
      continue;
    }
    if (!out->empty() && limit && out->size() >= limit) break;
    HashBits next = cells[i];
    next.bits++;
    PointsInRange(z, static_cast<double>(Align52Bits(cells[i])),
                  static_cast<double>(Align52Bits(next)), shape, limit, out);
    last_processed = i;
  }
}

void SortByDistance(std::vector<Point>* points, bool descending, size_t count) {
  auto less = [descending](const Point& a, const Point& b) {
    return descending ? a.dist > b.dist : a.dist < b.dist;
  };
  if (count >= points->size()) {
    std::stable_sort(points->begin(), points->end(), less);
  } else {
    std::partial_sort(points->begin(), points->begin() + static_cast<ptrdiff_t>(count),
                      points->end(), less);
  }
}

}  // namespace duet::geo
