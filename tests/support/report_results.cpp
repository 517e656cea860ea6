#include "support/report_results.h"

#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "cim/index/checks.h"
#include "cim/index/clash.h"
#include "cim/model/pipe_element.h"
#include "cim/model/site.h"
#include "support/test_scenes.h"

namespace cimtest {

using namespace cim;
using Eigen::Vector3d;

namespace {

constexpr double kE = 515398.973, kN = 3347837.868;

model::Element pipe(const Vector3d& a, const Vector3d& b, double diameter, const char* type, const std::string& guid,
                    const std::string& name) {
  model::PipeSegment s;
  s.centreline = {a, b};
  s.section.outerDiameterMeters = diameter;
  s.type = *model::pipeTypeFromCode(type);
  s.id = guid;
  auto e = model::pipeElement(std::move(s));
  e.guid = guid;
  e.name = name;
  return e;
}

model::Element gasPipe(const Vector3d& a, const Vector3d& b, double diameter, const std::string& guid,
                       const std::string& name) {
  auto e = pipe(a, b, diameter, "RQ", guid, name);
  model::PipeSegment s = *e.pipe();
  s.owner = "燃气公司";
  s.gasPressureClass = *model::gasPressureClassFromText("medium A");
  e = model::pipeElement(std::move(s));
  e.guid = guid;
  e.name = name;
  return e;
}

void siteFeature(model::Scene& scene, model::SiteFeatureKind kind, model::SiteShape shape, const std::string& id) {
  scene.addElement("site", model::siteElement({kind, id, 0, std::move(shape)}, id, {}));
}

template <class T>
std::vector<index::ClashResult> checked(Result<T> r) {
  REQUIRE(r.ok());
  return std::move(r).value();
}

model::Element box(const Vector3d& min, const Vector3d& max, const std::string& kind, const std::string& guid,
                   const std::string& name) {
  auto e = elementOf(boxMesh(min, max - min), kind, name, {});
  e.guid = guid;
  return e;
}

index::ClashReport run(const index::SpatialIndex& index, const index::ClashOptions& options) {
  auto r = index::clash(index, options);
  REQUIRE(r.ok());
  return std::move(r.value());
}

}  // namespace

std::unique_ptr<ReportRun> reportRun(double houseGapMeters) {
  model::Scene scene(hangzhouCrs());
  scene.addElement("pipes", pipe({kE - 100, kN, 8.0}, {kE + 100, kN, 8.0}, 0.3, "JS", "water", "JS1-JS2"));
  scene.addElement("pipes", pipe({kE, kN - 50, 7.3}, {kE, kN + 50, 7.3}, 0.6, "WS", "sewer", "WS7-WS8"));
  const double houseX = kE + 0.3 + houseGapMeters;
  scene.addElement("buildings", box({houseX, kN + 10, 8}, {houseX + 18, kN + 30, 20}, "building", "house", ""));
  scene.addElement("bim", box({kE - 50, kN - 1, 7}, {kE - 49.7, kN + 1, 9}, "IfcWall", kWallGuid, "Wall South"));
  const auto index = index::SpatialIndex::build(scene);

  auto out = std::make_unique<ReportRun>();
  auto rules = index::RuleSet::load("gb50289");
  REQUIRE(rules.ok());
  out->rules = std::move(rules.value());
  index::ClashOptions clearance;
  clearance.mode = index::ClashOptions::Mode::Clearance;
  clearance.rules = &out->rules;
  index::ClashOptions hard;
  auto& report = out->report;
  report.inputs = {"data/pipes.gpkg", "models/wall.ifc"};
  report.crs = "EPSG:4549+5737";
  report.options = {"clearance: * against itself, rules gb50289", "hard: * against itself, tolerance 0.001 m"};
  for (const auto* options : {&clearance, &hard})
    for (auto& r : run(index, *options).results) report.results.push_back(std::move(r));
  return out;
}

std::unique_ptr<ReportRun> checkRun() {
  using K = model::SiteFeatureKind;
  model::Scene scene(hangzhouCrs());
  scene.addElement("pipes", gasPipe({kE - 100, kN, 5}, {kE + 100, kN, 5}, 0.25, "gas-main", "RQ1-RQ2"));
  scene.addElement("pipes", gasPipe({kE - 100, kN + 50, 9.5}, {kE + 100, kN + 50, 9.5}, 0.2, "gas-shallow", "RQ7-RQ8"));
  // The pit's south edge 0.300 m from the main's outer wall (radius 0.125) in plan.
  siteFeature(scene, K::Excavation,
              model::SitePrism{{{{kE + 10, kN + 0.425}, {kE + 40, kN + 0.425}, {kE + 40, kN + 20.425},
                                 {kE + 10, kN + 20.425}}},
                               1.9,
                               7.9},
              "P1");
  siteFeature(scene, K::Sensor, model::SiteMarker{{kE + 20, kN - 0.5, 5}, 0.2}, "S1");
  siteFeature(scene, K::Cavity, model::SiteEllipsoid{{kE - 50, kN + 1.5, 6}, {1, 1, 0.5}}, "C1");
  siteFeature(scene, K::DroneCorridor, model::SiteTube{{{kE - 100, kN - 30, 20}, {kE + 100, kN - 30, 20}}, 5}, "R1");
  scene.addElement("buildings", box({kE + 40, kN - 34, 0}, {kE + 44, kN - 32, 30}, "IfcBuilding", kTowerGuid, "Tower"));
  const auto index = index::SpatialIndex::build(scene);

  auto out = std::make_unique<ReportRun>();
  auto& report = out->report;
  report.inputs = {"data/pipes.gpkg", "data/site_features.geojson", "models/tower.ifc"};
  report.crs = "EPSG:4549+5737";
  report.options = {"check excavation, cover, sensors, cavities, corridor"};
  const auto add = [&](std::vector<index::ClashResult> results) {
    for (auto& r : results) report.results.push_back(std::move(r));
  };
  add(checked(index::checkExcavation(index)));
  index::CoverOptions cover;
  cover.ground = [](double, double) { return std::optional<double>(10.0); };
  auto covered = index::checkCover(index, cover);
  REQUIRE(covered.ok());
  report.summary = {{"cover.checked", std::int64_t(covered->checked)},
                    {"cover.unknownGround", std::int64_t(covered->unknownGround)}};
  add(std::move(covered->results));
  add(checked(index::checkSensors(index)));
  add(checked(index::checkCavities(index)));
  add(checked(index::checkCorridors(index)));
  return out;
}

std::string fileText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace cimtest
