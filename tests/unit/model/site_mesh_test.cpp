// model/site_mesh: the meshes and elements of the exact site shapes, closed and outward, within their chord tolerance.
#include <cmath>
#include <numbers>

#include <catch2/catch.hpp>

#include "cim/model/element.h"
#include "cim/model/site.h"
#include "support/mesh_probe.h"

using namespace cim;

TEST_CASE("Every site shape's mesh is closed, outward and encloses the shape's volume", "[model][site]") {
  const double pi = std::numbers::pi;
  struct Row {
    const char* what;
    model::SiteFeatureKind kind;
    model::SiteShape shape;
    double volume;  // by hand
  };
  const Row rows[] = {
      {"L-shaped pit, 6 m deep", model::SiteFeatureKind::Excavation,
       model::SitePrism{{{{0, 0}, {20, 0}, {20, 10}, {10, 10}, {10, 20}, {0, 20}}}, -6, 0}, 300.0 * 6},
      {"borehole 110 mm, 30 m", model::SiteFeatureKind::Borehole, model::SiteCylinder{{5, 5}, 0.055, -30, 0},
       pi * 0.055 * 0.055 * 30},
      {"cavity 3 × 2 × 1 m", model::SiteFeatureKind::Cavity, model::SiteEllipsoid{{0, 0, -2}, {1.5, 1.0, 0.5}},
       4.0 / 3.0 * pi * 1.5 * 1.0 * 0.5},
      {"straight corridor r 15 m", model::SiteFeatureKind::DroneCorridor, model::SiteTube{{{0, 0, 50}, {100, 0, 50}}, 15},
       pi * 225 * 100 + 4.0 / 3.0 * pi * 15 * 15 * 15},
  };
  for (const auto& r : rows) {
    INFO(r.what);
    CHECK(model::siteShapeVolume(r.shape) == Approx(r.volume));
    const model::Element e =
        model::siteElement(model::SiteFeature{r.kind, "id", 0, r.shape}, "", {}, /*chord=*/1e-4);
    REQUIRE(e.shapes.size() == 1);
    CHECK(e.name == std::string(model::siteKindName(r.kind)) + " id");
    CHECK(e.shapes[0].material.color == model::siteKindColor(r.kind));
    CHECK(cimtest::isClosed(e.shapes[0].mesh));
    // Outward: positive volume; inscribed facets: a little less than the exact solid, never more (prisms exact).
    const double v = cimtest::volumeOf(e);
    CHECK(v > 0);
    CHECK(v <= r.volume * (1 + 1e-9));
    CHECK(v == Approx(r.volume).epsilon(0.01));
  }
  // A marker is a point drawn as an octahedron of its size; a prism of fewer than 3 corners has no surface.
  const auto marker = model::siteElement({model::SiteFeatureKind::Sensor, "", 4, model::SiteMarker{{1, 2, 3}, 0.5}}, "", {});
  CHECK(marker.name == "sensor 4");
  CHECK(cimtest::volumeOf(marker) == Approx(4.0 / 3.0 * 0.25 * 0.25 * 0.25).epsilon(1e-6));  // half-diagonal 0.25 m
  CHECK(model::siteShapeMesh(model::SitePrism{{{{0, 0}, {1, 0}}}, 0, 1}).empty());
}
