#pragma once
// One spatial index over every layer of a scene — BIM elements, pipes, wells, terrain tiles, site features, city
// buildings — in the scene CRS: boxes in a Boost.Geometry R-tree (bulk-loaded by packing) for the broad phase, the
// exact shapes (cim/index/element_shape.h) for the narrow phase.
//
// Changes (insert, update, remove) keep the tree without a rebuild. Queries are const and safe from many threads at
// once while no change runs; a change needs exclusive access (the caller's lock).

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cim/geo/crs.h"
#include "cim/index/element_shape.h"
#include "cim/index/selector.h"
#include "cim/model/scene.h"

namespace cim::index {

/// An element in the index: its id (the scene's), layer, the element (shared, immutable) and its world bounds.
struct Indexed {
  std::uint32_t id = 0;
  std::string layer;
  std::shared_ptr<const model::Element> element;
  geometry::Aabb bounds;
};

/// What a proximity query measures from.
struct Probe {
  ElementShape shape;
  std::optional<std::uint32_t> element;  ///< the probe is this indexed element (it is not its own neighbour)
  static Probe point(const Eigen::Vector3d& p);
  /// A polyline (a route, a planned pipe's centreline), swept by `radiusMeters` (0: the line itself).
  static Probe polyline(const std::vector<Eigen::Vector3d>& points, double radiusMeters = 0.0);
  /// A vertical prism over a polygon (rings[0] outer, further rings holes) between two elevations (a pit).
  static Probe prism(const std::vector<std::vector<Eigen::Vector2d>>& rings, double bottom, double top);
};

struct QueryOptions {
  Selector filter;          ///< only elements it selects
  bool horizontal = false;  ///< measure in plan (horizontal distance) instead of 3D
};

/// An element found by a proximity query and how it stands to the probe (A = the probe, B = the element).
struct Neighbour {
  const Indexed* element = nullptr;
  Separation separation;
  double distance = 0.0;  ///< the distance asked for: 3D, or horizontal
};

class SpatialIndex {
 public:
  SpatialIndex();
  ~SpatialIndex();
  SpatialIndex(SpatialIndex&&) noexcept;
  SpatialIndex& operator=(SpatialIndex&&) noexcept;

  /// The index of every element of a scene (elements without geometry included: they are found by id, never by
  /// place). The tree is bulk-loaded; copies of the elements are shared with the index.
  static SpatialIndex build(const model::Scene& scene);
  /// The same, taking the scene's elements without copying them.
  static SpatialIndex build(model::Scene&& scene);

  const std::optional<geo::Crs>& crs() const;
  std::size_t size() const;

  /// Adds an element to a layer with the next free id (returned). Fails (InvalidArgument) for non-finite bounds.
  Result<std::uint32_t> insert(std::string layer, model::Element element);
  /// Replaces element `id` (its geometry may have moved); false when there is none.
  bool update(std::uint32_t id, model::Element element);
  /// Removes element `id`; false when there is none.
  bool remove(std::uint32_t id);

  const Indexed* find(std::uint32_t id) const;
  /// The element with this GUID (the first in id order when several share it); null when none.
  const Indexed* findGuid(std::string_view guid) const;
  /// Every element the selector picks, in id order.
  std::vector<const Indexed*> select(const Selector& selector) const;
  /// Elements whose bounds meet the box, filtered, in id order.
  std::vector<const Indexed*> inBox(const geometry::Aabb& box, const Selector& filter = {}) const;
  /// Elements within `distanceMeters` of the probe (3D, or in plan), nearest first (ties by id).
  std::vector<Neighbour> within(const Probe& probe, double distanceMeters, const QueryOptions& options = {}) const;
  /// The k elements nearest the probe (3D, or in plan), nearest first (ties by id).
  std::vector<Neighbour> nearest(const Probe& probe, std::size_t k, const QueryOptions& options = {}) const;

  /// The element's exact shape: made when the element was added (parametric shapes, meshes of up to 256
  /// triangles), else on first use (safe from many threads).
  const ElementShape& shapeOf(const Indexed& element) const;
  /// The probe for an indexed element (its shape).
  Probe probeOf(const Indexed& element) const;

  /// Visits every element in id order.
  void forEach(const std::function<void(const Indexed&)>& f) const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace cim::index
