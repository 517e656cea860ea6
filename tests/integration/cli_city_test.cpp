// The city's 3-D base end to end: every shared CityGML / CityJSON file and the Alexandria footprints to a
// validator-clean GLB (cim convert) and to 3D Tiles that pass the tileset checks; the sample's buildings with the
// register joined, in `cim info` and in the tiles' metadata.
#include <filesystem>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cim/app/load.h"
#include "cim/export/tiles3d.h"
#include "support/test_support.h"
#include "support/tileset.h"

using namespace cim;
using namespace cimtest;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

// The CRS of shared files that carry none (SOURCES.md: the 3D BAG and Den Haag files are in Dutch RD New + NAP).
std::string inputCrsFor(const fs::path& f) {
  const std::string n = f.filename().string();
  return n == "3dbag_multi_lod_v2.city.json" || n == "DH_01_subs.city.json" ? "EPSG:7415" : "";
}

// cim convert to a GLB that glTF-Validator passes, and 3D Tiles written from the same scene that pass checkTileset.
void convertsAndTiles(const fs::path& f) {
  INFO(f.filename().string());
  TempDir dir;
  const std::string cim = shellQuote(CIM_CLI_PATH);
  const std::string crs = inputCrsFor(f);
  const std::string crsArg = crs.empty() ? "" : " --input-crs " + crs;
  auto conv = run(cim + " convert " + shellQuote(f.string()) + crsArg + " -o " + shellQuote((dir / "x.glb").string()));
  REQUIRE(conv.exitCode == 0);
  const auto report = validateGltf(dir / "x.glb");
  CHECK(report["errors"] == 0);

  app::LoadOptions lo;
  lo.inputCrs = crs;
  auto scene = app::loadScene({f}, lo);
  REQUIRE(scene.ok());
  REQUIRE(scene->crs());
  auto written = tiles3d::write(*scene, dir / "tiles");
  REQUIRE(written.ok());
  REQUIRE(!written->tilesets.empty());
  for (const auto& t : written->tilesets) {
    const auto c = checkTileset(t.tileset, *scene, 100000, true);
    CHECK(c.maxErrorMeters < 2e-3);
    CHECK(c.elements > 0);
  }
  auto tiles = run(cim + " tiles " + shellQuote(f.string()) + crsArg + " -o " + shellQuote((dir / "cli").string()));
  CHECK(tiles.exitCode == 0);
  WARN(f.filename().string() << ": GLB " << fs::file_size(dir / "x.glb") << " bytes, glTF-Validator "
                             << report["warnings"] << " warnings; " << scene->elementCount() << " elements tiled");
}

}  // namespace

TEST_CASE("cim convert and tiles: every shared CityGML file, 1.0 to 3.0", "[city][cli][shared]") {
  for (const auto& f : sharedFiles("citygml", ".gml")) convertsAndTiles(f);
}

TEST_CASE("cim convert and tiles: every shared CityJSON file", "[city][cli][shared]") {
  for (const auto& f : sharedFiles("cityjson", ".json")) convertsAndTiles(f);
}

TEST_CASE("cim convert and tiles: the Alexandria footprints extruded by HEIGHT", "[city][cli][shared]") {
  const auto f = sharedDataDir() / "citygml/alexandria_buildings_footprints.geojson";
  if (!fs::exists(f)) {
    WARN("shared data absent");
    return;
  }
  convertsAndTiles(f);
}

TEST_CASE("cim info and tiles: the sample's buildings with the register joined, unmatched keys listed", "[city][cli][join]") {
  const std::string cim = shellQuote(CIM_CLI_PATH);
  const fs::path hz = sourceDir() / "data/hangzhou";
  const std::string join = " --join " + shellQuote((hz / "building_register.csv").string()) + " --on guid=建筑编号";
  auto info = run(cim + " info " + shellQuote((hz / "buildings_footprints.geojson").string()) + join);
  CHECK(info.exitCode == 0);
  CHECK_THAT(info.out, Contains("GeoJSON building footprints"));
  CHECK_THAT(info.out, Contains("JoinKeyUnmatched") || Contains("match no element"));
  CHECK_THAT(info.out, Contains("HZ-B-099"));
  auto elements = run(cim + " info --elements --json " + shellQuote((hz / "buildings_footprints.geojson").string()) + join);
  REQUIRE(elements.exitCode == 0);
  CHECK_THAT(elements.out, Contains("\"检查状态\":\"C级 局部危险\""));
  CHECK_THAT(elements.out, Contains("\"建成年份\":1986"));

  TempDir dir;
  auto tiles = run(cim + " tiles " + shellQuote((hz / "buildings_footprints.geojson").string()) + " " +
                   shellQuote((hz / "buildings.city.json").string()) + " " + shellQuote((hz / "buildings.gml").string()) +
                   " --crs EPSG:4549+5737" + join + " -o " + shellQuote((dir / "out").string()));
  REQUIRE(tiles.exitCode == 0);
  // The joined values are in the tiles' property tables (strings are stored as UTF-8 bytes in the GLBs).
  std::size_t withValue = 0;
  for (const auto& [rel, bytes] : readTree(dir / "out"))
    if (bytes.find("C级 局部危险") != std::string::npos) ++withValue;
  CHECK(withValue >= 1);

  // And every joined attribute reads back typed from the metadata.
  app::LoadOptions lo;
  lo.crs = "EPSG:4549+5737";
  lo.joins.push_back({hz / "building_register.csv", "guid", "建筑编号"});
  auto scene = app::loadScene({hz / "buildings_footprints.geojson", hz / "buildings.city.json", hz / "buildings.gml"}, lo);
  REQUIRE(scene.ok());
  auto written = tiles3d::write(*scene, dir / "inproc");
  REQUIRE(written.ok());
  std::size_t compared = 0;
  for (const auto& t : written->tilesets) compared += compareProperties(t.tileset, *scene).first;
  CHECK(compared >= 90);  // 10 buildings × their own and joined attributes
}

TEST_CASE("FZK-Haus: the IFC placed with --origin lies on its CityGML 3.0 LoD3 twin, IfcSite's lat/long 1 km away", "[city][cli][shared]") {
  const fs::path ifc = sharedDataDir() / "ifc/AC20-FZK-Haus.ifc";
  const fs::path gml = sharedDataDir() / "citygml/FZK-Haus-LoD3-KIT-IAI-KHH-B36-V1__v3.gml";
  if (!fs::exists(ifc) || !fs::exists(gml)) {
    WARN("shared data absent");
    return;
  }
  auto wallsOf = [](const model::Scene& s) {
    geometry::Aabb b;
    s.forEachElement([&](const model::Layer&, const model::Element& e) {
      if (e.kind == "IfcWallStandardCase" || e.kind == "IfcWall" || e.kind == "IfcSlab" || e.kind == "IfcRoof")
        b.extend(e.worldBounds());
    });
    return b;
  };
  app::LoadOptions lo;
  lo.crs = "EPSG:25832+5783";
  auto city = app::loadScene({gml}, lo);
  REQUIRE(city.ok());
  const auto house = city->worldBounds();
  // IfcSite's latitude/longitude alone: about 1 km east-south-east of the CityGML.
  auto bySite = app::loadScene({ifc}, lo);
  REQUIRE(bySite.ok());
  const Eigen::Vector3d off = wallsOf(*bySite).min - house.min;
  CHECK(off.head<2>().norm() > 900.0);
  CHECK(off.head<2>().norm() < 1200.0);
  // The IFC's engineering origin is the south-west outer corner of the walls at the top of the ground slab: --origin
  // 457842 5439083 112 puts its walls, slabs and roof (0.5 m eaves, slab bottom at -0.2 m) on the LoD3 shell.
  lo.origin = Eigen::Vector3d(457842.0, 5439083.0, 112.0);
  auto placed = app::loadScene({ifc}, lo);
  REQUIRE(placed.ok());
  const auto walls = wallsOf(*placed);
  CHECK((walls.min - house.min).cwiseAbs().maxCoeff() < 0.01);
  CHECK((walls.max - house.max).cwiseAbs().maxCoeff() < 0.01);
}
