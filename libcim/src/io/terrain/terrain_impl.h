#pragma once
// Private: what a Terrain holds. Shared by the raster reader, the TIN builder and the scene builder.

#include <array>
#include <cmath>
#include <memory>
#include <optional>
#include <vector>

#include "cim/geo/transform.h"
#include "cim/io/terrain.h"

namespace cim::io {

struct Terrain::Impl {
  std::filesystem::path path;
  int columns = 0, rows = 0;
  /// Heights in metres, row-major (row 0 first as stored in the file), NaN for nodata.
  std::vector<float> heights;
  std::size_t valid = 0;
  std::array<double, 6> geoTransform{0, 1, 0, 0, 0, 1};  ///< GDAL's: pixel corner (col, row) -> raster CRS
  std::array<double, 6> inverseTransform{0, 1, 0, 0, 0, 1};
  std::optional<geo::Crs> rasterCrs, sceneCrs;
  double unitToMeters = 1.0;
  /// Metres per unit of the raster / scene CRS's own vertical axis, when they have one (what PROJ reads and writes).
  double rasterAxisUnit = 1.0, sceneAxisUnit = 1.0;
  /// Raster CRS -> scene CRS; null when they are the same (or there is no CRS).
  std::shared_ptr<const geo::Transformer> toScene;

  float at(int column, int row) const {
    return heights[static_cast<std::size_t>(row) * static_cast<std::size_t>(columns) + static_cast<std::size_t>(column)];
  }
};

struct TerrainAccess {
  static const Terrain::Impl& impl(const Terrain& t) { return *t.impl_; }
};

}  // namespace cim::io
