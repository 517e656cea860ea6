// io/pipes/tables: CJJ 61 survey tables through GDAL (CSV, GeoJSON, GeoPackage), Chinese and English fields.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <catch2/catch.hpp>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include "cim/io/pipes.h"
#include "support/mesh_probe.h"
#include "support/pipe_tables.h"
#include "support/test_support.h"

using namespace cim;
using namespace cimtest;
using Catch::Matchers::Contains;

TEST_CASE("CJJ 61 GeoJSON tables with Chinese field names: gravity pipes to the inside bottom", "[pipes]") {
  TempDir dir;
  writeSewerGeoJson(dir.path());
  REQUIRE(io::isPipeFile(dir / "WS管线段.geojson"));
  auto r = io::readPipes(dir / "WS管线段.geojson", hangzhou());
  REQUIRE(r.ok());
  for (const auto& f : r->qa.findings) INFO(io::formatFinding(f));
  CHECK(r->qa.findings.size() == 2);
  const auto against = r->qa.ofKind(io::PipeFindingKind::AgainstFlow);
  REQUIRE(against.size() == 1);
  CHECK(against[0].row == 3);
  const auto above = r->qa.ofKind(io::PipeFindingKind::AboveGround);
  REQUIRE(above.size() == 1);
  CHECK(above[0].row == 5);
  CHECK(above[0].pointIds == std::vector<std::string>{"W6"});
  CHECK(r->pipes == 6);
  CHECK(r->wells == 9);
  CHECK(r->skippedRows == 0);
  // WS: inside bottom. W1: ground 10, depth 2.0, DN400 (no wall) → centreline 10 − 2.0 + 0.2 = 8.2.
  const auto* e = findElement(r->scene, "pipe", "W1-W2");
  REQUIRE(e);
  CHECK(e->pipe()->type.code == "WS");
  CHECK(e->pipe()->start().z() == Approx(8.2).margin(1e-9));
  CHECK(e->pipe()->end().z() == Approx(10 - 2.2 + 0.2).margin(1e-9));
  CHECK(std::get<std::string>(e->attributes.at("材质")) == "砼");
  CHECK(std::get<std::string>(e->attributes.at("pipe.depthReference")) == "inside bottom");
  // The 1000×800 culvert: 1.0 m wide, 0.8 m high; inside bottom 10 − 1.5 = 8.5, centreline 8.9.
  const auto* box = findElement(r->scene, "pipe", "W9-W10");
  REQUIRE(box);
  CHECK(box->pipe()->section.shape == model::PipeSection::Shape::Rectangular);
  CHECK(box->pipe()->section.widthMeters == Approx(1.0));
  CHECK(box->pipe()->section.heightMeters == Approx(0.8));
  CHECK(box->pipe()->start().z() == Approx(8.9).margin(1e-9));
  const auto b = box->worldBounds();
  CHECK(b.max.y() - b.min.y() == Approx(1.0).margin(1e-4));  // the culvert runs east: its width is north–south
}

TEST_CASE("A GeoPackage with RQLINE and RQPOINT layers is one input", "[pipes]") {
  TempDir dir;
  writeGasCsv(dir.path());
  const auto gpkg = dir / "city.gpkg";
  auto a = cimtest::run("ogr2ogr -f GPKG " + cimtest::shellQuote(gpkg.string()) + " " +
                        cimtest::shellQuote((dir / "RQ_POINT.csv").string()) + " -nln RQPOINT 2>&1");
  auto b = cimtest::run("ogr2ogr -update -f GPKG " + cimtest::shellQuote(gpkg.string()) + " " +
                        cimtest::shellQuote((dir / "RQ_LINE.csv").string()) + " -nln RQLINE 2>&1");
  if (a.exitCode != 0 || b.exitCode != 0) {
    WARN("ogr2ogr (gdal-bin) unavailable: " << a.out << b.out);
    return;
  }
  REQUIRE(io::isPipeFile(gpkg));
  io::PipeOptions o = hangzhou();
  o.inputCrs = o.sceneCrs;  // attribute-only layers carry no CRS
  auto r = io::readPipes(gpkg, o);
  REQUIRE(r.ok());
  CHECK(r->pipes == 8);
  CHECK(r->qa.findings.size() == 8);
  CHECK(r->skippedRows == 5);
  const auto dup = r->qa.ofKind(io::PipeFindingKind::DuplicateLine);
  REQUIRE(dup.size() == 1);
  CHECK(dup[0].table == gpkg.string() + ":RQLINE");
  CHECK(dup[0].row == 4);
}

TEST_CASE("Table values that are not numbers are named with their row, never dropped silently", "[pipes]") {
  TempDir dir;
  cimtest::writeFile(dir / "RQ_POINT.csv",
                     "物探点号,X,Y,地面高程\n"
                     "G1,3347840,515400,10.0\n"
                     "G2,3347840,515420,1O.5\n"      // letter O for a zero: the point loads without its ground
                     "G3,3347840,5154x0,10.0\n"      // no usable easting: the point is skipped
                     "G4,3347840,515460,10.0\n");
  cimtest::writeFile(dir / "RQ_LINE.csv",
                     "起点点号,终点点号,起点埋深,终点埋深,管径\n"
                     "G1,G4,1.2,1.2,200\n"
                     "G1,G4,1.2m,abc,200\n");        // 1.2 m parses; abc does not
  auto r = io::readPipes(dir / "RQ_LINE.csv", hangzhou());
  REQUIRE(r.ok());
  for (const auto& d : r.diagnostics()) INFO(d.message);
  auto has = [&](ErrorCode code, const std::string& text, const std::string& row) {
    for (const auto& d : r.diagnostics())
      if (d.code == code && d.message.find(text) != std::string::npos && d.elementId == row) return true;
    return false;
  };
  CHECK(has(ErrorCode::InvalidElement, "values that are not numbers are left out: 地面高程 '1O.5'", "row 2"));
  CHECK(has(ErrorCode::PipeRowSkipped, "row 3 (G3) skipped: no coordinates (X northing, Y easting); not numbers: Y '5154x0'",
            "row 3"));
  CHECK(has(ErrorCode::InvalidElement, "row 2 (G1-G4): values that are not numbers are left out: 终点埋深 'abc'", "row 2"));
  CHECK(has(ErrorCode::PipeRowSkipped, "row 2 (G1-G4) skipped: missing depth", "row 2"));
  CHECK(r->skippedRows == 2);
}
