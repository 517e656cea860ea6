// io/terrain/terrain_raster: rasters read through GDAL, their units and CRS, heightAt, bad input.
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

TEST_CASE("heightAt interpolates the raster bilinearly between cell centres", "[terrain]") {
  cimtest::TempDir dir;
  // 4 x 3 cells of 10 m, west edge 500000, north edge 3300000; cell (c, r) centre at 500005 + 10c, 3299995 - 10r.
  const std::vector<double> z = {10, 12, 16, 20,   //
                                 11, 15, 19, 30,   //
                                 13, 14, -9999, 40};
  const double gt[6] = {500000.0, 10.0, 0.0, 3300000.0, 0.0, -10.0};
  writeGeoTiff(dir / "small.tif", 4, 3, z, gt, 32650, -9999.0);
  auto t = io::Terrain::open(dir / "small.tif");
  REQUIRE(t.ok());
  REQUIRE(t->sceneCrs());
  CHECK(t->sceneCrs()->definition() == "EPSG:32650");
  // Cell centres give their own values.
  CHECK(*t->heightAt(500015.0, 3299985.0) == Approx(15.0));
  // Column 1.25, row 0.5 (x = 500005 + 12.5, y = 3299995 - 5): between cells (1,0)=12, (2,0)=16, (1,1)=15, (2,1)=19:
  // top 12 + 0.25 * 4 = 13, bottom 15 + 0.25 * 4 = 16, middle 14.5.
  CHECK(*t->heightAt(500017.5, 3299990.0) == Approx(14.5).margin(1e-9));
  // Column 0.3, row 1.6: (0,1)=11, (1,1)=15, (0,2)=13, (1,2)=14: top 12.2, bottom 13.3, 0.6 of the way: 12.86.
  CHECK(*t->heightAt(500008.0, 3299979.0) == Approx(12.86).margin(1e-9));
  // The outer half cell takes the edge centres: x = 500001 is column -0.4, clamped to 0; row 0: 10.
  CHECK(*t->heightAt(500001.0, 3299995.0) == Approx(10.0));
  // A nodata cell with a nonzero weight gives no height; outside the raster gives none.
  CHECK_FALSE(t->heightAt(500022.0, 3299978.0).has_value());
  CHECK_FALSE(t->heightAt(499999.0, 3299995.0).has_value());
  CHECK_FALSE(t->heightAt(500020.0, 3300001.0).has_value());

  // Grid position (1.25, 0.5) is that same point.
  auto p = t->gridToScene(1.25, 0.5, 14.5);
  REQUIRE(p);
  CHECK(p->x() == Approx(500017.5));
  CHECK(p->y() == Approx(3299990.0));
}

TEST_CASE("heightAt in a scene CRS other than the raster's", "[terrain]") {
  if (!haveDem("ky4_elevation_epsg3547.tif")) return;
  // Same place in two scene CRSs: the raster's own (feet) and UTM (metres) give the same height.
  auto inFeet = io::Terrain::open(demDir() / "ky4_elevation_epsg3547.tif", withScene(crs("EPSG:3547")));
  auto inUtm = io::Terrain::open(demDir() / "ky4_elevation_epsg3547.tif", withScene(crs("EPSG:3723")));
  REQUIRE(inFeet.ok());
  REQUIRE(inUtm.ok());
  auto a = inFeet->heightAt(4971350.0, 3905604.0);
  auto b = inUtm->heightAt(624942.4189, 4212215.7109);
  REQUIRE(a);
  REQUIRE(b);
  CHECK(*a == Approx(*b).margin(1e-3));
  CHECK(*a == Approx(188.0637817).margin(0.5));  // gdallocationinfo's nearest cell value there
}

TEST_CASE("Bad terrain input gives a diagnostic naming the file, and cancellation stops", "[terrain]") {
  cimtest::TempDir dir;
  cimtest::writeFile(dir / "not.tif", "this is not a raster\n");
  auto r = io::readTerrain(dir / "not.tif");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error()->code == ErrorCode::UnsupportedFormat);
  CHECK(r.error()->source == (dir / "not.tif").string());

  auto missing = io::readTerrain(dir / "missing.tif");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error()->code == ErrorCode::FileNotFound);

  const double gt[6] = {0, 1, 0, 0, 0, -1};
  writeGeoTiff(dir / "flat.tif", 9, 9, std::vector<double>(81, 5.0), gt, 32650);
  auto negative = io::readTerrain(dir / "flat.tif", withError(-1.0));
  REQUIRE_FALSE(negative.ok());
  CHECK(negative.error()->code == ErrorCode::InvalidArgument);

  auto cancelled = io::readTerrain(dir / "flat.tif", {}, [](std::string_view stage, double) { return stage != "tin"; });
  REQUIRE_FALSE(cancelled.ok());
  CHECK(cancelled.error()->code == ErrorCode::Cancelled);

  // A flat raster is two triangles.
  auto flat = io::readTerrain(dir / "flat.tif");
  REQUIRE(flat.ok());
  CHECK(flat->triangleCount() == 2);
  CHECK(flat->vertexCount() == 4);
}
