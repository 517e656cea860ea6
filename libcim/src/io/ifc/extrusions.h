#pragma once
// Shape family: extrusions and revolutions of profiles (IfcExtrudedAreaSolid, IfcRevolvedAreaSolid and their tapered
// subtypes), as closed meshes in the item's parent frame (its Position applied), metres.

#include <optional>
#include <vector>

#include <Eigen/Geometry>

#include "io/ifc/context.h"
#include "io/ifc/profiles.h"
#include "io/ifc/tri_mesh.h"

namespace cim::io::ifc {

/// IfcExtrudedAreaSolid / IfcExtrudedAreaSolidTapered. nullopt, reported, without a profile or with a depth that is not
/// positive, finite and within 1e12 file units; a tapered one whose end profile does not match its start is reported
/// and extruded from the start profile. Empty when the profile gives no area.
std::optional<TriMesh> extrudedAreaSolid(Context& ctx, const Instance& it);

/// IfcRevolvedAreaSolid / IfcRevolvedAreaSolidTapered, about its Axis by Angle. nullopt without a profile or a readable
/// axis; a tapered one whose end profile does not match its start is reported and revolved from the start profile.
std::optional<TriMesh> revolvedAreaSolid(Context& ctx, const Instance& it);

/// The polygon's rings are simple and well apart (edges of at least 0.1 mm, non-neighbouring edges at least 0.1 mm
/// apart, at most 256 edges, in the plane z = 0): its extrusion is a valid solid (TriMesh::validByConstruction).
bool wellSeparated(const Polygon& poly);

/// Polygons in the XY plane extruded along `v`: bottom cap, top cap, side walls; outward-facing for an extrusion along
/// +Z whatever the rings' orientation.
TriMesh extrude(const std::vector<Polygon>& polys, const Eigen::Vector3d& v);

}  // namespace cim::io::ifc
