#pragma once
// Clash detection over a spatial index: hard clashes (with a touch tolerance), clearance violations (a fixed distance
// or rules per pair) and duplicates, between two selections (A against B) or within one (A against itself).
//
// Semantics (as AVEVA E3D and Navisworks use them, ../shared/STANDARDS.md):
//   hard       the two solids overlap deeper than the tolerance (penetration depth reported)
//   touch      they overlap no deeper than the tolerance, or only touch: a wall standing on a slab, a fitting on its
//              pipe; not a clash (reported only when asked for)
//   clearance  closer than the required distance. With a fixed clearance: the 3D distance. With rules: where the two
//              cross in plan (a pipe over another, a pipe under a building) the rule's vertical clearance applies when
//              it has one, else its horizontal one (which a crossing violates); elsewhere the horizontal clearance in
//              plan. Pairs no rule covers are not checked.
//   duplicate  the same class with the same geometry at the same place (within the tolerance)
// Parts of one network joined at a node (consecutive pipe segments, a pipe and its manhole, an IFC pipe and the fitting
// its port connects to) are one pipeline: hard and clearance sets skip them (counted in joinedPairs).
// Every result carries both elements, the distances (3D, horizontal, vertical), the closest points, the rule that
// required it, and a stable id: the same pair and type give the same id in every run.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "cim/core/progress.h"
#include "cim/core/result.h"
#include "cim/index/rules.h"
#include "cim/index/spatial_index.h"

namespace cim::index {

/// What a result is. The first four come from clash sets; the rest from the city's checks (cim/index/checks.h).
enum class ClashType {
  Hard,            ///< solids overlapping deeper than the tolerance
  Touch,           ///< overlapping no deeper than the tolerance, or touching
  Clearance,       ///< closer than required
  Duplicate,       ///< the same geometry twice
  ProtectionZone,  ///< a work (pit, borehole) inside an asset's protection zone
  ControlZone,     ///< a work inside an asset's control zone (and not its protection zone)
  Cover,           ///< a pipe with less cover than its minimum
  Nearest,         ///< an asset nearest a sensor
  Within,          ///< an asset within the distance of a hazard (a road cavity)
  Obstacle,        ///< an obstacle within a flight corridor's clearance
};
/// "hard", "touch", "clearance", "duplicate", "protection-zone", "control-zone", "cover", "nearest", "within",
/// "obstacle".
std::string_view clashTypeName(ClashType type);

/// An element as a result names it.
struct ElementRef {
  std::uint32_t id = 0;
  std::string guid, kind, name, layer;
};
ElementRef refOf(const Indexed& element);

struct ClashResult {
  std::string id;  ///< stable: the type and the two elements' GUIDs (layer/name where there is no GUID)
  ClashType type = ClashType::Hard;
  ElementRef a, b;
  double distance = 0.0;                  ///< 3D, surface to surface (0 for hard clashes and touches)
  double horizontal = 0.0;                ///< in plan (0 where they cross)
  std::optional<double> vertical;         ///< the gap at a crossing
  double depth = 0.0;                     ///< hard and touch: the penetration depth
  Eigen::Vector3d onA = Eigen::Vector3d::Zero(), onB = Eigen::Vector3d::Zero();  ///< closest points
  Eigen::Vector3d point = Eigen::Vector3d::Zero();  ///< where: between the closest points
  std::optional<double> requiredMeters;   ///< the clearance that was not kept
  std::string requiredKind;               ///< "horizontal", "vertical" or "3d"
  const ClearanceRule* rule = nullptr;    ///< the rule that required it (null for a fixed clearance)
  std::string status;                     ///< against a previous run: "new", "active", "resolved"; empty otherwise
  /// What a check adds: the zone entered and what it requires, the asset's type, pressure class and owner, cover
  /// values ... (empty for clash sets).
  model::Attributes details;
};

struct ClashOptions {
  Selector a;
  std::optional<Selector> b;  ///< unset: A against itself
  enum class Mode { Hard, Clearance, Duplicates } mode = Mode::Hard;
  double toleranceMeters = 0.001;           ///< overlap allowed before a hard clash (and duplicates' tolerance)
  bool reportTouches = false;               ///< also report touches (hard mode)
  std::optional<double> clearanceMeters;    ///< clearance mode: one distance for every pair (3D)
  const RuleSet* rules = nullptr;           ///< clearance mode: requirements per pair
  /// Also check elements that are not physical objects (isSpatialOrVirtual): rooms, storeys, facility parts,
  /// openings, virtual elements. Off: they are left out of both selections (counted in skippedNonPhysical).
  bool includeNonPhysical = false;
  unsigned threads = 0;                     ///< 0: every core
  ProgressFn progress;
};

/// True for IFC classes that are volumes or annotations rather than physical objects, which clash sets leave out by
/// default: spatial elements (IfcSite, IfcBuilding, IfcBuildingStorey, IfcSpace, IfcFacility, IfcFacilityPart and the
/// IFC4X3 bridge/road/railway/marine parts, IfcSpatialZone, IfcExternalSpatialElement), openings
/// (IfcOpeningElement, IfcOpeningStandardCase, IfcVoidingFeature), IfcVirtualElement, IfcAnnotation, IfcGrid.
bool isSpatialOrVirtual(std::string_view kind);

struct ClashReport {
  std::vector<ClashResult> results;  ///< sorted by type, then the two ids
  std::size_t selectedA = 0, selectedB = 0;
  std::size_t candidatePairs = 0;    ///< pairs whose boxes (grown by the largest requirement) meet
  std::size_t touches = 0;           ///< touches found (listed only with reportTouches)
  std::size_t pairsWithoutRule = 0;  ///< clearance by rules: candidate pairs no rule covers
  std::size_t joinedPairs = 0;       ///< hard and clearance: pairs joined in one network, not checked (below)
  std::size_t skippedNonPhysical = 0;  ///< selected elements left out as not physical (ClashOptions)
};

/// True when two elements are parts of one network joined at a node, which clash sets do not check against each
/// other: elements that list each other in `connectedTo` (IFC ports: a pipe and its fitting); pipes of one class (CJJ 61 type class) sharing an end point (the same survey point or node id; by position
/// within 1 cm when either has no id), or a well and a pipe of its class that ends in it (by point id, or an end
/// inside the well's outline in plan). Duplicates are still found between them.
bool joinedInNetwork(const model::Element& a, const model::Element& b);

/// Runs one clash set. Fails (InvalidArgument) when clearance mode has neither a distance nor rules; (Cancelled)
/// when the progress callback asks.
Result<ClashReport> clash(const SpatialIndex& index, const ClashOptions& options);

/// Marks `current` against a previous run's results by id: "new" (not before), "active" (before too); results of
/// the previous run that are gone are appended as "resolved".
void markAgainstPrevious(std::vector<ClashResult>& current, const std::vector<ClashResult>& previous);

/// Fills a result whose `a` and `b` are set: its type, the distances and closest points of `s`, the point between
/// them and the stable id.
void setMeasures(ClashResult& result, ClashType type, const Separation& s);

/// The stable id of a result: type and the two elements (order-independent).
std::string stableClashId(ClashType type, const ElementRef& a, const ElementRef& b);

/// Candidate pairs by box intersection (CGAL box_intersection_d): every pair of an A box and a B box that meet, or
/// (with `b` empty) every pair of A boxes that meet; each pair once, as (A id, B id), sorted. With `plan`, boxes meet
/// when their plans (x and y) do, whatever their heights.
std::vector<std::pair<std::uint32_t, std::uint32_t>> boxPairs(
    const std::vector<std::pair<geometry::Aabb, std::uint32_t>>& a,
    const std::vector<std::pair<geometry::Aabb, std::uint32_t>>* b, bool plan = false);

}  // namespace cim::index
