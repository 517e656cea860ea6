// model/element: an element's exact shape moves with it — the same rule for pipes, wells and every site shape.
#include <cmath>
#include <numbers>

#include <catch2/catch.hpp>

#include "cim/model/pipe_element.h"
#include "cim/model/scene.h"
#include "cim/model/site.h"

using namespace cim;

namespace {

const auto affine = [](const Eigen::Affine3d& t) {
  return [t](const Eigen::Vector3d& p) { return std::optional<Eigen::Vector3d>(t * p); };
};

}  // namespace

TEST_CASE("transformParametric moves every exact shape and scales every length alike", "[model]") {
  // A similarity transform: scale 2, a quarter turn about +Z, a shift.
  Eigen::Affine3d t = Eigen::Affine3d::Identity();
  t.linear() = 2.0 * Eigen::AngleAxisd(std::numbers::pi / 2, Eigen::Vector3d::UnitZ()).toRotationMatrix();
  t.translation() = Eigen::Vector3d(100, 200, 10);
  const auto f = affine(t);

  model::PipeSegment pipe;
  pipe.centreline = {{0, 0, 0}, {10, 0, 0}};
  pipe.section.outerDiameterMeters = 0.2;
  pipe.section.wallMeters = 0.01;
  auto movedPipe = model::transformParametric(pipe, f, 2.0);
  REQUIRE(movedPipe);
  const auto& p = std::get<model::PipeSegment>(*movedPipe);
  CHECK((p.end() - Eigen::Vector3d(100, 220, 10)).norm() < 1e-9);  // +x turned to +y, doubled, shifted
  CHECK(p.section.outerDiameterMeters == Approx(0.4));
  CHECK(*p.section.wallMeters == Approx(0.02));

  model::Well well;
  well.top = {1, 0, 5};
  well.depthMeters = 2;
  well.diameterMeters = 1;
  const auto movedWell = model::transformParametric(well, f, 2.0);
  REQUIRE(movedWell);
  const auto& w = std::get<model::Well>(*movedWell);
  CHECK((w.top - Eigen::Vector3d(100, 202, 20)).norm() < 1e-9);
  CHECK(w.depthMeters == Approx(4));
  CHECK(w.diameterMeters == Approx(2));

  // Site radii, semi-axes and marker sizes scale like pipe radii (they did not before the shapes were one variant).
  struct Case {
    model::SiteShape shape;
    double length;  // the shape's length that must double
  };
  auto lengthOf = [](const model::SiteShape& s) {
    if (const auto* c = std::get_if<model::SiteCylinder>(&s)) return c->radiusMeters;
    if (const auto* e = std::get_if<model::SiteEllipsoid>(&s)) return e->semiAxesMeters.x();
    if (const auto* tube = std::get_if<model::SiteTube>(&s)) return tube->radiusMeters;
    if (const auto* m = std::get_if<model::SiteMarker>(&s)) return m->sizeMeters;
    return 0.0;
  };
  const model::SiteShape shapes[] = {model::SiteCylinder{{0, 0}, 0.055, -20, 0},
                                     model::SiteEllipsoid{{0, 0, -2}, {1.5, 1.0, 0.5}},
                                     model::SiteTube{{{0, 0, 50}, {100, 0, 50}}, 15.0},
                                     model::SiteMarker{{0, 0, -1}, 0.5}};
  for (const auto& shape : shapes) {
    model::SiteFeature feature{model::SiteFeatureKind::Borehole, "x", 0, shape};
    auto moved = model::transformParametric(feature, f, 2.0);
    REQUIRE(moved);
    CHECK(lengthOf(std::get<model::SiteFeature>(*moved).shape) == Approx(2 * lengthOf(shape)));
  }
  // A point that cannot be mapped fails the whole shape.
  auto failing = [](const Eigen::Vector3d&) { return std::optional<Eigen::Vector3d>(); };
  CHECK_FALSE(model::transformParametric(pipe, failing, 1.0));
}

TEST_CASE("Placing a local scene rotates its exact shapes with its meshes", "[model]") {
  model::PipeSegment pipe;
  pipe.centreline = {{0, 0, -1}, {10, 0, -1}};
  pipe.section.outerDiameterMeters = 0.2;
  pipe.id = "P";
  model::Scene scene;
  scene.addElement("pipes", model::pipeElement(pipe));
  model::placeLocalScene(scene, std::nullopt, {1000, 2000, 10}, 90.0);  // degrees, counter-clockwise about up
  const auto& e = scene.layers()[0].elements[0];
  REQUIRE(e.pipe());
  CHECK((e.pipe()->end() - Eigen::Vector3d(1000, 2010, 9)).norm() < 1e-9);
  const auto b = e.worldBounds();
  CHECK(b.center().x() == Approx(1000).margin(1e-3));  // the mesh went the same way
  CHECK(b.max.y() == Approx(2010).margin(1e-3));
}
