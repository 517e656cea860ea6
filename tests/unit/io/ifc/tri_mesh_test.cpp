// The mesh building blocks of the shape families (tri_mesh.cpp): planar faces (small, fanned and triangulated with
// holes), quads, lofts, signed areas and mirrored appends.
#include <catch2/catch.hpp>

#include <cmath>

#include "cim/geometry/booleans.h"
#include "io/ifc/tri_mesh.h"

using namespace cim;
using cim::io::ifc::Ring;
using cim::io::ifc::TriMesh;

namespace {

constexpr double kPi = std::numbers::pi;

// Sum of the triangles' vector areas (half the cross products), square metres.
Eigen::Vector3d vectorArea(const TriMesh& m) {
  Eigen::Vector3d a = Eigen::Vector3d::Zero();
  for (const auto& t : m.triangles)
    a += 0.5 * (m.positions[t[1]] - m.positions[t[0]]).cross(m.positions[t[2]] - m.positions[t[0]]);
  return a;
}

Ring regular(int n, double r) {
  Ring ring;
  for (int i = 0; i < n; ++i) ring.emplace_back(r * std::cos(2 * kPi * i / n), r * std::sin(2 * kPi * i / n), 0.0);
  return ring;
}

}  // namespace

TEST_CASE("Planar faces: how many triangles and vertices each kind of ring gives, facing its winding", "[ifc][mesh]") {
  struct Row {
    const char* name;
    std::vector<Ring> rings;
    std::size_t triangles, vertices;
    double area;  // along +Z
  };
  const std::vector<Row> rows = {
      {"triangle", {{{0, 0, 0}, {2, 0, 0}, {0, 1, 0}}}, 1, 3, 1.0},
      {"degenerate triangle", {{{0, 0, 0}, {1, 0, 0}, {2, 0, 0}}}, 0, 0, 0.0},
      {"convex quad", {{{0, 0, 0}, {2, 0, 0}, {2, 1, 0}, {0, 1, 0}}}, 2, 4, 2.0},
      {"concave quad", {{{0, 0, 0}, {2, 0, 0}, {1, 0.5, 0}, {0, 2, 0}}}, 2, 4, 1.5},
      {"16-gon, fanned from its centre", {regular(16, 1)}, 16, 17, 8 * std::sin(2 * kPi / 16)},
      {"square with a square hole", {{{0, 0, 0}, {4, 0, 0}, {4, 4, 0}, {0, 4, 0}}, {{1, 1, 0}, {1, 2, 0}, {2, 2, 0}, {2, 1, 0}}}, 8, 8, 15.0},
  };
  for (const auto& row : rows) {
    INFO(row.name);
    TriMesh m;
    io::ifc::addFace(m, row.rings);
    CHECK(m.triangles.size() == row.triangles);
    CHECK(m.positions.size() == row.vertices);
    CHECK(vectorArea(m).z() == Approx(row.area));
    TriMesh flipped;
    io::ifc::addFace(flipped, row.rings, true);
    CHECK(vectorArea(flipped).z() == Approx(-row.area));
  }
}

TEST_CASE("Lofted rings with caps close a prism, and signed areas follow the winding", "[ifc][mesh]") {
  const Ring square = {{0, 0, 0}, {1, 0, 0}, {1, 1, 0}, {0, 1, 0}};
  Ring top = square;
  for (auto& p : top) p.z() = 3;
  TriMesh m;
  io::ifc::loftRings(m, {square, top}, true);
  CHECK(geometry::signedVolume({m.positions, m.triangles}) == Approx(3.0));
  CHECK(io::ifc::signedArea(square) == Approx(1.0));
  CHECK(io::ifc::signedArea({square.rbegin(), square.rend()}) == Approx(-1.0));

  // Appended through a mirror, the triangles are turned over, so the volume stays positive.
  TriMesh mirrored;
  Eigen::Affine3d mirror = Eigen::Affine3d::Identity();
  mirror.linear()(0, 0) = -1;
  mirrored.append(m, mirror);
  CHECK(geometry::signedVolume({mirrored.positions, mirrored.triangles}) == Approx(3.0));
}
