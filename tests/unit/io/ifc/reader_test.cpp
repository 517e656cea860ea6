// readIfc on real files end to end: units and placements compose, every shared file loads, damaged files load what
// they can, the geometry pass is the same bytes on any thread count and reports progress from the calling thread.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "cim/io/ifc.h"
#include "cim/io/ifc_stream.h"
#include "support/scene_lookup.h"
#include "support/test_support.h"
#include "unit/io/ifc/ifc_test_support.h"

#include <algorithm>
#include <fstream>
#include <thread>

#include "cim/export/gltf.h"
#include "support/mesh_probe.h"

using namespace cim;
using namespace ifctest;
using cimtest::byGuid;

TEST_CASE("IfcOpenHouse: millimetres become metres and placements compose", "[ifc][reader][shared]") {
  const auto path = sharedIfc("IfcOpenHouse_IFC4.ifc");
  REQUIRE_SHARED(path);
  auto r = io::readIfc(path);
  REQUIRE(r.ok());
  CHECK(r->schema == "IFC4");
  CHECK(r->lengthUnitToMeters == Approx(0.001));
  CHECK(r->productsByClass.at("IfcWindow") == 5);  // five IFCWINDOW instances in the file
  // The stair flight #2357 is placed at (5050, 1000, 0) mm; 2 risers of 0.2 m, 2 treads of 0.25 m... web-ifc gives
  // min (5.05, 1.0, -0.4), max (5.55, 2.2, 0) for it.
  const auto* stair = byGuid(r->scene, "2Ab2jpYsXCGu4_o2TnJmpB");
  REQUIRE(stair);
  CHECK(stair->kind == "IfcStairFlight");
  const auto b = stair->worldBounds();
  CHECK(b.min.x() == Approx(5.05).margin(1e-3));
  CHECK(b.min.y() == Approx(1.0).margin(1e-3));
  CHECK(b.max.x() == Approx(5.55).margin(1e-3));
  CHECK(b.max.y() == Approx(2.2).margin(1e-3));
  // The door's OverallHeight is 2200 mm.
  const auto* door = byGuid(r->scene, "0Tif_$wI1FwAwq$OJt24I8");
  REQUIRE(door);
  CHECK(door->worldBounds().size().z() == Approx(2.2).margin(0.01));
}

TEST_CASE("Every shared IFC file loads without a crash", "[ifc][reader][shared]") {
  for (const auto& path : cimtest::sharedFiles("ifc", ".ifc")) {
    INFO(path.filename().string());
    auto r = io::readIfc(path);
    REQUIRE(r.ok());
    for (const auto& d : r.diagnostics()) CHECK(d.severity != Severity::Error);
    r->scene.forEachElement([&](const model::Layer&, const model::Element& e) {
      CHECK_FALSE(e.guid.empty());
      for (const auto& s : e.shapes) {
        CHECK(geometry::isValid(s.mesh));
        CHECK(s.mesh.normals.empty());  // left to the exporters (they compute them when writing)
        CHECK(s.mesh.triangleCount() > 0);
      }
    });
  }
}

TEST_CASE("A damaged IFC loads its intact elements and names the broken ones", "[ifc][reader][corpus]") {
  cimtest::TempDir dir;
  // A unit square extruded 2 m (mm units), one instance with a dangling reference, one with a NaN coordinate.
  const std::string ifc =
      "ISO-10303-21;\nHEADER;FILE_DESCRIPTION((''),'2;1');FILE_NAME('t','',(''),(''),'','','');FILE_SCHEMA(('IFC4'));ENDSEC;\n"
      "DATA;\n"
      "#1=IFCPROJECT('1xS3BCk291UvhgP2a6eflL',$,'P',$,$,$,$,$,#2);\n"
      "#2=IFCUNITASSIGNMENT((#3));\n"
      "#3=IFCSIUNIT(*,.LENGTHUNIT.,.MILLI.,.METRE.);\n"
      "#10=IFCCARTESIANPOINT((0.,0.,0.));\n"
      "#11=IFCAXIS2PLACEMENT3D(#10,$,$);\n"
      "#12=IFCLOCALPLACEMENT($,#11);\n"
      "#20=IFCRECTANGLEPROFILEDEF(.AREA.,$,$,1000.,1000.);\n"
      "#21=IFCEXTRUDEDAREASOLID(#20,#11,#22,2000.);\n"
      "#22=IFCDIRECTION((0.,0.,1.));\n"
      "#23=IFCSHAPEREPRESENTATION($,'Body','SweptSolid',(#21));\n"
      "#24=IFCPRODUCTDEFINITIONSHAPE($,$,(#23));\n"
      "#30=IFCWALL('0gnK1gq9X5sOFhZ$a1N5GG',$,'good wall',$,$,#12,#24,$,$);\n"
      "#40=IFCSHAPEREPRESENTATION($,'Body','SweptSolid',(#999));\n"
      "#41=IFCPRODUCTDEFINITIONSHAPE($,$,(#40));\n"
      "#42=IFCWALL('1gnK1gq9X5sOFhZ$a1N5GG',$,'dangling wall',$,$,#12,#41,$,$);\n"
      "#50=IFCCARTESIANPOINT((0.,0.,1.E308));\n"
      "#51=IFCAXIS2PLACEMENT3D(#50,$,$);\n"
      "#52=IFCLOCALPLACEMENT(#53,#51);\n"
      "#53=IFCLOCALPLACEMENT(#52,#51);\n"
      "#54=IFCWALL('2gnK1gq9X5sOFhZ$a1N5GG',$,'cyclic wall',$,$,#52,#24,$,$);\n"
      "ENDSEC;\nEND-ISO-10303-21;\n";
  cimtest::writeFile(dir / "bad.ifc", ifc);
  auto r = io::readIfc(dir / "bad.ifc");
  REQUIRE(r.ok());
  const auto* good = byGuid(r->scene, "0gnK1gq9X5sOFhZ$a1N5GG");
  REQUIRE(good);
  CHECK(good->worldBounds().size().isApprox(Eigen::Vector3d(1, 1, 2), 1e-6));
  CHECK(byGuid(r->scene, "1gnK1gq9X5sOFhZ$a1N5GG") == nullptr);
  // The cyclic, absurd placement is reported and falls back to identity; the wall still shows.
  CHECK(byGuid(r->scene, "2gnK1gq9X5sOFhZ$a1N5GG") != nullptr);
  bool dangling = false, cyclic = false, absurd = false;
  for (const auto& d : r.diagnostics()) {
    if (d.elementId == "#999") dangling = true;
    if (d.message.find("cyclic") != std::string::npos) cyclic = true;
    if (d.elementId == "#50") absurd = true;
  }
  CHECK(dangling);
  CHECK(cyclic);
  CHECK(absurd);
}

// The GLB and diagnostics of a file with many elements (222, 37k triangles), byte for byte.
TEST_CASE("Geometry on two threads gives the same GLB bytes as on one", "[ifc][determinism][shared]") {
  const auto path = sharedIfc("hvac_heating.ifc");
  REQUIRE_SHARED(path);
  cimtest::TempDir dir;
  std::string bytes[2];
  for (unsigned threads : {1u, 2u}) {
    io::IfcOptions o;
    o.threads = threads;
    auto r = io::readIfc(path, o);
    REQUIRE(r.ok());
    const auto out = dir / (std::to_string(threads) + "threads.glb");
    REQUIRE(gltf::write(r->scene, out).ok());
    std::ifstream in(out, std::ios::binary);
    bytes[threads - 1].assign(std::istreambuf_iterator<char>(in), {});
    std::string diagnostics;
    for (const auto& d : r.diagnostics()) diagnostics += formatDiagnostic(d) + "\n";
    bytes[threads - 1] += diagnostics;
  }
  CHECK(bytes[0].size() > 1000000);
  CHECK(bytes[0] == bytes[1]);
}

// Walls with openings cut by corefinement: CGAL 5.5 ordered ties by heap address (its boxes' ids, its triangulations'
// face handles), so a second read in the same process, or a read on two threads, gave a wall of duplex
// (2O2Fr$t4X7Zf8NOew3FLPP) and two of AC20-FZK-Haus with vertices a few ulps apart in another order. Every mesh of every
// element must come out exactly the same: the first read of a process, a later one, and one on two threads.
TEST_CASE("Walls cut by corefinement are the same on every read and for any thread count", "[ifc][determinism][shared]") {
  for (const char* name : {"duplex.ifc", "AC20-FZK-Haus.ifc"}) {
    const auto path = sharedIfc(name);
    REQUIRE_SHARED(path);
    std::vector<model::Scene> scenes;
    std::size_t openingsCut = 0;
    for (unsigned threads : {1u, 1u, 2u}) {
      io::IfcOptions o;
      o.threads = threads;
      auto r = io::readIfc(path, o);
      REQUIRE(r.ok());
      openingsCut = r->openingsCut;
      scenes.push_back(std::move(r->scene));
    }
    CHECK(openingsCut > 10);
    std::vector<const model::Element*> first;
    scenes[0].forEachElement([&](const model::Layer&, const model::Element& e) { first.push_back(&e); });
    for (std::size_t k = 1; k < scenes.size(); ++k) {
      std::vector<const model::Element*> other;
      scenes[k].forEachElement([&](const model::Layer&, const model::Element& e) { other.push_back(&e); });
      REQUIRE(other.size() == first.size());
      for (std::size_t i = 0; i < first.size(); ++i) {
        INFO(name << " read " << k << ", element " << first[i]->guid);
        REQUIRE(other[i]->guid == first[i]->guid);
        REQUIRE(other[i]->shapes.size() == first[i]->shapes.size());
        for (std::size_t j = 0; j < first[i]->shapes.size(); ++j) {
          const auto& a = first[i]->shapes[j].mesh;
          const auto& b = other[i]->shapes[j].mesh;
          const bool same = a.origin == b.origin && a.positions == b.positions && a.indices == b.indices;
          CHECK(same);
        }
      }
    }
  }
}

// The geometry pass runs on the shared worker pool: progress comes from the calling thread only, rises to 1, and a
// callback that returns false stops the read with ErrorCode::Cancelled (hvac_heating: 222 products, so two workers).
TEST_CASE("Geometry progress comes from the calling thread and rises to 1, and returning false cancels", "[ifc][reader][shared]") {
  const auto path = sharedIfc("hvac_heating.ifc");
  REQUIRE_SHARED(path);
  io::IfcOptions o;
  o.threads = 2;
  const auto caller = std::this_thread::get_id();
  std::vector<double> geometry;
  bool otherThread = false;
  auto r = io::readIfc(path, o, [&](std::string_view stage, double f) {
    otherThread |= std::this_thread::get_id() != caller;
    if (stage == "geometry") geometry.push_back(f);
    return true;
  });
  REQUIRE(r.ok());
  CHECK_FALSE(otherThread);
  REQUIRE(geometry.size() >= 2);
  CHECK(std::is_sorted(geometry.begin(), geometry.end()));
  CHECK(geometry.front() >= 0.2);
  CHECK(geometry.back() == 1.0);

  std::size_t calls = 0;
  auto cancelled = io::readIfc(path, o, [&](std::string_view stage, double) { return stage != "geometry" || calls++ > 0; });
  REQUIRE_FALSE(cancelled.ok());
  CHECK(cancelled.error()->code == ErrorCode::Cancelled);
  CHECK(calls == 1);
}

TEST_CASE("IFC diagnostics carry the io/ifc code of what happened", "[ifc][reader][diagnostics]") {
  // One small file per code of docs/error-codes.md's 6000 range (6005, a georeference not used, is in georef_test).
  const std::string block = "#420=IFCBLOCK(#11,2.,2.,2.);\n";
  struct Case {
    const char* what;
    std::string data;
    ErrorCode code;
    const char* id;  // the instance the diagnostic names
  };
  const Case cases[] = {
      {"an item the reader does not draw", block + "#410=IFCBOUNDINGBOX(#10,1.,1.,1.);\n" + proxyWith("#410,#420"),
       ErrorCode::IfcItemNotRead, "#410"},
      {"a union with a half-space", block + "#421=IFCPLANE(#11);#422=IFCHALFSPACESOLID(#421,.F.);\n"
                                            "#423=IFCBOOLEANRESULT(.UNION.,#420,#422);\n" + proxyWith("#423"),
       ErrorCode::IfcBooleanNotApplied, "#423"},
      {"an opening without a body", block + proxyWith("#420") +
                                        "#430=IFCOPENINGELEMENT('3gnK1gq9X5sOFhZ$a1N5GG',$,'o',$,$,#12,$,$,$);\n"
                                        "#431=IFCRELVOIDSELEMENT('4gnK1gq9X5sOFhZ$a1N5GG',$,$,$,#902,#430);\n",
       ErrorCode::IfcOpeningNotCut, "#430"},
      {"a type not in the schema", block + proxyWith("#420") + "#440=IFCNOTINANYSCHEMA(1.,2.);\n",
       ErrorCode::IfcSchemaMismatch, "#440"},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    auto l = load(ifcWith(c.data));
    INFO(allMessages(l.diagnostics));
    bool found = false;
    for (const auto& d : l.diagnostics) found |= d.code == c.code && d.elementId == c.id;
    CHECK(found);
    CHECK(l.found);  // the element still loads (the block, uncut or not combined)
  }
}

TEST_CASE("A point in a body representation is a marker with no extent: a note, not an unsupported item",
          "[ifc][reader]") {
  // BC003_ALX2 (Civil 3D) gives a node an IfcShapeRepresentation 'Body' 'Point' holding one IfcCartesianPoint.
  auto l = ifctest::load(ifctest::ifcWith("#20=IFCCARTESIANPOINT((1.,2.,3.));\n" + ifctest::proxyWith("#20")));
  INFO(ifctest::allMessages(l.diagnostics));
  bool noted = false;
  for (const auto& d : l.diagnostics) {
    if (d.message.find("#20") == std::string::npos && d.elementId != "#20") continue;
    CHECK(d.severity == Severity::Info);
    CHECK(d.message.find("not supported") == std::string::npos);
    noted = noted || d.message.find("point") != std::string::npos;
  }
  CHECK(noted);
  CHECK(l.mesh.triangles.empty());
}

TEST_CASE("readIfcElements hands on the elements readIfc gives, holding a window of them, not the model", "[ifc][reader][stream]") {
  cimtest::TempDir dir;
  const std::size_t n = 4000;
  cimtest::writeFile(dir / "many.ifc", ifcWith(manyProxies(n)));
  io::IfcOptions options;
  options.threads = 2;
  auto whole = io::readIfc(dir / "many.ifc", options);
  REQUIRE(whole.ok());
  std::vector<const model::Element*> expected;
  whole->scene.forEachElement([&](const model::Layer&, const model::Element& e) { expected.push_back(&e); });
  REQUIRE(expected.size() == n);

  std::size_t i = 0, mismatches = 0;
  std::string layerName;
  auto streamed = io::readIfcElements(dir / "many.ifc", options, [&](const std::string& layer, model::Element&& e) {
    layerName = layer;
    const model::Element& x = *expected[i++];
    if (e.id != x.id || e.guid != x.guid || e.name != x.name || e.triangleCount() != x.triangleCount() ||
        !e.worldBounds().min.isApprox(x.worldBounds().min) || e.attributes != x.attributes)
      ++mismatches;
  });
  REQUIRE(streamed.ok());
  CHECK(streamed->elements == n);
  CHECK(i == n);
  CHECK(mismatches == 0);
  CHECK(layerName == "many.ifc");
  CHECK(streamed->read.scene.elementCount() == 0);
  CHECK(streamed->read.productsByClass == whole->productsByClass);
  CHECK(streamed->read.productsWithGeometry == n);
  CHECK(streamed.diagnostics().size() == whole.diagnostics().size());
  // The memory bound: never more than one window of built elements at a time, far fewer than the model's.
  CHECK(streamed->peakElementsHeld > 0);
  CHECK(streamed->peakElementsHeld <= 1024);
}

TEST_CASE("readIfcElements moves each element into the file's CRS when the georeference applies", "[ifc][reader][stream]") {
  const auto path = sharedIfc("geographic-referencing-utm.ifc");
  REQUIRE_SHARED(path);
  auto whole = io::readIfc(path);
  REQUIRE(whole.ok());
  REQUIRE(whole->scene.crs());
  std::vector<geometry::Aabb> boxes;
  whole->scene.forEachElement([&](const model::Layer&, const model::Element& e) { boxes.push_back(e.worldBounds()); });
  std::size_t i = 0, far = 0;
  auto streamed = io::readIfcElements(path, {}, [&](const std::string&, model::Element&& e) {
    if (i < boxes.size() && (e.worldBounds().center() - boxes[i].center()).norm() > 1e-6) ++far;
    ++i;
  });
  REQUIRE(streamed.ok());
  CHECK(i == boxes.size());
  CHECK(far == 0);
  REQUIRE(streamed->read.scene.crs());
  CHECK(streamed->read.scene.crs()->definition() == whole->scene.crs()->definition());
}
