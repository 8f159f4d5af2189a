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

// Redis's pqsort.c: Bentley and McIlroy's quicksort (three-way partition around a median of
// three, or of nine above 40 elements; insertion sort below 7) that only descends into the
// parts overlapping elements [lrange, rrange] of `base`. Which of equally distant points a COUNT
// keeps depends on its exact steps, so they are reproduced one for one (element indices where Redis
// compares byte addresses).
template <typename Cmp>
Point* Med3(Point* a, Point* b, Point* c, const Cmp& cmp) {
  return cmp(*a, *b) < 0 ? (cmp(*b, *c) < 0 ? b : (cmp(*a, *c) < 0 ? c : a))
                         : (cmp(*b, *c) > 0 ? b : (cmp(*a, *c) < 0 ? a : c));
}

inline void VecSwap(Point* a, Point* b, ptrdiff_t n) {
  for (ptrdiff_t i = 0; i < n; i++) std::swap(a[i], b[i]);
}

template <typename Cmp>
void PartialQuickSort(Point* const base, Point* a, size_t n, const Cmp& cmp, size_t lrange,
                      size_t rrange) {
  // Whether elements [first, first + len) overlap [lrange, rrange] (indices from `base`).
  auto overlaps = [&](Point* first, ptrdiff_t len) {
    auto l = static_cast<size_t>(first - base);
    size_t r = l + static_cast<size_t>(len) - 1;
    return !((lrange < l && rrange < l) || (lrange > r && rrange > r));
  };
  for (;;) {
    if (n < 7) {
      for (Point* pm = a + 1; pm < a + n; pm++) {
        for (Point* pl = pm; pl > a && cmp(*(pl - 1), *pl) > 0; pl--) std::swap(*pl, *(pl - 1));
      }
      return;
    }
    Point* pm = a + n / 2;
    if (n > 7) {
      Point* pl = a;
      Point* pn = a + n - 1;
      if (n > 40) {
        size_t d = n / 8;
        pl = Med3(pl, pl + d, pl + 2 * d, cmp);
        pm = Med3(pm - d, pm, pm + d, cmp);
        pn = Med3(pn - 2 * d, pn - d, pn, cmp);
      }
      pm = Med3(pl, pm, pn, cmp);
    }
    std::swap(*a, *pm);
    Point* pa = a + 1;
    Point* pb = a + 1;
    Point* pc = a + n - 1;
    Point* pd = a + n - 1;
    for (;;) {
      int c;
      while (pb <= pc && (c = cmp(*pb, *a)) <= 0) {
        if (c == 0) std::swap(*pa++, *pb);
        pb++;
      }
      while (pb <= pc && (c = cmp(*pc, *a)) >= 0) {
        if (c == 0) std::swap(*pc, *pd--);
        pc--;
      }
      if (pb > pc) break;
      std::swap(*pb++, *pc--);
    }
    Point* pn = a + n;
    ptrdiff_t r = std::min(pa - a, pb - pa);
    VecSwap(a, pb - r, r);
    r = std::min(pd - pc, pn - pd - 1);
    VecSwap(pb, pn - r, r);
    if ((r = pb - pa) > 1 && overlaps(a, r)) {
      PartialQuickSort(base, a, static_cast<size_t>(r), cmp, lrange, rrange);
    }
    if ((r = pd - pc) <= 1) return;
    // Iterate rather than recurse on the right part, as Redis does.
    a = pn - r;
    n = static_cast<size_t>(r);
    if (!overlaps(a, r)) return;
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
  // sort_gp_asc / sort_gp_desc: 0 for equal distances (the tie order is the sort's).
  auto cmp = [descending](const Point& a, const Point& b) {
    int c = a.dist > b.dist ? 1 : (a.dist == b.dist ? 0 : -1);
    return descending ? -c : c;
  };
  if (count >= points->size()) {
    std::stable_sort(points->begin(), points->end(),
                     [&](const Point& a, const Point& b) { return cmp(a, b) < 0; });
  } else if (count > 0) {
    PartialQuickSort(points->data(), points->data(), points->size(), cmp, 0, count - 1);
  }
}

}  // namespace duet::geo
