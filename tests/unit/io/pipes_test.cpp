// io/pipes: CJJ 61 tables, EPANET and SWMM networks, section geometry, depth references and the QA report.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <catch2/catch.hpp>

#include "cim/app/load.h"
#include "cim/geometry/sweep.h"
#include "cim/io/pipes.h"
#include "support/test_support.h"

using namespace cim;
using cimtest::TempDir;
using Catch::Matchers::Contains;

namespace {

constexpr double kFt = 0.3048;
constexpr double kIn = 0.0254;

const model::Element* findElement(const model::Scene& s, const std::string& kind, const std::string& name) {
  const model::Element* found = nullptr;
  s.forEachElement([&](const model::Layer&, const model::Element& e) {
    if (!found && e.kind == kind && e.name == name) found = &e;
  });
  return found;
}

std::size_t countKind(const model::Scene& s, const std::string& kind) {
  std::size_t n = 0;
  s.forEachElement([&](const model::Layer&, const model::Element& e) { n += e.kind == kind; });
  return n;
}

// Every undirected edge of the mesh (vertices welded by position) is used by exactly two triangles.
bool isClosed(const geometry::Mesh& m) {
  std::map<std::tuple<long, long, long>, std::uint32_t> weld;
  std::vector<std::uint32_t> id(m.positions.size());
  for (std::size_t i = 0; i < m.positions.size(); ++i) {
    const auto& p = m.positions[i];
    auto key = std::make_tuple(std::lround(p.x() * 1e4), std::lround(p.y() * 1e4), std::lround(p.z() * 1e4));
    id[i] = weld.emplace(key, static_cast<std::uint32_t>(weld.size())).first->second;
  }
  std::map<std::pair<std::uint32_t, std::uint32_t>, int> edges;
  for (std::size_t t = 0; t + 2 < m.indices.size(); t += 3)
    for (int k = 0; k < 3; ++k) {
      auto a = id[m.indices[t + k]], b = id[m.indices[t + (k + 1) % 3]];
      if (a == b) return false;
      ++edges[{std::min(a, b), std::max(a, b)}];
    }
  return std::all_of(edges.begin(), edges.end(), [](const auto& e) { return e.second == 2; });
}

// CJJ 61 gas line and point tables in English field names, each QA defect seeded once (EPSG:4549: X northing,
// Y easting). Ground 10 m everywhere; points 20 m apart along the easting.
void writeGasCsv(const std::filesystem::path& dir) {
  cimtest::writeFile(dir / "RQ_POINT.csv",
                     "Exp_No,X,Y,Surf_H,Depth,Feature,Subsid,Well_Deep,Well_Cover\n"
                     "P1,3347840,515400,10.0,,,,,\n"
                     "P2,3347840,515420,10.0,,,,,\n"
                     "P3,3347840,515440,10.0,,,,,\n"
                     "P4,3347840,515460,10.0,,,,,\n"
                     "P5,3347840,515480,10.0,,,,,\n"
                     "P6,3347840,515500,10.0,,,,,\n"
                     "P7,3347840,515520,10.0,,,阀门井,1.5,800x800\n"
                     "P8,3347860,515520,10.0,,,,,\n");
  cimtest::writeFile(dir / "RQ_LINE.csv",
                     "S_Exp,E_Exp,S_Deep,E_Deep,PSize,Material,Pressure,Type,Belong,Mdate,EmBed\n"
                     "P1,P2,1.2,1.2,200,PE,0.3,RQ,Hangzhou Gas,2015,ZM\n"     // 1 clean
                     "P2,P3,1.2,1.2,200,PE,0.3,RQ,Hangzhou Gas,2015,ZM\n"     // 2 clean
                     "P3,P3,1.2,1.2,200,PE,0.3,RQ,,,\n"                       // 3 zero length
                     "P1,P2,1.2,1.2,200,PE,0.3,RQ,,,\n"                       // 4 duplicate of 1
                     "P3,P2,1.2,1.2,200,PE,0.3,RQ,,,\n"                       // 5 reversed duplicate of 2
                     "P4,P9,1.2,1.2,200,PE,0.3,RQ,,,\n"                       // 6 P9 not in the point table
                     "P3,P4,1.2,1.2,200,PE,0.3,RQ,,,\n"                       // 7 clean
                     "P4,P5,1.6,1.6,200,PE,0.3,RQ,,,\n"                       // 8 depth at P4 disagrees with 7
                     "P5,P6,1.6,1.6,160,PE,0.3,RQ,,,\n"                       // 9 size at P5 disagrees with 8
                     "P6,P7,1.6,12.0,160,钢,中压A,RQ,,,\n"                    // 10 material at P6; depth 12 m
                     "P6,P8,,,160,PE,0.3,RQ,,,\n"                             // 11 missing depth
                     "P7,P8,1.2,1.2,abc,PE,0.3,RQ,,,\n"                       // 12 unparsable size
                     "P7,P8,1.2,1.2,200,PE,0.3,ZZ,,,\n");                     // 13 unknown type code
}

// CJJ 61 sewer tables as GeoJSON with Chinese field names (WS from the file name), crs member EPSG:4549.
void writeSewerGeoJson(const std::filesystem::path& dir) {
  auto point = [](const std::string& id, double e, double n, const std::string& extra) {
    return "{\"type\":\"Feature\",\"properties\":{\"物探点号\":\"" + id +
           "\",\"地面高程\":10.0,\"附属物\":\"检查井\",\"井深\":3.0" + extra +
           "},\"geometry\":{\"type\":\"Point\",\"coordinates\":[" + std::to_string(e) + "," + std::to_string(n) + "]}}";
  };
  auto line = [](const std::string& s, const std::string& e, double sd, double ed, const std::string& size,
                 double x0, double y0, double x1, double y1) {
    return "{\"type\":\"Feature\",\"properties\":{\"起点点号\":\"" + s + "\",\"终点点号\":\"" + e +
           "\",\"起点埋深\":" + std::to_string(sd) + ",\"终点埋深\":" + std::to_string(ed) + ",\"管径\":\"" + size +
           "\",\"材质\":\"砼\",\"权属单位\":\"杭州排水\",\"埋设年代\":\"2008-05\"},\"geometry\":{\"type\":"
           "\"LineString\",\"coordinates\":[[" + std::to_string(x0) + "," + std::to_string(y0) + "],[" +
           std::to_string(x1) + "," + std::to_string(y1) + "]]}}";
  };
  const std::string crs = "\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::4549\"}}";
  const double n0 = 3347900;
  std::string pts = "{\"type\":\"FeatureCollection\"," + crs + ",\"features\":[";
  const char* ids[] = {"W1", "W2", "W3", "W4", "W5", "W6", "W7", "W9", "W10"};
  const double es[] = {515400, 515430, 515460, 515490, 515520, 515600, 515630, 515700, 515730};
  for (int i = 0; i < 9; ++i) {
    if (i) pts += ",";
    pts += point(ids[i], es[i], n0, "");
  }
  pts += "]}";
  cimtest::writeFile(dir / "WS管线点.geojson", pts);
  std::string lines = "{\"type\":\"FeatureCollection\"," + crs + ",\"features\":[";
  lines += line("W1", "W2", 2.0, 2.2, "DN400", 515400, n0, 515430, n0) + ",";     // 1 falls: fine
  lines += line("W2", "W3", 2.2, 2.4, "DN400", 515430, n0, 515460, n0) + ",";     // 2 fine
  lines += line("W3", "W4", 2.4, 2.0, "DN400", 515460, n0, 515490, n0) + ",";     // 3 rises against the flow
  lines += line("W4", "W5", 2.0, 2.2, "DN400", 515490, n0, 515520, n0) + ",";     // 4 fine
  lines += line("W6", "W7", 0.5, 1.2, "DN1000", 515600, n0, 515630, n0) + ",";    // 5 top above ground at W6
  lines += line("W9", "W10", 1.5, 1.6, "1000×800", 515700, n0, 515730, n0);       // 6 box culvert
  lines += "]}";
  cimtest::writeFile(dir / "WS管线段.geojson", lines);
}

io::PipeOptions hangzhou() {
  io::PipeOptions o;
  o.sceneCrs = geo::Crs::fromUserInput("EPSG:4549").value();
  return o;
}

}  // namespace

TEST_CASE("CJJ 61 type codes, colours and gas pressure classes follow STANDARDS.md", "[pipes]") {
  CHECK(model::pipeTypeFromCode("ws")->cls == model::PipeClass::Drainage);
  CHECK(model::pipeTypeFromCode("RQ")->cls == model::PipeClass::Gas);
  CHECK(model::pipeTypeFromCode("ZH")->cls == model::PipeClass::Other);
  CHECK_FALSE(model::pipeTypeFromCode("ZZ"));
  const auto c = model::pipeTypeColor(*model::pipeTypeFromCode("JS"));
  CHECK(c.r == 0.0f);
  CHECK(c.g == Approx(1.0f));
  CHECK(c.b == Approx(1.0f));
  CHECK(model::gasPressureClass(0.005) == model::GasPressureClass::Low);
  CHECK(model::gasPressureClass(0.2) == model::GasPressureClass::MediumB);
  CHECK(model::gasPressureClass(0.3) == model::GasPressureClass::MediumA);
  CHECK(model::gasPressureClass(0.8) == model::GasPressureClass::SubHighB);
  CHECK(model::gasPressureClass(1.0) == model::GasPressureClass::SubHighA);
  CHECK(model::gasPressureClass(2.5) == model::GasPressureClass::HighB);
  CHECK(model::gasPressureClass(4.0) == model::GasPressureClass::HighA);
  CHECK_FALSE(model::gasPressureClass(4.5));
  CHECK(model::gasPressureClassFromText("中压A") == model::GasPressureClass::MediumA);
  CHECK(model::gasPressureClassFromText("次高压B") == model::GasPressureClass::SubHighB);
  CHECK(model::gasPressureClassFromText("高压A") == model::GasPressureClass::HighA);
  CHECK(model::gasPressureClassFromText("low") == model::GasPressureClass::Low);
}

TEST_CASE("A DN200 pipe's facets stay within the chord tolerance of the true circle", "[pipes]") {
  for (double tol : {0.1, 0.01, 0.001}) {
    const Eigen::Vector3d path[2] = {{0, 0, 0}, {10, 0, 0}};
    geometry::SweepSection s;
    s.radius = 0.1;
    geometry::SweepOptions o;
    o.chordToleranceMeters = tol;
    const auto m = geometry::sweep(path, s, o);
    REQUIRE(!m.empty());
    CHECK(isClosed(m));
    // Ring vertices of the start: on the circle; chord midpoints no deeper inside than the tolerance.
    std::vector<Eigen::Vector2d> ring;
    for (const auto& p : m.positions) {
      const double r = std::hypot(p.y(), p.z());
      if (std::abs(p.x()) < 1e-6 && r > 1e-6) {
        CHECK(r == Approx(0.1).margin(1e-6));
        ring.emplace_back(p.y(), p.z());
      }
    }
    std::sort(ring.begin(), ring.end(), [](auto& a, auto& b) { return std::atan2(a.y(), a.x()) < std::atan2(b.y(), b.x()); });
    ring.erase(std::unique(ring.begin(), ring.end(), [](auto& a, auto& b) { return (a - b).norm() < 1e-6; }), ring.end());
    REQUIRE(ring.size() >= 3);
    double worst = 0;
    for (std::size_t i = 0; i < ring.size(); ++i) {
      const Eigen::Vector2d mid = (ring[i] + ring[(i + 1) % ring.size()]) / 2;
      worst = std::max(worst, 0.1 - mid.norm());
    }
    CHECK(worst <= tol + 1e-7);
    // Hand check of the side count: r (1 − cos(π/n)) ≤ 0.001 needs n ≥ π / acos(0.99) = 22.2 → 23.
    if (tol == 0.001) CHECK(ring.size() == 23);
  }
}

TEST_CASE("A 1000×800 duct's section is 1.0 m wide and 0.8 m high, width horizontal", "[pipes]") {
  const Eigen::Vector3d path[2] = {{0, 0, 5}, {3, 4, 5}};  // a 5 m leg heading north-east
  geometry::SweepSection s;
  s.shape = geometry::SweepSection::Shape::Rectangle;
  s.width = 1.0;
  s.height = 0.8;
  const auto m = geometry::sweep(path, s);
  CHECK(isClosed(m));
  const auto b = geometry::worldBounds(m);
  CHECK(b.max.z() - b.min.z() == Approx(0.8).margin(1e-6));
  // The width runs across the leg: perpendicular distances from the axis reach 0.5 m.
  const Eigen::Vector2d across(-0.8, 0.6);
  double wmax = 0;
  for (const auto& p : m.positions) wmax = std::max(wmax, std::abs(across.dot(p.head<2>().cast<double>())));
  CHECK(wmax == Approx(0.5).margin(1e-6));
  CHECK(geometry::surfaceArea(m) == Approx(2 * (1.0 + 0.8) * 5 + 2 * 0.8).margin(1e-4));
}

TEST_CASE("Mitred polylines stay closed and keep their section", "[pipes]") {
  const Eigen::Vector3d path[4] = {{0, 0, 0}, {10, 0, 0}, {10, 10, 1}, {0, 20, 1}};
  geometry::SweepSection s;
  s.radius = 0.25;
  const auto m = geometry::sweep(path, s);
  CHECK(isClosed(m));
  geometry::SweepSection r;
  r.shape = geometry::SweepSection::Shape::Rectangle;
  r.width = 0.6;
  r.height = 0.4;
  CHECK(isClosed(geometry::sweep(path, r)));
}

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

TEST_CASE("The SWMM sewer loads with its inverts and offsets", "[pipes]") {
  const auto inp = cimtest::sharedDataDir() / "pipes/swmm_sewer_state_plane_epsg2817.inp";
  if (!std::filesystem::exists(inp)) {
    WARN("shared data absent: " << inp);
    return;
  }
  io::PipeOptions o;
  o.inputCrs = geo::Crs::fromUserInput("EPSG:2817").value();
  auto r = io::readPipes(inp, o);
  REQUIRE(r.ok());
  CHECK(r->format == io::PipeFormat::Swmm);
  CHECK(r->pipes == 44);
  CHECK(r->skippedRows == 0);
  // J2-024.1: J2-024 (storage, invert 987.421 ft) → J2-026 (invert 981.84 ft), offsets 0 and 0.699533 ft,
  // CIRCULAR 0.666667 ft: centreline = invert + offset + D/2.
  const auto* e = findElement(r->scene, "pipe", "J2-024.1");
  REQUIRE(e);
  const double d = 0.666667 * kFt;
  CHECK(e->pipe()->section.outerDiameterMeters == Approx(d));
  CHECK(e->pipe()->start().z() == Approx(987.421 * kFt + d / 2).margin(1e-6));
  CHECK(e->pipe()->end().z() == Approx((981.84 + 0.699533) * kFt + d / 2).margin(1e-6));
  CHECK(e->pipe()->type.cls == model::PipeClass::Drainage);
  // Junctions become manholes: J1-025 invert 970.46 ft, MaxDepth 12.938 ft.
  const auto* w = findElement(r->scene, "well", "J1-025");
  REQUIRE(w);
  CHECK(w->well()->top.z() == Approx((970.46 + 12.938) * kFt).margin(1e-6));
  CHECK(w->well()->depthMeters == Approx(12.938 * kFt).margin(1e-9));
}

TEST_CASE("loadScene reads pipe inputs and keeps the parametric form through reprojection", "[pipes]") {
  TempDir dir;
  writeGasCsv(dir.path());
  app::LoadOptions lo;
  lo.crs = "EPSG:4549+5737";
  auto s = app::loadScene({dir / "RQ_LINE.csv"}, lo);
  REQUIRE(s.ok());
  const auto* e = findElement(s.value(), "pipe", "P1-P2");
  REQUIRE(e);
  REQUIRE(e->pipe());
  CHECK(e->pipe()->start().z() == Approx(8.7).margin(1e-6));
  CHECK(app::formatName(dir / "RQ_LINE.csv") == "CSV");
  // A 2D input into a compound CRS: the heights pass through.
  const auto b = e->worldBounds();
  CHECK(b.min.z() == Approx(8.6).margin(1e-4));
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

TEST_CASE("cim info prints the pipe QA summary; cim convert writes a valid GLB", "[pipes][cli]") {
  TempDir dir;
  writeGasCsv(dir.path());
  const std::string cim = cimtest::shellQuote(CIM_CLI_PATH);
  auto info = cimtest::run(cim + " info " + cimtest::shellQuote((dir / "RQ_LINE.csv").string()) + " --crs EPSG:4549");
  CHECK(info.exitCode == 0);
  CHECK_THAT(info.out, Contains("CJJ 61 pipe survey tables: 8 pipe(s), 1 well(s), 5 row(s) skipped"));
  CHECK_THAT(info.out, Contains("pipe QA:   8 finding(s)") && Contains("duplicate 1") &&
                           Contains("reversed-duplicate 1") && Contains("missing-point 1"));
  auto json = cimtest::run(cim + " info --json " + cimtest::shellQuote((dir / "RQ_LINE.csv").string()) +
                           " --crs EPSG:4549");
  const auto j = nlohmann::json::parse(json.out);
  CHECK(j["pipes"]["qa"]["depth-beyond-limit"] == 1);
  CHECK(j["pipes"]["findings"].size() == 8);
  auto conv = cimtest::run(cim + " convert " + cimtest::shellQuote((dir / "RQ_LINE.csv").string()) +
                           " --crs EPSG:4549+5737 -o " + cimtest::shellQuote((dir / "gas.glb").string()));
  REQUIRE(conv.exitCode == 0);
  const auto report = cimtest::validateGltf(dir / "gas.glb");
  CHECK(report["errors"] == 0);

  const auto swmm = cimtest::sharedDataDir() / "pipes/swmm_sewer_state_plane_epsg2817.inp";
  if (std::filesystem::exists(swmm)) {
    auto noCrs = cimtest::run(cim + " info " + cimtest::shellQuote(swmm.string()));
    CHECK(noCrs.exitCode == 1);
    CHECK_THAT(noCrs.err, Contains("SWMM files carry no CRS"));
    auto c = cimtest::run(cim + " convert " + cimtest::shellQuote(swmm.string()) + " --input-crs EPSG:2817 -o " +
                          cimtest::shellQuote((dir / "sewer.glb").string()));
    REQUIRE(c.exitCode == 0);
    CHECK(cimtest::validateGltf(dir / "sewer.glb")["errors"] == 0);
  }
}
