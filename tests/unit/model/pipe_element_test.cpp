// model/pipe_element: the element of a pipe segment or a well from its exact form — what an application that builds
// or edits a segment gets from the library, and what the readers give.
#include <cmath>
#include <numbers>

#include <catch2/catch.hpp>

#include "cim/geometry/sweep.h"
#include "cim/model/pipe_element.h"
#include "support/mesh_probe.h"

using namespace cim;

namespace {

// A DN300 medium-A gas main, 20 m east at 1.5 m below a 10 m ground (outer top), as a survey row gives it.
model::PipeSegment gasMain() {
  model::PipeSegment s;
  s.centreline = {{515400, 3347840, 8.35}, {515420, 3347840, 8.35}};
  s.section.outerDiameterMeters = 0.3;
  s.type = *model::pipeTypeFromCode("RQ");
  s.id = "RQ1-RQ2";
  s.startPointId = "RQ1";
  s.endPointId = "RQ2";
  s.material = "PE";
  s.pressureMpa = 0.3;
  s.gasPressureClass = model::GasPressureClass::MediumA;
  s.startDepthMeters = 1.5;
  s.endDepthMeters = 1.5;
  s.depthReference = model::DepthReference::OuterTop;
  s.sizeText = "DN300";
  s.source = "/data/survey/gas_lines.csv";
  s.sourceRow = 7;
  return s;
}

}  // namespace

TEST_CASE("A pipe element carries its segment, a closed mesh of its section and its survey attributes", "[model][pipes]") {
  const model::Element e = model::pipeElement(gasMain(), {{"材质", std::string("PE")}});
  CHECK(e.kind == "pipe");
  CHECK(e.name == "RQ1-RQ2");
  CHECK(e.guid == "gas_lines.csv#7");  // the file name and row, not the path
  REQUIRE(e.pipe());
  CHECK(e.pipe()->length() == Approx(20.0));
  REQUIRE(e.shapes.size() == 1);
  CHECK(e.shapes[0].material.name == "RQ 燃气");
  CHECK(e.shapes[0].material.color == model::pipeTypeColor(e.pipe()->type));
  const auto& mesh = e.shapes[0].mesh;
  CHECK(cimtest::isClosed(mesh));
  // The facets: the n-gon inscribed in the 300 mm circle whose chords stay within the default 10 mm of it (n = 9
  // here), swept 20 m: its volume exactly, and its height between the circle's inner and outer extent.
  const int n = geometry::circleSegments(0.15, 0.01);
  CHECK(n == 9);
  const double polygon = n / 2.0 * 0.15 * 0.15 * std::sin(2 * std::numbers::pi / n);
  CHECK(cimtest::volumeOf(e) == Approx(polygon * 20.0).epsilon(1e-6));
  const auto b = e.worldBounds();
  CHECK(b.max.z() - b.min.z() <= 0.3 + 1e-6);
  CHECK(b.max.z() - b.min.z() >= 0.3 * std::cos(std::numbers::pi / n) - 1e-6);
  // Attributes: the row's own fields, then the library's typed pipe.* keys.
  const auto& a = e.attributes;
  CHECK(std::get<std::string>(a.at("材质")) == "PE");
  struct Key {
    const char* name;
    model::AttributeValue value;
  };
  const Key keys[] = {
      {"pipe.typeCode", std::string("RQ")},        {"pipe.typeClass", std::string("RQ")},
      {"pipe.className", std::string("燃气")},     {"pipe.classNameEn", std::string("gas")},
      {"pipe.startPoint", std::string("RQ1")},     {"pipe.endPoint", std::string("RQ2")},
      {"pipe.startDepth", 1.5},                    {"pipe.endDepth", 1.5},
      {"pipe.depthReference", std::string("outer top")},
      {"pipe.startHeight", 8.35},                  {"pipe.endHeight", 8.35},
      {"pipe.section", std::string("circular")},   {"pipe.diameterMillimeters", 300.0},
      {"pipe.size", std::string("DN300")},         {"pipe.material", std::string("PE")},
      {"pipe.pressureMPa", 0.3},                   {"pipe.pressureClass", std::string("medium A")},
      {"pipe.pressureClassZh", std::string("中压A")}, {"pipe.length", 20.0},
      // the file name only: published attributes carry no folder of the producer's machine
      {"pipe.source", std::string("gas_lines.csv")}, {"pipe.row", std::int64_t{7}},
  };
  for (const auto& k : keys) {
    INFO(k.name);
    REQUIRE(a.contains(k.name));
    if (const auto* d = std::get_if<double>(&k.value)) CHECK(std::get<double>(a.at(k.name)) == Approx(*d));
    else CHECK(a.at(k.name) == k.value);
  }
  CHECK_FALSE(a.contains("pipe.voltageKv"));  // only what the segment has
}

TEST_CASE("Editing a segment and making its element again gives the edited mesh and attributes", "[model][pipes]") {
  auto s = gasMain();
  s.section.shape = model::PipeSection::Shape::Rectangular;  // a 1000×800 duct bank instead
  s.section.widthMeters = 1.0;
  s.section.heightMeters = 0.8;
  s.centreline.back() = {515400, 3347860, 8.35};  // turned north
  s.sourceRow = -1;                                  // built by hand: no source row
  const auto e = model::pipeElement(s);
  CHECK(e.guid == "RQ1-RQ2");  // the id stands in for the row
  CHECK(std::get<std::string>(e.attributes.at("pipe.section")) == "rectangular");
  CHECK(std::get<double>(e.attributes.at("pipe.widthMillimeters")) == Approx(1000.0));
  CHECK_FALSE(e.attributes.contains("pipe.diameterMillimeters"));
  const auto b = e.worldBounds();
  CHECK(b.max.x() - b.min.x() == Approx(1.0).margin(1e-4));  // the width lies across the (northward) centreline
  CHECK(b.max.y() - b.min.y() == Approx(20.0).margin(1e-4));
  CHECK(cimtest::volumeOf(e) == Approx(1.0 * 0.8 * 20.0).epsilon(1e-6));
}

TEST_CASE("A well element is a cylinder or a box from its cover down by its depth", "[model][pipes]") {
  model::Well w;
  w.top = {515400, 3347840, 10.0};
  w.depthMeters = 2.5;
  w.diameterMeters = 1.0;
  w.type = *model::pipeTypeFromCode("WS");
  w.pointId = "W7";
  w.feature = "检查井";
  w.source = "ws_points.csv";
  w.sourceRow = 3;
  const auto round = model::wellElement(w, {}, 0.001);
  CHECK(round.kind == "well");
  CHECK(round.guid == "ws_points.csv#3");
  REQUIRE(round.well());
  CHECK(round.shapes.at(0).material.name == "PS well");
  CHECK(cimtest::isClosed(round.shapes[0].mesh));
  CHECK(cimtest::volumeOf(round) == Approx(std::numbers::pi * 0.25 * 2.5).epsilon(0.005));
  CHECK(round.worldBounds().min.z() == Approx(7.5).margin(1e-5));
  CHECK(std::get<double>(round.attributes.at("pipe.groundHeight")) == Approx(10.0));
  CHECK(std::get<double>(round.attributes.at("pipe.wellDepth")) == Approx(2.5));
  CHECK(std::get<std::string>(round.attributes.at("pipe.feature")) == "检查井");
  w.diameterMeters = 0;
  w.widthMeters = 1.2;
  w.lengthMeters = 0.8;
  const auto box = model::wellElement(w);
  CHECK(cimtest::volumeOf(box) == Approx(1.2 * 0.8 * 2.5).epsilon(1e-6));
}
