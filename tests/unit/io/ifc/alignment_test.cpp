// IFC4X3 alignments: curve segments evaluated by distance along, IfcLinearPlacement, sectioned and fixed-reference
// sweeps. Expected values are computed here from first principles (Fresnel series, circle geometry) or copied from
// the business-logic numbers the shared files carry next to their geometry (IfcAlignmentHorizontalSegment start
// points and directions, vertical segment start heights), never from the code under test.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <numbers>

#include "cim/io/ifc.h"
#include "io/ifc/alignment.h"
#include "io/ifc/context.h"
#include "io/ifc/object_placement.h"
#include "support/scene_lookup.h"
#include "support/test_support.h"

using namespace cim;
using namespace cim::io::ifc;

namespace {

constexpr double kPi = std::numbers::pi;

std::filesystem::path sharedIfc(const char* name) { return cimtest::sharedDataDir() / "ifc" / name; }

#define REQUIRE_SHARED(path)                                       \
  if (!std::filesystem::exists(path)) {                            \
    WARN("shared IFC data not found: " << (path) << "; skipping"); \
    return;                                                        \
  }

// A real with all its digits (std::to_string keeps six decimals).
std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  std::string out(buf);
  if (out.find_first_of(".eE") == std::string::npos) out += ".";
  return out;
}

// An IFC4X3 file from DATA lines (metres, radians).
std::string ifc4x3(const std::string& data) {
  return "ISO-10303-21;\nHEADER;FILE_DESCRIPTION((''),'2;1');FILE_NAME('t','',(''),(''),'','','');"
         "FILE_SCHEMA(('IFC4X3_ADD2'));ENDSEC;\nDATA;\n"
         "#1=IFCPROJECT('1xS3BCk291UvhgP2a6eflL',$,'P',$,$,$,$,$,#2);\n"
         "#2=IFCUNITASSIGNMENT((#3,#4));\n"
         "#3=IFCSIUNIT(*,.LENGTHUNIT.,$,.METRE.);\n"
         "#4=IFCSIUNIT(*,.PLANEANGLEUNIT.,$,.RADIAN.);\n" +
         data + "ENDSEC;\nEND-ISO-10303-21;\n";
}

// A file opened with the mapping context the reader would use.
struct Opened {
  IfcFile file;
  std::unique_ptr<Context> ctx;
};

Opened open(const std::filesystem::path& path) {
  auto f = IfcFile::open(path);
  REQUIRE(f.ok());
  Opened o{std::move(*f), nullptr};
  std::vector<Diagnostic> diags;
  const Units units = readUnits(o.file, diags);
  o.ctx = std::make_unique<Context>(o.file, units, 0.001);
  return o;
}

using cimtest::byGuid;

// Clothoid x(s), y(s) with heading s^2 / (2 A^2) (A > 0), by the Fresnel power series.
Eigen::Vector2d clothoidSeries(double a, double s) {
  const double c = 1.0 / (2 * a * a);
  double x = 0, y = 0, fact = 1;  // fact = k!
  for (int k = 0; k < 30; ++k) {
    if (k > 0) fact *= k;
    const double term = std::pow(c, k) * std::pow(s, 2 * k + 1) / (fact * (2 * k + 1));
    // cos(u) = sum (-1)^n u^2n / (2n)!, sin(u) = sum (-1)^n u^(2n+1) / (2n+1)!, with u = c v^2.
    if (k % 2 == 0) x += ((k / 2) % 2 == 0 ? 1 : -1) * term;
    else y += (((k - 1) / 2) % 2 == 0 ? 1 : -1) * term;
  }
  return {x, y};
}

}  // namespace

TEST_CASE("A clothoid segment ends where the Fresnel integrals say", "[ifc][alignment]") {
  cimtest::TempDir dir;
  // A = 100 m, 80 m from its inflection point, placed at (10, 20) heading 30 degrees.
  const double a = 100, len = 80, heading = kPi / 6;
  cimtest::writeFile(dir / "c.ifc", ifc4x3(
      "#10=IFCCARTESIANPOINT((0.,0.));\n#11=IFCDIRECTION((1.,0.));\n#12=IFCAXIS2PLACEMENT2D(#10,#11);\n"
      "#20=IFCCLOTHOID(#12,100.);\n"
      "#30=IFCCARTESIANPOINT((10.,20.));\n#31=IFCDIRECTION((" + num(std::cos(heading)) + "," +
      num(std::sin(heading)) + "));\n#32=IFCAXIS2PLACEMENT2D(#30,#31);\n"
      "#40=IFCCURVESEGMENT(.CONTINUOUS.,#32,IFCLENGTHMEASURE(0.),IFCLENGTHMEASURE(80.),#20);\n"
      "#41=IFCCOMPOSITECURVE((#40),.F.);\n"));
  auto o = open(dir / "c.ifc");
  auto curve = alignmentCurve(*o.ctx, 41);
  REQUIRE(curve);
  CHECK(curve->length() == Approx(80.0));
  const Eigen::Vector2d local = clothoidSeries(a, len);
  const Eigen::Rotation2Dd rot(heading);
  const Eigen::Vector2d expected = Eigen::Vector2d(10, 20) + rot * local;
  const CurveFrame end = curve->frameAt(len);
  CHECK(end.point.x() == Approx(expected.x()).margin(1e-6));
  CHECK(end.point.y() == Approx(expected.y()).margin(1e-6));
  // Heading at the end: 30 degrees + L^2 / (2 A^2) = 0.32 rad, turning left for A > 0.
  const double endHeading = heading + len * len / (2 * a * a);
  CHECK(end.axes(0, 0) == Approx(std::cos(endHeading)).margin(1e-9));
  CHECK(end.axes(1, 0) == Approx(std::sin(endHeading)).margin(1e-9));
  // The series is not a restatement of the numerics: 80 m of a clothoid is 0.5 m off its chord here.
  CHECK((expected - Eigen::Vector2d(10, 20) - rot * Eigen::Vector2d(len, 0)).norm() > 0.5);
}

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

TEST_CASE("linear-placement-of-signal: the curve passes through every horizontal segment's start", "[ifc][alignment][shared]") {
  const auto path = sharedIfc("linear-placement-of-signal.ifc");
  REQUIRE_SHARED(path);
  auto o = open(path);
  auto curve = alignmentCurve(*o.ctx, 2449);  // the horizontal IfcCompositeCurve
  REQUIRE(curve);
  // IfcAlignmentHorizontalSegment StartPoint, StartDirection and SegmentLength (#2293 ... #2349), as written.
  struct H {
    double x, y, dir, length;
  };
  const H h[] = {{452270.188250964, 4539403.94736217, 3.49924145684616E-1, 387.723276296965},
                 {452634.4150006, 4539536.86919573, 3.49924145666035E-1, 39.9999999999925},
                 {452671.898028605, 4539550.83220842, 3.69924145685261E-1, 193.4644708377},
                 {452844.407484098, 4539637.7367177, 5.63388616520267E-1, 39.9999999999925},
                 {452877.937071617, 4539659.54749193, 5.83388616530347E-1, 38.9815155434665},
                 {452910.471075989, 4539681.02066388, 5.83388616540598E-1, 40.0000000000119},
                 {452944.000663509, 4539702.83143812, 5.63388616525506E-1, 109.431749924283},
                 {453039.529760076, 4539756.10013158, 4.53956866538193E-1, 40.0000000000119},
                 {453075.708553277, 4539773.15996848, 4.33956866598294E-1, 139.771058670099}};
  double d = 0;
  for (const auto& seg : h) {
    const CurveFrame f = curve->frameAt(d);
    INFO("segment starting at " << d << " m");
    CHECK(f.point.x() == Approx(seg.x).margin(1e-4));
    CHECK(f.point.y() == Approx(seg.y).margin(1e-4));
    CHECK(std::atan2(f.axes(1, 0), f.axes(0, 0)) == Approx(seg.dir).margin(1e-8));
    d += seg.length;
  }
  // The last segment ends at the zero-length closing segment's point #4012.
  const CurveFrame end = curve->frameAt(d);
  CHECK(end.point.x() == Approx(453202.524112).margin(1e-4));
  CHECK(end.point.y() == Approx(4539831.92869).margin(1e-4));
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

TEST_CASE("linear-placement-of-signal: the vertical profile meets each vertical segment's start height", "[ifc][alignment][shared]") {
  const auto path = sharedIfc("linear-placement-of-signal.ifc");
  REQUIRE_SHARED(path);
  auto o = open(path);
  auto curve = alignmentCurve(*o.ctx, 2543);  // IfcGradientCurve
  REQUIRE(curve);
  // IfcAlignmentVerticalSegment StartDistAlong, StartHeight, StartGradient (#2362 ... #2386, #5011).
  const double v[][3] = {{0., 5., 0.},
                         {478.004489216701, 5.00000000000004, 0.},
                         {528.001989403655, 4.75001874844306, -9.99999999989088E-3},
                         {778.005739095076, 2.24998125155613, -9.99999999989088E-3},
                         {828.003239282051, 1.99999999999915, 0.},
                         {1029.37206425, 1.99999999999915, 0.}};
  for (const auto& s : v) {
    const CurveFrame f = curve->frameAt(s[0]);
    INFO("vertical segment at " << s[0] << " m");
    CHECK(f.point.z() == Approx(s[1]).margin(1e-5));
    CHECK(f.axes(2, 0) / f.axes.col(0).head<2>().norm() == Approx(s[2]).margin(1e-7));
  }
  // Halfway along the crest curve #2368 (R = 5000, from grade 0): z = 5 - x^2 / (2 R) to within x^4 / R^3.
  const double x = 25.0;
  CHECK(curve->frameAt(478.004489216701 + x).point.z() == Approx(5.0 - x * x / (2 * 5000.0)).margin(1e-5));
}

TEST_CASE("MCON-2: both alignments pass through their segments' starts and are drawn as their 3D axes", "[ifc][alignment][shared]") {
  const auto path = sharedIfc("MCON-2.ifc");
  REQUIRE_SHARED(path);
  auto o = open(path);
  auto curve = alignmentCurve(*o.ctx, 153);  // IfcGradientCurve of 'Sammalniementie_u'
  REQUIRE(curve);
  // IfcAlignmentHorizontalSegment StartPoint / SegmentLength #24 ... #43 (the arcs given by parameter = angle).
  const double h[][3] = {{276.867419, 935.549267, 229.405681}, {506.272759, 935.944905, 15.594208},
                         {521.816666, 934.8682, 91.725737},    {612.644434, 922.064789, 120.80482},
                         {701.264387, 849.049537, 25.538554},  {709.601071, 824.909996, 49.633636},
                         {735.66497, 783.164849, 83.739856}};
  double d = 0;
  for (const auto& s : h) {
    const CurveFrame f = curve->frameAt(d);
    INFO("segment at " << d << " m");
    CHECK(f.point.x() == Approx(s[0]).margin(2e-3));
    CHECK(f.point.y() == Approx(s[1]).margin(2e-3));
    d += s[2];
  }
  // The file has IfcCourse / IfcPavement / IfcAnnotation products placed along the road but no body
  // representation at all: only the alignments' Axis curves. The two 'Curve3D' axes (#154, #1138 on the
  // IfcAlignmentVertical products) are drawn as 0.1 m tubes; the plan-only 'Curve2D' axes are counted, not drawn.
  io::IfcOptions local;
  local.applyGeoreference = false;
  auto r = io::readIfc(path, local);
  REQUIRE(r.ok());
  std::vector<const model::Element*> drawn;
  r->scene.forEachElement([&](const model::Layer&, const model::Element& e) { drawn.push_back(&e); });
  REQUIRE(drawn.size() == 2);
  for (const auto* e : drawn) {
    CHECK(e->kind == "IfcAlignmentVertical");
    CHECK(e->attributes.count("Geometry") == 1);
  }
  // 'Sammalniementie_u' starts at its first horizontal segment's start h[0], heading east (to h[1]): the tube's
  // start cap is the westmost part of its box.
  const auto* road = drawn[0]->name == "Sammalniementie_u" ? drawn[0] : drawn[1];
  REQUIRE(road->name == "Sammalniementie_u");
  const auto box = road->worldBounds();
  CHECK(box.min.x() == Approx(h[0][0]).margin(0.01));
  CHECK(box.min.y() <= h[0][1]);
  CHECK(box.max.y() >= h[0][1]);
  CHECK(r->productsByClass.at("IfcCourse") == 51);
  bool counted = false;
  for (const auto& diag : r.diagnostics()) counted |= diag.message.find("IfcAlignmentHorizontal 2") != std::string::npos;
  CHECK(counted);
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
