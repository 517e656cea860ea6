// geometry/sweep: circular and rectangular sections swept along polylines (pipes, ducts, wells).
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "support/mesh_probe.h"
#include <catch2/catch.hpp>

#include "cim/geometry/sweep.h"
#include "support/mesh_probe.h"
#include "support/pipe_tables.h"
#include "support/test_support.h"

using namespace cim;
using namespace cimtest;
using Catch::Matchers::Contains;

TEST_CASE("A DN200 pipe's facets stay within the chord tolerance of the true circle", "[pipes]") {
  for (double tol : {0.1, 0.01, 0.001}) {
    const Eigen::Vector3d path[2] = {{0, 0, 0}, {10, 0, 0}};
    geometry::SweepSection s;
    s.radius = 0.1;
    geometry::SweepOptions o;
    o.chordToleranceMeters = tol;
    const auto m = geometry::sweep(path, s, o);
    REQUIRE(!m.empty());
    CHECK(isClosed(m));
    // Ring vertices of the start: on the circle; chord midpoints no deeper inside than the tolerance.
    std::vector<Eigen::Vector2d> ring;
    for (const auto& p : m.positions) {
      const double r = std::hypot(p.y(), p.z());
      if (std::abs(p.x()) < 1e-6 && r > 1e-6) {
        CHECK(r == Approx(0.1).margin(1e-6));
        ring.emplace_back(p.y(), p.z());
      }
    }
    std::sort(ring.begin(), ring.end(), [](auto& a, auto& b) { return std::atan2(a.y(), a.x()) < std::atan2(b.y(), b.x()); });
    ring.erase(std::unique(ring.begin(), ring.end(), [](auto& a, auto& b) { return (a - b).norm() < 1e-6; }), ring.end());
    REQUIRE(ring.size() >= 3);
    double worst = 0;
    for (std::size_t i = 0; i < ring.size(); ++i) {
      const Eigen::Vector2d mid = (ring[i] + ring[(i + 1) % ring.size()]) / 2;
      worst = std::max(worst, 0.1 - mid.norm());
    }
    CHECK(worst <= tol + 1e-7);
    // Hand check of the side count: r (1 − cos(π/n)) ≤ 0.001 needs n ≥ π / acos(0.99) = 22.2 → 23.
    if (tol == 0.001) CHECK(ring.size() == 23);
  }
}

TEST_CASE("A 1000×800 duct's section is 1.0 m wide and 0.8 m high, width horizontal", "[pipes]") {
  const Eigen::Vector3d path[2] = {{0, 0, 5}, {3, 4, 5}};  // a 5 m leg heading north-east
  geometry::SweepSection s;
  s.shape = geometry::SweepSection::Shape::Rectangle;
  s.width = 1.0;
  s.height = 0.8;
  const auto m = geometry::sweep(path, s);
  CHECK(isClosed(m));
  const auto b = geometry::worldBounds(m);
  CHECK(b.max.z() - b.min.z() == Approx(0.8).margin(1e-6));
  // The width runs across the leg: perpendicular distances from the axis reach 0.5 m.
  const Eigen::Vector2d across(-0.8, 0.6);
  double wmax = 0;
  for (const auto& p : m.positions) wmax = std::max(wmax, std::abs(across.dot(p.head<2>().cast<double>())));
  CHECK(wmax == Approx(0.5).margin(1e-6));
  CHECK(geometry::surfaceArea(m) == Approx(2 * (1.0 + 0.8) * 5 + 2 * 0.8).margin(1e-4));
}

TEST_CASE("Mitred polylines stay closed and keep their section", "[pipes]") {
  const Eigen::Vector3d path[4] = {{0, 0, 0}, {10, 0, 0}, {10, 10, 1}, {0, 20, 1}};
  geometry::SweepSection s;
  s.radius = 0.25;
  const auto m = geometry::sweep(path, s);
  CHECK(isClosed(m));
  geometry::SweepSection r;
  r.shape = geometry::SweepSection::Shape::Rectangle;
  r.width = 0.6;
  r.height = 0.4;
  CHECK(isClosed(geometry::sweep(path, r)));
}
