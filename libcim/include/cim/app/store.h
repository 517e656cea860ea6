#pragma once
// app: the store commands (`cim store import|update|log|diff|copy|export`) as plain functions over cim::store.

#include <filesystem>
#include <string>
#include <vector>

#include "cim/app/load.h"
#include "cim/io/pipes.h"
#include "cim/store/store.h"

namespace cim::app {

struct StoreUpdateOptions {
  /// How the inputs are read; when `load.crs` is empty and the store has a CRS, the inputs are read into it.
  LoadOptions load;
  store::UpdateOptions update;
};

struct StoreUpdateResult {
  std::string location;  ///< password redacted
  store::UpdateReport report;
  /// The pipe QA (CJJ 61 checks of the inputs' pipe tables) on what this update added or changed: findings of the
  /// lines added or changed, and of their end points.
  std::vector<io::PipeFinding> qa;
  std::size_t qaAll = 0;  ///< findings of the whole input, for comparison
  /// A change set (UpdateOptions::partial): the stored pipes that met its pipes and were cut again at those joints
  /// (they are in the report as changed, "mesh changed, not moved").
  std::size_t rejoined = 0;
};

/// Reads the inputs into one scene and stores it as one version of the store at `location` (created when absent):
/// matched by key, only the difference is written; nothing is written when nothing changed.
Result<StoreUpdateResult> storeUpdate(const std::string& location, const std::vector<std::filesystem::path>& inputs,
                                      const StoreUpdateOptions& options, const ProgressFn& progress = {});

/// The text `cim store import|update` prints: the version made (or that nothing changed), counts, the changes and
/// the QA findings on them.
std::string toText(const StoreUpdateResult& result);

/// The scene of a store as of a version (see store::AsOf::parse for the text).
Result<model::Scene> readStore(const std::string& location, const std::string& asOf = {});

/// Copies a whole store (every version) into a new one: GeoPackage to PostGIS and back.
Status copyStore(const std::string& from, const std::string& to);

}  // namespace cim::app

#include "cim/export/gltf.h"
#include "cim/export/tiles3d.h"

namespace cim::app {

struct StoreTilesReport {
  tiles3d::WriteStats written;  ///< as tiles3d::write reports it, paths under the output folder
  std::size_t rewritten = 0;    ///< files written because they are new or their bytes changed
  std::size_t unchanged = 0;    ///< files left untouched (same bytes as the new tileset's)
  std::size_t removed = 0;      ///< files of the old tileset the new one no longer has
  std::size_t spooledElements = 0;  ///< elements beyond `memoryBytes` that waited in a temporary file
  std::uint64_t spooledBytes = 0;
};

/// Writes a store's scene as of a version as 3D Tiles 1.1 into `outputDir`, touching only what changed: the tilesets
/// are made in a folder beside it, then each file whose bytes differ from the one in `outputDir` is replaced, files
/// with the same bytes are left as they are (their modification time too), files no longer made are removed. A
/// viewer or a CDN in front of the folder then sees only the changed tiles change. The elements are read from the
/// store a few hundred at a time into a tiles3d::ElementSpool: beyond `memoryBytes` they wait in a temporary file for
/// their tile, so the whole city need not fit in memory (the tiles are the same bytes either way).
Result<StoreTilesReport> tileStore(const std::string& location, const std::string& asOf,
                                   const std::filesystem::path& outputDir, const tiles3d::WriteOptions& options = {},
                                   std::size_t memoryBytes = tiles3d::ElementSpool::kDefaultMemoryBytes);

/// Writes a store's scene as of a version as one GLB/glTF (what `cim convert` writes from files).
Result<gltf::WriteStats> exportStore(const std::string& location, const std::string& asOf,
                                     const std::filesystem::path& output);

/// One line per check run: "check water-gas at version 3 (1 touched): 14 element(s) read, 9 pair(s) evaluated:
/// 1 new, 0 resolved, 0 kept active".
std::string checkRunsText(const std::vector<store::CheckRun>& runs);

/// The text of `cim store results`: one line per result (status, check, type, the two elements, the distance and the
/// requirement not kept, the rule, the versions), then the counts by status at `version`.
std::string resultsText(const std::vector<store::StoredResult>& results, std::int64_t version);

/// The text of `cim store check list`: one line per check (name, kind, selectors, its rules, zones or distance, the
/// version it was added in and the one its results are current to), e.g. "holes  cavity  a: class=cavity  b: type=*
/// within 2 m  added in 1, evaluated to 3".
std::string checkListText(const std::vector<store::CheckDefinition>& checks);

/// The text of `cim store log`: one line per version (number, time, kind, source, message).
std::string logText(const std::vector<store::VersionInfo>& versions);

}  // namespace cim::app
