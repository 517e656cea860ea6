#pragma once
// A persistent, versioned city store (docs/store.md): a scene, its history and the exact shapes of its pipes, wells
// and site features, kept in a GeoPackage file (the default: one SQLite file that QGIS and GDAL open as ordinary
// layers) or in PostgreSQL/PostGIS (a `postgresql://` connection string: the bureau's shared deployment). Both hold
// the same schema and answer the same API.
//
// Every import or update is one transaction that makes one version (number, UTC time, source, message). Element rows
// carry the versions in which they are valid [validFrom, validTo), so nothing is overwritten: a scene can be read as
// of any version, and two versions compared. An update matches incoming elements to stored ones by a key (GUID,
// CJJ 61 start/end point numbers, a user field) and stores only the difference; the same input again changes nothing.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cim/core/result.h"
#include "cim/geometry/aabb.h"
#include "cim/model/scene.h"

namespace cim::store {

/// The schema version this libcim writes into new stores and reads up to (a store of a newer one is refused with
/// StoreSchemaTooNew). 2: element blobs of format 2 (meshes packed by meshoptimizer); a store of schema 1 is read and
/// updated as it is (its new blobs in format 1, which a libcim of schema 1 reads).
inline constexpr int kSchemaVersion = 2;

struct VersionInfo {
  std::int64_t number = 0;
  std::string time;     ///< UTC, ISO 8601 ("2026-12-05T06:01:02Z")
  std::string source;   ///< what it was made from (the input files)
  std::string message;
  std::string kind;     ///< "import", "update" or "copy"
};

struct AttributeChange {
  std::string name;
  std::string before, after;  ///< as text; empty when absent on that side
};

struct Change {
  enum class Kind { Added, Removed, Changed };
  Kind kind = Kind::Changed;
  std::string layer, key, elementKind, name;
  /// It is somewhere else (管位变化): its exact shape's points changed (pipes, wells, site features), or, for elements
  /// without one (BIM, meshes), its meshes.
  bool moved = false;
  double displacementMeters = 0.0;       ///< how far it moved (end points, cover, reference point, box centre)
  /// Its meshes changed while its exact shape stayed where it was: a pipe's section or a well's depth (see the
  /// attributes), or a pipe's end cut again where the pipe it meets changed.
  bool meshChanged = false;
  std::vector<AttributeChange> attributes;
};

struct Diff {
  std::int64_t from = 0, to = 0;
  std::vector<Change> changes;  ///< ordered by layer, then key
  std::size_t added() const;
  std::size_t removed() const;
  std::size_t moved() const;
  std::size_t changed() const;  ///< changed without being added or removed (moved or not)
};

/// How an update matches incoming elements to stored ones.
struct UpdateOptions {
  /// Key fields, in order: "guid", "start"/"end" (or "S_Exp"/"E_Exp", 起点点号/终点点号: a pipe's CJJ 61 point
  /// numbers), "id" (a pipe's link id, a well's point number), "name", or any attribute name. Empty: automatic per
  /// element (pipes: start-end point numbers; wells: point number; site features: kind and source id; others: GUID,
  /// else name).
  std::vector<std::string> keyFields;
  std::string source;   ///< recorded in the version
  std::string message;  ///< recorded in the version
  /// Stored elements not in the input are removed only in layers the input holds (an update of the pipe table
  /// does not remove the buildings). With `replaceAll`, every stored element the input lacks is removed.
  bool replaceAll = false;
  /// The input is a change set (a survey of new and moved pipes, say): its elements are added or replace their
  /// match, and no stored element is removed for being absent from it. Not with `replaceAll`. The elements are
  /// stored as given: app::storeUpdate first joins a change set's pipes to the stored pipes they meet (their ends'
  /// cuts, as a read of the whole table makes them).
  bool partial = false;
  /// How long a writer waits for another one before failing with StoreBusy.
  int waitMilliseconds = 10000;
};

/// A check registered in a store (docs/store.md, "Checks"): a clash set, or the excavation, cavity or corridor check
/// of cim/index, kept with its parameters and re-run after every import or update on what that version touched.
struct CheckDefinition {
  /// Hard, Clearance: a clash set. Excavation: works against the assets' protection zones
  /// (index::checkExcavation). Cavity: the assets within a distance of each road cavity (index::checkCavities).
  /// Corridor: the obstacles within a drone corridor's clearance (index::checkCorridors). Cover: the pipes of set A
  /// whose cover under the terrain elements falls below their minimum (index::checkCover). Sensors: each sensor's
  /// nearest assets within a distance (index::checkSensors: `nearest` of them, 3-D).
  enum class Kind { Hard, Clearance, Excavation, Cavity, Corridor, Cover, Sensors };
  std::string name;
  Kind kind = Kind::Clearance;
  /// Selector of set A (excavation: the works, empty: class=excavation|borehole; cavity: the cavities, empty:
  /// class=cavity; corridor: the corridors, empty: class=drone_corridor; cover: the pipes, empty: every pipe;
  /// sensors: the sensors, empty: class=sensor).
  std::string a = "*";
  /// Selector of set B (excavation, cavity and sensors: the assets, empty: type=*; corridor: the obstacles, empty:
  /// class!=drone_corridor); empty for a clash set: A against itself; none for cover.
  std::string b;
  /// Clearance by rules: "gb50289" (built in) or rule files, first match wins; excavation: the zones ("gas_zones",
  /// built in, or a file; empty: gas_zones); cover: the cover table ("cover", built in, or a file; empty: cover).
  /// Files are read again at every run from the path given.
  std::vector<std::string> rules;
  /// Clearance at one distance (3D) instead of rules; cavity: the distance searched (empty: 2 m); corridor: the
  /// clearance beyond the corridor's own radius (empty: 0); sensors: the distance within which a sensor's nearest
  /// asset is looked for (required: it bounds what an update can change).
  std::optional<double> clearanceMeters;
  double toleranceMeters = 0.001;         ///< hard clashes: overlap allowed
  /// Sensors: how many of the nearest assets within clearanceMeters each sensor keeps (k), 1 to kMostNearest.
  std::size_t nearest = 1;
  static constexpr std::size_t kMostNearest = 100;
  std::int64_t created = 0;    ///< the version it was added at (read back)
  std::int64_t evaluated = 0;  ///< its results are current up to this version (read back)
  /// Read back: the kind as the store holds it, where this libcim does not know it (a newer libcim registered the
  /// check). Such a check is listed, and its results read, but it is not run: its results stay as they are.
  std::string unknownKind;
};
/// "hard", "clearance", "excavation", "cavity", "corridor", "cover", "sensors"; parseCheckKind fails (nullopt) on
/// anything else.
std::string_view checkKindName(CheckDefinition::Kind kind);
std::optional<CheckDefinition::Kind> parseCheckKind(std::string_view name);

/// What one run of a check did at one version.
struct CheckRun {
  std::string check;
  std::int64_t version = 0;
  bool full = false;            ///< every element evaluated (the check's first run)
  std::size_t touched = 0;      ///< elements the version added, changed or removed (0 for a full run)
  std::size_t neighbourhood = 0;  ///< elements read to check them: the touched ones and those within reach
  /// Pairs measured: candidate pairs of the clash sets (a pair of two touched elements may count twice); for the
  /// excavation check, works times assets within reach.
  std::size_t pairsEvaluated = 0;
  std::size_t found = 0;     ///< results involving a touched element (all results for a full run)
  std::size_t added = 0;     ///< of them new at this version
  std::size_t resolved = 0;  ///< results active before that are gone
  std::size_t kept = 0;      ///< active before and found again
};

/// A check's result as stored: found at one version, active until it is resolved at a later one.
struct StoredResult {
  std::string check, id;  ///< id: index::stableClashId (type and the two elements)
  std::string type;       ///< index::clashTypeName
  /// At the version asked for: "new" (found at it), "active" (found before, still there) or "resolved" (gone at it).
  std::string status;
  std::int64_t aElement = 0, bElement = 0;  ///< store element ids
  std::string aLayer, aName, aKind, bLayer, bName, bKind;
  double distance = 0.0, horizontal = 0.0;
  std::optional<double> vertical, requiredMeters;
  std::string requiredKind, rule;  ///< rule: the requirement's source (table and clause)
  double x = 0.0, y = 0.0, z = 0.0;  ///< where (scene CRS)
  std::string details;               ///< what a check adds (zone, asset type ...), as a JSON object
  std::int64_t foundIn = 0;
  std::optional<std::int64_t> resolvedIn;
};

struct UpdateReport {
  /// The version made, or nullopt when the input changed nothing (no version is made).
  std::optional<VersionInfo> version;
  Diff diff;
  std::size_t unchanged = 0;
  /// The registered checks re-run on what the version touched (empty when no version was made or none is registered).
  std::vector<CheckRun> checks;
};

/// A version to read: the current one, a number, or the last one made at or before a UTC time.
struct AsOf {
  std::optional<std::int64_t> version;
  std::string time;  ///< "2026-12-05", "2026-12-05T06:00:00Z"; compared as ISO text
  /// "12" -> version 12; anything else a time. Empty -> current.
  static AsOf parse(const std::string& text);
};

class Store {
 public:
  /// Opens a store: a GeoPackage path, or a PostgreSQL connection string (postgresql://..., postgres://..., or
  /// "host=... dbname=..."; the password from PGPASSWORD or ~/.pgpass). With `create`, an absent GeoPackage file or
  /// an empty database gets the schema. Fails with StoreUnreadable (not a libcim store, cannot connect),
  /// StoreSchemaTooNew, FileNotFound.
  static Result<Store> open(const std::string& location, bool create = false);
  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;
  ~Store();

  /// The location, with any password in a connection string replaced by ***.
  std::string location() const;
  bool isPostgres() const;
  /// The scene CRS definition the store was made with (empty for a local scene).
  Result<std::string> crs();
  /// That CRS as the scenes read from the store carry it (nullopt for a local scene); fails where PROJ cannot read
  /// the definition.
  Result<std::optional<geo::Crs>> sceneCrs();

  /// Stores a scene as one new version: an update with automatic keys in which every layer of the scene is in scope.
  Result<UpdateReport> import(const model::Scene& scene, const UpdateOptions& options);
  /// Matches the scene to the current version by key and stores the difference as one new version (none when
  /// nothing differs). Runs in one transaction: on any failure the store stays at the previous version.
  Result<UpdateReport> update(const model::Scene& scene, const UpdateOptions& options);

  Result<std::vector<VersionInfo>> log();
  /// The current (newest) version number; 0 for an empty store.
  Result<std::int64_t> currentVersion();
  /// The version an AsOf names (fails with StoreVersionUnknown when there is none).
  Result<std::int64_t> resolve(const AsOf& asOf);
  /// The scene as it was at a version (all in one read snapshot); with `bounds`, only the elements whose 3-D box
  /// meets it (through the R-tree / GiST index).
  Result<model::Scene> read(const AsOf& asOf = {}, const std::optional<geometry::Aabb>& bounds = std::nullopt);
  /// The elements whose 3-D box meets any of `boxes`, each once, in one read snapshot (none for no boxes).
  Result<model::Scene> read(const AsOf& asOf, const std::vector<geometry::Aabb>& boxes);
  /// The elements of a version, as read() gives them (each with its store element id, in element order), handed to
  /// `sink` one at a time instead of in one scene: a few hundred are decoded at a time, so a city larger than memory
  /// goes through (cim tiles --store with a spool). A sink that fails stops the read; its failure is returned.
  using ElementSink = std::function<Status(const std::string& layer, model::Element&& element)>;
  Status forEachElement(const AsOf& asOf, const ElementSink& sink);
  /// What changed from version `from` to version `to`.
  Result<Diff> diff(std::int64_t from, std::int64_t to);

  /// Registers a check and runs it on the whole current version (when there is one). Fails (InvalidArgument) for a
  /// name in use, a selector or rule table that cannot be read; (StoreVersionUnknown) on a store without versions.
  Result<CheckRun> addCheck(const CheckDefinition& check);
  /// Unregisters a check and drops its results; false when there is none of that name.
  Result<bool> removeCheck(const std::string& name);
  Result<std::vector<CheckDefinition>> checks();
  /// Brings every check up to the current version, one version at a time, each run on the elements that version
  /// touched and those within the check's reach (update() calls it after each version it makes; call it again when
  /// that run failed). Each run is one transaction: results and the check's version move together.
  Result<std::vector<CheckRun>> runChecks();
  /// The results of one check (or all) as of a version: new ones, active ones and those resolved at that version,
  /// by check, then status, then id. A warning names a check whose results are behind that version.
  Result<std::vector<StoredResult>> results(const std::string& check = {}, const AsOf& asOf = {});

  /// Copies every version of this store into `target` (which must be empty), keeping numbers, times, messages and
  /// element histories.
  Status copyTo(Store& target);

  struct Impl;  ///< libcim's own (store/store_impl.h)

 private:
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// The key an update matches an element by when no key fields are given (UpdateOptions::keyFields): a pipe's start
/// and end point numbers ("JS1-JS2"; "id:" and its link id without them), a well's point number, a site feature's
/// kind and source id, else the GUID, else class and name.
std::string automaticKey(const model::Element& e);

/// Whether a location names a PostgreSQL database rather than a GeoPackage file.
bool isPostgresLocation(const std::string& location);

/// One line per change: "+ pipes RQ9-RQ10 (pipe)", "~ pipes JS1-JS2 moved 2.500 m", "  pipe.material: PE -> PVC".
std::string formatDiff(const Diff& diff);

}  // namespace cim::store
