#pragma once

#include <cstdint>
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
  /// Bytes of elements kept in memory while the inputs load; the rest wait in a temporary file for their tile (see
  /// tiles3d::ElementSpool). Without registers to join, inputs are streamed (streamScene): an IFC model of any size
  /// then loads in about this much memory beyond its STEP index. With registers the whole scene is loaded.
  std::size_t memoryBytes = tiles3d::ElementSpool::kDefaultMemoryBytes;
};

struct TileReport {
  std::filesystem::path outputDir;
  std::string crs;  ///< scene CRS definition
  std::size_t inputs = 0;
  tiles3d::WriteStats written;
  std::size_t spooledElements = 0;  ///< elements that waited in the temporary file (beyond memoryBytes)
  std::uint64_t spooledBytes = 0;   ///< the temporary file's size
};

/// Loads the inputs (streamScene into a tiles3d::ElementSpool; loadScene when registers are joined) and writes them as
/// 3D Tiles 1.1 (tiles3d::write). The folder is the same either way. Fails naming the input or output
/// at fault; a scene without a CRS fails with InvalidArgument (give LoadOptions::crs and origin).
Result<TileReport> tile(const TileOptions& options, const ProgressFn& progress = {});

}  // namespace cim::app
