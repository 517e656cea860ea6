#pragma once
// Where products are: IfcObjectPlacement (IfcLocalPlacement chains, IfcLinearPlacement along IFC4X3 alignments,
// IfcGridPlacement on grid axes) as affine maps to the model's engineering frame, metres.

#include <cstdint>

#include <Eigen/Geometry>

#include "io/ifc/context.h"

namespace cim::io::ifc {

/// Object placement of a product as an affine map to the model's engineering frame, metres; evaluated once per
/// placement and file (cached in ctx.placements). IfcLinearPlacement is evaluated along its alignment curve,
/// IfcGridPlacement at its grid axes' intersection. Cycles, broken references and unsupported types are reported and
/// resolve to identity (the rest of the chain still applies).
Eigen::Affine3d objectPlacement(Context& ctx, std::uint64_t placementId);

}  // namespace cim::io::ifc
