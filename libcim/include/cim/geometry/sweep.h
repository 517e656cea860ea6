#pragma once
// Sweeps of circular and rectangular sections along 3D polylines: the meshes of pipes, ducts and wells.

#include <optional>
#include <span>

#include <Eigen/Core>

#include "cim/geometry/mesh.h"

namespace cim::geometry {

/// A cross-section swept along a path. Circle: `radius`. Rectangle: `width` (horizontal, perpendicular to the path)
/// × `height` (in the vertical plane through the path); for a vertical path the width runs along +X.
struct SweepSection {
  enum class Shape { Circle, Rectangle };
  Shape shape = Shape::Circle;
  double radius = 0.0;
  double width = 0.0, height = 0.0;
};

struct SweepOptions {
  /// Largest distance between the true circle and the facets (chord sagitta), metres.
  double chordToleranceMeters = 0.01;
  int minSegments = 8;    ///< fewest sides of a circle
  int maxSegments = 256;  ///< most sides of a circle
  /// Normals (pointing along the path's direction of travel) of the planes that cut the start and the end of the
  /// sweep, e.g. the bisector of a bend shared with the next pipe; default: perpendicular to the first/last leg.
  /// Ignored when the plane would be within 60° of the leg's direction.
  std::optional<Eigen::Vector3d> startPlaneNormal, endPlaneNormal;
};

/// Sides of the regular polygon inscribed in a circle of `radius` whose chords stay within `tolerance` of the
/// circle: the smallest n with radius·(1 − cos(π/n)) ≤ tolerance, clamped to [minSegments, maxSegments].
int circleSegments(double radius, double tolerance, int minSegments = 8, int maxSegments = 256);

/// A closed, outward-facing mesh of `section` swept along `path` (world coordinates): mitred at interior vertices
/// (bends sharper than 120° split the sweep into separately capped pieces), capped with planar ends. The mesh origin
/// is path[0]; normals are radial on circular sides, flat on rectangle sides and caps. Every vertex of a circle ring
/// lies exactly on the swept circle, so the facets deviate from it by at most the chord tolerance. Consecutive
/// points closer than 1 µm are merged; a path shorter than that gives an empty mesh.
Mesh sweep(std::span<const Eigen::Vector3d> path, const SweepSection& section, const SweepOptions& options = {});

}  // namespace cim::geometry
