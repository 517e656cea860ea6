#pragma once
// Elements: the things a scene is made of (a wall, a pipe segment, a terrain tile, an imported mesh node).

#include <algorithm>
#include <array>
#include <initializer_list>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "cim/geometry/mesh.h"
#include "cim/model/pipe.h"
#include "cim/model/site.h"

namespace cim::model {

/// A typed attribute value: missing, boolean, integer, real number or text (UTF-8).
using AttributeValue = std::variant<std::monostate, bool, std::int64_t, double, std::string>;

/// Attributes keyed by name; property sets use "Pset_WallCommon.FireRating" style keys. A map kept as one sorted
/// vector: BIM elements carry dozens of properties each, and a node per value (std::map) cost a third of a large
/// model's memory. Iterates in key order like std::map; lookups are binary searches, inserts shift the tail.
class Attributes {
 public:
  using value_type = std::pair<std::string, AttributeValue>;
  using iterator = std::vector<value_type>::iterator;
  using const_iterator = std::vector<value_type>::const_iterator;

  Attributes() = default;
  Attributes(std::initializer_list<value_type> values) {
    for (const auto& v : values) (*this)[v.first] = v.second;
  }

  /// The value of `key`, inserted empty (std::monostate) when absent.
  AttributeValue& operator[](std::string_view key) {
    auto it = lowerBound(key);
    if (it == items_.end() || it->first != key) it = items_.emplace(it, std::string(key), AttributeValue{});
    return it->second;
  }
  /// The value of `key`; throws std::out_of_range when absent.
  const AttributeValue& at(std::string_view key) const;
  AttributeValue& at(std::string_view key) { return const_cast<AttributeValue&>(std::as_const(*this).at(key)); }
  iterator find(std::string_view key) {
    auto it = lowerBound(key);
    return it != items_.end() && it->first == key ? it : items_.end();
  }
  const_iterator find(std::string_view key) const { return const_cast<Attributes*>(this)->find(key); }
  std::size_t count(std::string_view key) const { return find(key) == end() ? 0 : 1; }
  bool contains(std::string_view key) const { return count(key) == 1; }
  std::size_t erase(std::string_view key) {
    auto it = find(key);
    if (it == items_.end()) return 0;
    items_.erase(it);
    return 1;
  }

  iterator begin() { return items_.begin(); }
  iterator end() { return items_.end(); }
  const_iterator begin() const { return items_.begin(); }
  const_iterator end() const { return items_.end(); }
  std::size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  void clear() { items_.clear(); }
  /// Makes room for `n` attributes (saves re-allocations while a reader fills them).
  void reserve(std::size_t n) { items_.reserve(n); }
  /// Gives back spare capacity once an element's attributes are complete.
  void shrink_to_fit() { items_.shrink_to_fit(); }

  friend bool operator==(const Attributes&, const Attributes&) = default;

 private:
  iterator lowerBound(std::string_view key) {
    return std::lower_bound(items_.begin(), items_.end(), key,
                            [](const value_type& v, std::string_view k) { return std::string_view(v.first) < k; });
  }
  std::vector<value_type> items_;
};

/// Linear RGBA in [0, 1].
struct Color {
  float r = 0.8f, g = 0.8f, b = 0.8f, a = 1.0f;
  friend bool operator==(const Color&, const Color&) = default;
};

struct Material {
  std::string name;
  Color color;
  friend bool operator==(const Material&, const Material&) = default;
};

/// The exact form of an element beside its mesh, in the scene CRS (metres, Z up): a pipe segment (centreline +
/// section), a well, or a site feature (whose own SiteShape is a prism, cylinder, ellipsoid, tube or marker). Clash
/// and proximity queries measure these, not the facets; BIM elements, terrain and plain meshes have none.
using ParametricShape = std::variant<PipeSegment, Well, SiteFeature>;

/// A piece of an element's geometry with one material.
struct Shape {
  geometry::Mesh mesh;
  Material material;
};

struct Element {
  std::uint32_t id = 0;      ///< unique within its scene, assigned by Scene::addElement
  std::string guid;          ///< IFC GlobalId or source id; may be empty
  std::string kind;          ///< class, e.g. "IfcWall", "mesh", "pipe"
  std::string name;
  Attributes attributes;
  std::vector<Shape> shapes;
  /// The element's exact shape (see ParametricShape); null for BIM elements, terrain and plain meshes. Shared and
  /// immutable: copies of an element share it, and code that moves an element (transformScene, mergeInto) replaces
  /// it with a transformed copy (see transformParametric).
  std::shared_ptr<const ParametricShape> parametric;
  /// GUIDs of the elements joined to this one in its network (IFC: connected ports, a pipe and its fitting), sorted.
  /// Clash sets do not check joined elements against each other (cim/index/clash.h).
  std::vector<std::string> connectedTo;

  /// The parametric pipe, well or site feature, or null when the element is not one.
  const PipeSegment* pipe() const { return parametric ? std::get_if<PipeSegment>(parametric.get()) : nullptr; }
  const Well* well() const { return parametric ? std::get_if<Well>(parametric.get()) : nullptr; }
  const SiteFeature* site() const { return parametric ? std::get_if<SiteFeature>(parametric.get()) : nullptr; }

  std::size_t triangleCount() const;
  std::size_t vertexCount() const;
  geometry::Aabb worldBounds() const;
};

/// Maps an exact shape through a point transformation `f` (a placement or a reprojection into another CRS): every
/// point (centreline vertices, a well's cover, polygon vertices, axes, centres, polyline vertices) goes through `f`;
/// elevations of prisms and cylinders follow the height change at the shape's reference point; lengths that are not
/// positions (diameters, widths, wall thickness, well depths, radii, semi-axes, marker sizes) are multiplied by
/// `lengthScale` (1 for a reprojection: they are true lengths; the placement's scale for a similarity transform).
/// Returns nullopt when `f` fails for a point.
std::optional<ParametricShape> transformParametric(
    const ParametricShape& shape, const std::function<std::optional<Eigen::Vector3d>(const Eigen::Vector3d&)>& f,
    double lengthScale = 1.0);

}  // namespace cim::model
