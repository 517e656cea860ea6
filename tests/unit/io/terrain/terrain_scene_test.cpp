// io/terrain/terrain_scene: TIN tiles as scene elements in metres in the scene CRS.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>

#include <catch2/catch.hpp>
#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include "cim/io/terrain.h"
#include "support/dem.h"
#include "support/test_support.h"

using namespace cim;
using namespace cimtest;

TEST_CASE("KY4 (US survey feet) and SRTM (WGS 84 degrees) land in metres in the scene CRS", "[terrain]") {
  SECTION("KY4: EPSG:3547 ftUS -> NAD83(NSRS2007) / UTM 16N") {
    if (!haveDem("ky4_elevation_epsg3547.tif")) return;
    auto scene = io::readTerrain(demDir() / "ky4_elevation_epsg3547.tif", withError(0.5));
    REQUIRE(scene.ok());
    REQUIRE(scene->crs());
    CHECK(scene->crs()->definition() == "EPSG:3723");  // the UTM zone of the centre, same datum as the raster
    CHECK(scene->crs()->horizontalUnitToMeters() == 1.0);
    CHECK(clockwiseTriangles(scene.value()) == 0);
    // Cell (0, 0): centre 4941028.9167 3924058.2785 ftUS; PROJ (cs2cs EPSG:3547 EPSG:3723) puts it at
    // 615626.8910 4217714.9419. Its value 160.29286 is metres: the band declares no unit, and the raster agrees
    // with the KY4 network's junction elevations in metres (checked below), so heights are not converted.
    bool found = false;
    scene->forEachElement([&](const model::Layer& layer, const model::Element& e) {
      CHECK(layer.name == "ky4_elevation_epsg3547.tif");
      CHECK(e.kind == "terrain");
      CHECK(std::get<double>(e.attributes.at("maxErrorMeters")) == 0.5);
      CHECK(std::get<std::int64_t>(e.attributes.at("vertexCount")) ==
            static_cast<std::int64_t>(e.shapes.at(0).mesh.vertexCount()));
      for (const auto& s : e.shapes)
        for (std::size_t i = 0; i < s.mesh.vertexCount(); ++i) {
          const Eigen::Vector3d p = s.mesh.worldPosition(i);
          if (std::abs(p.x() - 615626.8910) < 0.01 && std::abs(p.y() - 4217714.9419) < 0.01) {
            found = true;
            CHECK(p.z() == Approx(160.292861938477).margin(1e-4));
          }
        }
    });
    CHECK(found);

    auto terrain = io::Terrain::open(demDir() / "ky4_elevation_epsg3547.tif");
    REQUIRE(terrain.ok());
    CHECK(terrain->verticalUnitToMeters() == 1.0);
    // Junction J-1 of pipes/ky4_junctions.geojson: 4971350.0 3905604.0 ftUS, elevation 186.35 m; in EPSG:3723
    // (cs2cs) 624942.4189 4212215.7109. The DEM there (gdallocationinfo: 188.06) is within 2 m of it; read as feet
    // it would be 57 m.
    auto h = terrain->heightAt(624942.4189, 4212215.7109);
    REQUIRE(h);
    CHECK(*h == Approx(186.35).margin(2.0));

    // The user can say the heights are US survey feet: then 160.292861938477 ftUS = 160.292861938477 * 1200 / 3937 m.
    auto feet = io::Terrain::open(demDir() / "ky4_elevation_epsg3547.tif", withUnit(kUsFoot));
    REQUIRE(feet.ok());
    CHECK(*feet->cellHeight(0, 0) == Approx(48.85736203357).epsilon(1e-7));
    auto p = feet->gridToScene(0, 0, *feet->cellHeight(0, 0));
    REQUIRE(p);
    CHECK(p->x() == Approx(615626.8910).margin(1e-3));
    CHECK(p->y() == Approx(4217714.9419).margin(1e-3));
    CHECK(p->z() == Approx(48.85736203357).margin(1e-4));
  }
  SECTION("A band that declares US survey feet is converted") {
    cimtest::TempDir dir;
    const double gt[6] = {4941000.0, 100.0, 0.0, 3924000.0, 0.0, -100.0};
    writeGeoTiff(dir / "ft.tif", 3, 3, {600, 600, 600, 600, 656.2, 600, 600, 600, 600}, gt, 3547, std::nullopt,
                 "US survey foot");
    auto t = io::Terrain::open(dir / "ft.tif", withScene(crs("EPSG:3723")));
    REQUIRE(t.ok());
    CHECK(t->verticalUnitToMeters() == Approx(kUsFoot).epsilon(1e-15));
    CHECK(*t->cellHeight(0, 0) == Approx(182.88036576073).epsilon(1e-7));  // 600 * 1200 / 3937
    CHECK(*t->cellHeight(1, 1) == Approx(200.01016002032).epsilon(1e-7));  // 656.2 * 1200 / 3937
  }
  SECTION("SRTM: EPSG:4326 -> WGS 84 / UTM 12N") {
    if (!haveDem("zion_srtm_wgs84.tif")) return;
    auto scene = io::readTerrain(demDir() / "zion_srtm_wgs84.tif", withError(1.0));
    REQUIRE(scene.ok());
    REQUIRE(scene->crs());
    CHECK(scene->crs()->definition() == "EPSG:32612");
    bool said = false;
    for (const auto& d : scene.diagnostics()) said = said || d.message.find("UTM zone of the raster centre") != std::string::npos;
    CHECK(said);
    CHECK(clockwiseTriangles(scene.value()) == 0);
    // Cell (0, 0): centre -113.2391665461 37.5125000965; cs2cs EPSG:4326 EPSG:32612: 302099.7588 4154083.6015;
    // value 1728 m (gdallocationinfo).
    bool found = false;
    scene->forEachElement([&](const model::Layer&, const model::Element& e) {
      for (const auto& s : e.shapes)
        for (std::size_t i = 0; i < s.mesh.vertexCount(); ++i) {
          const Eigen::Vector3d p = s.mesh.worldPosition(i);
          if (std::abs(p.x() - 302099.7588) < 0.01 && std::abs(p.y() - 4154083.6015) < 0.01) {
            found = true;
            CHECK(p.z() == Approx(1728.0).margin(1e-3));
          }
        }
    });
    CHECK(found);
    const auto bounds = scene->worldBounds();
    CHECK(bounds.min.z() == Approx(1024.0).margin(1e-3));
    CHECK(bounds.max.z() == Approx(2892.0).margin(1e-3));
  }
}
