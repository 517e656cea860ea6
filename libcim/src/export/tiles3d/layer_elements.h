#pragma once
// Private (3D Tiles): a layer's elements as the writer reads them — from a scene in memory (every element there) or
// from an ElementSpool (elements kept in memory up to a budget, the rest read back from a temporary file when their
// tile is written). The writer sees only this: what each element measures for the tiling, the layer's attribute
// keys, and an element when its tile needs it.

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "cim/core/result.h"
#include "cim/model/element.h"
#include "cim/model/scene.h"
#include "export/tiles3d/metadata.h"
#include "export/tiles3d/tiling.h"

namespace cim::tiles3d::detail {

class LayerElements {
 public:
  virtual ~LayerElements() = default;
  virtual const std::string& name() const = 0;
  /// All the layer's elements, with and without triangles.
  virtual std::size_t size() const = 0;
  /// The elements without triangles (in no tile; counted and reported).
  virtual std::size_t withoutTriangles() const = 0;
  /// The elements with triangles in valid meshes, measured, in element id order (see tilingItems).
  virtual std::vector<TilingItem> items(unsigned threads) const = 0;
  /// The attribute keys of the elements at `slots` (the items' slots: the elements with triangles).
  virtual std::shared_ptr<const AttributeKeys> keys(const std::vector<std::size_t>& slots) const = 0;
  /// The element of `item`, alive while the pointer is held. Fails (naming the element) only when a spooled element
  /// cannot be read back.
  virtual Result<std::shared_ptr<const model::Element>> element(const TilingItem& item) const = 0;
};

/// A layer of a scene in memory (no copies: the elements are the scene's, which must outlive this).
std::unique_ptr<LayerElements> sceneLayer(const model::Layer& layer);

}  // namespace cim::tiles3d::detail
