#pragma once
// Private (3D Tiles): one tile's content. What a tile shows (a leaf: its elements at full detail; an inner tile: an
// LOD simplified from its children's content) and its GLB: one mesh, a primitive per material, vertices placed in the
// tile frame (tile_frame.h), per-vertex feature ids (EXT_mesh_features) naming rows of the tile's property table
// (EXT_structural_metadata, metadata.h), optionally compressed.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cim/core/result.h"
#include "cim/export/compression.h"
#include "cim/geo/transform.h"
#include "cim/geometry/aabb.h"
#include "cim/geometry/mesh.h"
#include "cim/model/element.h"
#include "export/tiles3d/layer_elements.h"
#include "export/tiles3d/metadata.h"
#include "export/tiles3d/tile_frame.h"
#include "export/tiles3d/tiling.h"

namespace cim::tiles3d::detail {

/// One mesh of one element in a tile's content: the element's own shape mesh (leaves) or a simplified copy (LODs).
struct Part {
  const model::Element* element = nullptr;
  const model::Material* material = nullptr;
  std::shared_ptr<const geometry::Mesh> mesh;
  /// Keeps `element` (and `material`) alive: an element read back from a spool for its tile; null for the elements
  /// of a scene in memory.
  std::shared_ptr<const void> hold;
};

/// A leaf's content: every valid, non-empty shape mesh of its elements (items [begin, end), taken from `layer`), in
/// item and shape order. The parts point into the elements (no copies). Fails as LayerElements::element.
Result<std::vector<Part>> leafParts(const LayerElements& layer, const std::vector<TilingItem>& items, const TileNode& leaf);

/// The most triangles an inner tile's LOD holds: a quarter of the leaf budget (at least 1). In a binary tree the inner
/// tiles then hold a quarter to a half of the leaves' triangles together (see cim/export/tiles3d.h).
std::size_t lodBudget(std::size_t maxTrianglesPerTile);

/// An inner tile's LOD content and what it cost in accuracy.
struct Lod {
  std::vector<Part> parts;
  std::size_t triangles = 0;
  double simplifyErrorMeters = 0.0;    ///< the largest error of a kept element's simplification
  double droppedDiagonalMeters = 0.0;  ///< the diagonal of the largest element left out (0 when none was)
};

/// The LOD of an inner tile from its children's content `input`: elements by size (bounding-box diagonal, largest
/// first, ties by id), each simplified towards budget / (input triangles) of its triangles (not at all when the input
/// fits the budget); elements are kept while the LOD stays within `budget` (the first always) and the rest, the
/// smallest, dropped, as is an element simplified away entirely. Parts of one element are simplified one by one, so
/// no triangle mixes two elements.
Lod buildLod(const std::vector<Part>& input, std::size_t budget);

/// What every tile of a layer shares when its content is written.
struct ContentSettings {
  const geo::Transformer& toWgs84;  ///< scene CRS -> WGS 84 (EPSG:4979)
  const AttributeKeys& keys;        ///< the layer's attributes (property table columns)
  std::string layerName;            ///< property table name, and named in diagnostics
  MeshCompression compression = MeshCompression::None;
  std::filesystem::path tilesFolder;  ///< where <tile name>.glb goes
};

/// What writing one tile's content gave.
struct WrittenContent {
  geometry::Aabb box;                    ///< bounds of the written vertices in the tile's ENU frame
  std::size_t elements = 0;              ///< property table rows
  std::size_t vertices = 0, triangles = 0;
  double maxVertexDistanceMeters = 0.0;  ///< from the frame's origin
  std::uintmax_t bytes = 0;              ///< of the GLB file
};

/// Writes `parts` as tilesFolder/<name>.glb in `frame`. Succeeds with a PrecisionLoss warning when a vertex lies more
/// than 16 km from the frame's origin. Fails with TransformFailed naming the element when PROJ cannot place one of
/// its vertices, ExportFailed when compression fails, FileUnwritable naming the path.
Result<WrittenContent> writeTileContent(const ContentSettings& settings, const std::string& name, const TileFrame& frame,
                                        const std::vector<Part>& parts);

}  // namespace cim::tiles3d::detail
