// The k-d tiling of 3D Tiles (tiling.cpp): which elements a layer's tiles hold, for small layouts given as tables.

#include <algorithm>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "export/tiles3d/tiling.h"
#include "support/test_scenes.h"

using namespace cim;
using cim::tiles3d::detail::splitTiles;
using cim::tiles3d::detail::TileNode;
using cim::tiles3d::detail::tilingItems;

namespace {

// An element with id `id`: a 1 m box centred on `centre`, its 12 triangles repeated so that it has `triangles`
// (a multiple of 12).
model::Element boxAt(std::uint32_t id, const Eigen::Vector3d& centre, std::size_t triangles) {
  geometry::Mesh m = cimtest::boxMesh(centre - Eigen::Vector3d::Constant(0.5), Eigen::Vector3d::Ones());
  const auto once = m.indices;
  for (std::size_t k = 12; k < triangles; k += 12) m.indices.insert(m.indices.end(), once.begin(), once.end());
  model::Element e = cimtest::elementOf(std::move(m), "IfcWall", std::to_string(id), model::Material{});
  e.id = id;
  return e;
}

// The tree as "name=ids" per tile in tile order, the ids of its elements sorted ("r=0123", "r0=01", ...): which
// elements a tile holds is decided, their order within it is not.
std::vector<std::string> describe(const std::vector<TileNode>& tiles, const std::vector<tiles3d::detail::TilingItem>& items) {
  std::vector<std::string> out;
  for (const auto& t : tiles) {
    std::string ids;
    for (std::size_t i = t.begin; i < t.end; ++i) ids += std::to_string(items[i].id);
    std::sort(ids.begin(), ids.end());
    out.push_back(t.name + "=" + ids);
  }
  return out;
}

struct Layout {
  const char* what;
  std::vector<Eigen::Vector3d> centres;   // element i has id i
  std::vector<std::size_t> triangles;     // of element i
  std::size_t budget;
  std::vector<std::string> tiles;         // describe() of the tree
};

}  // namespace

TEST_CASE("splitTiles: layouts, budgets and the tiles they give", "[tiles][tiling]") {
  const std::vector<Eigen::Vector3d> line = {{0, 0, 0}, {10, 0, 0}, {20, 0, 0}, {30, 0, 0}};
  const std::vector<Layout> layouts = {
      {"all within the budget: one leaf", line, {12, 12, 12, 12}, 48, {"r=0123"}},
      {"one over: halves at the median", line, {12, 12, 12, 12}, 47, {"r=0123", "r0=01", "r1=23"}},
      {"one element a leaf", line, {12, 12, 12, 12}, 12, {"r=0123", "r0=01", "r00=0", "r01=1", "r1=23", "r10=2", "r11=3"}},
      {"an element over the budget is never split", {{0, 0, 0}}, {120}, 12, {"r=0"}},
      {"odd count: the lower half is the smaller", {{0, 0, 0}, {10, 0, 0}, {20, 0, 0}}, {12, 12, 12}, 12,
       {"r=012", "r0=0", "r1=12", "r10=1", "r11=2"}},
      {"split along the axis where centres spread most (y)", {{0, 0, 0}, {1, 100, 0}, {2, 50, 0}, {3, 150, 0}},
       {12, 12, 12, 12}, 24, {"r=0123", "r0=02", "r1=13"}},
      {"split along z when centres spread most in height", {{0, 0, 30}, {5, 0, 0}, {1, 0, 20}, {4, 0, 10}},
       {12, 12, 12, 12}, 24, {"r=0123", "r0=13", "r1=02"}},
      {"equal centres: by element id", {{5, 5, 5}, {5, 5, 5}, {5, 5, 5}, {5, 5, 5}}, {12, 12, 12, 12}, 24,
       {"r=0123", "r0=01", "r1=23"}},
      {"halves by count, not by triangles", line, {24, 12, 12, 36}, 36, {"r=0123", "r0=01", "r1=23", "r10=2", "r11=3"}},
  };
  for (const auto& l : layouts) {
    INFO(l.what);
    std::vector<model::Element> elements;
    for (std::size_t i = 0; i < l.centres.size(); ++i)
      elements.push_back(boxAt(static_cast<std::uint32_t>(i), l.centres[i], l.triangles[i]));
    auto items = tilingItems(elements);
    const auto tiles = splitTiles(items, l.budget);
    CHECK(describe(tiles, items) == l.tiles);
    // Every tile before its children, children named after it, depth one more, triangles and bounds their sum.
    for (std::size_t i = 0; i < tiles.size(); ++i) {
      const auto& t = tiles[i];
      CHECK(t.depth == t.name.size() - 1);
      std::size_t triangles = 0;
      for (std::size_t k = t.begin; k < t.end; ++k) triangles += items[k].triangles;
      CHECK(t.triangles == triangles);
      CHECK((t.isLeaf() == (t.triangles <= l.budget || t.end - t.begin == 1)));
      for (std::size_t c = 0; c < t.children.size(); ++c) {
        const auto& child = tiles[static_cast<std::size_t>(t.children[c])];
        CHECK(static_cast<std::size_t>(t.children[c]) > i);
        CHECK(child.name == t.name + (c == 0 ? "0" : "1"));
        CHECK(t.bounds.contains(child.bounds.min));
        CHECK(t.bounds.contains(child.bounds.max));
      }
    }
  }
}

TEST_CASE("tilingItems: elements with triangles in valid meshes, in id order, with their bounds", "[tiles][tiling]") {
  std::vector<model::Element> elements;
  elements.push_back(boxAt(7, {10, 0, 0}, 24));
  elements.push_back(boxAt(2, {0, 0, 0}, 12));
  model::Element none;  // no shapes
  none.id = 4;
  elements.push_back(none);
  model::Element broken = boxAt(5, {0, 0, 0}, 12);  // an index out of range: not a valid mesh
  broken.shapes[0].mesh.indices[0] = 99;
  elements.push_back(broken);
  model::Element mixed = boxAt(3, {20, 0, 0}, 12);  // a valid shape next to a broken one
  mixed.shapes.push_back(broken.shapes[0]);
  elements.push_back(mixed);

  const auto items = tilingItems(elements);
  REQUIRE(items.size() == 3);
  CHECK(items[0].id == 2);
  CHECK(items[1].id == 3);
  CHECK(items[2].id == 7);
  CHECK(items[1].triangles == 12);  // the broken shape does not count
  CHECK(items[2].triangles == 24);
  CHECK(items[2].centre.isApprox(Eigen::Vector3d(10, 0, 0)));
  CHECK(items[1].bounds.min.isApprox(Eigen::Vector3d(19.5, -0.5, -0.5)));
  CHECK(items[1].bounds.max.isApprox(Eigen::Vector3d(20.5, 0.5, 0.5)));
}
