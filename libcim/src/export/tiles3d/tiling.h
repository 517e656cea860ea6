#pragma once
// Private (3D Tiles): which elements go into which tile. A k-d split of a layer's elements on their bounding-box
// centres (longest axis of the centres, median) until a tile holds at most the triangle budget or one element.
// Elements are never split. See cim/export/tiles3d.h for the scheme.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "cim/geometry/aabb.h"
#include "cim/model/element.h"

namespace cim::tiles3d::detail {

/// One element as the tiling sees it: bounds of its valid, non-empty shape meshes (scene CRS) and their triangles.
struct TilingItem {
  std::uint32_t id = 0;    ///< the element's id (model::Element::id)
  std::size_t slot = 0;    ///< where its layer keeps it (LayerElements::element)
  geometry::Aabb bounds;
  Eigen::Vector3d centre = Eigen::Vector3d::Zero();
  std::size_t triangles = 0;
};

/// A tile of the tree as the tiling decides it.
struct TileNode {
  std::size_t begin = 0, end = 0;  ///< its elements: items [begin, end) in the order splitTiles leaves them
  std::vector<int> children;       ///< indices of its children in the tile list (none for a leaf)
  std::string name;                ///< "r" for the root, then a digit per level: "r0", "r01", ...
  std::size_t depth = 0;           ///< 0 for the root
  std::size_t triangles = 0;       ///< of its elements
  geometry::Aabb bounds;           ///< of its elements, scene CRS
  bool isLeaf() const { return children.empty(); }
};

/// An element as the tiling sees it (its triangles and bounds; `slot` is where its layer keeps it).
TilingItem measureItem(const model::Element& element, std::size_t slot);

/// The layer's elements that have triangles in valid meshes, in element id order (what makes the tiling
/// deterministic). Elements without any are left out. Measured on up to `threads` threads (0: every core).
std::vector<TilingItem> tilingItems(const std::vector<model::Element>& elements, unsigned threads = 0);

/// Sorts `items` by element id, unless they are in id order already (as readers add elements).
void sortById(std::vector<TilingItem>& items);

/// The k-d tree over `items` (reordered in place, each tile's elements then contiguous): the root first, every tile
/// before its children, a tile's children in order (lower half "0", upper half "1"). A tile is a leaf when it holds
/// at most `maxTrianglesPerTile` triangles or one element; otherwise its items are split at the median of their
/// centres along the axis where the centres spread most (ties by element id). A leaf's items are in element id order,
/// so a leaf whose elements did not change comes out the same whatever changed elsewhere. `items` must not be empty.
std::vector<TileNode> splitTiles(std::vector<TilingItem>& items, std::size_t maxTrianglesPerTile);

}  // namespace cim::tiles3d::detail
