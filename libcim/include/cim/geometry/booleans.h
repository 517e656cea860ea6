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
  /// Closed and free of self-intersections by construction (an extrusion of a simple, well separated profile): the
  /// booleans skip their self-intersection test on it, which otherwise costs more than the boolean itself.
  bool validByConstruction = false;
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
  bool applied = false;           ///< the host is a box and at least one aligned box cutter cut it
  SolidMesh mesh;                 ///< when applied: the host minus those cutters (closed, outward, welded)
  std::size_t handled = 0;        ///< cutters dealt with here (aligned boxes, or missing the host entirely)
  std::vector<std::size_t> rest;  ///< indices of the cutters left for subtractAll (not boxes, or not aligned)
};

/// The commonest cuts without corefinement: box-shaped cutters whose edges are parallel to a box-shaped host's (a
/// straight wall's windows and doors, a beam's notches and recesses). When all of them pass right through along one
/// axis the result is a rectangle-minus-rectangles extruded through; otherwise the host is divided into a grid of
/// the cutters' coordinates. Exact (no coordinates beyond the boxes' own) and the same on every run. Cutters this
/// does not cover are listed in `rest`; when nothing is covered, `applied` is false.
ThroughCutResult subtractAlignedBoxes(const SolidMesh& host, const std::vector<SolidMesh>& cutters);

/// clipByPlane without CGAL: a closed surface (after welding identical vertices) is cut face by face, and the kept
/// edges lying in the plane chain into the section's loops, triangulated with their holes. Vertices and faces lying in
/// the plane are handled. nullopt when `a` is not closed or the section's loops touch themselves (clipByPlane, which
/// calls this first itself, then uses corefinement).
std::optional<BooleanResult> clipClosedByPlane(const SolidMesh& a, const Eigen::Vector3d& point, const Eigen::Vector3d& normal);

/// The half-space of points p with (p - point) . normal <= 0 (normal points out of it).
struct HalfSpace {
  Eigen::Vector3d point;
  Eigen::Vector3d normal;
};

/// `a` minus the convex region where every half-space holds, without CGAL (a wall clipped under a roof by an
/// IfcPolygonalBoundedHalfSpace: the boundary's prism sides and the roof plane). `a` must be closed after welding
/// identical vertices; the region's planes are cut one by one, the host's surface outside the region kept and the
/// region's surface inside the host added. The result is checked closed and its volume against the host's less the
/// removed part; nullopt when `a` is not closed, a section does not close simply or the check fails (the caller then
/// uses corefinement). An empty mesh when nothing is left.
std::optional<BooleanResult> subtractConvexRegion(const SolidMesh& a, const std::vector<HalfSpace>& region);

/// The pieces of `a` (identical vertices welded) joined along edges that exactly two triangles share: closed shells
/// that touch along an edge or at a point (an IfcFaceBasedSurfaceModel of a cabinet's boards) come apart, each a
/// closed volume of its own.
std::vector<SolidMesh> manifoldComponents(const SolidMesh& a);

/// Keeps the part of `a` on the side of the plane opposite to `normal` (the plane through `point`), closing the cut.
BooleanResult clipByPlane(const SolidMesh& a, const Eigen::Vector3d& point, const Eigen::Vector3d& normal);

/// Encloses a volume: closed after welding coincident vertices. Cheap enough to ask before a boolean.
bool isClosedVolume(const SolidMesh& m);

/// Signed volume enclosed by the triangles (positive for outward-facing closed meshes), cubic metres.
double signedVolume(const SolidMesh& m);

}  // namespace cim::geometry
