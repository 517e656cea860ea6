#pragma once
// io/pipes internals: mitred joints between pipes.

#include <optional>
#include <vector>

#include "io/pipes/qa.h"

namespace cim::io::pipes {

/// The cut planes of the built pipes' ends: two pipes of one section meeting at a point (and only two) at the same
/// height (1 mm) share the bisector plane of their directions, unless they turn back by more than 120°. Normals point
/// along each sweep's direction of travel (see geometry::SweepOptions); nullopt where the end is cut square.
struct EndPlanes {
  std::vector<std::optional<Eigen::Vector3d>> start, end;  ///< per built line
};
EndPlanes mitrePlanes(const RawNetwork& net, const std::vector<BuiltLine>& built);

}  // namespace cim::io::pipes
