// GEO searches over a sorted set whose scores are 52-bit geohashes (geo.c's
// membersOfAllNeighbors / geoGetPointsInRange / geoAppendIfWithinShape).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "types/geohash.h"
#include "types/zset.h"

namespace duet::geo {

struct Point {
  double longitude = 0, latitude = 0;
  double dist = 0;  // meters from the shape's centre
  double score = 0;
  std::string member;
};

// Appends to *out the members inside `shape`, visiting the centre cell then north, south,
// east, west, north-east, north-west, south-east, south-west (skipping zeroed cells and a
// cell equal to the one processed before it), each cell's score range in sorted-set order.
// With `limit` > 0 (ANY) it stops once *out holds `limit` points.
void MembersInShape(const zset::ZSet& z, const Shape& shape, size_t limit, std::vector<Point>* out);

// Redis's sort of the results by distance: all of them with glibc's qsort (a merge sort: ties
// keep their order), or with `count` < size Redis's pqsort, which leaves the first `count`
// sorted and equally distant points in the order its partitioning leaves them.
void SortByDistance(std::vector<Point>* points, bool descending, size_t count);

}  // namespace duet::geo
