#pragma once
// IFC curves as polylines (metres), tessellated to the context's chord tolerance, and the polyline helpers profiles
// and faces are built with.

#include <cstdint>
#include <optional>
#include <vector>

#include <Eigen/Geometry>

#include "io/ifc/context.h"

namespace cim::io::ifc {

/// Points of a curve (IfcPolyline, IfcIndexedPolyCurve, IfcCompositeCurve, IfcTrimmedCurve, IfcCircle, IfcEllipse,
/// IfcLine within trims, IfcBSplineCurveWithKnots and its rational subtype; IFC4X3 IfcCurveSegment chains incl.
/// IfcGradientCurve, see alignment.h) in its own frame, metres; 2D curves have z = 0. Empty (with a diagnostic) when
/// unsupported.
std::vector<Eigen::Vector3d> curvePoints(Context& ctx, std::uint64_t curveId);

/// Points of a curve between its curve parameters t0 < t1 in the ISO 10303-42 parameterisation IFC uses: IfcPolyline
/// vertex i at i (linear between), IfcCircle/IfcEllipse the angle in the file's plane-angle unit, IfcTrimmedCurve on
/// a line or conic s = t - t1 from 0 at Trim1 (basis units: the line's parameter, the conic's angle). nullopt for
/// other curves, whose parameterisation is not evaluated.
std::optional<std::vector<Eigen::Vector3d>> curvePointsBetween(Context& ctx, std::uint64_t curveId, double t0,
                                                               double t1);

/// Rows of an IfcCartesianPointList2D/3D in metres (2D rows get z = 0). Every row keeps its slot, so 1-based indices
/// into the list stay valid; an empty list when the instance cannot be read.
std::vector<Eigen::Vector3d> pointList(Context& ctx, std::uint64_t listId);

/// Number of segments for an arc of `angle` radians and radius `radius` metres at the context's chord tolerance.
int arcSegments(const Context& ctx, double radius, double angle);

/// Points of an elliptic arc with semi-axes `a` along the frame's x and `b` along its y, from angle `start` through
/// `sweep` radians (negative: clockwise), both ends included, arcSegments(max(a, b), |sweep|) segments.
std::vector<Eigen::Vector3d> arcPoints(const Context& ctx, const Eigen::Affine3d& frame, double a, double b,
                                       double start, double sweep);

/// Appends `p` unless it repeats the last point (closer than 1e-9 m).
void appendUnique(std::vector<Eigen::Vector3d>& out, const Eigen::Vector3d& p);
/// appendUnique of every point of `pts`.
void appendAll(std::vector<Eigen::Vector3d>& out, const std::vector<Eigen::Vector3d>& pts);
/// Drops repeated closing points, so that a ring is given once around.
void dropClosingPoint(std::vector<Eigen::Vector3d>& ring);

}  // namespace cim::io::ifc
