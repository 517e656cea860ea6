// B-spline curves and surfaces (bspline.cpp) evaluated against closed forms.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "cim/io/ifc.h"
#include "io/ifc/bspline.h"
#include "support/test_support.h"
#include "unit/io/ifc/ifc_test_support.h"

using namespace cim;
using namespace ifctest;

TEST_CASE("B-spline evaluation matches closed forms", "[ifc][bspline]") {
  using io::ifc::BSplineCurve;
  using io::ifc::BSplineSurface;
  SECTION("knot multiplicities expand; bad lists give nothing") {
    CHECK(io::ifc::expandKnots({0, 1, 2}, {3, 1, 3}) == std::vector<double>{0, 0, 0, 1, 2, 2, 2});
    CHECK(io::ifc::expandKnots({0, 1}, {2}).empty());
    CHECK(io::ifc::expandKnots({1, 0}, {2, 2}).empty());
  }
  SECTION("a rational quadratic arc is a quarter of the unit circle") {
    BSplineCurve c;
    c.degree = 2;
    c.points = {{1, 0, 0}, {1, 1, 0}, {0, 1, 0}};
    c.weights = {1, std::sqrt(0.5), 1};
    c.knots = {0, 0, 0, 1, 1, 1};
    for (double t : {0.0, 0.2, 0.5, 0.77, 1.0}) CHECK(c.at(t).norm() == Approx(1.0).margin(1e-12));
    CHECK(c.at(0.5).x() == Approx(std::sqrt(0.5)).margin(1e-12));
    const auto pts = c.sample(1e-4);
    REQUIRE(pts.size() >= 10);
    for (std::size_t i = 0; i + 1 < pts.size(); ++i)  // chord midpoints stay within the tolerance of the circle
      CHECK(1.0 - (0.5 * (pts[i] + pts[i + 1])).norm() < 1e-4);
  }
  SECTION("an unclamped (periodic-style) cubic with uniform knots evaluates on its valid range") {
    // Uniform cubic B-spline: at a knot the point is (P[k-1] + 4 P[k] + P[k+1]) / 6.
    BSplineCurve c;
    c.degree = 3;
    c.points = {{0, 0, 0}, {1, 2, 0}, {2, -1, 0}, {3, 4, 0}, {4, 0, 0}};
    c.knots = {-3, -2, -1, 0, 1, 2, 3, 4, 5};
    CHECK(c.start() == 0);
    CHECK(c.end() == 2);
    const Eigen::Vector3d at1 = (c.points[1] + 4 * c.points[2] + c.points[3]) / 6;
    CHECK((c.at(1.0) - at1).norm() < 1e-12);
  }
  SECTION("a biquadratic Bezier patch is (2u, 2v, 4u(1-u)v(1-v))") {
    BSplineSurface s;
    s.uDegree = s.vDegree = 2;
    s.nu = s.nv = 3;
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) s.points.emplace_back(i, j, i == 1 && j == 1 ? 1.0 : 0.0);
    s.uKnots = s.vKnots = {0, 0, 0, 1, 1, 1};
    for (double u : {0.0, 0.3, 0.5, 0.9})
      for (double v : {0.0, 0.25, 0.6, 1.0}) {
        const Eigen::Vector3d expected(2 * u, 2 * v, 4 * u * (1 - u) * v * (1 - v));
        CHECK((s.at(u, v) - expected).norm() < 1e-12);
      }
    // Rational with all weights 2: the same surface.
    s.weights.assign(9, 2.0);
    CHECK((s.at(0.3, 0.6) - Eigen::Vector3d(0.6, 1.2, 4 * 0.3 * 0.7 * 0.6 * 0.4)).norm() < 1e-12);
  }
}
