// The versioned store on a GeoPackage: round trip of the bundled sample, the GIS layers as GDAL sees them, updates
// by key, history, hostile names, refusal of what is not a store, readers during a writer.
#include <atomic>
#include <chrono>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include <catch2/catch.hpp>
#include <gdal.h>
#include <ogr_api.h>
#include <sqlite3.h>

#include "cim/app/load.h"
#include "cim/app/store.h"
#include "cim/model/pipe_element.h"
#include "cim/store/store.h"
#include "store/codec.h"
#include "support/store_sample.h"
#include "support/test_scenes.h"
#include "support/test_support.h"

using namespace cim;
using cimtest::TempDir;
using cimtest::writeFile;
namespace fs = std::filesystem;

namespace {

store::Store openStore(const std::string& path, bool create = false) {
  auto s = store::Store::open(path, create);
  INFO((s.ok() ? std::string() : s.error()->message));
  REQUIRE(s.ok());
  return std::move(s).value();
}

const store::Change* findChange(const store::Diff& d, const std::string& key) {
  for (const auto& c : d.changes)
    if (c.key == key) return &c;
  return nullptr;
}

void sqlite(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  INFO((error ? error : ""));
  sqlite3_free(error);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
}

// Every R-tree of the GeoPackage passes SQLite's own check, and the box index holds each element row's box (the
// first import packs them at once, updates insert into them: store/rtree_bulk.h).
void requireRtreesIntact(const std::string& path) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  auto all = [&](const std::string& sql) {
    std::vector<std::string> out;
    sqlite3_stmt* s = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK);
    while (sqlite3_step(s) == SQLITE_ROW) out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
    sqlite3_finalize(s);
    return out;
  };
  const auto trees = all("SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE % USING rtree%'");
  CHECK(trees.size() >= 2);
  for (const auto& t : trees) {
    INFO(t);
    CHECK(all("SELECT rtreecheck('" + t + "')") == std::vector<std::string>{"ok"});
  }
  CHECK(all("SELECT count(*) FROM cim_element_bbox") == all("SELECT count(*) FROM cim_element WHERE minx NOT NULL"));
  // Each GIS layer's R-tree holds exactly its rows with a geometry (updates fill it directly, their triggers set
  // aside), and the layer has its six R-tree triggers.
  for (const auto& layer : all("SELECT table_name FROM gpkg_extensions WHERE extension_name = 'gpkg_rtree_index'")) {
    INFO(layer);
    const std::string t = "\"" + layer + "\"", r = "\"rtree_" + layer + "_geom\"";
    CHECK(all("SELECT count(*) FROM " + t + " LEFT JOIN " + r + " ON id = fid WHERE geom NOT NULL AND id IS NULL") ==
          std::vector<std::string>{"0"});
    CHECK(all("SELECT count(*) FROM " + r + " LEFT JOIN " + t + " ON id = fid WHERE fid IS NULL") ==
          std::vector<std::string>{"0"});
    CHECK(all("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = '" + layer + "'") ==
          std::vector<std::string>{"6"});
  }
  CHECK(all("SELECT count(*) FROM cim_element e JOIN cim_element_bbox b ON b.id = e.row WHERE b.minx > e.minx OR "
            "b.maxx < e.maxx OR b.miny > e.miny OR b.maxy < e.maxy OR b.minz > e.minz OR b.maxz < e.maxz") ==
        std::vector<std::string>{"0"});
  sqlite3_close(db);
}

}  // namespace

TEST_CASE("store: the bundled sample reads back equal from a GeoPackage", "[store]") {
  TempDir dir;
  const std::string path = (dir / "city.gpkg").string();
  const model::Scene scene = cimtest::storeSampleScene();
  auto st = openStore(path, true);
  store::UpdateOptions o;
  o.source = "sample", o.message = "the sample";
  auto r = st.import(scene, o);
  REQUIRE(r.ok());
  REQUIRE(r->version);
  CHECK(r->version->number == 1);
  CHECK(r->diff.added() == scene.elementCount());
  requireRtreesIntact(path);
  auto back = st.read();
  REQUIRE(back.ok());
  REQUIRE(back->crs());
  CHECK(back->crs()->definition() == "EPSG:4549+5737");
  cimtest::requireSameScene(scene, back.value());
  cimtest::requireStreamedAsRead(st);
  // A second process-like open of the file sees the same.
  auto again = openStore(path);
  auto back2 = again.read();
  REQUIRE(back2.ok());
  cimtest::requireSameScene(scene, back2.value());
}

TEST_CASE("store: GDAL opens the pipe layer as 3-D lines with their fields", "[store]") {
  TempDir dir;
  const std::string path = (dir / "city.gpkg").string();
  const model::Scene scene = cimtest::storeSampleScene();
  std::size_t pipes = 0;
  scene.forEachElement([&](const model::Layer&, const model::Element& e) { pipes += e.pipe() ? 1 : 0; });
  REQUIRE(pipes > 20);
  {
    auto st = openStore(path, true);
    REQUIRE(st.import(scene, {}).ok());
  }
  GDALAllRegister();
  GDALDatasetH ds = GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
  REQUIRE(ds != nullptr);
  OGRLayerH layer = GDALDatasetGetLayerByName(ds, "pipes");
  REQUIRE(layer != nullptr);
  CHECK(OGR_L_GetGeomType(layer) == wkbLineString25D);
  CHECK(std::size_t(OGR_L_GetFeatureCount(layer, 1)) == pipes);
  OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
  for (const char* field : {"material", "diameter_mm", "start_point", "end_point", "valid_from", "valid_to"})
    CHECK(OGR_FD_GetFieldIndex(defn, field) >= 0);
  // The spatial index answers a box query: the pipes of a 10 m square around RQ1 (E 515270, N 3347840).
  OGR_L_SetSpatialFilterRect(layer, 515265, 3347835, 515275, 3347845);
  CHECK(OGR_L_GetFeatureCount(layer, 1) >= 1);
  CHECK(std::size_t(OGR_L_GetFeatureCount(layer, 1)) < pipes);
  OGR_L_SetSpatialFilter(layer, nullptr);
  OGR_L_SetAttributeFilter(layer, "start_point = 'RQ1'");
  OGRFeatureH f = OGR_L_GetNextFeature(layer);
  REQUIRE(f != nullptr);
  CHECK(std::string(OGR_F_GetFieldAsString(f, OGR_FD_GetFieldIndex(defn, "material"))) == "PE");
  CHECK(OGR_F_GetFieldAsDouble(f, OGR_FD_GetFieldIndex(defn, "diameter_mm")) == Approx(250));
  OGRGeometryH g = OGR_F_GetGeometryRef(f);
  REQUIRE(g != nullptr);
  CHECK(OGR_G_GetPointCount(g) == 2);
  CHECK(OGR_G_GetX(g, 0) == Approx(515270.0));
  CHECK(OGR_G_GetY(g, 0) == Approx(3347840.0));
  OGR_F_Destroy(f);
  CHECK(GDALDatasetGetLayerByName(ds, "wells") != nullptr);
  CHECK(GDALDatasetGetLayerByName(ds, "site_polygons") != nullptr);
  GDALClose(ds);
}

TEST_CASE("store: the scripted update gives exactly its diff, a new version and the old one as of", "[store]") {
  TempDir dir;
  const std::string path = (dir / "city.gpkg").string();
  const model::Scene scene = cimtest::storeSampleScene();
  auto st = openStore(path, true);
  REQUIRE(st.import(scene, {}).ok());

  app::StoreUpdateOptions o;
  o.update.message = "scripted update";
  const auto lines = cimtest::writeScriptedUpdate(dir.path() / "update");
  auto r = app::storeUpdate(path, {lines}, o);
  INFO((r.ok() ? app::toText(r.value()) : r.error()->message));
  REQUIRE(r.ok());
  REQUIRE(r->report.version);
  CHECK(r->report.version->number == 2);
  const auto& d = r->report.diff;
  INFO(store::formatDiff(d));
  CHECK(d.added() == 1);
  CHECK(d.removed() == 1);
  CHECK(d.changed() == 2);
  CHECK(d.moved() == 1);
  REQUIRE(findChange(d, "RQ7-RQ8"));
  CHECK(findChange(d, "RQ7-RQ8")->kind == store::Change::Kind::Added);
  REQUIRE(findChange(d, "TX7-TX8"));
  CHECK(findChange(d, "TX7-TX8")->kind == store::Change::Kind::Removed);
  const auto* moved = findChange(d, "JS7-JS8");
  REQUIRE(moved);
  CHECK(moved->moved);
  CHECK(moved->displacementMeters == Approx(0.5).margin(1e-6));
  requireRtreesIntact(path);
  const auto* material = findChange(d, "JS1-JS2");
  REQUIRE(material);
  CHECK_FALSE(material->moved);
  bool sawMaterial = false;
  for (const auto& a : material->attributes)
    if (a.name == "pipe.material") sawMaterial = a.before == "球墨铸铁" && a.after == "钢";
  CHECK(sawMaterial);
  // The same diff from the history.
  auto again = st.diff(1, 2);
  REQUIRE(again.ok());
  CHECK(store::formatDiff(again.value()) == store::formatDiff(d));
  // Version 1 as of, equal to the imported scene; the current one differs by one pipe net.
  auto v1 = st.read(store::AsOf::parse("1"));
  REQUIRE(v1.ok());
  cimtest::requireSameScene(scene, v1.value());
  auto v2 = st.read();
  REQUIRE(v2.ok());
  CHECK(v2->elementCount() == scene.elementCount());
  // As of a date: today is at or after both versions.
  auto log = st.log();
  REQUIRE(log.ok());
  REQUIRE(log->size() == 2);
  CHECK((*log)[1].message == "scripted update");
  CHECK(st.resolve(store::AsOf::parse((*log)[1].time)).value() == 2);
  CHECK_FALSE(st.resolve(store::AsOf::parse("2000-01-01")).ok());
  CHECK_FALSE(st.resolve(store::AsOf::parse("9")).ok());
  // Re-importing the same files changes nothing and makes no version.
  auto same = app::storeUpdate(path, {lines}, o);
  REQUIRE(same.ok());
  CHECK_FALSE(same->report.version);
  CHECK(same->report.diff.changes.empty());
  CHECK(same->report.unchanged > 20);
  CHECK(st.currentVersion().value() == 2);
  CHECK(app::toText(same.value()).find("nothing changed") != std::string::npos);
}

TEST_CASE("store: a pipe whose mesh alone changed is reported so, not as moved", "[store]") {
  TempDir dir;
  const std::string path = (dir / "city.gpkg").string();
  auto st = openStore(path, true);
  REQUIRE(st.import(cimtest::storeSampleScene(), {}).ok());
  const auto sample = cimtest::sourceDir() / "data/hangzhou";
  // The whole table again, JS3-JS4 one size larger (DN500): its depth is to the outer top, so its centreline moves
  // 0.05 m down; its neighbours' joints with it are no longer mitred (the sections differ): their meshes change,
  // their centrelines do not.
  std::string lines = cimtest::readText(sample / "pipe_lines.csv");
  const std::string js34 = "JS3,JS4,JS,1.40,1.40,400,";
  REQUIRE(lines.find(js34) != std::string::npos);
  lines.replace(lines.find(js34), js34.size(), "JS3,JS4,JS,1.40,1.40,500,");
  writeFile(dir / "pipe_lines.csv", lines);
  writeFile(dir / "pipe_points.csv", cimtest::readText(sample / "pipe_points.csv"));
  auto r = app::storeUpdate(path, {dir / "pipe_lines.csv"}, {});
  INFO((r.ok() ? app::toText(r.value()) : r.error()->message));
  REQUIRE(r.ok());
  const auto& d = r->report.diff;
  CHECK(d.moved() == 1);
  const auto* js = findChange(d, "JS3-JS4");
  REQUIRE(js);
  CHECK(js->moved);
  CHECK_FALSE(js->meshChanged);
  CHECK(js->displacementMeters == Approx(0.05).margin(1e-9));
  for (const char* key : {"JS2-JS3", "JS4-JS5"}) {
    INFO(key);
    const auto* k = findChange(d, key);
    REQUIRE(k);
    CHECK_FALSE(k->moved);
    CHECK(k->meshChanged);
    CHECK(k->attributes.empty());
  }
  CHECK(store::formatDiff(d).find("JS2-JS3 (pipe) mesh changed, not moved") != std::string::npos);
}

TEST_CASE("store: a change set's pipes are joined to the stored pipes they meet, as in a read of the whole table",
          "[store]") {
  TempDir dir;
  const std::string path = (dir / "city.gpkg").string();
  auto st = openStore(path, true);
  REQUIRE(st.import(cimtest::storeSampleScene(), {}).ok());
  const auto sample = cimtest::sourceDir() / "data/hangzhou";
  const std::string lines = cimtest::readText(sample / "pipe_lines.csv");
  std::string points = cimtest::readText(sample / "pipe_points.csv");
  const std::string header = lines.substr(0, lines.find('\n') + 1);
  app::StoreUpdateOptions partial;
  partial.update.partial = true;
  auto changeSet = [&](const std::string& name, const std::string& rows) {
    fs::create_directories(dir / name);
    writeFile(dir / name / "pipe_lines.csv", header + rows);
    writeFile(dir / name / "pipe_points.csv", points);
    auto r = app::storeUpdate(path, {dir / name / "pipe_lines.csv"}, partial);
    INFO((r.ok() ? app::toText(r.value()) : r.error()->message));
    REQUIRE(r.ok());
    return std::move(r).value();
  };
  // JS3-JS4 alone, of another material: in the whole table its ends are mitred with JS2-JS3 and JS4-JS5, which are
  // stored; it keeps those cuts, so only its material changed.
  const std::string js34 = "JS3,JS4,JS,1.40,1.40,400,钢,0.35,,,,,ZM,2012,水务公司,样例路\n";
  auto a = changeSet("a", js34);
  REQUIRE(a.report.diff.changes.size() == 1);
  const auto& c = a.report.diff.changes.front();
  CHECK(c.key == "JS3-JS4");
  CHECK_FALSE(c.moved);
  CHECK_FALSE(c.meshChanged);
  CHECK(c.attributes.size() == 2);  // pipe.material and the source column 材质
  CHECK(a.rejoined == 0);
  // A new main JS6-JS9 beyond the dead end JS6, turning 14° north: JS5-JS6, stored, now meets one other pipe there,
  // so its end is mitred with the new one's start: it is re-cut and joins the version.
  points += "JS9,JS,3347841.500,515560.000,7.20,1.40,起讫点,,,,样例路\n";
  const std::string js69 = "JS6,JS9,JS,1.40,1.40,400,球墨铸铁,0.35,,,,,ZM,2026,水务公司,样例路\n";
  auto b = changeSet("b", js69);
  CHECK(b.rejoined == 1);
  CHECK(b.report.diff.added() == 1);
  const auto* js56 = findChange(b.report.diff, "JS5-JS6");
  REQUIRE(js56);
  CHECK(js56->meshChanged);
  CHECK_FALSE(js56->moved);
  CHECK(js56->attributes.empty());
  // The store's pipes now have the meshes a read of the whole updated table gives.
  std::string whole = lines + js69;
  const std::string js34Before = "JS3,JS4,JS,1.40,1.40,400,球墨铸铁,0.35,,,,,ZM,2012,水务公司,样例路\n";
  REQUIRE(whole.find(js34Before) != std::string::npos);
  whole.replace(whole.find(js34Before), js34Before.size(), js34);
  fs::create_directories(dir / "whole");
  writeFile(dir / "whole/pipe_lines.csv", whole);
  writeFile(dir / "whole/pipe_points.csv", points);
  app::LoadOptions load;
  load.crs = "EPSG:4549+5737";
  auto expected = app::loadScene({dir / "whole/pipe_lines.csv"}, load);
  REQUIRE(expected.ok());
  auto stored = st.read();
  REQUIRE(stored.ok());
  std::map<std::string, const model::Element*> byKey;
  stored->forEachElement([&](const model::Layer&, const model::Element& e) {
    if (const auto* p = e.pipe()) byKey[p->startPointId + "-" + p->endPointId] = &e;
  });
  std::size_t compared = 0;
  expected->forEachElement([&](const model::Layer&, const model::Element& e) {
    const auto* p = e.pipe();
    if (!p) return;
    const std::string key = p->startPointId + "-" + p->endPointId;
    INFO(key);
    REQUIRE(byKey.count(key));
    REQUIRE(byKey[key]->shapes.size() == 1);
    CHECK(byKey[key]->shapes[0].mesh.positions == e.shapes[0].mesh.positions);
    CHECK(byKey[key]->shapes[0].mesh.origin == e.shapes[0].mesh.origin);
    ++compared;
  });
  CHECK(compared == byKey.size());  // every stored pipe, 28 (the reader skips two of the sample's lines: QA)
  CHECK(compared == 28);
  // The change sets' GIS rows are in the pipes layer's R-tree, and GDAL's box query (which reads it) finds the new
  // main's current row in a 2 m square around its end JS9 (E 515560, N 3347841.5), and only there.
  requireRtreesIntact(path);
  GDALAllRegister();
  GDALDatasetH ds = GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
  REQUIRE(ds != nullptr);
  OGRLayerH layer = GDALDatasetGetLayerByName(ds, "pipes");
  REQUIRE(layer != nullptr);
  OGR_L_SetAttributeFilter(layer, "valid_to IS NULL AND start_point = 'JS6' AND end_point = 'JS9'");
  CHECK(OGR_L_GetFeatureCount(layer, 1) == 1);
  OGR_L_SetSpatialFilterRect(layer, 515559, 3347840.5, 515561, 3347842.5);
  CHECK(OGR_L_GetFeatureCount(layer, 1) == 1);
  OGR_L_SetSpatialFilterRect(layer, 515580, 3347840.5, 515582, 3347842.5);
  CHECK(OGR_L_GetFeatureCount(layer, 1) == 0);
  GDALClose(ds);
}

TEST_CASE("store: update keys by GUID, point numbers and a user field", "[store]") {
  TempDir dir;
  const std::string path = (dir / "keys.gpkg").string();
  model::Scene a(cimtest::hangzhouCrs());
  const model::Material m{"m", {}};
  for (int i = 0; i < 3; ++i) {
    auto e = cimtest::elementOf(cimtest::boxMesh({515000.0 + 10 * i, 3347000, 5}, {1, 1, 1}), "IfcWall",
                                "wall " + std::to_string(i), m);
    e.attributes["Tag"] = std::string("T") + std::to_string(i);
    a.addElement("bim", std::move(e));
  }
  auto st = openStore(path, true);
  REQUIRE(st.import(a, {}).ok());
  // New GUIDs, same tags: by GUID all are new; by Tag they are the same elements, one moved 2 m east.
  model::Scene b(cimtest::hangzhouCrs());
  for (int i = 0; i < 3; ++i) {
    auto e = cimtest::elementOf(cimtest::boxMesh({515000.0 + 10 * i + (i == 1 ? 2 : 0), 3347000, 5}, {1, 1, 1}),
                                "IfcWall", "wall " + std::to_string(i), m);
    e.guid = "new-" + std::to_string(i);
    e.attributes["Tag"] = std::string("T") + std::to_string(i);
    b.addElement("bim", std::move(e));
  }
  store::UpdateOptions byTag;
  byTag.keyFields = {"Tag"};
  // The stored keys are GUIDs (automatic), so the first update by Tag sees three new tags and three removed GUIDs.
  auto first = st.update(b, byTag);
  REQUIRE(first.ok());
  CHECK(first->diff.added() == 3);
  CHECK(first->diff.removed() == 3);
  // From now on the key is the tag: moving one wall by 2 m is one change.
  model::Scene c = b;
  auto& wall = c.layer("bim").elements[0];
  wall.shapes[0].mesh.origin.x() += 2.0;
  auto second = st.update(c, byTag);
  REQUIRE(second.ok());
  INFO(store::formatDiff(second->diff));
  REQUIRE(second->diff.changes.size() == 1);
  CHECK(second->diff.changes[0].key == "T0");
  CHECK(second->diff.changes[0].moved);
  CHECK(second->diff.changes[0].displacementMeters == Approx(2.0));
  // A key field an element lacks: the automatic key, with a warning.
  store::UpdateOptions missing;
  missing.keyFields = {"NoSuchField"};
  auto third = st.update(c, missing);
  REQUIRE(third.ok());
  bool warned = false;
  for (const auto& dgn : third.diagnostics()) warned = warned || dgn.code == ErrorCode::StoreKeyMissing;
  CHECK(warned);
}

TEST_CASE("store: hostile layer names, field names and values round-trip exactly", "[store]") {
  TempDir dir;
  const std::string path = (dir / "hostile.gpkg").string();
  model::Scene scene(cimtest::hangzhouCrs());
  const std::vector<std::string> hostile = {"a'b", "x\"; DROP TABLE cim_element; --", "SELECT * FROM", "管线;'\"",
                                            "", "Robert'); DELETE FROM cim_version;--", "line\nbreak\ttab",
                                            "back\\slash \\N\r"};
  int i = 0;
  for (const auto& h : hostile) {
    auto e = cimtest::elementOf(cimtest::boxMesh({515000.0 + i, 3347000, 5}, {1, 1, 1}), "Ifc'Wall", h,
                                model::Material{h, {}});
    e.guid = std::string("g").append(std::to_string(i)).append(h);
    e.attributes[h.empty() ? std::string("empty") : h] = h;
    e.attributes["n;" + h] = std::int64_t(-7);
    e.attributes["DROP TABLE pipes"] = 1.5;
    e.attributes["燃气'"] = true;
    scene.addElement("layer " + h, std::move(e));
    ++i;
  }
  auto st = openStore(path, true);
  store::UpdateOptions o;
  o.message = "'; DROP TABLE cim_version; --";
  o.source = "来源\"";
  REQUIRE(st.import(scene, o).ok());
  auto back = st.read();
  REQUIRE(back.ok());
  cimtest::requireSameScene(scene, back.value());
  auto log = st.log();
  REQUIRE(log.ok());
  REQUIRE(log->size() == 1);
  CHECK((*log)[0].message == o.message);
  CHECK((*log)[0].source == o.source);
}

// A first import that fails (here: its input cannot be read) leaves no empty GeoPackage behind; an empty file that
// was there before is left as it was.
TEST_CASE("store: a failed first import leaves no empty store file", "[store]") {
  TempDir dir;
  const auto path = (dir / "new.gpkg").string();
  auto r = app::storeUpdate(path, {dir / "nowhere.ifc"}, {});
  REQUIRE_FALSE(r.ok());
  CHECK_FALSE(fs::exists(path));
  writeFile(dir / "given.gpkg", "");
  r = app::storeUpdate((dir / "given.gpkg").string(), {dir / "nowhere.ifc"}, {});
  REQUIRE_FALSE(r.ok());
  CHECK(fs::exists(dir / "given.gpkg"));
  // A successful one stays.
  auto st = openStore(path, true);
  REQUIRE(st.import(cimtest::columnsAlongRoad(), {}).ok());
  CHECK(fs::file_size(path) > 0);
}

TEST_CASE("store: two first imports into one new store: the second finds the first's and changes nothing",
          "[store]") {
  // Both stores are opened before either imports: each takes itself for the first. The first import hashes its
  // elements with their rows; the second, finding the store made meanwhile, must hash its own before matching.
  TempDir dir;
  const auto path = (dir / "raced.gpkg").string();
  auto first = openStore(path, true);
  auto second = openStore(path, true);
  const auto scene = cimtest::columnsAlongRoad();
  auto a = first.import(scene, {});
  REQUIRE(a.ok());
  CHECK(a->diff.added() == scene.elementCount());
  auto b = second.import(scene, {});
  REQUIRE(b.ok());
  CHECK(b->diff.changes.empty());
  CHECK(b->unchanged == scene.elementCount());
  auto versions = second.log();
  REQUIRE(versions.ok());
  CHECK(versions->size() == 1);
}

TEST_CASE("store: what is not a store, or a newer one, is refused clearly", "[store]") {
  TempDir dir;
  SECTION("a text file") {
    cimtest::writeFile(dir / "notes.gpkg", "not a database at all\n");
    auto s = store::Store::open((dir / "notes.gpkg").string());
    REQUIRE_FALSE(s.ok());
    CHECK(s.error()->code == ErrorCode::StoreUnreadable);
    CHECK(s.error()->message.find("notes.gpkg") != std::string::npos);
  }
  SECTION("a GeoPackage that GDAL made") {
    const auto path = (dir / "other.gpkg").string();
    sqlite(path, "CREATE TABLE gpkg_contents (table_name TEXT); CREATE TABLE roads (fid INTEGER PRIMARY KEY)");
    for (bool create : {false, true}) {
      auto s = store::Store::open(path, create);
      REQUIRE_FALSE(s.ok());
      CHECK(s.error()->code == ErrorCode::StoreUnreadable);
      CHECK(s.error()->message.find("not a libcim store") != std::string::npos);
    }
  }
  SECTION("a store of a newer schema") {
    const auto path = (dir / "newer.gpkg").string();
    {
      auto st = openStore(path, true);
      REQUIRE(st.import(cimtest::columnsAlongRoad(), {}).ok());
    }
    sqlite(path, "UPDATE cim_meta SET value = '99' WHERE key = 'schema_version'");
    auto s = store::Store::open(path);
    REQUIRE_FALSE(s.ok());
    CHECK(s.error()->code == ErrorCode::StoreSchemaTooNew);
    CHECK(s.error()->message.find("99") != std::string::npos);
  }
  SECTION("no file") {
    auto s = store::Store::open((dir / "absent.gpkg").string());
    REQUIRE_FALSE(s.ok());
    CHECK(s.error()->code == ErrorCode::FileNotFound);
  }
}

TEST_CASE("store: element blobs follow the schema version, and an unknown blob format is not misread", "[store]") {
  TempDir dir;
  const auto path = (dir / "versions.gpkg").string();
  auto firstByte = [&](const std::string& where) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    sqlite3_stmt* s = nullptr;
    const std::string sql =
        std::string("SELECT group_concat(DISTINCT hex(substr(payload, 1, 1))) FROM cim_element WHERE ") + where;
    REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(s) == SQLITE_ROW);
    const auto* t = sqlite3_column_text(s, 0);
    std::string out = t ? reinterpret_cast<const char*>(t) : "";
    sqlite3_finalize(s);
    sqlite3_close(db);
    return out;
  };
  const model::Scene scene = cimtest::columnsAlongRoad();
  {
    auto st = openStore(path, true);
    REQUIRE(st.import(scene, {}).ok());
  }
  // A new store is of schema 2: meshes packed (blob format 2). A libcim of schema 1 refuses it at open (what the
  // newer-schema case above checks with 99), rather than skipping blobs it cannot decode.
  CHECK(store::kSchemaVersion == 2);
  CHECK(firstByte("valid_from = 1") == "02");
  // A first import killed after its commit, before the file went to WAL (its rollback journal mode): the store opens.
  sqlite(path, "PRAGMA journal_mode = DELETE");
  {
    auto st = openStore(path);
    CHECK(st.currentVersion().value() == 1);
  }
  // A store made by a libcim of schema 1 stays readable to it: what this libcim adds to it is format 1.
  sqlite(path, "UPDATE cim_meta SET value = '1' WHERE key = 'schema_version'");
  model::Scene moved = scene;
  auto& first = moved.layer(scene.layers().front().name).elements.front();
  first.shapes.front().mesh.origin.x() += 1.5;
  first.attributes["Note"] = std::string("moved");
  {
    auto st = openStore(path);
    auto r = st.update(moved, {});
    REQUIRE(r.ok());
    REQUIRE(r->version);
    CHECK(r->diff.changes.size() == 1);
    auto back = st.read();
    REQUIRE(back.ok());
    cimtest::requireSameScene(moved, back.value());
  }
  CHECK(firstByte("valid_from = 2") == "01");
  {
    auto st = openStore(path);
    auto back = st.read();
    REQUIRE(back.ok());
    CHECK(back.diagnostics().empty());
    cimtest::requireSameScene(moved, back.value());
  }
  // Both formats decode to the same element; a blob of a format this libcim does not know is refused, not misread.
  const auto& e = scene.layers().front().elements.front();
  auto one = store::detail::encodeElement(e, 1), two = store::detail::encodeElement(e, 2);
  CHECK(one.size() > two.size());
  REQUIRE(store::detail::decodeElement(one));
  REQUIRE(store::detail::decodeElement(two));
  CHECK(store::detail::contentHash(*store::detail::decodeElement(one)) == store::detail::contentHash(e));
  CHECK(store::detail::contentHash(*store::detail::decodeElement(two)) == store::detail::contentHash(e));
  two[0] = 3;
  CHECK_FALSE(store::detail::decodeElement(two));
  CHECK_THROWS_AS(store::detail::encodeElement(e, 3), std::invalid_argument);
}

TEST_CASE("store: rows whose blob cannot be read are named and counted, and the rest is read", "[store]") {
  TempDir dir;
  const auto path = (dir / "unreadable.gpkg").string();
  const model::Scene scene = cimtest::columnsAlongRoad();
  REQUIRE(scene.elementCount() > 3);
  {
    auto st = openStore(path, true);
    REQUIRE(st.import(scene, {}).ok());
  }
  sqlite(path, "UPDATE cim_element SET payload = x'09' WHERE row = 2");  // a blob format this libcim does not know
  auto st = openStore(path);
  auto skipped = [](const std::vector<Diagnostic>& ds) {
    std::vector<std::string> out;
    for (const auto& d : ds)
      if (d.code == ErrorCode::StoreElementUnreadable) out.push_back(d.elementId + "|" + d.message);
    return out;
  };
  const std::vector<std::string> expected = {
      "2|element row holds a blob this libcim cannot read; skipped", "|1 element row(s) skipped"};
  auto read = st.read();
  REQUIRE(read.ok());
  CHECK(read->elementCount() == scene.elementCount() - 1);
  CHECK(skipped(read.diagnostics()) == expected);
  std::size_t handed = 0;
  auto streamed = st.forEachElement({}, [&](const std::string&, model::Element&&) {
    ++handed;
    return okStatus();
  });
  REQUIRE(streamed.ok());
  CHECK(handed == scene.elementCount() - 1);
  CHECK(skipped(streamed.diagnostics()) == expected);
  // A sink that fails after the unreadable row: its error, with the row named and counted before it.
  handed = 0;
  auto stopped = st.forEachElement({}, [&](const std::string&, model::Element&&) {
    return ++handed == 2 ? Status::failure(Diagnostic::error(ErrorCode::FileUnwritable, "the disk is full"))
                         : okStatus();
  });
  REQUIRE_FALSE(stopped.ok());
  CHECK(stopped.error()->message == "the disk is full");
  CHECK(skipped(stopped.diagnostics()) == expected);
}

namespace {

// Every row's hash as `version` makes it from the row's blob (what a libcim of that hash version wrote).
void rehashRows(const std::string& path, int version) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt *read = nullptr, *write = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT row, payload FROM cim_element", -1, &read, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_prepare_v2(db, "UPDATE cim_element SET hash = ? WHERE row = ?", -1, &write, nullptr) == SQLITE_OK);
  std::vector<std::pair<std::int64_t, std::int64_t>> hashes;
  while (sqlite3_step(read) == SQLITE_ROW) {
    const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(read, 1));
    const auto e = store::detail::decodeElement(store::detail::Blob(p, p + sqlite3_column_bytes(read, 1)));
    REQUIRE(e);
    hashes.emplace_back(sqlite3_column_int64(read, 0), store::detail::contentHash(*e, version));
  }
  sqlite3_finalize(read);
  for (const auto& [row, hash] : hashes) {
    sqlite3_bind_int64(write, 1, hash), sqlite3_bind_int64(write, 2, row);
    REQUIRE(sqlite3_step(write) == SQLITE_DONE);
    sqlite3_reset(write);
  }
  sqlite3_finalize(write);
  sqlite3_close(db);
}

std::set<std::int64_t> storedHashes(const std::string& path, const std::string& where) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, ("SELECT hash FROM cim_element WHERE " + where).c_str(), -1, &s, nullptr) == SQLITE_OK);
  std::set<std::int64_t> out;
  while (sqlite3_step(s) == SQLITE_ROW) out.insert(sqlite3_column_int64(s, 0));
  sqlite3_finalize(s);
  sqlite3_close(db);
  return out;
}

// A fixed element, every field the content hash covers built by hand: its hashes are pinned below, since every store
// in use holds hashes of these bytes (a change to them makes every element of every store look changed).
model::Element pinnedHashElement() {
  model::Element e;
  e.guid = "2O2Fr$t4X7Zf8NOew3FLOH";
  e.kind = "pipe";
  e.name = "RQ5-RQ6 燃气";
  e.attributes["pipe.material"] = std::string("PE");
  e.attributes["pipe.diameterMillimeters"] = 200.0;
  e.attributes["pipe.year"] = std::int64_t{2019};
  e.attributes["checked"] = true;
  e.attributes["empty"] = std::monostate{};
  e.attributes["pipe.source"] = std::string("lines.csv");  // provenance: not hashed
  model::Shape s;
  s.material = {"RQ 燃气", {1.0f, 0.0f, 1.0f, 1.0f}};
  s.mesh.origin = {514000.25, 3347839.5, 5.125};
  s.mesh.positions = {{0, 0, 0}, {1, 0, 0}, {0, 1, 0.5f}};
  s.mesh.normals = {{0, 0, 1}, {0, 0, 1}, {0, 0, 1}};
  s.mesh.indices = {0, 1, 2};
  s.mesh.featureIds = {7, 7, 7};
  e.shapes.push_back(s);
  e.connectedTo = {"well-RQ5"};
  model::PipeSegment p;
  p.centreline = {{514000.25, 3347839.5, 5.125}, {514010.0, 3347839.5, 5.0}};
  p.section.outerDiameterMeters = 0.2;
  p.type = *model::pipeTypeFromCode("RQ");
  p.id = "RQ5-RQ6", p.startPointId = "RQ5", p.endPointId = "RQ6", p.material = "PE";
  p.pressureMpa = 0.4, p.year = 2019, p.owner = "杭州燃气";
  p.startDepthMeters = 1.2, p.endDepthMeters = 1.3;
  p.source = "lines.csv", p.sourceRow = 12;
  e.parametric = std::make_shared<const model::ParametricShape>(p);
  return e;
}

std::set<std::int64_t> hashesOf(const model::Scene& scene, int version) {
  std::set<std::int64_t> out;
  for (const auto& l : scene.layers())
    for (const auto& e : l.elements) out.insert(store::detail::contentHash(e, version));
  return out;
}

}  // namespace

TEST_CASE("store: a store keeps the content hash version it was made with, a copy takes the newest", "[store]") {
  TempDir dir;
  const auto path = (dir / "hashes.gpkg").string();
  const model::Scene scene = cimtest::storeSampleScene();
  // The two versions differ, and each is a function of the content only.
  const auto& e = scene.layers().front().elements.front();
  CHECK(store::detail::contentHash(e, 1) != store::detail::contentHash(e, 2));
  CHECK(store::detail::contentHash(e) == store::detail::contentHash(e, store::detail::kHashVersion));
  CHECK(store::detail::contentHash(*store::detail::decodeElement(store::detail::encodeElement(e)), 1) ==
        store::detail::contentHash(e, 1));
  CHECK_THROWS_AS(store::detail::contentHash(e, 3), std::invalid_argument);
  // Pinned: version 1 as the libcim before hash versions computed it (its own code, built apart), version 2 as XXH3
  // of the same bytes.
  const model::Element pinned = pinnedHashElement();
  CHECK(store::detail::contentHash(pinned, 1) == 5460221372196246361LL);
  CHECK(store::detail::contentHash(pinned, 2) == -7104775154985838339LL);
  {
    auto st = openStore(path, true);
    REQUIRE(st.import(scene, {}).ok());
  }
  // A new store records version 2 and holds version 2 hashes.
  CHECK(storedHashes(path, "1") == hashesOf(scene, 2));
  // Made into a store of before hash versions: version 1 hashes, no hash_version.
  sqlite(path, "DELETE FROM cim_meta WHERE key = 'hash_version'");
  rehashRows(path, 1);
  CHECK(storedHashes(path, "1") == hashesOf(scene, 1));
  model::Scene moved = scene;
  for (auto& m : moved.layer(scene.layers().front().name).elements)
    if (!m.shapes.empty()) {
      m.shapes.front().mesh.origin.x() += 0.25;
      break;
    }
  {
    auto st = openStore(path);
    auto same = st.update(scene, {});  // hashed with version 2, it would all look changed
    REQUIRE(same.ok());
    CHECK_FALSE(same->version);
    CHECK(same->diff.changes.empty());
    auto r = st.update(moved, {});
    REQUIRE(r.ok());
    REQUIRE(r->version);
    CHECK(r->diff.changes.size() == 1);
  }
  CHECK(storedHashes(path, "valid_to IS NULL") == hashesOf(moved, 1));
  // The copy hashes every row again with version 2 and says so; updating it with the same scene changes nothing.
  const auto copy = (dir / "copy.gpkg").string();
  {
    auto from = openStore(path);
    auto to = openStore(copy, true);
    REQUIRE(from.copyTo(to).ok());
  }
  CHECK(storedHashes(copy, "valid_to IS NULL") == hashesOf(moved, 2));
  requireRtreesIntact(copy);  // the copy packs its box index too, with every version's rows
  {
    auto st = openStore(copy);
    auto same = st.update(moved, {});
    REQUIRE(same.ok());
    CHECK_FALSE(same->version);
  }
  // A hash version this libcim does not know: the store reads, an update is refused.
  sqlite(copy, "UPDATE cim_meta SET value = '7' WHERE key = 'hash_version'");
  auto st = openStore(copy);
  CHECK(st.read().ok());
  auto refused = st.update(scene, {});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error()->code == ErrorCode::StoreSchemaTooNew);
  CHECK(refused.error()->message.find("version 7") != std::string::npos);
}

TEST_CASE("store: a partial update adds and changes but removes nothing, replace-all removes other layers", "[store]") {
  TempDir dir;
  const auto path = (dir / "partial.gpkg").string();
  model::Scene scene = cimtest::columnsAlongRoad();  // 60 columns in layer "bim"
  for (int i = 0; i < 3; ++i) {
    model::Element e = scene.layers().front().elements[std::size_t(i)];
    e.name = "wall" + std::to_string(i), e.guid = "guid-wall" + std::to_string(i);
    scene.addElement("other", std::move(e));
  }
  auto st = openStore(path, true);
  REQUIRE(st.import(scene, {}).ok());
  // The change set: ten of the columns, the first moved 1 m, and a new one.
  model::Scene changes(scene.crs());
  for (std::size_t i = 0; i < 10; ++i) changes.addElement("bim", model::Element(scene.layers().front().elements[i]));
  changes.layer("bim").elements.front().shapes.front().mesh.origin.x() += 1.0;
  model::Element added = scene.layers().front().elements.back();
  added.name = "c60", added.guid = "guid-c60";
  changes.addElement("bim", std::move(added));
  store::UpdateOptions o;
  o.partial = true;
  auto r = st.update(changes, o);
  REQUIRE(r.ok());
  REQUIRE(r->version);
  CHECK(r->diff.added() == 1);
  CHECK(r->diff.changed() == 1);
  CHECK(r->diff.moved() == 1);
  CHECK(r->diff.removed() == 0);
  CHECK(r->unchanged == 9);
  CHECK(st.read()->elementCount() == 64);
  // It looked its keys up in the index of current keys, which the first partial update makes.
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* q = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master WHERE name = 'cim_element_key'", -1, &q,
                             nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(q) == SQLITE_ROW);
  CHECK(sqlite3_column_int(q, 0) == 1);
  sqlite3_finalize(q);
  sqlite3_close(db);
  // The same set again, partial: nothing to do.
  r = st.update(changes, o);
  REQUIRE(r.ok());
  CHECK_FALSE(r->version);
  // Not partial: the 50 columns it lacks go; the other layer stays.
  r = st.update(changes, {});
  REQUIRE(r.ok());
  CHECK(r->diff.removed() == 50);
  CHECK(r->diff.added() + r->diff.changed() == 0);
  CHECK(st.read()->elementCount() == 14);
  // Replace all: the other layer goes too.
  o = {};
  o.replaceAll = true;
  r = st.update(changes, o);
  REQUIRE(r.ok());
  CHECK(r->diff.removed() == 3);
  CHECK(st.read()->elementCount() == 11);
  // Both at once is a contradiction, refused before anything is written.
  o.partial = true;
  r = st.update(scene, o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error()->code == ErrorCode::InvalidArgument);
  CHECK(st.currentVersion().value() == 4);
}

// The keys of a change set are looked up a few hundred per statement (store.cpp, selectIn): several statements, two
// layers, matched and new keys.
TEST_CASE("store: a change set larger than one key lookup gives exactly its diff", "[store]") {
  TempDir dir;
  auto st = openStore((dir / "large.gpkg").string(), true);
  cimtest::requireLargeChangeSet(st);
}

TEST_CASE("store: readers during a writer each see one whole version", "[store]") {
  TempDir dir;
  const std::string path = (dir / "busy.gpkg").string();
  const model::Scene base = cimtest::columnsAlongRoad();
  {
    auto st = openStore(path, true);
    REQUIRE(st.import(base, {}).ok());
  }
  // The writer adds versions that each move every column by 1 m; a reader must see every element at the same shift.
  std::atomic<bool> done{false};
  std::atomic<int> reads{0}, inconsistent{0}, failed{0};
  std::thread reader([&] {  // no Catch assertions on this thread
    auto opened = store::Store::open(path);
    if (!opened.ok()) {
      ++failed;
      return;
    }
    auto& st = opened.value();
    while (!done) {
      auto scene = st.read();
      if (!scene.ok()) {
        ++failed;
        continue;
      }
      std::set<double> shifts;
      const auto& ref = base.layers()[0].elements;
      const auto& now = scene->layers()[0].elements;
      if (now.size() != ref.size()) ++inconsistent;
      for (std::size_t i = 0; i < std::min(now.size(), ref.size()); ++i)
        shifts.insert(now[i].shapes[0].mesh.origin.x() - ref[i].shapes[0].mesh.origin.x());
      if (shifts.size() != 1) ++inconsistent;
      ++reads;
    }
  });
  {
    auto st = openStore(path);
    for (int v = 1; v <= 15; ++v) {
      model::Scene moved = base;
      for (auto& e : moved.layer("bim").elements)
        for (auto& s : e.shapes) s.mesh.origin.x() += v;
      auto r = st.update(moved, {});
      REQUIRE(r.ok());
      CHECK(r->diff.moved() == base.elementCount());
    }
  }
  done = true;
  reader.join();
  CHECK(reads > 0);
  CHECK(failed == 0);
  CHECK(inconsistent == 0);
}

namespace {

// SQLite's wal-index (https://www.sqlite.org/walformat.html), read from the "-shm" file: the last frame committed to
// the WAL (mxFrame, byte 16 of the header) and how many of them are copied into the database file (nBackfill, the
// first field after the two 48-byte copies of the header).
struct WalProgress {
  std::uint32_t frames = 0, copied = 0;
};
WalProgress walProgress(const std::string& path) {
  std::ifstream in(path + "-shm", std::ios::binary);
  char head[100] = {};
  in.read(head, sizeof head);
  WalProgress p;
  if (in.gcount() == sizeof head) std::memcpy(&p.frames, head + 16, 4), std::memcpy(&p.copied, head + 96, 4);
  return p;
}

// Elements whose blobs are large (random vertices do not compress): a version of them fills more than the
// 1000 WAL pages after which a checkpoint is due.
model::Scene largeBlobScene(double shift) {
  model::Scene scene;
  std::uint32_t state = 12345;
  auto next = [&] { return (state = state * 1664525u + 1013904223u) >> 8; };
  for (int k = 0; k < 40; ++k) {
    geometry::Mesh m;
    m.origin = Eigen::Vector3d(500000 + 50 * k + shift, 3300000, 10);
    for (int i = 0; i < 36000; ++i)
      m.positions.emplace_back(float(next() % 40000) / 1000.f, float(next() % 40000) / 1000.f,
                               float(next() % 20000) / 1000.f);
    for (std::uint32_t i = 0; i + 2 < 36000; i += 3) m.indices.insert(m.indices.end(), {i, i + 1, i + 2});
    scene.addElement("bim", cimtest::elementOf(std::move(m), "IfcBuildingElementProxy", "blob " + std::to_string(k),
                                               model::Material{"grey", {0.5f, 0.5f, 0.5f, 1}}));
  }
  return scene;
}

}  // namespace

// Checkpoints run beside the store's work (a thread and connection of their own, db_sqlite.cpp) instead of in the
// committing call: the WAL still reaches the database file while the store stays open, and is then reused instead
// of growing with every version.
TEST_CASE("store: the WAL reaches the database file while the store stays open", "[store]") {
  TempDir dir;
  const std::string path = (dir / "wal.gpkg").string();
  auto st = openStore(path, true);
  REQUIRE(st.import(largeBlobScene(0), {}).ok());  // a first import: rollback journal, then WAL
  auto waitCopied = [&] {
    WalProgress p;
    for (int i = 0; i < 400; ++i) {  // up to 20 s
      p = walProgress(path);
      if (p.frames > 0 && p.copied == p.frames) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return p;
  };
  std::uintmax_t firstWal = 0;
  for (int v = 1; v <= 4; ++v) {
    auto r = st.update(largeBlobScene(v), {});
    REQUIRE(r.ok());
    REQUIRE(r->diff.moved() == 40);
    const WalProgress p = waitCopied();
    INFO("version " << v + 1 << ": " << p.frames << " frames in the WAL, " << p.copied << " copied");
    CHECK(p.frames >= 1000);
    CHECK(p.copied == p.frames);
    if (v == 1) firstWal = fs::file_size(path + "-wal");
    else CHECK(fs::file_size(path + "-wal") <= firstWal + firstWal / 5);  // reused, not grown
  }
  // What was copied is what a reader on another connection reads: the last version, whole.
  auto other = openStore(path);
  auto scene = other.read();
  REQUIRE(scene.ok());
  REQUIRE(scene->elementCount() == 40);
  CHECK(scene->layers()[0].elements[0].shapes[0].mesh.origin.x() == Approx(500004));
}

TEST_CASE("store: a box query reads only the elements there", "[store]") {
  TempDir dir;
  const std::string path = (dir / "box.gpkg").string();
  const model::Scene scene = cimtest::storeSampleScene();
  auto st = openStore(path, true);
  REQUIRE(st.import(scene, {}).ok());
  geometry::Aabb box;
  box.extend(Eigen::Vector3d(515265, 3347835, -100));
  box.extend(Eigen::Vector3d(515275, 3347845, 100));
  auto some = st.read({}, box);
  REQUIRE(some.ok());
  CHECK(some->elementCount() >= 1);
  CHECK(some->elementCount() < scene.elementCount());
  std::size_t expected = 0;
  scene.forEachElement([&](const model::Layer&, const model::Element& e) {
    const auto b = e.worldBounds();
    if (!b.empty() && b.max.x() >= box.min.x() && b.min.x() <= box.max.x() && b.max.y() >= box.min.y() &&
        b.min.y() <= box.max.y() && b.max.z() >= box.min.z() && b.min.z() <= box.max.z())
      ++expected;
  });
  CHECK(some->elementCount() == expected);
}
