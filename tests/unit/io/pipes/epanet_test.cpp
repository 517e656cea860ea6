// io/pipes/epanet: EPANET .inp networks (KY4 from WNTR) at their junction elevations, in US units.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <catch2/catch.hpp>

#include "cim/io/pipes.h"
#include "support/mesh_probe.h"
#include "support/pipe_tables.h"
#include "support/test_support.h"

using namespace cim;
using namespace cimtest;
using Catch::Matchers::Contains;

TEST_CASE("The KY4 EPANET network loads with 1,156 pipes at the junction elevations", "[pipes]") {
  const auto inp = cimtest::sharedDataDir() / "pipes/ky4.inp";
  if (!std::filesystem::exists(inp)) {
    WARN("shared data absent: " << inp);
    return;
  }
  SECTION("without a CRS the file is refused with a clear message") {
    auto r = io::readPipes(inp, {});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error()->code == ErrorCode::UnknownCrs);
    CHECK_THAT(r.error()->message, Contains("EPANET files carry no CRS"));
  }
  SECTION("a US-foot scene CRS is refused") {
    io::PipeOptions o;
    o.inputCrs = geo::Crs::fromUserInput("EPSG:3547").value();
    o.sceneCrs = o.inputCrs;
    auto r = io::readPipes(inp, o);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.error()->message, Contains("not projected in metres"));
  }
  SECTION("in EPSG:3547 (the CRS of ky4_pipes.geojson), into its UTM zone") {
    io::PipeOptions o;
    o.inputCrs = geo::Crs::fromUserInput("EPSG:3547").value();
    auto r = io::readPipes(inp, o);
    REQUIRE(r.ok());
    CHECK(r->format == io::PipeFormat::Epanet);
    CHECK(r->pipes == 1156);
    CHECK(countKind(r->scene, "pipe") == 1156);
    CHECK(r->scene.crs()->definition() == "EPSG:32616");
    // P-1: J-1 (611.3897 ft) → J-34 (639.8541 ft), 6 in; P-10: J-14 (673.0455 ft) → J-94 (671.6267 ft), 8 in.
    const auto* p1 = findElement(r->scene, "pipe", "P-1");
    REQUIRE(p1);
    CHECK(p1->pipe()->start().z() == Approx(611.3897 * kFt).margin(1e-6));
    CHECK(p1->pipe()->end().z() == Approx(639.8541 * kFt).margin(1e-6));
    CHECK(p1->pipe()->start().z() == Approx(186.35158).margin(1e-4));  // the geojson's elevation of J-1 in metres
    CHECK(p1->pipe()->section.outerDiameterMeters == Approx(6 * kIn));
    CHECK(p1->pipe()->centreline.size() == 7);  // 5 [VERTICES]
    const auto* p10 = findElement(r->scene, "pipe", "P-10");
    REQUIRE(p10);
    CHECK(p10->pipe()->start().z() == Approx(673.0455 * kFt).margin(1e-6));
    CHECK(p10->pipe()->end().z() == Approx(671.6267 * kFt).margin(1e-6));
    CHECK(p10->pipe()->section.outerDiameterMeters == Approx(0.2032));
    // Plan length of P-10: 124.144 ft in the .inp; from the coordinates, US survey feet → metres.
    const double ft = 1200.0 / 3937.0;
    const double planFt = std::hypot(4977118.00 - 4977020.40, 3912076.00 - 3912152.00);
    const auto& c = p10->pipe()->centreline;
    const double plan = std::hypot(c[1].x() - c[0].x(), c[1].y() - c[0].y());
    CHECK(plan == Approx(planFt * ft).epsilon(2e-3));  // within the projections' scale difference
    CHECK(p10->pipe()->type.cls == model::PipeClass::Water);
  }
}

TEST_CASE("EPANET [COORDINATES] and [VERTICES] lines whose numbers do not parse are counted and named", "[pipes]") {
  cimtest::TempDir dir;
  cimtest::writeFile(dir / "net.inp",
                     "[TITLE]\nunparsable numbers\n"
                     "[JUNCTIONS]\nJ1 10\nJ2 11\nJ3 12\n"
                     "[PIPES]\nP1 J1 J2 100 200 100\nP2 J2 J3 100 200 100\n"
                     "[COORDINATES]\nJ1 515400 3347840\nJ2 515420 3347840\nJ3 51544O 3347840\n"
                     "[VERTICES]\nP1 515410 3347850\nP1 abc 3347850\n"
                     "[OPTIONS]\nUnits LPS\n[END]\n");
  io::PipeOptions o;
  o.inputCrs = geo::Crs::fromUserInput("EPSG:4549").value();
  o.sceneCrs = o.inputCrs;
  auto r = io::readPipes(dir / "net.inp", o);
  REQUIRE(r.ok());
  for (const auto& d : r.diagnostics()) INFO(d.message);
  auto has = [&](const std::string& text, const std::string& line) {
    for (const auto& d : r.diagnostics())
      if (d.code == ErrorCode::PipeRowSkipped && d.message.find(text) != std::string::npos && d.elementId == line)
        return true;
    return false;
  };
  CHECK(has("[COORDINATES] line of 'J3' skipped: x and y are not two numbers", "line 13"));
  CHECK(has("[VERTICES] line of 'P1' skipped: x and y are not two numbers", "line 16"));
  CHECK(r->pipes == 1);  // P2 joins J3, which has no coordinates (named too)
}
