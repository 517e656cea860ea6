#pragma once
// Probing element meshes from tests: does a segment cross an element's surface, how much volume does it enclose.

#include <optional>

#include <Eigen/Core>

#include "cim/model/element.h"

namespace cimtest {

/// Möller-Trumbore: the parameter t in [0, 1] where segment a-b crosses triangle (p, q, r), if it does.
std::optional<double> segmentTriangle(const Eigen::Vector3d& a, const Eigen::Vector3d& b, const Eigen::Vector3d& p,
                                      const Eigen::Vector3d& q, const Eigen::Vector3d& r);

/// True when segment a-b (world coordinates) crosses any triangle of the element.
bool segmentHits(const cim::model::Element& e, const Eigen::Vector3d& a, const Eigen::Vector3d& b);

/// Every undirected edge of the mesh (vertices welded by position to 0.1 mm) is used by exactly two triangles, and
/// no triangle is degenerate after welding.
bool isClosed(const cim::geometry::Mesh& m);

/// Signed volume by the divergence theorem, each mesh about its own origin (exact in map coordinates too).
double volumeOf(const cim::model::Element& e);

}  // namespace cimtest
