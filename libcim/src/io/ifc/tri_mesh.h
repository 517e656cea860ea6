#pragma once
// What shapes are made of: TriMesh (triangles in double precision, metres, in the frame of the item that made them),
// the building blocks every shape family uses (planar faces, quads, lofts), and the counters of shape work.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Geometry>

#include "cim/model/element.h"

namespace cim::io::ifc {

struct TriMesh {
  std::vector<Eigen::Vector3d> positions;
  std::vector<std::array<std::uint32_t, 3>> triangles;
  std::optional<model::Color> color;  ///< from an IfcStyledItem on the item, when there is one
  /// Closed and free of self-intersections by construction (geometry::SolidMesh::validByConstruction); kept by
  /// transformed(), lost by append().
  bool validByConstruction = false;

  /// Appends `other` mapped by `transform`; triangles are turned over when `transform` mirrors, so they keep facing out.
  void append(const TriMesh& other, const Eigen::Affine3d& transform);
  bool empty() const { return triangles.empty(); }
};

/// `m` mapped by `t` (colour kept).
TriMesh transformed(const TriMesh& m, const Eigen::Affine3d& t);

/// Counters of the shape work done while reading a file (summed over products).
struct ShapeStats {
  std::size_t booleansEvaluated = 0;
  std::size_t booleanOperandsKept = 0;  ///< booleans that could not be evaluated (first operand kept)
  std::size_t openingsBoxCut = 0;       ///< opening bodies cut exactly (aligned boxes, convex bodies) rather than by corefinement
  std::size_t openingsCorefined = 0;    ///< opening bodies left to corefinement (not convex, or the exact cut failed its check)
  /// The product being mapped, as diagnostics name it (class, name, GlobalId); not summed, set per product.
  std::string product;
};

using Ring = std::vector<Eigen::Vector3d>;

/// Adds a planar polygon (outer ring + holes, 3D) to the mesh, triangulated, counter-clockwise about its Newell normal
/// as the outer ring runs; `flip` reverses the winding. Degenerate polygons add nothing.
void addFace(TriMesh& m, const std::vector<Ring>& rings, bool flip = false);

/// A quad a-b-c-d as two triangles (a-b-c, a-c-d; reversed when `flip`).
void addQuad(TriMesh& m, const Eigen::Vector3d& a, const Eigen::Vector3d& b, const Eigen::Vector3d& c,
             const Eigen::Vector3d& d, bool flip);

/// Lofts closed rings given at successive sections (each a ring of the same point count, in 3D): side walls between
/// consecutive rings, caps at the first and last when `caps`. Rings that run counter-clockwise about the direction of
/// travel give outward-facing walls.
void loftRings(TriMesh& m, const std::vector<Ring>& rings, bool caps);

/// Signed area of a ring in its XY plane (positive counter-clockwise), square metres.
double signedArea(const Ring& ring);

}  // namespace cim::io::ifc
