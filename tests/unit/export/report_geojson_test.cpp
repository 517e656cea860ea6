// export/report/report_geojson: the GeoJSON of a report as GDAL (OGR) reads it — in the scene CRS with its `crs`
// member, and reprojected to WGS 84, checked against PROJ's cs2cs.
#include <cstdio>
#include <map>
#include <set>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include "cim/export/report.h"
#include "support/report_results.h"
#include "support/test_support.h"

using namespace cim;
using Catch::Matchers::Contains;

namespace {

struct OgrFeature {
  std::string part, type, id, aName, bName;
  std::vector<Eigen::Vector3d> points;
  bool verticalNull = true;
  double distance = -1;
};

struct OgrLayer {
  std::vector<OgrFeature> features;
  std::string horizontalCode, verticalCode, geographicCode;
  int fields = 0;
};

// The file through OGR: features, their geometry and fields, and the layer's spatial reference.
OgrLayer readWithOgr(const std::filesystem::path& file) {
  GDALAllRegister();
  std::unique_ptr<GDALDataset> ds(
      GDALDataset::Open(file.string().c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
  REQUIRE(ds);
  REQUIRE(ds->GetLayerCount() == 1);
  OGRLayer* layer = ds->GetLayer(0);
  OgrLayer out;
  out.fields = layer->GetLayerDefn()->GetFieldCount();
  if (const OGRSpatialReference* srs = layer->GetSpatialRef()) {
    if (const char* c = srs->GetAuthorityCode("PROJCS")) out.horizontalCode = c;
    if (const char* c = srs->GetAuthorityCode("VERT_CS")) out.verticalCode = c;
    if (const char* c = srs->GetAuthorityCode("GEOGCS")) out.geographicCode = c;
  }
  for (auto& f : *layer) {
    OgrFeature x;
    x.part = f->GetFieldAsString("part");
    x.type = f->GetFieldAsString("type");
    x.id = f->GetFieldAsString("id");
    x.aName = f->GetFieldAsString("a_name");
    x.bName = f->GetFieldAsString("b_name");
    x.verticalNull = f->IsFieldNull(f->GetFieldIndex("vertical_m"));
    x.distance = f->GetFieldAsDouble("distance_m");
    if (const OGRGeometry* g = f->GetGeometryRef()) {
      if (const auto* p = dynamic_cast<const OGRPoint*>(g)) x.points.emplace_back(p->getX(), p->getY(), p->getZ());
      if (const auto* l = dynamic_cast<const OGRLineString*>(g))
        for (int i = 0; i < l->getNumPoints(); ++i) x.points.emplace_back(l->getX(i), l->getY(i), l->getZ(i));
    }
    out.features.push_back(std::move(x));
  }
  return out;
}

const OgrFeature* featureOf(const OgrLayer& layer, const std::string& id, const std::string& part) {
  for (const auto& f : layer.features)
    if (f.id == id && f.part == part) return &f;
  return nullptr;
}

// PROJ's own answer: the scene point (easting, northing, height in EPSG:4549+5737) through cs2cs to EPSG:4979, in
// the CRSs' authority axis order (northing, easting in; latitude, longitude out). Returns longitude, latitude, height.
Eigen::Vector3d cs2csToWgs84(const Eigen::Vector3d& p) {
  char line[128];
  std::snprintf(line, sizeof line, "%.4f %.4f %.4f", p.y(), p.x(), p.z());
  // In a subshell: run() sends /dev/null to the command's standard input.
  const auto r = cimtest::run(std::string("(echo '") + line + "' | cs2cs -d 12 EPSG:4549+5737 EPSG:4979)");
  INFO(r.err);
  REQUIRE(r.exitCode == 0);
  double lat = 0, lon = 0, h = 0;
  REQUIRE(std::sscanf(r.out.c_str(), "%lf %lf %lf", &lat, &lon, &h) == 3);
  return {lon, lat, h};
}

const index::ClashResult& crossingOf(const report::Report& r) {
  for (const auto& x : r.results)
    if (x.type == index::ClashType::Clearance && x.horizontal == 0.0 && x.vertical) return x;
  FAIL("no crossing");
  return r.results.front();
}

}  // namespace

TEST_CASE("GeoJSON in the scene CRS: OGR reads the points, the closest-point lines and EPSG:4549+5737",
          "[export][report]") {
  const auto run = cimtest::reportRun();
  const auto& report = run->report;
  cimtest::TempDir dir;
  auto written = report::writeReport(report, dir / "report.geojson");
  REQUIRE(written.ok());
  const auto doc = nlohmann::json::parse(cimtest::fileText(dir / "report.geojson"));
  CHECK(doc["crs"]["properties"]["name"] == "urn:ogc:def:crs,crs:EPSG::4549,crs:EPSG::5737");

  const auto layer = readWithOgr(dir / "report.geojson");
  CHECK(layer.horizontalCode == "4549");
  CHECK(layer.verticalCode == "5737");
  std::size_t lines = 0;
  for (const auto& r : report.results)
    if ((r.onA - r.onB).norm() >= 1e-4) ++lines;
  CHECK(layer.features.size() == report.results.size() + lines);
  CHECK(lines >= 2);

  const auto& crossing = crossingOf(report);
  const auto* point = featureOf(layer, crossing.id, "point");
  REQUIRE(point);
  CHECK(point->type == "clearance");
  CHECK(point->distance == 0.25);
  CHECK_FALSE(point->verticalNull);
  CHECK(std::set<std::string>{point->aName, point->bName} == std::set<std::string>{"JS1-JS2", "WS7-WS8"});
  REQUIRE(point->points.size() == 1);
  CHECK(point->points[0].x() == 515398.973);  // easting first, whatever the CRS's axis order
  CHECK(point->points[0].y() == 3347837.868);
  CHECK(point->points[0].z() == 7.725);
  const auto* line = featureOf(layer, crossing.id, "closest");
  REQUIRE(line);
  REQUIRE(line->points.size() == 2);
  CHECK(line->points[0].x() == 515398.973);
  CHECK(line->points[0].z() == Approx(crossing.onA.z()).margin(5e-5));
  CHECK(line->points[1].z() == Approx(crossing.onB.z()).margin(5e-5));
  CHECK(std::abs(line->points[0].z() - line->points[1].z()) == Approx(0.25).margin(1e-9));
  // Every feature carries the same fields; the house's result has no vertical gap.
  CHECK(layer.fields >= 20);
  for (const auto& f : layer.features)
    if (f.bName == "house" || f.aName == "house") CHECK(f.verticalNull);
}

TEST_CASE("GeoJSON in WGS 84: the check point where PROJ's cs2cs puts it", "[export][report]") {
  const auto run = cimtest::reportRun();
  cimtest::TempDir dir;
  report::WriteOptions options;
  options.geojson = report::GeoJsonCoordinates::Wgs84;
  auto written = report::writeReport(run->report, dir / "report.geojson", options);
  REQUIRE(written.ok());
  // 1985 heights to the ellipsoid without a geoid grid: PROJ's ballpark, said in a warning.
  bool approximated = false;
  for (const auto& d : written.diagnostics()) approximated |= d.code == ErrorCode::VerticalDatumApproximated;
  CHECK(approximated);
  const auto doc = nlohmann::json::parse(cimtest::fileText(dir / "report.geojson"));
  CHECK_FALSE(doc.contains("crs"));  // RFC 7946

  const auto layer = readWithOgr(dir / "report.geojson");
  CHECK(layer.geographicCode == "4326");
  // echo "3347837.868 515398.973 7.725" | cs2cs -d 12 EPSG:4549+5737 EPSG:4979
  //   -> 30.250000002739 120.159999998619 7.725; asked of cs2cs again here, and checked against the known numbers.
  const auto* point = featureOf(layer, crossingOf(run->report).id, "point");
  REQUIRE(point);
  REQUIRE(point->points.size() == 1);
  const Eigen::Vector3d proj = cs2csToWgs84(crossingOf(run->report).point);
  CHECK(proj.x() == Approx(120.159999998619).margin(1e-11));
  CHECK(proj.y() == Approx(30.250000002739).margin(1e-11));
  CHECK(point->points[0].x() == Approx(proj.x()).margin(1e-9));  // written to 1e-9 degrees
  CHECK(point->points[0].y() == Approx(proj.y()).margin(1e-9));
  CHECK(point->points[0].z() == Approx(7.725).margin(1e-9));
  const auto* line = featureOf(layer, crossingOf(run->report).id, "closest");
  REQUIRE(line);
  REQUIRE(line->points.size() == 2);
  CHECK(line->points[0].x() == Approx(120.159999998619).margin(2e-9));
}

TEST_CASE("GeoJSON without a CRS: in scene coordinates, and no WGS 84 to be had", "[export][report]") {
  auto run = cimtest::reportRun();
  run->report.crs.clear();
  auto local = report::reportGeoJson(run->report);
  REQUIRE(local.ok());
  CHECK_FALSE(nlohmann::json::parse(*local).contains("crs"));
  cimtest::TempDir dir;
  report::WriteOptions options;
  options.geojson = report::GeoJsonCoordinates::Wgs84;
  auto failed = report::writeReport(run->report, dir / "report.geojson", options);
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error()->code == ErrorCode::UnknownCrs);
  CHECK(std::filesystem::is_empty(dir.path()));  // nothing written, no temporary left behind
}

TEST_CASE("GeoJSON of the city checks in WGS 84: every position in longitude and latitude range, where PROJ puts it",
          "[export][report]") {
  const auto run = cimtest::checkRun();
  const auto& report = run->report;
  report::WriteOptions options;
  options.geojson = report::GeoJsonCoordinates::Wgs84;
  auto text = report::reportGeoJson(report, options);
  REQUIRE(text.ok());
  const auto doc = nlohmann::json::parse(*text);
  CHECK(doc["type"] == "FeatureCollection");
  std::size_t positions = 0;
  std::map<std::string, const nlohmann::json*> points;
  for (const auto& f : doc["features"]) {
    CHECK(f["type"] == "Feature");
    const auto& g = f["geometry"];
    REQUIRE(g.is_object());
    const auto coordinates = g["type"] == "Point" ? nlohmann::json::array({g["coordinates"]}) : g["coordinates"];
    for (const auto& c : coordinates) {
      REQUIRE(c.size() == 3);
      const double lon = c[0].get<double>(), lat = c[1].get<double>();
      CHECK((lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90));
      CHECK(std::abs(lon - 120.16) < 0.01);  // all within a few hundred metres of the check point
      CHECK(std::abs(lat - 30.25) < 0.01);
      ++positions;
    }
    if (f["properties"]["part"] == "point") points[f["properties"]["id"]] = &f;
  }
  CHECK(positions >= report.results.size());
  // Each result's point where cs2cs puts it; the check's details as flat properties.
  REQUIRE(points.size() == report.results.size());
  for (const auto& r : report.results) {
    INFO(r.id);
    const auto& f = *points.at(r.id);
    const Eigen::Vector3d proj = cs2csToWgs84(r.point);
    CHECK(f["geometry"]["coordinates"][0].get<double>() == Approx(proj.x()).margin(2e-9));
    CHECK(f["geometry"]["coordinates"][1].get<double>() == Approx(proj.y()).margin(2e-9));
    CHECK(f["properties"]["type"] == std::string(index::clashTypeName(r.type)));
    if (r.type == index::ClashType::ProtectionZone) {
      CHECK(f["properties"]["details.zone"] == "protection");
      CHECK(f["properties"]["details.asset.pressureClass"] == "medium A");
      CHECK(f["properties"]["horizontal_m"] == 0.3);
    }
    if (r.type == index::ClashType::Cover) CHECK(f["properties"]["details.cover.meters"].get<double>() == Approx(0.4));
  }
}
