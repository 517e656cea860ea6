// Loading inputs (load.cpp): a local scene placed by an origin and a rotation given in degrees — directly
// (placeLocalScene) and as loadScene applies `--rotation` to an IFC placed with --origin.

#include <cmath>
#include <vector>

#include <catch2/catch.hpp>

#include "cim/app/load.h"
#include "support/test_scenes.h"
#include "support/test_support.h"

using namespace cim;

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
