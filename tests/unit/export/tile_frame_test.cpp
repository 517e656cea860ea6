// A 3D Tiles tile's frame (tile_frame.cpp): the ENU frame at a point given in degrees, glTF's axes, the rotation of
// normals (grid convergence of a Gauss-Krüger CRS), and the placement of a mesh's distinct positions.

#include <cmath>
#include <vector>

#include <catch2/catch.hpp>

#include "cim/geo/ecef.h"
#include "cim/geo/georeference.h"
#include "cim/geo/transform.h"
#include "export/tiles3d/tile_frame.h"
#include "support/test_scenes.h"

using namespace cim;
using namespace cim::tiles3d::detail;

namespace {

const geo::Transformer& geographicToWgs84() {
  static const geo::Transformer t =
      geo::Transformer::create(geo::Crs::fromUserInput("EPSG:4979").value(), geo::wgs84Geographic3d()).value();
  return t;
}

const geo::Transformer& hangzhouToWgs84() {
  static const geo::Transformer t = geo::Transformer::create(cimtest::hangzhouCrs(), geo::wgs84Geographic3d()).value();
  return t;
}

double degreesOf(double radians) { return radians * 180.0 / std::numbers::pi; }

}  // namespace

TEST_CASE("toGltf and fromGltf: ENU (e, n, u) is glTF (e, u, -n)", "[tiles][frame]") {
  struct Row {
    Eigen::Vector3d enu;
    Eigen::Vector3f gltf;
  };
  const std::vector<Row> rows = {
      {{1, 0, 0}, {1, 0, 0}},  // east stays x
      {{0, 1, 0}, {0, 0, -1}},  // north is -z
      {{0, 0, 1}, {0, 1, 0}},  // up is y
      {{3.5, -2.25, 10}, {3.5f, 10.0f, 2.25f}},
  };
  for (const auto& r : rows) {
    INFO(r.enu.transpose());
    CHECK(toGltf(r.enu) == r.gltf);
    CHECK(fromGltf(r.gltf) == r.enu);
  }
}

TEST_CASE("tileFrameAt: the ENU frame at longitude and latitude in degrees", "[tiles][frame]") {
  // The scene CRS is WGS 84 geographic 3D itself: the centre is (longitude°, latitude°, height m) as given.
  struct Row {
    Eigen::Vector3d lonLatHeight;
    Eigen::Vector3d east, north, up;  // ECEF directions
  };
  const double s = std::sqrt(0.5), c30 = std::sqrt(3.0) / 2;
  const std::vector<Row> rows = {
      {{0, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 0, 0}},
      {{90, 0, 0}, {-1, 0, 0}, {0, 0, 1}, {0, 1, 0}},
      {{0, 90, 0}, {0, 1, 0}, {-1, 0, 0}, {0, 0, 1}},
      {{-90, -45, 100}, {1, 0, 0}, {0, -s, s}, {0, -s, -s}},
      {{120, 30, 8}, {-c30, -0.5, 0}, {0.25, -c30 / 2, c30}, {-c30 / 2, 0.75, 0.5}},
  };
  for (const auto& r : rows) {
    INFO(r.lonLatHeight.transpose());
    const auto frame = tileFrameAt(geographicToWgs84(), r.lonLatHeight);
    REQUIRE(frame);
    CHECK(frame->centre == r.lonLatHeight);
    const Eigen::Matrix3d axes = frame->enuToEcef.linear();
    CHECK((axes.col(0) - r.east).norm() < 1e-12);
    CHECK((axes.col(1) - r.north).norm() < 1e-12);
    CHECK((axes.col(2) - r.up).norm() < 1e-12);
    CHECK((frame->enuToEcef.translation() - geo::geodeticToEcef(r.lonLatHeight)).norm() < 1e-6);
  }
  // The origin on the ellipsoid: the equatorial radius at (0°, 0°), the polar one at the pole.
  CHECK(tileFrameAt(geographicToWgs84(), {0, 0, 0})->enuToEcef.translation().isApprox(Eigen::Vector3d(6378137.0, 0, 0)));
  CHECK(tileFrameAt(geographicToWgs84(), {0, 90, 0})->enuToEcef.translation().z() == Approx(6356752.314245).margin(1e-5));
  CHECK_FALSE(tileFrameAt(hangzhouToWgs84(), {std::nan(""), 0.0, 0.0}));
}

TEST_CASE("normalRotation: scene north turns by the grid convergence of EPSG:4549 (CM 120°E)", "[tiles][frame]") {
  // Grid north lies east of true north by the convergence γ = atan(tan(Δλ) sin φ) (degrees; Δλ from 120°E).
  struct Row {
    double lon, lat, convergenceDegrees;
  };
  const std::vector<Row> rows = {
      {120.0, 30.0, 0.0},
      {121.0, 30.0, 0.5000380800773782},
      {118.5, 30.0, -0.750128532496662},
      {121.5, 45.0, 1.0607813409199045},
      {120.16, 30.25, 0.0806039926751989},
  };
  const auto toScene = geo::Transformer::create(geo::wgs84Geographic3d(), cimtest::hangzhouCrs()).value();
  for (const auto& r : rows) {
    INFO(r.lon << "°E " << r.lat << "°N");
    const auto scene = toScene.forward({r.lon, r.lat, 10.0});
    REQUIRE(scene);
    const auto frame = tileFrameAt(hangzhouToWgs84(), *scene);
    REQUIRE(frame);
    const Eigen::Matrix3d turn = normalRotation(hangzhouToWgs84(), *frame);
    const Eigen::Vector3d gridNorth = turn.col(1), gridEast = turn.col(0), up = turn.col(2);
    CHECK(degreesOf(std::atan2(gridNorth.x(), gridNorth.y())) == Approx(r.convergenceDegrees).margin(1e-5));
    CHECK(degreesOf(std::atan2(-gridEast.y(), gridEast.x())) == Approx(r.convergenceDegrees).margin(1e-5));
    CHECK((up - Eigen::Vector3d::UnitZ()).norm() < 1e-6);
    CHECK(std::abs(gridNorth.z()) < 1e-6);
  }
}

TEST_CASE("placeNormal: a scene normal turned into the tile frame, unit length, in glTF axes", "[tiles][frame]") {
  const Eigen::Matrix3d quarterTurn = Eigen::AngleAxisd(std::numbers::pi / 2, Eigen::Vector3d::UnitZ()).toRotationMatrix();
  struct Row {
    Eigen::Matrix3d rotation;
    Eigen::Vector3f scene, gltf;
  };
  const std::vector<Row> rows = {
      {Eigen::Matrix3d::Identity(), {0, 0, 2}, {0, 1, 0}},  // up, any length
      {Eigen::Matrix3d::Identity(), {0, 3, 0}, {0, 0, -1}},  // north
      {quarterTurn, {1, 0, 0}, {0, 0, -1}},  // east turned a quarter counter-clockwise is north
      {Eigen::Matrix3d::Identity(), {0, 0, 0}, {0, 0, 0}},  // zero stays zero
  };
  for (const auto& r : rows) {
    INFO(r.scene.transpose());
    CHECK((placeNormal(r.rotation, r.scene) - r.gltf).norm() < 1e-7);
  }
}

TEST_CASE("distinctPositions: one slot per distinct position, by float bits, in order of first use", "[tiles][frame]") {
  struct Row {
    std::vector<Eigen::Vector3f> positions;
    std::vector<std::uint32_t> first, slot;
  };
  const Eigen::Vector3f a(1, 2, 3), b(4, 5, 6), c(1, 2, 3.0000002f);
  const std::vector<Row> rows = {
      {{}, {}, {}},
      {{a}, {0}, {0}},
      {{a, b, a, b, a}, {0, 1}, {0, 1, 0, 1, 0}},
      {{b, a, c, a}, {0, 1, 2}, {0, 1, 2, 1}},                                  // one ulp apart: distinct
      {{{0, 0, 0}, {-0.0f, 0, 0}, {0, 0, 0}}, {0, 1}, {0, 1, 0}},                // -0 and +0 differ in bits
  };
  for (const auto& r : rows) {
    std::vector<std::uint32_t> first, slot;
    distinctPositions(r.positions, first, slot);
    CHECK(first == r.first);
    CHECK(slot == r.slot);
  }
  // Many vertices (the table grows past its first size): a flat-shaded grid of 100 × 100 quads.
  std::vector<Eigen::Vector3f> grid;
  for (int j = 0; j < 100; ++j)
    for (int i = 0; i < 100; ++i)
      for (auto [di, dj] : {std::pair{0, 0}, {1, 0}, {1, 1}, {0, 1}})
        grid.emplace_back(static_cast<float>(i + di), static_cast<float>(j + dj), 0.0f);
  std::vector<std::uint32_t> first, slot;
  distinctPositions(grid, first, slot);
  CHECK(first.size() == 101u * 101u);
  for (std::size_t v = 0; v < grid.size(); ++v) REQUIRE(grid[first[slot[v]]] == grid[v]);
}

TEST_CASE("placePositions: a flat-shaded box in EPSG:4549+5737 into its tile frame, back within 1 mm", "[tiles][frame]") {
  const geometry::Mesh box = cimtest::flatBoxMesh({515390.0, 3347830.0, 8.0}, {10, 6, 3});
  const auto frame = tileFrameAt(hangzhouToWgs84(), geometry::worldBounds(box).center());
  REQUIRE(frame);
  PlacedPositions placed;
  REQUIRE(placePositions(box, hangzhouToWgs84(), frame->enuToEcef.inverse(), placed) == 0);
  CHECK(placed.distinct.size() == 8);  // 24 vertices at 8 positions
  REQUIRE(placed.slot.size() == 24);
  const auto georef = geo::Georeference::create(cimtest::hangzhouCrs());
  REQUIRE(georef.ok());
  double worst = 0.0, farthest = 0.0;
  for (std::size_t v = 0; v < box.positions.size(); ++v) {
    const Eigen::Vector3d enu = fromGltf(placed.distinct[placed.slot[v]]);
    CHECK(placed.box.contains(enu));
    farthest = std::max(farthest, enu.norm());
    const auto back = georef->ecefToProject(frame->enuToEcef * enu);
    REQUIRE(back);
    worst = std::max(worst, (*back - box.worldPosition(v)).norm());
  }
  CHECK(worst < 1e-3);
  // The box is centred on the frame: its half diagonal away, up to the float rounding of its corners.
  CHECK(placed.maxDistanceMeters == Approx(std::sqrt(25.0 + 9.0 + 2.25)).margin(1e-3));
  CHECK(farthest == Approx(placed.maxDistanceMeters).margin(1e-5));
  // Up is up: the box's 3 m height is along ENU up.
  CHECK(placed.box.size().z() == Approx(3.0).margin(1e-3));

  // A vertex PROJ cannot place is counted.
  geometry::Mesh beyond = box;
  beyond.positions[5] = Eigen::Vector3f(std::nanf(""), 0, 0);
  CHECK(placePositions(beyond, hangzhouToWgs84(), frame->enuToEcef.inverse(), placed) == 1);
}
