// IFC4X3 alignment curves (alignment.cpp): curve segments evaluated by distance along, with their frames. Expected
// values are computed here from first principles (Fresnel series) or copied from the business-logic numbers the
// shared files carry next to their geometry (IfcAlignmentHorizontalSegment start points and directions, vertical
// segment start heights), never from the code under test.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "cim/io/ifc.h"
#include "io/ifc/alignment.h"
#include "support/test_support.h"
#include "unit/io/ifc/ifc_test_support.h"

using namespace cim;
using namespace ifctest;
using namespace cim::io::ifc;

namespace {

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
