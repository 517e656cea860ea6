#pragma once
// Faces on surfaces (IfcAdvancedFace, IfcFaceSurface on planes and curved surfaces), bounded by edge loops (edges.h),
// as triangles in the item's frame, metres.

#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include "io/ifc/context.h"
#include "io/ifc/tri_mesh.h"

namespace cim::io::ifc {

/// Appends the triangles of an IfcFaceSurface / IfcAdvancedFace whose FaceSurface is an IfcPlane,
/// IfcCylindricalSurface, IfcSphericalSurface, IfcToroidalSurface or IfcBSplineSurfaceWithKnots (rational or not),
/// tessellated to the context's chord tolerance, facing along the surface normal (reversed when SameSense is false).
/// Other surfaces and unreadable bounds are reported against the face or surface and add nothing.
void surfaceFace(Context& ctx, std::uint64_t faceId, TriMesh& out);

}  // namespace cim::io::ifc
