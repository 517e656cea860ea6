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
