#pragma once
// Face bounds: loops of IfcPolyLoop points or of IfcOrientedEdge / IfcEdgeCurve edges (their curves cut at the edges'
// vertices), as points in metres.

#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include "io/ifc/context.h"

namespace cim::io::ifc {

/// Vertices and curve ends closer than this are one point, metres.
inline constexpr double kSamePoint = 1e-6;

/// Points of a face bound's loop (IfcPolyLoop, or IfcEdgeLoop whose edges are IfcEdgeCurves on IfcPolyline, IfcLine,
/// IfcCircle, IfcEllipse, IfcTrimmedCurve, IfcCompositeCurve, B-spline curves), in loop order, metres, the closing
/// point not repeated. Each edge is trimmed to its EdgeStart/EdgeEnd vertices and follows SameSense and the oriented
/// edge's Orientation. Empty, with a diagnostic naming the loop or edge, when the loop cannot be read.
std::vector<Eigen::Vector3d> loopPoints(Context& ctx, std::uint64_t loopId);

}  // namespace cim::io::ifc
