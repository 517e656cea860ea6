#pragma once
// What Store's source files share (store.cpp: versions and elements; checks.cpp: registered checks and their results):
// the store's state behind its public class.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cim/geo/crs.h"
#include "cim/store/store.h"
#include "model/element_blob.h"
#include "store/db.h"

namespace cim::store {

struct Store::Impl {
  std::unique_ptr<detail::Db> db;
  std::string location;
  bool postgres = false;
  bool fresh = false;  ///< opened with create, schema not yet written (it needs the first scene's CRS)
  std::string crs;
  int srsId = -1;
  int schemaVersion = kSchemaVersion;  ///< the store's (cim_meta); its element blobs are written in its format
  /// The content hash version of the store's hashes (cim_meta hash_version; 1 when absent: stores made before it).
  int hashVersion = model::detail::kHashVersion;
  /// PostgreSQL: the box index is n-D (gist_geometry_ops_nd, stores made before the 2-D one): box queries use &&&.
  bool ndBoxIndex = false;
  /// GeoPackage: the file did not exist before this open made it. Closed while still fresh (no version went in: a
  /// failed first import), the empty file is removed again rather than left behind.
  bool madeFile = false;

  ~Impl();

  void loadMeta();
  /// Creates the tables (see createSchema for `deferIndexes`); the store's hashes will be of `hashVersion`.
  void writeSchema(const std::string& crsDefinition, bool deferIndexes = false,
                   int hashVersion = model::detail::kHashVersion);
  /// The scene CRS of the store's `crs` (none for local metres).
  Result<std::optional<geo::Crs>> sceneCrs() const;
  /// The version an AsOf names (throws std::invalid_argument when there is none).
  std::int64_t resolveIn(const AsOf& asOf);
  /// The scene at `version` inside the caller's transaction; with `boxes`, only the elements whose 3-D box meets one
  /// of them (each once). Elements carry their store element id as their scene id.
  model::Scene readScene(std::int64_t version, const std::vector<geometry::Aabb>* boxes,
                         std::vector<Diagnostic>& diagnostics);
  /// Store::read: readScene as of `asOf` in a read transaction of its own (no boxes: every element).
  Result<model::Scene> readIn(const AsOf& asOf, const std::vector<geometry::Aabb>* boxes);
};

namespace detail {
/// A database failure as the diagnostic the store's API returns (StoreBusy when another writer holds the lock).
Diagnostic dbError(const DbError& e, const std::string& location);
/// Called in a `catch (...)` around a read: the failure as the diagnostic the API returns (a DbError as dbError
/// gives it; a version that does not exist, std::invalid_argument from resolveIn, as StoreVersionUnknown), after
/// rolling `db` back when given. Any other exception passes on, nothing rolled back.
Diagnostic readFailure(Db* db, const std::string& location);
/// Copies the registered checks and every result they found (cim_check, cim_result) from `from` into `to`, inside
/// the caller's transactions (Store::copyTo); nothing when `from` has no checks table. Throws DbError.
void copyChecks(Db& from, Db& to);
}  // namespace detail

}  // namespace cim::store
