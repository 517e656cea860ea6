// The cim CLI on each family of input: pipe tables (with their QA), site features, raster DEMs — what a user runs
// and what the outputs hold.
#include <cmath>
#include <filesystem>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cim/app/load.h"
#include "support/dem.h"
#include "support/pipe_tables.h"
#include "support/site_features.h"
#include "support/test_support.h"

using namespace cim;
using namespace cimtest;
using Catch::Matchers::Contains;

TEST_CASE("cim info prints the pipe QA summary, and cim convert writes a valid GLB", "[pipes][cli]") {
  TempDir dir;
  writeGasCsv(dir.path());
  const std::string cim = cimtest::shellQuote(CIM_CLI_PATH);
  auto info = cimtest::run(cim + " info " + cimtest::shellQuote((dir / "RQ_LINE.csv").string()) + " --crs EPSG:4549");
  CHECK(info.exitCode == 0);
  CHECK_THAT(info.out, Contains("CJJ 61 pipe survey tables: 8 pipe(s), 1 well(s), 5 row(s) skipped"));
  CHECK_THAT(info.out, Contains("pipe QA:   8 finding(s)") && Contains("duplicate 1") &&
                           Contains("reversed-duplicate 1") && Contains("missing-point 1"));
  auto json = cimtest::run(cim + " info --json " + cimtest::shellQuote((dir / "RQ_LINE.csv").string()) +
                           " --crs EPSG:4549");
  const auto j = nlohmann::json::parse(json.out);
  CHECK(j["pipes"]["qa"]["depth-beyond-limit"] == 1);
  CHECK(j["pipes"]["findings"].size() == 8);
  auto conv = cimtest::run(cim + " convert " + cimtest::shellQuote((dir / "RQ_LINE.csv").string()) +
                           " --crs EPSG:4549+5737 -o " + cimtest::shellQuote((dir / "gas.glb").string()));
  REQUIRE(conv.exitCode == 0);
  const auto report = cimtest::validateGltf(dir / "gas.glb");
  CHECK(report["errors"] == 0);

  const auto swmm = cimtest::sharedDataDir() / "pipes/swmm_sewer_state_plane_epsg2817.inp";
  if (std::filesystem::exists(swmm)) {
    auto noCrs = cimtest::run(cim + " info " + cimtest::shellQuote(swmm.string()));
    CHECK(noCrs.exitCode == 1);
    CHECK_THAT(noCrs.err, Contains("SWMM files carry no CRS"));
    auto c = cimtest::run(cim + " convert " + cimtest::shellQuote(swmm.string()) + " --input-crs EPSG:2817 -o " +
                          cimtest::shellQuote((dir / "sewer.glb").string()));
    REQUIRE(c.exitCode == 0);
    CHECK(cimtest::validateGltf(dir / "sewer.glb")["errors"] == 0);
  }
}

TEST_CASE("cim convert takes a site GeoJSON to a valid GLB and cim info names its kinds", "[site][cli]") {
  cimtest::TempDir dir;
  const std::string square = polygonOf({{E0, N0}, {E0 + 4, N0}, {E0 + 4, N0 + 4}, {E0, N0 + 4}});
  cimtest::writeFile(
      dir / "works.geojson",
      geojson(R"({"type":"Feature","properties":{"kind":"excavation","top":8,"depth":3},"geometry":{"type":"Polygon","coordinates":)" +
              square + "}}," +
              R"({"type":"Feature","properties":{"kind":"borehole","top":8,"depth":20,"diameter":110},"geometry":{"type":"Point","coordinates":)" +
              pt(E0 + 8, N0) + "}}"));
  CHECK(io::isSiteFile(dir / "works.geojson"));
  CHECK(app::formatName(dir / "works.geojson") == "GeoJSON site features");
  const std::string cli = cimtest::shellQuote(CIM_CLI_PATH);
  auto c = cimtest::run(cli + " convert " + cimtest::shellQuote((dir / "works.geojson").string()) +
                        " --crs EPSG:4549+5737 -o " + cimtest::shellQuote((dir / "works.glb").string()));
  INFO(c.out << c.err);
  REQUIRE(c.exitCode == 0);
  auto report = cimtest::validateGltf(dir / "works.glb");
  INFO(report.dump());
  CHECK(report["errors"] == 0);
  auto i = cimtest::run(cli + " info --json " + cimtest::shellQuote((dir / "works.geojson").string()));
  REQUIRE(i.exitCode == 0);
  auto j = nlohmann::json::parse(i.out);
  CHECK(j["crs"] == "EPSG:4549");
  CHECK(j["classes"]["excavation"] == 1);
  CHECK(j["classes"]["borehole"] == 1);
  CHECK(j["bounds"]["min"][2].get<double>() == Approx(-12.0).margin(1e-3));
}

TEST_CASE("cim convert turns a DEM into a GLB that passes glTF-Validator, and cim info describes it", "[terrain][cli]") {
  if (!haveDem("ky4_elevation_epsg3547.tif")) return;
  using cimtest::shellQuote;
  cimtest::TempDir dir;
  const std::string cli = shellQuote(CIM_CLI_PATH);
  const std::string dem = shellQuote((demDir() / "ky4_elevation_epsg3547.tif").string());
  auto c = cimtest::run(cli + " convert " + dem + " --max-error 0.5 -o " + shellQuote((dir / "t.glb").string()));
  INFO(c.out << c.err);
  REQUIRE(c.exitCode == 0);
  CHECK_THAT(c.out, Catch::Matchers::Contains("wrote") && Catch::Matchers::Contains("EPSG:3723"));
  auto report = cimtest::validateGltf(dir / "t.glb");
  INFO(report.dump());
  CHECK(report["errors"] == 0);

  auto i = cimtest::run(cli + " info " + dem + " --json");
  REQUIRE(i.exitCode == 0);
  auto j = nlohmann::json::parse(i.out);
  CHECK(j["format"] == "GeoTIFF raster DEM");
  CHECK(j["crs"] == "EPSG:3723");
  CHECK(j["triangles"].get<int>() > 0);
  // UTM 16N bounds of the raster's cell centres, and heights of the raster's range (117.44-226.24 m).
  CHECK(j["bounds"]["min"][2].get<double>() == Approx(117.438).margin(0.01));
  CHECK(j["bounds"]["max"][2].get<double>() == Approx(226.242).margin(0.01));

  // The scene CRS can be chosen with --crs: here the metre version of the raster's state plane (EPSG:3546).
  auto m = cimtest::run(cli + " convert " + dem + " --crs EPSG:3546 -o " + shellQuote((dir / "m.glb").string()));
  INFO(m.err);
  CHECK(m.exitCode == 0);
  CHECK_THAT(m.out, Catch::Matchers::Contains("EPSG:3546"));
}
