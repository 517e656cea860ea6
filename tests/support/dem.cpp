// DEMs for the terrain tests (see dem.h).
#include "support/dem.h"

#include <algorithm>
#include <cmath>
#include <memory>

#include <catch2/catch.hpp>
#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include "support/test_support.h"

namespace cimtest {

using namespace cim;

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

// Locates every cell centre in the TIN's triangles (grid coordinates) and compares the planar height there with
// the raster's; `unit` converts raster values to metres.
TinCheck checkTin(const io::Tin& tin, const Raster& r, double unit) {
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
                  std::optional<double> nodata, const char* unitType) {
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

void writeFlatHangzhouDem(const fs::path& path, double height) {
  const int W = 60, H = 40;
  const std::vector<double> z(W * H, height);
  const double gt[6] = {515390.0, 1.0, 0.0, 3347870.0, 0.0, -1.0};
  writeGeoTiff(path, W, H, z, gt, 4549);
}

}  // namespace cimtest
