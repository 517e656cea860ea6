// app/convert: inputs into one georeferenced GLB, with progress, and failures naming the input.
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

TEST_CASE("convert() places a local model and reports what it wrote", "[app]") {
  TempDir dir;
  cimtest::writeFile(dir / "cube.obj", cimtest::cubeObj());
  app::ConvertOptions o;
  o.inputs = {dir / "cube.obj"};
  o.output = dir / "cube.glb";
  o.load.crs = "EPSG:4549+5737";
  o.load.origin = Eigen::Vector3d(515398.97, 3347837.87, 10.0);
  std::vector<double> fractions;
  auto r = app::convert(o, [&](std::string_view, double f) {
    fractions.push_back(f);
    return true;
  });
  REQUIRE(r.ok());
  CHECK(r->crs == "EPSG:4549+5737");
  CHECK(r->written.triangles == 12);
  CHECK(r->written.origin.x() == Approx(515398.97).margin(1e-6));
  CHECK(r->bounds.center().y() == Approx(3347837.87).margin(1e-6));
  REQUIRE_FALSE(fractions.empty());
  CHECK(std::is_sorted(fractions.begin(), fractions.end()));
  CHECK(fractions.back() == Approx(1.0));
}

TEST_CASE("App functions fail with the offending input named", "[app]") {
  TempDir dir;
  cimtest::writeFile(dir / "cube.obj", cimtest::cubeObj());
  app::ConvertOptions o;
  o.inputs = {dir / "cube.obj", dir / "absent.obj"};
  o.output = dir / "x.glb";
  auto r = app::convert(o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error()->code == ErrorCode::FileNotFound);
  CHECK_THAT(formatDiagnostic(*r.error()), Contains("absent.obj"));
  CHECK_FALSE(std::filesystem::exists(dir / "x.glb"));

  o.inputs = {dir / "cube.obj"};
  o.load.crs = "EPSG:0000";
  r = app::convert(o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error()->code == ErrorCode::UnknownCrs);
  CHECK_THAT(r.error()->message, Contains("EPSG:0000"));
}
