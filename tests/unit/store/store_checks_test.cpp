// Checks registered in a store follow the data: after an update only the elements it touched (and those within the
// check's reach) are evaluated; results are new, active or resolved per version.
#include <fstream>
#include <set>

#include <catch2/catch.hpp>
#include <sqlite3.h>

#include "cim/app/store.h"
#include "cim/index/checks.h"
#include "cim/index/spatial_index.h"
#include "cim/model/pipe_element.h"
#include "cim/model/site.h"
#include "cim/store/store.h"
#include "support/store_sample.h"
#include "support/test_scenes.h"
#include "support/test_support.h"

using namespace cim;
using cimtest::TempDir;
namespace fs = std::filesystem;

namespace {

// The sample's pipe tables with the water main JS7-JS8 at `northing` (the sample has it at 3347839.445, 0.555 m
// south of the gas main RQ5-RQ6: inside GB 50289's water-gas clearance).
fs::path writeTables(const fs::path& dir, const std::string& northing) {
  const auto sample = cimtest::sourceDir() / "data/hangzhou";
  std::string points = cimtest::readText(sample / "pipe_points.csv");
  for (const std::string p : {"JS7,JS,", "JS8,JS,"}) {
    const auto at = points.find(p + "3347839.445,");
    REQUIRE(at != std::string::npos);
    points.replace(at + p.size(), 11, northing);
  }
  fs::create_directories(dir);
  std::ofstream(dir / "pipe_points.csv", std::ios::binary) << points;
  std::ofstream(dir / "pipe_lines.csv", std::ios::binary) << cimtest::readText(sample / "pipe_lines.csv");
  return dir / "pipe_lines.csv";
}

store::UpdateReport update(const std::string& store, const fs::path& lines) {
  app::StoreUpdateOptions o;
  o.load.crs = "EPSG:4549+5737";
  auto r = app::storeUpdate(store, {lines}, o);
  INFO((r.ok() ? std::string() : r.error()->message));
  REQUIRE(r.ok());
  REQUIRE(r->report.version);
  return r->report;
}

std::map<std::string, std::vector<store::StoredResult>> byStatus(store::Store& st, const store::AsOf& asOf) {
  auto r = st.results("water-gas", asOf);
  INFO((r.ok() ? std::string() : r.error()->message));
  REQUIRE(r.ok());
  std::map<std::string, std::vector<store::StoredResult>> out;
  for (auto& x : r.value()) out[x.status].push_back(x);
  return out;
}

bool involves(const store::StoredResult& r, const std::string& name) { return r.aName == name || r.bName == name; }

// The check "water-gas": every pipe against every other, by GB 50289 (and GB 50028 for gas).
store::CheckDefinition waterGas() {
  store::CheckDefinition c;
  c.name = "water-gas";
  c.a = "*";
  c.rules = {"gb50289"};
  return c;
}

}  // namespace

TEST_CASE("store checks: a water main moved into a gas main's clearance is one new result, moved back it is resolved",
          "[store][checks]") {
  TempDir dir;
  const std::string path = (dir / "city.gpkg").string();
  // Version 1: the water main JS7-JS8 3 m south of the gas main, clear of it.
  update(path, writeTables(dir.path() / "v1", "3347836.445"));
  auto opened = store::Store::open(path);
  REQUIRE(opened.ok());
  auto& st = opened.value();
  const store::CheckDefinition c = waterGas();
  auto added = st.addCheck(c);
  INFO((added.ok() ? std::string() : added.error()->message));
  REQUIRE(added.ok());
  CHECK(added->full);
  const std::size_t fullPairs = added->pairsEvaluated;
  const auto v1 = byStatus(st, {});
  REQUIRE(v1.count("new"));
  const auto baseline = v1.at("new");  // the sample's other results (a cable over the gas main): they stay as they are
  REQUIRE(!baseline.empty());
  for (const auto& r : baseline) CHECK_FALSE(involves(r, "JS7-JS8"));

  // Version 2: JS7-JS8 back at the sample's place, 0.555 m from RQ5-RQ6 (centre to centre).
  const auto moved = update(path, writeTables(dir.path() / "v2", "3347839.445"));
  REQUIRE(moved.checks.size() == 1);
  const auto& run2 = moved.checks.front();
  CHECK_FALSE(run2.full);
  CHECK(run2.touched == 1);
  CHECK(run2.added == 1);
  CHECK(run2.resolved == 0);
  CHECK(run2.kept == 0);
  // Only the pairs of the moved main were measured, not the whole network's again.
  CHECK(run2.pairsEvaluated > 0);
  CHECK(run2.pairsEvaluated < fullPairs);
  const auto v2 = byStatus(st, {});
  REQUIRE(v2.count("new"));
  REQUIRE(v2.at("new").size() == 1);
  const auto fresh = v2.at("new").front();
  CHECK(involves(fresh, "JS7-JS8"));
  CHECK(involves(fresh, "RQ5-RQ6"));
  CHECK(fresh.requiredMeters.has_value());
  CHECK(fresh.foundIn == 2);
  // Untouched results stay active, found in version 1 (not recomputed: not found again).
  REQUIRE(v2.count("active"));
  CHECK(v2.at("active").size() == baseline.size());
  for (const auto& r : v2.at("active")) CHECK(r.foundIn == 1);
  CHECK_FALSE(v2.count("resolved"));

  // Version 3: moved away again: the result is resolved; the others still active.
  const auto back = update(path, writeTables(dir.path() / "v3", "3347836.445"));
  REQUIRE(back.checks.size() == 1);
  CHECK(back.checks.front().added == 0);
  CHECK(back.checks.front().resolved == 1);
  const auto v3 = byStatus(st, {});
  REQUIRE(v3.count("resolved"));
  REQUIRE(v3.at("resolved").size() == 1);
  CHECK(v3.at("resolved").front().id == fresh.id);
  CHECK(v3.at("resolved").front().resolvedIn == std::optional<std::int64_t>(3));
  CHECK(v3.at("active").size() == baseline.size());
  CHECK_FALSE(v3.count("new"));
  // As of version 2 the result is still new there; as of version 1 it did not exist.
  CHECK(byStatus(st, store::AsOf{2, {}}).at("new").size() == 1);
  const auto asOf1 = byStatus(st, store::AsOf{1, {}});
  CHECK(asOf1.at("new").size() == baseline.size());
  CHECK_FALSE(asOf1.count("resolved"));

  // The same input again makes no version and runs nothing.
  app::StoreUpdateOptions o;
  o.load.crs = "EPSG:4549+5737";
  auto same = app::storeUpdate(path, {dir.path() / "v3" / "pipe_lines.csv"}, o);
  REQUIRE(same.ok());
  CHECK_FALSE(same->report.version);
  CHECK(same->report.checks.empty());

  // The registry: listed, behind-ness reported, a second of the same name refused, removable.
  auto list = st.checks();
  REQUIRE(list.ok());
  REQUIRE(list->size() == 1);
  CHECK(list->front().evaluated == 3);
  CHECK(list->front().a == "*");
  CHECK(list->front().b.empty());
  CHECK(app::checkListText(list.value()) ==
        "water-gas  clearance  a: *  b: (a against itself)  rules: gb50289  added in 1, evaluated to 3\n");
  CHECK_FALSE(st.addCheck(c).ok());
  auto unknown = st.results("nope");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error()->code == ErrorCode::InvalidArgument);
  REQUIRE(st.removeCheck("water-gas").ok());
  CHECK(st.checks()->empty());
}

TEST_CASE("store checks: a fixed distance with the moved element in set B, and catching up after a lost run",
          "[store][checks]") {
  TempDir dir;
  const std::string path = (dir / "city.gpkg").string();
  update(path, writeTables(dir.path() / "v1", "3347836.445"));
  auto opened = store::Store::open(path);
  REQUIRE(opened.ok());
  auto& st = opened.value();
  store::CheckDefinition c;
  c.name = "gas-water-1m";
  c.a = "type=RQ";  // the moved main is in B this time
  c.b = "type=JS";
  c.clearanceMeters = 1.0;
  auto added = st.addCheck(c);
  REQUIRE(added.ok());
  const std::size_t before = st.results()->size();
  update(path, writeTables(dir.path() / "v2", "3347839.445"));
  auto r = st.results("gas-water-1m");
  REQUIRE(r.ok());
  std::size_t fresh = 0;
  for (const auto& x : r.value())
    if (x.status == "new") {
      ++fresh;
      CHECK(involves(x, "JS7-JS8"));
    }
  CHECK(fresh >= 1);
  CHECK(r->size() == before + fresh);
  // As if the run after version 2 had been killed: the check is behind, results says so, runChecks catches up.
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db,
                       "UPDATE cim_check SET evaluated = 1; DELETE FROM cim_result WHERE found_in = 2; "
                       "UPDATE cim_result SET resolved_in = NULL WHERE resolved_in = 2",
                       nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
  auto behind = st.results("gas-water-1m");
  REQUIRE(behind.ok());
  bool warned = false;
  for (const auto& d : behind.diagnostics()) warned = warned || d.code == ErrorCode::StoreFailed;
  CHECK(warned);
  auto caught = st.runChecks();
  REQUIRE(caught.ok());
  REQUIRE(caught->size() == 1);
  CHECK(caught->front().version == 2);
  CHECK(caught->front().added == fresh);
  CHECK(st.results("gas-water-1m")->size() == before + fresh);
  auto again = st.runChecks();
  REQUIRE(again.ok());
  CHECK(again->empty());
}

TEST_CASE("store checks: a copied store keeps its registered checks and every result, as of every version",
          "[store][checks]") {
  TempDir dir;
  const std::string path = (dir / "city.gpkg").string();
  update(path, writeTables(dir.path() / "v1", "3347836.445"));
  REQUIRE(store::Store::open(path)->addCheck(waterGas()).ok());
  update(path, writeTables(dir.path() / "v2", "3347839.445"));  // one new result
  update(path, writeTables(dir.path() / "v3", "3347836.445"));  // resolved again
  auto source = store::Store::open(path);
  REQUIRE(source.ok());
  auto target = store::Store::open((dir / "copy.gpkg").string(), true);
  REQUIRE(target.ok());
  auto copied = source->copyTo(target.value());
  INFO((copied.ok() ? std::string() : copied.error()->message));
  REQUIRE(copied.ok());

  auto before = source->checks(), after = target->checks();
  REQUIRE(before.ok());
  REQUIRE(after.ok());
  REQUIRE(after->size() == 1);
  CHECK(after->front().name == before->front().name);
  CHECK(after->front().rules == before->front().rules);
  CHECK(after->front().evaluated == before->front().evaluated);
  auto rows = [](store::Store& st, const store::AsOf& asOf) {
    auto r = st.results("water-gas", asOf);
    REQUIRE(r.ok());
    std::vector<std::string> out;
    for (const auto& x : r.value())
      out.push_back(x.id + " " + x.status + " " + x.aName + "/" + x.bName + " found " + std::to_string(x.foundIn) +
                    " resolved " + (x.resolvedIn ? std::to_string(*x.resolvedIn) : "-"));
    std::sort(out.begin(), out.end());
    return out;
  };
  for (const store::AsOf& asOf : {store::AsOf{}, store::AsOf{1, {}}, store::AsOf{2, {}}}) {
    const auto a = rows(source.value(), asOf), b = rows(target.value(), asOf);
    CHECK(!a.empty());
    CHECK(a == b);
  }
  // The copy's checks run on its next update like the original's: the same input again changes nothing.
  app::StoreUpdateOptions o;
  o.load.crs = "EPSG:4549+5737";
  auto same = app::storeUpdate((dir / "copy.gpkg").string(), {dir.path() / "v3" / "pipe_lines.csv"}, o);
  REQUIRE(same.ok());
  CHECK_FALSE(same->report.version);
  auto moved = app::storeUpdate((dir / "copy.gpkg").string(), {dir.path() / "v2" / "pipe_lines.csv"}, o);
  REQUIRE(moved.ok());
  REQUIRE(moved->report.checks.size() == 1);
  CHECK(moved->report.checks.front().added == 1);
  CHECK_FALSE(moved->report.checks.front().full);
}

namespace {

// A 0.4 m pipe of type `code` in layer "pipes", 100 m east from (x0, y) with its axis at z 5; `id` is also its GUID.
void addStraightPipe(model::Scene& scene, const std::string& id, const std::string& code, double x0, double y) {
  model::PipeSegment p;
  p.id = id;
  p.centreline = {{x0, y, 5}, {x0 + 100, y, 5}};
  p.section.outerDiameterMeters = 0.4;
  p.type = *model::pipeTypeFromCode(code);
  auto e = model::pipeElement(p);
  e.guid = id;
  scene.addElement("pipes", std::move(e));
}

// Pipes, a road cavity, a drone corridor and a tower (a local scene, metres): the cavity C1 has the gas main and the
// water main within 2 m, the tower reaches into the corridor R1.
model::Scene cavityCorridorScene(double waterNorthing, double towerEasting, bool secondCavity) {
  model::Scene scene;
  addStraightPipe(scene, "gas", "RQ", 0, 0);
  addStraightPipe(scene, "water", "JS", 0, waterNorthing);
  addStraightPipe(scene, "far", "JS", 1000, 0);
  auto site = [&](const std::string& layer, model::SiteFeatureKind kind, model::SiteShape shape, const std::string& id) {
    scene.addElement(layer, model::siteElement({kind, id, 0, std::move(shape)}, id, {}));
  };
  site("site", model::SiteFeatureKind::Cavity, model::SiteEllipsoid{{50, 1.5, 6}, {1, 1, 0.5}}, "C1");
  if (secondCavity) site("site", model::SiteFeatureKind::Cavity, model::SiteEllipsoid{{1050, 1.0, 6}, {1, 1, 0.5}}, "C2");
  site("site", model::SiteFeatureKind::DroneCorridor, model::SiteTube{{{0, -10, 20}, {100, -10, 20}}, 5}, "R1");
  site("bim", model::SiteFeatureKind::Excavation,
       model::SitePrism{{{{towerEasting, -14}, {towerEasting + 4, -14}, {towerEasting + 4, -12}, {towerEasting, -12}}}, 0, 30},
       "tower");
  return scene;
}

std::map<std::string, std::size_t> statusCounts(store::Store& st, const std::string& check) {
  auto r = st.results(check);
  INFO((r.ok() ? std::string() : r.error()->message));
  REQUIRE(r.ok());
  std::map<std::string, std::size_t> out;
  for (const auto& x : r.value()) ++out[x.status];
  return out;
}

}  // namespace

TEST_CASE("store checks: registered cavity and corridor checks follow the data", "[store][checks]") {
  TempDir dir;
  const std::string path = (dir / "site.gpkg").string();
  auto opened = store::Store::open(path, true);
  REQUIRE(opened.ok());
  auto& st = opened.value();
  REQUIRE(st.update(cavityCorridorScene(3, 40, false), {}).ok());
  store::CheckDefinition cavities, drones;
  cavities.name = "cavities", cavities.kind = store::CheckDefinition::Kind::Cavity, cavities.a = "";
  drones.name = "drones", drones.kind = store::CheckDefinition::Kind::Corridor, drones.a = "";
  auto c = st.addCheck(cavities);
  INFO((c.ok() ? std::string() : c.error()->message));
  REQUIRE(c.ok());
  CHECK(c->found == 2);  // gas and water within 2 m of C1
  auto d = st.addCheck(drones);
  REQUIRE(d.ok());
  CHECK(d->found == 1);  // the tower
  // The defaults are stored as what they mean.
  const auto list = st.checks().value();
  REQUIRE(list.size() == 2);
  CHECK(list[0].name == "cavities");
  CHECK(list[0].a == "class=cavity");
  CHECK(list[0].b == "type=*");
  CHECK(list[0].clearanceMeters == std::optional<double>(2.0));
  CHECK(list[1].a == "class=drone_corridor");
  CHECK(list[1].b == "class!=drone_corridor");
  CHECK(app::checkListText(list) ==
        "cavities  cavity  a: class=cavity  b: type=*  within 2 m  added in 1, evaluated to 1\n"
        "drones  corridor  a: class=drone_corridor  b: class!=drone_corridor  clearance 0 m beyond the corridor's "
        "radius  added in 1, evaluated to 1\n");

  // The water main moves 30 m north and the tower out of the corridor: each check resolves one result, on the two
  // touched elements only; the gas main's result stays active.
  auto v2 = st.update(cavityCorridorScene(30, 400, false), {});
  REQUIRE(v2.ok());
  REQUIRE(v2->checks.size() == 2);
  for (const auto& run : v2->checks) {
    INFO(run.check);
    CHECK_FALSE(run.full);
    CHECK(run.touched == 2);
    CHECK(run.resolved == 1);
    CHECK(run.added == 0);
  }
  CHECK(statusCounts(st, "cavities") == std::map<std::string, std::size_t>{{"active", 1}, {"resolved", 1}});
  CHECK(statusCounts(st, "drones") == std::map<std::string, std::size_t>{{"resolved", 1}});

  // A second cavity over the far pipe: one new result, found by measuring around it alone.
  auto v3 = st.update(cavityCorridorScene(30, 400, true), {});
  REQUIRE(v3.ok());
  REQUIRE(v3->checks.size() == 2);
  CHECK(v3->checks[0].check == "cavities");
  CHECK(v3->checks[0].touched == 1);
  CHECK(v3->checks[0].added == 1);
  CHECK(v3->checks[0].neighbourhood == 2);  // C2 and the far pipe
  CHECK(v3->checks[1].added == 0);
  CHECK(statusCounts(st, "cavities") == std::map<std::string, std::size_t>{{"active", 1}, {"new", 1}});

  // A negative distance is refused.
  store::CheckDefinition bad = cavities;
  bad.name = "bad", bad.clearanceMeters = -1.0;
  auto refused = st.addCheck(bad);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error()->code == ErrorCode::InvalidArgument);
}

namespace {

// Two terrain tiles (T1 over x 0-100, T2 over x 100-200, y -50..50, flat at their heights; T1 left out when
// `withT1` is false) and three gas mains (medium A: at least 0.6 m of cover off carriageways, GB 50028 §6.3.4),
// 0.2 m wide, given by the height of their axis: A under T1, B and C under T2 (a local scene, metres).
model::Scene coverScene(bool withT1, double t2Height, double aAxis) {
  model::Scene scene;
  auto tile = [&](double x0, double height, const std::string& name) {
    geometry::Mesh m;
    m.origin = {x0, -50, height};
    m.positions = {{0, 0, 0}, {100, 0, 0}, {100, 100, 0}, {0, 100, 0}};
    m.normals.assign(4, Eigen::Vector3f(0, 0, 1));
    m.indices = {0, 1, 2, 0, 2, 3};
    scene.addElement("terrain", cimtest::elementOf(std::move(m), "terrain", name, {"terrain", {0.5f, 0.6f, 0.4f, 1}}));
  };
  if (withT1) tile(0, 10.0, "T1");
  tile(100, t2Height, "T2");
  auto pipe = [&](const std::string& id, double x0, double y, double axis) {
    model::PipeSegment p;
    p.id = id;
    p.centreline = {{x0 + 10, y, axis}, {x0 + 90, y, axis}};
    p.section.outerDiameterMeters = 0.2;
    p.type = *model::pipeTypeFromCode("RQ");
    p.gasPressureClass = model::gasPressureClassFromText("medium A");
    auto e = model::pipeElement(p);
    e.guid = id;
    scene.addElement("pipes", std::move(e));
  };
  pipe("A", 0, 0, aAxis);
  pipe("B", 100, 0, 9.6);   // top 9.7: 0.3 m under T2 at 10.0
  pipe("C", 100, 20, 9.2);  // top 9.3: 0.7 m
  return scene;
}

// The names of the pipes a cover check lists as new or active, and as a check of the whole version finds them.
std::set<std::string> openCover(store::Store& st) {
  auto r = st.results("cover");
  REQUIRE(r.ok());
  std::set<std::string> out;
  for (const auto& x : r.value())
    if (x.status != "resolved") out.insert(x.aName);
  return out;
}
std::set<std::string> coverOfWholeVersion(store::Store& st) {
  auto scene = st.read();
  REQUIRE(scene.ok());
  auto r = index::checkCover(index::SpatialIndex::build(std::move(scene).value()));
  REQUIRE(r.ok());
  std::set<std::string> out;
  for (const auto& x : r->results) out.insert(x.a.name);
  return out;
}

}  // namespace

TEST_CASE("store checks: a registered cover check follows the pipes and the terrain over them", "[store][checks]") {
  TempDir dir;
  auto opened = store::Store::open((dir / "cover.gpkg").string(), true);
  REQUIRE(opened.ok());
  auto& st = opened.value();
  REQUIRE(st.update(coverScene(true, 10.0, 9.2), {}).ok());
  store::CheckDefinition cover;
  cover.name = "cover", cover.kind = store::CheckDefinition::Kind::Cover, cover.a = "";
  auto added = st.addCheck(cover);
  INFO((added.ok() ? std::string() : added.error()->message));
  REQUIRE(added.ok());
  CHECK(added->full);
  CHECK(added->pairsEvaluated == 3);  // every pipe against its ground
  CHECK(openCover(st) == std::set<std::string>{"B"});
  const auto list = st.checks().value();
  REQUIRE(list.size() == 1);
  CHECK(app::checkListText(list) ==
        "cover  cover  a: *  b: (a against itself)  cover table: cover  added in 1, evaluated to 1\n");

  // T2 raised by 0.5 m, no pipe touched: the pipes under it (B, C) are measured again, B's result is resolved; A is
  // not measured.
  auto v2 = st.update(coverScene(true, 10.5, 9.2), {});
  REQUIRE(v2.ok());
  REQUIRE(v2->checks.size() == 1);
  CHECK_FALSE(v2->checks[0].full);
  CHECK(v2->checks[0].touched == 1);
  CHECK(v2->checks[0].pairsEvaluated == 2);
  CHECK(v2->checks[0].resolved == 1);
  CHECK(v2->checks[0].added == 0);
  CHECK(openCover(st).empty());
  CHECK(openCover(st) == coverOfWholeVersion(st));

  // A raised to 0.3 m under T1: one new result, measured on A alone.
  auto v3 = st.update(coverScene(true, 10.5, 9.6), {});
  REQUIRE(v3.ok());
  CHECK(v3->checks[0].pairsEvaluated == 1);
  CHECK(v3->checks[0].added == 1);
  CHECK(openCover(st) == std::set<std::string>{"A"});
  CHECK(openCover(st) == coverOfWholeVersion(st));

  // T1 removed: A's ground is unknown, which is no finding: resolved.
  auto v4 = st.update(coverScene(false, 10.5, 9.6), {});
  REQUIRE(v4.ok());
  CHECK(v4->checks[0].pairsEvaluated == 1);
  CHECK(v4->checks[0].resolved == 1);
  CHECK(openCover(st).empty());
  CHECK(openCover(st) == coverOfWholeVersion(st));

  // T2 lowered back: B is found again, as a new result.
  auto v5 = st.update(coverScene(false, 10.0, 9.6), {});
  REQUIRE(v5.ok());
  CHECK(v5->checks[0].added == 1);
  CHECK(openCover(st) == std::set<std::string>{"B"});
  CHECK(openCover(st) == coverOfWholeVersion(st));

  // A cover table that cannot be read is refused when the check is added.
  store::CheckDefinition bad = cover;
  bad.name = "bad", bad.rules = {(dir / "nowhere.csv").string()};
  CHECK_FALSE(st.addCheck(bad).ok());
}

namespace {

// Two sensors and the pipes near them (a local scene, metres; pipes along x, axis at z 5, 0.4 m wide): P1 2 m north
// of S1's row, P2 3 m north of S2, P3 at `p3Northing` (absent when nullopt), S2 at `s2Northing`.
model::Scene sensorScene(std::optional<double> p3Northing, double s2Northing) {
  model::Scene scene;
  addStraightPipe(scene, "P1", "JS", 0, 2);
  addStraightPipe(scene, "P2", "RQ", 200, 3);
  if (p3Northing) addStraightPipe(scene, "P3", "DL", 0, *p3Northing);
  auto sensor = [&](const std::string& id, double x, double y) {
    scene.addElement("iot", model::siteElement({model::SiteFeatureKind::Sensor, id, 0, model::SiteMarker{{x, y, 5}, 0.5}},
                                               id, {}));
  };
  sensor("S1", 20, 0);
  sensor("S2", 220, s2Northing);
  return scene;
}

using Pairs = std::set<std::pair<std::string, std::string>>;

Pairs openSensors(store::Store& st, const std::string& check = "nearest") {
  auto r = st.results(check);
  REQUIRE(r.ok());
  Pairs out;
  for (const auto& x : r.value())
    if (x.status != "resolved") out.emplace(x.aName, x.bName);
  return out;
}

Pairs sensorsOfWholeVersion(store::Store& st, std::size_t k = 1) {
  auto scene = st.read();
  REQUIRE(scene.ok());
  index::SensorOptions o;
  o.maxMeters = 5.0;
  o.k = k;
  auto r = index::checkSensors(index::SpatialIndex::build(std::move(scene).value()), o);
  REQUIRE(r.ok());
  Pairs out;
  for (const auto& x : r.value()) out.emplace(x.a.name, x.b.name);
  return out;
}

}  // namespace

TEST_CASE("store checks: a registered sensor check follows the assets near each sensor", "[store][checks]") {
  TempDir dir;
  auto opened = store::Store::open((dir / "iot.gpkg").string(), true);
  REQUIRE(opened.ok());
  auto& st = opened.value();
  REQUIRE(st.update(sensorScene(30.0, 0.0), {}).ok());
  store::CheckDefinition nearest;
  nearest.name = "nearest", nearest.kind = store::CheckDefinition::Kind::Sensors, nearest.a = "";
  // Without a distance a sensor's nearest asset could be anywhere: refused.
  auto refused = st.addCheck(nearest);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error()->code == ErrorCode::InvalidArgument);
  nearest.clearanceMeters = 5.0;
  auto added = st.addCheck(nearest);
  INFO((added.ok() ? std::string() : added.error()->message));
  REQUIRE(added.ok());
  CHECK(openSensors(st) == Pairs{{"S1", "P1"}, {"S2", "P2"}});
  CHECK(openSensors(st) == sensorsOfWholeVersion(st));
  // The two nearest within the same distance, alongside.
  store::CheckDefinition two = nearest;
  two.name = "two", two.nearest = 2;
  REQUIRE(st.addCheck(two).ok());
  CHECK(openSensors(st, "two") == Pairs{{"S1", "P1"}, {"S2", "P2"}});
  CHECK(app::checkListText(st.checks().value()) ==
        "nearest  sensors  a: class=sensor  b: type=*  nearest within 5 m  added in 1, evaluated to 1\n"
        "two  sensors  a: class=sensor  b: type=*  2 nearest within 5 m  added in 1, evaluated to 1\n");
  two.name = "many", two.nearest = 0;
  CHECK_FALSE(st.addCheck(two).ok());

  // P3 moved from 30 m off to 1 m north of S1's row: S1's nearest is now P3; S2 is not measured.
  auto v2 = st.update(sensorScene(1.0, 0.0), {});
  REQUIRE(v2.ok());
  REQUIRE(v2->checks.size() == 2);
  CHECK(v2->checks[0].touched == 1);
  CHECK(v2->checks[0].pairsEvaluated == 2);  // S1 with P1 and P3
  CHECK(v2->checks[0].added == 1);
  CHECK(v2->checks[0].resolved == 1);
  CHECK(openSensors(st) == Pairs{{"S1", "P3"}, {"S2", "P2"}});
  CHECK(openSensors(st) == sensorsOfWholeVersion(st));
  // With k = 2, S1 keeps P1 and gains P3.
  CHECK(v2->checks[1].added == 1);
  CHECK(v2->checks[1].resolved == 0);
  CHECK(openSensors(st, "two") == Pairs{{"S1", "P1"}, {"S1", "P3"}, {"S2", "P2"}});
  CHECK(openSensors(st, "two") == sensorsOfWholeVersion(st, 2));

  // P3 removed: P1 is S1's nearest again.
  auto v3 = st.update(sensorScene(std::nullopt, 0.0), {});
  REQUIRE(v3.ok());
  CHECK(v3->checks[0].added == 1);
  CHECK(v3->checks[0].resolved == 1);
  CHECK(openSensors(st) == Pairs{{"S1", "P1"}, {"S2", "P2"}});
  CHECK(openSensors(st) == sensorsOfWholeVersion(st));
  CHECK(v3->checks[1].added == 0);
  CHECK(v3->checks[1].resolved == 1);
  CHECK(openSensors(st, "two") == sensorsOfWholeVersion(st, 2));

  // S2 moved 40 m off: nothing within 5 m of it.
  auto v4 = st.update(sensorScene(std::nullopt, 40.0), {});
  REQUIRE(v4.ok());
  CHECK(v4->checks[0].pairsEvaluated == 0);
  CHECK(v4->checks[0].resolved == 1);
  CHECK(v4->checks[0].added == 0);
  CHECK(openSensors(st) == Pairs{{"S1", "P1"}});
  CHECK(openSensors(st) == sensorsOfWholeVersion(st));
  CHECK(openSensors(st, "two") == Pairs{{"S1", "P1"}});
  CHECK(openSensors(st, "two") == sensorsOfWholeVersion(st, 2));
}

TEST_CASE("store checks: a check table an older libcim made (no nearest column) is read, extended and copied",
          "[store][checks]") {
  TempDir dir;
  const std::string path = (dir / "old.gpkg").string();
  {
    auto opened = store::Store::open(path, true);
    REQUIRE(opened.ok());
    REQUIRE(opened->update(sensorScene(1.0, 0.0), {}).ok());
    store::CheckDefinition c;
    c.name = "nearest", c.kind = store::CheckDefinition::Kind::Sensors, c.a = "", c.clearanceMeters = 5.0;
    REQUIRE(opened->addCheck(c).ok());
  }
  // The table as the libcim before the column made it.
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
  REQUIRE(sqlite3_exec(raw, "ALTER TABLE cim_check DROP COLUMN nearest", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(raw);
  auto opened = store::Store::open(path);
  REQUIRE(opened.ok());
  auto& st = opened.value();
  auto checks = st.checks();
  REQUIRE(checks.ok());
  REQUIRE(checks->size() == 1);
  CHECK(checks->front().nearest == 1);
  // Copied as it is: the column the source lacks stays empty, read as k = 1.
  auto copy = store::Store::open((dir / "copy.gpkg").string(), true);
  REQUIRE(copy.ok());
  REQUIRE(st.copyTo(copy.value()).ok());
  REQUIRE(copy->checks().ok());
  CHECK(copy->checks()->front().nearest == 1);
  CHECK(openSensors(copy.value()) == openSensors(st));
  // The next check registered adds the column; both checks run after the next update.
  store::CheckDefinition two;
  two.name = "two", two.kind = store::CheckDefinition::Kind::Sensors, two.a = "", two.clearanceMeters = 5.0;
  two.nearest = 2;
  REQUIRE(st.addCheck(two).ok());
  auto after = st.checks();
  REQUIRE(after.ok());
  REQUIRE(after->size() == 2);
  CHECK(after->at(0).nearest == 1);
  CHECK(after->at(1).nearest == 2);
  auto v2 = st.update(sensorScene(std::nullopt, 0.0), {});
  REQUIRE(v2.ok());
  CHECK(v2->checks.size() == 2);
  CHECK(openSensors(st) == sensorsOfWholeVersion(st));
  CHECK(openSensors(st, "two") == sensorsOfWholeVersion(st, 2));
}

TEST_CASE("store checks: a check of a kind this libcim does not know is listed and kept, not run", "[store][checks]") {
  TempDir dir;
  const std::string path = (dir / "newer.gpkg").string();
  auto opened = store::Store::open(path, true);
  REQUIRE(opened.ok());
  auto& st = opened.value();
  REQUIRE(st.update(sensorScene(30.0, 0.0), {}).ok());
  store::CheckDefinition known;
  known.name = "known", known.clearanceMeters = 1.0;
  REQUIRE(st.addCheck(known).ok());
  // As a newer libcim would register a kind of its own, with one result.
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
  REQUIRE(sqlite3_exec(raw,
                       "INSERT INTO cim_check (name, kind, a, b, rules, clearance_m, tolerance_m, created, evaluated) "
                       "VALUES ('future', 'future_kind', '*', '', '', 1.0, 0.001, 1, 1); "
                       "INSERT INTO cim_result (check_name, id, type, a_name, b_name, distance, horizontal, found_in) "
                       "VALUES ('future', 'F1', 'future', 'S1', 'P1', 2.0, 2.0, 1)",
                       nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(raw);
  auto v2 = st.update(sensorScene(1.0, 0.0), {});
  REQUIRE(v2.ok());
  REQUIRE(v2->checks.size() == 1);
  CHECK(v2->checks[0].check == "known");
  bool warned = false;
  for (const auto& d : v2.diagnostics())
    warned = warned || (d.severity == Severity::Warning && d.message.find("'future_kind'") != std::string::npos);
  CHECK(warned);
  auto checks = st.checks();
  REQUIRE(checks.ok());
  REQUIRE(checks->size() == 2);
  CHECK(checks->at(0).unknownKind == "future_kind");
  CHECK(checks->at(0).evaluated == 1);
  CHECK(checks->at(1).unknownKind.empty());
  CHECK(app::checkListText({checks->at(0)}) ==
        "future  future_kind  (a kind this libcim does not know: not run)  added in 1, evaluated to 1\n");
  // Its result stays as the newer libcim left it, with a warning that says why it is behind.
  auto results = st.results("future");
  REQUIRE(results.ok());
  REQUIRE(results->size() == 1);
  CHECK(results->front().id == "F1");
  warned = false;
  for (const auto& d : results.diagnostics()) warned = warned || d.message.find("does not know") != std::string::npos;
  CHECK(warned);
  auto run = st.runChecks();
  REQUIRE(run.ok());
  CHECK(run->empty());
}
