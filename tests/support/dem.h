#pragma once
// DEMs for the terrain tests: options, the shared DEM folder, GeoTIFFs written on the fly, the raster as GDAL reads
// it, and an independent check of a TIN against the raster's cell centres.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "cim/io/terrain.h"
#include "cim/model/scene.h"

namespace cimtest {

namespace fs = std::filesystem;

inline constexpr double kUsFoot = 1200.0 / 3937.0;

cim::io::TerrainOptions withError(double m);
cim::io::TerrainOptions withUnit(double metersPerUnit);
cim::io::TerrainOptions withScene(const cim::geo::Crs& scene);

/// ../shared/data/dem
fs::path demDir();
/// True when the shared DEM exists; else WARNs that the test is skipped.
bool haveDem(const std::string& name);
/// The CRS of a definition (fails the test when PROJ does not know it).
cim::geo::Crs crs(const std::string& def);

// Band 1 as GDAL gives it (scale and offset applied), with its validity from the mask band.
struct Raster {
  int W = 0, H = 0;
  std::vector<double> z;
  std::vector<char> valid;
  double at(int c, int r) const { return z[static_cast<std::size_t>(r) * W + c]; }
  bool ok(int c, int r) const { return valid[static_cast<std::size_t>(r) * W + c] != 0; }
};

/// Band 1 of a raster as GDAL gives it (scale and offset applied), with its validity from the mask band.
Raster readRaster(const fs::path& path);

/// What checkTin found.
struct TinCheck {
  double maxError = 0.0;           // over covered valid cell centres
  std::size_t nodataCovered = 0;   // nodata cell centres inside or on a triangle
  std::size_t uncovered = 0;       // valid centres with a fully valid 2 x 2 block around them, yet in no triangle
  std::size_t coveredCells = 0;
};

/// Locates every cell centre in the TIN's triangles (grid coordinates) and compares the planar height there with
/// the raster's; `unit` converts raster values to metres.
TinCheck checkTin(const cim::io::Tin& tin, const Raster& r, double unit = 1.0);

/// A Float32 GeoTIFF with the given heights (row-major, row 0 north), geotransform and CRS.
void writeGeoTiff(const fs::path& path, int W, int H, const std::vector<double>& z, const double gt[6], int epsg,
                  std::optional<double> nodata = std::nullopt, const char* unitType = nullptr);
/// A flat 60 x 40 DEM of 1 m cells at `height` over E 515390..515450, N 3347830..3347870 (EPSG:4549), beside the
/// pipe tables of the DEM-as-ground tests.
void writeFlatHangzhouDem(const fs::path& path, double height);

/// Triangles of the scene's terrain elements that are not counter-clockwise seen from above.
std::size_t clockwiseTriangles(const cim::model::Scene& scene);

}  // namespace cimtest
