#include <catch2/catch.hpp>

#include "cim/app/convert.h"
#include "cim/app/info.h"
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

TEST_CASE("loadScene() reprojects a georeferenced input into the requested CRS", "[app]") {
  TempDir dir;
  cimtest::writeFile(dir / "cube.obj", cimtest::cubeObj());
  app::ConvertOptions o;
  o.inputs = {dir / "cube.obj"};
  o.output = dir / "cube.glb";
  o.load.crs = "EPSG:4549";
  o.load.origin = Eigen::Vector3d(515398.973, 3347837.868, 10.0);
  REQUIRE(app::convert(o).ok());
  // The GLB knows it is in EPSG:4549; load it into UTM zone 51N and the check point must follow.
  app::LoadOptions utm;
  utm.crs = "EPSG:32651";
  auto s = app::loadScene({dir / "cube.glb"}, utm);
  REQUIRE(s.ok());
  REQUIRE(s->crs());
  CHECK(s->crs()->definition() == "EPSG:32651");
  const auto c = s->worldBounds().center();
  // 120.16 E, 30.25 N in UTM 51N (CM 123 E), from PROJ 9.1's cs2cs (EPSG:4490 -> EPSG:32651):
  // 226722.231 E, 3349901.640 N. CGCS2000 and WGS 84 differ by centimetres, hence the 0.1 m margin.
  CHECK(c.x() == Approx(226722.231).margin(0.1));
  CHECK(c.y() == Approx(3349901.640).margin(0.1));
  // Every vertex was reprojected, not just the origin: 2.84 degrees west of UTM 51N's central meridian the grid is
  // turned by the meridian convergence (about 1.4 degrees) and scaled by k = 1.0005, so the 1 m cube's bounding
  // box widens to cos + sin of that angle, while its diagonal keeps its length (horizontal parts times k, the
  // height untouched: sqrt(2 k^2 + 1)).
  const auto& mesh = s->layers()[0].elements[0].shapes[0].mesh;
  double diagonal = 0;
  for (std::size_t a = 0; a < mesh.positions.size(); ++a)
    for (std::size_t b = 0; b < mesh.positions.size(); ++b)
      diagonal = std::max(diagonal, (mesh.worldPosition(a) - mesh.worldPosition(b)).norm());
  const double k = 1.000514;  // UTM 51N scale at 120.16 E, 30.25 N over Gauss-Kruger CM 120E's (1.0000033)
  CHECK(diagonal == Approx(std::sqrt(2 * k * k + 1)).margin(2e-5));
  CHECK(s->worldBounds().size().x() == Approx(1.026).margin(0.002));
  CHECK(s->worldBounds().size().z() == Approx(1.0).margin(1e-4));
}

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
