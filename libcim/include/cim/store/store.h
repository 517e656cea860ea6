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
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cim/core/result.h"
#include "cim/geometry/aabb.h"
#include "cim/model/scene.h"

namespace cim::store {

/// The schema version this libcim writes and reads (a store of a newer one is refused with StoreSchemaTooNew).
inline constexpr int kSchemaVersion = 1;

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
  bool moved = false;                    ///< the geometry changed (exact shape or mesh)
  double displacementMeters = 0.0;       ///< how far it moved (end points, cover, reference point, box centre)
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
  /// How long a writer waits for another one before failing with StoreBusy.
  int waitMilliseconds = 10000;
};

struct UpdateReport {
  /// The version made, or nullopt when the input changed nothing (no version is made).
  std::optional<VersionInfo> version;
  Diff diff;
  std::size_t unchanged = 0;
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
  /// What changed from version `from` to version `to`.
  Result<Diff> diff(std::int64_t from, std::int64_t to);

  /// Copies every version of this store into `target` (which must be empty), keeping numbers, times, messages and
  /// element histories.
  Status copyTo(Store& target);

 private:
  struct Impl;
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// Whether a location names a PostgreSQL database rather than a GeoPackage file.
bool isPostgresLocation(const std::string& location);

/// One line per change: "+ pipes RQ9-RQ10 (pipe)", "~ pipes JS1-JS2 moved 2.500 m", "  pipe.material: PE -> PVC".
std::string formatDiff(const Diff& diff);

}  // namespace cim::store
