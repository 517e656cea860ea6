// io/city/footprint_reader: footprints extruded to exact LoD1 prisms.
#include <cmath>
#include <filesystem>
#include <set>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cim/app/load.h"
#include "cim/io/city.h"
#include "support/city.h"
#include "support/scene_lookup.h"
#include "support/test_support.h"

using namespace cim;
using cimtest::TempDir;
namespace fs = std::filesystem;

TEST_CASE("footprints: the sample extrudes by 高度, else 层数 × 3 m, on its 地面高程", "[city]") {
  const auto expected = cimtest::expectedBuildings()["footprints"];
  auto r = io::readFootprints(cimtest::hangzhouFile("buildings_footprints.geojson"));
  REQUIRE(r.ok());
  const auto& s = r->scene;
  REQUIRE(s.crs());
  CHECK(s.crs()->definition() == "EPSG:4549+5737");
  CHECK(r->buildings == expected["buildings"].get<std::size_t>());
  CHECK(r->prisms == r->buildings);
  CHECK(r->skipped == 0);
  CHECK(cimtest::hasDiagnostic(r.diagnostics(), ErrorCode::ConventionApplied, "height from field '高度', else storeys from field '层数'"));
  for (const auto& [id, p] : expected["prisms"].items()) {
    INFO(id);
    const auto* e = cimtest::byGuid(s, id);
    REQUIRE(e);
    CHECK(e->kind == "building");
    const auto* prism = cimtest::buildingPrism(*e);
    REQUIRE(prism);
    CHECK(prism->bottomElevation == Approx(p["ground"].get<double>()).margin(1e-9));
    CHECK(prism->topElevation == Approx(p["top"].get<double>()).margin(1e-9));
    CHECK(std::get<std::string>(e->attributes.at("heightSource")) == p["height_source"].get<std::string>());
    CHECK(e->triangleCount() > 0);
  }
  // The courtyard of HZ-B-005 stays a hole of the prism.
  CHECK(cimtest::buildingPrism(*cimtest::byGuid(s, "HZ-B-005"))->rings.size() == 2);
  CHECK(cimtest::byGuid(s, "HZ-B-001")->name == "样例路1号住宅");
}

TEST_CASE("footprints: a missing or non-numeric height is a diagnostic naming the feature, not a flat building", "[city]") {
  TempDir dir;
  const std::string square = R"("geometry":{"type":"Polygon","coordinates":[[[0,0],[10,0],[10,8],[0,8],[0,0]]]})";
  cimtest::writeFile(dir / "bad.geojson", std::string(R"({"type":"FeatureCollection","features":[)") +
                                              R"({"type":"Feature","properties":{"id":"ok","height":12.5},)" + square + "}," +
                                              R"({"type":"Feature","properties":{"id":"text","height":"unknown"},)" + square + "}," +
                                              R"({"type":"Feature","properties":{"id":"zero","height":0},)" + square + "}," +
                                              R"({"type":"Feature","properties":{"id":"none"},)" + square + "}," +
                                              R"({"type":"Feature","properties":{"id":"floors","floors":5},)" + square + "}" +
                                              "]}");
  io::CityOptions o;
  o.storeyHeightMeters = 3.3;
  auto r = io::readFootprints(dir / "bad.geojson", o);
  REQUIRE(r.ok());
  CHECK(r->prisms == 2);
  CHECK(r->skipped == 3);
  CHECK(cimtest::hasDiagnostic(r.diagnostics(), ErrorCode::CityObjectSkipped, "feature 1 (text) skipped: height 'unknown' is not a positive number"));
  CHECK(cimtest::hasDiagnostic(r.diagnostics(), ErrorCode::CityObjectSkipped, "feature 2 (zero) skipped: height '0' is not a positive number"));
  CHECK(cimtest::hasDiagnostic(r.diagnostics(), ErrorCode::CityObjectSkipped, "feature 3 (none) skipped: no height and no storey count"));
  const auto* floors = cimtest::byGuid(r->scene, "floors");
  REQUIRE(floors);
  CHECK(cimtest::buildingPrism(*floors)->topElevation - cimtest::buildingPrism(*floors)->bottomElevation == Approx(16.5));
  const auto* ok = cimtest::byGuid(r->scene, "ok");
  REQUIRE(ok);
  CHECK(cimtest::buildingPrism(*ok)->topElevation == Approx(12.5));
}

TEST_CASE("footprints: without a ground field the ground comes from a DEM loaded in the same call", "[city]") {
  TempDir dir;
  // Two footprints on the sample's DEM, no ground field.
  cimtest::writeFile(dir / "houses.geojson",
                     R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs,crs:EPSG::4549,crs:EPSG::5737"}},"features":[)"
                     R"({"type":"Feature","properties":{"id":"a","层数":2},"geometry":{"type":"Polygon","coordinates":[[[515300,3347900],[515310,3347900],[515310,3347910],[515300,3347910],[515300,3347900]]]}},)"
                     R"({"type":"Feature","properties":{"id":"b","建筑高度":7},"geometry":{"type":"Polygon","coordinates":[[[515500,3347750],[515510,3347750],[515510,3347760],[515500,3347760],[515500,3347750]]]}}]})");
  app::LoadOptions lo;
  lo.crs = "EPSG:4549+5737";
  auto s = app::loadScene({dir / "houses.geojson", cimtest::hangzhouFile("dem.tif")}, lo);
  REQUIRE(s.ok());
  // hangzhou_sample.ground at the centroids (515305, 3347905) and (515505, 3347755), within the DEM's cm rounding
  // and bilinear interpolation.
  const auto* a = cimtest::byGuid(*s, "a");
  const auto* b = cimtest::byGuid(*s, "b");
  REQUIRE(a);
  REQUIRE(b);
  const double groundA = 8.0 - 0.005 * (515305 - 515400.0) + 0.004 * (3347905 - 3347835.0) +
                         0.3 * std::sin(2 * M_PI * (515305 - 515250.0) / 170.0) * std::cos(2 * M_PI * (3347905 - 3347710.0) / 130.0);
  CHECK(cimtest::buildingPrism(*a)->bottomElevation == Approx(groundA).margin(0.02));
  CHECK(cimtest::buildingPrism(*a)->topElevation - cimtest::buildingPrism(*a)->bottomElevation == Approx(6.0));
  CHECK(cimtest::buildingPrism(*b)->topElevation - cimtest::buildingPrism(*b)->bottomElevation == Approx(7.0));
  CHECK(cimtest::hasDiagnostic(s.diagnostics(), ErrorCode::ConventionApplied, "from dem.tif"));
}

TEST_CASE("footprints: the Alexandria buildings extrude by their HEIGHT field", "[city][shared]") {
  const auto f = cimtest::sharedDataDir() / "citygml/alexandria_buildings_footprints.geojson";
  if (!fs::exists(f)) {
    WARN("shared data absent");
    return;
  }
  auto r = io::readFootprints(f);
  REQUIRE(r.ok());
  // 84 features, two of them (59, 65) with a null HEIGHT: skipped, each named, not flat buildings.
  CHECK(r->skipped == 2);
  CHECK(r->prisms == 82);
  CHECK(cimtest::hasDiagnostic(r.diagnostics(), ErrorCode::CityObjectSkipped, "feature 59 (alexandria_buildings_footprints/59) skipped: no height"));
  CHECK(cimtest::hasDiagnostic(r.diagnostics(), ErrorCode::CityObjectSkipped, "feature 65 (alexandria_buildings_footprints/65) skipped"));
  REQUIRE(r->scene.crs());
  CHECK(r->scene.crs()->definition() == "EPSG:32618");  // longitude/latitude extruded in their UTM zone
  std::size_t checked = 0;
  r->scene.forEachElement([&](const model::Layer&, const model::Element& e) {
    const auto* p = cimtest::buildingPrism(e);
    REQUIRE(p);
    CHECK(p->topElevation - p->bottomElevation == Approx(std::get<double>(e.attributes.at("HEIGHT"))));
    ++checked;
  });
  CHECK(checked == r->prisms);
}

TEST_CASE("footprints: over several read batches the scene and the skips keep the features' order", "[city]") {
  // 20,000 features (the reader builds batches of 8,192 while it reads the next): every 997th has no height (a skip
  // while reading) and every 1,499th is a two-corner sliver (a skip while building).
  TempDir dir;
  std::string text =
      R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4549"}},"features":[)";
  constexpr int kFeatures = 20000;
  std::size_t expectedSkips = 0;
  for (int i = 0; i < kFeatures; ++i) {
    const double x = 500000.0 + 20.0 * (i % 200), y = 3340000.0 + 20.0 * (i / 200);
    const bool noHeight = i % 997 == 5, sliver = i % 1499 == 7;
    expectedSkips += noHeight || sliver;
    std::string ring = sliver ? "[[" + std::to_string(x) + "," + std::to_string(y) + "],[" + std::to_string(x + 5) + "," +
                                    std::to_string(y) + "],[" + std::to_string(x) + "," + std::to_string(y) + "]]"
                              : "[[" + std::to_string(x) + "," + std::to_string(y) + "],[" + std::to_string(x + 10) + "," +
                                    std::to_string(y) + "],[" + std::to_string(x + 10) + "," + std::to_string(y + 8) +
                                    "],[" + std::to_string(x) + "," + std::to_string(y) + "]]";
    if (i) text += ",";
    text += R"({"type":"Feature","properties":{"id":"f)" + std::to_string(i) + "\"";
    if (!noHeight) text += ",\"height\":" + std::to_string(3 + i % 20);
    text += R"(},"geometry":{"type":"Polygon","coordinates":[)" + ring + "]}}";
  }
  text += "]}";
  cimtest::writeFile(dir / "many.geojson", text);
  auto r = io::readFootprints(dir / "many.geojson");
  REQUIRE(r.ok());
  CHECK(r->skipped == expectedSkips);
  CHECK(r->prisms == kFeatures - expectedSkips);
  // The elements in feature order.
  const auto& elements = r->scene.layers().at(0).elements;
  REQUIRE(elements.size() == r->prisms);
  std::size_t previous = 0;
  bool ordered = true;
  for (std::size_t k = 0; k < elements.size(); ++k) {
    const auto n = static_cast<std::size_t>(std::stoul(elements[k].guid.substr(1)));
    if (k > 0 && n <= previous) ordered = false;
    previous = n;
  }
  CHECK(ordered);
  // The skips in feature order, read-time and build-time ones interleaved as the features are.
  std::vector<std::size_t> skipped;
  for (const auto& d : r.diagnostics())
    if (d.code == ErrorCode::CityObjectSkipped) skipped.push_back(std::stoul(d.message.substr(d.message.find(' ') + 1)));
  REQUIRE(skipped.size() == expectedSkips);
  CHECK(std::is_sorted(skipped.begin(), skipped.end()));
  CHECK(std::count_if(skipped.begin(), skipped.end(), [](std::size_t i) { return i % 1499 == 7; }) >= 13);
}
