// geometry/simplify: fewer triangles from the input's own vertices, within the error bound, borders kept.
#include <cmath>
#include <set>
#include <tuple>

#include <catch2/catch.hpp>

#include "cim/geometry/simplify.h"

using namespace cim;

namespace {

// A flat n × n grid of unit squares (2 n² triangles) at height z = f(x, y), far from the origin as map data is.
geometry::Mesh grid(int n, double (*height)(double, double)) {
  geometry::Mesh m;
  m.origin = {515400, 3347840, 10};
  for (int y = 0; y <= n; ++y)
    for (int x = 0; x <= n; ++x) m.positions.emplace_back(float(x), float(y), float(height(x, y)));
  auto id = [&](int x, int y) { return static_cast<std::uint32_t>(y * (n + 1) + x); };
  for (int y = 0; y < n; ++y)
    for (int x = 0; x < n; ++x) m.indices.insert(m.indices.end(), {id(x, y), id(x + 1, y), id(x + 1, y + 1), id(x, y),
                                                                   id(x + 1, y + 1), id(x, y + 1)});
  return m;
}

}  // namespace

TEST_CASE("A flat grid collapses to a few triangles, a bumpy one keeps its shape within the bound", "[geometry]") {
  const auto flat = grid(20, [](double, double) { return 0.0; });
  const auto s = geometry::simplify(flat, 2, 0.01);
  CHECK(s.mesh.triangleCount() >= 2);
  CHECK(s.mesh.triangleCount() <= 20);  // the open border limits how far it collapses
  CHECK(s.mesh.origin == flat.origin);
  // Every output position is an input position (a subset of the vertices, nothing invented).
  std::set<std::tuple<float, float, float>> input;
  for (const auto& p : flat.positions) input.insert({p.x(), p.y(), p.z()});
  for (const auto& p : s.mesh.positions) CHECK(input.count({p.x(), p.y(), p.z()}) == 1);
  // Flat shading: every corner carries its face normal, up here.
  REQUIRE(s.mesh.normals.size() == s.mesh.positions.size());
  for (const auto& n : s.mesh.normals) CHECK(n.z() == Approx(1.0f));

  const auto bumpy = grid(20, [](double x, double y) { return 0.5 * std::sin(x / 3.0) * std::cos(y / 3.0); });
  const auto b = geometry::simplify(bumpy, 10, 0.05);
  CHECK(b.mesh.triangleCount() < bumpy.triangleCount());
  CHECK(b.mesh.triangleCount() > 10);  // the error bound stops it before the target
  CHECK(b.errorMeters <= 0.05 + 1e-6);
  // An empty mesh gives an empty result.
  CHECK(geometry::simplify(geometry::Mesh{}, 10, 0.1).mesh.empty());
}
