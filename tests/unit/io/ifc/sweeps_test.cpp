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

namespace {

// ifcWith in degrees: the plane-angle unit a conversion-based DEGREE, as Revit writes it.
std::string ifcInDegrees(const std::string& data) {
  std::string text = ifcWith(data);
  const std::string units = "#2=IFCUNITASSIGNMENT((#3));";
  const auto at = text.find(units);
  REQUIRE(at != std::string::npos);
  text.replace(at, units.size(),
               "#2=IFCUNITASSIGNMENT((#3,#4));#4=IFCCONVERSIONBASEDUNIT(#5,.PLANEANGLEUNIT.,'DEGREE',#6);"
               "#5=IFCDIMENSIONALEXPONENTS(0,0,0,0,0,0,0);#6=IFCMEASUREWITHUNIT(IFCRATIOMEASURE(0.0174532925199433),#7);"
               "#7=IFCSIUNIT(*,.PLANEANGLEUNIT.,$,.RADIAN.);");
  return text;
}

}  // namespace

TEST_CASE("A surface-curve sweep on a surface of linear extrusion turns the profile's x axis to the surface normal",
          "[ifc][sweep]") {
  // The Revit duct-fitting pattern: a quarter circle of radius 2 about the origin (trimmed 0..90 deg) as directrix,
  // the reference surface that arc extruded along +Z. The surface normal there is radial, so the 0.2 x 0.1 profile
  // stands 0.2 radially (r from 1.9 to 2.1) and 0.1 along tangent x radial = -Z.
  const std::string text =
      "#20=IFCCIRCLE(#11,2.);#21=IFCTRIMMEDCURVE(#20,(IFCPARAMETERVALUE(0.)),(IFCPARAMETERVALUE(90.)),.T.,.PARAMETER.);\n"
      "#22=IFCARBITRARYOPENPROFILEDEF(.CURVE.,$,#21);#23=IFCDIRECTION((0.,0.,1.));\n"
      "#24=IFCSURFACEOFLINEAREXTRUSION(#22,#11,#23,1.);\n"
      "#25=IFCRECTANGLEPROFILEDEF(.AREA.,$,$,0.2,0.1);\n"
      "#26=IFCSURFACECURVESWEPTAREASOLID(#25,$,#21,$,$,#24);\n";
  auto l = load(ifcInDegrees(text + proxyWith("#26")));
  INFO(allMessages(l.diagnostics));
  REQUIRE(l.found);
  REQUIRE(!l.mesh.triangles.empty());
  const auto b = boundsOf(l.mesh);
  CHECK(b.min().z() == Approx(-0.05).margin(1e-6));
  CHECK(b.max().z() == Approx(0.05).margin(1e-6));
  CHECK(b.max().x() == Approx(2.1).margin(1e-3));
  CHECK(b.max().y() == Approx(2.1).margin(1e-3));
  CHECK(b.min().x() == Approx(0.0).margin(1e-6));  // the end sections stand normal to the arc: x = 0 at 90 deg
  CHECK(b.min().y() == Approx(0.0).margin(1e-6));  // and y = 0 at 0 deg
  for (const auto& p : l.mesh.positions) CHECK(p.head<2>().norm() <= 2.1 + 1e-6);
}

TEST_CASE("StartParam and EndParam cut an ordinary directrix at its curve parameters", "[ifc][sweep]") {
  // A swept disk (r 0.1) along a half circle of radius 2 trimmed 0..180 deg; StartParam 0 / EndParam 90 (degrees:
  // s = t - t1 on the trimmed curve) keep its first quarter, from (2, 0) to (0, 2).
  const std::string text =
      "#20=IFCCIRCLE(#11,2.);#21=IFCTRIMMEDCURVE(#20,(IFCPARAMETERVALUE(0.)),(IFCPARAMETERVALUE(180.)),.T.,.PARAMETER.);\n"
      "#22=IFCSWEPTDISKSOLID(#21,0.1,$,0.,90.);\n";
  auto l = load(ifcInDegrees(text + proxyWith("#22")));
  INFO(allMessages(l.diagnostics));
  REQUIRE(l.found);
  const auto b = boundsOf(l.mesh);
  // The end discs stand normal to the arc (within the chord tolerance): at (2, 0) in the plane y = 0, at (0, 2) in
  // x = 0; the whole half circle would reach x = -2.1.
  CHECK(b.min().x() == Approx(0.0).margin(0.01));
  CHECK(b.max().x() == Approx(2.1).margin(0.01));
  CHECK(b.max().y() == Approx(2.1).margin(0.01));
  CHECK(b.min().y() == Approx(0.0).margin(0.01));

  // On a polyline the parameter counts vertices: 0.5 .. 1.5 on (0,0) (4,0) (4,4) runs from (2,0) to (4,2).
  const std::string poly =
      "#30=IFCCARTESIANPOINT((4.,0.,0.));#31=IFCCARTESIANPOINT((4.,4.,0.));#32=IFCPOLYLINE((#10,#30,#31));\n"
      "#33=IFCSWEPTDISKSOLID(#32,0.1,$,0.5,1.5);\n";
  auto p = load(ifcWith(poly + proxyWith("#33")));
  INFO(allMessages(p.diagnostics));
  REQUIRE(p.found);
  const auto pb = boundsOf(p.mesh);
  CHECK(pb.min().x() == Approx(2.0).margin(1e-6));
  CHECK(pb.max().y() == Approx(2.0).margin(1e-6));
}

TEST_CASE("StartParam 0 / EndParam 1 on a rebar polyline of several segments sweeps the whole bar", "[ifc][sweep]") {
  // Allplan writes 0..1 on every bar; its property sets give hooks at both ends, so the bar is the whole polyline.
  const std::string text =
      "#30=IFCCARTESIANPOINT((0.,0.,1.));#31=IFCCARTESIANPOINT((4.,0.,1.));#32=IFCCARTESIANPOINT((4.,0.,0.));\n"
      "#33=IFCPOLYLINE((#30,#10,#31,#32));#34=IFCSWEPTDISKSOLID(#33,0.01,$,0.,1.);\n";
  auto l = load(ifcWith(text + proxyWith("#34")));
  REQUIRE(l.found);
  const auto b = boundsOf(l.mesh);
  CHECK(b.max().x() == Approx(4.01).margin(1e-3));
  CHECK(reported(l.diagnostics, "#34", "whole directrix"));
}

TEST_CASE("The Revit duct fitting on a surface of linear extrusion is drawn as a 45 degree elbow", "[ifc][sweep][shared]") {
  const auto path = sharedIfc("1269--Project_IfcDuctFitting.ifc");
  REQUIRE_SHARED(path);
  auto r = io::readIfc(path);
  REQUIRE(r.ok());
  const auto* fitting = byGuid(r->scene, "0ZawzjP15FrvbpUmVoS3EJ");
  REQUIRE(fitting);
  // A round duct of radius 152.5 mm swept 45 deg (270..315 on a 305 mm circle): the elbow's box is the tube around
  // that arc; its height (the placement's z is down) is the duct's diameter, 0.305 m.
  const auto b = fitting->worldBounds();
  const Eigen::Vector3d size = b.max - b.min;
  INFO(size.transpose());
  CHECK(std::min({size.x(), size.y(), size.z()}) == Approx(0.305).margin(0.002));
  CHECK(fitting->triangleCount() > 0);
}
