// io/city/citygml_reader: CityGML through libcitygml.
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cim/app/load.h"
#include "cim/io/city.h"
#include "support/city.h"
#include "support/scene_lookup.h"
#include "support/test_support.h"

using namespace cim;
using cimtest::TempDir;
namespace fs = std::filesystem;

TEST_CASE("CityGML: the sample's LoD1 solid is an exact prism and its LoD2 house has roof and wall surfaces", "[city]") {
  auto r = io::readCityGml(cimtest::hangzhouFile("buildings.gml"));
  REQUIRE(r.ok());
  CHECK(r->format == "CityGML 2.0");
  REQUIRE(r->scene.crs());
  CHECK(r->scene.crs()->definition() == "EPSG:4549+5737");
  CHECK(r->buildings == 2);
  CHECK(r->prisms == 1);
  const auto* flat = cimtest::byGuid(r->scene, "HZ-B-202");
  REQUIRE(flat);
  REQUIRE(cimtest::buildingPrism(*flat));
  CHECK(cimtest::buildingPrism(*flat)->topElevation - cimtest::buildingPrism(*flat)->bottomElevation == Approx(6.0).margin(1e-3));
  const auto* house = cimtest::byGuid(r->scene, "HZ-B-201");
  REQUIRE(house);
  CHECK(house->parametric == nullptr);
  std::set<std::string> materials;
  for (const auto& sh : house->shapes) materials.insert(sh.material.name);
  CHECK(materials.count("RoofSurface") == 1);
  CHECK(materials.count("WallSurface") == 1);
  CHECK(std::get<double>(house->attributes.at("bldg:measuredheight")) == Approx(15.0));
}

TEST_CASE("CityGML: every shared file loads, 1.0 and 2.0 through libcitygml, 3.0 through our reader", "[city][shared]") {
  for (const auto& f : cimtest::sharedFiles("citygml", ".gml")) {
    INFO(f.filename().string());
    auto r = io::readCityGml(f);
    REQUIRE(r.ok());
    CHECK(r->buildings > 0);
    CHECK(r->scene.triangleCount() > 0);
    REQUIRE(r->scene.crs());
    WARN(f.filename().string() << ": " << r->buildings << " buildings, " << r->prisms << " prisms, "
                               << r->scene.triangleCount() << " triangles in " << r->scene.crs()->definition());
    if (f.filename() == "Potsdam_LoD1_v1.gml") {
      CHECK(r->scene.crs()->definition() == "EPSG:25833+5783");
      CHECK(r->buildings == 97);
      CHECK(r->prisms > 90);
    }
  }
}

namespace {

// The polygons per surface type of the reader's note ("CityGML 3.0 polygons by surface type: GroundSurface 1, ...").
std::map<std::string, std::size_t> surfaceCounts(const std::vector<Diagnostic>& diags) {
  std::map<std::string, std::size_t> out;
  for (const auto& d : diags) {
    const std::string head = "CityGML 3.0 polygons by surface type:";
    if (d.message.rfind(head, 0) != 0) continue;
    std::istringstream in(d.message.substr(head.size()));
    std::string type, count;
    while (in >> type >> count) out[type] = std::stoul(count);
  }
  return out;
}

}  // namespace

TEST_CASE("CityGML 3.0: the shared v3 files load with their boundary surfaces, openings and bounds", "[city][shared]") {
  struct Expect {
    const char* file;
    std::map<std::string, std::size_t> surfaces;  // counted independently with Python's ElementTree
    Eigen::Vector3d min, max;
    const char* crs;
  };
  const std::vector<Expect> files = {
      {"FZK-Haus-LoD2-KIT-IAI-KHH-B36-V1__v3.gml",
       {{"GroundSurface", 1}, {"RoofSurface", 2}, {"WallSurface", 4}},
       {457842.0, 5439083.0, 111.8}, {457854.0, 5439093.0, 118.317691}, "EPSG:25832+5783"},
      {"FZK-Haus-LoD3-KIT-IAI-KHH-B36-V1__v3.gml",
       {{"Door", 2}, {"GroundSurface", 1}, {"RoofSurface", 4}, {"WallSurface", 192}, {"Window", 11}},
       {457841.5, 5439082.5, 111.8}, {457854.5, 5439093.5, 118.317691}, "EPSG:25832+5783"},
      {"TUM-Main-Entrance_v3.gml",
       {{"GroundSurface", 1}, {"RoofSurface", 2}, {"WallSurface", 14}},
       {691009.16, 5335994.57, 515.042}, {691054.07, 5336047.41, 534.45}, "EPSG:25832+7837"},
  };
  for (const auto& x : files) {
    const fs::path f = cimtest::sharedDataDir() / "citygml" / x.file;
    if (!fs::exists(f)) {
      WARN("shared data absent: " << f);
      continue;
    }
    INFO(x.file);
    auto r = io::readCityGml(f);
    REQUIRE(r.ok());
    CHECK(r->format == "CityGML 3.0");
    CHECK(r->buildings == 1);
    REQUIRE(r->scene.crs());
    CHECK(r->scene.crs()->definition() == x.crs);
    CHECK(surfaceCounts(r.diagnostics()) == x.surfaces);
    // Each polygon drawn once: the lodNSolid's xlink:hrefs point at the boundary surfaces' polygons.
    std::set<std::string> materials;
    r->scene.forEachElement([&](const model::Layer&, const model::Element& e) {
      for (const auto& sh : e.shapes) materials.insert(sh.material.name);
    });
    for (const auto& [type, n] : x.surfaces) CHECK(materials.count(type) == 1);
    const auto b = r->scene.worldBounds();
    CHECK((b.min - x.min).cwiseAbs().maxCoeff() < 1e-3);
    CHECK((b.max - x.max).cwiseAbs().maxCoeff() < 1e-3);
    const auto* building = r->scene.layers().at(0).elements.data();
    CHECK(building->kind == "building");
    CHECK(std::get<std::int64_t>(building->attributes.at("lod")) == (std::string(x.file).find("LoD3") != std::string::npos ? 3 : 2));
  }

  // Generic attributes typed, the 3.0 height as measuredHeight, simple properties; the LoD option falls back.
  auto fzk = io::readCityGml(cimtest::sharedDataDir() / "citygml/FZK-Haus-LoD2-KIT-IAI-KHH-B36-V1__v3.gml");
  if (fzk.ok()) {
    const auto& e = fzk->scene.layers().at(0).elements.at(0);
    CHECK(e.guid == "UUID_d281adfc-4901-0f52-540b-4cc1a9325f82");
    CHECK(e.name == "AC14-FZK-Haus");
    CHECK(std::get<double>(e.attributes.at("GrossPlannedArea")) == Approx(120.0));
    CHECK(std::get<std::string>(e.attributes.at("ConstructionMethod")) == "New Building");
    CHECK(e.attributes.contains("measuredHeight"));
    CHECK(std::get<std::string>(e.attributes.at("citygml.type")) == "Building");
    io::CityOptions o;
    o.lod = "1";
    auto lod1 = io::readCityGml(cimtest::sharedDataDir() / "citygml/FZK-Haus-LoD2-KIT-IAI-KHH-B36-V1__v3.gml", o);
    REQUIRE(lod1.ok());
    CHECK(cimtest::hasDiagnostic(lod1.diagnostics(), ErrorCode::ConventionApplied, "have no LoD 1"));
  }
}

TEST_CASE("CityGML 3.0: parts, LoD1 prisms, xlinks, holes, 2-D posList and broken XML", "[city]") {
  TempDir dir;
  const std::string head = R"(<?xml version="1.0" encoding="UTF-8"?>
<CityModel xmlns="http://www.opengis.net/citygml/3.0" xmlns:gml="http://www.opengis.net/gml/3.2"
 xmlns:bldg="http://www.opengis.net/citygml/building/3.0" xmlns:con="http://www.opengis.net/citygml/construction/3.0"
 xmlns:gen="http://www.opengis.net/citygml/generics/3.0" xmlns:xlink="http://www.w3.org/1999/xlink">
)";
  // A 10 x 10 x 6 m LoD1 block (a prism) with a 10 x 5 x 3 m part whose floor has a hole, given by xlink.
  auto quad = [](double x0, double y0, double x1, double y1, double z) {
    return std::to_string(x0) + " " + std::to_string(y0) + " " + std::to_string(z) + " " + std::to_string(x1) + " " +
           std::to_string(y0) + " " + std::to_string(z) + " " + std::to_string(x1) + " " + std::to_string(y1) + " " +
           std::to_string(z) + " " + std::to_string(x0) + " " + std::to_string(y1) + " " + std::to_string(z) + " " +
           std::to_string(x0) + " " + std::to_string(y0) + " " + std::to_string(z);
  };
  auto wall = [](double x0, double y0, double x1, double y1, double z0, double z1) {
    auto p = [](double x, double y, double z) {
      return std::to_string(x) + " " + std::to_string(y) + " " + std::to_string(z) + " ";
    };
    return p(x0, y0, z0) + p(x1, y1, z0) + p(x1, y1, z1) + p(x0, y0, z1) + p(x0, y0, z0);
  };
  auto polygon = [](const std::string& id, const std::string& ring) {
    return "<gml:Polygon gml:id=\"" + id + "\"><gml:exterior><gml:LinearRing><gml:posList>" + ring +
           "</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon>";
  };
  std::string solid = "<lod1Solid><gml:Solid srsName=\"EPSG:4549\" srsDimension=\"3\"><gml:exterior><gml:Shell>";
  solid += "<gml:surfaceMember>" + polygon("floor", quad(0, 10, 10, 0, 0)) + "</gml:surfaceMember>";
  solid += "<gml:surfaceMember>" + polygon("roof", quad(0, 0, 10, 10, 6)) + "</gml:surfaceMember>";
  solid += "<gml:surfaceMember>" + polygon("w1", wall(0, 0, 10, 0, 0, 6)) + "</gml:surfaceMember>";
  solid += "<gml:surfaceMember>" + polygon("w2", wall(10, 0, 10, 10, 0, 6)) + "</gml:surfaceMember>";
  solid += "<gml:surfaceMember>" + polygon("w3", wall(10, 10, 0, 10, 0, 6)) + "</gml:surfaceMember>";
  solid += "<gml:surfaceMember xlink:href=\"#w4\"/>";
  solid += "<gml:surfaceMember xlink:href=\"#nowhere\"/>";
  solid += "</gml:Shell></gml:exterior></gml:Solid></lod1Solid>";
  const std::string w4 = "<boundary><con:WallSurface gml:id=\"ws4\"><lod1MultiSurface><gml:MultiSurface><gml:surfaceMember>" +
                         polygon("w4", wall(0, 10, 0, 0, 0, 6)) +
                         "</gml:surfaceMember></gml:MultiSurface></lod1MultiSurface></con:WallSurface></boundary>";
  const std::string part =
      "<bldg:buildingPart><bldg:BuildingPart gml:id=\"P1\"><bldg:storeysAboveGround>1</bldg:storeysAboveGround>"
      "<boundary><con:GroundSurface><lod2MultiSurface><gml:MultiSurface srsDimension=\"2\"><gml:surfaceMember>"
      "<gml:Polygon><gml:exterior><gml:LinearRing><gml:posList>20 0 30 0 30 5 20 5 20 0</gml:posList></gml:LinearRing>"
      "</gml:exterior><gml:interior><gml:LinearRing><gml:pos>21 1</gml:pos><gml:pos>21 2</gml:pos><gml:pos>22 2</gml:pos>"
      "<gml:pos>21 1</gml:pos></gml:LinearRing></gml:interior></gml:Polygon></gml:surfaceMember></gml:MultiSurface>"
      "</lod2MultiSurface></con:GroundSurface></boundary></bldg:BuildingPart></bldg:buildingPart>";
  const std::string generic =
      "<genericAttribute><gen:IntAttribute><gen:name>建成年份</gen:name><gen:value>1986</gen:value></gen:IntAttribute>"
      "</genericAttribute><genericAttribute><gen:GenericAttributeSet><gen:name>检查</gen:name><gen:value>"
      "<gen:StringAttribute><gen:name>状态</gen:name><gen:value>C级</gen:value></gen:StringAttribute></gen:value>"
      "</gen:GenericAttributeSet></genericAttribute>";
  cimtest::writeFile(dir / "b.gml", head + "<cityObjectMember><bldg:Building gml:id=\"B1\">" + generic + w4 + solid +
                                        part + "</bldg:Building></cityObjectMember></CityModel>\n");
  auto r = io::readCityGml(dir / "b.gml");
  REQUIRE(r.ok());
  CHECK(r->buildings == 1);
  CHECK(r->buildingParts == 1);
  CHECK(r->prisms == 1);
  REQUIRE(r->scene.crs());
  CHECK(r->scene.crs()->definition() == "EPSG:4549");
  const auto* b = cimtest::byGuid(r->scene, "B1");
  REQUIRE(b);
  REQUIRE(cimtest::buildingPrism(*b));
  CHECK(cimtest::buildingPrism(*b)->topElevation == Approx(6.0));
  CHECK(std::get<std::int64_t>(b->attributes.at("建成年份")) == 1986);
  CHECK(std::get<std::string>(b->attributes.at("检查.状态")) == "C级");
  CHECK(cimtest::hasDiagnostic(r.diagnostics(), ErrorCode::CityObjectSkipped, "1 xlink:href"));
  const auto* p = cimtest::byGuid(r->scene, "P1");
  REQUIRE(p);
  CHECK(p->kind == "building-part");
  CHECK(std::get<std::string>(p->attributes.at("parent")) == "B1");
  CHECK(std::get<std::int64_t>(p->attributes.at("storeysAboveGround")) == 1);
  REQUIRE(p->shapes.size() == 1);
  CHECK(p->shapes[0].material.name == "GroundSurface");
  // A 10 x 5 rectangle with a triangular hole: more than the two triangles of the plain rectangle, all at z = 0.
  CHECK(p->shapes[0].mesh.triangleCount() > 2);
  CHECK(r->scene.worldBounds().min.z() == Approx(0.0));

  cimtest::writeFile(dir / "bad.gml", head + "<cityObjectMember><bldg:Building gml:id=\"B1\">\n</cityObjectMember>");
  auto bad = io::readCityGml(dir / "bad.gml");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error()->code == ErrorCode::CorruptFile);
  CHECK_THAT(bad.error()->message, Catch::Matchers::Contains("line"));

  cimtest::writeFile(dir / "empty.gml", head + "<cityObjectMember><bldg:Building gml:id=\"B1\"/></cityObjectMember></CityModel>");
  auto empty = io::readCityGml(dir / "empty.gml");
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error()->code == ErrorCode::CityGmlNotRead);
}
