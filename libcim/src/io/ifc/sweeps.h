#pragma once
// Shape family: sweeps along curves. IfcSweptDiskSolid (tubes), IfcSectionedSolidHorizontal (cross sections lofted
// along an alignment), IfcFixedReferenceSweptAreaSolid, IfcDirectrixCurveSweptAreaSolid and
// IfcSurfaceCurveSweptAreaSolid (a profile swept along a directrix), as meshes in the item's parent frame, metres.

#include <optional>
#include <vector>

#include <Eigen/Geometry>

#include "io/ifc/context.h"
#include "io/ifc/tri_mesh.h"

namespace cim::io::ifc {

/// IfcSweptDiskSolid. nullopt without a directrix, and (reported) when the directrix gives fewer than two points or
/// the radius is not a positive finite length.
std::optional<TriMesh> sweptDiskSolid(Context& ctx, const Instance& it);

/// IfcSectionedSolidHorizontal: each cross section stands at its IfcAxis2PlacementLinear on the directrix, profile X
/// along the position's Axis x RefDirection (left, by default) and profile Y along its Axis (up); between two sections
/// the profile points are interpolated linearly by distance along, and placed in the curve frame there. Spans between
/// sections whose outer rings differ in point count cannot be lofted point by point: reported and left out. Empty
/// (reported) when the directrix cannot be evaluated or a section cannot be read.
TriMesh sectionedSolid(Context& ctx, const Instance& it);

/// IfcFixedReferenceSweptAreaSolid (and its abstract supertype written as such), IfcSurfaceCurveSweptAreaSolid on a
/// plane: the profile's outer ring swept along the directrix with profile X along FixedReference (the plane's normal)
/// projected normal to the tangent and profile Y = tangent x X (the IFC4 definition); Position applied.
/// StartParam/EndParam are honoured as distances along IFC4X3 alignment directrices only. Empty when it cannot be
/// swept (reported).
TriMesh directrixSweep(Context& ctx, const Instance& it);

/// A closed tube of `radius` (hollow down to `inner` when 0 < inner < radius) along a polyline, metres, with
/// parallel-transported section frames and mitred bends. Empty for fewer than two points or a non-positive radius.
TriMesh sweepDisk(const Context& ctx, const std::vector<Eigen::Vector3d>& path, double radius, double inner);

}  // namespace cim::io::ifc
