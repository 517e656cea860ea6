// Georeferencing (georef.cpp): IfcMapConversion + IfcProjectedCRS, the IFC2X3 property sets, IfcSite latitude and
// longitude, and what a model without a usable CRS does; checked against the numbers the files themselves carry.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "cim/geo/georeference.h"
#include "cim/io/ifc.h"
#include "support/test_support.h"
#include "unit/io/ifc/ifc_test_support.h"

using namespace cim;
using namespace ifctest;

namespace {

// A shared file read twice: in its engineering frame (no CRS), and georeferenced by its IfcMapConversion into `crs`.
std::pair<io::IfcReadResult, io::IfcReadResult> readBothWays(const std::filesystem::path& path, const std::string& crs) {
  io::IfcOptions local;
  local.applyGeoreference = false;
  auto engineering = io::readIfc(path, local);
  auto mapped = io::readIfc(path);
  REQUIRE(engineering.ok());
  REQUIRE(mapped.ok());
  CHECK_FALSE(engineering->scene.crs());
  CHECK(mapped->georeferenceSource == "IfcMapConversion");
  REQUIRE(mapped->scene.crs());
  CHECK(mapped->scene.crs()->definition() == crs);
  return {std::move(*engineering), std::move(*mapped)};
}

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
  auto [engineering, mapped] = readBothWays(path, "EPSG:3878");
  // #27 IFCMAPCONVERSION(#24, #26, 24525000.0, 6876000.0, 0.0, 1.0, 0.0, 1.0, $, $): a pure shift.
  const auto a = engineering.scene.worldBounds(), b = mapped.scene.worldBounds();
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
  auto [engineering, mapped] = readBothWays(path, "EPSG:3944");
  const auto a = engineering.scene.worldBounds(), b = mapped.scene.worldBounds();
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

TEST_CASE("IfcSite latitude and longitude of (0, 0) are a placeholder, not a georeference", "[ifc][georef][shared]") {
  const auto path = sharedIfc("AC20-FZK-Haus.ifc");
  REQUIRE_SHARED(path);
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  const std::string site = "(49,6,1,566000),(8,26,11,540400)";
  REQUIRE(text.find(site) != std::string::npos);
  cimtest::TempDir dir;
  for (const char* placeholder : {"(0,0,0),(0,0,0)", "(0,0,0,0),(0,0,0,0)"}) {
    INFO(placeholder);
    std::string nullIsland = text;
    nullIsland.replace(nullIsland.find(site), site.size(), placeholder);
    cimtest::writeFile(dir / "null_island.ifc", nullIsland);
    auto r = io::readIfc(dir / "null_island.ifc");
    REQUIRE(r.ok());
    CHECK_FALSE(r->scene.crs());  // local, not at 0 N 0 E
    CHECK(r->georeferenceSource.empty());
    CHECK(reported(r.diagnostics(), "#389", "(0, 0) is a placeholder"));
  }
}

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
    for (const auto& d : r.diagnostics()) named |= d.code == ErrorCode::IfcGeoreferenceNotUsed && d.elementId == "#5";
    CHECK(named);
  }
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
  auto [engineering, mapped] = readBothWays(signal, "EPSG:3065+5214");
  const auto a = engineering.scene.worldBounds(), b = mapped.scene.worldBounds();
  CHECK((b.min - a.min).norm() < 1e-6);
  CHECK((b.max - a.max).norm() < 1e-6);
  // Referent_010 sits 453.1 m along the alignment: (452695.4392, 4539560.3062) by hand from the arc #2307 (see
  // object_placement_test.cpp); its element's box must contain that point in map coordinates.
  bool found = false;
  mapped.scene.forEachElement([&](const model::Layer&, const model::Element& e) {
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

TEST_CASE("An IfcProjectedCRS name PROJ does not know: MapProjection EPSG and MapZone give the CRS, with a note",
          "[ifc][georef]") {
  auto r = io::readIfc(cimtest::sourceDir() / "tests/corpus/georef/projected_crs_by_map_zone.ifc");
  REQUIRE(r.ok());
  REQUIRE(r->scene.crs());
  CHECK(r->scene.crs()->definition() == "EPSG:32119");
  CHECK(r->georeferenceSource == "IfcMapConversion");
  bool noted = false;
  for (const auto& d : r.diagnostics())
    noted |= d.code == ErrorCode::ConventionApplied && d.message.find("'NC83'") != std::string::npos &&
             d.message.find("MapZone '32119'") != std::string::npos && d.message.find("EPSG:32119") != std::string::npos;
  CHECK(noted);
  // The 2 x 1 x 3 m box centred on the engineering origin lands on the map conversion's numbers.
  const auto b = r->scene.worldBounds();
  CHECK(b.center().x() == Approx(640000.0).margin(1e-3));
  CHECK(b.center().y() == Approx(230000.0).margin(1e-3));
  CHECK(b.min.z() == Approx(100.0).margin(1e-3));
  CHECK(b.size().x() == Approx(2.0).margin(1e-6));
}

TEST_CASE("OpenRoads' NC83 file is georeferenced in EPSG:32119 by its MapZone", "[ifc][georef][shared]") {
  const auto path = sharedIfc("OpenRoads_test1.ifc");
  REQUIRE_SHARED(path);
  auto r = io::readIfc(path);
  REQUIRE(r.ok());
  REQUIRE(r->scene.crs());
  CHECK(r->scene.crs()->definition().rfind("EPSG:32119", 0) == 0);
}
