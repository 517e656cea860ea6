#pragma once
// Planar polygons with holes: triangulation (CGAL constrained Delaunay, in one translation unit), point inside.

#include <array>
#include <cstdint>
#include <vector>

#include <Eigen/Core>

namespace cim::geometry {

/// Triangulates a polygon given as rings: rings[0] the outer boundary, the others holes (any orientation; nesting
/// decides what is inside, so islands inside holes are filled again). Returns triangles as indices into the rings'
/// vertices numbered consecutively (ring 0 first), counter-clockwise. Self-intersecting input is triangulated with
/// the crossing points inserted; those triangles refer to no input vertex and are dropped, so such a polygon comes back
/// with gaps rather than garbage. Rings with fewer than 3 distinct points are ignored.
std::vector<std::array<std::uint32_t, 3>> triangulatePolygon(const std::vector<std::vector<Eigen::Vector2d>>& rings);

/// Same for rings of 3D points lying (roughly) in one plane: projects them onto the plane of the outer ring's Newell
/// normal. Triangles keep the outer ring's orientation. Returns an empty list for degenerate (zero-area) outer rings.
std::vector<std::array<std::uint32_t, 3>> triangulatePlanarPolygon(const std::vector<std::vector<Eigen::Vector3d>>& rings);

/// Even-odd point-in-polygon over all rings (holes included): true when `p` lies inside the polygon the rings bound.
bool insideRings(const std::vector<std::vector<Eigen::Vector2d>>& rings, const Eigen::Vector2d& p);

/// Signed area of a plan ring (positive counter-clockwise), shoelace formula.
double signedArea(const std::vector<Eigen::Vector2d>& ring);

/// Newell's normal of a closed ring (not normalised: its length is twice the ring's area).
Eigen::Vector3d newellNormal(const std::vector<Eigen::Vector3d>& ring);

}  // namespace cim::geometry
