// index/checks: excavation against protection and control zones, cover, sensors, cavities, corridors — by hand on
// small scenes and on the bundled Hangzhou sample.
#include <fstream>
#include <set>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cim/app/load.h"
#include "cim/index/checks.h"
#include "cim/model/pipe_element.h"
#include "cim/model/site.h"
#include "support/test_support.h"

using namespace cim;
using Eigen::Vector2d;
using Eigen::Vector3d;

namespace {

model::Element gasMain(const Vector3d& a, const Vector3d& b, double diameter, const char* pressureClass,
                       const std::string& guid) {
  model::PipeSegment s;
  s.centreline = {a, b};
  s.section.outerDiameterMeters = diameter;
  s.type = *model::pipeTypeFromCode("RQ");
  s.id = guid;
  s.owner = "燃气公司";
  if (auto c = model::gasPressureClassFromText(pressureClass)) s.gasPressureClass = *c;
  auto e = model::pipeElement(std::move(s));
  e.guid = guid;
  return e;
}

model::Element pit(const std::vector<Vector2d>& ring, double bottom, double top, const std::string& id) {
  return model::siteElement({model::SiteFeatureKind::Excavation, id, 0, model::SitePrism{{ring}, bottom, top}}, id, {});
}

}  // namespace

TEST_CASE("Excavation: the zones a pit enters, measured in plan from the pipe's outer wall", "[index][checks]") {
  model::Scene scene;
  // Pipes along x at y = 0 (centreline), 2 m deep; a pit whose south edge is at y = d (plan distance to the outer
  // wall d − r).
  scene.addElement("pipes", gasMain({0, 0, 5}, {100, 0, 5}, 0.25, "medium A", "mA"));         // zones 0.5 / 5.0
  scene.addElement("pipes", gasMain({0, 30, 5}, {100, 30, 5}, 0.3, "sub-high B", "shB"));     // 1.5 / 15
  scene.addElement("pipes", gasMain({0, 60, 5}, {100, 60, 5}, 0.2, "", "unknown"));            // class unknown
  scene.addElement("site", pit({{10, 0.425}, {40, 0.425}, {40, 20.425}, {10, 20.425}}, 1.9, 7.9, "P1"));  // 0.300 from mA
  scene.addElement("site", pit({{50, 31.0}, {60, 31.0}, {60, 40}, {50, 40}}, 2, 8, "P2"));     // 0.85 from shB
  scene.addElement("site", pit({{50, 40.2}, {60, 40.2}, {60, 50}, {50, 50}}, 2, 8, "P3"));     // 10.05 from shB
  scene.addElement("site", pit({{10, 62.1}, {20, 62.1}, {20, 70}, {10, 70}}, 6, 8, "P4"));      // 2.0 from unknown, above
  const auto index = index::SpatialIndex::build(scene);
  auto r = index::checkExcavation(index);
  REQUIRE(r.ok());
  struct Expected {
    const char* work;
    const char* asset;
    const char* zone;
    double horizontal;
  };
  // Per pit, nearest first: P1 is also in shB's control zone (30 − 20.425 − 0.15 = 9.425 m of 15); P3 is 9.9 m from
  // the unknown main, beyond its 5 m control zone.
  const Expected expected[] = {
      {"P1", "mA", "protection", 0.300}, {"P1", "shB", "control", 9.425}, {"P2", "shB", "protection", 0.850},
      {"P3", "shB", "control", 10.050},  {"P4", "unknown", "control", 2.000},
  };
  REQUIRE(r->size() == std::size(expected));
  for (std::size_t i = 0; i < r->size(); ++i) {
    const auto& x = (*r)[i];
    INFO(x.a.guid << " – " << x.b.guid);
    CHECK(x.a.guid == expected[i].work);
    CHECK(x.b.guid == expected[i].asset);
    CHECK(std::get<std::string>(x.details.at("zone")) == expected[i].zone);
    CHECK(x.horizontal == Approx(expected[i].horizontal).margin(1e-9));
    CHECK(x.type == (std::string(expected[i].zone) == "protection" ? index::ClashType::ProtectionZone
                                                                    : index::ClashType::ControlZone));
  }
  // P1 spans the pipe's height: the 3D distance is the plan distance, and the zone says what it requires.
  CHECK((*r)[0].distance == Approx(0.300).margin(1e-9));
  CHECK((*r)[0].details.contains("zone.requirement"));
  CHECK(std::get<double>((*r)[0].details.at("zone.insideByMeters")) == Approx(0.2).margin(1e-9));
  CHECK(std::get<std::string>((*r)[0].details.at("asset.owner")) == "燃气公司");
  CHECK(std::get<std::string>((*r)[0].details.at("asset.pressureClass")) == "medium A");
  // P4's bottom (z 6) lies above and beside the pipe (axis y 60, z 5, r 0.1): the vertical part of the distance
  // between the closest points, the pit's edge and the point of the pipe's surface facing it.
  REQUIRE((*r)[4].vertical);
  CHECK(*(*r)[4].vertical == Approx(6.0 - (5.0 + 0.1 * 1.0 / std::hypot(2.1, 1.0))).margin(1e-6));
}

TEST_CASE("Cover: a pipe with less cover than its minimum, where and by how much", "[index][checks]") {
  model::Scene scene;
  auto road = gasMain({0, 0, 9.3}, {100, 0, 8.3}, 0.2, "medium A", "road");  // top 9.4 … 8.4 under 10 m ground
  road.attributes["道路名称"] = std::string("样例路");                         // under a carriageway: 0.9 m
  scene.addElement("pipes", std::move(road));
  scene.addElement("pipes", gasMain({0, 20, 9.2}, {100, 20, 9.2}, 0.2, "medium A", "yard"));  // 0.7 m ≥ 0.6 m
  scene.addElement("pipes", gasMain({0, 80, 9.2}, {100, 80, 9.2}, 0.2, "medium A", "offmap"));  // no ground there
  const auto index = index::SpatialIndex::build(scene);
  index::CoverOptions o;
  o.ground = [](double, double y) { return y < 50 ? std::optional<double>(10.0) : std::nullopt; };
  auto r = index::checkCover(index, o);
  REQUIRE(r.ok());
  CHECK(r->checked == 3);
  CHECK(r->unknownGround == 1);
  REQUIRE(r->results.size() == 1);
  const auto& x = r->results[0];
  CHECK(x.a.guid == "road");
  CHECK(x.type == index::ClashType::Cover);
  CHECK(std::get<double>(x.details.at("cover.meters")) == Approx(0.6).margin(1e-9));      // at x = 0
  CHECK(std::get<double>(x.details.at("cover.shortfallMeters")) == Approx(0.3).margin(1e-9));
  CHECK(*x.requiredMeters == Approx(0.9));
  CHECK(x.point.x() == Approx(0.0).margin(1e-9));
  CHECK(x.point.z() == Approx(9.4).margin(1e-9));
  CHECK_THAT(std::get<std::string>(x.details.at("cover.source")), Catch::Matchers::Contains("carriageway"));
}

TEST_CASE("Sensors, cavities and corridors find the assets and obstacles near them", "[index][checks]") {
  model::Scene scene;
  scene.addElement("pipes", gasMain({0, 0, 5}, {100, 0, 5}, 0.25, "medium A", "gas"));
  model::PipeSegment water;
  water.centreline = {{0, 3, 5}, {100, 3, 5}};
  water.section.outerDiameterMeters = 0.4;
  water.type = *model::pipeTypeFromCode("JS");
  auto w = model::pipeElement(water);
  w.guid = "water";
  scene.addElement("pipes", std::move(w));
  auto site = [&](model::SiteFeatureKind kind, model::SiteShape shape, const std::string& id) {
    scene.addElement("site", model::siteElement({kind, id, 0, std::move(shape)}, id, {}));
  };
  site(model::SiteFeatureKind::Sensor, model::SiteMarker{{20, 0.5, 5}, 0.5}, "S1");            // 0.375 from gas
  site(model::SiteFeatureKind::Cavity, model::SiteEllipsoid{{50, 1.5, 6}, {1, 1, 0.5}}, "C1");  // 1.0 / 0.9 (3D)
  site(model::SiteFeatureKind::DroneCorridor, model::SiteTube{{{0, -10, 20}, {100, -10, 20}}, 5}, "R1");
  scene.addElement("bim", model::siteElement({model::SiteFeatureKind::Excavation, "tower", 0,
                                              model::SitePrism{{{{40, -14}, {44, -14}, {44, -12}, {40, -12}}}, 0, 30}},
                                             "tower", {}));
  const auto index = index::SpatialIndex::build(scene);
  auto sensors = index::checkSensors(index);
  REQUIRE(sensors.ok());
  REQUIRE(sensors->size() == 1);
  CHECK((*sensors)[0].b.guid == "gas");
  CHECK((*sensors)[0].distance == Approx(0.375).margin(1e-9));
  auto cavities = index::checkCavities(index);  // within 2 m
  REQUIRE(cavities.ok());
  REQUIRE(cavities->size() == 2);
  CHECK((*cavities)[0].a.guid == "C1");
  CHECK(cavities->at(0).distance <= cavities->at(1).distance);
  auto corridors = index::checkCorridors(index);
  REQUIRE(corridors.ok());
  REQUIRE(corridors->size() == 1);  // the tower reaches into the corridor (−15 … −5 at 15 … 25 m)
  CHECK((*corridors)[0].b.guid == "tower");
  CHECK((*corridors)[0].distance == 0.0);
}

TEST_CASE("The bundled sample: the pit is inside the gas main's protection zone by 0.200 m", "[index][checks][sample]") {
  const auto dir = cimtest::sourceDir() / "data/hangzhou";
  app::LoadOptions lo;
  lo.crs = "EPSG:4549+5737";
  auto scene = app::loadScene({dir / "pump_station.ifc", dir / "dem.tif", dir / "pipe_lines.csv", dir / "site_features.geojson"}, lo);
  REQUIRE(scene.ok());
  const auto index = index::SpatialIndex::build(std::move(scene).value());
  auto r = index::checkExcavation(index);
  REQUIRE(r.ok());
  std::ifstream in(dir / "expected.json");
  const auto zone = nlohmann::json::parse(in)["gas_protection_zone"];
  REQUIRE_FALSE(r->empty());
  for (const auto& x : *r) {
    INFO(x.a.guid << " – " << x.b.name);
    CHECK(x.a.guid == zone["pit"].get<std::string>());
    CHECK(x.type == index::ClashType::ProtectionZone);
    CHECK(x.horizontal == Approx(zone["distance_outer_wall_to_pit"].get<double>()).margin(1e-6));
    CHECK(x.distance == Approx(zone["distance_outer_wall_to_pit"].get<double>()).margin(1e-6));
    CHECK(std::get<double>(x.details.at("zone.insideByMeters")) == Approx(zone["inside_zone_by"].get<double>()).margin(1e-6));
    CHECK(std::get<std::string>(x.details.at("asset.pressureClass")) == "medium A");
    CHECK(std::get<std::string>(x.details.at("asset.owner")) == "燃气公司");
  }
  // The main's segments along the pit: RQ3-RQ4 (the whole south side) and RQ4-RQ5 (from the pit's east corner).
  std::set<std::string> names;
  for (const auto& x : *r) names.insert(x.b.name);
  CHECK(names == std::set<std::string>{"RQ3-RQ4", "RQ4-RQ5"});
}
