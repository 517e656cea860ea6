// The cim CLI on the crafted inputs of issue 14 (reproducers in tests/fuzz/corpus): no crash, the bad part named,
// and what is written is valid.
#include <catch2/catch.hpp>

#include <cmath>
#include <sstream>
#include <string>

#include "support/glb.h"
#include "support/test_support.h"

using namespace cimtest;
using Catch::Matchers::Contains;

TEST_CASE("cim convert of site values of 1e308 skips that feature and writes finite accessor bounds", "[site][cli][hostile]") {
  // Before: exit 0 with a GLB whose origin was inf and whose accessors had null / FLT_MAX bounds.
  TempDir dir;
  const auto input = sourceDir() / "tests/fuzz/corpus/site/polygon_1e308_values.geojson";
  auto r = run(shellQuote(CIM_CLI_PATH) + " convert " + shellQuote(input.string()) + " --output " +
               shellQuote((dir / "out.glb").string()));
  INFO(r.out << r.err);
  CHECK(r.exitCode == 0);
  CHECK_THAT(r.out + r.err, Contains("is not finite or beyond 1000000000000"));
  const auto glb = readGlb(dir / "out.glb");
  for (const auto& a : glb.doc["accessors"]) {
    if (!a.contains("min")) continue;
    for (std::size_t i = 0; i < a["min"].size(); ++i) {
      REQUIRE(a["min"][i].is_number());
      REQUIRE(a["max"][i].is_number());
      CHECK(std::abs(a["min"][i].get<double>()) < 1e6);
      CHECK(std::abs(a["max"][i].get<double>()) < 1e6);
    }
  }
}

TEST_CASE("cim info of a 12500-deep placement chain reports the cut and exits 0", "[ifc][cli][hostile]") {
  // Before: SIGSEGV (exit 139).
  auto r = run(shellQuote(CIM_CLI_PATH) + " info " +
               shellQuote((sourceDir() / "tests/fuzz/corpus/ifc/placement_chain_12500.ifc").string()));
  INFO(r.out << r.err);
  CHECK(r.exitCode == 0);
  CHECK_THAT(r.out + r.err, Contains("placement chain deeper than 256 placements"));
}

TEST_CASE("cim info of a GeoJSON with a geometry without coordinates prints no raw GDAL error line", "[site][pipes][cli][hostile]") {
  // Before: GDAL's own handler printed "ERROR 1: Invalid Polygon object. Missing 'coordinates' member." to stderr
  // (from the format sniff and the reader) besides libcim's diagnostic.
  TempDir dir;
  const std::string site =
      R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4549"}},)"
      R"("features":[{"type":"Feature","properties":{"kind":"excavation","id":"JK-1","top":8.2,"depth":6.5},)"
      R"("geometry":{"type":"Polygon","coordinates":[[[515400,3347840],[515430,3347840],[515430,3347860],[515400,3347840]]]}},)"
      R"({"type":"Feature","properties":{"kind":"excavation","id":"JK-2","top":8.2,"depth":6.5},"geometry":{"type":"Polygon"}}]})";
  const std::string pipes =
      R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4549"}},)"
      R"("features":[{"type":"Feature","properties":{"S_Exp":"A","E_Exp":"B","PSize":"200","Type":"JS"},)"
      R"("geometry":{"type":"LineString"}}]})";
  writeFile(dir / "site.geojson", site);
  writeFile(dir / "JS_LINE.geojson", pipes);
  for (const char* name : {"site.geojson", "JS_LINE.geojson"}) {
    auto r = run(shellQuote(CIM_CLI_PATH) + " info " + shellQuote((dir / name).string()));
    INFO(name << "\n" << r.out << r.err);
    CHECK((r.exitCode == 0 || r.exitCode == 1));  // 1: the skipped feature is an error diagnostic; no crash
    CHECK_THAT(r.out + r.err, Contains("Missing 'coordinates' member"));  // GDAL's reason, as a diagnostic
    CHECK_THAT(r.out + r.err, !Contains("CSV lines"));  // the CSV line limit is no hint for a GeoJSON
    std::istringstream lines(r.err);
    for (std::string line; std::getline(lines, line);) {
      CHECK(line.rfind("ERROR ", 0) != 0);
      CHECK(line.rfind("Warning ", 0) != 0);
    }
  }
}
