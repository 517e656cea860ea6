#pragma once
// IFC profiles (IfcProfileDef and subtypes) as polygons in the profile's plane (z = 0), metres, curves tessellated to
// the context's chord tolerance.

#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include "io/ifc/context.h"

namespace cim::io::ifc {

/// A closed area: rings[0] outer boundary, the rest holes. Points in the profile's plane (z = 0), metres.
struct Polygon {
  std::vector<std::vector<Eigen::Vector3d>> rings;
};

/// The areas of an IfcProfileDef (parameterised, arbitrary with voids, derived, composite), with its Position applied.
/// Empty, with a diagnostic, for a profile that gives no area: unsupported types, non-positive or absurd dimensions,
/// a hollow section whose wall leaves no hollow, an outer curve of fewer than three points.
std::vector<Polygon> profilePolygons(Context& ctx, std::uint64_t profileId);

}  // namespace cim::io::ifc
