#pragma once
// The geometric primitives every placement and shape is built from: IfcCartesianPoint, IfcDirection,
// IfcAxis2Placement2D/3D and IfcCartesianTransformationOperator, in metres, in the frame they are given in.

#include <cstdint>
#include <optional>

#include <Eigen/Geometry>

#include "io/ifc/context.h"

namespace cim::io::ifc {

/// IfcCartesianPoint in metres (2D points get z = 0). nullopt, reported, when it cannot be read, has not 1 to 3
/// coordinates, or a coordinate is not finite or beyond 1e12 file units.
std::optional<Eigen::Vector3d> readPoint(Context& ctx, std::uint64_t id);

/// IfcDirection, normalised; nullopt for a missing one, one with no or more than 3 ratios, and (reported) one of zero
/// or non-finite length.
std::optional<Eigen::Vector3d> readDirection(Context& ctx, std::uint64_t id);

/// IfcBuildAxes of a placement instance: columns x (RefDirection, default +X, projected normal to z), y = z x x and z
/// (Axis when `withAxis`, default +Z), unit length. A RefDirection parallel to Axis is replaced by a direction normal
/// to it, reported against the placement.
Eigen::Matrix3d buildAxes(Context& ctx, const Instance& placement, bool withAxis);

/// IfcAxis2Placement3D / 2D as an affine map (rotation + translation in metres). Identity, reported, for an instance
/// that cannot be read or is no IfcPlacement.
Eigen::Affine3d axis2Placement(Context& ctx, std::uint64_t id);

/// IfcCartesianTransformationOperator (2D/3D, uniform or not) as an affine map (translation in metres). Identity,
/// reported, for one that cannot be read.
Eigen::Affine3d transformationOperator(Context& ctx, std::uint64_t id);

}  // namespace cim::io::ifc
