#pragma once
// IFC4X3 alignment geometry evaluated by distance along: IfcCurveSegment chains (IfcCompositeCurve for the horizontal
// layout, IfcGradientCurve adding the vertical profile, IfcSegmentedReferenceCurve adding cant), the
// IfcAxis2PlacementLinear / IfcLinearPlacement that position things along them, and polylines for sweeps.

#include <memory>
#include <optional>
#include <vector>

#include <Eigen/Geometry>

#include "io/ifc/context.h"

namespace cim::io::ifc {

/// A point on a curve with its moving frame, metres, in the curve's own coordinate system: x = direction of travel
/// (3D tangent), y = to the left, horizontal, z = x × y (up for a level curve).
struct CurveFrame {
  Eigen::Vector3d point = Eigen::Vector3d::Zero();
  Eigen::Matrix3d axes = Eigen::Matrix3d::Identity();  ///< columns x, y, z

  Eigen::Affine3d affine() const {
    Eigen::Affine3d t = Eigen::Affine3d::Identity();
    t.linear() = axes;
    t.translation() = point;
    return t;
  }
};

/// One IfcCurveSegment of a planar layout: the parent curve's piece [SegmentStart, SegmentStart + SegmentLength],
/// moved so that its start point and direction of travel coincide with Placement's origin and x axis.
class PlanarSegment;

/// A horizontal layout (IfcCompositeCurve of IfcCurveSegment) with an optional vertical profile (IfcGradientCurve).
/// Distances are along the horizontal layout, metres, from its start; a gradient curve's heights are functions of
/// that distance. Immutable once built, so one instance serves every thread.
class AlignmentCurve {
 public:
  ~AlignmentCurve();
  AlignmentCurve(AlignmentCurve&&) noexcept;

  /// Builds the curve `curveId` (IfcCompositeCurve / IfcGradientCurve / IfcSegmentedReferenceCurve whose segments are
  /// IfcCurveSegment, or a lone IfcCurveSegment). nullopt, with diagnostics, when it has no usable segment. Parent
  /// curves other than IfcLine, IfcCircle, IfcClothoid and IfcPolynomialCurve are reported and their segments
  /// drawn as straight chords; cant (IfcSegmentedReferenceCurve) is reported and not applied.
  static std::optional<AlignmentCurve> build(Context& ctx, std::uint64_t curveId);

  /// Horizontal length, metres.
  double length() const { return length_; }
  /// Frame at `distance` metres along. Outside [0, length()] the end segments are continued (reported by the caller
  /// when it matters).
  CurveFrame frameAt(double distance) const;
  /// Distances (metres) at which a polyline through frameAt() stays within `chordTolerance` of the curve: every
  /// segment start and end, plus enough points on arcs, spirals and vertical curves.
  std::vector<double> sampleDistances(double chordTolerance) const;
  bool hasVertical() const { return !vertical_.empty(); }

 private:
  AlignmentCurve() = default;
  double length_ = 0;
  std::vector<std::unique_ptr<PlanarSegment>> horizontal_;  // x, y in the curve's frame
  std::vector<std::unique_ptr<PlanarSegment>> vertical_;    // x = distance along, y = height
  std::vector<double> starts_;                              // horizontal distance at each horizontal segment start
};

/// The parts of an IfcAxis2PlacementLinear: where along which curve, the offsets, and the turn within the curve frame.
struct LinearPosition {
  std::uint64_t curveId = 0;
  double distance = 0;                                   ///< metres along the curve (horizontal for gradient curves)
  Eigen::Vector3d offset = Eigen::Vector3d::Zero();      ///< longitudinal, lateral, vertical, metres
  Eigen::Matrix3d local = Eigen::Matrix3d::Identity();   ///< columns RefDirection, Axis x RefDirection, Axis
};

/// Reads an IfcAxis2PlacementLinear whose Location is an IfcPointByDistanceExpression; nullopt (reported) otherwise.
std::optional<LinearPosition> readLinearPosition(Context& ctx, std::uint64_t placementId);

/// Frame of an IfcAxis2PlacementLinear in its basis curve's coordinate system: the curve frame at DistanceAlong,
/// moved by OffsetLongitudinal / OffsetLateral / OffsetVertical along its x / y / z axes and turned by Axis and
/// RefDirection (given in that frame). nullopt, reported, when the location or its curve cannot be evaluated.
std::optional<Eigen::Affine3d> axis2PlacementLinear(Context& ctx, std::uint64_t placementId);

/// The alignment curve `curveId` (see AlignmentCurve::build), built once per file and shared by all threads (cached in
/// ctx.alignmentCurves); nullptr, reported once, when it cannot be evaluated.
std::shared_ptr<const AlignmentCurve> alignmentCurve(Context& ctx, std::uint64_t curveId);

/// Polyline of an alignment curve (see AlignmentCurve::build) at the context's chord tolerance, metres; empty when it
/// cannot be built.
std::vector<Eigen::Vector3d> alignmentCurvePoints(Context& ctx, std::uint64_t curveId);

/// True for the curve types AlignmentCurve::build accepts: composite curves made of IfcCurveSegment, and
/// IfcCurveSegment itself.
bool isSegmentedCurve(Context& ctx, std::uint64_t curveId);

}  // namespace cim::io::ifc
