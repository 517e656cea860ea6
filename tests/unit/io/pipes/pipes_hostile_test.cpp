// io/pipes on crafted inputs (the reproducers kept in tests/fuzz/corpus/pipe_table and .../inp): no value that is not
// finite or beyond 1e12 gets into a pipe, a table GDAL stops reading is an error (not a short table), a polyline
// beyond the point limit is reported, and SWMM Barrels that are no count are reported.
#include <catch2/catch.hpp>

#include <string>

#include "cim/io/pipes.h"
#include "io/pipes/in_memory.h"
#include "support/test_support.h"

using namespace cim;

namespace {

std::filesystem::path corpus(const std::string& name) { return cimtest::sourceDir() / "tests/fuzz/corpus" / name; }

io::PipeOptions gk() {
  io::PipeOptions o;
  o.inputCrs = geo::Crs::fromUserInput("EPSG:4549").value();
  return o;
}

bool reported(const std::vector<Diagnostic>& diags, ErrorCode code, const std::string& text) {
  for (const auto& d : diags)
    if (d.code == code && d.message.find(text) != std::string::npos) return true;
  return false;
}

void finiteBounds(const model::Scene& s) {
  REQUIRE(s.triangleCount() > 0);
  const auto b = s.worldBounds();
  CHECK(b.min.allFinite());
  CHECK(b.max.allFinite());
}

// A CJJ 61 line table with its own 3D geometry (WKT; no depths: the Z is the centreline), where row 2's Belong field
// is `belong`.
std::string lineTable(const std::string& belong) {
  return "S_Exp,E_Exp,S_Deep,E_Deep,PSize,Material,Belong,WKT\n"
         "P1,P2,,,200,PE,x,\"LINESTRING(515400 3347840 8,515420 3347840 8)\"\n"
         "P2,P3,,,200,PE," + belong + ",\"LINESTRING(515420 3347840 8,515440 3347840 8)\"\n"
         "P3,P4,,,200,PE,y,\"LINESTRING(515440 3347840 8,515460 3347840 8)\"\n";
}

}  // namespace

TEST_CASE("A pipe line with a 1e309 or 1e308 vertex does not get its own geometry", "[pipes][hostile]") {
  for (const char* file : {"pipe_table/line_1e309_vertex.geojson", "pipe_table/line_1e308_height.geojson"}) {
    INFO(file);
    auto o = gk();
    o.typeCode = "JS";
    auto r = io::readPipes(corpus(file), o);
    REQUIRE(r.ok());
    CHECK(r->pipes == 1);  // A-B; B-C has no usable geometry (and no point table) and is reported
    CHECK(reported(r.diagnostics(), ErrorCode::InvalidElement, "a vertex is not finite or beyond 1e12"));
    CHECK(r->skippedRows >= 1);
    finiteBounds(r->scene);
  }
}

TEST_CASE("EPANET coordinates of 1e308 and 1e309 are refused, the rest loads", "[pipes][hostile]") {
  auto r = io::readPipes(corpus("inp/epanet_1e308_coordinates.inp"), gk());
  REQUIRE(r.ok());
  CHECK(r->pipes == 1);  // P1 (its 1e308 vertex dropped); P2 and P3 join nodes without usable coordinates
  CHECK(reported(r.diagnostics(), ErrorCode::PipeRowSkipped, "junction 'J3' has no [COORDINATES]"));
  finiteBounds(r->scene);
}

TEST_CASE("SWMM Barrels that are no count from 1 to 1000 are reported and taken as 1", "[pipes][hostile]") {
  auto r = io::readPipes(corpus("inp/swmm_barrels_out_of_range.inp"), gk());
  REQUIRE(r.ok());
  CHECK(r->pipes == 4);
  for (const char* b : {"'1e300'", "'-3'", "'2.5'", "'abc'"})
    CHECK(reported(r.diagnostics(), ErrorCode::InvalidElement, std::string("Barrels ") + b + " is not a count"));
}

TEST_CASE("A CSV field over GDAL's line limit is an error counted as skipped, not a silently short table", "[pipes][hostile]") {
  const std::string huge(10'000'010, 'A');  // GDAL's CSV driver reads lines of up to 10 MB (MAX_LINE_SIZE)
  auto o = gk();
  o.typeCode = "JS";
  SECTION("in row 2: row 1 loads, the error names where reading stopped") {
    // Before: 1 pipe, 0 skipped, no diagnostic; rows 2 and 3 were gone without a word.
    auto r = io::inmemory::readPipes(lineTable(huge), "JS_LINE.csv", o);
    REQUIRE(r.ok());
    CHECK(r->pipes == 1);
    CHECK(r->skippedRows == 1);
    CHECK(reported(r.diagnostics(), ErrorCode::LimitExceeded, "GDAL stopped reading the table after row 1"));
    CHECK(reported(r.diagnostics(), ErrorCode::LimitExceeded, "GDAL reads CSV lines of up to 10 MB"));
  }
  SECTION("in row 1: nothing could be read, so the read fails") {
    // Before: 0 pipes, 0 skipped, success (and `cim convert` exited 0).
    const std::string text = "S_Exp,E_Exp,S_Deep,E_Deep,PSize,Material,Belong,WKT\nP1,P2,,,200,PE," + huge +
                             ",\"LINESTRING(515400 3347840 8,515420 3347840 8)\"\n";
    auto r = io::inmemory::readPipes(text, "JS_LINE.csv", o);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error()->code == ErrorCode::LimitExceeded);
    CHECK_THAT(r.error()->message, Catch::Matchers::Contains("after row 0"));
  }
}

TEST_CASE("A pipe line of more points than the limit is reported, not drawn", "[pipes][hostile]") {
  std::string coords;
  for (int i = 0; i <= 100000; ++i) coords += (i ? "," : "") + std::to_string(515400.0 + i * 0.01) + " 3347840 8";
  auto o = gk();
  o.typeCode = "JS";
  auto r = io::inmemory::readPipes(lineTable("x").substr(0, lineTable("x").find("P2,P3")) +
                                       "P2,P3,,,200,PE,x,\"LINESTRING(" + coords + ")\"\n",
                                   "JS_LINE.csv", o);
  REQUIRE(r.ok());
  CHECK(reported(r.diagnostics(), ErrorCode::LimitExceeded, "a line of 100001 points, more than the limit of 100000"));
  CHECK(r->pipes == 1);  // P2-P3 has no point table to fall back on: reported and skipped
}
