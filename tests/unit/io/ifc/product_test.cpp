// Product mapping (product.cpp): what one IfcProduct becomes, its attributes, properties and storey, and its meshes
// stored about their own centre; checked against values written in the shared files.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "cim/io/ifc.h"
#include "support/scene_lookup.h"
#include "support/test_support.h"
#include "unit/io/ifc/ifc_test_support.h"

using namespace cim;
using namespace ifctest;
using cimtest::byGuid;

TEST_CASE("Office_A: window size, storey and property values as the file writes them", "[ifc][reader][shared]") {
  const auto path = sharedIfc("Office_A_20110811.ifc");
  REQUIRE_SHARED(path);
  auto r = io::readIfc(path);
  REQUIRE(r.ok());
  CHECK(r->schema == "IFC2X3");
  // #929 IFCWINDOW('1SBS_3GrH1NxHgCQcZ5ifE', ..., OverallHeight 1.4999999, OverallWidth 1.2)
  const auto* w = byGuid(r->scene, "1SBS_3GrH1NxHgCQcZ5ifE");
  REQUIRE(w);
  CHECK(w->name == "M_Fixed:1220 x 1500:1220 x 1500:193946");
  CHECK(std::get<std::string>(w->attributes.at("ObjectType")) == "1220 x 1500");
  CHECK(std::get<std::string>(w->attributes.at("Tag")) == "193946");
  CHECK(std::get<std::string>(w->attributes.at("Storey")) == "Level 2");
  const auto size = w->worldBounds().size();
  CHECK(size.z() == Approx(1.5).margin(1e-3));
  CHECK(std::max(size.x(), size.y()) == Approx(1.2).margin(1e-3));
  // #57024 relates #929 to Pset_WindowCommon #49502 = (#69 Reference, #57 IsExternal, #66 FireRating).
  CHECK(std::get<bool>(w->attributes.at("Pset_WindowCommon.IsExternal")) == true);
  CHECK(std::get<std::string>(w->attributes.at("Pset_WindowCommon.Reference")) == "M_Fixed:1220 x 1500");
  CHECK(std::get<std::string>(w->attributes.at("Pset_WindowCommon.FireRating")) == "FireRating");
}

TEST_CASE("Geometry in absolute map coordinates keeps centimetres", "[ifc][reader][shared]") {
  const auto path = sharedIfc("Georeferencing-Earthworks-12d-1.ifc");
  REQUIRE_SHARED(path);
  auto r = io::readIfc(path);
  REQUIRE(r.ok());
  // #37511 IfcEarthworksFill: a faceted brep written in MGA zone 56 coordinates under an identity placement.
  // web-ifc 0.0.78 gives min (255292.2347, 7410804.2701, 29.2074), max (255299.7012, 7410814.5816, 31.5102).
  const auto* fill = byGuid(r->scene, "1Pw$oQYkb9w8YLBq3qzvZb");
  REQUIRE(fill);
  const auto b = fill->worldBounds();
  CHECK(b.min.x() == Approx(255292.2347).margin(0.005));
  CHECK(b.min.y() == Approx(7410804.2701).margin(0.005));
  CHECK(b.max.y() == Approx(7410814.5816).margin(0.005));
  CHECK(b.max.z() == Approx(31.5102).margin(0.005));
  // The stand-alone IfcEarthworksCut (a subtraction feature that voids nothing) is drawn.
  const auto* cut = byGuid(r->scene, "1GAZBRWXf6wuwB1F1Gux26");
  REQUIRE(cut);
  CHECK(cut->triangleCount() == 3830);
}
