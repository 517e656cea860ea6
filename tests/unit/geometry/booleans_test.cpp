#include <Eigen/Geometry>
#include <catch2/catch.hpp>

#include "cim/geometry/booleans.h"

using namespace cim::geometry;

namespace {
// An axis-aligned box as a soup of 12 triangles with repeated corners per face (as extrusions produce them).
SolidMesh box(const Eigen::Vector3d& lo, const Eigen::Vector3d& hi) {
  SolidMesh m;
  auto quad = [&](Eigen::Vector3d a, Eigen::Vector3d b, Eigen::Vector3d c, Eigen::Vector3d d) {
    const auto base = static_cast<std::uint32_t>(m.positions.size());
    m.positions.insert(m.positions.end(), {a, b, c, d});
    m.triangles.push_back({base, base + 1, base + 2});
    m.triangles.push_back({base, base + 2, base + 3});
  };
  const double x0 = lo.x(), y0 = lo.y(), z0 = lo.z(), x1 = hi.x(), y1 = hi.y(), z1 = hi.z();
  quad({x0, y0, z0}, {x0, y1, z0}, {x1, y1, z0}, {x1, y0, z0});  // bottom, facing -z
  quad({x0, y0, z1}, {x1, y0, z1}, {x1, y1, z1}, {x0, y1, z1});  // top
  quad({x0, y0, z0}, {x1, y0, z0}, {x1, y0, z1}, {x0, y0, z1});  // -y
  quad({x1, y1, z0}, {x0, y1, z0}, {x0, y1, z1}, {x1, y1, z1});  // +y
  quad({x0, y1, z0}, {x0, y0, z0}, {x0, y0, z1}, {x0, y1, z1});  // -x
  quad({x1, y0, z0}, {x1, y1, z0}, {x1, y1, z1}, {x1, y0, z1});  // +x
  return m;
}
}  // namespace

TEST_CASE("A window opening through a wall removes exactly its volume", "[geometry][booleans]") {
  const SolidMesh wall = box({0, 0, 0}, {5, 0.3, 3});
  CHECK(signedVolume(wall) == Approx(4.5));
  CHECK(isClosedVolume(wall));
  const SolidMesh opening = box({1, -0.1, 1}, {2.5, 0.4, 2.2});  // deeper than the wall: cuts through
  auto r = booleanOperation(wall, opening, BooleanOp::Difference);
  REQUIRE(r.ok);
  CHECK(signedVolume(r.mesh) == Approx(4.5 - 1.5 * 0.3 * 1.2));
  auto u = booleanOperation(wall, box({4, 0, 0}, {6, 0.3, 3}), BooleanOp::Union);
  REQUIRE(u.ok);
  CHECK(signedVolume(u.mesh) == Approx(6 * 0.3 * 3));
  auto i = booleanOperation(wall, opening, BooleanOp::Intersection);
  REQUIRE(i.ok);
  CHECK(signedVolume(i.mesh) == Approx(1.5 * 0.3 * 1.2));
}

TEST_CASE("Clipping by a plane keeps the side opposite the normal and closes the cut", "[geometry][booleans]") {
  const SolidMesh wall = box({0, 0, 0}, {5, 0.3, 3});
  // A gable: cut with a plane through (0, 0, 2) rising towards +x... keep below z = 2 + 0.2 x.
  const Eigen::Vector3d n = Eigen::Vector3d(-0.2, 0, 1).normalized();
  auto r = clipByPlane(wall, {0, 0, 2}, n);
  REQUIRE(r.ok);
  // Volume below z = 2 + 0.2 x over x in [0, 5]: 0.3 * (2*5 + 0.1*25) = 3.75. (The plane passes through the top
  // corner at x = 5, a degenerate cut the result survives.)
  CHECK(signedVolume(r.mesh) == Approx(3.75));
  // Through no vertex: below z = 2.1 + 0.2 x, capped by the top at x = 4.5: 0.3 * (9.45 + 2.025 + 1.5) = 3.8925.
  auto s = clipByPlane(wall, {0, 0, 2.1}, n);
  REQUIRE(s.ok);
  CHECK(isClosedVolume(s.mesh));
  CHECK(signedVolume(s.mesh) == Approx(3.8925));
}

TEST_CASE("Open meshes are refused, not mangled", "[geometry][booleans]") {
  SolidMesh open = box({0, 0, 0}, {1, 1, 1});
  open.triangles.resize(10);  // drop the last face
  CHECK_FALSE(isClosedVolume(open));
  auto r = booleanOperation(open, box({0.5, 0.5, 0.5}, {2, 2, 2}), BooleanOp::Difference);
  CHECK_FALSE(r.ok);
  CHECK(r.error == "first operand not closed");
}
