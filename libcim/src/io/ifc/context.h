#pragma once
// What the IFC mapping code shares while reading one file: the file, its units, the chord tolerance, caches of
// resolved placements, and the diagnostics gathered so far.

#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <Eigen/Geometry>

#include "cim/core/diagnostic.h"
#include "io/ifc/ifc_file.h"

namespace cim::io::ifc {

class AlignmentCurve;

struct Units {
  double lengthToMeters = 1.0;
  double angleToRadians = 1.0;
  double areaToSquareMeters = 1.0;
  double volumeToCubicMeters = 1.0;
  std::string lengthName = "METRE";
};

/// Scale of one IfcNamedUnit (IfcSIUnit with its prefix, or an IfcConversionBasedUnit followed to SI) to SI;
/// nullopt when it cannot be read.
std::optional<double> unitToSI(const IfcFile& file, std::uint64_t unitId);

/// Reads IfcProject.UnitsInContext (SI prefixes, conversion-based units such as feet, inches, degrees).
Units readUnits(const IfcFile& file, std::vector<Diagnostic>& diags);

class Context {
 public:
  Context(const IfcFile& ifcFile, Units fileUnits, double chordToleranceMeters)
      : file(ifcFile),
        units(fileUnits),
        chordTolerance(chordToleranceMeters),
        pointType_(ifcFile.step().typeIndex(names::IfcCartesianPoint)) {}

  const IfcFile& file;
  const Units units;
  const double chordTolerance;  ///< metres

  /// Records a finding about instance `id` (0: the whole file). Thread-safe. Repeats of the same message about the
  /// same instance are dropped.
  void report(Severity severity, ErrorCode code, std::uint64_t id, std::string message);
  std::vector<Diagnostic> takeDiagnostics();

  /// Object placement (IfcLocalPlacement chain, IfcGridPlacement) of a product as an affine map to the model's
  /// engineering frame, metres; IfcLinearPlacement is evaluated along its alignment curve. Cycles and broken
  /// references are reported and resolve to identity.
  Eigen::Affine3d objectPlacement(std::uint64_t placementId);

  /// IfcAxis2Placement3D / 2D as an affine map (rotation + translation in metres).
  Eigen::Affine3d axis2Placement(std::uint64_t id);
  /// IfcCartesianTransformationOperator (2D/3D, uniform or not) as an affine map (translation in metres).
  Eigen::Affine3d transformationOperator(std::uint64_t id);
  /// IfcCartesianPoint as metres (2D points get z = 0).
  std::optional<Eigen::Vector3d> point(std::uint64_t id);
  /// IfcDirection, normalised; nullopt for missing or zero-length.
  std::optional<Eigen::Vector3d> direction(std::uint64_t id);
  /// The alignment curve (IfcCompositeCurve / IfcGradientCurve of IfcCurveSegment) `curveId`, built once per file and
  /// shared; nullptr (reported once) when it cannot be evaluated. Defined in alignment.cpp.
  std::shared_ptr<const AlignmentCurve> alignmentCurve(std::uint64_t curveId);

 private:
  Eigen::Affine3d objectPlacementImpl(std::uint64_t id, std::unordered_set<std::uint64_t>& visiting);
  // IfcLinearPlacement: RelativePlacement evaluated along its basis curve, in PlacementRelTo's frame.
  Eigen::Affine3d linearPlacement(const Instance& p, std::unordered_set<std::uint64_t>& visiting);
  Eigen::Affine3d gridPlacement(const Instance& p, std::unordered_set<std::uint64_t>& visiting);
  /// An IfcVirtualGridIntersection as a point in its IfcGrid's frame (metres) and that frame; nullopt, reported,
  /// when the axes, their grid or their intersection cannot be found.
  struct GridPoint {
    Eigen::Vector3d local;
    Eigen::Affine3d gridFrame;
  };
  std::optional<GridPoint> gridIntersection(std::uint64_t id, std::unordered_set<std::uint64_t>& visiting);

  const std::uint32_t pointType_;  // StepFile type index of IFCCARTESIANPOINT (kNoIndex when the file has none)
  std::mutex mutex_;
  std::vector<Diagnostic> diags_;
  std::unordered_set<std::string> reported_;
  std::unordered_map<std::uint64_t, Eigen::Affine3d> placements_;
  std::unordered_map<std::uint64_t, std::shared_ptr<const AlignmentCurve>> curves_;
};

}  // namespace cim::io::ifc
