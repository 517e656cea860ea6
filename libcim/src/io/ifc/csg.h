#pragma once
// Shape family: constructive solid geometry. IfcCsgPrimitive3D (block, rectangular pyramid, right circular cone and
// cylinder, sphere) and IfcBooleanResult / IfcBooleanClippingResult with solid and (bounded) half-space operands, as
// closed meshes in the item's parent frame, metres.

#include <cstdint>
#include <functional>
#include <optional>

#include "io/ifc/context.h"
#include "io/ifc/tri_mesh.h"

namespace cim::io::ifc {

/// Meshes one operand of a boolean (a representation item, as the shape dispatcher does), merged into one mesh in
/// the boolean's frame; empty when it gives no geometry (reported there).
using OperandMesher = std::function<TriMesh(std::uint64_t itemId)>;

/// IfcCsgPrimitive3D with its Position applied. Block: a corner at the origin, along +X +Y +Z. Rectangular pyramid:
/// the base from the origin along +X +Y, the apex above its centre. Cone and cylinder: the base circle centred on the
/// origin, the axis along +Z (ISO 10303-42 right_circular_cylinder / right_circular_cone). Sphere: centred on the
/// origin. nullopt, reported, for a non-positive size or another primitive.
std::optional<TriMesh> csgPrimitive(Context& ctx, const Instance& it);

/// IfcBooleanResult / IfcBooleanClippingResult: the first operand combined with the second (a solid, an
/// IfcHalfSpaceSolid or an IfcPolygonalBoundedHalfSpace). Chains of differences are evaluated at once (box cutters
/// through box-shaped bases exactly, the rest by corefinement). An operation that cannot be done (an operand that does
/// not bound a volume) is reported, counted in stats.booleanOperandsKept, and its first operand kept; evaluated ones
/// are counted in stats.booleansEvaluated.
TriMesh booleanResult(Context& ctx, const Instance& it, const OperandMesher& operand, ShapeStats& stats);

}  // namespace cim::io::ifc
