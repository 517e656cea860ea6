#pragma once
// IFC curves and profiles as polylines and polygons (metres), tessellated to the context's chord tolerance.

#include <optional>
#include <vector>

#include <Eigen/Core>

#include "io/ifc/context.h"

namespace cim::io::ifc {

/// A closed area: rings[0] outer boundary, the rest holes. Points in the profile's plane (z = 0), metres.
struct Polygon {
  std::vector<std::vector<Eigen::Vector3d>> rings;
};

/// Points of a curve (IfcPolyline, IfcIndexedPolyCurve, IfcCompositeCurve, IfcTrimmedCurve, IfcCircle, IfcEllipse,
/// IfcLine within trims, IfcBSplineCurveWithKnots and its rational subtype; IFC4X3 IfcCurveSegment chains incl.
/// IfcGradientCurve, see alignment.h) in its own frame, metres; 2D curves have z = 0. Empty (with a diagnostic) when
/// unsupported.
std::vector<Eigen::Vector3d> curvePoints(Context& ctx, std::uint64_t curveId);

/// Rows of an IfcCartesianPointList2D/3D in metres (2D rows get z = 0). Every row keeps its slot, so 1-based indices
/// into the list stay valid; an empty list when the instance cannot be read.
std::vector<Eigen::Vector3d> pointList(Context& ctx, std::uint64_t listId);

/// The areas of an IfcProfileDef (parameterised, arbitrary with voids, derived, composite), with its Position applied.
std::vector<Polygon> profilePolygons(Context& ctx, std::uint64_t profileId);

/// Number of segments for an arc of `angle` radians and radius `radius` metres at the context's chord tolerance.
int arcSegments(const Context& ctx, double radius, double angle);

}  // namespace cim::io::ifc
