#pragma once
// What the IFC mapping code shares while reading one file: the file, its units, the chord tolerance, caches of what
// is evaluated once per file (object placements, alignment curves), and the diagnostics gathered so far. Shared state
// only: the evaluation lives in the layers above (axis_placement, object_placement, alignment).

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <Eigen/Geometry>

#include "cim/core/diagnostic.h"
#include "io/ifc/ifc_file.h"
#include "io/ifc/units.h"

namespace cim::io::ifc {

class AlignmentCurve;
struct TriMesh;

/// Values by instance id, for any number of threads.
template <class V>
class IdCache {
 public:
  /// The value stored for `id`, if any.
  std::optional<V> find(std::uint64_t id) const {
    std::lock_guard lock(mutex_);
    if (auto it = values_.find(id); it != values_.end()) return it->second;
    return std::nullopt;
  }
  /// Stores `value` for `id` unless a value is stored already (another thread was first); returns the stored one.
  V insert(std::uint64_t id, V value) {
    std::lock_guard lock(mutex_);
    return values_.emplace(id, std::move(value)).first->second;
  }
  /// Forgets every value (they are evaluated again when asked for).
  void clear() {
    std::lock_guard lock(mutex_);
    values_ = {};
  }

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::uint64_t, V> values_;
};

class Context {
 public:
  Context(const IfcFile& ifcFile, Units fileUnits, double chordToleranceMeters)
      : file(ifcFile),
        units(std::move(fileUnits)),
        chordTolerance(chordToleranceMeters),
        pointType(ifcFile.step().typeIndex(names::IfcCartesianPoint)) {}

  const IfcFile& file;
  const Units units;
  const double chordTolerance;  ///< metres
  /// StepFile type index of IFCCARTESIANPOINT (kNoIndex when the file has none), for readPoint's fast path.
  const std::uint32_t pointType;

  /// Object placements by placement id, in the model's engineering frame (object_placement.cpp fills it).
  IdCache<Eigen::Affine3d> placements;
  /// Alignment curves by curve id, nullptr for one that cannot be evaluated (alignment.cpp fills it).
  IdCache<std::shared_ptr<const AlignmentCurve>> alignmentCurves;
  /// Meshes of mapped representations (IfcRepresentationMap's MappedRepresentation, by id) that hold booleans, in
  /// the representation's own frame: a type's booleans are evaluated once, not once per occurrence (shapes.cpp).
  IdCache<std::shared_ptr<const std::vector<TriMesh>>> mappedShapes;

  /// Records a finding about instance `id` (0: the whole file). Thread-safe. Repeats of the same message about the
  /// same instance are dropped.
  void report(Severity severity, ErrorCode code, std::uint64_t id, std::string message);
  /// The findings so far, sorted by instance id (numerically), then message, whatever order threads reported them in.
  std::vector<Diagnostic> takeDiagnostics();

 private:
  std::mutex mutex_;
  std::vector<Diagnostic> diags_;
  std::unordered_set<std::string> reported_;
};

}  // namespace cim::io::ifc
