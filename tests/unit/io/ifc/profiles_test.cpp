// Profiles (profiles.cpp): the area of every parameterised profile against its formula, one table row each; arbitrary
// profiles with voids, Position, and the dimensions that make a profile unusable.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "io/ifc/profiles.h"
#include "unit/io/ifc/ifc_test_support.h"

using namespace cim;
using namespace ifctest;
namespace ifc = cim::io::ifc;

namespace {

// Shoelace area of the polygons (outer rings positive, holes subtracted), square metres.
double areaOf(const std::vector<ifc::Polygon>& polys) {
  double total = 0;
  for (const auto& p : polys)
    for (std::size_t r = 0; r < p.rings.size(); ++r) {
      double a = 0;
      const auto& ring = p.rings[r];
      for (std::size_t i = 0; i < ring.size(); ++i) {
        const auto& u = ring[i];
        const auto& v = ring[(i + 1) % ring.size()];
        a += u.x() * v.y() - v.x() * u.y();
      }
      total += (r == 0 ? 1 : -1) * std::abs(a) / 2;
    }
  return total;
}

}  // namespace

TEST_CASE("Parameterised profiles have the areas of their formulas", "[ifc][profile]") {
  struct Row {
    const char* profile;  // #20, in metres
    double area;
    double arcs;  // metres of curved boundary: tessellated at 1 mm chords, the area is off by less than 1 mm times this
  };
  const Row rows[] = {
      {"IFCRECTANGLEPROFILEDEF(.AREA.,$,$,2.,1.)", 2.0, 0},
      {"IFCRECTANGLEHOLLOWPROFILEDEF(.AREA.,$,$,2.,1.,0.1,$,$)", 2.0 - 1.8 * 0.8, 0},
      {"IFCROUNDEDRECTANGLEPROFILEDEF(.AREA.,$,$,2.,1.,0.2)", 2.0 - (4 - kPi) * 0.04, 2 * kPi * 0.2},
      {"IFCCIRCLEPROFILEDEF(.AREA.,$,$,1.)", kPi, 2 * kPi},
      {"IFCCIRCLEHOLLOWPROFILEDEF(.AREA.,$,$,1.,0.1)", kPi * (1 - 0.81), 2 * kPi * 1.9},
      {"IFCELLIPSEPROFILEDEF(.AREA.,$,$,2.,1.)", 2 * kPi, 9.69},
      {"IFCISHAPEPROFILEDEF(.AREA.,$,$,0.2,0.3,0.01,0.02,$,$,$)", 2 * 0.2 * 0.02 + 0.01 * 0.26, 0},
      {"IFCLSHAPEPROFILEDEF(.AREA.,$,$,0.1,0.08,0.01,$,$,$)", 0.1 * 0.01 + 0.07 * 0.01, 0},
      {"IFCTSHAPEPROFILEDEF(.AREA.,$,$,0.2,0.15,0.01,0.02,$,$,$,$,$)", 0.15 * 0.02 + 0.01 * 0.18, 0},
      {"IFCUSHAPEPROFILEDEF(.AREA.,$,$,0.2,0.1,0.01,0.02,$,$,$)", 2 * 0.1 * 0.02 + 0.01 * 0.16, 0},
      {"IFCCSHAPEPROFILEDEF(.AREA.,$,$,0.2,0.1,0.01,0.03,$)", 0.2 * 0.01 + 2 * 0.09 * 0.01 + 2 * 0.02 * 0.01, 0},
      {"IFCZSHAPEPROFILEDEF(.AREA.,$,$,0.2,0.08,0.01,0.015,$,$)", 0.2 * 0.01 + 2 * 0.07 * 0.015, 0},
      {"IFCTRAPEZIUMPROFILEDEF(.AREA.,$,$,2.,1.,1.,0.5)", 1.5, 0},
  };
  for (const auto& row : rows) {
    INFO(row.profile);
    auto o = openText(ifcWith(std::string("#20=") + row.profile + ";\n"), 0.001);
    const auto polys = ifc::profilePolygons(*o.ctx, 20);
    REQUIRE(polys.size() == 1);
    CHECK(areaOf(polys) == Approx(row.area).epsilon(1e-12).margin(0.001 * row.arcs));
    CHECK(o.ctx->takeDiagnostics().empty());
  }
}

TEST_CASE("Profiles: Position moves the area, voids are holes, derived and composite profiles combine", "[ifc][profile]") {
  auto o = openText(ifcWith(
      "#20=IFCCARTESIANPOINT((5.,0.));\n#21=IFCAXIS2PLACEMENT2D(#20,$);\n"
      "#22=IFCRECTANGLEPROFILEDEF(.AREA.,$,#21,2.,1.);\n"
      "#30=IFCCARTESIANPOINT((0.,0.));#31=IFCCARTESIANPOINT((4.,0.));#32=IFCCARTESIANPOINT((4.,4.));"
      "#33=IFCCARTESIANPOINT((0.,4.));#34=IFCPOLYLINE((#30,#31,#32,#33,#30));\n"
      "#35=IFCCARTESIANPOINT((1.,1.));#36=IFCCARTESIANPOINT((2.,1.));#37=IFCCARTESIANPOINT((2.,2.));"
      "#38=IFCPOLYLINE((#35,#36,#37,#35));\n"
      "#39=IFCARBITRARYPROFILEDEFWITHVOIDS(.AREA.,$,#34,(#38));\n"
      "#40=IFCDIRECTION((0.,1.));#41=IFCCARTESIANTRANSFORMATIONOPERATOR2D(#40,$,$,2.);\n"
      "#42=IFCDERIVEDPROFILEDEF(.AREA.,$,#22,#41,$);\n"
      "#43=IFCCOMPOSITEPROFILEDEF(.AREA.,$,(#22,#39),$);\n"));
  const auto moved = ifc::profilePolygons(*o.ctx, 22);
  REQUIRE(moved.size() == 1);
  Eigen::Vector3d centre = Eigen::Vector3d::Zero();
  for (const auto& p : moved[0].rings[0]) centre += p / 4.0;
  CHECK((centre - Eigen::Vector3d(5, 0, 0)).norm() < 1e-12);
  CHECK(areaOf(ifc::profilePolygons(*o.ctx, 39)) == Approx(16 - 0.5));
  const auto derived = ifc::profilePolygons(*o.ctx, 42);  // scaled by 2, turned 90 degrees: centre (0, 10)
  REQUIRE(derived.size() == 1);
  CHECK(areaOf(derived) == Approx(8.0));
  CHECK(areaOf(ifc::profilePolygons(*o.ctx, 43)) == Approx(2 + 15.5));
  CHECK(o.ctx->takeDiagnostics().empty());
}

TEST_CASE("Profiles with unusable dimensions give no area and say why", "[ifc][profile]") {
  struct Row {
    const char* profile;
    const char* why;
  };
  const Row rows[] = {
      {"IFCRECTANGLEPROFILEDEF(.AREA.,$,$,-2.,1.)", "XDim -2 is not a positive finite length; profile skipped"},
      {"IFCCIRCLEPROFILEDEF(.AREA.,$,$,0.)", "Radius 0 is not a positive finite length; profile skipped"},
      {"IFCCIRCLEPROFILEDEF(.AREA.,$,$,1.E13)", "Radius 1e+13 is not a positive finite length; profile skipped"},
      {"IFCCIRCLEHOLLOWPROFILEDEF(.AREA.,$,$,1.,1.)", "WallThickness leaves no hollow in the section; profile skipped"},
      {"IFCRECTANGLEHOLLOWPROFILEDEF(.AREA.,$,$,2.,1.,0.5,$,$)", "WallThickness leaves no hollow in the section; profile skipped"},
  };
  for (const auto& row : rows) {
    INFO(row.profile);
    auto o = openText(ifcWith(std::string("#20=") + row.profile + ";\n"));
    CHECK(ifc::profilePolygons(*o.ctx, 20).empty());
    CHECK(reported(o.ctx->takeDiagnostics(), "#20", row.why));
  }
}
