// The all-pairs broad phase of clash detection: CGAL's box_intersection_d (a streamed segment tree) over element
// boxes, instead of one index query per element. CGAL stays in this translation unit.
#include <algorithm>

#include <CGAL/Box_intersection_d/Box_with_info_d.h>
#include <CGAL/box_intersection_d.h>

#include "cim/index/clash.h"

namespace cim::index {

namespace {

using CgalBox = CGAL::Box_intersection_d::Box_with_info_d<double, 3, std::uint32_t, CGAL::Box_intersection_d::ID_EXPLICIT>;

std::vector<CgalBox> toCgal(const std::vector<std::pair<geometry::Aabb, std::uint32_t>>& boxes) {
  std::vector<CgalBox> out;
  out.reserve(boxes.size());
  for (const auto& [b, id] : boxes) {
    double lo[3] = {b.min.x(), b.min.y(), b.min.z()}, hi[3] = {b.max.x(), b.max.y(), b.max.z()};
    out.emplace_back(lo, hi, id);
  }
  return out;
}

}  // namespace

std::vector<std::pair<std::uint32_t, std::uint32_t>> boxPairs(
    const std::vector<std::pair<geometry::Aabb, std::uint32_t>>& a,
    const std::vector<std::pair<geometry::Aabb, std::uint32_t>>* b) {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
  auto boxesA = toCgal(a);
  // Closed boxes: boxes that only touch are candidates too (a wall standing on a slab).
  const auto topology = CGAL::Box_intersection_d::CLOSED;
  if (!b) {
    CGAL::box_self_intersection_d(
        boxesA.begin(), boxesA.end(),
        [&](const CgalBox& x, const CgalBox& y) {
          pairs.emplace_back(std::min(x.info(), y.info()), std::max(x.info(), y.info()));
        },
        std::ptrdiff_t(10), topology);
  } else {
    auto boxesB = toCgal(*b);
    CGAL::box_intersection_d(
        boxesA.begin(), boxesA.end(), boxesB.begin(), boxesB.end(),
        [&](const CgalBox& x, const CgalBox& y) {
          if (x.info() != y.info()) pairs.emplace_back(x.info(), y.info());
        },
        std::ptrdiff_t(10), topology);
  }
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  return pairs;
}

}  // namespace cim::index
