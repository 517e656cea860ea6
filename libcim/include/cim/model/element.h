#pragma once
// Elements: the things a scene is made of (a wall, a pipe segment, a terrain tile, an imported mesh node).

#include <algorithm>
#include <array>
#include <initializer_list>
#include <cstdint>
#include <map>
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
  /// Parametric form of a pipe (kind "pipe") or a well (kind "well") in the scene CRS, kept beside the mesh for
  /// exact clearance measurement; null for every other element. Immutable once shared: code that moves an element
  /// (transformScene, mergeInto) replaces the pointer with a transformed copy.
  std::shared_ptr<const PipeSegment> pipe;
  std::shared_ptr<const Well> well;
  /// The exact shape of a site feature (kind "excavation", "borehole", ...) in the scene CRS; null for other
  /// elements. Shared and immutable: copies of an element share it, a reprojection replaces it.
  std::shared_ptr<const SiteFeature> site;

  std::size_t triangleCount() const;
  std::size_t vertexCount() const;
  geometry::Aabb worldBounds() const;
};

}  // namespace cim::model
