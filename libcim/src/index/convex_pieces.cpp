// The one translation unit that instantiates CGAL's polygon partition (see index/convex_pieces.h).
#include "index/convex_pieces.h"

#include <iterator>
#include <list>

#include <CGAL/Exact_predicates_inexact_constructions_kernel.h>
#include <CGAL/Partition_traits_2.h>
#include <CGAL/Polygon_2.h>
#include <CGAL/partition_2.h>

namespace cim::index {

namespace {

using Kernel = CGAL::Exact_predicates_inexact_constructions_kernel;
using Traits = CGAL::Partition_traits_2<Kernel>;
using Polygon = Traits::Polygon_2;

constexpr std::size_t kOptimalUpTo = 24;  // optimal_convex_partition_2 is O(n^4)

}  // namespace

std::vector<std::vector<Eigen::Vector2d>> convexPieces(const std::vector<Eigen::Vector2d>& ring) {
  std::vector<std::vector<Eigen::Vector2d>> out;
  if (ring.size() < 3) return out;
  Polygon polygon;
  for (const auto& p : ring) polygon.push_back(Traits::Point_2(p.x(), p.y()));
  if (!polygon.is_simple() || polygon.orientation() != CGAL::COUNTERCLOCKWISE) return out;
  std::list<Polygon> pieces;
  if (ring.size() <= kOptimalUpTo)
    CGAL::optimal_convex_partition_2(polygon.vertices_begin(), polygon.vertices_end(), std::back_inserter(pieces), Traits());
  else
    CGAL::approx_convex_partition_2(polygon.vertices_begin(), polygon.vertices_end(), std::back_inserter(pieces), Traits());
  for (const auto& piece : pieces) {
    std::vector<Eigen::Vector2d> v;
    for (auto it = piece.vertices_begin(); it != piece.vertices_end(); ++it) v.emplace_back(it->x(), it->y());
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace cim::index
