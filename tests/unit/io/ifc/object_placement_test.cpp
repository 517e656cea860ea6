// Object placements (object_placement.cpp): IfcLocalPlacement chains, IfcLinearPlacement along IFC4X3 alignments
// and IfcGridPlacement. Expected positions from circle geometry, grid arithmetic and the numbers the shared files
// carry next to their placements.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "cim/io/ifc.h"
#include "io/ifc/object_placement.h"
#include "support/scene_lookup.h"
#include "support/test_support.h"
#include "unit/io/ifc/ifc_test_support.h"

using namespace cim;
using namespace ifctest;
using cimtest::byGuid;
using namespace cim::io::ifc;

TEST_CASE("Line then arc: a linear placement lands where circle geometry puts it", "[ifc][alignment]") {
  cimtest::TempDir dir;
  // 100 m east from the origin, then a left quarter circle of radius 50 given by parameter (angle) values, like
  // MCON-2 writes them; a gradient of +2 % from height 10. Products at 50 m (on the line, 3 m up) and at the arc's end
  // (2 m left, i.e. to the west once the road heads north).
  const double g = 0.02, total = 100 + 25 * kPi;
  cimtest::writeFile(dir / "la.ifc", ifc4x3(
      "#10=IFCCARTESIANPOINT((0.,0.));\n#11=IFCDIRECTION((1.,0.));\n#12=IFCAXIS2PLACEMENT2D(#10,#11);\n"
      "#13=IFCVECTOR(#11,1.);\n#14=IFCLINE(#10,#13);\n#15=IFCCIRCLE(#12,50.);\n"
      "#20=IFCCURVESEGMENT(.CONTINUOUS.,#12,IFCLENGTHMEASURE(0.),IFCLENGTHMEASURE(100.),#14);\n"
      "#21=IFCCARTESIANPOINT((100.,0.));\n#22=IFCAXIS2PLACEMENT2D(#21,#11);\n"
      "#23=IFCCURVESEGMENT(.CONTINUOUS.,#22,IFCPARAMETERVALUE(0.),IFCPARAMETERVALUE(1.5707963267949),#15);\n"
      "#24=IFCCOMPOSITECURVE((#20,#23),.F.);\n"
      "#30=IFCCARTESIANPOINT((0.,10.));\n#31=IFCDIRECTION((1.,0.02));\n#32=IFCAXIS2PLACEMENT2D(#30,#31);\n"
      "#33=IFCCURVESEGMENT(.CONTINUOUS.,#32,IFCLENGTHMEASURE(0.),IFCLENGTHMEASURE(" +
      num(total * std::sqrt(1 + g * g)) + "),#14);\n"
      "#34=IFCGRADIENTCURVE((#33),.F.,#24,$);\n"
      "#40=IFCCARTESIANPOINT((0.,0.,0.));\n#41=IFCAXIS2PLACEMENT3D(#40,$,$);\n#42=IFCLOCALPLACEMENT($,#41);\n"
      "#50=IFCPOINTBYDISTANCEEXPRESSION(IFCLENGTHMEASURE(50.),$,$,$,#24);\n"
      "#51=IFCAXIS2PLACEMENTLINEAR(#50,$,$);\n#52=IFCLINEARPLACEMENT(#42,#51,$);\n"
      "#60=IFCPOINTBYDISTANCEEXPRESSION(IFCLENGTHMEASURE(" + num(total) + "),2.,$,$,#24);\n"
      "#61=IFCAXIS2PLACEMENTLINEAR(#60,$,$);\n#62=IFCLINEARPLACEMENT(#42,#61,$);\n"
      "#70=IFCPOINTBYDISTANCEEXPRESSION(IFCLENGTHMEASURE(50.),$,$,$,#34);\n"
      "#71=IFCAXIS2PLACEMENTLINEAR(#70,$,$);\n#72=IFCLINEARPLACEMENT(#42,#71,$);\n"
      "#80=IFCRECTANGLEPROFILEDEF(.AREA.,$,$,1.,1.);\n#81=IFCDIRECTION((0.,0.,1.));\n"
      "#82=IFCEXTRUDEDAREASOLID(#80,#41,#81,1.);\n#83=IFCSHAPEREPRESENTATION($,'Body','SweptSolid',(#82));\n"
      "#84=IFCPRODUCTDEFINITIONSHAPE($,$,(#83));\n"
      "#90=IFCBUILDINGELEMENTPROXY('0gnK1gq9X5sOFhZ$a1N5GG',$,'on the arc end',$,$,#62,#84,$,$);\n"));
  auto o = open(dir / "la.ifc");
  const Eigen::Affine3d onLine = objectPlacement(*o.ctx, 52);
  CHECK(onLine.translation().isApprox(Eigen::Vector3d(50, 0, 0), 1e-9));
  // Arc centre (100, 50); a quarter turn left ends at (150, 50) heading north; 2 m left of it is (148, 50).
  const Eigen::Affine3d arcEnd = objectPlacement(*o.ctx, 62);
  CHECK(arcEnd.translation().x() == Approx(148.0).margin(1e-6));
  CHECK(arcEnd.translation().y() == Approx(50.0).margin(1e-6));
  CHECK(arcEnd.linear().col(0).isApprox(Eigen::Vector3d::UnitY(), 1e-9));  // x axis along travel
  // On the gradient curve: 50 m along at +2 % from 10 m is 11 m high, the x axis climbing with the grade.
  const Eigen::Affine3d graded = objectPlacement(*o.ctx, 72);
  CHECK(graded.translation().isApprox(Eigen::Vector3d(50, 0, 11), 1e-9));
  CHECK(graded.linear().col(0).isApprox(Eigen::Vector3d(1, 0, g).normalized(), 1e-9));
  // And through the reader: the unit box on the arc end sits around (148, 50).
  auto r = io::readIfc(dir / "la.ifc");
  REQUIRE(r.ok());
  const auto* proxy = byGuid(r->scene, "0gnK1gq9X5sOFhZ$a1N5GG");
  REQUIRE(proxy);
  const auto b = proxy->worldBounds();
  CHECK(b.center().x() == Approx(148.0).margin(1e-3));
  CHECK(b.center().y() == Approx(50.0).margin(1e-3));
}

TEST_CASE("linear-placement-of-signal: referents and signals sit on the alignment", "[ifc][alignment][shared]") {
  const auto path = sharedIfc("linear-placement-of-signal.ifc");
  REQUIRE_SHARED(path);
  auto o = open(path);
  // The first horizontal segment (#2293): a line from (452270.188250964, 4539403.94736217) heading 0.349924 rad,
  // 387.72 m long; the first vertical segment (#2362) holds 5 m until 478 m.
  const Eigen::Vector2d start(452270.188250964, 4539403.94736217);
  const Eigen::Vector2d dir(std::cos(3.49924145684616E-1), std::sin(3.49924145684616E-1));
  const Eigen::Vector2d left(-dir.y(), dir.x());
  // Route Indicator_01 (#3021): 353.1 m along, 3 m left, 2.5 m up.
  const Eigen::Vector2d signal = start + 353.1 * dir + 3.0 * left;
  const Eigen::Affine3d s1 = objectPlacement(*o.ctx, 3021);
  CHECK(s1.translation().x() == Approx(signal.x()).margin(1e-4));
  CHECK(s1.translation().y() == Approx(signal.y()).margin(1e-4));
  CHECK(s1.translation().z() == Approx(7.5).margin(1e-6));
  // "End" (#2716): 1029.3720713 m along is the end of the last line #2349, 139.771058670099 m from
  // (453075.708553277, 4539773.15996848) heading 0.433957 rad; the profile is level at 2 m there (#2386).
  const double before = 387.723276296965 + 39.9999999999925 + 193.4644708377 + 39.9999999999925 + 38.9815155434665 +
                        40.0000000000119 + 109.431749924283 + 40.0000000000119;
  const Eigen::Vector2d h9(453075.708553277, 4539773.15996848);
  const Eigen::Vector2d d9(std::cos(4.33956866598294E-1), std::sin(4.33956866598294E-1));
  const Eigen::Vector2d endPoint = h9 + (1029.3720713 - before) * d9;
  const Eigen::Affine3d e = objectPlacement(*o.ctx, 2716);
  CHECK(e.translation().x() == Approx(endPoint.x()).margin(1e-3));
  CHECK(e.translation().y() == Approx(endPoint.y()).margin(1e-3));
  CHECK(e.translation().z() == Approx(2.0).margin(1e-6));
  // Referent_010 (#2856): 453.1 m along lies 25.3767 m into the left arc #2307 (R = 1000.00000000019) that starts
  // at (452671.898028605, 4539550.83220842) heading 0.369924 rad at 427.723276296957 m. The file's own
  // CartesianPosition #6254 agrees with this to 0.1 mm; web-ifc puts the referent 3.8 cm off (see the issue note).
  {
    const double u = 453.1 - 427.723276296957, r3 = 1000.00000000019, h3 = 3.69924145685261E-1;
    const Eigen::Vector2d d3(std::cos(h3), std::sin(h3)), l3(-d3.y(), d3.x());
    const Eigen::Vector2d onArc =
        Eigen::Vector2d(452671.898028605, 4539550.83220842) + r3 * (std::sin(u / r3) * d3 + (1 - std::cos(u / r3)) * l3);
    const Eigen::Affine3d r10 = objectPlacement(*o.ctx, 2856);
    CHECK(r10.translation().x() == Approx(onArc.x()).margin(1e-4));
    CHECK(r10.translation().y() == Approx(onArc.y()).margin(1e-4));
  }
  // Through the reader: Referent_008 (353.1 m, no offsets) has its 0.5 m marker centred on the line, from 5 m up.
  auto r = io::readIfc(path);
  REQUIRE(r.ok());
  const auto* ref8 = byGuid(r->scene, "2gAWJoPkr4lvso9LksKZ$$");
  REQUIRE(ref8);
  const auto b = ref8->worldBounds();
  const Eigen::Vector2d onLine = start + 353.1 * dir;
  CHECK(b.center().x() == Approx(onLine.x()).margin(0.01));
  CHECK(b.center().y() == Approx(onLine.y()).margin(0.01));
  CHECK(b.min.z() == Approx(5.0).margin(0.01));
}

TEST_CASE("A column on grid axes lands at their offset intersection in the grid's frame", "[ifc][placement][grid]") {
  // Grid placed at (100, 200, 0), turned 90 degrees (its x is world +y). U axes x = 0 and x = 5 (running +y),
  // V axes y = 0 and y = 4 (running +x). The column sits at U2 x V2 with offsets 0.5 (left of U2: -x) and 0.25
  // (left of V2: +y): (4.5, 4.25) in the grid, world (100 - 4.25, 200 + 4.5) = (95.75, 204.5). Its x follows the
  // grid's x, so its 0.2 x 0.2 x 3 block spans x [95.55, 95.75], y [204.5, 204.7].
  const std::string grid =
      "#600=IFCCARTESIANPOINT((100.,200.,0.));#601=IFCDIRECTION((0.,0.,1.));#602=IFCDIRECTION((0.,1.,0.));\n"
      "#603=IFCAXIS2PLACEMENT3D(#600,#601,#602);#604=IFCLOCALPLACEMENT($,#603);\n"
      "#610=IFCCARTESIANPOINT((0.,-1.));#611=IFCCARTESIANPOINT((0.,10.));#612=IFCPOLYLINE((#610,#611));\n"
      "#613=IFCCARTESIANPOINT((5.,-1.));#614=IFCCARTESIANPOINT((5.,10.));#615=IFCPOLYLINE((#613,#614));\n"
      "#616=IFCCARTESIANPOINT((-1.,0.));#617=IFCCARTESIANPOINT((10.,0.));#618=IFCPOLYLINE((#616,#617));\n"
      "#619=IFCCARTESIANPOINT((-1.,4.));#620=IFCCARTESIANPOINT((10.,4.));#621=IFCPOLYLINE((#619,#620));\n"
      "#622=IFCGRIDAXIS('1',#612,.T.);#623=IFCGRIDAXIS('2',#615,.T.);#624=IFCGRIDAXIS('A',#618,.T.);#625=IFCGRIDAXIS('B',#621,.T.);\n"
      "#626=IFCGRID('3gnK1gq9X5sOFhZ$a1N5GG',$,'grid',$,$,#604,$,(#622,#623),(#624,#625),$,$);\n"
      "#630=IFCVIRTUALGRIDINTERSECTION((#623,#625),(0.5,0.25));\n"
      "#631=IFCDIRECTION((1.,0.,0.));\n"
      "#632=IFCGRIDPLACEMENT(#630,#631);\n"
      "#640=IFCBLOCK(#11,0.2,0.2,3.);\n";
  auto l = load(ifcWith(grid + proxyWith("#640", "#632")));
  INFO(allMessages(l.diagnostics));
  REQUIRE(l.found);
  const auto b = boundsOf(l.mesh);
  CHECK(b.min().x() == Approx(95.55).margin(1e-9));
  CHECK(b.max().x() == Approx(95.75).margin(1e-9));
  CHECK(b.min().y() == Approx(204.5).margin(1e-9));
  CHECK(b.max().y() == Approx(204.7).margin(1e-9));
  CHECK(b.max().z() == Approx(3.0).margin(1e-9));
  SECTION("a reference direction given by a second intersection turns the column") {
    // Towards U1 x V2 offset like the location, (0, 4.25) in the grid: the column's x is grid -x (world -y).
    auto t = load(ifcWith(grid + "#633=IFCVIRTUALGRIDINTERSECTION((#622,#625),(0.,0.25));#634=IFCGRIDPLACEMENT(#630,#633);\n" +
                          proxyWith("#640", "#634")));
    REQUIRE(t.found);
    const auto c = boundsOf(t.mesh);
    CHECK(c.min().y() == Approx(204.3).margin(1e-9));
    CHECK(c.max().y() == Approx(204.5).margin(1e-9));
    CHECK(c.min().x() == Approx(95.75).margin(1e-9));
    CHECK(c.max().x() == Approx(95.95).margin(1e-9));
  }
  SECTION("axes that do not meet are reported") {
    auto t = load(ifcWith(grid + "#633=IFCVIRTUALGRIDINTERSECTION((#622,#623),(0.,0.));#634=IFCGRIDPLACEMENT(#633,$);\n" +
                          proxyWith("#640", "#634")));
    CHECK(reported(t.diagnostics, "#633", "parallel"));
  }
}

TEST_CASE("Local placements compose down their chain, and cycles and other types are reported", "[ifc][placement]") {
  auto o = openText(ifcWith(
      "#20=IFCCARTESIANPOINT((10.,0.,0.));\n#21=IFCDIRECTION((0.,0.,1.));\n#22=IFCDIRECTION((0.,1.,0.));\n"
      "#23=IFCAXIS2PLACEMENT3D(#20,#21,#22);\n"                       // 10 m along x, turned 90 degrees
      "#24=IFCLOCALPLACEMENT(#12,#23);\n"
      "#25=IFCCARTESIANPOINT((1.,2.,3.));\n#26=IFCAXIS2PLACEMENT3D(#25,$,$);\n"
      "#27=IFCLOCALPLACEMENT(#24,#26);\n"                            // (1, 2, 3) in the turned frame
      "#30=IFCLOCALPLACEMENT(#31,#26);\n#31=IFCLOCALPLACEMENT(#30,#26);\n"  // each relative to the other
      "#40=IFCLOCALPLACEMENT(#23,#26);\n"));                         // relative to an axis placement
  const Eigen::Affine3d child = io::ifc::objectPlacement(*o.ctx, 27);
  CHECK((child.translation() - Eigen::Vector3d(10 - 2, 1, 3)).norm() < 1e-12);
  CHECK((child.linear().col(0) - Eigen::Vector3d(0, 1, 0)).norm() < 1e-12);
  CHECK((io::ifc::objectPlacement(*o.ctx, 24).translation() - Eigen::Vector3d(10, 0, 0)).norm() < 1e-12);

  const Eigen::Affine3d cyclic = io::ifc::objectPlacement(*o.ctx, 30);
  CHECK(cyclic.matrix().allFinite());
  const Eigen::Affine3d other = io::ifc::objectPlacement(*o.ctx, 40);
  CHECK((other.translation() - Eigen::Vector3d(1, 2, 3)).norm() < 1e-12);  // the wrong-typed parent counts as identity
  const auto diags = o.ctx->takeDiagnostics();
  CHECK(reported(diags, "#30", "cyclic placement chain; broken here"));
  CHECK(reported(diags, "#23", "placement is an IfcAxis2Placement3D, not an IfcObjectPlacement; placed at the origin"));
}
