// Clipping of closed bodies by half-spaces (csg.cpp, fast_cuts.cpp) and openings through touching shells
// (openings.cpp), on the hand-written files of tests/corpus/ifc_booleans, against volumes and bounds computed by hand.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "cim/geometry/booleans.h"
#include "cim/io/ifc.h"
#include "io/ifc/shapes.h"
#include "io/ifc/styles.h"
#include "support/test_support.h"
#include "unit/io/ifc/ifc_test_support.h"

using namespace cim;
using namespace ifctest;

namespace {

std::filesystem::path corpus(const char* name) { return cimtest::sourceDir() / "tests/corpus/ifc_booleans" / name; }

// The body of product shape `shapeId` in double precision (the representation's frame, before the placement, which
// is the identity in these files), merged into one mesh; `stats` counts its booleans.
geometry::SolidMesh body(Opened& o, std::uint64_t shapeId, io::ifc::ShapeStats& stats) {
  geometry::SolidMesh out;
  for (const auto& m : io::ifc::productShapes(*o.ctx, shapeId, {}, stats)) {
    const auto base = static_cast<std::uint32_t>(out.positions.size());
    out.positions.insert(out.positions.end(), m.positions.begin(), m.positions.end());
    for (const auto& t : m.triangles) out.triangles.push_back({t[0] + base, t[1] + base, t[2] + base});
  }
  return out;
}

// tan 30 degrees as the files write the roof's normal (0.5, 0, -0.866025403784).
const double kSlope = 0.5 / 0.866025403784;

// Largest distance of the vertices with x in [x0, x1] and z above zMin from the plane z = z0 + slope (x - xs).
double offPlane(const geometry::SolidMesh& m, double x0, double x1, double zMin, double z0, double slope, double xs) {
  double worst = 0;
  for (const auto& p : m.positions)
    if (p.x() >= x0 && p.x() <= x1 && p.z() > zMin) worst = std::max(worst, std::abs(p.z() - (z0 + slope * (p.x() - xs))));
  return worst;
}

void checkBounds(const geometry::SolidMesh& m, const Eigen::Vector3d& lo, const Eigen::Vector3d& hi) {
  const auto b = boundsOf(m);
  CHECK((b.min() - lo).cwiseAbs().maxCoeff() < 1e-9);
  CHECK((b.max() - hi).cwiseAbs().maxCoeff() < 1e-9);
}

}  // namespace

TEST_CASE("A wall is clipped exactly under a roof by a polygonal bounded half-space covering part of it",
          "[ifc][csg][clipping]") {
  const auto path = corpus("wall_sloped_partial.ifc");
  auto o = open(path);
  io::ifc::ShapeStats stats;
  const auto m = body(o, 901, stats);
  INFO(allMessages(o.ctx->takeDiagnostics()));
  CHECK(stats.booleansEvaluated == 1);
  CHECK(stats.booleanOperandsKept == 0);
  REQUIRE(geometry::isClosedVolume(m));
  // Under the roof (x in [0, 2.5]): 0.3 x (2 x 2.5 + slope 2.5^2 / 2); beyond it the full 3.5 m over 7.5 m.
  const double expected = 0.3 * (2 * 2.5 + kSlope * 2.5 * 2.5 / 2) + 0.3 * 7.5 * 3.5;
  CHECK(geometry::signedVolume(m) == Approx(expected).epsilon(1e-12));
  checkBounds(m, {0, -0.3, 0}, {10, 0, 3.5});
  // The cut top lies in the roof plane (corefinement rounded it to a 10 micrometre grid).
  CHECK(offPlane(m, 0, 2.5 - 1e-9, 1.0, 2.0, kSlope, 0.0) < 1e-9);
}

TEST_CASE("A chain of clippings (two bounded half-spaces and a plane) is applied in full", "[ifc][csg][clipping]") {
  auto o = open(corpus("wall_clip_chain.ifc"));
  io::ifc::ShapeStats stats;
  const auto m = body(o, 901, stats);
  INFO(allMessages(o.ctx->takeDiagnostics()));
  CHECK(stats.booleansEvaluated == 3);
  CHECK(stats.booleanOperandsKept == 0);
  REQUIRE(geometry::isClosedVolume(m));
  // x in [0, xc]: under the 30 degree roof, which reaches z = 3.2 at xc; [xc, 5]: up to the plane z = 3.2; [5, 8]: 3.2
  // too (the flatter roof z = 3.5 - 0.1 (x - 5) is above it); [8, 10]: under the flatter roof.
  const double xc = 1.2 / kSlope;
  const double under30 = 2 * xc + kSlope * xc * xc / 2 + 3.2 * (2.5 - xc);
  const double flat = 3.2 * 5.5;
  const double flatter = 3.5 * 2 - 0.1 * (5 * 5 - 3 * 3) / 2;
  CHECK(geometry::signedVolume(m) == Approx(0.3 * (under30 + flat + flatter)).epsilon(1e-9));
  checkBounds(m, {0, -0.3, 0}, {10, 0, 3.2});
  CHECK(offPlane(m, 0, xc - 1e-9, 1.0, 2.0, kSlope, 0.0) < 1e-9);
  CHECK(offPlane(m, 8 + 1e-9, 10, 1.0, 3.5, -0.1, 5.0) < 1e-9);
}

TEST_CASE("A non-convex boundary removes exactly the part of the wall inside it", "[ifc][csg][clipping]") {
  auto o = open(corpus("wall_l_boundary.ifc"));
  io::ifc::ShapeStats stats;
  const auto m = body(o, 901, stats);
  INFO(allMessages(o.ctx->takeDiagnostics()));
  CHECK(stats.booleansEvaluated == 1);
  REQUIRE(geometry::isClosedVolume(m));
  // The roof z = 1 + x tan 30 reaches the wall's top (3.5) at x2 = 2.5 / tan 30 = 4.33: above it, 0.3 m of thickness
  // is removed over x in [0, 3] and 0.15 m over [3, x2].
  const double x2 = 2.5 / kSlope;
  const double full = 0.3 * (2.5 * 3 - kSlope * 9 / 2);
  const double half = 0.15 * (2.5 * (x2 - 3) - kSlope * (x2 * x2 - 9) / 2);
  CHECK(geometry::signedVolume(m) == Approx(10.5 - full - half).epsilon(1e-12));
  checkBounds(m, {0, -0.3, 0}, {10, 0, 3.5});
  CHECK(offPlane(m, 0, 3 - 1e-9, 0.5, 1.0, kSlope, 0.0) < 1e-9);
}

TEST_CASE("A type's clipped faceted B-rep is evaluated once and placed at every occurrence", "[ifc][csg][clipping]") {
  io::IfcOptions options;
  options.threads = 1;  // two threads may both meet the type first and both evaluate it
  auto r = io::readIfc(corpus("mapped_brep_clip.ifc"), options);
  REQUIRE(r.ok());
  INFO(allMessages(r.diagnostics()));
  CHECK(r->booleansEvaluated == 1);  // one IfcRepresentationMap, three IfcMappedItems
  CHECK(r->booleanOperandsKept == 0);
  // The cube 2 x 2 x 2 less what lies above the roof z = 1 + x tan 30 over x in [0, 1]: 2 (1 + slope / 2) there and
  // 4 beyond; each occurrence where its IfcMappedItem puts it (x = 0, 20, 40).
  std::size_t found = 0;
  r->scene.forEachElement([&](const model::Layer&, const model::Element& e) {
    if (e.guid.rfind("0BoolMappedBrep", 0) != 0) return;
    ++found;
    geometry::SolidMesh m;
    for (const auto& s : e.shapes) {
      const auto base = static_cast<std::uint32_t>(m.positions.size());
      for (std::size_t i = 0; i < s.mesh.vertexCount(); ++i) m.positions.push_back(s.mesh.worldPosition(i));
      for (std::size_t t = 0; t + 2 < s.mesh.indices.size(); t += 3)
        m.triangles.push_back({base + s.mesh.indices[t], base + s.mesh.indices[t + 1], base + s.mesh.indices[t + 2]});
    }
    CHECK(geometry::signedVolume(m) == Approx(2 * (1 + kSlope / 2) + 4).epsilon(1e-6));
    const double x0 = 20.0 * (e.guid.back() - '0');
    const auto b = boundsOf(m);
    CHECK((b.min() - Eigen::Vector3d(x0, 0, 0)).cwiseAbs().maxCoeff() < 1e-5);
    CHECK((b.max() - Eigen::Vector3d(x0 + 2, 2, 2)).cwiseAbs().maxCoeff() < 1e-5);
  });
  CHECK(found == 3);
}

TEST_CASE("An opening is cut from a surface model of closed shells touching along an edge", "[ifc][openings]") {
  auto r = io::readIfc(corpus("cabinet_touching_shells.ifc"));
  REQUIRE(r.ok());
  INFO(allMessages(r.diagnostics()));
  CHECK(r->openingsCut == 1);
  CHECK(r->openingsNotCut == 0);
  bool found = false;
  r->scene.forEachElement([&](const model::Layer&, const model::Element& e) {
    if (e.guid != "0BoolCabinet0000000001") return;
    found = true;
    geometry::SolidMesh m;
    for (const auto& s : e.shapes) {
      const auto base = static_cast<std::uint32_t>(m.positions.size());
      for (std::size_t i = 0; i < s.mesh.vertexCount(); ++i) m.positions.push_back(s.mesh.worldPosition(i));
      for (std::size_t t = 0; t + 2 < s.mesh.indices.size(); t += 3)
        m.triangles.push_back({base + s.mesh.indices[t], base + s.mesh.indices[t + 1], base + s.mesh.indices[t + 2]});
    }
    // Carcass 1 x 0.5 x 2 less the hole 0.2 x 0.5 x 0.2, plus the top board 1 x 0.05 x 0.1.
    CHECK(std::abs(geometry::signedVolume(m)) == Approx(1.0 - 0.02 + 0.005).epsilon(1e-6));
  });
  CHECK(found);
}

TEST_CASE("A boolean on a genuinely open body is reported with the product it belongs to", "[ifc][csg][clipping]") {
  auto r = io::readIfc(corpus("open_shell_clip.ifc"));
  REQUIRE(r.ok());
  const auto diags = r.diagnostics();
  INFO(allMessages(diags));
  CHECK(r->booleanOperandsKept == 1);
  bool named = false;
  for (const auto& d : diags)
    if (d.code == ErrorCode::IfcBooleanNotApplied && d.elementId == "#75")
      named = d.message.find("0BoolOpenShell00000001") != std::string::npos &&
              d.message.find("IfcBuildingElementProxy") != std::string::npos &&
              d.message.find("Open tray") != std::string::npos;
  CHECK(named);
}
