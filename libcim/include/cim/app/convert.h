#pragma once

#include <filesystem>
#include <vector>

#include "cim/app/load.h"
#include "cim/export/gltf.h"
#include "cim/geometry/aabb.h"

namespace cim::app {

struct ConvertOptions {
  std::vector<std::filesystem::path> inputs;
  std::filesystem::path output;  ///< .glb (binary) or .gltf (JSON with an embedded buffer)
  LoadOptions load;
  bool mergeElements = false;    ///< see gltf::WriteOptions::mergeElements
};

struct ConvertReport {
  std::filesystem::path output;
  std::string crs;               ///< scene CRS definition, empty for a local scene
  std::size_t inputs = 0;
  geometry::Aabb bounds;         ///< scene bounds in the scene CRS
  gltf::WriteStats written;
};

/// Loads the inputs (loadScene) and writes them as one glTF/GLB. Fails naming the input or output at fault.
Result<ConvertReport> convert(const ConvertOptions& options, const ProgressFn& progress = {});

}  // namespace cim::app
