// The cim CLI on each family of input: pipe tables (with their QA), site features, raster DEMs — what a user runs
// and what the outputs hold.
#include <cmath>
#include <filesystem>
#include <iconv.h>

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

TEST_CASE("cim convert: a local model with --crs but no --origin is refused in one line naming --origin",
          "[cli][georef]") {
  TempDir dir;
  const std::string cim = cimtest::shellQuote(CIM_CLI_PATH);
  const std::string ifc = cimtest::shellQuote((cimtest::sourceDir() / "tests/corpus/georef/local_model.ifc").string());
  const std::string out = cimtest::shellQuote((dir / "m.glb").string());
  auto refused = cimtest::run(cim + " convert " + ifc + " --crs EPSG:4549 -o " + out);
  INFO(refused.out << refused.err);
  CHECK(refused.exitCode == 1);
  CHECK_THAT(refused.err, Contains("--origin") && Contains("no georeference of its own"));
  CHECK_FALSE(std::filesystem::exists(dir / "m.glb"));
  auto placed = cimtest::run(cim + " convert " + ifc + " --crs EPSG:4549 --origin 515000 3347000 5 -o " + out);
  CHECK(placed.exitCode == 0);
}

TEST_CASE("cim convert: pipe tables with a DEM take their ground from it, and a point off the DEM is named", "[cli][pipes]") {
  TempDir dir;
  cimtest::writeFlatHangzhouDem(dir / "dem.tif", 12.0);
  cimtest::writeFile(dir / "RQ_POINT.csv", "物探点号,X,Y\nG1,3347850,515400\nG2,3347850,515420\nG3,3347850,515900\n");
  cimtest::writeFile(dir / "RQ_LINE.csv", "起点点号,终点点号,起点埋深,终点埋深,管径\nG1,G2,1.2,1.2,200\nG2,G3,1.2,1.2,200\n");
  const std::string cim = cimtest::shellQuote(CIM_CLI_PATH);
  auto c = cimtest::run(cim + " convert " + cimtest::shellQuote((dir / "RQ_LINE.csv").string()) + " " +
                        cimtest::shellQuote((dir / "dem.tif").string()) + " --crs EPSG:4549 -o " +
                        cimtest::shellQuote((dir / "n.glb").string()));
  INFO(c.out << c.err);
  CHECK(c.exitCode == 0);
  CHECK_THAT(c.out + c.err, Contains("row 2 (G2-G3) skipped: no ground height (Surf_H/地面高程) at G3 and it lies "
                                     "outside the terrain (DEM)"));
  CHECK(std::filesystem::file_size(dir / "n.glb") > 0);
}

TEST_CASE("cim info reads a GBK pipe table and --encoding is one option of every command", "[cli][encoding]") {
  TempDir dir;
  // The tables in GBK bytes, as iconv -f UTF-8 -t GBK writes them.
  const std::string cim = cimtest::shellQuote(CIM_CLI_PATH);
  auto gbk = [](const std::string& utf8) {
    iconv_t cd = iconv_open("GBK", "UTF-8");
    std::string out(utf8.size() * 2, '\0');
    char* in = const_cast<char*>(utf8.data());
    char* o = out.data();
    std::size_t inLeft = utf8.size(), outLeft = out.size();
    iconv(cd, &in, &inLeft, &o, &outLeft);
    iconv_close(cd);
    out.resize(out.size() - outLeft);
    return out;
  };
  cimtest::writeFile(dir / "RQ_POINT.csv", gbk("物探点号,X,Y,地面高程\nG1,3347850,515400,10\nG2,3347850,515420,10\n"));
  cimtest::writeFile(dir / "RQ_LINE.csv", gbk("起点点号,终点点号,起点埋深,终点埋深,管径,材质\nG1,G2,1.2,1.2,200,钢\n"));
  const std::string table = cimtest::shellQuote((dir / "RQ_LINE.csv").string());
  auto i = cimtest::run(cim + " info -v " + table + " --crs EPSG:4549");
  INFO(i.out << i.err);
  CHECK(i.exitCode == 0);
  CHECK_THAT(i.out + i.err, Contains("1 pipe(s)") && Contains("read as GB18030"));
  for (const char* command : {"convert", "tiles"}) {
    auto bad = cimtest::run(cim + " " + command + " " + table + " --crs EPSG:4549 --encoding KLINGON-8 -o " +
                            cimtest::shellQuote((dir / (std::string(command) == "tiles" ? "t" : "x.glb")).string()));
    INFO(command << ": " << bad.out << bad.err);
    CHECK(bad.exitCode == 1);
    CHECK_THAT(bad.err, Contains("--encoding 'KLINGON-8'"));
  }
  auto bad = cimtest::run(cim + " info " + table + " --crs EPSG:4549 --encoding KLINGON-8");
  CHECK(bad.exitCode == 1);
  CHECK_THAT(bad.err, Contains("--encoding 'KLINGON-8'"));
}
