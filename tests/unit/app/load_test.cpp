// app/load: every input read through the format table into one scene, reprojected into the scene CRS.
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

TEST_CASE("loadScene reads pipe inputs and keeps the parametric form through reprojection", "[app][pipes]") {
  TempDir dir;
  cimtest::writeGasCsv(dir.path());
  app::LoadOptions lo;
  lo.crs = "EPSG:4549+5737";
  auto s = app::loadScene({dir / "RQ_LINE.csv"}, lo);
  REQUIRE(s.ok());
  const auto* e = cimtest::findElement(s.value(), "pipe", "P1-P2");
  REQUIRE(e);
  REQUIRE(e->pipe());
  CHECK(e->pipe()->start().z() == Approx(8.7).margin(1e-6));
  CHECK(app::formatName(dir / "RQ_LINE.csv") == "CSV");
  // A 2D input into a compound CRS: the heights pass through.
  const auto b = e->worldBounds();
  CHECK(b.min.z() == Approx(8.6).margin(1e-4));
}
