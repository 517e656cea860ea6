// io/city/citygml_reader: CityGML through libcitygml.
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

TEST_CASE("CityGML: the sample's LoD1 solid is an exact prism and its LoD2 house has roof and wall surfaces", "[city]") {
  auto r = io::readCityGml(cimtest::hangzhouFile("buildings.gml"));
  REQUIRE(r.ok());
  CHECK(r->format == "CityGML 2.0");
  REQUIRE(r->scene.crs());
  CHECK(r->scene.crs()->definition() == "EPSG:4549+5737");
  CHECK(r->buildings == 2);
  CHECK(r->prisms == 1);
  const auto* flat = cimtest::byGuid(r->scene, "HZ-B-202");
  REQUIRE(flat);
  REQUIRE(cimtest::buildingPrism(*flat));
  CHECK(cimtest::buildingPrism(*flat)->topElevation - cimtest::buildingPrism(*flat)->bottomElevation == Approx(6.0).margin(1e-3));
  const auto* house = cimtest::byGuid(r->scene, "HZ-B-201");
  REQUIRE(house);
  CHECK(house->parametric == nullptr);
  std::set<std::string> materials;
  for (const auto& sh : house->shapes) materials.insert(sh.material.name);
  CHECK(materials.count("RoofSurface") == 1);
  CHECK(materials.count("WallSurface") == 1);
  CHECK(std::get<double>(house->attributes.at("bldg:measuredheight")) == Approx(15.0));
}

TEST_CASE("CityGML: every shared file loads, or fails with a diagnostic naming what libcitygml cannot read", "[city][shared]") {
  for (const auto& f : cimtest::sharedFiles("citygml", ".gml")) {
    INFO(f.filename().string());
    auto r = io::readCityGml(f);
    const bool v3 = f.filename().string().find("_v3") != std::string::npos;
    if (v3) {
      REQUIRE_FALSE(r.ok());
      CHECK(r.error()->code == ErrorCode::CityGmlNotRead);
      CHECK_THAT(r.error()->message, Catch::Matchers::Contains("CityGML 3.0") &&
                                         Catch::Matchers::Contains("core:boundary"));
      continue;
    }
    REQUIRE(r.ok());
    CHECK(r->buildings > 0);
    CHECK(r->scene.triangleCount() > 0);
    REQUIRE(r->scene.crs());
    WARN(f.filename().string() << ": " << r->buildings << " buildings, " << r->prisms << " prisms, "
                               << r->scene.triangleCount() << " triangles in " << r->scene.crs()->definition());
    if (f.filename() == "Potsdam_LoD1_v1.gml") {
      CHECK(r->scene.crs()->definition() == "EPSG:25833+5783");
      CHECK(r->buildings == 97);
      CHECK(r->prisms > 90);
    }
  }
}
