// io/gdal/gdal_util: one rule for the CRS of a layer or raster, and one for field values, for every GDAL reader.
#include <catch2/catch.hpp>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include "io/gdal/gdal_util.h"
#include "support/test_support.h"

using namespace cim;

TEST_CASE("A spatial reference is named by its code, its compound EPSG parts, or its WKT", "[io][gdal][crs]") {
  struct Row {
    const char* input;  // what GDAL is given
    const char* definition;  // what libcim names it
  };
  const Row rows[] = {
      {"EPSG:4549", "EPSG:4549"},
      {"EPSG:4549+5737", "EPSG:4549+5737"},  // a compound CRS has no code of its own: its parts are named
      {"EPSG:4326+5773", "EPSG:4326+5773"},
      {"EPSG:3857", "EPSG:3857"},
  };
  for (const auto& r : rows) {
    INFO(r.input);
    OGRSpatialReference srs;
    REQUIRE(srs.SetFromUserInput(r.input) == OGRERR_NONE);
    CHECK(io::gdal::crsDefinition(srs) == r.definition);
    auto crs = io::gdal::crsOf(&srs, "x.tif");
    REQUIRE(crs.ok());
    REQUIRE(crs.value());
    CHECK(crs.value()->definition() == r.definition);
  }
  // A CRS without any code comes as WKT2 and still resolves.
  OGRSpatialReference custom;
  REQUIRE(custom.SetFromUserInput("+proj=tmerc +lat_0=0 +lon_0=120 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m") ==
          OGRERR_NONE);
  const std::string wkt = io::gdal::crsDefinition(custom);
  CHECK(wkt.rfind("PROJCRS[", 0) == 0);
  auto crs = io::gdal::crsOf(&custom, "custom.geojson");
  REQUIRE(crs.ok());
  CHECK(crs.value()->isProjected());
  // None: no CRS, not an error.
  auto none = io::gdal::crsOf(nullptr, "a.csv");
  REQUIRE(none.ok());
  CHECK_FALSE(none.value());
}

TEST_CASE("Field values become typed attributes, blank text none", "[io][gdal]") {
  cimtest::TempDir dir;
  cimtest::writeFile(dir / "f.geojson",
                     R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{)"
                     R"("n":3,"big":9007199254740993,"x":1.25,"yes":true,"s":"  管径 DN200　","blank":"  ","none":null},)"
                     R"("geometry":{"type":"Point","coordinates":[0,0]}}]})");
  auto ds = io::gdal::openVector(dir / "f.geojson", io::gdal::CsvColumns::Typed);
  REQUIRE(ds);
  OGRLayer* layer = ds->GetLayer(0);
  std::unique_ptr<OGRFeature> f(layer->GetNextFeature());
  REQUIRE(f);
  auto value = [&](const char* name) { return io::gdal::fieldValue(*f, f->GetFieldIndex(name)); };
  CHECK(value("n") == model::AttributeValue(std::int64_t{3}));
  CHECK(value("big") == model::AttributeValue(std::int64_t{9007199254740993}));
  CHECK(value("x") == model::AttributeValue(1.25));
  CHECK(value("yes") == model::AttributeValue(true));
  CHECK(value("s") == model::AttributeValue(std::string("管径 DN200")));  // ASCII and full-width blanks trimmed
  CHECK(std::holds_alternative<std::monostate>(value("blank")));
  CHECK(std::holds_alternative<std::monostate>(value("none")));
}
