#include <catch2/catch.hpp>

#include <Eigen/Geometry>

#include "cim/geometry/triangulate.h"

using namespace cim::geometry;

namespace {
double area2d(const std::vector<std::vector<Eigen::Vector2d>>& rings, const std::vector<std::array<std::uint32_t, 3>>& tris) {
  std::vector<Eigen::Vector2d> all;
  for (const auto& r : rings) all.insert(all.end(), r.begin(), r.end());
  double a = 0;
  for (const auto& t : tris) {
    const Eigen::Vector2d p = all[t[0]], q = all[t[1]], r = all[t[2]];
    a += 0.5 * ((q - p).x() * (r - p).y() - (q - p).y() * (r - p).x());
  }
  return a;
}
}  // namespace

TEST_CASE("Convex polygons are fanned counter-clockwise whatever their orientation", "[geometry][triangulate]") {
  std::vector<std::vector<Eigen::Vector2d>> square{{{0, 0}, {2, 0}, {2, 2}, {0, 2}}};
  auto t = triangulatePolygon(square);
  CHECK(t.size() == 2);
  CHECK(area2d(square, t) == Approx(4.0));
  std::vector<std::vector<Eigen::Vector2d>> clockwise{{{0, 0}, {0, 2}, {2, 2}, {2, 0}}};
  CHECK(area2d(clockwise, triangulatePolygon(clockwise)) == Approx(4.0));
}

TEST_CASE("A polygon with a hole and a concave outline keeps exactly its area", "[geometry][triangulate]") {
  // An L-shaped outline (area 3) with a 0.5 x 0.5 hole: area 2.75.
  std::vector<std::vector<Eigen::Vector2d>> rings{
      {{0, 0}, {2, 0}, {2, 1}, {1, 1}, {1, 2}, {0, 2}},
      {{0.25, 0.25}, {0.75, 0.25}, {0.75, 0.75}, {0.25, 0.75}},
  };
  auto t = triangulatePolygon(rings);
  CHECK(area2d(rings, t) == Approx(2.75));
  for (const auto& tri : t)
    for (auto i : tri) CHECK(i < 10);
}

TEST_CASE("Self-intersecting outlines give gaps, not garbage", "[geometry][triangulate]") {
  std::vector<std::vector<Eigen::Vector2d>> bowtie{{{0, 0}, {2, 2}, {2, 0}, {0, 2}}};
  auto t = triangulatePolygon(bowtie);
  for (const auto& tri : t)
    for (auto i : tri) CHECK(i < 4);
  CHECK(std::abs(area2d(bowtie, t)) <= 2.0 + 1e-9);
}

TEST_CASE("Planar 3D rings are triangulated in their own plane, keeping orientation", "[geometry][triangulate]") {
  // A vertical 3 x 2 wall face in the plane y = 5 with a 1 x 1 window, outer ring facing -y.
  std::vector<std::vector<Eigen::Vector3d>> rings{
      {{0, 5, 0}, {3, 5, 0}, {3, 5, 2}, {0, 5, 2}},
      {{1, 5, 0.5}, {2, 5, 0.5}, {2, 5, 1.5}, {1, 5, 1.5}},
  };
  const Eigen::Vector3d n = newellNormal(rings[0]);
  CHECK(n.normalized().isApprox(Eigen::Vector3d(0, -1, 0)));
  CHECK(n.norm() == Approx(12.0));  // twice the area
  auto t = triangulatePlanarPolygon(rings);
  std::vector<Eigen::Vector3d> all = rings[0];
  all.insert(all.end(), rings[1].begin(), rings[1].end());
  double area = 0;
  for (const auto& tri : t) {
    const Eigen::Vector3d c = (all[tri[1]] - all[tri[0]]).cross(all[tri[2]] - all[tri[0]]);
    CHECK(c.dot(n) > 0);
    area += 0.5 * c.norm();
  }
  CHECK(area == Approx(5.0));
  CHECK(triangulatePlanarPolygon({{{0, 0, 0}, {1, 1, 1}, {2, 2, 2}}}).empty());
}
