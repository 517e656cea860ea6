#pragma once
// Axis-aligned bounding box in double precision (scene CRS units, metres).

#include <limits>

#include <Eigen/Core>

namespace cim::geometry {

struct Aabb {
  Eigen::Vector3d min{std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity(),
                      std::numeric_limits<double>::infinity()};
  Eigen::Vector3d max{-std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                      -std::numeric_limits<double>::infinity()};

  /// True until a point has been added.
  bool empty() const { return !(min.x() <= max.x() && min.y() <= max.y() && min.z() <= max.z()); }
  void extend(const Eigen::Vector3d& p) {
    min = min.cwiseMin(p);
    max = max.cwiseMax(p);
  }
  void extend(const Aabb& other) {
    if (other.empty()) return;
    extend(other.min);
    extend(other.max);
  }
  Eigen::Vector3d center() const { return (min + max) * 0.5; }
  Eigen::Vector3d size() const { return empty() ? Eigen::Vector3d::Zero() : Eigen::Vector3d(max - min); }
  bool contains(const Eigen::Vector3d& p, double tolerance = 0.0) const {
    return (p.array() >= min.array() - tolerance).all() && (p.array() <= max.array() + tolerance).all();
  }
};

}  // namespace cim::geometry
