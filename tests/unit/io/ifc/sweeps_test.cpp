// Sweeps (sweeps.cpp): swept disks, sectioned solids along alignments, fixed-reference and surface-curve sweeps.
// Expected values from first principles (circle geometry, the profile dimensions) or web-ifc where noted.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "cim/io/ifc.h"
#include "support/scene_lookup.h"
#include "support/test_support.h"
#include "unit/io/ifc/ifc_test_support.h"

using namespace cim;
using namespace ifctest;
using cimtest::byGuid;

TEST_CASE("The swept-disk cable segment web-ifc leaves empty is a round tube", "[ifc][reader][shared]") {
  const auto path = sharedIfc("987--flowSegment--segfault--augmented.ifc");
  REQUIRE_SHARED(path);
  auto r = io::readIfc(path);
  REQUIRE(r.ok());
  REQUIRE(r->scene.elementCount() == 1);
  const auto& e = r->scene.layers()[0].elements[0];
  CHECK(e.kind == "IfcFlowSegment");
  // IFCSWEPTDISKSOLID radius 0.0038772 m along a polyline in a horizontal plane: the tube is 2 r thick in z.
  CHECK(e.worldBounds().size().z() == Approx(2 * 0.0038772).margin(1e-5));
  // The file's own quantity: 'Total Surface Area' 0.17511 m^2 (lateral surface plus caps).
  double area = 0;
  for (const auto& s : e.shapes) area += geometry::surfaceArea(s.mesh);
  CHECK(area == Approx(0.17511).epsilon(0.02));
}

TEST_CASE("A sectioned solid lofts its cross sections along the directrix", "[ifc][alignment][sweep]") {
  cimtest::TempDir dir;
  // 100 m east then a left quarter circle of radius 50; a 4 m x 1 m section at 0 m widening to 8 m x 1 m at 100 m,
  // then 8 x 1 to the end of the arc (5 points per rectangle ring: counts match).
  const double total = 100 + 25 * kPi;
  cimtest::writeFile(dir / "s.ifc", ifc4x3(
      "#10=IFCCARTESIANPOINT((0.,0.));\n#11=IFCDIRECTION((1.,0.));\n#12=IFCAXIS2PLACEMENT2D(#10,#11);\n"
      "#13=IFCVECTOR(#11,1.);\n#14=IFCLINE(#10,#13);\n#15=IFCCIRCLE(#12,50.);\n"
      "#20=IFCCURVESEGMENT(.CONTINUOUS.,#12,IFCLENGTHMEASURE(0.),IFCLENGTHMEASURE(100.),#14);\n"
      "#21=IFCCARTESIANPOINT((100.,0.));\n#22=IFCAXIS2PLACEMENT2D(#21,#11);\n"
      "#23=IFCCURVESEGMENT(.CONTINUOUS.,#22,IFCLENGTHMEASURE(0.),IFCLENGTHMEASURE(" + num(25 * kPi) +
      "),#15);\n#24=IFCCOMPOSITECURVE((#20,#23),.F.);\n"
      "#30=IFCRECTANGLEPROFILEDEF(.AREA.,$,$,4.,1.);\n#31=IFCRECTANGLEPROFILEDEF(.AREA.,$,$,8.,1.);\n"
      "#40=IFCPOINTBYDISTANCEEXPRESSION(IFCLENGTHMEASURE(0.),$,$,$,#24);\n#41=IFCAXIS2PLACEMENTLINEAR(#40,$,$);\n"
      "#42=IFCPOINTBYDISTANCEEXPRESSION(IFCLENGTHMEASURE(100.),$,$,$,#24);\n#43=IFCAXIS2PLACEMENTLINEAR(#42,$,$);\n"
      "#44=IFCPOINTBYDISTANCEEXPRESSION(IFCLENGTHMEASURE(" + num(total) +
      "),$,$,$,#24);\n#45=IFCAXIS2PLACEMENTLINEAR(#44,$,$);\n"
      "#50=IFCSECTIONEDSOLIDHORIZONTAL(#24,(#30,#31,#31),(#41,#43,#45));\n"
      "#51=IFCSHAPEREPRESENTATION($,'Body','AdvancedSweptSolid',(#50));\n#52=IFCPRODUCTDEFINITIONSHAPE($,$,(#51));\n"
      "#60=IFCCARTESIANPOINT((0.,0.,0.));\n#61=IFCAXIS2PLACEMENT3D(#60,$,$);\n#62=IFCLOCALPLACEMENT($,#61);\n"
      "#70=IFCCOURSE('0gnK1gq9X5sOFhZ$a1N5GG',$,'layer',$,$,#62,#52,$,$);\n"));
  auto r = io::readIfc(dir / "s.ifc");
  REQUIRE(r.ok());
  const auto* course = byGuid(r->scene, "0gnK1gq9X5sOFhZ$a1N5GG");
  REQUIRE(course);
  const auto b = course->worldBounds();
  // Starts at x = 0 (4 m wide: y in [-2, 2]); the arc, 8 m wide, reaches x = 150 + 4 and y = 50 (its end section
  // spans x 146..154 at y = 50); the arc's inner edge stays south of the centre line's y = 50 top; height +-0.5 m.
  CHECK(b.min.x() == Approx(0.0).margin(1e-3));
  CHECK(b.max.x() == Approx(154.0).margin(1e-2));
  CHECK(b.min.y() == Approx(-4.0).margin(1e-2));  // the 8 m section at 100 m reaches y = -4
  CHECK(b.max.y() == Approx(50.0).margin(1e-3));
  CHECK(b.min.z() == Approx(-0.5).margin(1e-6));
  CHECK(b.max.z() == Approx(0.5).margin(1e-6));
}

TEST_CASE("A fixed-reference sweep along a straight directrix is a prism", "[ifc][alignment][sweep]") {
  cimtest::TempDir dir;
  // A 2 x 1 rectangle swept 10 m along +Y with FixedReference +X: profile X -> world X, profile Y -> tangent x X = -Z.
  cimtest::writeFile(dir / "f.ifc", ifc4x3(
      "#10=IFCCARTESIANPOINT((0.,0.,0.));\n#11=IFCCARTESIANPOINT((0.,10.,0.));\n#12=IFCPOLYLINE((#10,#11));\n"
      "#20=IFCRECTANGLEPROFILEDEF(.AREA.,$,$,2.,1.);\n#21=IFCDIRECTION((1.,0.,0.));\n"
      "#22=IFCFIXEDREFERENCESWEPTAREASOLID(#20,$,#12,$,$,#21);\n"
      "#30=IFCSHAPEREPRESENTATION($,'Body','AdvancedSweptSolid',(#22));\n#31=IFCPRODUCTDEFINITIONSHAPE($,$,(#30));\n"
      "#40=IFCAXIS2PLACEMENT3D(#10,$,$);\n#41=IFCLOCALPLACEMENT($,#40);\n"
      "#50=IFCBUILDINGELEMENTPROXY('0gnK1gq9X5sOFhZ$a1N5GG',$,'bar',$,$,#41,#31,$,$);\n"));
  auto r = io::readIfc(dir / "f.ifc");
  REQUIRE(r.ok());
  const auto* bar = byGuid(r->scene, "0gnK1gq9X5sOFhZ$a1N5GG");
  REQUIRE(bar);
  const auto b = bar->worldBounds();
  CHECK(b.min.isApprox(Eigen::Vector3d(-1, 0, -0.5), 1e-9));
  CHECK(b.max.isApprox(Eigen::Vector3d(1, 10, 0.5), 1e-9));
  CHECK(bar->triangleCount() == 12);
}

TEST_CASE("A surface-curve sweep on a plane turns the profile's x axis to the plane's normal", "[ifc][alignment][sweep]") {
  cimtest::TempDir dir;
  // A 0.2 x 0.1 rectangle swept along an L on the plane z = 0 (normal +Z): profile X -> +Z (0.2 tall),
  // profile Y -> tangent x Z: along +X that is -Y, so the first leg is 0.1 wide in y.
  cimtest::writeFile(dir / "s.ifc", ifc4x3(
      "#10=IFCCARTESIANPOINT((0.,0.,0.));\n#11=IFCCARTESIANPOINT((10.,0.,0.));\n#13=IFCCARTESIANPOINT((10.,5.,0.));\n"
      "#12=IFCPOLYLINE((#10,#11,#13));\n"
      "#20=IFCRECTANGLEPROFILEDEF(.AREA.,$,$,0.2,0.1);\n"
      "#23=IFCAXIS2PLACEMENT3D(#10,$,$);\n#24=IFCPLANE(#23);\n"
      "#22=IFCSURFACECURVESWEPTAREASOLID(#20,$,#12,$,$,#24);\n"
      "#30=IFCSHAPEREPRESENTATION($,'Body','AdvancedSweptSolid',(#22));\n#31=IFCPRODUCTDEFINITIONSHAPE($,$,(#30));\n"
      "#40=IFCAXIS2PLACEMENT3D(#10,$,$);\n#41=IFCLOCALPLACEMENT($,#40);\n"
      "#50=IFCBUILDINGELEMENTPROXY('0gnK1gq9X5sOFhZ$a1N5GG',$,'kerb',$,$,#41,#31,$,$);\n"));
  auto r = io::readIfc(dir / "s.ifc");
  REQUIRE(r.ok());
  const auto* kerb = byGuid(r->scene, "0gnK1gq9X5sOFhZ$a1N5GG");
  REQUIRE(kerb);
  const auto b = kerb->worldBounds();
  CHECK(b.min.z() == Approx(-0.1).margin(1e-6));
  CHECK(b.max.z() == Approx(0.1).margin(1e-6));
  CHECK(b.min.x() == Approx(0.0).margin(1e-6));
  CHECK(b.max.x() == Approx(10.05).margin(0.06));  // the mitred corner reaches past x = 10 by half the width
  CHECK(b.min.y() == Approx(-0.05).margin(0.06));
  CHECK(b.max.y() == Approx(5.0).margin(1e-6));
}
