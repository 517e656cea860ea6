#pragma once
// export/gltf: a scene as glTF 2.0 (GLB or .gltf with an embedded buffer).
//
// Frame: glTF is Y-up, so a scene point (x east, y north, z up) relative to the scene centre c is written as
// (x - cx, z - cz, -(y - cy)). The centre, the CRS and the axis convention are recorded in
// asset.extras.cim = {"crs", "crsName", "origin": [cx, cy, cz], "upAxis": "Y", "originWgs84": [lon, lat, h]},
// so libcim (io/mesh) and other tools can put the model back where it was.

#include <cstddef>
#include <filesystem>

#include <Eigen/Core>

#include "cim/core/progress.h"
#include "cim/core/result.h"
#include "cim/model/scene.h"

namespace cim::gltf {

struct WriteOptions {
  /// false: one node per element (name, id, GUID, class and attributes in the node's extras).
  /// true: per layer, one mesh per material whose vertices carry element ids (_FEATURE_ID_0, EXT_mesh_features);
  ///       the layer node's extras list the elements by feature id. Fewer draw calls for large scenes.
  bool mergeElements = false;
  /// nullopt: decided by the file extension (.gltf -> JSON, anything else -> GLB).
  std::optional<bool> binary;
};

struct WriteStats {
  std::size_t nodes = 0;
  std::size_t meshes = 0;
  std::size_t primitives = 0;
  std::size_t materials = 0;
  std::size_t vertices = 0;
  std::size_t triangles = 0;
  std::size_t elements = 0;
  std::uintmax_t bytes = 0;
  Eigen::Vector3d origin = Eigen::Vector3d::Zero();  ///< scene point written at glTF (0,0,0)
};

/// Whether `path` can take a glTF: its extension is .glb or .gltf (a glTF under another name, e.g. .obj, would be
/// mistaken for that format), it is not a folder and its folder exists. FileUnwritable naming the path otherwise.
/// write() checks the same; callers check first to refuse before a long load.
Status checkOutputPath(const std::filesystem::path& path);

/// Writes `scene` to `path` atomically (a temporary file renamed into place; nothing is left behind on failure).
/// Fails with FileUnwritable naming the path when it cannot be written, NoGeometry when the scene has no triangles.
Result<WriteStats> write(const model::Scene& scene, const std::filesystem::path& path, const WriteOptions& options = {},
                         const ProgressFn& progress = {});

}  // namespace cim::gltf
