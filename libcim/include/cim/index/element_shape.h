#pragma once
// The exact shape the index measures for an element, as a union of convex parts (cim/geometry/convex.h):
//   pipe segment   a capsule per leg of the centreline (circular sections: round ends, exact along the body) or an
//                  oriented box per leg (rectangular sections: width horizontal, height vertical)
//   well           a vertical cylinder, or a box
//   pit, polygon   a prism: one convex polytope when the outline is convex, else its faces (triangles) with an inside
//   cavity         test
//   borehole       a vertical cylinder;  cavity (point) an ellipsoid;  corridor a capsule per leg;  sensor a point
//   any mesh       per closed convex shape one convex polytope, else its triangles (with an inside test when the
//   (BIM, terrain, mesh is closed; terrain and other open surfaces are surfaces only)
//   buildings)
// Distances are measured from these parts, not from the tessellations that are drawn.

#include <optional>
#include <vector>

#include <Eigen/Core>

#include "cim/geometry/convex.h"
#include "cim/model/element.h"

namespace cim::index {

struct ElementShape {
  std::vector<geometry::ConvexShape> parts;
  std::vector<geometry::Aabb> partBounds;  ///< one per part
  geometry::Aabb bounds;
  /// True when every part is a solid (capsules, boxes, cylinders, ellipsoids, convex polytopes): overlaps of parts are
  /// overlaps of the element. False when some parts are triangles of a surface.
  bool partsAreSolid = true;
  /// A polygon prism whose faces are the parts (non-convex pits and cavities): its inside counts.
  struct Prism {
    std::vector<std::vector<Eigen::Vector2d>> rings;
    double bottom = 0.0, top = 0.0;
  };
  std::optional<Prism> prism;
  /// Closed meshes whose triangles are parts (non-convex solids): their inside counts. Indices into `parts` of each
  /// closed surface's triangles.
  std::vector<std::vector<std::size_t>> closedSurfaces;
  /// True when the element came from its exact parametric shape (pipe, well, site feature), false for meshes.
  bool parametric = false;

  /// Whether p is inside one of the element's solids (for the surfaces-only parts: the prism or a closed mesh).
  bool contains(const Eigen::Vector3d& p) const;
  /// A point of the element (for containment tests of one element in another).
  Eigen::Vector3d anyPoint() const;
  /// The part vertices (points of the surface) for depth estimates.
  std::vector<Eigen::Vector3d> surfacePoints(std::size_t limit = 4096) const;
};

/// The exact shape of an element (see the header comment). An element without geometry gives no parts.
ElementShape elementShape(const model::Element& element);

/// The shape of a probe: a point, a polyline swept by a radius (0: the line itself), a vertical polygon prism.
ElementShape pointShape(const Eigen::Vector3d& p);
ElementShape polylineShape(const std::vector<Eigen::Vector3d>& polyline, double radiusMeters);
ElementShape prismShape(const std::vector<std::vector<Eigen::Vector2d>>& rings, double bottom, double top);

/// How two shapes stand to each other.
struct Separation {
  double distance = 0.0;  ///< 3D, between the surfaces; 0 when they touch or overlap
  Eigen::Vector3d onA = Eigen::Vector3d::Zero(), onB = Eigen::Vector3d::Zero();  ///< closest points
  /// In plan (the projections on the horizontal plane); 0 when the plans overlap (the shapes cross or stack).
  double horizontal = 0.0;
  /// When the plans overlap and the shapes do not: the vertical gap at the crossing; nullopt otherwise.
  std::optional<double> vertical;
};

/// The separation of two shapes. Parts farther apart than `cutoff` (3D, or in plan for the horizontal distance) are
/// not measured: a result above the cutoff only says "farther than the cutoff". `verticalGap`: also find the vertical
/// gap at crossings.
Separation separate(const ElementShape& a, const ElementShape& b, double cutoff = 1e300, bool verticalGap = true);

/// The penetration depth of two overlapping shapes: the deepest overlap of two of their solid parts (exact for
/// convex parts: the shortest translation that separates them), or, where a shape is a surface of triangles, the
/// deepest point of either surface inside the other solid. 0 when they only touch or are apart.
double penetrationDepth(const ElementShape& a, const ElementShape& b);

}  // namespace cim::index
