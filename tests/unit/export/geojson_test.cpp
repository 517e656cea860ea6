// export/geojson: GeoJSON layers in a projected CRS (a `crs` member) reprojected to RFC 7946 WGS 84.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cim/export/geojson.h"
#include "support/test_support.h"

using namespace cim;
using cimtest::TempDir;
using Catch::Matchers::Contains;

TEST_CASE("geojson::fileToWgs84() reprojects the sample's site features from EPSG:4549+5737", "[export][geojson]") {
  const auto file = cimtest::sourceDir() / "data/hangzhou/site_features.geojson";
  auto r = geojson::fileToWgs84(file);
  REQUIRE(r.ok());
  CHECK(r->reprojected);
  CHECK(r->sourceCrs == "urn:ogc:def:crs,crs:EPSG::4549,crs:EPSG::5737");
  CHECK(r->positions == 10);  // a pit's ring of 5 and 5 points
  const auto doc = nlohmann::json::parse(r->text);
  CHECK_FALSE(doc.contains("crs"));
  CHECK(doc["name"] == "site_features");
  REQUIRE(doc["features"].size() == 6);

  // Borehole ZK-01 at E 515386.000 N 3347850.425; PROJ 9.1's own answer:
  //   echo "3347850.425 515386.0 0" | cs2cs -d 12 EPSG:4549+5737 EPSG:4979  ->  30.250113439251 120.159865389048 0
  const auto& zk01 = doc["features"][1];
  CHECK(zk01["properties"]["id"] == "ZK-01");
  CHECK(zk01["properties"]["stratum"] == "粉质黏土/淤泥质黏土");  // properties untouched, UTF-8 included
  const auto& p = zk01["geometry"]["coordinates"];
  REQUIRE(p.size() == 2);  // 2D stays 2D
  CHECK(p[0].get<double>() == Approx(120.159865389048).margin(1e-11));
  CHECK(p[1].get<double>() == Approx(30.250113439251).margin(1e-11));
  // The pit's first ring corner E 515390.000 N 3347840.425 -> 30.250023182306 N 120.159906804087 E.
  const auto& corner = doc["features"][0]["geometry"]["coordinates"][0][0];
  CHECK(corner[0].get<double>() == Approx(120.159906804087).margin(1e-11));
  CHECK(corner[1].get<double>() == Approx(30.250023182306).margin(1e-11));

  // No geoid grid for the 1985 heights here: PROJ's ballpark, said so in a note naming the file (a property of the
  // installed grids, not a problem of the input).
  REQUIRE(!r.diagnostics().empty());
  CHECK(r.diagnostics().front().code == ErrorCode::VerticalDatumApproximated);
  CHECK(r.diagnostics().front().severity == Severity::Info);
  CHECK(r.diagnostics().front().source == file.string());
}

TEST_CASE("geojson::toWgs84() transforms 3D positions, bare geometries and collections, and drops bboxes",
          "[export][geojson]") {
  // E 515420.000 N 3347860.425 H 7.9 (1985) -> 30.250203213884 N 120.160218804978 E 7.9 m (ballpark: no geoid grid).
  const std::string feature = R"({"type": "Feature", "id": 7, "bbox": [515420, 3347860, 515420, 3347860],
    "crs": {"type": "name", "properties": {"name": "EPSG:4549+5737"}},
    "properties": {"name": "corner"},
    "geometry": {"type": "GeometryCollection", "geometries": [
      {"type": "Point", "coordinates": [515420.0, 3347860.425, 7.9]},
      {"type": "MultiPoint", "bbox": [0, 0, 1, 1], "coordinates": [[515420.0, 3347860.425], [515420.0, 3347860.425, 7.9]]}]},
    "foreign": [1, 2]})";
  auto r = geojson::toWgs84(feature, "corner.geojson");
  REQUIRE(r.ok());
  CHECK(r->positions == 3);
  const auto doc = nlohmann::json::parse(r->text);
  CHECK_FALSE(doc.contains("crs"));
  CHECK_FALSE(doc.contains("bbox"));
  CHECK(doc["id"] == 7);
  CHECK(doc["foreign"] == nlohmann::json::array({1, 2}));
  const auto& point = doc["geometry"]["geometries"][0]["coordinates"];
  REQUIRE(point.size() == 3);
  CHECK(point[0].get<double>() == Approx(120.160218804978).margin(1e-11));
  CHECK(point[1].get<double>() == Approx(30.250203213884).margin(1e-11));
  CHECK(point[2].get<double>() == Approx(7.9).margin(1e-9));
  const auto& multi = doc["geometry"]["geometries"][1];
  CHECK_FALSE(multi.contains("bbox"));
  CHECK(multi["coordinates"][0].size() == 2);
  CHECK(multi["coordinates"][1][0].get<double>() == Approx(120.160218804978).margin(1e-11));

  auto bare = geojson::toWgs84(
      R"({"type": "LineString", "crs": {"type": "name", "properties": {"name": "EPSG:4549"}},
          "coordinates": [[515420.0, 3347860.425], [515390.0, 3347840.425]]})");
  REQUIRE(bare.ok());
  const auto line = nlohmann::json::parse(bare->text)["coordinates"];
  CHECK(line[1][0].get<double>() == Approx(120.159906804087).margin(1e-11));
  CHECK(line[1][1].get<double>() == Approx(30.250023182306).margin(1e-11));
}

TEST_CASE("geojson::toWgs84() leaves WGS 84 as it is and fails naming the input", "[export][geojson]") {
  const std::string plain =
      R"({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [120.16, 30.25]}}]})";
  auto same = geojson::toWgs84(plain);
  REQUIRE(same.ok());
  CHECK_FALSE(same->reprojected);
  CHECK(same->positions == 0);
  CHECK(same->text == plain);
  const std::string crs84 =
      R"({"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}, "features": []})";
  CHECK_FALSE(geojson::toWgs84(crs84)->reprojected);

  auto unknown = geojson::toWgs84(
      R"({"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "EPSG:999999"}}, "features": []})",
      "bad.geojson");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error()->code == ErrorCode::UnknownCrs);
  CHECK_THAT(unknown.error()->message, Contains("EPSG:999999"));
  CHECK(unknown.error()->source == "bad.geojson");

  auto notJson = geojson::toWgs84("[1, 2", "broken.geojson");
  REQUIRE_FALSE(notJson.ok());
  CHECK(notJson.error()->code == ErrorCode::CorruptFile);
  CHECK(notJson.error()->source == "broken.geojson");
  // A crs member of the wrong shape is no crs (and no exception).
  CHECK_FALSE(geojson::toWgs84(R"({"type": "FeatureCollection", "crs": {"properties": 5}, "features": []})")->reprojected);

  // A position the projection cannot take (latitude far past the pole in EPSG:4549's inverse) is an error.
  auto outside = geojson::toWgs84(
      R"({"type": "Point", "crs": {"type": "name", "properties": {"name": "EPSG:4549"}}, "coordinates": [1e30, 1e30]})",
      "far.geojson");
  REQUIRE_FALSE(outside.ok());
  CHECK(outside.error()->code == ErrorCode::TransformFailed);

  TempDir dir;
  auto missing = geojson::fileToWgs84(dir / "missing.geojson");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error()->code == ErrorCode::FileNotFound);
  CHECK_THAT(missing.error()->source, Contains("missing.geojson"));
}
