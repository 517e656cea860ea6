// io/site: site features from GeoJSON and CSV. Expected numbers are worked out by hand from the features' own fields
// (areas, depths, diameters), not from the reader.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <numbers>

#include "cim/app/load.h"
#include "cim/io/site.h"
#include "support/site_features.h"
#include "support/test_support.h"

using namespace cim;
using namespace cimtest;
using Catch::Matchers::Contains;

TEST_CASE("An excavation pit is a prism from its top down to top - depth", "[site]") {
  cimtest::TempDir dir;
  // An L-shaped pit: a 30 x 20 m rectangle minus a 10 x 8 m corner = 520 m2; top 8.2, depth 6.5.
  const std::string ring = ringOf({{E0, N0}, {E0 + 30, N0}, {E0 + 30, N0 + 12}, {E0 + 20, N0 + 12}, {E0 + 20, N0 + 20},
                                   {E0, N0 + 20}});
  cimtest::writeFile(dir / "pits.geojson",
                     geojson(R"({"type":"Feature","properties":{"kind":"excavation","id":"JK-1","top":8.2,"depth":6.5},)"
                             R"("geometry":{"type":"Polygon","coordinates":[)" + ring + "]}}"));
  auto r = io::readSite(dir / "pits.geojson");
  INFO((r.diagnostics().empty() ? "" : formatDiagnostic(r.diagnostics()[0])));
  REQUIRE(r.ok());
  CHECK(countSeverity(r.diagnostics(), Severity::Error) == 0);
  const auto& scene = r->scene;
  REQUIRE(scene.crs());
  CHECK(scene.crs()->definition() == "EPSG:4549");
  const auto& e = only(scene, "excavation");
  CHECK(e.guid == "JK-1");
  REQUIRE(e.site());
  CHECK(e.site()->kind == model::SiteFeatureKind::Excavation);
  const auto* prism = std::get_if<model::SitePrism>(&e.site()->shape);
  REQUIRE(prism);
  CHECK(prism->topElevation == Approx(8.2));
  CHECK(prism->bottomElevation == Approx(1.7));
  CHECK(model::siteShapeVolume(e.site()->shape) == Approx(520.0 * 6.5));
  REQUIRE(e.shapes.size() == 1);
  CHECK(meshVolume(e.shapes[0].mesh) == Approx(520.0 * 6.5).epsilon(1e-5));
  const auto box = e.worldBounds();
  CHECK(box.min.x() == Approx(E0));
  CHECK(box.max.y() == Approx(N0 + 20));
  CHECK(box.min.z() == Approx(1.7));
  CHECK(box.max.z() == Approx(8.2));
  // Distances from the exact shape: 2 m east of the east wall at mid-depth, and in the cut-out corner.
  CHECK(model::siteShapeDistance(e.site()->shape, {E0 + 32, N0 + 5, 5.0}) == Approx(2.0));
  CHECK(model::siteShapeDistance(e.site()->shape, {E0 + 25, N0 + 17, 5.0}) == Approx(5.0));
  CHECK(model::siteShapeDistance(e.site()->shape, {E0 + 5, N0 + 5, 0.7}) == Approx(1.0));
}

TEST_CASE("A pit with a bottom elevation and no top asks the ground-height callback", "[site]") {
  cimtest::TempDir dir;
  const std::string ring = ringOf({{E0, N0}, {E0 + 10, N0}, {E0 + 10, N0 + 10}, {E0, N0 + 10}});
  cimtest::writeFile(dir / "基坑.geojson",
                     geojson(R"({"type":"Feature","properties":{"坑底标高":-3.0},"geometry":{"type":"Polygon","coordinates":[)" +
                             ring + "]}}"));
  io::SiteOptions o;
  double askedE = 0, askedN = 0;
  o.groundHeight = [&](double e, double n) -> std::optional<double> {
    askedE = e;
    askedN = n;
    return 7.0;
  };
  auto r = io::readSite(dir / "基坑.geojson", o);  // the kind comes from the file name
  REQUIRE(r.ok());
  const auto& e = only(r->scene, "excavation");
  CHECK(askedE == Approx(E0 + 5));  // at the centroid
  CHECK(askedN == Approx(N0 + 5));
  CHECK(model::siteShapeVolume(e.site()->shape) == Approx(100.0 * 10.0));
  CHECK(meshVolume(e.shapes[0].mesh) == Approx(1000.0).epsilon(1e-5));
}

TEST_CASE("A borehole is a vertical cylinder of its diameter from the top down to its depth", "[site]") {
  cimtest::TempDir dir;
  // Chinese CJJ 61 style CSV: X = northing, Y = easting; 孔口标高 8.35, 孔深 30, 孔径 110 mm.
  cimtest::writeFile(dir / "钻孔.csv", "编号,X,Y,孔口标高,孔深,孔径,岩性\n"
                                      "ZK1,3347850.0,515410.0,8.35,30,110,粉质黏土\n");
  io::SiteOptions o;
  o.sourceCrs = geo::Crs::fromUserInput("EPSG:4549+5737").value();
  o.chordToleranceMeters = 0.001;
  auto r = io::readSite(dir / "钻孔.csv", o);
  REQUIRE(r.ok());
  CHECK(countSeverity(r.diagnostics(), Severity::Error) == 0);
  const auto& e = only(r->scene, "borehole");
  CHECK(e.guid == "ZK1");
  const auto* c = std::get_if<model::SiteCylinder>(&e.site()->shape);
  REQUIRE(c);
  CHECK(c->axis.x() == Approx(515410.0));
  CHECK(c->axis.y() == Approx(3347850.0));
  CHECK(c->radiusMeters == Approx(0.055));
  CHECK(c->topElevation == Approx(8.35));
  CHECK(c->bottomElevation == Approx(-21.65));
  // Every rim vertex lies on the 55 mm circle about the axis; the caps' centres on the axis.
  const auto& m = e.shapes[0].mesh;
  std::size_t onCircle = 0;
  for (std::size_t i = 0; i < m.vertexCount(); ++i) {
    const Eigen::Vector3d p = m.worldPosition(i);
    const double d = std::hypot(p.x() - 515410.0, p.y() - 3347850.0);
    if (std::abs(d - 0.055) < 1e-4) ++onCircle;
    else CHECK(d < 1e-4);
  }
  // Side and both caps each have one ring of n vertices on the circle: the inscribed n-gon keeps within the chord
  // tolerance and the mesh encloses exactly the n-gon prism, (n/2) r^2 sin(2 pi / n) x 30 m.
  REQUIRE(onCircle % 4 == 0);
  const double n = onCircle / 4.0;
  CHECK(n >= 8);
  CHECK(0.055 * (1 - std::cos(std::numbers::pi / n)) <= 0.001);
  CHECK(meshVolume(m) == Approx(n / 2 * 0.055 * 0.055 * std::sin(2 * std::numbers::pi / n) * 30.0).epsilon(1e-4));
  // Attributes keep their types: text stays text, numbers are numbers.
  CHECK(std::get<std::string>(e.attributes.at("岩性")) == "粉质黏土");
  CHECK(std::holds_alternative<double>(e.attributes.at("孔口标高")));
  CHECK(std::get<std::int64_t>(e.attributes.at("孔深")) == 30);
}

TEST_CASE("A sensor is a marker at its elevation with its attributes typed", "[site]") {
  cimtest::TempDir dir;
  cimtest::writeFile(
      dir / "sensors.geojson",
      geojson(R"({"type":"Feature","properties":{"id":"GD-01","sensor_type":"gas detector","range_ppm":5000,)"
              R"("alarm_lel":0.25,"online":true,"ground":8.1,"depth":1.5},"geometry":{"type":"Point","coordinates":)" +
              pt(E0 + 1, N0 + 2) + "}}," +
              R"({"type":"Feature","properties":{"id":"WP-01","sensor_type":"water pressure"},)"
              R"("geometry":{"type":"Point","coordinates":[515405.0,3347845.0,6.9]}})"));
  io::SiteOptions o;
  o.markerSizeMeters = 0.4;
  auto r = io::readSite(dir / "sensors.geojson", o);
  REQUIRE(r.ok());
  REQUIRE(r->scene.elementCount() == 2);
  const auto& layer = r->scene.layers().at(0);
  const auto& gas = layer.elements.at(0);
  CHECK(gas.kind == "sensor");
  const auto* marker = std::get_if<model::SiteMarker>(&gas.site()->shape);
  REQUIRE(marker);
  CHECK(marker->position.z() == Approx(8.1 - 1.5));
  const auto box = gas.worldBounds();
  CHECK(box.size().x() == Approx(0.4));
  CHECK(box.size().z() == Approx(0.4));
  CHECK(box.center().x() == Approx(E0 + 1));
  CHECK(box.center().z() == Approx(6.6));
  CHECK(std::get<std::string>(gas.attributes.at("sensor_type")) == "gas detector");
  CHECK(std::get<std::int64_t>(gas.attributes.at("range_ppm")) == 5000);
  CHECK(std::get<double>(gas.attributes.at("alarm_lel")) == Approx(0.25));
  CHECK(std::get<bool>(gas.attributes.at("online")) == true);
  // The second sensor's height is its point's Z.
  const auto& water = layer.elements.at(1);
  CHECK(std::get<model::SiteMarker>(water.site()->shape).position.z() == Approx(6.9));
  CHECK(meshVolume(water.shapes[0].mesh) == Approx(4.0 / 3.0 * 0.2 * 0.2 * 0.2));  // octahedron: (4/3) h^3
}

TEST_CASE("A road cavity: an ellipsoid for a point, a prism for a polygon, below its roof depth", "[site]") {
  cimtest::TempDir dir;
  // Ground 8.0, roof 1.2 m down, 0.8 m high: from 6.8 down to 6.0. Point cavity 2.0 x 1.5 m.
  const std::string square = polygonOf({{E0, N0}, {E0 + 3, N0}, {E0 + 3, N0 + 2}, {E0, N0 + 2}});
  cimtest::writeFile(
      dir / "radar.geojson",
      geojson(R"({"type":"Feature","properties":{"type":"空洞","ground":8.0,"top_depth":1.2,"height":0.8,"length":2.0,"width":1.5},)"
              R"("geometry":{"type":"Point","coordinates":)" + pt(E0 + 10, N0) + "}}," +
              R"({"type":"Feature","properties":{"type":"cavity","ground":8.0,"顶板埋深":1.2,"高度":0.8},)"
              R"("geometry":{"type":"Polygon","coordinates":)" + square + "}}"));
  io::SiteOptions o;
  o.chordToleranceMeters = 0.001;
  auto r = io::readSite(dir / "radar.geojson", o);
  REQUIRE(r.ok());
  REQUIRE(r->scene.elementCount() == 2);
  const auto& es = r->scene.layers().at(0).elements;
  const auto* ell = std::get_if<model::SiteEllipsoid>(&es[0].site()->shape);
  REQUIRE(ell);
  CHECK(ell->center.z() == Approx(6.4));
  CHECK(ell->semiAxesMeters.x() == Approx(1.0));
  CHECK(ell->semiAxesMeters.y() == Approx(0.75));
  CHECK(ell->semiAxesMeters.z() == Approx(0.4));
  const auto b0 = es[0].worldBounds();
  CHECK(b0.min.z() == Approx(6.0));
  CHECK(b0.max.z() == Approx(6.8));
  CHECK(b0.size().x() == Approx(2.0));
  CHECK(meshVolume(es[0].shapes[0].mesh) == Approx(4.0 / 3.0 * std::numbers::pi * 1.0 * 0.75 * 0.4).epsilon(0.01));
  CHECK(model::siteShapeDistance(es[0].site()->shape, {E0 + 10, N0, 8.0}) == Approx(1.2));  // ground to roof
  const auto* prism = std::get_if<model::SitePrism>(&es[1].site()->shape);
  REQUIRE(prism);
  CHECK(prism->topElevation == Approx(6.8));
  CHECK(prism->bottomElevation == Approx(6.0));
  CHECK(meshVolume(es[1].shapes[0].mesh) == Approx(3.0 * 2.0 * 0.8).epsilon(1e-5));
}

TEST_CASE("A drone corridor is a tube of its radius around the 3D route", "[site]") {
  cimtest::TempDir dir;
  // A straight 100 m leg at 60 m, radius 15 m.
  cimtest::writeFile(dir / "routes.geojson",
                     geojson(R"({"type":"Feature","properties":{"kind":"航线","radius":15},)"
                             R"("geometry":{"type":"LineString","coordinates":[[515400,3347840,60],[515500,3347840,60]]}},)"
                             R"({"type":"Feature","properties":{"kind":"drone_corridor","width":20,"altitude":80},)"
                             R"("geometry":{"type":"LineString","coordinates":[[515400,3347900],[515450,3347900],[515450,3347950]]}})"));
  auto r = io::readSite(dir / "routes.geojson");
  REQUIRE(r.ok());
  REQUIRE(r->scene.elementCount() == 2);
  const auto& es = r->scene.layers().at(0).elements;
  const auto& straight = std::get<model::SiteTube>(es[0].site()->shape);
  CHECK(straight.radiusMeters == Approx(15.0));
  // Every vertex of a straight tube with round ends is exactly 15 m from the route.
  const auto& m = es[0].shapes[0].mesh;
  for (std::size_t i = 0; i < m.vertexCount(); ++i) {
    const Eigen::Vector3d p = m.worldPosition(i);
    const double t = std::clamp(p.x() - 515400.0, 0.0, 100.0);
    REQUIRE(std::hypot(p.x() - (515400.0 + t), p.y() - 3347840.0, p.z() - 60.0) == Approx(15.0).margin(1e-3));
  }
  const auto box = es[0].worldBounds();
  CHECK(box.min.x() == Approx(515385.0));
  CHECK(box.max.x() == Approx(515515.0));
  CHECK(box.max.z() == Approx(75.0));
  CHECK(meshVolume(m) == Approx(model::siteShapeVolume(es[0].site()->shape)).epsilon(0.01));
  // The 2D route takes its altitude field and its width as a diameter; the bend is mitred, not pinched.
  const auto& bent = std::get<model::SiteTube>(es[1].site()->shape);
  CHECK(bent.radiusMeters == Approx(10.0));
  REQUIRE(bent.polyline.size() == 3);
  CHECK(bent.polyline[1].z() == Approx(80.0));
  CHECK(meshVolume(es[1].shapes[0].mesh) > 0.0);
  CHECK(model::siteShapeDistance(bent, {515450.0, 3347925.0, 95.0}) == Approx(5.0));
}

TEST_CASE("Bad site features are reported with file and feature and skipped, and the rest loads", "[site]") {
  cimtest::TempDir dir;
  const std::string square = polygonOf({{E0, N0}, {E0 + 4, N0}, {E0 + 4, N0 + 4}, {E0, N0 + 4}});
  cimtest::writeFile(
      dir / "site.geojson",
      geojson(R"({"type":"Feature","properties":{"kind":"excavation","id":"ok","top":8,"depth":3},"geometry":{"type":"Polygon","coordinates":)" +
              square + "}}," +
              R"({"type":"Feature","properties":{"kind":"excavation","id":"nogeom","top":8,"depth":3},"geometry":null},)"
              R"({"type":"Feature","properties":{"kind":"borehole","id":"neg","top":8,"depth":-5,"diameter":110},"geometry":{"type":"Point","coordinates":)" +
              pt(E0, N0) + "}}," +
              R"({"type":"Feature","properties":{"kind":"helipad","id":"what"},"geometry":{"type":"Point","coordinates":)" +
              pt(E0, N0) + "}}," +
              R"({"type":"Feature","properties":{"kind":"sensor","id":"s1","elevation":7.5},"geometry":{"type":"Point","coordinates":)" +
              pt(E0 + 2, N0 + 2) + "}}"));
  auto r = io::readSite(dir / "site.geojson");
  REQUIRE(r.ok());
  CHECK(r->featuresRead == 5);
  CHECK(r->featuresSkipped == 3);
  CHECK(r->scene.elementCount() == 2);
  std::vector<const Diagnostic*> errors;
  for (const auto& d : r.diagnostics())
    if (d.severity == Severity::Error) errors.push_back(&d);
  REQUIRE(errors.size() == 3);
  for (const auto* d : errors) {
    CHECK(d->code == ErrorCode::SiteFeatureSkipped);
    CHECK_THAT(d->source, Contains("site.geojson"));
  }
  CHECK(errors[0]->elementId == "feature 1 (id nogeom)");
  CHECK_THAT(errors[0]->message, Contains("no geometry"));
  CHECK(errors[1]->elementId == "feature 2 (id neg)");
  CHECK_THAT(errors[1]->message, Contains("negative depth"));
  CHECK(errors[2]->elementId == "feature 3 (id what)");
  CHECK_THAT(errors[2]->message, Contains("unknown kind 'helipad'"));
}

TEST_CASE("Site features are reprojected per vertex into the scene CRS", "[site]") {
  cimtest::TempDir dir;
  // A sensor at the CGCS2000 check point 30.25 N 120.16 E lands at easting 515 398.973, northing 3 347 837.868.
  cimtest::writeFile(dir / "monitor.geojson",
                     geojson(R"({"type":"Feature","properties":{"elevation":8.0},"geometry":{"type":"Point","coordinates":[120.16,30.25]}})",
                             "EPSG::4490"));
  io::SiteOptions o;
  o.sceneCrs = geo::Crs::fromUserInput("EPSG:4549").value();
  auto r = io::readSite(dir / "monitor.geojson", o);
  REQUIRE(r.ok());
  const auto& e = only(r->scene, "sensor");
  const auto& p = std::get<model::SiteMarker>(e.site()->shape).position;
  CHECK(p.x() == Approx(515398.973).margin(0.002));
  CHECK(p.y() == Approx(3347837.868).margin(0.002));
  CHECK(p.z() == Approx(8.0).margin(1e-6));
  CHECK(e.worldBounds().center().x() == Approx(515398.973).margin(0.002));
}
