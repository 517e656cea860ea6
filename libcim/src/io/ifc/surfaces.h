#pragma once
// Faces on surfaces (IfcAdvancedFace, IfcFaceSurface on planes and curved surfaces), bounded by edge loops (edges.h),
// as triangles in the item's frame, metres.

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include <Eigen/Core>

#include "io/ifc/context.h"
#include "io/ifc/tri_mesh.h"

namespace cim::io::ifc {

/// Appends the triangles of an IfcFaceSurface / IfcAdvancedFace whose FaceSurface is an IfcPlane,
/// IfcCylindricalSurface, IfcSphericalSurface, IfcToroidalSurface, IfcBSplineSurfaceWithKnots (rational or not),
/// IfcSurfaceOfRevolution or IfcSurfaceOfLinearExtrusion (the swept curve sampled to the chord tolerance),
/// tessellated to the context's chord tolerance, facing along the surface normal (reversed when SameSense is false).
/// Other surfaces and unreadable bounds are reported against the face or surface and add nothing.
void surfaceFace(Context& ctx, std::uint64_t faceId, TriMesh& out);

/// The unit surface normal (Su x Sv of the surface's ISO 10303-42 parameterisation) at the surface point nearest to
/// a point, metres, in the surface's frame, for an IfcPlane and every surface surfaceFace draws; nullopt where the
/// normal is undefined (an apex, a degenerate patch). An empty function (reported against the surface) for surfaces
/// that cannot be evaluated.
std::function<std::optional<Eigen::Vector3d>(const Eigen::Vector3d&)> surfaceNormals(Context& ctx,
                                                                                     std::uint64_t surfaceId);

}  // namespace cim::io::ifc
