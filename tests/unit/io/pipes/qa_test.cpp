// io/pipes/qa: the QA rules of a pipe network, each seeded once in a table and found exactly.
#include <algorithm>
#include <cmath>
#include <cstdio>
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

TEST_CASE("CJJ 61 CSV tables: the QA report finds exactly the seeded defects", "[pipes]") {
  TempDir dir;
  writeGasCsv(dir.path());
  auto r = io::readPipes(dir / "RQ_LINE.csv", hangzhou());
  REQUIRE(r.ok());
  const auto c = r->qa.counts();
  auto count = [&](io::PipeFindingKind k) { return c[static_cast<std::size_t>(k)]; };
  for (const auto& f : r->qa.findings) INFO(io::formatFinding(f));
  CHECK(count(io::PipeFindingKind::ZeroLength) == 1);
  CHECK(count(io::PipeFindingKind::DuplicateLine) == 1);
  CHECK(count(io::PipeFindingKind::ReversedDuplicate) == 1);
  CHECK(count(io::PipeFindingKind::MissingPoint) == 1);
  CHECK(count(io::PipeFindingKind::DepthDisagrees) == 1);
  CHECK(count(io::PipeFindingKind::SizeDisagrees) == 1);
  CHECK(count(io::PipeFindingKind::MaterialDisagrees) == 1);
  CHECK(count(io::PipeFindingKind::DepthBeyondLimit) == 1);
  CHECK(count(io::PipeFindingKind::AboveGround) == 0);
  CHECK(count(io::PipeFindingKind::AgainstFlow) == 0);
  CHECK(r->qa.findings.size() == 8);
  // Rows and point ids are named.
  const auto dup = r->qa.ofKind(io::PipeFindingKind::DuplicateLine);
  REQUIRE(dup.size() == 1);
  CHECK(dup[0].row == 4);
  CHECK(dup[0].otherRow == 1);
  CHECK_THAT(dup[0].table, Contains("RQ_LINE.csv"));
  CHECK(r->qa.ofKind(io::PipeFindingKind::ReversedDuplicate)[0].row == 5);
  CHECK(r->qa.ofKind(io::PipeFindingKind::ZeroLength)[0].row == 3);
  const auto missing = r->qa.ofKind(io::PipeFindingKind::MissingPoint)[0];
  CHECK(missing.row == 6);
  CHECK(missing.pointIds == std::vector<std::string>{"P9"});
  CHECK(r->qa.ofKind(io::PipeFindingKind::DepthDisagrees)[0].pointIds[0] == "P4");
  CHECK(r->qa.ofKind(io::PipeFindingKind::SizeDisagrees)[0].pointIds[0] == "P5");
  CHECK(r->qa.ofKind(io::PipeFindingKind::MaterialDisagrees)[0].pointIds[0] == "P6");
  CHECK(r->qa.ofKind(io::PipeFindingKind::DepthBeyondLimit)[0].row == 10);

  // Bad rows reported with their row and skipped; the rest loads.
  CHECK(r->skippedRows == 5);  // rows 3, 6, 11, 12, 13
  std::string all;
  for (const auto& d : r.diagnostics()) all += formatDiagnostic(d) + "\n";
  CHECK_THAT(all, Contains("row 11") && Contains("missing depth"));
  CHECK_THAT(all, Contains("row 12") && Contains("unparsable size 'abc'"));
  CHECK_THAT(all, Contains("row 13") && Contains("unknown type code 'ZZ'"));
  CHECK_THAT(all, Contains("row 6") && Contains("P9"));
  CHECK(r->pipes == 8);
  CHECK(countKind(r->scene, "pipe") == 8);
  CHECK(countKind(r->scene, "well") == 1);

  // Gas depth reference: outer top. Row 1: ground 10, depth 1.2, DN200 → centreline 10 − 1.2 − 0.1 = 8.7.
  const auto* e = findElement(r->scene, "pipe", "P1-P2");
  REQUIRE(e);
  REQUIRE(e->pipe());
  CHECK(e->pipe()->start().z() == Approx(8.7).margin(1e-9));
  CHECK(e->pipe()->start().x() == Approx(515400).margin(1e-6));  // Y is the easting
  CHECK(e->pipe()->start().y() == Approx(3347840).margin(1e-6));  // X is the northing
  CHECK(e->pipe()->section.outerDiameterMeters == Approx(0.2));
  CHECK(e->pipe()->gasPressureClass == model::GasPressureClass::MediumA);
  CHECK(std::get<std::string>(e->attributes.at("pipe.pressureClass")) == "medium A");
  CHECK(std::get<double>(e->attributes.at("pipe.pressureMPa")) == Approx(0.3));
  CHECK(std::get<std::int64_t>(e->attributes.at("pipe.year")) == 2015);
  CHECK(std::get<std::string>(e->attributes.at("pipe.owner")) == "Hangzhou Gas");
  CHECK(std::get<double>(e->attributes.at("S_Deep")) == Approx(1.2));  // numbers typed as numbers
  CHECK(std::get<std::string>(e->attributes.at("pipe.className")) == "燃气");
  CHECK(isClosed(e->shapes.at(0).mesh));
  // 中压A as text gives the class without a number.
  const auto* steel = findElement(r->scene, "pipe", "P6-P7");
  REQUIRE(steel);
  CHECK(steel->pipe()->gasPressureClass == model::GasPressureClass::MediumA);
  CHECK_FALSE(steel->pipe()->pressureMpa);
  // The valve well: 1.5 m deep from the ground, 800×800 cover → at least the 1.0 m default chamber.
  const auto* well = findElement(r->scene, "well", "P7");
  REQUIRE(well);
  REQUIRE(well->well());
  CHECK(well->well()->top.z() == Approx(10.0));
  CHECK(well->well()->depthMeters == Approx(1.5));
  CHECK(well->shapes.at(0).mesh.empty() == false);
  CHECK(geometry::worldBounds(well->shapes[0].mesh).min.z() == Approx(8.5).margin(1e-5));
}

TEST_CASE("Against flow: a gravity pipe's invert may not rise along its declared flow direction", "[pipes][qa]") {
  // Each row its own pair of points (no shared point, so no other rule fires); ground 10 m, WS DN300 to the inside
  // bottom: the inverts are 10 − depth. FlowDir as surveyors write it: empty or 1 (start → end), -1, 反, E->S (end →
  // start).
  struct Row {
    double startDepth, endDepth;
    const char* flowDir;
    bool againstFlow;
  };
  const Row rows[] = {
      {2.0, 2.2, "", false},     // falls start → end: fine
      {2.2, 2.0, "", true},      // rises start → end
      {2.2, 2.0, "-1", false},   // flows end → start, and falls that way
      {2.0, 2.2, "反", true},    // flows end → start, rises that way
      {2.0, 2.2, "1", false},    // declared forward, falls
      {2.0, 2.2, "E->S", true},  // declared backward, rises
      {2.0, 2.0005, "-1", false},  // rises by 0.5 mm against the flow: within the 1 mm tolerance
  };
  TempDir dir;
  std::string points = "Exp_No,X,Y,Surf_H\n", lines = "S_Exp,E_Exp,S_Deep,E_Deep,PSize,FlowDir\n";
  for (std::size_t i = 0; i < std::size(rows); ++i) {
    char row[160];
    const auto a = 2 * i + 1, b = 2 * i + 2, north = 3347840 + 10 * i;
    std::snprintf(row, sizeof row, "P%zu,%zu,515400,10.0\nP%zu,%zu,515430,10.0\n", a, north, b, north);
    points += row;
    std::snprintf(row, sizeof row, "P%zu,P%zu,%.4f,%.4f,300,%s\n", a, b, rows[i].startDepth, rows[i].endDepth,
                  rows[i].flowDir);
    lines += row;
  }
  writeFile(dir / "WS_POINT.csv", points);
  writeFile(dir / "WS_LINE.csv", lines);
  auto r = io::readPipes(dir / "WS_LINE.csv", hangzhou());
  REQUIRE(r.ok());
  REQUIRE(r->pipes == std::size(rows));
  std::set<std::int64_t> against;
  for (const auto& f : r->qa.ofKind(io::PipeFindingKind::AgainstFlow)) against.insert(f.row);
  for (std::size_t i = 0; i < std::size(rows); ++i) {
    INFO("row " << i + 1 << ": depths " << rows[i].startDepth << " → " << rows[i].endDepth << ", FlowDir '"
                << rows[i].flowDir << "'");
    CHECK(against.count(static_cast<std::int64_t>(i + 1)) == (rows[i].againstFlow ? 1u : 0u));
  }
  CHECK(r->qa.findings.size() == against.size());  // no other rule fires on these tables
  // The finding says which way and by how much: row 2 rises from 7.800 m to 8.000 m.
  const auto f = r->qa.ofKind(io::PipeFindingKind::AgainstFlow).at(0);
  CHECK(f.row == 2);
  CHECK(f.message == "invert rises along the flow from 7.800 m to 8.000 m");
}
