#pragma once
// Openings (IfcRelVoidsElement): a host's meshes cut by the bodies of the openings that void it.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "io/ifc/context.h"
#include "io/ifc/styles.h"
#include "io/ifc/tri_mesh.h"

namespace cim::io::ifc {

/// How many of a host's openings were cut, and how many not.
struct OpeningCounts {
  std::size_t cut = 0;
  std::size_t notCut = 0;
};

/// Cuts the host's meshes (world frame) by its openings, each opening's body placed by its own ObjectPlacement: box
/// bodies aligned with a box-shaped host and other convex bodies exactly, by plane cuts (counted in
/// stats.openingsBoxCut), the rest by corefinement, slightly grown (stats.openingsCorefined). A host mesh that does
/// not bound a volume, or an opening without a body or that cannot be subtracted, stays uncut, is reported against the
/// opening or the host and counted as not cut; host meshes cut away entirely are removed.
OpeningCounts cutOpenings(Context& ctx, std::uint64_t hostId, const std::vector<std::uint64_t>& openings,
                          const ItemColors& colors, ShapeStats& stats, std::vector<TriMesh>& host);

}  // namespace cim::io::ifc
