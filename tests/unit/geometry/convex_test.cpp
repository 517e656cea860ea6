// geometry/convex: distances, closest points, penetration depths and vertical gaps between convex shapes — known
// values by hand, and GJK against closed-form brute force on random shapes.
#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>

#include <catch2/catch.hpp>

#include <Eigen/Geometry>

#include "cim/geometry/convex.h"

using namespace cim::geometry;
using Eigen::Vector3d;

namespace {

OrientedBox box(const Vector3d& min, const Vector3d& max) {
  OrientedBox b;
  b.centre = (min + max) / 2;
  b.halfExtents = (max - min) / 2;
  return b;
}

ConvexPolytope cornersOf(const OrientedBox& b) {
  ConvexPolytope p;
  for (int i = 0; i < 8; ++i) {
    Vector3d c = b.centre;
    for (int k = 0; k < 3; ++k) c += ((i >> k) & 1 ? 1.0 : -1.0) * b.halfExtents[k] * b.axes.col(k);
    p.vertices.push_back(c);
  }
  return p;
}

// Whether segment p–q passes through triangle abc (Möller–Trumbore).
bool segmentCrossesTriangle(const Vector3d& p, const Vector3d& q, const Vector3d& a, const Vector3d& b,
                            const Vector3d& c) {
  const Vector3d d = q - p, e1 = b - a, e2 = c - a, h = d.cross(e2);
  const double det = e1.dot(h);
  if (std::abs(det) < 1e-14) return false;
  const Vector3d s = p - a;
  const double u = s.dot(h) / det;
  if (u < 0 || u > 1) return false;
  const Vector3d qv = s.cross(e1);
  const double v = d.dot(qv) / det;
  if (v < 0 || u + v > 1) return false;
  const double t = e2.dot(qv) / det;
  return t >= 0 && t <= 1;
}

// Triangle–triangle distance by closed forms only: 0 when an edge of one passes through the other, else the least of
// the edges against each other and every vertex against the other triangle.
double triangleDistance(const std::array<Vector3d, 3>& t, const std::array<Vector3d, 3>& u) {
  for (int i = 0; i < 3; ++i)
    if (segmentCrossesTriangle(t[i], t[(i + 1) % 3], u[0], u[1], u[2]) ||
        segmentCrossesTriangle(u[i], u[(i + 1) % 3], t[0], t[1], t[2]))
      return 0.0;
  double d = std::numeric_limits<double>::infinity();
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) d = std::min(d, segmentSegment(t[i], t[(i + 1) % 3], u[j], u[(j + 1) % 3]).distance);
  for (const auto& p : t) d = std::min(d, (closestOnTriangle(p, u[0], u[1], u[2]) - p).norm());
  for (const auto& p : u) d = std::min(d, (closestOnTriangle(p, t[0], t[1], t[2]) - p).norm());
  return d;
}

// The separating-axis depth of two boxes: over the 15 candidate axes, the smallest translation along the axis that
// separates their projections (either way).
double satDepth(const OrientedBox& a, const OrientedBox& b) {
  std::vector<Vector3d> axes;
  for (int i = 0; i < 3; ++i) axes.push_back(a.axes.col(i)), axes.push_back(b.axes.col(i));
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      const Vector3d c = a.axes.col(i).cross(b.axes.col(j));
      if (c.norm() > 1e-6) axes.push_back(c.normalized());
    }
  double depth = std::numeric_limits<double>::infinity();
  for (const auto& n : axes) {
    auto range = [&](const OrientedBox& x) {
      const double c = n.dot(x.centre);
      double r = 0;
      for (int k = 0; k < 3; ++k) r += std::abs(n.dot(x.axes.col(k))) * x.halfExtents[k];
      return std::pair{c - r, c + r};
    };
    const auto [a0, a1] = range(a);
    const auto [b0, b1] = range(b);
    depth = std::min(depth, std::min(a1 - b0, b1 - a0));
  }
  return std::max(0.0, depth);
}

}  // namespace

TEST_CASE("Boxes apart, touching and overlapping by known amounts", "[geometry][convex]") {
  const auto a = box({0, 0, 0}, {2, 2, 2});
  struct Row {
    Vector3d min, max;
    double distance, depth;
  };
  const Row rows[] = {
      {{2.3, 0.5, 0.5}, {4, 1.5, 1.5}, 0.3, 0.0},       // 0.3 m gap along x
      {{2.0, 0.5, 0.5}, {4, 1.5, 1.5}, 0.0, 0.0},       // touching faces: no depth
      {{1.9, 0.5, 0.5}, {4, 1.5, 1.5}, 0.0, 0.1},       // 0.1 m overlap
      {{1.9, 0.0, 0.0}, {4, 2.0, 2.0}, 0.0, 0.1},       // flush sides, 0.1 m overlap
      {{0, 0, 2}, {2, 2, 2.25}, 0.0, 0.0},              // a slab on top: touching
      {{3, 3, 3}, {4, 4, 4}, std::sqrt(3.0), 0.0},      // corner to corner
      {{0.5, 0.5, 0.5}, {1.5, 1.5, 1.5}, 0.0, 1.5},     // inside: moved out through the nearest face
  };
  for (const auto& r : rows) {
    INFO("box " << r.min.transpose() << " – " << r.max.transpose());
    const auto b = box(r.min, r.max);
    const auto p = proximity(a, b);
    CHECK(p.distance == Approx(r.distance).margin(1e-9));
    CHECK((p.onB - p.onA).norm() == Approx(r.distance).margin(1e-9));
    CHECK(penetrationDepth(a, b) == Approx(r.depth).margin(1e-9));
    // The same box as a polytope of its corners measures the same.
    CHECK(proximity(cornersOf(a), cornersOf(b)).distance == Approx(r.distance).margin(1e-9));
    CHECK(penetrationDepth(cornersOf(a), cornersOf(b)) == Approx(r.depth).margin(1e-9));
  }
}

TEST_CASE("Two pipes crossing at a known vertical gap, one parallel to a building", "[geometry][convex]") {
  // A DN200 water main along x at z = 8.0 and a DN300 gas main along y at z = 8.6: outer walls 0.35 m apart.
  const Capsule water{{0, 0, 8.0}, {100, 0, 8.0}, 0.1};
  const Capsule gas{{50, -50, 8.6}, {50, 50, 8.6}, 0.15};
  const auto p = proximity(water, gas);
  CHECK(p.distance == Approx(0.35).margin(1e-12));
  CHECK((p.onA - Vector3d(50, 0, 8.1)).norm() < 1e-9);
  CHECK((p.onB - Vector3d(50, 0, 8.45)).norm() < 1e-9);
  CHECK(planProximity(water, gas).distance == 0.0);  // they cross in plan
  const auto gap = verticalGap(water, gas);
  REQUIRE(gap);
  CHECK(*gap == Approx(0.35).margin(1e-7));
  // A building footprint box 3.0 m north of the water main's centreline, 2.9 m from its outer wall.
  const auto building = box({0, 3.0, 6.0}, {40, 20, 30});
  const auto b = proximity(water, building);
  CHECK(b.distance == Approx(2.9).margin(1e-9));
  CHECK(planProximity(water, building).distance == Approx(2.9).margin(1e-9));
  CHECK_FALSE(verticalGap(water, building));  // no plan overlap: no vertical gap
  // A pipe passing under the building: plans overlap, 1.9 m below the foundation (6.0 − 4.0 − 0.1).
  const Capsule under{{10, 0, 4.0}, {10, 30, 4.0}, 0.1};
  CHECK(planProximity(under, building).distance == 0.0);
  REQUIRE(verticalGap(under, building));
  CHECK(*verticalGap(under, building) == Approx(1.9).margin(1e-7));
  // Overlapping pipes: depth is the sum of radii minus the axes' distance.
  const Capsule close{{50, -1, 8.1}, {50, 1, 8.1}, 0.15};
  CHECK(proximity(water, close).distance == 0.0);
  CHECK(penetrationDepth(water, close) == Approx(0.15).margin(1e-12));
}

TEST_CASE("Curved shapes: cylinders, ellipsoids and points", "[geometry][convex]") {
  const VerticalCylinder borehole{{10, 0}, 0.055, -20, 0};
  const Capsule point{{10.5, 0, -5}, {10.5, 0, -5}, 0.0};
  CHECK(proximity(borehole, point).distance == Approx(0.445).margin(1e-7));
  CHECK(planProximity(borehole, point).distance == Approx(0.445).margin(1e-9));
  const Capsule above{{10, 0, 1.5}, {10, 0, 1.5}, 0.0};
  CHECK(proximity(borehole, above).distance == Approx(1.5).margin(1e-7));
  const Ellipsoid cavity{{0, 0, -2}, {1.5, 1.0, 0.5}};
  const Capsule ground{{0, 0, 0}, {0, 0, 0}, 0.0};
  CHECK(proximity(cavity, ground).distance == Approx(1.5).margin(1e-7));  // roof at -1.5
  const Capsule side{{3, 0, -2}, {3, 0, -2}, 0.0};
  CHECK(proximity(cavity, side).distance == Approx(1.5).margin(1e-7));
}

TEST_CASE("GJK agrees with closed-form brute force on random triangles and boxes", "[geometry][convex]") {
  std::mt19937 random(11);
  std::uniform_real_distribution<double> u(-5, 5);
  auto point = [&] { return Vector3d(u(random), u(random), u(random)); };
  int apart = 0;
  for (int i = 0; i < 2000; ++i) {
    const std::array<Vector3d, 3> t{point(), point(), point()};
    std::array<Vector3d, 3> s{point(), point(), point()};
    const Vector3d shift(12, 0, 0);  // mostly apart, some close
    if (i % 2) for (auto& p : s) p += shift * 0.6;
    const double expected = triangleDistance(t, s);
    apart += expected > 0;
    const auto g = proximity(ConvexPolytope{{t[0], t[1], t[2]}}, ConvexPolytope{{s[0], s[1], s[2]}});
    INFO("pair " << i);
    CHECK(g.distance == Approx(expected).epsilon(1e-9).margin(1e-9));
    CHECK((g.onB - g.onA).norm() == Approx(expected).epsilon(1e-9).margin(1e-9));
    CHECK(proximity(Triangle{t[0], t[1], t[2]}, Triangle{s[0], s[1], s[2]}).distance ==
          Approx(expected).epsilon(1e-9).margin(1e-9));
  }
  CHECK(apart > 1000);
  // Random rotated boxes: EPA's depth equals the separating-axis overlap.
  int overlapping = 0;
  for (int i = 0; i < 500; ++i) {
    auto rotated = [&](const Vector3d& centre) {
      OrientedBox b;
      b.centre = centre;
      b.axes = Eigen::Quaterniond(Eigen::Vector4d(u(random), u(random), u(random), u(random)).normalized())
                   .toRotationMatrix();
      b.halfExtents = Vector3d(0.5 + std::abs(u(random)) / 5, 0.5 + std::abs(u(random)) / 5, 0.5 + std::abs(u(random)) / 5);
      return b;
    };
    const auto a = rotated(Vector3d::Zero());
    const auto b = rotated(point() * 0.3);
    const double sat = satDepth(a, b);
    if (sat <= 0) continue;
    ++overlapping;
    INFO("pair " << i);
    CHECK(proximity(a, b).distance == 0.0);
    CHECK(penetrationDepth(a, b) == Approx(sat).epsilon(1e-6).margin(1e-9));
  }
  CHECK(overlapping > 100);
}

TEST_CASE("Two capsules in plan: the closed form equals GJK on their cores", "[geometry][convex]") {
  // planProximity of two capsules takes a closed form (the segments' projections); GJK on capsule a against b's bare
  // segment, less b's radius, is the independent answer.
  std::mt19937 random(5);
  std::uniform_real_distribution<double> u(-5, 5), radius(0.0, 0.6);
  int apart = 0, parallel = 0;
  for (int i = 0; i < 2000; ++i) {
    Capsule a{{u(random), u(random), u(random)}, {u(random), u(random), u(random)}, radius(random)};
    Capsule b{{u(random) + 4, u(random), u(random)}, {u(random) + 4, u(random), u(random)}, radius(random)};
    if (i % 5 == 0) b.b = b.a + (a.b - a.a) * 0.7 + Vector3d(0, 0, u(random)), ++parallel;  // parallel in plan
    if (i % 7 == 0) b.b = b.a + Vector3d(0, 0, u(random));  // vertical: a disc in plan
    const auto closed = planProximity(a, b);
    const double gjk = std::max(0.0, planProximity(a, ConvexPolytope{{b.a, b.b}}).distance - b.radius);
    INFO("pair " << i);
    CHECK(closed.distance == Approx(gjk).epsilon(1e-9).margin(1e-9));
    if (closed.distance > 0) {
      ++apart;
      CHECK((closed.onB - closed.onA).head<2>().norm() == Approx(closed.distance).epsilon(1e-9).margin(1e-9));
    }
  }
  CHECK(apart > 500);
  CHECK(parallel > 300);
}
