#pragma once
// Convex pieces of a simple polygon (private to the index): CGAL's convex partition, in its own translation unit.
// The pieces' vertices are the polygon's own points (no new coordinates), so a prism over each piece is exact.

#include <vector>

#include <Eigen/Core>

namespace cim::index {

/// The convex pieces of a simple polygon (counter-clockwise, not closed), each counter-clockwise: the fewest pieces
/// (CGAL::optimal_convex_partition_2) up to 24 vertices, else at most four times as many (Hertel–Mehlhorn,
/// CGAL::approx_convex_partition_2). Empty when the ring is not a simple counter-clockwise polygon.
std::vector<std::vector<Eigen::Vector2d>> convexPieces(const std::vector<Eigen::Vector2d>& ring);

}  // namespace cim::index
