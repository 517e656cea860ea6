// readIfc on real files: units, placements, geometry sizes, spatial structure and properties, checked against
// numbers written in the IFC files themselves (and, where noted, against web-ifc's output on the same element).
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <thread>

#include "cim/export/gltf.h"
#include "cim/geo/georeference.h"
#include "cim/io/ifc.h"
#include "support/mesh_probe.h"
#include "support/scene_lookup.h"
#include "support/test_support.h"

using namespace cim;
using Catch::Matchers::Contains;

namespace {

std::filesystem::path sharedIfc(const char* name) { return cimtest::sharedDataDir() / "ifc" / name; }

#define REQUIRE_SHARED(path)                                             \
  if (!std::filesystem::exists(path)) {                                  \
    WARN("shared IFC data not found: " << (path) << "; skipping");       \
    return;                                                              \
  }

using cimtest::byGuid;

}  // namespace

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

TEST_CASE("Office_A: window size, storey and property values as the file writes them", "[ifc][reader][shared]") {
  const auto path = sharedIfc("Office_A_20110811.ifc");
  REQUIRE_SHARED(path);
  auto r = io::readIfc(path);
  REQUIRE(r.ok());
  CHECK(r->schema == "IFC2X3");
  // #929 IFCWINDOW('1SBS_3GrH1NxHgCQcZ5ifE', ..., OverallHeight 1.4999999, OverallWidth 1.2)
  const auto* w = byGuid(r->scene, "1SBS_3GrH1NxHgCQcZ5ifE");
  REQUIRE(w);
  CHECK(w->name == "M_Fixed:1220 x 1500:1220 x 1500:193946");
  CHECK(std::get<std::string>(w->attributes.at("ObjectType")) == "1220 x 1500");
  CHECK(std::get<std::string>(w->attributes.at("Tag")) == "193946");
  CHECK(std::get<std::string>(w->attributes.at("Storey")) == "Level 2");
  const auto size = w->worldBounds().size();
  CHECK(size.z() == Approx(1.5).margin(1e-3));
  CHECK(std::max(size.x(), size.y()) == Approx(1.2).margin(1e-3));
  // #57024 relates #929 to Pset_WindowCommon #49502 = (#69 Reference, #57 IsExternal, #66 FireRating).
  CHECK(std::get<bool>(w->attributes.at("Pset_WindowCommon.IsExternal")) == true);
  CHECK(std::get<std::string>(w->attributes.at("Pset_WindowCommon.Reference")) == "M_Fixed:1220 x 1500");
  CHECK(std::get<std::string>(w->attributes.at("Pset_WindowCommon.FireRating")) == "FireRating");
}

TEST_CASE("The swept-disk cable segment web-ifc leaves empty is a round tube", "[ifc][reader][shared]") {
  const auto path = sharedIfc("987--flowSegment--segfault--augmented.ifc");
  REQUIRE_SHARED(path);
  auto r = io::readIfc(path);
  REQUIRE(r.ok());
  REQUIRE(r->scene.elementCount() == 1);
  const auto& e = r->scene.layers()[0].elements[0];
  CHECK(e.kind == "IfcFlowSegment");
  // IFCSWEPTDISKSOLID radius 0.0038772 m along a polyline in a horizontal plane: the tube is 2 r thick in z.
  CHECK(e.worldBounds().size().z() == Approx(2 * 0.0038772).margin(1e-5));
  // The file's own quantity: 'Total Surface Area' 0.17511 m^2 (lateral surface plus caps).
  double area = 0;
  for (const auto& s : e.shapes) area += geometry::surfaceArea(s.mesh);
  CHECK(area == Approx(0.17511).epsilon(0.02));
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

TEST_CASE("IfcMapConversion with rotation and an inverted Scale lands where its numbers say", "[ifc][georef][shared]") {
  const auto path = sharedIfc("geographic-referencing-utm.ifc");
  REQUIRE_SHARED(path);
  auto r = io::readIfc(path);
  REQUIRE(r.ok());
  REQUIRE(r->scene.crs());
  CHECK(r->scene.crs()->definition() == "EPSG:25832");
  CHECK(r->georeferenceSource == "IfcMapConversion");
  // #2 IFCMAPCONVERSION(..., 458657.30, 5438232.25, 113.7, 0.270600445976, 0.962691746426, 1000.) on a millimetre
  // model: a 1000 x 1000 mm column centred on the origin, 4000 mm tall. Its centre maps to (Eastings, Northings);
  // rotated by atan2(0.9627, 0.2706), its 1 m square spans cos + sin = 1.2333 m in both map axes.
  const auto b = r->scene.worldBounds();
  CHECK(b.center().x() == Approx(458657.30).margin(1e-3));
  CHECK(b.center().y() == Approx(5438232.25).margin(1e-3));
  CHECK(b.min.z() == Approx(113.7).margin(1e-3));
  CHECK(b.max.z() == Approx(117.7).margin(1e-3));
  CHECK(b.size().x() == Approx(0.270600445976 + 0.962691746426).margin(1e-3));
  bool inverted = false;
  for (const auto& d : r.diagnostics()) inverted |= d.message.find("inverse of the model-to-map unit ratio") != std::string::npos;
  CHECK(inverted);
}

TEST_CASE("IfcMapConversion offsets the engineering frame by its eastings and northings", "[ifc][georef][shared]") {
  const auto path = sharedIfc("DrainageSystem-2.ifc");
  REQUIRE_SHARED(path);
  io::IfcOptions local;
  local.applyGeoreference = false;
  auto engineering = io::readIfc(path, local);
  auto mapped = io::readIfc(path);
  REQUIRE(engineering.ok());
  REQUIRE(mapped.ok());
  CHECK_FALSE(engineering->scene.crs());
  REQUIRE(mapped->scene.crs());
  CHECK(mapped->scene.crs()->definition() == "EPSG:3878");
  // #27 IFCMAPCONVERSION(#24, #26, 24525000.0, 6876000.0, 0.0, 1.0, 0.0, 1.0, $, $): a pure shift.
  const auto a = engineering->scene.worldBounds(), b = mapped->scene.worldBounds();
  CHECK(b.min.x() - a.min.x() == Approx(24525000.0).margin(1e-3));
  CHECK(b.max.y() - a.max.y() == Approx(6876000.0).margin(1e-3));
  CHECK(b.min.z() == Approx(a.min.z()).margin(1e-6));
}

TEST_CASE("A bare IFC4X3 file with the pre-release 10-attribute IfcMapConversion keeps its georeference",
          "[ifc][georef][shared]") {
  // Civil 3D 2023 writes FILE_SCHEMA(('IFC4X3')) and #29= IFCMAPCONVERSION(#25,#24,1892000.0,3126700.0,0.0,$,$,$,$,$)
  // (ScaleY/ScaleZ of the drafts): once refused as "10 attributes, IFC4X3_ADD2 defines 8", silently local.
  const auto path = sharedIfc("BC003_ALX2_Reference.ifc");
  REQUIRE_SHARED(path);
  io::IfcOptions local;
  local.applyGeoreference = false;
  auto engineering = io::readIfc(path, local);
  auto mapped = io::readIfc(path);
  REQUIRE(engineering.ok());
  REQUIRE(mapped.ok());
  CHECK(mapped->georeferenceSource == "IfcMapConversion");
  REQUIRE(mapped->scene.crs());
  CHECK(mapped->scene.crs()->definition() == "EPSG:3944");
  const auto a = engineering->scene.worldBounds(), b = mapped->scene.worldBounds();
  CHECK(b.min.x() - a.min.x() == Approx(1892000.0).margin(1e-3));
  CHECK(b.max.y() - a.max.y() == Approx(3126700.0).margin(1e-3));
}

TEST_CASE("A projected CRS with a vertical datum code becomes a compound CRS", "[ifc][georef][shared]") {
  const auto path = sharedIfc("Georeferencing-Earthworks-12d-1.ifc");
  REQUIRE_SHARED(path);
  auto r = io::readIfc(path);
  REQUIRE(r.ok());
  REQUIRE(r->scene.crs());
  // IFCPROJECTEDCRS('EPSG:7856', 'MGA2020 Zone 56 and AHD', 'EPSG:7844', 'EPSG:5711', ...)
  CHECK(r->scene.crs()->definition() == "EPSG:7856+5711");
  CHECK(r->scene.crs()->hasVertical());
  // #22 IFCMAPCONVERSION(#14, #21, 0., 0., 0., 1., 0., 1., 1., 1.): the identity (the model is written in map
  // coordinates). #37681's first point (255300., 7410785., 30.3224782) must be inside the mapped model, and the mapped
  // bounds equal the engineering ones.
  io::IfcOptions local;
  local.applyGeoreference = false;
  auto engineering = io::readIfc(path, local);
  REQUIRE(engineering.ok());
  const auto a = engineering->scene.worldBounds(), b = r->scene.worldBounds();
  CHECK((a.min - b.min).norm() < 1e-6);
  CHECK((a.max - b.max).norm() < 1e-6);
  CHECK(b.contains(Eigen::Vector3d(255300., 7410785., 30.3224782), 1e-3));
  CHECK(b.min.x() > 255000.0);  // not shifted, rotated or scaled away
  CHECK(b.max.y() < 7411000.0);
}

TEST_CASE("Without IfcMapConversion, IfcSite latitude and longitude place the model", "[ifc][georef][shared]") {
  const auto path = sharedIfc("AC20-FZK-Haus.ifc");
  REQUIRE_SHARED(path);
  auto r = io::readIfc(path);
  REQUIRE(r.ok());
  CHECK(r->georeferenceSource == "IfcSite");
  REQUIRE(r->scene.crs());
  // #389 IFCSITE(..., (49,6,1,566000), (8,26,11,540400), 110., ...): the project origin lies at 49.1004350 N,
  // 8.4365390 E, 110 m; the house (-3..15 m in x) stays within ~20 m of it.
  auto g = geo::Georeference::create(*r->scene.crs());
  REQUIRE(g.ok());
  auto origin = g->projectToWgs84(Eigen::Vector3d(0, 0, 110.0));
  REQUIRE(origin);
  CHECK(origin->y() == Approx(49.0 + 6.0 / 60 + 1.566 / 3600).margin(1e-9));
  CHECK(origin->x() == Approx(8.0 + 26.0 / 60 + 11.5404 / 3600).margin(1e-9));
  const auto b = r->scene.worldBounds();
  CHECK(b.min.z() == Approx(109.0).margin(1e-3));  // the lowest footing is 1 m below the site
  CHECK(b.size().head<2>().norm() < 40.0);
}

namespace {
std::string georeferencedBox(const std::string& crsName, const std::string& scale) {
  return "ISO-10303-21;\nHEADER;FILE_DESCRIPTION((''),'2;1');FILE_NAME('t','',(''),(''),'','','');FILE_SCHEMA(('IFC4'));ENDSEC;\n"
         "DATA;\n"
         "#1=IFCPROJECT('1xS3BCk291UvhgP2a6eflL',$,'P',$,$,$,$,(#4),#2);\n"
         "#2=IFCUNITASSIGNMENT((#3));\n"
         "#3=IFCSIUNIT(*,.LENGTHUNIT.,.MILLI.,.METRE.);\n"
         "#4=IFCGEOMETRICREPRESENTATIONCONTEXT($,'Model',3,1.E-5,#11,$);\n"
         "#5=IFCPROJECTEDCRS('" + crsName + "',$,$,$,$,$,#6);\n"
         "#6=IFCSIUNIT(*,.LENGTHUNIT.,$,.METRE.);\n"
         "#7=IFCMAPCONVERSION(#4,#5,515398.97,3347837.87,8.2,1.,0.," + scale + ");\n"
         "#10=IFCCARTESIANPOINT((0.,0.,0.));\n"
         "#11=IFCAXIS2PLACEMENT3D(#10,$,$);\n"
         "#12=IFCLOCALPLACEMENT($,#11);\n"
         "#20=IFCRECTANGLEPROFILEDEF(.AREA.,$,$,2000.,1000.);\n"
         "#21=IFCEXTRUDEDAREASOLID(#20,#11,#22,3000.);\n"
         "#22=IFCDIRECTION((0.,0.,1.));\n"
         "#23=IFCSHAPEREPRESENTATION(#4,'Body','SweptSolid',(#21));\n"
         "#24=IFCPRODUCTDEFINITIONSHAPE($,$,(#23));\n"
         "#30=IFCWALL('0gnK1gq9X5sOFhZ$a1N5GG',$,'box',$,$,#12,#24,$,$);\n"
         "ENDSEC;\nEND-ISO-10303-21;\n";
}
}  // namespace

TEST_CASE("A Hangzhou model in millimetres with Scale omitted still lands in metres", "[ifc][georef][corpus]") {
  cimtest::TempDir dir;
  cimtest::writeFile(dir / "hz.ifc", georeferencedBox("EPSG:4549", "$"));
  auto r = io::readIfc(dir / "hz.ifc");
  REQUIRE(r.ok());
  REQUIRE(r->scene.crs());
  CHECK(r->scene.crs()->definition() == "EPSG:4549");
  const auto b = r->scene.worldBounds();
  CHECK(b.min.x() == Approx(515398.97 - 1.0).margin(1e-3));  // a 2 m x 1 m x 3 m box centred on the origin
  CHECK(b.max.y() == Approx(3347837.87 + 0.5).margin(1e-3));
  CHECK(b.max.z() == Approx(8.2 + 3.0).margin(1e-3));
  bool warned = false;
  for (const auto& d : r.diagnostics()) warned |= d.message.find("Scale is 1 although") != std::string::npos;
  CHECK(warned);
}

TEST_CASE("Unknown or empty CRS names leave the model local with a diagnostic", "[ifc][georef][corpus]") {
  cimtest::TempDir dir;
  for (const char* name : {"EPSG:999999", "", "Hangzhou 2000"}) {
    INFO(name);
    cimtest::writeFile(dir / "x.ifc", georeferencedBox(name, "0.001"));
    auto r = io::readIfc(dir / "x.ifc");
    REQUIRE(r.ok());
    CHECK_FALSE(r->scene.crs());
    CHECK(r->scene.elementCount() == 1);
    bool named = false;
    for (const auto& d : r.diagnostics()) named |= d.code == ErrorCode::UnknownCrs && d.elementId == "#5";
    CHECK(named);
  }
}


TEST_CASE("Openings of AC20-FZK-Haus are really cut: rays pass through, walls lose volume", "[ifc][openings][shared]") {
  const auto path = sharedIfc("AC20-FZK-Haus.ifc");
  REQUIRE_SHARED(path);
  io::IfcOptions cutOptions, uncutOptions;
  cutOptions.applyGeoreference = uncutOptions.applyGeoreference = false;
  cutOptions.includeOpenings = true;
  uncutOptions.cutOpenings = false;
  auto cut = io::readIfc(path, cutOptions);
  auto uncut = io::readIfc(path, uncutOptions);
  REQUIRE(cut.ok());
  REQUIRE(uncut.ok());
  CHECK(cut->openingsCut == 17);  // 17 IfcRelVoidsElement in the file
  CHECK(cut->openingsNotCut == 0);

  // Every opening in a wall: a segment through its centre along its thinnest axis (through the wall) crosses the
  // uncut walls but no triangle of the cut ones. (One of the 17 openings is in a slab, not a wall.)
  std::size_t openings = 0, wallOpenings = 0, passedCut = 0;
  cut->scene.forEachElement([&](const model::Layer&, const model::Element& o) {
    if (o.kind != "IfcOpeningElement") return;
    ++openings;
    const auto box = o.worldBounds();
    int thin = 0;
    box.size().minCoeff(&thin);
    const Eigen::Vector3d c = box.center();
    Eigen::Vector3d a = c, b = c;
    a[thin] = box.min[thin] - 0.01;
    b[thin] = box.max[thin] + 0.01;
    bool hitCut = false, hitUncut = false;
    cut->scene.forEachElement([&](const model::Layer&, const model::Element& w) {
      if (w.kind.rfind("IfcWall", 0) == 0 && cimtest::segmentHits(w, a, b)) hitCut = true;
    });
    uncut->scene.forEachElement([&](const model::Layer&, const model::Element& w) {
      if (w.kind.rfind("IfcWall", 0) == 0 && cimtest::segmentHits(w, a, b)) hitUncut = true;
    });
    if (hitUncut) {
      ++wallOpenings;
      passedCut += !hitCut;
    }
  });
  CHECK(openings == 17);
  CHECK(wallOpenings == 16);
  CHECK(passedCut == wallOpenings);

  // Walls with openings lose volume, never gain it; in total at least the opening bodies' overlap with them.
  double cutVolume = 0, uncutVolume = 0;
  cut->scene.forEachElement([&](const model::Layer&, const model::Element& w) {
    if (w.kind.rfind("IfcWall", 0) == 0) cutVolume += cimtest::volumeOf(w);
  });
  uncut->scene.forEachElement([&](const model::Layer&, const model::Element& w) {
    if (w.kind.rfind("IfcWall", 0) == 0) uncutVolume += cimtest::volumeOf(w);
  });
  CHECK(cutVolume < uncutVolume - 1.0);  // 17 doors and windows through 0.24-0.4 m walls remove several m^3
  CHECK(cutVolume > 0.5 * uncutVolume);
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
    const auto out = dir / ("t" + std::to_string(threads) + ".glb");
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
TEST_CASE("Geometry progress comes from the calling thread and rises to 1; returning false cancels", "[ifc][reader][shared]") {
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

TEST_CASE("Geometry in absolute map coordinates keeps centimetres", "[ifc][reader][shared]") {
  const auto path = sharedIfc("Georeferencing-Earthworks-12d-1.ifc");
  REQUIRE_SHARED(path);
  auto r = io::readIfc(path);
  REQUIRE(r.ok());
  // #37511 IfcEarthworksFill: a faceted brep written in MGA zone 56 coordinates under an identity placement.
  // web-ifc 0.0.78 gives min (255292.2347, 7410804.2701, 29.2074), max (255299.7012, 7410814.5816, 31.5102).
  const auto* fill = byGuid(r->scene, "1Pw$oQYkb9w8YLBq3qzvZb");
  REQUIRE(fill);
  const auto b = fill->worldBounds();
  CHECK(b.min.x() == Approx(255292.2347).margin(0.005));
  CHECK(b.min.y() == Approx(7410804.2701).margin(0.005));
  CHECK(b.max.y() == Approx(7410814.5816).margin(0.005));
  CHECK(b.max.z() == Approx(31.5102).margin(0.005));
  // The stand-alone IfcEarthworksCut (a subtraction feature that voids nothing) is drawn.
  const auto* cut = byGuid(r->scene, "1GAZBRWXf6wuwB1F1Gux26");
  REQUIRE(cut);
  CHECK(cut->triangleCount() == 3830);
}

TEST_CASE("IFC2X3 ePset_MapConversion and ePset_ProjectedCRS georeference a model", "[ifc][georef][corpus]") {
  // Millimetres, rotated 90 degrees (x axis to map north), on the IfcSite via IfcRelDefinesByProperties.
  const std::string ifc =
      "ISO-10303-21;\nHEADER;FILE_DESCRIPTION((''),'2;1');FILE_NAME('t','',(''),(''),'','','');"
      "FILE_SCHEMA(('IFC2X3'));ENDSEC;\nDATA;\n"
      "#1=IFCPROJECT('1xS3BCk291UvhgP2a6eflL',$,'P',$,$,$,$,(#4),#2);\n"
      "#2=IFCUNITASSIGNMENT((#3));\n"
      "#3=IFCSIUNIT(*,.LENGTHUNIT.,.MILLI.,.METRE.);\n"
      "#4=IFCGEOMETRICREPRESENTATIONCONTEXT($,'Model',3,1.E-5,#11,$);\n"
      "#10=IFCCARTESIANPOINT((0.,0.,0.));\n"
      "#11=IFCAXIS2PLACEMENT3D(#10,$,$);\n"
      "#12=IFCLOCALPLACEMENT($,#11);\n"
      "#13=IFCSITE('2xS3BCk291UvhgP2a6eflL',$,'Site',$,$,#12,$,$,.ELEMENT.,$,$,$,$,$);\n"
      "#20=IFCRECTANGLEPROFILEDEF(.AREA.,$,#25,4000.,2000.);\n"
      "#25=IFCAXIS2PLACEMENT2D(#26,$);\n"
      "#26=IFCCARTESIANPOINT((2000.,1000.));\n"
      "#21=IFCEXTRUDEDAREASOLID(#20,#11,#22,3000.);\n"
      "#22=IFCDIRECTION((0.,0.,1.));\n"
      "#23=IFCSHAPEREPRESENTATION(#4,'Body','SweptSolid',(#21));\n"
      "#24=IFCPRODUCTDEFINITIONSHAPE($,$,(#23));\n"
      "#30=IFCWALL('0gnK1gq9X5sOFhZ$a1N5GG',$,'box',$,$,#12,#24,$);\n"
      "#40=IFCPROPERTYSET('3xS3BCk291UvhgP2a6eflL',$,'ePSet_MapConversion',$,(#41,#42,#43,#44,#45,#46));\n"
      "#41=IFCPROPERTYSINGLEVALUE('Eastings',$,IFCLENGTHMEASURE(515398.97),$);\n"
      "#42=IFCPROPERTYSINGLEVALUE('Northings',$,IFCLENGTHMEASURE(3347837.87),$);\n"
      "#43=IFCPROPERTYSINGLEVALUE('OrthogonalHeight',$,IFCLENGTHMEASURE(8.2),$);\n"
      "#44=IFCPROPERTYSINGLEVALUE('XAxisAbscissa',$,IFCREAL(0.),$);\n"
      "#45=IFCPROPERTYSINGLEVALUE('XAxisOrdinate',$,IFCREAL(1.),$);\n"
      "#46=IFCPROPERTYSINGLEVALUE('Scale',$,IFCREAL(0.001),$);\n"
      "#50=IFCPROPERTYSET('4xS3BCk291UvhgP2a6eflL',$,'ePSet_ProjectedCRS',$,(#51,#52));\n"
      "#51=IFCPROPERTYSINGLEVALUE('Name',$,IFCLABEL('EPSG:4549'),$);\n"
      "#52=IFCPROPERTYSINGLEVALUE('VerticalDatum',$,IFCLABEL('EPSG:5737'),$);\n"
      "#60=IFCRELDEFINESBYPROPERTIES('5xS3BCk291UvhgP2a6eflL',$,$,$,(#13),#40);\n"
      "#61=IFCRELDEFINESBYPROPERTIES('6xS3BCk291UvhgP2a6eflL',$,$,$,(#13),#50);\n"
      "ENDSEC;\nEND-ISO-10303-21;\n";
  cimtest::TempDir dir;
  cimtest::writeFile(dir / "x3.ifc", ifc);
  auto r = io::readIfc(dir / "x3.ifc");
  REQUIRE(r.ok());
  CHECK(r->georeferenceSource == "ePset_MapConversion");
  REQUIRE(r->scene.crs());
  CHECK(r->scene.crs()->definition() == "EPSG:4549+5737");
  // The 4 m x 2 m box spans engineering x 0..4, y 0..2 (metres). Rotated by +90 degrees (x -> north, y -> west):
  // easting = E0 - y, northing = N0 + x.
  const auto b = r->scene.worldBounds();
  CHECK(b.min.x() == Approx(515398.97 - 2.0).margin(1e-3));
  CHECK(b.max.x() == Approx(515398.97).margin(1e-3));
  CHECK(b.min.y() == Approx(3347837.87).margin(1e-3));
  CHECK(b.max.y() == Approx(3347837.87 + 4.0).margin(1e-3));
  CHECK(b.min.z() == Approx(8.2).margin(1e-3));
  CHECK(b.max.z() == Approx(11.2).margin(1e-3));
}

TEST_CASE("Alignment files: linear-placement-of-signal and MCON-2 carry their map conversions", "[ifc][georef][shared]") {
  const auto signal = sharedIfc("linear-placement-of-signal.ifc");
  const auto road = sharedIfc("MCON-2.ifc");
  REQUIRE_SHARED(signal);
  REQUIRE_SHARED(road);
  // #3050 IFCMAPCONVERSION(#13, #3051, 0., 0., 0., 1., 0., 1.) with IFCPROJECTEDCRS('EPSG:3065', ..., 'EPSG:5214'):
  // the identity into UTM 33N (IGM95) with heights in EPSG:5214. Map coordinates equal engineering ones.
  io::IfcOptions local;
  local.applyGeoreference = false;
  auto engineering = io::readIfc(signal, local);
  auto mapped = io::readIfc(signal);
  REQUIRE(engineering.ok());
  REQUIRE(mapped.ok());
  CHECK(mapped->georeferenceSource == "IfcMapConversion");
  REQUIRE(mapped->scene.crs());
  CHECK(mapped->scene.crs()->definition() == "EPSG:3065+5214");
  const auto a = engineering->scene.worldBounds(), b = mapped->scene.worldBounds();
  CHECK((b.min - a.min).norm() < 1e-6);
  CHECK((b.max - a.max).norm() < 1e-6);
  // Referent_010 sits 453.1 m along the alignment: (452695.4392, 4539560.3062) by hand from the arc #2307 (see
  // alignment_test.cpp); its element's box must contain that point in map coordinates.
  bool found = false;
  mapped->scene.forEachElement([&](const model::Layer&, const model::Element& e) {
    if (e.name != "Referent_010") return;
    found = true;
    const auto box = e.worldBounds();
    CHECK(box.min.x() - 0.05 <= 452695.4392);
    CHECK(box.max.x() + 0.05 >= 452695.4392);
    CHECK(box.min.y() - 0.05 <= 4539560.3062);
    CHECK(box.max.y() + 0.05 >= 4539560.3062);
  });
  CHECK(found);

  // #161 IFCMAPCONVERSION(#74, #160, 24525000.0, 6876000.0, 0.0, 1.0, 0.0, 1.0) to IFCPROJECTEDCRS('EPSG:3878', ...,
  // 'N2000'): 'N2000' is no EPSG code, so the CRS stays horizontal.
  auto r = io::readIfc(road);
  REQUIRE(r.ok());
  CHECK(r->georeferenceSource == "IfcMapConversion");
  REQUIRE(r->scene.crs());
  CHECK(r->scene.crs()->definition() == "EPSG:3878");
}
