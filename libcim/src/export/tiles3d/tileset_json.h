#pragma once
// Private (3D Tiles): what tileset.json and index.json say — each tile's transform, bounding volume and geometric
// error, and the index of a folder's tilesets. See cim/export/tiles3d.h for the frames.

#include <filesystem>
#include <string>
#include <vector>

#include <Eigen/Core>
#include <Eigen/Geometry>
#include <nlohmann/json.hpp>

#include "cim/core/result.h"
#include "cim/geometry/aabb.h"
#include "export/tiles3d/tiling.h"

namespace cim::tiles3d {
struct TilesetStats;
}

namespace cim::tiles3d::detail {

/// Bounding boxes are grown by this much on every side, so that float-rounded content stays inside.
inline constexpr double kBoxPaddingMeters = 0.001;

/// Where a tile is and how coarse its content is, as tileset.json says it.
struct TileVolume {
  Eigen::Isometry3d enuToEcef = Eigen::Isometry3d::Identity();  ///< the tile's ENU frame -> ECEF
  Eigen::Vector3d boxMin = Eigen::Vector3d::Zero(), boxMax = Eigen::Vector3d::Zero();  ///< in the tile's frame
  double geometricError = 0.0;  ///< metres
  bool hasContent = false;      ///< tiles/<name>.glb exists
};

/// Sets the volume's box to `box` (tile frame) grown by kBoxPaddingMeters on every side.
void setPaddedBox(TileVolume& volume, const geometry::Aabb& box);

/// Extends `box` (in the frame `enuToEcef`) by the eight corners of every child's box, taken into that frame: a
/// parent's bounding volume then holds its children's.
void extendByChildBoxes(geometry::Aabb& box, const Eigen::Isometry3d& enuToEcef, const std::vector<const TileVolume*>& children);

/// The largest geometric error of the children (0 for none).
double largestError(const std::vector<const TileVolume*>& children);

/// An inner tile's geometric error with LOD content: the children's largest error plus the LOD's simplification
/// error, or the diagonal of the largest element the LOD left out when that is more. Never below the children's.
double lodGeometricError(double childErrorMeters, double simplifyErrorMeters, double droppedDiagonalMeters);

/// An empty inner tile's geometric error (no LODs): its box diagonal, or the children's largest error when more.
double emptyTileGeometricError(double childErrorMeters, const TileVolume& volume);

/// A tile transform as glTF/3D Tiles write matrices: 16 numbers, column-major.
nlohmann::json matrixJson(const Eigen::Isometry3d& transform);

/// An axis-aligned box as a 3D Tiles `box` bounding volume: centre, then the three half-axes.
nlohmann::json boxJson(const Eigen::Vector3d& lo, const Eigen::Vector3d& hi);

/// The tileset.json of a layer's tile tree (volumes[i] is the volume of nodes[i]; node 0 is the root). Each tile's
/// transform is written relative to its parent's frame, so the composed transform is the tile's own ENU frame;
/// content is tiles/<name>.glb; refinement REPLACE. The tileset's geometric error is the root's, or the root box's
/// diagonal when that is more.
nlohmann::json tilesetJson(const std::vector<TileNode>& nodes, const std::vector<TileVolume>& volumes,
                           const std::string& layerName);

/// An empty index.json for a folder whose tilesets are in CRS `crsDefinition`.
nlohmann::json indexJson(const std::string& crsDefinition);

/// Adds a tileset (its folder `uri` relative to the index) to index.json.
void addToIndex(nlohmann::json& index, const std::string& uri, const TilesetStats& stats);

/// Writes `json` to `path` (one space indentation, a final newline). Fails with FileUnwritable naming the path.
Status writeJsonFile(const std::filesystem::path& path, const nlohmann::json& json);

}  // namespace cim::tiles3d::detail
