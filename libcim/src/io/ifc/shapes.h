#pragma once
// A product's shape: the items of its body representation as triangle meshes in the product's object frame (metres),
// each handed to its shape family (extrusions, sweeps, brep, csg), mapped items expanded.

#include <cstdint>
#include <vector>

#include "io/ifc/context.h"
#include "io/ifc/styles.h"
#include "io/ifc/tri_mesh.h"

namespace cim::io::ifc {

/// Radius of the tube an axis-only product (an alignment) is drawn as, metres.
inline constexpr double kAxisTubeRadius = 0.1;  // reader.cpp labels such elements with this number

/// Meshes of the product's body representation (Body, else Facetation/Mesh, else the first 3D representation), one
/// per item (mapped items expanded), in the product's object frame, coloured by `colors` (an item's own colour, else
/// the one of the item it is part of). Unsupported items are reported and skipped.
/// A product with nothing but an 'Axis' curve gets that curve as a tube of kAxisTubeRadius; `drawnAxis` says so.
std::vector<TriMesh> productShapes(Context& ctx, std::uint64_t representationId, const ItemColors& colors,
                                   ShapeStats& stats, bool* drawnAxis = nullptr);

}  // namespace cim::io::ifc
