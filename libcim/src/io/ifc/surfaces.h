#pragma once
// Faces on curved surfaces (IfcAdvancedFace, IfcFaceSurface) and edge loops (IfcEdgeLoop of IfcOrientedEdge), as
// triangles in the item's frame, metres.

#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include "io/ifc/context.h"
#include "io/ifc/tri_mesh.h"

namespace cim::io::ifc {

/// Points of a face bound's loop (IfcPolyLoop, or IfcEdgeLoop whose edges are IfcEdgeCurves on IfcPolyline, IfcLine,
/// IfcCircle, IfcEllipse, IfcTrimmedCurve, IfcCompositeCurve, B-spline curves), in loop order, metres, the closing
/// point not repeated. Each edge is trimmed to its EdgeStart/EdgeEnd vertices and follows SameSense and the oriented
/// edge's Orientation. Empty, with a diagnostic naming the loop or edge, when the loop cannot be read.
std::vector<Eigen::Vector3d> loopPoints(Context& ctx, std::uint64_t loopId);

/// Appends the triangles of an IfcFaceSurface / IfcAdvancedFace whose FaceSurface is an IfcPlane,
/// IfcCylindricalSurface, IfcSphericalSurface, IfcToroidalSurface or IfcBSplineSurfaceWithKnots (rational or not),
/// tessellated to the context's chord tolerance, facing along the surface normal (reversed when SameSense is false).
/// Other surfaces and unreadable bounds are reported against the face or surface and add nothing.
void surfaceFace(Context& ctx, std::uint64_t faceId, TriMesh& out);

}  // namespace cim::io::ifc
