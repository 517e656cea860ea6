#include <cmath>
#include <utility>

#include <catch2/catch.hpp>

#include "cim/geometry/mesh.h"

using namespace cim::geometry;

namespace {
// Unit square in the XY plane at height 0, two triangles.
Mesh square(const Eigen::Vector3d& origin) {
  Mesh m;
  m.origin = origin;
  m.positions = {{0, 0, 0}, {1, 0, 0}, {1, 1, 0}, {0, 1, 0}};
  m.indices = {0, 1, 2, 0, 2, 3};
  return m;
}
}  // namespace

TEST_CASE("Aabb grows, reports centre and size, starts empty", "[geometry]") {
  Aabb b;
  CHECK(b.empty());
  CHECK(b.size().isZero());
  b.extend(Eigen::Vector3d(1, 2, 3));
  CHECK_FALSE(b.empty());
  b.extend(Eigen::Vector3d(-1, 4, 0));
  CHECK(b.center().isApprox(Eigen::Vector3d(0, 3, 1.5)));
  CHECK(b.size().isApprox(Eigen::Vector3d(2, 2, 3)));
  CHECK(b.contains(Eigen::Vector3d(0, 3, 1)));
  CHECK_FALSE(b.contains(Eigen::Vector3d(0, 5, 1)));
  CHECK(b.contains(Eigen::Vector3d(0, 4.001, 1), 0.01));
}

TEST_CASE("World bounds keep millimetres at Gauss-Kruger magnitudes", "[geometry]") {
  // float alone would round 3 347 837.868 to 3 347 838; the double origin keeps it.
  Mesh m = square({515398.973, 3347837.868, 10.0});
  auto b = worldBounds(m);
  CHECK(b.min.x() == Approx(515398.973).margin(1e-6));
  CHECK(b.min.y() == Approx(3347837.868).margin(1e-6));
  CHECK(b.max.y() == Approx(3347838.868).margin(1e-6));
  CHECK(m.worldPosition(2).isApprox(Eigen::Vector3d(515399.973, 3347838.868, 10.0), 1e-15));
}

TEST_CASE("Normals point along the winding's right hand and are unit length", "[geometry]") {
  Mesh m = square({0, 0, 0});
  computeNormals(m);
  REQUIRE(m.normals.size() == 4);
  for (const auto& n : m.normals) CHECK(n.isApprox(Eigen::Vector3f::UnitZ()));
  // A degenerate triangle's vertices fall back to +Z instead of NaN.
  Mesh d;
  d.positions = {{0, 0, 0}, {1, 1, 1}, {2, 2, 2}};
  d.indices = {0, 1, 2};
  computeNormals(d);
  for (const auto& n : d.normals) CHECK(n.allFinite());
}

TEST_CASE("Mesh validity catches bad indices and mismatched arrays", "[geometry]") {
  Mesh m = square({0, 0, 0});
  CHECK(isValid(m));
  m.indices.push_back(7);
  CHECK_FALSE(isValid(m));
  m.indices.resize(6);
  m.indices.back() = 4;
  CHECK_FALSE(isValid(m));
  m.indices.back() = 3;
  m.featureIds = {1, 2};
  CHECK_FALSE(isValid(m));
}

TEST_CASE("Same geometry: origin, positions and triangles bit for bit, normals aside", "[geometry]") {
  const Mesh a = square({514000, 3347800, 5});
  Mesh b = a;
  computeNormals(b);
  b.featureIds.assign(4, 7);
  CHECK(sameGeometry(a, b));
  b.origin.x() += 1e-9;
  CHECK_FALSE(sameGeometry(a, b));
  b = a;
  b.positions[2].z() = std::nextafter(0.0f, 1.0f);
  CHECK_FALSE(sameGeometry(a, b));
  b = a;
  std::swap(b.indices[1], b.indices[2]);  // the same triangles, wound the other way
  CHECK_FALSE(sameGeometry(a, b));
}

TEST_CASE("Append re-expresses positions relative to the target origin", "[geometry]") {
  Mesh a = square({100.0, 200.0, 0.0});
  Mesh b = square({110.0, 200.0, 5.0});
  a.featureIds.assign(4, 1);
  b.featureIds.assign(4, 2);
  append(a, b);
  REQUIRE(a.positions.size() == 8);
  REQUIRE(a.indices.size() == 12);
  CHECK(isValid(a));
  CHECK(a.worldPosition(4).isApprox(Eigen::Vector3d(110.0, 200.0, 5.0)));
  CHECK(a.featureIds[5] == 2);
  CHECK(surfaceArea(a) == Approx(2.0));
  CHECK(a.triangleCount() == 4);
}
