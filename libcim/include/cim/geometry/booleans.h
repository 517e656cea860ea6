#pragma once
// Boolean operations on closed triangle meshes (CGAL corefinement, in one translation unit).

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Core>

namespace cim::geometry {

/// A triangle soup or mesh in double precision (metres). Vertices may be repeated; operations weld them first.
struct SolidMesh {
  std::vector<Eigen::Vector3d> positions;
  std::vector<std::array<std::uint32_t, 3>> triangles;
};

enum class BooleanOp { Difference, Union, Intersection };

struct BooleanResult {
  bool ok = false;
  std::string error;  ///< why the operation could not be done (inputs not closed, self-intersecting...)
  SolidMesh mesh;     ///< the result when ok; empty when the result is empty (e.g. fully cut away)
};

/// a OP b. Both must bound volumes (closed, after welding coincident vertices and orienting outward); when one does
/// not, the result is not ok and the caller keeps `a`.
BooleanResult booleanOperation(const SolidMesh& a, const SolidMesh& b, BooleanOp op);

/// Subtracts every cutter from `a` in turn, keeping the exact intermediate surface between operations. Cutters that
/// do not bound a volume or cannot be subtracted are skipped and counted in `skipped` (with the last reason in
/// `error`); the result is ok when `a` itself bounds a volume.
BooleanResult subtractAll(const SolidMesh& a, const std::vector<SolidMesh>& cutters, std::size_t& skipped);

struct ThroughCutResult {
  bool applied = false;           ///< the host is a box and at least one cutter passed right through it
  SolidMesh mesh;                 ///< when applied: the host minus those cutters (closed, outward, welded)
  std::size_t handled = 0;        ///< cutters dealt with here (through the host, or missing it entirely)
  std::vector<std::size_t> rest;  ///< indices of the cutters left for subtractAll (not boxes, not aligned, not through)
};

/// The commonest opening without corefinement: box-shaped cutters that pass right through a box-shaped host (a
/// straight wall) along one of its axes. Exact (no new vertices beyond the boxes' own coordinates) and the same on
/// every run. Cutters this does not cover are listed in `rest`; when nothing is covered, `applied` is false.
ThroughCutResult subtractThroughBoxes(const SolidMesh& host, const std::vector<SolidMesh>& cutters);

/// clipByPlane for a convex closed mesh (a box, an extruded convex profile), exactly and without CGAL: faces are cut at
/// the plane and the section is closed by a fan. nullopt when `a` is not a closed convex surface (clipByPlane then
/// does the general case, and calls this first itself).
std::optional<BooleanResult> clipConvexByPlane(const SolidMesh& a, const Eigen::Vector3d& point, const Eigen::Vector3d& normal);

/// Keeps the part of `a` on the side of the plane opposite to `normal` (the plane through `point`), closing the cut.
BooleanResult clipByPlane(const SolidMesh& a, const Eigen::Vector3d& point, const Eigen::Vector3d& normal);

/// Encloses a volume: closed after welding coincident vertices. Cheap enough to ask before a boolean.
bool isClosedVolume(const SolidMesh& m);

/// Signed volume enclosed by the triangles (positive for outward-facing closed meshes), cubic metres.
double signedVolume(const SolidMesh& m);

}  // namespace cim::geometry
