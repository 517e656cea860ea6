// io/terrain: DEM rasters to TINs with a guaranteed vertical error, heights from the raster, the scene CRS.
// The TIN is checked by an evaluator of its own here (point location of every cell centre in the raster grid,
// against heights read with GDAL directly), not by the builder's own measurement.
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
#include "support/test_support.h"

using namespace cim;
namespace fs = std::filesystem;

namespace {

constexpr double kUsFoot = 1200.0 / 3937.0;

io::TerrainOptions withError(double m) {
  io::TerrainOptions o;
  o.maxErrorMeters = m;
  return o;
}
io::TerrainOptions withUnit(double metersPerUnit) {
  io::TerrainOptions o;
  o.verticalUnitToMeters = metersPerUnit;
  return o;
}
io::TerrainOptions withScene(const geo::Crs& scene) {
  io::TerrainOptions o;
  o.sceneCrs = scene;
  return o;
}

fs::path demDir() { return cimtest::sharedDataDir() / "dem"; }

bool haveDem(const std::string& name) {
  if (fs::exists(demDir() / name)) return true;
  WARN("shared DEM " << (demDir() / name).string() << " is absent; test skipped");
  return false;
}

geo::Crs crs(const std::string& def) {
  auto c = geo::Crs::fromUserInput(def);
  REQUIRE(c.ok());
  return c.value();
}

// Band 1 as GDAL gives it (scale and offset applied), with its validity from the mask band.
struct Raster {
  int W = 0, H = 0;
  std::vector<double> z;
  std::vector<char> valid;
  double at(int c, int r) const { return z[static_cast<std::size_t>(r) * W + c]; }
  bool ok(int c, int r) const { return valid[static_cast<std::size_t>(r) * W + c] != 0; }
};

Raster readRaster(const fs::path& path) {
  GDALAllRegister();
  std::unique_ptr<GDALDataset> ds(GDALDataset::Open(path.string().c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
  REQUIRE(ds);
  Raster r;
  r.W = ds->GetRasterXSize();
  r.H = ds->GetRasterYSize();
  auto* band = ds->GetRasterBand(1);
  r.z.resize(static_cast<std::size_t>(r.W) * r.H);
  r.valid.resize(r.z.size());
  REQUIRE(band->RasterIO(GF_Read, 0, 0, r.W, r.H, r.z.data(), r.W, r.H, GDT_Float64, 0, 0) == CE_None);
  std::vector<std::uint8_t> mask(r.z.size());
  REQUIRE(band->GetMaskBand()->RasterIO(GF_Read, 0, 0, r.W, r.H, mask.data(), r.W, r.H, GDT_Byte, 0, 0) == CE_None);
  const double scale = band->GetScale(), offset = band->GetOffset();
  for (std::size_t i = 0; i < r.z.size(); ++i) {
    r.valid[i] = mask[i] != 0 && std::isfinite(r.z[i]);
    r.z[i] = r.z[i] * scale + offset;
  }
  return r;
}

struct TinCheck {
  double maxError = 0.0;           // over covered valid cell centres
  std::size_t nodataCovered = 0;   // nodata cell centres inside or on a triangle
  std::size_t uncovered = 0;       // valid centres with a fully valid 2 x 2 block around them, yet in no triangle
  std::size_t coveredCells = 0;
};

// Locates every cell centre in the TIN's triangles (grid coordinates) and compares the planar height there with
// the raster's; `unit` converts raster values to metres.
TinCheck checkTin(const io::Tin& tin, const Raster& r, double unit = 1.0) {
  TinCheck out;
  std::vector<char> covered(r.z.size(), 0);
  for (const auto& tile : tin.tiles) {
    for (std::size_t t = 0; t + 2 < tile.triangles.size(); t += 3) {
      std::int64_t x[3], y[3];
      for (int k = 0; k < 3; ++k) {
        const std::uint32_t cell = tile.cells[tile.triangles[t + k]];
        x[k] = cell % static_cast<std::uint32_t>(r.W);
        y[k] = cell / static_cast<std::uint32_t>(r.W);
      }
      const std::int64_t area = (x[1] - x[0]) * (y[2] - y[0]) - (y[1] - y[0]) * (x[2] - x[0]);
      REQUIRE(area != 0);
      const auto [minX, maxX] = std::minmax({x[0], x[1], x[2]});
      const auto [minY, maxY] = std::minmax({y[0], y[1], y[2]});
      for (std::int64_t py = minY; py <= maxY; ++py)
        for (std::int64_t px = minX; px <= maxX; ++px) {
          std::int64_t w[3];
          for (int k = 0; k < 3; ++k) {
            const int i = (k + 1) % 3, j = (k + 2) % 3;
            w[k] = (x[j] - x[i]) * (py - y[i]) - (y[j] - y[i]) * (px - x[i]);
          }
          const bool inside = area > 0 ? (w[0] >= 0 && w[1] >= 0 && w[2] >= 0) : (w[0] <= 0 && w[1] <= 0 && w[2] <= 0);
          if (!inside) continue;
          const int c = static_cast<int>(px), rr = static_cast<int>(py);
          if (!r.ok(c, rr)) {
            ++out.nodataCovered;
            continue;
          }
          bool verticesOk = true;
          double interp = 0.0;
          for (int k = 0; k < 3; ++k) {
            const int vc = static_cast<int>(x[k]), vr = static_cast<int>(y[k]);
            verticesOk = verticesOk && r.ok(vc, vr);
            interp += static_cast<double>(w[k]) * r.at(vc, vr) * unit;
          }
          if (!verticesOk) continue;  // counted when the nodata vertex itself is visited
          interp /= static_cast<double>(area);
          out.maxError = std::max(out.maxError, std::abs(interp - r.at(c, rr) * unit));
          covered[static_cast<std::size_t>(rr) * r.W + c] = 1;
        }
    }
  }
  for (int rr = 0; rr < r.H; ++rr)
    for (int c = 0; c < r.W; ++c) {
      if (covered[static_cast<std::size_t>(rr) * r.W + c]) {
        ++out.coveredCells;
        continue;
      }
      if (!r.ok(c, rr)) continue;
      bool block = false;
      for (int dy = -1; dy <= 0 && !block; ++dy)
        for (int dx = -1; dx <= 0 && !block; ++dx) {
          const int c0 = c + dx, r0 = rr + dy;
          if (c0 < 0 || r0 < 0 || c0 + 1 >= r.W || r0 + 1 >= r.H) continue;
          block = r.ok(c0, r0) && r.ok(c0 + 1, r0) && r.ok(c0, r0 + 1) && r.ok(c0 + 1, r0 + 1);
        }
      if (block) ++out.uncovered;
    }
  return out;
}

// A Float32 GeoTIFF with the given heights (row-major, row 0 north), geotransform and CRS.
void writeGeoTiff(const fs::path& path, int W, int H, const std::vector<double>& z, const double gt[6], int epsg,
                  std::optional<double> nodata = std::nullopt, const char* unitType = nullptr) {
  GDALAllRegister();
  GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GTiff");
  REQUIRE(drv);
  std::unique_ptr<GDALDataset> ds(drv->Create(path.string().c_str(), W, H, 1, GDT_Float32, nullptr));
  REQUIRE(ds);
  double g[6];
  std::copy(gt, gt + 6, g);
  ds->SetGeoTransform(g);
  OGRSpatialReference srs;
  srs.importFromEPSG(epsg);
  ds->SetSpatialRef(&srs);
  auto* band = ds->GetRasterBand(1);
  if (nodata) band->SetNoDataValue(*nodata);
  if (unitType) band->SetUnitType(unitType);
  std::vector<float> f(z.begin(), z.end());
  REQUIRE(band->RasterIO(GF_Write, 0, 0, W, H, f.data(), W, H, GDT_Float32, 0, 0) == CE_None);
}

// Every triangle of every terrain element is counter-clockwise seen from above in the scene CRS.
std::size_t clockwiseTriangles(const model::Scene& scene) {
  std::size_t bad = 0;
  scene.forEachElement([&](const model::Layer&, const model::Element& e) {
    for (const auto& s : e.shapes)
      for (std::size_t t = 0; t + 2 < s.mesh.indices.size(); t += 3) {
        const auto& a = s.mesh.positions[s.mesh.indices[t]];
        const auto& b = s.mesh.positions[s.mesh.indices[t + 1]];
        const auto& c = s.mesh.positions[s.mesh.indices[t + 2]];
        if ((b.x() - a.x()) * (c.y() - a.y()) - (b.y() - a.y()) * (c.x() - a.x()) <= 0) ++bad;
      }
  });
  return bad;
}

}  // namespace

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

TEST_CASE("cim convert turns a DEM into a GLB that passes glTF-Validator; cim info describes it", "[terrain][cli]") {
  if (!haveDem("ky4_elevation_epsg3547.tif")) return;
  using cimtest::shellQuote;
  cimtest::TempDir dir;
  const std::string cli = shellQuote(CIM_CLI_PATH);
  const std::string dem = shellQuote((demDir() / "ky4_elevation_epsg3547.tif").string());
  auto c = cimtest::run(cli + " convert " + dem + " --max-error 0.5 -o " + shellQuote((dir / "t.glb").string()));
  INFO(c.out << c.err);
  REQUIRE(c.exitCode == 0);
  CHECK_THAT(c.out, Catch::Matchers::Contains("wrote") && Catch::Matchers::Contains("EPSG:3723"));
  auto report = cimtest::validateGltf(dir / "t.glb");
  INFO(report.dump());
  CHECK(report["errors"] == 0);

  auto i = cimtest::run(cli + " info " + dem + " --json");
  REQUIRE(i.exitCode == 0);
  auto j = nlohmann::json::parse(i.out);
  CHECK(j["format"] == "GeoTIFF raster DEM");
  CHECK(j["crs"] == "EPSG:3723");
  CHECK(j["triangles"].get<int>() > 0);
  // UTM 16N bounds of the raster's cell centres, and heights of the raster's range (117.44-226.24 m).
  CHECK(j["bounds"]["min"][2].get<double>() == Approx(117.438).margin(0.01));
  CHECK(j["bounds"]["max"][2].get<double>() == Approx(226.242).margin(0.01));

  // The scene CRS can be chosen with --crs: here the metre version of the raster's state plane (EPSG:3546).
  auto m = cimtest::run(cli + " convert " + dem + " --crs EPSG:3546 -o " + shellQuote((dir / "m.glb").string()));
  INFO(m.err);
  CHECK(m.exitCode == 0);
  CHECK_THAT(m.out, Catch::Matchers::Contains("EPSG:3546"));
}
