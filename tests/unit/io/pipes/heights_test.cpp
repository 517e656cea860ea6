// io/pipes/heights: depth references to centreline heights (CJJ 61), the ground from Surf_H or the terrain, a line's own Z.
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

TEST_CASE("Depth references per type: gravity, pressure, cable, and configurable", "[pipes]") {
  TempDir dir;
  cimtest::writeFile(dir / "points.csv",
                     "Exp_No,X,Y,Surf_H\nA,3347840,515400,20.0\nB,3347840,515450,20.0\n");
  auto one = [&](const std::string& type, const std::string& size, const std::string& wall,
                 io::PipeOptions o = hangzhou()) {
    cimtest::writeFile(dir / "lines.csv", "S_Exp,E_Exp,S_Deep,E_Deep,PSize,WallThick,Type\nA,B,1.5,1.5," + size +
                                              "," + wall + "," + type + "\n");
    o.pointTable = dir / "points.csv";
    auto r = io::readPipes(dir / "lines.csv", o);
    REQUIRE(r.ok());
    REQUIRE(r->pipes == 1);
    return r->scene.layers().at(0).elements.at(0).pipe()->start().z();
  };
  // Gravity (YS rain): inside bottom 18.5; DN600 with a 50 mm wall: centre 18.5 + 0.3 = 18.8, outer 0.7 m.
  CHECK(one("YS", "600", "50") == Approx(18.8).margin(1e-9));
  // Pressure (JS water): outer top 18.5; DN300 → centre 18.35.
  CHECK(one("JS", "300", "") == Approx(18.35).margin(1e-9));
  CHECK(one("RL", "300", "10", hangzhou()) == Approx(18.5 - 0.16).margin(1e-9));  // heat: outer 320 mm
  // Cable duct bank (DL): outer top; 600×400 → centre 18.5 − 0.2 = 18.3.
  CHECK(one("DL", "600×400", "") == Approx(18.3).margin(1e-9));
  // Telecom (TX) DN100 → 18.45.
  CHECK(one("TX", "100", "") == Approx(18.45).margin(1e-9));
  // Configurable: drainage measured to the outer top instead.
  io::PipeOptions o = hangzhou();
  o.depthReference["PS"] = model::DepthReference::OuterTop;
  CHECK(one("WS", "600", "", o) == Approx(18.2).margin(1e-9));
}

TEST_CASE("Points without Surf_H take the ground from the terrain callback", "[pipes]") {
  TempDir dir;
  cimtest::writeFile(dir / "RQ_POINT.csv", "Exp_No,X,Y\nA,3347840,515400\nB,3347840,515450\n");
  cimtest::writeFile(dir / "RQ_LINE.csv", "S_Exp,E_Exp,S_Deep,E_Deep,PSize\nA,B,1.0,1.0,200\n");
  io::PipeOptions o = hangzhou();
  auto noGround = io::readPipes(dir / "RQ_LINE.csv", o);
  REQUIRE(noGround.ok());
  CHECK(noGround->pipes == 0);
  CHECK(noGround->skippedRows == 1);
  o.terrainHeight = [](double x, double) -> std::optional<double> { return 5.0 + (x - 515400) / 50.0; };
  auto r = io::readPipes(dir / "RQ_LINE.csv", o);
  REQUIRE(r.ok());
  REQUIRE(r->pipes == 1);
  const auto& p = *r->scene.layers()[0].elements[0].pipe();
  CHECK(p.start().z() == Approx(5.0 - 1.0 - 0.1).margin(1e-9));
  CHECK(p.end().z() == Approx(6.0 - 1.0 - 0.1).margin(1e-9));
}

TEST_CASE("3D lines without depths use their own Z as the centreline", "[pipes]") {
  TempDir dir;
  cimtest::writeFile(dir / "DL_LINE.geojson",
                     "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":"
                     "\"urn:ogc:def:crs:EPSG::4549\"}},\"features\":[{\"type\":\"Feature\",\"properties\":{\"PSize\":"
                     "\"150\",\"Voltage\":\"10kV\",\"CabNum\":3},\"geometry\":{\"type\":\"LineString\",\"coordinates\":"
                     "[[515400,3347840,7.5],[515420,3347840,7.0],[515420,3347860,6.5]]}}]}");
  auto r = io::readPipes(dir / "DL_LINE.geojson", {});
  REQUIRE(r.ok());
  REQUIRE(r->pipes == 1);
  const auto& e = r->scene.layers()[0].elements[0];
  CHECK(e.pipe()->type.cls == model::PipeClass::Power);
  CHECK(e.pipe()->centreline.size() == 3);
  CHECK(e.pipe()->centreline[1].z() == Approx(7.0));
  CHECK(*e.pipe()->voltageKv == Approx(10.0));
  CHECK(*e.pipe()->cableCount == 3);
  CHECK(isClosed(e.shapes.at(0).mesh));
  CHECK(r->scene.crs()->definition() == "EPSG:4549");
}
