// The store's tables for both databases (see docs/store.md for the columns and what they mean).
#include "store/schema.h"

#include "cim/model/pipe.h"
#include "store/rtree_bulk.h"

namespace cim::store::detail {

const std::vector<GisLayer>& gisLayers() {
  static const std::vector<GisLayer> layers = {
      {"pipes", "LINESTRING", true, "LineStringZ"},
      {"wells", "POINT", true, "PointZ"},
      {"site_polygons", "POLYGON", false, "Polygon"},
      {"site_points", "POINT", true, "PointZ"},
      {"site_lines", "LINESTRING", true, "LineStringZ"},
  };
  return layers;
}

std::vector<std::pair<std::string, char>> gisColumns(const std::string& layer) {
  if (layer == "pipes")
    return {{"type_code", 't'}, {"type_class", 't'}, {"section", 't'}, {"diameter_mm", 'r'}, {"width_mm", 'r'},
            {"height_mm", 'r'}, {"material", 't'}, {"pressure_mpa", 'r'}, {"voltage_kv", 'r'}, {"start_point", 't'},
            {"end_point", 't'}, {"start_depth_m", 'r'}, {"end_depth_m", 'r'}, {"year", 'i'}, {"owner", 't'},
            {"length_m", 'r'}};
  if (layer == "wells")
    return {{"point_id", 't'}, {"type_code", 't'}, {"depth_m", 'r'}, {"diameter_m", 'r'}, {"width_m", 'r'},
            {"length_m", 'r'}, {"feature", 't'}, {"cover_size", 't'}};
  return {{"site_kind", 't'}, {"source_id", 't'}, {"bottom_m", 'r'}, {"top_m", 'r'}, {"radius_m", 'r'}};
}

namespace {

GisValue opt(const std::optional<double>& v) { return v ? GisValue(*v) : GisValue(); }
GisValue text(const std::string& s) { return s.empty() ? GisValue() : GisValue(s); }

std::vector<std::pair<std::string, GisValue>> pipeFields(const model::PipeSegment& p) {
  const bool round = p.section.shape == model::PipeSection::Shape::Circular;
  return {{"type_code", p.type.code},
          {"type_class", std::string(model::classCode(p.type.cls))},
          {"section", std::string(round ? "circular" : "rectangular")},
          {"diameter_mm", round ? GisValue(p.section.outerDiameterMeters * 1000.0) : GisValue()},
          {"width_mm", round ? GisValue() : GisValue(p.section.widthMeters * 1000.0)},
          {"height_mm", round ? GisValue() : GisValue(p.section.heightMeters * 1000.0)},
          {"material", text(p.material)},
          {"pressure_mpa", opt(p.pressureMpa)},
          {"voltage_kv", opt(p.voltageKv)},
          {"start_point", text(p.startPointId)},
          {"end_point", text(p.endPointId)},
          {"start_depth_m", opt(p.startDepthMeters)},
          {"end_depth_m", opt(p.endDepthMeters)},
          {"year", p.year ? GisValue(*p.year) : GisValue()},
          {"owner", text(p.owner)},
          {"length_m", p.length()}};
}

std::vector<std::pair<std::string, GisValue>> siteFields(const model::SiteFeature& f) {
  GisValue bottom, top, radius;
  if (const auto* p = std::get_if<model::SitePrism>(&f.shape)) bottom = p->bottomElevation, top = p->topElevation;
  if (const auto* c = std::get_if<model::SiteCylinder>(&f.shape))
    bottom = c->bottomElevation, top = c->topElevation, radius = c->radiusMeters;
  if (const auto* t = std::get_if<model::SiteTube>(&f.shape)) radius = t->radiusMeters;
  if (const auto* e = std::get_if<model::SiteEllipsoid>(&f.shape))
    bottom = e->center.z() - e->semiAxesMeters.z(), top = e->center.z() + e->semiAxesMeters.z(),
    radius = e->semiAxesMeters.x();
  if (const auto* m = std::get_if<model::SiteMarker>(&f.shape)) radius = m->sizeMeters / 2.0;
  return {{"site_kind", std::string(model::siteKindName(f.kind))},
          {"source_id", text(f.sourceId)},
          {"bottom_m", bottom},
          {"top_m", top},
          {"radius_m", radius}};
}

}  // namespace

std::vector<std::pair<std::string, GisValue>> gisFields(const model::Element& e) {
  if (const auto* p = e.pipe()) return pipeFields(*p);
  if (const auto* w = e.well())
    return {{"point_id", text(w->pointId)}, {"type_code", w->type.code},     {"depth_m", w->depthMeters},
            {"diameter_m", w->diameterMeters}, {"width_m", w->widthMeters}, {"length_m", w->lengthMeters},
            {"feature", text(w->feature)},     {"cover_size", text(w->coverSize)}};
  if (const auto* f = e.site()) return siteFields(*f);
  return {};
}

namespace {

std::string sqlType(char t, Dialect d) {
  if (t == 't') return "TEXT";
  if (t == 'r') return d == Dialect::Sqlite ? "REAL" : "DOUBLE PRECISION";
  return d == Dialect::Sqlite ? "INTEGER" : "BIGINT";
}

void createGpkgMetadata(Db& db, const SrsInfo& srs) {
  db.exec("PRAGMA application_id = 1196444487");  // 'GPKG'
  db.exec("PRAGMA user_version = 10300");
  db.exec(R"(CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY,
    organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
  CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
    description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
    CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
  CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,
    geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
    CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
    CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
    CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
  CREATE TABLE gpkg_extensions (table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL,
    definition TEXT NOT NULL, scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));
  INSERT INTO gpkg_spatial_ref_sys VALUES
    ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
    ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'),
    ('WGS 84 geodetic', 4326, 'EPSG', 4326, 'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]', 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid'))");
  if (srs.id != -1 && srs.id != 0 && srs.id != 4326) {
    auto s = db.prepare("INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)");
    s->bind(1, std::string_view(srs.name));
    s->bind(2, std::int64_t(srs.id));
    s->bind(3, std::string_view(srs.organization));
    s->bind(4, std::int64_t(srs.code));
    s->bind(5, std::string_view(srs.wkt));
    s->bind(6, std::string_view("the store's scene CRS (horizontal part)"));
    s->run();
  }
}

// The R-tree of a GeoPackage feature table, packed from the rows it has at once (rtree_bulk.h), and the triggers of
// the GeoPackage 1.3 rtree extension that keep it from then on.
void createGpkgRtree(Db& db, const std::string& table) {
  const std::string t = quoteIdentifier(table), r = quoteIdentifier("rtree_" + table + "_geom");
  const std::string trig = "rtree_" + table + "_geom_";
  const std::string values = "VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), "
                             "ST_MaxY(NEW.geom))";
  db.exec("CREATE VIRTUAL TABLE " + r + " USING rtree(id, minx, maxx, miny, maxy)");
  std::vector<RtreeEntry> boxes;
  auto rows = db.prepare("SELECT fid, ST_MinX(geom), ST_MaxX(geom), ST_MinY(geom), ST_MaxY(geom) FROM " + t +
                         " WHERE geom NOT NULL AND NOT ST_IsEmpty(geom)");
  while (rows->step()) {
    RtreeEntry& b = boxes.emplace_back();
    b.id = rows->int64(0);
    b.min[0] = rows->real(1), b.max[0] = rows->real(2), b.min[1] = rows->real(3), b.max[1] = rows->real(4);
  }
  bulkLoadRtree(db, "rtree_" + table + "_geom", 2, std::move(boxes));
  db.exec("CREATE TRIGGER " + quoteIdentifier(trig + "insert") + " AFTER INSERT ON " + t +
          " WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom)) BEGIN INSERT OR REPLACE INTO " + r + " " + values +
          "; END");
  db.exec("CREATE TRIGGER " + quoteIdentifier(trig + "update1") + " AFTER UPDATE OF geom ON " + t +
          " WHEN OLD.fid = NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom)) BEGIN INSERT OR REPLACE INTO " +
          r + " " + values + "; END");
  db.exec("CREATE TRIGGER " + quoteIdentifier(trig + "update2") + " AFTER UPDATE OF geom ON " + t +
          " WHEN OLD.fid = NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom)) BEGIN DELETE FROM " + r +
          " WHERE id = OLD.fid; END");
  db.exec("CREATE TRIGGER " + quoteIdentifier(trig + "update3") + " AFTER UPDATE ON " + t +
          " WHEN OLD.fid != NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom)) BEGIN DELETE FROM " + r +
          " WHERE id = OLD.fid; INSERT OR REPLACE INTO " + r + " " + values + "; END");
  db.exec("CREATE TRIGGER " + quoteIdentifier(trig + "update4") + " AFTER UPDATE ON " + t +
          " WHEN OLD.fid != NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom)) BEGIN DELETE FROM " + r +
          " WHERE id IN (OLD.fid, NEW.fid); END");
  db.exec("CREATE TRIGGER " + quoteIdentifier(trig + "delete") + " AFTER DELETE ON " + t +
          " WHEN old.geom NOT NULL BEGIN DELETE FROM " + r + " WHERE id = OLD.fid; END");
  auto s = db.prepare("INSERT INTO gpkg_extensions VALUES (?, 'geom', 'gpkg_rtree_index', "
                      "'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')");
  s->bind(1, std::string_view(table));
  s->run();
}

void createGisLayer(Db& db, const GisLayer& layer, const SrsInfo& srs) {
  const Dialect d = db.dialect();
  const std::string t = quoteIdentifier(layer.name);
  std::string geom = d == Dialect::Sqlite ? std::string(layer.gpkgType) + (layer.z ? "Z" : "")
                                          : "geometry(" + std::string(layer.postgisType) + ", " +
                                                std::to_string(srs.id < 0 ? 0 : srs.id) + ")";
  std::string ddl = "CREATE TABLE " + t + " (fid " + std::string(d == Dialect::Sqlite ? "INTEGER" : "BIGINT") +
                    " PRIMARY KEY, geom " + geom + ", element " + sqlType('i', d) +
                    " NOT NULL, key TEXT, guid TEXT, name TEXT, layer TEXT, valid_from " + sqlType('i', d) +
                    " NOT NULL, valid_to " + sqlType('i', d);
  for (const auto& [name, type] : gisColumns(layer.name)) ddl += ", " + quoteIdentifier(name) + " " + sqlType(type, d);
  db.exec(ddl + ")");
  if (d == Dialect::Postgres) return;
  db.exec("CREATE INDEX " + quoteIdentifier(std::string(layer.name) + "_current") + " ON " + t + " (valid_to)");
  auto c = db.prepare("INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) "
                      "VALUES (?, 'features', ?, ?, ?)");
  c->bind(1, std::string_view(layer.name));
  c->bind(2, std::string_view(layer.name));
  c->bind(3, std::string_view("libcim store: exact shapes of every version (valid_to empty: current)"));
  c->bind(4, std::int64_t(srs.id));
  c->run();
  auto g = db.prepare("INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', ?, ?, ?, 0)");
  g->bind(1, std::string_view(layer.name));
  g->bind(2, std::string_view(layer.gpkgType));
  g->bind(3, std::int64_t(srs.id));
  g->bind(4, std::int64_t(layer.z ? 1 : 0));
  g->run();
}

// The indexes that a bulk load fills faster when they are made after it: PostgreSQL's (GiST and B-tree), the
// GeoPackage's layer R-trees.
void createLayerIndexes(Db& db, const GisLayer& layer) {
  const std::string t = quoteIdentifier(layer.name);
  if (db.dialect() == Dialect::Sqlite) return createGpkgRtree(db, layer.name);
  db.exec("CREATE INDEX " + quoteIdentifier(std::string(layer.name) + "_geom") + " ON " + t + " USING GIST (geom)");
  db.exec("CREATE INDEX " + quoteIdentifier(std::string(layer.name) + "_current") + " ON " + t + " (valid_to)");
}

}  // namespace

void createIndexes(Db& db) {
  if (db.dialect() == Dialect::Postgres) {
    // The current rows' keys and hashes (what an update compares) from the index alone (an index-only scan: the
    // first import loads the table frozen), not from the table, whose pages hold the element blobs.
    db.exec("CREATE INDEX cim_element_current ON cim_element (valid_to, element) INCLUDE (row, hash, layer, key, kind, "
            "name, gis)");
    db.exec("CREATE INDEX cim_element_history ON cim_element (element, valid_from)");
    // The box as its diagonal, indexed in plan (x, y); the box queries compare z on the columns minz/maxz. PostGIS
    // builds a 2-D GiST index sorted, at once (0.22 s for the synthetic city's 110,000 rows), an n-D one by insertion
    // (0.67 s). Stores made before keep their n-D index, and their box queries its operator (Store::Impl::loadMeta).
    db.exec("CREATE INDEX cim_element_bbox ON cim_element USING GIST (bbox)");
  }
  for (const auto& layer : gisLayers()) createLayerIndexes(db, layer);
  if (db.dialect() == Dialect::Postgres)
    // Statistics for the loaded table now, not at autovacuum's next round: without them the planner took the 100,000
    // pipes of a layer for one row, and looked a change set's keys up by reading the whole layer's index entries.
    // Of the columns the store's queries select by, from a small sample (3,000 rows; layers are few, keys unique):
    // 0.06 s on the synthetic city, where the default sample took 0.6 s and all columns (blobs, geometry) 2 s.
    db.exec("SET LOCAL default_statistics_target = 10; ANALYZE cim_element (row, element, layer, key, valid_from, "
            "valid_to); SET LOCAL default_statistics_target = DEFAULT");
}

void createSchema(Db& db, const SrsInfo& srs, bool deferIndexes) {
  const Dialect d = db.dialect();
  const std::string i = sqlType('i', d), r = sqlType('r', d), blob = d == Dialect::Sqlite ? "BLOB" : "BYTEA";
  if (d == Dialect::Sqlite) createGpkgMetadata(db, srs);
  if (d == Dialect::Postgres) db.exec("CREATE EXTENSION IF NOT EXISTS postgis");
  db.exec("CREATE TABLE cim_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
  db.exec("CREATE TABLE cim_version (version " + i +
          " PRIMARY KEY, time TEXT NOT NULL, source TEXT, message TEXT, kind TEXT NOT NULL, added " + i +
          ", removed " + i + ", changed " + i + ")");
  std::string element = "CREATE TABLE cim_element (row " + i + " PRIMARY KEY, element " + i +
                        " NOT NULL, layer TEXT NOT NULL, key TEXT NOT NULL, guid TEXT, kind TEXT, name TEXT, "
                        "attributes TEXT, payload " + blob + " NOT NULL, hash " + i + " NOT NULL, gis TEXT, minx " + r +
                        ", miny " + r + ", minz " + r + ", maxx " + r + ", maxy " + r + ", maxz " + r +
                        ", valid_from " + i + " NOT NULL, valid_to " + i;
  if (d == Dialect::Postgres) element += ", bbox geometry(LineStringZ)";
  db.exec(element + ")");
  // The blobs are packed already (meshoptimizer): never compressed again. Rows up to a page (8160 bytes: a pipe's
  // row is 2-3 KB) stay whole in the table instead of going to TOAST at 2 KB, which wrote each blob as chunk rows
  // of a second table with an index of its own, and read it back through that index.
  if (d == Dialect::Postgres)
    db.exec("ALTER TABLE cim_element ALTER payload SET STORAGE EXTERNAL, SET (toast_tuple_target = 8160)");
  if (d == Dialect::Sqlite) {
    // GeoPackage: the current rows' keys and hashes (what an update compares) straight from the index, without
    // reading the table, whose pages are mostly element blobs. (B-trees filled in key order: made at once.)
    db.exec("CREATE INDEX cim_element_current ON cim_element (valid_to, element, row, hash, layer, key, kind, name, gis)");
    db.exec("CREATE INDEX cim_element_history ON cim_element (element, valid_from)");
    db.exec("CREATE VIRTUAL TABLE cim_element_bbox USING rtree(id, minx, maxx, miny, maxy, minz, maxz)");
    db.exec("INSERT INTO gpkg_contents (table_name, data_type, identifier, description) VALUES ('cim_version', "
            "'attributes', 'cim_version', 'libcim store: one row per import or update')");
  }
  for (const auto& layer : gisLayers()) createGisLayer(db, layer, srs);
  if (!deferIndexes) createIndexes(db);
}

}  // namespace cim::store::detail
