// app/load: every input read through the format table into one scene, reprojected into the scene CRS; a local
// scene placed by an origin and a rotation given in degrees — directly (placeLocalScene) and as loadScene applies
// `--rotation` to an IFC placed with --origin.

#include <cmath>
#include <vector>

#include <catch2/catch.hpp>

#include "cim/app/convert.h"
#include "cim/app/load.h"
#include "support/city.h"
#include "support/dem.h"
#include "support/pipe_tables.h"
#include "support/test_scenes.h"
#include "support/test_support.h"

using namespace cim;
using cimtest::TempDir;

TEST_CASE("placeLocalScene: rotationDegrees turns counter-clockwise about up, in degrees, then moves to the origin",
          "[app][load]") {
  struct Row {
    double degrees;
    Eigen::Vector3d x, y;  // where the model's +X and +Y land, relative to the origin
  };
  const double h = std::sqrt(0.5);
  const std::vector<Row> rows = {
      {0, {1, 0, 0}, {0, 1, 0}},
      {90, {0, 1, 0}, {-1, 0, 0}},  // +X to north (+Y)
      {180, {-1, 0, 0}, {0, -1, 0}},
      {-90, {0, -1, 0}, {1, 0, 0}},
      {360, {1, 0, 0}, {0, 1, 0}},
      {45, {h, h, 0}, {-h, h, 0}},
      {30, {std::sqrt(3.0) / 2, 0.5, 0}, {-0.5, std::sqrt(3.0) / 2, 0}},
  };
  const Eigen::Vector3d origin(515398.0, 3347837.0, 10.0);
  for (const auto& r : rows) {
    INFO(r.degrees << " degrees");
    geometry::Mesh m;
    m.positions = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
    m.normals = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
    m.indices = {0, 1, 2};
    model::Scene scene;
    scene.addElement("model", cimtest::elementOf(std::move(m), "mesh", "probe", model::Material{}));
    io::MeshPlacement placement;
    placement.crs = cimtest::hangzhouCrs();
    placement.originMeters = origin;
    placement.rotationDegrees = r.degrees;
    app::placeLocalScene(scene, placement);
    REQUIRE(scene.crs());
    CHECK(scene.crs()->definition() == "EPSG:4549+5737");
    const auto& placed = scene.layers()[0].elements[0].shapes[0].mesh;
    CHECK((placed.worldPosition(0) - (origin + r.x)).norm() < 1e-6);
    CHECK((placed.worldPosition(1) - (origin + r.y)).norm() < 1e-6);
    CHECK(placed.worldPosition(2) == origin + Eigen::Vector3d::UnitZ());  // up stays up
    CHECK((placed.normals[0].cast<double>() - r.x).norm() < 1e-6);     // normals turn along
    CHECK((placed.normals[1].cast<double>() - r.y).norm() < 1e-6);
  }
  // A quarter turn is exact at map coordinates: +X lands on +Y without a trace of east.
  model::Scene scene;
  geometry::Mesh m;
  m.positions = {{1, 0, 0}, {0, 1, 0}, {0, 0, 0}};
  m.indices = {0, 1, 2};
  scene.addElement("model", cimtest::elementOf(std::move(m), "mesh", "probe", model::Material{}));
  io::MeshPlacement placement;
  placement.crs = cimtest::hangzhouCrs();
  placement.originMeters = origin;
  placement.rotationDegrees = 90;
  app::placeLocalScene(scene, placement);
  CHECK(scene.layers()[0].elements[0].shapes[0].mesh.worldPosition(0) == origin + Eigen::Vector3d(0, 1, 0));
}

TEST_CASE("loadScene: --rotation in degrees turns an IFC placed with --origin about that origin", "[app][load]") {
  const auto ifc = cimtest::sourceDir() / "data/hangzhou/pump_station.ifc";
  app::LoadOptions options;
  options.crs = "EPSG:4549+5737";
  options.origin = Eigen::Vector3d(515000.0, 3347000.0, 5.0);
  auto straight = app::loadScene({ifc}, options);
  REQUIRE(straight.ok());
  options.rotationDegrees = 90.0;
  auto turned = app::loadScene({ifc}, options);
  REQUIRE(turned.ok());
  REQUIRE(straight->triangleCount() == turned->triangleCount());
  REQUIRE(straight->triangleCount() > 0);
  // The model's bounds about the origin, turned a quarter: x' = -y, y' = x.
  const auto a = straight->worldBounds(), b = turned->worldBounds();
  const Eigen::Vector3d o = *options.origin;
  CHECK(b.min.x() - o.x() == Approx(-(a.max.y() - o.y())).margin(1e-4));
  CHECK(b.max.x() - o.x() == Approx(-(a.min.y() - o.y())).margin(1e-4));
  CHECK(b.min.y() - o.y() == Approx(a.min.x() - o.x()).margin(1e-4));
  CHECK(b.max.y() - o.y() == Approx(a.max.x() - o.x()).margin(1e-4));
  CHECK(b.min.z() == Approx(a.min.z()).margin(1e-6));
  CHECK(b.max.z() == Approx(a.max.z()).margin(1e-6));
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

TEST_CASE("loadScene refuses a local model given a scene CRS but no origin, and places it with one", "[app][load]") {
  TempDir dir;
  const auto ifc = cimtest::sourceDir() / "tests/corpus/georef/local_model.ifc";
  cimtest::writeFile(dir / "cube.obj", cimtest::cubeObj());
  app::LoadOptions o;
  o.crs = "EPSG:4549";
  for (const auto& input : {ifc, dir / "cube.obj"}) {
    INFO(input);
    auto refused = app::loadScene({input}, o);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error()->code == ErrorCode::InvalidArgument);
    CHECK_THAT(refused.error()->message, Catch::Matchers::Contains("LoadOptions::origin"));
    CHECK(refused.error()->message.find('\n') == std::string::npos);
  }
  // Placed where the user says, the false origin included when asked for.
  o.origin = Eigen::Vector3d(515000.0, 3347000.0, 5.0);
  auto placed = app::loadScene({ifc}, o);
  REQUIRE(placed.ok());
  CHECK(placed->worldBounds().center().x() == Approx(515000.0).margin(1e-3));
  CHECK(placed->worldBounds().min.z() == Approx(5.0).margin(1e-6));
  o.origin = Eigen::Vector3d::Zero();
  CHECK(app::loadScene({dir / "cube.obj"}, o).ok());
  // A GLB libcim wrote carries its georeference: a scene CRS alone is enough.
  app::ConvertOptions c;
  c.inputs = {dir / "cube.obj"};
  c.output = dir / "cube.glb";
  c.load = o;
  c.load.origin = Eigen::Vector3d(515398.0, 3347837.0, 10.0);
  REQUIRE(app::convert(c).ok());
  app::LoadOptions sceneOnly;
  sceneOnly.crs = "EPSG:4549";
  CHECK(app::loadScene({dir / "cube.glb"}, sceneOnly).ok());
  // Without a scene CRS a local model stays local, as before.
  CHECK(app::loadScene({ifc}, app::LoadOptions{}).ok());
}

TEST_CASE("A DEM given with pipe tables is the ground of points without 地面高程, and a point off the DEM is named",
          "[app][pipes][terrain]") {
  TempDir dir;
  // The DEM: 1 m cells over E 515390..515450, N 3347830..3347870 (EPSG:4549), heights z = 10 + 0.1 (E - 515390).
  const int W = 60, H = 40;
  std::vector<double> z(W * H);
  for (int r = 0; r < H; ++r)
    for (int c = 0; c < W; ++c) z[r * W + c] = 10.0 + 0.1 * (c + 0.5);
  const double gt[6] = {515390.0, 1.0, 0.0, 3347870.0, 0.0, -1.0};
  cimtest::writeGeoTiff(dir / "dem.tif", W, H, z, gt, 4549);
  // G1..G3 without ground inside the DEM, G4 without ground off it, G5 with its own ground off it.
  cimtest::writeFile(dir / "RQ_POINT.csv",
                     "物探点号,X,Y,地面高程\n"
                     "G1,3347850,515400,\n"
                     "G2,3347850,515420,\n"
                     "G3,3347850,515440,\n"
                     "G4,3347850,515600,\n"
                     "G5,3347850,515620,30.0\n");
  cimtest::writeFile(dir / "RQ_LINE.csv",
                     "起点点号,终点点号,起点埋深,终点埋深,管径\n"
                     "G1,G2,1.2,1.2,200\n"
                     "G2,G3,1.2,1.2,200\n"
                     "G3,G4,1.2,1.2,200\n"
                     "G4,G5,1.2,1.2,200\n");
  app::LoadOptions o;
  o.crs = "EPSG:4549";
  auto alone = app::loadScene({dir / "RQ_LINE.csv"}, o);
  REQUIRE(alone.ok());
  CHECK(cimtest::countKind(*alone, "pipe") == 0);  // no ground anywhere: every row skipped, said so
  CHECK(cimtest::hasDiagnostic(alone.diagnostics(), ErrorCode::PipeRowSkipped, "no terrain (DEM) given"));

  auto s = app::loadScene({dir / "RQ_LINE.csv", dir / "dem.tif"}, o);
  REQUIRE(s.ok());
  for (const auto& d : s.diagnostics()) INFO(d.message);
  CHECK(cimtest::countKind(*s, "pipe") == 2);
  const auto* p = cimtest::findElement(*s, "pipe", "G1-G2");
  REQUIRE(p);
  // Gas pipes are surveyed to the outer top: centre = ground - depth - radius; ground 11.0 at G1, 13.0 at G2.
  CHECK(p->pipe()->start().z() == Approx(11.0 - 1.2 - 0.1).margin(0.01));
  CHECK(p->pipe()->end().z() == Approx(13.0 - 1.2 - 0.1).margin(0.01));
  CHECK(cimtest::hasDiagnostic(s.diagnostics(), ErrorCode::PipeRowSkipped,
                               "row 3 (G3-G4) skipped: no ground height (Surf_H/地面高程) at G4 and it lies outside"));
  CHECK(cimtest::hasDiagnostic(s.diagnostics(), ErrorCode::PipeRowSkipped, "row 4 (G4-G5)"));
  CHECK(cimtest::hasDiagnostic(s.diagnostics(), ErrorCode::ConventionApplied, "ground heights of pipe points"));
}

TEST_CASE("A DEM given with site features is the top of boreholes without one", "[app][site][terrain]") {
  TempDir dir;
  const int W = 60, H = 40;
  std::vector<double> z(W * H, 7.5);
  const double gt[6] = {515390.0, 1.0, 0.0, 3347870.0, 0.0, -1.0};
  cimtest::writeGeoTiff(dir / "dem.tif", W, H, z, gt, 4549);
  cimtest::writeFile(dir / "钻孔.csv", "编号,X,Y,孔口标高,孔深,孔径\n"
                                      "ZK1,3347850.0,515410.0,,30,110\n"
                                      "ZK2,3347850.0,515800.0,,30,110\n");
  app::LoadOptions o;
  o.crs = "EPSG:4549";
  auto s = app::loadScene({dir / "钻孔.csv", dir / "dem.tif"}, o);
  REQUIRE(s.ok());
  CHECK(cimtest::countKind(*s, "borehole") == 1);
  const model::Element* b = nullptr;
  s->forEachElement([&](const model::Layer&, const model::Element& e) {
    if (e.guid == "ZK1") b = &e;
  });
  REQUIRE(b);
  CHECK(b->worldBounds().max.z() == Approx(7.5).margin(1e-3));
  CHECK(cimtest::hasDiagnostic(s.diagnostics(), ErrorCode::SiteFeatureSkipped, "ground height is unknown there"));
}
