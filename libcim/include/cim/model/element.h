#pragma once
// Elements: the things a scene is made of (a wall, a pipe segment, a terrain tile, an imported mesh node).

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "cim/geometry/mesh.h"

namespace cim::model {

/// A typed attribute value: missing, boolean, integer, real number or text (UTF-8).
using AttributeValue = std::variant<std::monostate, bool, std::int64_t, double, std::string>;

/// Attributes keyed by name; property sets use "Pset_WallCommon.FireRating" style keys.
using Attributes = std::map<std::string, AttributeValue>;

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

  std::size_t triangleCount() const;
  std::size_t vertexCount() const;
  geometry::Aabb worldBounds() const;
};

}  // namespace cim::model
