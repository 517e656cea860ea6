// CSG primitives and booleans (csg.cpp) with volumes from their formulas.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "cim/io/ifc.h"
#include "support/test_support.h"
#include "unit/io/ifc/ifc_test_support.h"

using namespace cim;
using namespace ifctest;

TEST_CASE("CSG primitives have their volumes and are placed by Position", "[ifc][csg]") {
  // A block 2 x 3 x 4 with its corner at (10, 0, 0); a sphere r = 1 at (0, 0, 5); a cone r = 1, h = 3; a cylinder
  // r = 0.5, h = 2; a pyramid 2 x 2 x 3.
  const std::string common =
      "#400=IFCCARTESIANPOINT((10.,0.,0.));#401=IFCAXIS2PLACEMENT3D(#400,$,$);\n"
      "#402=IFCCARTESIANPOINT((0.,0.,5.));#403=IFCAXIS2PLACEMENT3D(#402,$,$);\n";
  struct Case {
    const char* item;
    double volume;
    double volumeMargin;
    Eigen::Vector3d min, max;
  };
  const double sphereSlack = 4 * kPi * 1 * 0.01;  // surface area x chord tolerance
  const Case cases[] = {
      {"#410=IFCBLOCK(#401,2.,3.,4.);\n", 24.0, 1e-9, {10, 0, 0}, {12, 3, 4}},
      {"#410=IFCSPHERE(#403,1.);\n", 4.0 / 3 * kPi, sphereSlack, {-1, -1, 4}, {1, 1, 6}},
      {"#410=IFCRIGHTCIRCULARCONE(#11,3.,1.);\n", kPi, 2 * kPi * 3 * 0.01, {-1, -1, 0}, {1, 1, 3}},
      {"#410=IFCRIGHTCIRCULARCYLINDER(#11,2.,0.5);\n", kPi * 0.25 * 2, 2 * kPi * 0.5 * 2 * 0.01, {-0.5, -0.5, 0}, {0.5, 0.5, 2}},
      {"#410=IFCRECTANGULARPYRAMID(#11,2.,2.,3.);\n", 4.0, 1e-9, {0, 0, 0}, {2, 2, 3}},
  };
  for (const auto& c : cases) {
    INFO(c.item);
    auto l = load(ifcWith(common + c.item + "#411=IFCCSGSOLID(#410);\n" + proxyWith("#411")));
    INFO(allMessages(l.diagnostics));
    REQUIRE(l.found);
    CHECK(geometry::isClosedVolume(l.mesh));
    const double v = geometry::signedVolume(l.mesh);
    CHECK(v <= c.volume + 1e-9);
    CHECK(v >= c.volume - c.volumeMargin);
    const auto b = boundsOf(l.mesh);
    CHECK((b.min() - c.min).cwiseAbs().maxCoeff() < 0.02);
    CHECK((b.max() - c.max).cwiseAbs().maxCoeff() < 0.02);
  }
  SECTION("a primitive straight in the representation and a boolean of primitives") {
    // Block 2 x 2 x 2 at the origin minus a sphere r = 1 centred on its corner: 8 - pi/6.
    auto l = load(ifcWith("#420=IFCBLOCK(#11,2.,2.,2.);#421=IFCSPHERE(#11,1.);\n"
                          "#422=IFCBOOLEANRESULT(.DIFFERENCE.,#420,#421);#423=IFCCSGSOLID(#422);\n" +
                          proxyWith("#423")));
    INFO(allMessages(l.diagnostics));
    REQUIRE(l.found);
    CHECK(l.result.booleansEvaluated == 1);
    CHECK(geometry::signedVolume(l.mesh) == Approx(8 - kPi / 6).margin(0.02));
    auto direct = load(ifcWith("#420=IFCBLOCK(#11,2.,2.,2.);\n" + proxyWith("#420")));
    CHECK(geometry::signedVolume(direct.mesh) == Approx(8.0).margin(1e-9));
  }
  SECTION("a primitive without size is reported") {
    auto l = load(ifcWith("#420=IFCSPHERE(#11,0.);\n" + proxyWith("#420")));
    CHECK(reported(l.diagnostics, "#420", "no positive size"));
  }
}
