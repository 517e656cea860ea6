// io/city/cityjson_reader: CityJSON 1.1/2.0 buildings.
#include <cmath>
#include <filesystem>
#include <set>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cim/app/load.h"
#include "cim/io/city.h"
#include "support/city.h"
#include "support/pipe_tables.h"
#include "support/scene_lookup.h"
#include "support/test_support.h"

using namespace cim;
using cimtest::TempDir;
namespace fs = std::filesystem;

TEST_CASE("CityJSON: the sample's buildings at the highest LoD and, with an LoD option, as exact LoD1 prisms", "[city]") {
  auto r = io::readCityJson(cimtest::hangzhouFile("buildings.city.json"));
  REQUIRE(r.ok());
  CHECK(r->format == "CityJSON 2.0");
  CHECK(r->buildings == 2);
  CHECK(r->prisms == 0);
  const auto* b = cimtest::byGuid(r->scene, "HZ-B-101");
  REQUIRE(b);
  CHECK(std::get<std::string>(b->attributes.at("lod")) == "2");
  CHECK(std::get<std::string>(b->attributes.at("建筑编号")) == "HZ-B-101");
  std::set<std::string> materials;
  for (const auto& sh : b->shapes) materials.insert(sh.material.name);
  CHECK(materials == std::set<std::string>{"GroundSurface", "RoofSurface", "WallSurface"});

  io::CityOptions lod1;
  lod1.lod = "1";
  auto r1 = io::readCityJson(cimtest::hangzhouFile("buildings.city.json"), lod1);
  REQUIRE(r1.ok());
  CHECK(r1->prisms == 2);
  const auto* p = cimtest::buildingPrism(*cimtest::byGuid(r1->scene, "HZ-B-101"));
  REQUIRE(p);
  CHECK(p->topElevation - p->bottomElevation == Approx(12.0).margin(1e-3));
}

TEST_CASE("CityJSON: every shared file loads with its attributes, LoDs, parts and templates", "[city][shared]") {
  const auto files = cimtest::sharedFiles("cityjson", ".json");
  for (const auto& f : files) {
    INFO(f.filename().string());
    auto r = io::readCityJson(f);
    REQUIRE(r.ok());
    CHECK(r->scene.triangleCount() > 0);
    WARN(f.filename().string() << ": " << r->buildings << " buildings, " << r->buildingParts << " parts, "
                               << r->prisms << " prisms, " << r->scene.triangleCount() << " triangles");
    const std::string name = f.filename().string();
    if (name == "3dbag_multi_lod_v2.city.json") {
      CHECK(r->buildings == 10);
      const auto* b = cimtest::byGuid(r->scene, "NL.IMBAG.Pand.0796100000236261");
      if (b) CHECK(std::get<std::string>(b->attributes.at("lod")) == "2.2");
      io::CityOptions o;
      o.lod = "1.2";
      auto l1 = io::readCityJson(f, o);
      REQUIRE(l1.ok());
      CHECK(l1->prisms == 10);
    } else if (name == "DH_01_subs.city.json") {
      CHECK(r->buildingParts == 8);
      std::size_t withParent = 0;
      r->scene.forEachElement([&](const model::Layer&, const model::Element& e) {
        withParent += e.kind == "building-part" && e.attributes.contains("parent");
      });
      CHECK(withParent == 8);
    } else if (name == "cjio_dummy_templates_v2.city.json") {
      CHECK(cimtest::countKind(r->scene, "SolitaryVegetationObject") == 1);
      std::size_t treeTriangles = 0;
      r->scene.forEachElement([&](const model::Layer&, const model::Element& e) {
        if (e.kind == "SolitaryVegetationObject") treeTriangles = e.triangleCount();
      });
      CHECK(treeTriangles > 0);  // drawn from its geometry template
    } else if (name == "zurich_subset_lod2.city.json") {
      REQUIRE(r->scene.crs());
      CHECK(r->scene.crs()->definition() == "EPSG:2056");
      CHECK(r->buildings + r->buildingParts == 210);
      CHECK(r->scene.worldBounds().min.x() > 2.6e6);
    }
  }
}
