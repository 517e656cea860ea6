#pragma once

#include <filesystem>
#include <vector>

#include "cim/app/load.h"
#include "cim/export/tiles3d.h"

namespace cim::app {

struct TileOptions {
  std::vector<std::filesystem::path> inputs;
  std::filesystem::path outputDir;  ///< one tileset per scene layer under it, plus index.json
  LoadOptions load;
  tiles3d::WriteOptions write;      ///< triangle budget per tile, overwrite
};

struct TileReport {
  std::filesystem::path outputDir;
  std::string crs;  ///< scene CRS definition
  std::size_t inputs = 0;
  tiles3d::WriteStats written;
};

/// Loads the inputs (loadScene) and writes them as 3D Tiles 1.1 (tiles3d::write). Fails naming the input or output
/// at fault; a scene without a CRS fails with InvalidArgument (give LoadOptions::crs and origin).
Result<TileReport> tile(const TileOptions& options, const ProgressFn& progress = {});

}  // namespace cim::app
