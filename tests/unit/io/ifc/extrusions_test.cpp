// Extrusions and revolutions (extrusions.cpp), tapered ones from their start to their end profile.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "cim/io/ifc.h"
#include "support/test_support.h"
#include "unit/io/ifc/ifc_test_support.h"

using namespace cim;
using namespace ifctest;

TEST_CASE("A tapered extrusion goes from the start to the end profile", "[ifc][swept]") {
  // 2 x 2 square to 1 x 1 square over 3 m: a frustum of volume h/3 (A1 + A2 + sqrt(A1 A2)) = 7.
  auto l = load(ifcWith("#500=IFCRECTANGLEPROFILEDEF(.AREA.,$,$,2.,2.);#501=IFCRECTANGLEPROFILEDEF(.AREA.,$,$,1.,1.);\n"
                        "#502=IFCDIRECTION((0.,0.,1.));#503=IFCEXTRUDEDAREASOLIDTAPERED(#500,#11,#502,3.,#501);\n" +
                        proxyWith("#503")));
  INFO(allMessages(l.diagnostics));
  REQUIRE(l.found);
  CHECK(geometry::isClosedVolume(l.mesh));
  CHECK(geometry::signedVolume(l.mesh) == Approx(7.0).margin(1e-9));
  double topHalfWidth = 0;
  for (const auto& p : l.mesh.positions)
    if (p.z() > 3 - 1e-9) topHalfWidth = std::max(topHalfWidth, p.x());
  CHECK(topHalfWidth == Approx(0.5).margin(1e-9));
  SECTION("circles of different radii are paired point by point") {
    // Radius 1 to radius 0.5 over 3 m: a cone frustum, pi h/3 (R^2 + R r + r^2) = 1.75 pi (inscribed: a bit less).
    auto c = load(ifcWith("#500=IFCCIRCLEPROFILEDEF(.AREA.,$,$,1.);#501=IFCCIRCLEPROFILEDEF(.AREA.,$,$,0.5);\n"
                          "#502=IFCDIRECTION((0.,0.,1.));#503=IFCEXTRUDEDAREASOLIDTAPERED(#500,#11,#502,3.,#501);\n" +
                          proxyWith("#503")));
    REQUIRE(c.found);
    CHECK(geometry::isClosedVolume(c.mesh));
    const double v = geometry::signedVolume(c.mesh);
    CHECK(v <= 1.75 * kPi);
    CHECK(v >= 1.75 * kPi * 0.97);
  }
}

TEST_CASE("A revolved tapered solid goes from the start to the end profile", "[ifc][swept]") {
  // A 1 x 1 square (centred at x = 3) revolved half a turn about the Y axis, shrinking to 0.5 x 0.5: the end cap
  // lies at x = -3 with half-width 0.25.
  auto l = load(ifcWith("#510=IFCCARTESIANPOINT((3.,0.));#511=IFCAXIS2PLACEMENT2D(#510,$);\n"
                        "#512=IFCRECTANGLEPROFILEDEF(.AREA.,$,#511,1.,1.);#513=IFCRECTANGLEPROFILEDEF(.AREA.,$,#511,0.5,0.5);\n"
                        "#514=IFCDIRECTION((0.,1.,0.));#515=IFCAXIS1PLACEMENT(#10,#514);\n"
                        "#516=IFCREVOLVEDAREASOLIDTAPERED(#512,#11,#515,3.14159265358979,#513);\n" +
                        proxyWith("#516")));
  INFO(allMessages(l.diagnostics));
  REQUIRE(l.found);
  const auto b = boundsOf(l.mesh);
  CHECK(b.min().x() == Approx(-3.25).margin(1e-6));
  CHECK(b.max().x() == Approx(3.5).margin(1e-6));
  CHECK(b.max().y() == Approx(0.5).margin(1e-6));
}
