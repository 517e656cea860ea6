#pragma once
// Convex shapes in world coordinates and the exact measures between them: distance with the two closest points (3D
// and in plan), penetration depth, vertical gap. The clearance engine (cim/index) measures pipes, wells, pits,
// boreholes, corridors and BIM solids as unions of these parts, not through their tessellations.
//
// All lengths in metres, double precision, scene CRS axes (x east, y north, z up). "Exact" means to a relative
// tolerance of about 1e-9 of the shapes' size for polytopes, segments and capsules (closed forms or GJK, which ends
// on a polytope's vertices), and to 1e-7 m for the curved shapes (cylinders, ellipsoids), whose GJK iterations stop
// there.

#include <optional>
#include <variant>
#include <vector>

#include <Eigen/Core>

#include "cim/geometry/aabb.h"

namespace cim::geometry {

/// The segment a–b swept by a ball of `radius`: a point (a = b, radius 0), a ball, a segment, a round-ended pipe.
struct Capsule {
  Eigen::Vector3d a = Eigen::Vector3d::Zero(), b = Eigen::Vector3d::Zero();
  double radius = 0.0;
};

/// A box: centre, orthonormal axes (the columns of `axes`) and half extents along them.
struct OrientedBox {
  Eigen::Vector3d centre = Eigen::Vector3d::Zero();
  Eigen::Matrix3d axes = Eigen::Matrix3d::Identity();
  Eigen::Vector3d halfExtents = Eigen::Vector3d::Zero();
};

/// A vertical circular cylinder with flat ends (boreholes, round wells).
struct VerticalCylinder {
  Eigen::Vector2d axis = Eigen::Vector2d::Zero();
  double radius = 0.0, bottom = 0.0, top = 0.0;
};

/// An axis-aligned ellipsoid (cavities).
struct Ellipsoid {
  Eigen::Vector3d centre = Eigen::Vector3d::Zero();
  Eigen::Vector3d semiAxes = Eigen::Vector3d::Zero();
};

/// The convex hull of points: a convex prism, a convex mesh.
struct ConvexPolytope {
  std::vector<Eigen::Vector3d> vertices;
};

/// A triangle: a face of a mesh or of a non-convex prism.
struct Triangle {
  Eigen::Vector3d a = Eigen::Vector3d::Zero(), b = Eigen::Vector3d::Zero(), c = Eigen::Vector3d::Zero();
};

using ConvexShape = std::variant<Capsule, OrientedBox, VerticalCylinder, Ellipsoid, ConvexPolytope, Triangle>;

/// A point of the shape farthest along `direction` (any non-zero vector).
Eigen::Vector3d support(const ConvexShape& shape, const Eigen::Vector3d& direction);

/// The shape's axis-aligned bounds.
Aabb boundsOf(const ConvexShape& shape);

/// How two shapes stand to each other.
struct Proximity {
  double distance = 0.0;  ///< 0 when they touch or overlap
  Eigen::Vector3d onA = Eigen::Vector3d::Zero(), onB = Eigen::Vector3d::Zero();  ///< closest points (equal at 0)
};

/// The distance between two convex shapes and their closest points.
Proximity proximity(const ConvexShape& a, const ConvexShape& b);

/// The same between the shapes' projections on the horizontal plane (plan view): `distance` is horizontal; the
/// points are on the shapes (their heights those of the points whose projections are closest).
Proximity planProximity(const ConvexShape& a, const ConvexShape& b);

/// The penetration depth of two overlapping shapes: the length of the shortest translation that separates them
/// (0 when they are apart or only touch).
double penetrationDepth(const ConvexShape& a, const ConvexShape& b);

/// When the shapes' plan projections overlap and the shapes do not: the vertical gap between them, the shortest
/// vertical translation that brings them into contact (the clearance at a crossing). nullopt when the projections do
/// not overlap (there is no vertical gap) or the shapes overlap.
std::optional<double> verticalGap(const ConvexShape& a, const ConvexShape& b);

// Closed forms, also used by proximity().

/// Closest points of segments p0–p1 and q0–q1 (either may be a point).
Proximity segmentSegment(const Eigen::Vector3d& p0, const Eigen::Vector3d& p1, const Eigen::Vector3d& q0,
                         const Eigen::Vector3d& q1);

/// The closest point of triangle abc to p.
Eigen::Vector3d closestOnTriangle(const Eigen::Vector3d& p, const Eigen::Vector3d& a, const Eigen::Vector3d& b,
                                  const Eigen::Vector3d& c);

}  // namespace cim::geometry
