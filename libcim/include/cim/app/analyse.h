#pragma once
// app: the questions the bureau asks a city model, as plain functions for the CLI (`cim clash`, `cim near`,
// `cim check`) and the bindings: load the inputs into one scene, index it, run a clash set, a proximity query or one
// of the city's checks.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "cim/app/load.h"
#include "cim/core/progress.h"
#include "cim/core/result.h"
#include "cim/geo/crs.h"
#include "cim/index/checks.h"
#include "cim/index/clash.h"
#include "cim/index/spatial_index.h"

namespace cim::app {

/// Loads the inputs into one scene (loadScene) and indexes it.
Result<index::SpatialIndex> loadIndex(const std::vector<std::filesystem::path>& inputs, const LoadOptions& options,
                                      const ProgressFn& progress = {});

struct ClashRequest {
  std::vector<std::filesystem::path> inputs;
  LoadOptions load;
  std::string a = "*";                ///< selector of set A
  std::optional<std::string> b;       ///< selector of set B; unset: A against itself
  index::ClashOptions::Mode mode = index::ClashOptions::Mode::Hard;
  double toleranceMeters = 0.001;
  bool reportTouches = false;
  std::optional<double> clearanceMeters;
  /// Rule tables for clearance by rules, tried in this order: "gb50289" (built in) or rule files.
  std::vector<std::string> rules;
  bool includeNonPhysical = false;  ///< also rooms, storeys, facility parts, openings (index::ClashOptions)
  unsigned threads = 0;
};

struct ClashRun {
  index::SpatialIndex index;
  index::RuleSet rules;  ///< the rules the results point into
  index::ClashReport report;
};

/// Loads, indexes and runs one clash set. Fails naming the selector or rule file that cannot be read, or the input.
Result<ClashRun> runClash(const ClashRequest& request, const ProgressFn& progress = {});

/// A clash set run on an index already built, and the rules its results point into.
struct ClashSet {
  index::RuleSet rules;
  index::ClashReport report;
};
/// runClash on an index already built (for the bindings, which keep a scene and its index between questions);
/// request.inputs and request.load are not used.
Result<ClashSet> runClash(const index::SpatialIndex& index, const ClashRequest& request,
                          const ProgressFn& progress = {});

struct NearRequest {
  std::vector<std::filesystem::path> inputs;
  LoadOptions load;
  /// What to measure from: elements a selector picks, or the features of a file (points, lines, polygons through
  /// the site reader: any site-feature file), or one point.
  std::optional<std::string> targetSelector;
  std::optional<std::filesystem::path> targetFile;
  std::optional<Eigen::Vector3d> targetPoint;
  /// Or any probe (a polyline swept by a radius, a polygon prism: a planned route, a trench), reported as "probe".
  std::optional<index::Probe> targetProbe;
  std::string filter = "*";               ///< which elements may be found
  std::optional<double> withinMeters;     ///< every element within the distance
  std::optional<std::size_t> k;           ///< or the k nearest
  bool horizontal = false;
};

/// One target and what was found near it.
struct NearRow {
  index::ElementRef target;  ///< the target element (for a point: id 0, name "point")
  std::vector<index::ClashResult> found;  ///< type Nearest (k) or Within (distance), nearest first
};

struct NearRun {
  std::vector<NearRow> rows;      ///< one per target, in target order
  std::optional<geo::Crs> crs;    ///< the scene's CRS (unset for a local scene)
};

Result<NearRun> runNear(const NearRequest& request, const ProgressFn& progress = {});
/// runNear on an index already built; request.inputs are not used (request.load reads a target file, in the index's
/// CRS unless it names one).
Result<NearRun> runNear(const index::SpatialIndex& index, const NearRequest& request);

enum class Check { Excavation, Cover, Sensors, Cavities, Corridor };
/// "excavation", "cover", "sensors", "cavities", "corridor".
std::optional<Check> parseCheck(std::string_view name);

struct CheckRequest {
  Check check = Check::Excavation;
  std::vector<std::filesystem::path> inputs;  ///< the city: pipes, terrain, BIM ...
  /// The works, sensors, cavities or corridors when they are not among the inputs (any site-feature file).
  std::vector<std::filesystem::path> features;
  LoadOptions load;
  std::optional<std::string> assets;      ///< selector of the assets checked against (default per check)
  std::optional<double> withinMeters;     ///< cavities: the distance; corridors: the clearance beyond the radius
  std::size_t k = 1;                      ///< sensors: nearest assets
  std::string zonesFile = "gas_zones";    ///< excavation: zone table (built in or a file)
  std::string coverFile = "cover";        ///< cover: minimum-cover table (built in or a file)
};

struct CheckRun {
  std::vector<index::ClashResult> results;
  std::size_t checked = 0;  ///< works, pipes, sensors ... looked at
  std::vector<Diagnostic> notes;
  std::optional<geo::Crs> crs;  ///< the scene's CRS (unset for a local scene)
};

/// Loads the city and the features, indexes them and runs one check. For the cover check the ground is the DEM among
/// the inputs when there is one (its raster heights, not the TIN's), else the terrain elements.
Result<CheckRun> runCheck(const CheckRequest& request, const ProgressFn& progress = {});
/// runCheck on an index already built, which must hold the features; request.features and request.load are not used,
/// request.inputs only for the cover check's DEMs (the ground is then the first of them with a height, as above).
Result<CheckRun> runCheck(const index::SpatialIndex& index, const CheckRequest& request);

/// One line for people: "clearance  RQ1-RQ2 (pipe) – Wall South (IfcWall): horizontal 2.000 m < 2.500 m required
/// [GB 50289-2016 Table 4.1.9 ...]".
std::string resultLine(const index::ClashResult& result);

}  // namespace cim::app
