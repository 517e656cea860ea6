// Geometry items beyond extrusions and face sets: B-spline evaluation, advanced B-reps (B-spline, cylindrical and
// planar faces), CSG primitives and their booleans, tapered extrusions, grid placement. Small IFC files written here
// with hand-computed expectations, and the shared basin file checked against web-ifc's bounding box.
#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>

#include "cim/geometry/booleans.h"
#include "cim/io/ifc.h"
#include "io/ifc/bspline.h"
#include "support/test_support.h"

using namespace cim;

namespace {

constexpr double kPi = std::numbers::pi;

// An IFC4 file in metres with a placement #12 at the origin and the given instances.
std::string ifcWith(const std::string& data) {
  return "ISO-10303-21;\nHEADER;FILE_DESCRIPTION((''),'2;1');FILE_NAME('t','',(''),(''),'','','');"
         "FILE_SCHEMA(('IFC4'));ENDSEC;\nDATA;\n"
         "#1=IFCPROJECT('1xS3BCk291UvhgP2a6eflL',$,'P',$,$,$,$,$,#2);\n"
         "#2=IFCUNITASSIGNMENT((#3));\n"
         "#3=IFCSIUNIT(*,.LENGTHUNIT.,$,.METRE.);\n"
         "#10=IFCCARTESIANPOINT((0.,0.,0.));\n"
         "#11=IFCAXIS2PLACEMENT3D(#10,$,$);\n"
         "#12=IFCLOCALPLACEMENT($,#11);\n" +
         data + "ENDSEC;\nEND-ISO-10303-21;\n";
}

// A building element proxy (GlobalId 0gnK1gq9X5sOFhZ$a1N5GG) whose Body holds `items`.
std::string proxyWith(const std::string& items, const std::string& placement = "#12") {
  return "#900=IFCSHAPEREPRESENTATION($,'Body','SolidModel',(" + items + "));\n"
         "#901=IFCPRODUCTDEFINITIONSHAPE($,$,(#900));\n"
         "#902=IFCBUILDINGELEMENTPROXY('0gnK1gq9X5sOFhZ$a1N5GG',$,'x',$,$," + placement + ",#901,$,$);\n";
}

struct Loaded {
  io::IfcReadResult result;
  std::vector<Diagnostic> diagnostics;
  geometry::SolidMesh mesh;  ///< the proxy's shapes in world coordinates
  bool found = false;
};

Loaded load(const std::string& text) {
  cimtest::TempDir dir;
  cimtest::writeFile(dir / "t.ifc", text);
  auto r = io::readIfc(dir / "t.ifc");
  REQUIRE(r.ok());
  Loaded out;
  out.diagnostics = r.diagnostics();
  out.result = std::move(*r);
  out.result.scene.forEachElement([&](const model::Layer&, const model::Element& e) {
    if (e.guid != "0gnK1gq9X5sOFhZ$a1N5GG") return;
    out.found = true;
    for (const auto& s : e.shapes) {
      const auto base = static_cast<std::uint32_t>(out.mesh.positions.size());
      for (std::size_t i = 0; i < s.mesh.vertexCount(); ++i) out.mesh.positions.push_back(s.mesh.worldPosition(i));
      for (std::size_t t = 0; t + 2 < s.mesh.indices.size(); t += 3)
        out.mesh.triangles.push_back({base + s.mesh.indices[t], base + s.mesh.indices[t + 1], base + s.mesh.indices[t + 2]});
    }
  });
  return out;
}

Eigen::AlignedBox3d boundsOf(const geometry::SolidMesh& m) {
  Eigen::AlignedBox3d b;
  for (const auto& p : m.positions) b.extend(p);
  return b;
}

bool reported(const std::vector<Diagnostic>& diags, const std::string& id, const std::string& text) {
  for (const auto& d : diags)
    if (d.elementId == id && d.message.find(text) != std::string::npos) return true;
  return false;
}

std::string allMessages(const std::vector<Diagnostic>& diags) {
  std::string s;
  for (const auto& d : diags) s += d.elementId + ": " + d.message + "\n";
  return s;
}

}  // namespace

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

namespace {

// The patch above as an IfcAdvancedFace bounded by its four boundary curves (quadratic B-splines), with each way of
// orienting an edge used once: plain, reversed by the oriented edge, and SameSense false on the edge curve.
const char* kPatch =
    "#100=IFCCARTESIANPOINT((0.,0.,0.));#101=IFCCARTESIANPOINT((0.,1.,0.));#102=IFCCARTESIANPOINT((0.,2.,0.));\n"
    "#110=IFCCARTESIANPOINT((1.,0.,0.));#111=IFCCARTESIANPOINT((1.,1.,1.));#112=IFCCARTESIANPOINT((1.,2.,0.));\n"
    "#120=IFCCARTESIANPOINT((2.,0.,0.));#121=IFCCARTESIANPOINT((2.,1.,0.));#122=IFCCARTESIANPOINT((2.,2.,0.));\n"
    "#130=IFCBSPLINESURFACEWITHKNOTS(2,2,((#100,#101,#102),(#110,#111,#112),(#120,#121,#122)),.UNSPECIFIED.,.F.,.F.,.F.,"
    "(3,3),(3,3),(0.,1.),(0.,1.),.UNSPECIFIED.);\n"
    "#140=IFCVERTEXPOINT(#100);#141=IFCVERTEXPOINT(#120);#142=IFCVERTEXPOINT(#122);#143=IFCVERTEXPOINT(#102);\n"
    "#150=IFCBSPLINECURVEWITHKNOTS(2,(#100,#110,#120),.UNSPECIFIED.,.F.,.F.,(3,3),(0.,1.),.UNSPECIFIED.);\n"
    "#151=IFCBSPLINECURVEWITHKNOTS(2,(#120,#121,#122),.UNSPECIFIED.,.F.,.F.,(3,3),(0.,1.),.UNSPECIFIED.);\n"
    "#152=IFCBSPLINECURVEWITHKNOTS(2,(#102,#112,#122),.UNSPECIFIED.,.F.,.F.,(3,3),(0.,1.),.UNSPECIFIED.);\n"
    "#153=IFCBSPLINECURVEWITHKNOTS(2,(#100,#101,#102),.UNSPECIFIED.,.F.,.F.,(3,3),(0.,1.),.UNSPECIFIED.);\n"
    "#160=IFCEDGECURVE(#140,#141,#150,.T.);\n"
    "#161=IFCEDGECURVE(#141,#142,#151,.T.);\n"
    "#162=IFCEDGECURVE(#143,#142,#152,.T.);\n"
    "#163=IFCEDGECURVE(#143,#140,#153,.F.);\n"
    "#170=IFCORIENTEDEDGE(*,*,#160,.T.);#171=IFCORIENTEDEDGE(*,*,#161,.T.);\n"
    "#172=IFCORIENTEDEDGE(*,*,#162,.F.);#173=IFCORIENTEDEDGE(*,*,#163,.T.);\n"
    "#180=IFCEDGELOOP((#170,#171,#172,#173));\n"
    "#181=IFCFACEOUTERBOUND(#180,.T.);\n"
    "#182=IFCADVANCEDFACE((#181),#130,.T.);\n"
    "#183=IFCOPENSHELL((#182));\n"
    "#184=IFCSHELLBASEDSURFACEMODEL((#183));\n";

}  // namespace

TEST_CASE("An advanced face on a B-spline patch follows the surface and covers its trimmed area once",
          "[ifc][brep][bspline]") {
  auto l = load(ifcWith(std::string(kPatch) + proxyWith("#184")));
  INFO(allMessages(l.diagnostics));
  REQUIRE(l.found);
  REQUIRE(l.mesh.triangles.size() > 20);
  double maxZ = 0;
  for (const auto& p : l.mesh.positions) {
    REQUIRE(p.allFinite());
    // On the surface z = x(2-x)y(2-y)/4 (boundary points from the edge curves, inner points from the surface).
    CHECK(p.z() == Approx(p.x() * (2 - p.x()) * p.y() * (2 - p.y()) / 4).margin(1e-9));
    maxZ = std::max(maxZ, p.z());
  }
  CHECK(maxZ == Approx(0.25).margin(0.01));  // the peak at (1, 1)
  // Projected onto XY the triangles tile the 2 x 2 square once, all facing up (Su x Sv points to +z).
  double projected = 0;
  for (const auto& t : l.mesh.triangles) {
    const auto& a = l.mesh.positions[t[0]];
    const Eigen::Vector3d n = (l.mesh.positions[t[1]] - a).cross(l.mesh.positions[t[2]] - a);
    CHECK(n.z() > -1e-12);
    projected += n.z() / 2;
  }
  CHECK(projected == Approx(4.0).margin(1e-9));
  const auto b = boundsOf(l.mesh);
  CHECK((b.min() - Eigen::Vector3d(0, 0, 0)).norm() < 1e-9);
  CHECK(b.max().head<2>().isApprox(Eigen::Vector2d(2, 2), 1e-9));
}

namespace {

// A closed cylinder (radius 1, height 2, axis +Z at the origin) as an advanced B-rep: the side an
// IfcCylindricalSurface bounded by two whole circles (no seam edge), the ends IfcPlanes bounded by the same circles.
const char* kCylinder =
    "#200=IFCDIRECTION((0.,0.,1.));#201=IFCDIRECTION((1.,0.,0.));\n"
    "#202=IFCCARTESIANPOINT((0.,0.,2.));#203=IFCAXIS2PLACEMENT3D(#202,#200,#201);\n"
    "#204=IFCCIRCLE(#11,1.);#205=IFCCIRCLE(#203,1.);\n"
    "#206=IFCCARTESIANPOINT((1.,0.,0.));#207=IFCCARTESIANPOINT((1.,0.,2.));\n"
    "#208=IFCVERTEXPOINT(#206);#209=IFCVERTEXPOINT(#207);\n"
    "#210=IFCEDGECURVE(#208,#208,#204,.T.);#211=IFCEDGECURVE(#209,#209,#205,.T.);\n"
    "#212=IFCEDGELOOP((#214));#213=IFCEDGELOOP((#215));\n"
    "#214=IFCORIENTEDEDGE(*,*,#210,.T.);#215=IFCORIENTEDEDGE(*,*,#211,.F.);\n"
    "#216=IFCCYLINDRICALSURFACE(#11,1.);\n"
    "#217=IFCADVANCEDFACE((#218,#219),#216,.T.);\n"
    "#218=IFCFACEOUTERBOUND(#212,.T.);#219=IFCFACEBOUND(#213,.T.);\n"
    "#220=IFCPLANE(#11);#221=IFCPLANE(#203);\n"
    "#222=IFCEDGELOOP((#224));#223=IFCEDGELOOP((#225));\n"
    "#224=IFCORIENTEDEDGE(*,*,#210,.F.);#225=IFCORIENTEDEDGE(*,*,#211,.T.);\n"
    "#226=IFCADVANCEDFACE((#228),#220,.F.);#227=IFCADVANCEDFACE((#229),#221,.T.);\n"
    "#228=IFCFACEOUTERBOUND(#222,.T.);#229=IFCFACEOUTERBOUND(#223,.T.);\n"
    "#230=IFCCLOSEDSHELL((#217,#226,#227));\n"
    "#231=IFCADVANCEDBREP(#230);\n";

}  // namespace

TEST_CASE("A cylindrical advanced B-rep without seam edges is closed and has the cylinder's volume",
          "[ifc][brep][cylinder]") {
  auto l = load(ifcWith(std::string(kCylinder) + proxyWith("#231")));
  INFO(allMessages(l.diagnostics));
  REQUIRE(l.found);
  for (const auto& p : l.mesh.positions) {
    REQUIRE(p.allFinite());
    if (p.z() > 1e-9 && p.z() < 2 - 1e-9) CHECK(p.head<2>().norm() == Approx(1.0).margin(1e-9));  // on the side
  }
  const auto b = boundsOf(l.mesh);
  CHECK(b.min().z() == Approx(0.0).margin(1e-9));
  CHECK(b.max().z() == Approx(2.0).margin(1e-9));
  CHECK(b.max().x() == Approx(1.0).margin(1e-9));
  CHECK(b.min().y() == Approx(-1.0).margin(0.01));
  CHECK(geometry::isClosedVolume(l.mesh));
  // An inscribed polygonal prism: at most pi r^2 h, and at least that minus perimeter x height x chord tolerance.
  const double v = geometry::signedVolume(l.mesh);
  CHECK(v <= 2 * kPi + 1e-9);
  CHECK(v >= 2 * kPi - 2 * kPi * 2 * 0.01);
}

TEST_CASE("Faces on surfaces we cannot tessellate are reported by id", "[ifc][brep]") {
  const std::string text =
      "#300=IFCCARTESIANPOINT((0.,0.,0.));#301=IFCCARTESIANPOINT((1.,0.,0.));#302=IFCCARTESIANPOINT((1.,1.,0.));\n"
      "#303=IFCPOLYLOOP((#300,#301,#302));#304=IFCFACEOUTERBOUND(#303,.T.);\n"
      "#305=IFCDIRECTION((0.,0.,1.));#306=IFCVECTOR(#305,1.);\n"
      "#307=IFCPOLYLINE((#300,#301));#308=IFCARBITRARYOPENPROFILEDEF(.CURVE.,$,#307);\n"
      "#309=IFCSURFACEOFLINEAREXTRUSION(#308,#11,#305,1.);\n"
      "#310=IFCADVANCEDFACE((#304),#309,.T.);#311=IFCCLOSEDSHELL((#310));#312=IFCADVANCEDBREP(#311);\n";
  auto l = load(ifcWith(text + proxyWith("#312")));
  CHECK(reported(l.diagnostics, "#309", "not supported"));
}

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

TEST_CASE("The advanced B-rep basin is drawn, closed, where web-ifc draws it", "[ifc][brep][shared]") {
  const auto path = cimtest::sharedDataDir() / "ifc" / "basin-advanced-brep.ifc";
  if (!std::filesystem::exists(path)) {
    WARN("shared IFC data not found: " << path << "; skipping");
    return;
  }
  auto r = io::readIfc(path);
  REQUIRE(r.ok());
  INFO(allMessages(r.diagnostics()));
  CHECK(r.diagnostics().empty());
  geometry::SolidMesh mesh;
  r->scene.forEachElement([&](const model::Layer&, const model::Element& e) {
    if (e.guid != "0dOOwKTsn8I8gwbP3LM1Yz") return;
    for (const auto& s : e.shapes) {
      const auto base = static_cast<std::uint32_t>(mesh.positions.size());
      for (std::size_t i = 0; i < s.mesh.vertexCount(); ++i) mesh.positions.push_back(s.mesh.worldPosition(i));
      for (std::size_t t = 0; t + 2 < s.mesh.indices.size(); t += 3)
        mesh.triangles.push_back({base + s.mesh.indices[t], base + s.mesh.indices[t + 1], base + s.mesh.indices[t + 2]});
    }
  });
  REQUIRE(mesh.triangles.size() > 100);
  for (const auto& p : mesh.positions) REQUIRE(p.allFinite());
  // web-ifc 0.0.x on the same element: min (-0.30502, -0.15340, -0.094), max (0.30502, 0.26884, 0).
  const auto b = boundsOf(mesh);
  CHECK(b.min().x() == Approx(-0.30502).margin(0.005));
  CHECK(b.min().y() == Approx(-0.15340).margin(0.005));
  CHECK(b.min().z() == Approx(-0.094).margin(1e-6));
  CHECK(b.max().x() == Approx(0.30502).margin(0.005));
  CHECK(b.max().y() == Approx(0.26884).margin(0.005));
  CHECK(b.max().z() == Approx(0.0).margin(1e-6));
  // A closed bowl between two B-spline surfaces: it bounds a positive volume, smaller than its box.
  CHECK(geometry::isClosedVolume(mesh));
  const double v = geometry::signedVolume(mesh);
  CHECK(v > 0);
  CHECK(v < b.volume());
}
