// The k-d tiling of a layer's elements by triangle budget. See tiling.h.

#include "export/tiles3d/tiling.h"

#include <algorithm>

#include "cim/geometry/mesh.h"
#include "core/parallel.h"

namespace cim::tiles3d::detail {

namespace {

// The tile over items[begin, end): its triangle count and bounds, and the bounds of its items' centres.
TileNode measureTile(const std::vector<TilingItem>& items, std::size_t begin, std::size_t end, geometry::Aabb& centres) {
  TileNode t;
  t.begin = begin;
  t.end = end;
  for (std::size_t i = begin; i < end; ++i) {
    t.triangles += items[i].triangles;
    t.bounds.extend(items[i].bounds);
    centres.extend(items[i].centre);
  }
  return t;
}

// Puts the median item of [begin, end) along the centres' longest axis at `mid`, smaller ones before it; returns mid.
std::size_t splitAtMedian(std::vector<TilingItem>& items, std::size_t begin, std::size_t end, const geometry::Aabb& centres) {
  int axis = 0;
  centres.size().maxCoeff(&axis);
  const std::size_t mid = begin + (end - begin) / 2;
  std::nth_element(items.begin() + static_cast<std::ptrdiff_t>(begin), items.begin() + static_cast<std::ptrdiff_t>(mid),
                   items.begin() + static_cast<std::ptrdiff_t>(end), [axis](const TilingItem& a, const TilingItem& b) {
                     const double x = a.centre[axis], y = b.centre[axis];
                     return x < y || (x == y && a.id < b.id);
                   });
  return mid;
}

// Appends the tile over items[begin, end) and, recursively, its children; returns its index.
int split(std::vector<TilingItem>& items, std::size_t begin, std::size_t end, const std::string& name, std::size_t depth,
          std::size_t budget, std::vector<TileNode>& tiles) {
  const int index = static_cast<int>(tiles.size());
  geometry::Aabb centres;
  TileNode t = measureTile(items, begin, end, centres);
  t.name = name;
  t.depth = depth;
  const bool leaf = t.triangles <= budget || end - begin == 1;
  tiles.push_back(std::move(t));
  if (leaf) {
    // In element id order: nth_element leaves the others in an order that depends on every value it compared, so
    // without this a change anywhere would reorder (and rewrite) tiles whose content is the same.
    std::sort(items.begin() + static_cast<std::ptrdiff_t>(begin), items.begin() + static_cast<std::ptrdiff_t>(end),
              [](const TilingItem& a, const TilingItem& b) { return a.id < b.id; });
    return index;
  }
  const std::size_t mid = splitAtMedian(items, begin, end, centres);
  const int left = split(items, begin, mid, name + "0", depth + 1, budget, tiles);
  const int right = split(items, mid, end, name + "1", depth + 1, budget, tiles);
  tiles[static_cast<std::size_t>(index)].children = {left, right};
  return index;
}

}  // namespace

TilingItem measureItem(const model::Element& element, std::size_t slot) {
  TilingItem item;
  item.id = element.id;
  item.slot = slot;
  for (const auto& s : element.shapes)
    if (!s.mesh.empty() && geometry::isValid(s.mesh)) {
      item.triangles += s.mesh.triangleCount();
      item.bounds.extend(geometry::worldBounds(s.mesh));
    }
  item.centre = item.bounds.center();
  return item;
}

std::vector<TilingItem> tilingItems(const std::vector<model::Element>& elements, unsigned threads) {
  // Each element's triangles and bounds on up to `threads` cores (a city layer has 100,000s), then those with
  // triangles kept.
  std::vector<TilingItem> all(elements.size());
  cim::detail::parallelFor(elements.size(), cim::detail::workerCount(threads),
                           [&](std::size_t i) { all[i] = measureItem(elements[i], i); });
  // Kept in place (a second array of 100,000s of items is memory touched for nothing), sorted by id unless the layer
  // is in id order already (as readers add elements).
  all.erase(std::remove_if(all.begin(), all.end(), [](const TilingItem& item) { return item.triangles == 0; }), all.end());
  sortById(all);
  return all;
}

void sortById(std::vector<TilingItem>& items) {
  auto byId = [](const TilingItem& a, const TilingItem& b) { return a.id < b.id; };
  if (!std::is_sorted(items.begin(), items.end(), byId)) std::sort(items.begin(), items.end(), byId);
}

std::vector<TileNode> splitTiles(std::vector<TilingItem>& items, std::size_t maxTrianglesPerTile) {
  std::vector<TileNode> tiles;
  split(items, 0, items.size(), "r", 0, maxTrianglesPerTile, tiles);
  return tiles;
}

}  // namespace cim::tiles3d::detail
