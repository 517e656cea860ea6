// io/city/city_common: CRS names of city files, exact LoD1 prisms.
#include <cmath>
#include <filesystem>
#include <set>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cim/app/load.h"
#include "cim/io/city.h"
#include "io/city/city_common.h"
#include "support/city.h"
#include "support/scene_lookup.h"
#include "support/test_support.h"

using namespace cim;
using cimtest::TempDir;
namespace fs = std::filesystem;

TEST_CASE("city CRS names: EPSG URNs, OGC URLs and the AdV names become EPSG definitions", "[city]") {
  using io::city::crsDefinitionFromName;
  const std::pair<const char*, const char*> cases[] = {
      {"urn:ogc:def:crs,crs:EPSG::25832,crs:EPSG::5783", "EPSG:25832+5783"},
      {"urn:ogc:def:crs,crs:EPSG:6.12:25833,crs:EPSG:6.12:5783", "EPSG:25833+5783"},
      {"urn:ogc:def:crs:EPSG::28992", "EPSG:28992"},
      {"https://www.opengis.net/def/crs/EPSG/0/7415", "EPSG:7415"},
      {"http://www.opengis.net/def/crs/EPSG/0/2056", "EPSG:2056"},
      {"EPSG:4549", "EPSG:4549"},
      {"urn:adv:crs:ETRS89_UTM32*DE_DHHN92_NH", "EPSG:25832+5783"},
      {"urn:adv:crs:ETRS89_UTM32*DE_DHHN2016_NH", "EPSG:25832+7837"},
  };
  for (const auto& [name, def] : cases) {
    INFO(name);
    REQUIRE(crsDefinitionFromName(name));
    CHECK(*crsDefinitionFromName(name) == def);
  }
  CHECK_FALSE(crsDefinitionFromName("local"));
  CHECK(io::city::firstSrsName(R"(<gml:Envelope srsName="EPSG:4549" srsDimension="3">)") == "EPSG:4549");
}

TEST_CASE("city prisms: an LoD1 block is an exact prism, a gable house is not", "[city]") {
  using Eigen::Vector3d;
  auto box = [](double top) {
    std::vector<io::city::Polygon3> p;
    const Vector3d c[8] = {{0, 0, 2}, {10, 0, 2}, {10, 5, 2}, {0, 5, 2}, {0, 0, top}, {10, 0, top}, {10, 5, top}, {0, 5, top}};
    const int faces[6][4] = {{0, 3, 2, 1}, {4, 5, 6, 7}, {0, 1, 5, 4}, {1, 2, 6, 5}, {2, 3, 7, 6}, {3, 0, 4, 7}};
    for (const auto& f : faces) p.push_back({{c[f[0]], c[f[1]], c[f[2]], c[f[3]]}});
    return p;
  };
  const auto prism = io::city::prismOf(box(14.0));
  REQUIRE(prism);
  CHECK(prism->bottomElevation == 2.0);
  CHECK(prism->topElevation == 14.0);
  REQUIRE(prism->rings.size() == 1);
  CHECK(prism->rings[0].size() == 4);
  auto gable = box(14.0);
  gable[1][0][0].z() = 16.0;  // one roof corner higher: not a prism
  CHECK_FALSE(io::city::prismOf(gable));
}
