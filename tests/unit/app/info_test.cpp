// app/info: what a file is, as `cim info` prints it.
#include <algorithm>
#include <cmath>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cim/app/convert.h"
#include "cim/app/info.h"
#include "cim/app/load.h"
#include "support/pipe_tables.h"
#include "support/test_support.h"
#include "unit/io/ifc/ifc_test_support.h"

using namespace cim;
using cimtest::TempDir;
using Catch::Matchers::Contains;

TEST_CASE("info() describes a file and its JSON is one line", "[app]") {
  TempDir dir;
  cimtest::writeFile(dir / "cube.obj", cimtest::cubeObj());
  auto r = app::info(dir / "cube.obj");
  REQUIRE(r.ok());
  CHECK(r->format == "Wavefront OBJ");
  CHECK(r->crs.empty());
  CHECK(r->triangles == 12);
  auto line = app::toJson(r.value());
  CHECK(line.find('\n') == std::string::npos);
  auto j = nlohmann::json::parse(line);
  CHECK(j["triangles"] == 12);
  CHECK(j["crs"].is_null());
  CHECK(j["bounds"]["max"][2] == 0.5);
  CHECK_THAT(app::toText(r.value()), Contains("none (local coordinates)"));
}

TEST_CASE("describeElements streams an IFC: elements arrive while the geometry is still being read", "[app][stream]") {
  TempDir dir;
  const std::size_t n = 4000;
  cimtest::writeFile(dir / "many.ifc", ifctest::ifcWith(ifctest::manyProxies(n)));
  double progressNow = 0.0, progressAtFirst = -1.0;
  std::vector<std::string> guids;
  auto r = app::describeElements(
      dir / "many.ifc", {},
      [&](const app::ElementInfo& e) {
        if (guids.empty()) progressAtFirst = progressNow;
        guids.push_back(e.guid);
      },
      [&](std::string_view stage, double f) {
        if (stage == "geometry") progressNow = f;
        return true;
      });
  REQUIRE(r.ok());
  REQUIRE(guids.size() == n);
  CHECK(std::is_sorted(guids.begin(), guids.end()));  // file order (the GlobalIds count up)
  // Collected first and listed afterwards, the first element would come after the geometry progress reached 1.
  CHECK(progressAtFirst >= 0.0);
  CHECK(progressAtFirst < 0.9);
  // The same descriptions as the whole-scene path (taken when an option needs the scene: here an up axis, which IFC
  // does not read but notes).
  app::LoadOptions whole;
  whole.upAxis = io::UpAxis::Z;
  auto listed = app::describeElements(dir / "many.ifc", whole);
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == n);
  std::size_t same = 0;
  std::size_t i = 0;
  REQUIRE(app::describeElements(dir / "many.ifc", {}, [&](const app::ElementInfo& e) {
            if (app::toJson(e) == app::toJson((*listed)[i++])) ++same;
          }).ok());
  CHECK(same == n);
}
