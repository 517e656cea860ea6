#pragma once
// The store's tables (docs/store.md): the DDL for SQLite/GeoPackage and for PostgreSQL/PostGIS, the GIS layers'
// columns, and each element's values for its GIS layer.

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "cim/model/element.h"
#include "store/db.h"

namespace cim::store::detail {

/// The GIS layers of exact shapes: name, GeoPackage geometry type, PostGIS geometry type.
struct GisLayer {
  const char* name;
  const char* gpkgType;  ///< LINESTRING, POINT, POLYGON
  bool z;
  const char* postgisType;
};
const std::vector<GisLayer>& gisLayers();

using GisValue = std::variant<std::monostate, std::int64_t, double, std::string>;
/// The layer-specific columns of an element's GIS row (after the common ones: fid, geom, element, key, guid, name,
/// layer, valid_from, valid_to), as name and value.
std::vector<std::pair<std::string, GisValue>> gisFields(const model::Element& e);
/// The layer-specific column names and SQL types of a GIS layer (the same for both databases: TEXT, REAL/DOUBLE,
/// INTEGER/BIGINT are written per dialect).
std::vector<std::pair<std::string, char>> gisColumns(const std::string& layer);  ///< type: 't', 'r', 'i'

/// Creates every table, index and (GeoPackage) metadata row of an empty store. `srsId` is the GeoPackage srs_id or
/// PostGIS SRID of the GIS layers; `srsName`, `srsOrganization`, `srsCode`, `srsWkt` describe it for the GeoPackage.
struct SrsInfo {
  int id = -1;
  std::string name, organization, wkt;
  int code = -1;
};
/// With `deferIndexes`, the indexes a bulk load fills faster afterwards (PostgreSQL's GiST and B-tree indexes, the
/// GeoPackage layers' R-trees and their triggers) are left for createIndexes, to be called in the same transaction
/// once the rows are in.
void createSchema(Db& db, const SrsInfo& srs, bool deferIndexes = false);
void createIndexes(Db& db);

}  // namespace cim::store::detail
