// index/element_shape: an extruded non-convex footprint (an L-shaped LoD1 building) becomes convex pieces that
// measure exactly as its triangles do.
#include <random>

#include <catch2/catch.hpp>

#include "cim/index/element_shape.h"

using namespace cim;
using Eigen::Vector2d;
using Eigen::Vector3d;

namespace {

// The closed mesh of a footprint (counter-clockwise) extruded from z0 to z1: caps as fans from `apex` (a vertex
// that sees every other one), walls facing out.
model::Element extruded(const std::vector<Vector2d>& f, std::size_t apex, double z0, double z1) {
  model::Element e;
  e.kind = "building";
  geometry::Mesh m;
  m.origin = Vector3d(std::floor(f[0].x()), std::floor(f[0].y()), z0);
  for (double z : {0.0, z1 - z0})
    for (const auto& p : f) m.positions.emplace_back(float(p.x() - m.origin.x()), float(p.y() - m.origin.y()), float(z));
  const auto n = static_cast<std::uint32_t>(f.size());
  for (std::uint32_t k = 1; k + 1 < n; ++k) {
    const auto a = std::uint32_t(apex), b = std::uint32_t((apex + k) % n), c = std::uint32_t((apex + k + 1) % n);
    m.indices.insert(m.indices.end(), {n + a, n + b, n + c});
    m.indices.insert(m.indices.end(), {a, c, b});
  }
  for (std::uint32_t i = 0; i < n; ++i) {
    const std::uint32_t j = (i + 1) % n;
    m.indices.insert(m.indices.end(), {i, j, n + j, i, n + j, n + i});
  }
  e.shapes.push_back({std::move(m), {}});
  return e;
}

double distanceToTriangles(const model::Element& e, const Vector3d& p) {
  const auto& m = e.shapes[0].mesh;
  double best = 1e300;
  for (std::size_t t = 0; t < m.indices.size(); t += 3) {
    const Vector3d a = m.worldPosition(m.indices[t]), b = m.worldPosition(m.indices[t + 1]), c = m.worldPosition(m.indices[t + 2]);
    best = std::min(best, (geometry::closestOnTriangle(p, a, b, c) - p).norm());
  }
  return best;
}

}  // namespace

TEST_CASE("An L-shaped extrusion is measured as convex pieces, exactly as its faces", "[index][shape]") {
  // An L on a 1/64 m grid (so the float mesh holds the doubles exactly): 20 x 12 with a 12 x 6 notch; reflex
  // vertex 4 sees every other vertex.
  const std::vector<Vector2d> l{{100, 200}, {120, 200}, {120, 206}, {108, 206}, {108, 212}, {100, 212}};
  const auto e = extruded(l, 3, 10, 25);
  const auto shape = index::elementShape(e);
  REQUIRE(shape.parts.size() == 2);
  CHECK(shape.partsAreSolid);
  CHECK(shape.closedSurfaces.empty());
  for (const auto& part : shape.parts) CHECK(std::holds_alternative<geometry::ConvexPolytope>(part));
  std::mt19937 random(3);
  std::uniform_real_distribution<double> x(90, 130), y(190, 222), z(0, 35);
  int inside = 0;
  for (int i = 0; i < 3000; ++i) {
    const Vector3d p(x(random), y(random), z(random));
    const bool inL = p.z() >= 10 && p.z() <= 25 &&
                     ((p.x() >= 100 && p.x() <= 120 && p.y() >= 200 && p.y() <= 206) ||
                      (p.x() >= 100 && p.x() <= 108 && p.y() >= 200 && p.y() <= 212));
    const auto s = index::separate(index::pointShape(p), shape);
    INFO("point " << p.transpose());
    if (inL) {
      ++inside;
      CHECK(s.distance == 0.0);
    } else {
      CHECK(s.distance == Approx(distanceToTriangles(e, p)).margin(1e-9));
    }
    // In plan: the distance to the footprint polygon.
    const Vector3d flat(p.x(), p.y(), 15);
    const bool inPlan = (p.x() >= 100 && p.x() <= 120 && p.y() >= 200 && p.y() <= 206) ||
                        (p.x() >= 100 && p.x() <= 108 && p.y() >= 200 && p.y() <= 212);
    CHECK(s.horizontal == Approx(inPlan ? 0.0 : distanceToTriangles(e, flat)).margin(1e-9));
  }
  CHECK(inside > 100);
}
