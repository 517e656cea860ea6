// io/terrain/tin_builder: a TIN within its vertical bound of every cell centre, crack-free tiles, nodata holes.
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

TEST_CASE("The TIN is within its bound at every cell centre of every shared DEM", "[terrain]") {
  for (const char* name : {"ky4_elevation_epsg3547.tif", "zion_srtm_wgs84.tif", "alexandria_dtm_2m_utm18n.tif",
                           "alexandria_dsm_2m_utm18n.tif", "mongon_aster_dem_utm17s.tif"}) {
    if (!haveDem(name)) continue;
    INFO(name);
    const Raster raster = readRaster(demDir() / name);
    auto terrain = io::Terrain::open(demDir() / name);
    REQUIRE(terrain.ok());
    for (double bound : {0.1, 1.0}) {
      INFO("bound " << bound);
      // Small tiles, so the rasters span several and the tile edges are checked too.
      auto tin = io::buildTin(terrain.value(), bound, 64);
      REQUIRE(tin.ok());
      CHECK(tin->tiles.size() > 1);
      const TinCheck check = checkTin(tin.value(), raster);
      CHECK(check.maxError <= bound + 1e-9);
      CHECK(check.nodataCovered == 0);
      CHECK(check.uncovered == 0);
      CHECK(tin->measuredMaxErrorMeters == Approx(check.maxError).margin(1e-9));
      // Far fewer vertices than cells on smooth ground (the 2 m lidar DTM). The others are rugged at their cell
      // size (SRTM and ASTER: 30-90 m cells in integer metres), where a decimetre bound keeps most cells.
      if (std::string(name) == "alexandria_dtm_2m_utm18n.tif")
        CHECK(tin->vertexCount() < raster.z.size() / (bound == 0.1 ? 3 : 10));
    }
  }
}

TEST_CASE("Tiles share their edge vertices: the TIN has no cracks", "[terrain]") {
  if (!haveDem("ky4_elevation_epsg3547.tif")) return;
  auto terrain = io::Terrain::open(demDir() / "ky4_elevation_epsg3547.tif");
  REQUIRE(terrain.ok());
  auto tin = io::buildTin(terrain.value(), 0.5, 32);
  REQUIRE(tin.ok());
  // Over the whole TIN, every undirected edge is used by one triangle (boundary) or two (interior); an edge used
  // once must lie on the raster's outer boundary. A T-junction between tiles would leave a tile-edge segment used
  // once in the middle of the raster.
  const int W = terrain->columns(), H = terrain->rows();
  std::map<std::pair<std::uint32_t, std::uint32_t>, int> uses;
  for (const auto& tile : tin->tiles)
    for (std::size_t t = 0; t < tile.triangles.size(); t += 3)
      for (int k = 0; k < 3; ++k) {
        std::uint32_t a = tile.cells[tile.triangles[t + k]], b = tile.cells[tile.triangles[t + (k + 1) % 3]];
        ++uses[{std::min(a, b), std::max(a, b)}];
      }
  std::size_t inner = 0, overused = 0;
  for (const auto& [edge, n] : uses) {
    if (n > 2) ++overused;
    if (n != 1) continue;
    const int ax = edge.first % W, ay = edge.first / W, bx = edge.second % W, by = edge.second / W;
    const bool onBoundary = (ax == bx && (ax == 0 || ax == W - 1)) || (ay == by && (ay == 0 || ay == H - 1));
    if (!onBoundary) ++inner;
  }
  CHECK(tin->tiles.size() == static_cast<std::size_t>(tin->tileColumns * tin->tileRows));
  CHECK(overused == 0);
  CHECK(inner == 0);
}

TEST_CASE("The vertex count falls as the bound grows", "[terrain]") {
  if (!haveDem("ky4_elevation_epsg3547.tif")) return;
  auto terrain = io::Terrain::open(demDir() / "ky4_elevation_epsg3547.tif");
  REQUIRE(terrain.ok());
  const std::size_t cells = static_cast<std::size_t>(terrain->columns()) * terrain->rows();
  std::size_t previous = std::numeric_limits<std::size_t>::max();
  for (double bound : {0.0, 0.05, 0.1, 0.5, 1.0, 5.0}) {
    auto tin = io::buildTin(terrain.value(), bound);
    REQUIRE(tin.ok());
    INFO("bound " << bound << ": " << tin->vertexCount() << " vertices of " << cells << " cells");
    CHECK(tin->vertexCount() < previous);
    previous = tin->vertexCount();
    if (bound == 5.0) CHECK(tin->vertexCount() < cells / 8);
  }
}

TEST_CASE("Nodata holes stay holes", "[terrain]") {
  cimtest::TempDir dir;
  const int W = 65, H = 49;
  std::vector<double> z(static_cast<std::size_t>(W) * H);
  for (int r = 0; r < H; ++r)
    for (int c = 0; c < W; ++c) {
      const bool hole = c >= 20 && c <= 30 && r >= 10 && r <= 25;
      z[static_cast<std::size_t>(r) * W + c] = hole ? -9999.0 : 50.0 + 0.002 * (c - 30) * (c - 30) + 0.05 * r;
    }
  const double gt[6] = {500000.0, 10.0, 0.0, 3300000.0, 0.0, -10.0};
  writeGeoTiff(dir / "hole.tif", W, H, z, gt, 32650, -9999.0);
  const Raster raster = readRaster(dir / "hole.tif");

  auto terrain = io::Terrain::open(dir / "hole.tif");
  REQUIRE(terrain.ok());
  CHECK(terrain->validCells() == static_cast<std::size_t>(W * H - 11 * 16));
  CHECK_FALSE(terrain->cellHeight(25, 15).has_value());
  REQUIRE(terrain->cellHeight(0, 0).has_value());
  CHECK(*terrain->cellHeight(0, 0) == Approx(50.0 + 0.002 * 900).epsilon(1e-6));
  for (int tileCells : {16, 256}) {
    auto tin = io::buildTin(terrain.value(), 0.1, tileCells);
    REQUIRE(tin.ok());
    const TinCheck check = checkTin(tin.value(), raster);
    CHECK(check.nodataCovered == 0);
    CHECK(check.uncovered == 0);
    CHECK(check.maxError <= 0.1 + 1e-9);
    CHECK(check.coveredCells == terrain->validCells());
  }
  // The scene says how many cells were left out.
  auto scene = io::readTerrain(dir / "hole.tif");
  REQUIRE(scene.ok());
  bool told = false;
  for (const auto& d : scene.diagnostics()) told = told || d.message.find("176 nodata cell(s)") != std::string::npos;
  CHECK(told);

  // A shared raster with nodata: the Alexandria DTM (0.38 % nodata).
  if (haveDem("alexandria_dtm_2m_utm18n.tif")) {
    auto dtm = io::Terrain::open(demDir() / "alexandria_dtm_2m_utm18n.tif");
    REQUIRE(dtm.ok());
    const Raster r = readRaster(demDir() / "alexandria_dtm_2m_utm18n.tif");
    std::size_t nodata = 0;
    for (char v : r.valid) nodata += v == 0;
    CHECK(nodata > 0);
    CHECK(dtm->validCells() == r.z.size() - nodata);
    auto tin = io::buildTin(dtm.value(), 0.1);
    REQUIRE(tin.ok());
    CHECK(checkTin(tin.value(), r).nodataCovered == 0);
  }
}
