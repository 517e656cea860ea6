#pragma once
// IFC shape representation items as triangle meshes in the product's object frame (metres).

#include <array>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include <Eigen/Core>

#include "cim/model/element.h"
#include "io/ifc/context.h"

namespace cim::io::ifc {

struct TriMesh {
  std::vector<Eigen::Vector3d> positions;
  std::vector<std::array<std::uint32_t, 3>> triangles;
  std::optional<model::Color> color;  ///< from an IfcStyledItem on the item, when there is one

  void append(const TriMesh& other, const Eigen::Affine3d& transform);
  bool empty() const { return triangles.empty(); }
};

/// Colours of representation items from IfcStyledItem (surface styles), by item id. Read once per file.
std::unordered_map<std::uint64_t, model::Color> readItemColors(const IfcFile& file);

struct ShapeStats {
  std::size_t booleansEvaluated = 0;
  std::size_t booleanOperandsKept = 0;  ///< booleans that could not be evaluated (first operand kept)
  std::size_t openingsBoxCut = 0;       ///< opening bodies cut by the box fast path rather than corefinement
};

/// Radius of the tube an axis-only product (an alignment) is drawn as, metres.
inline constexpr double kAxisTubeRadius = 0.1;  // reader.cpp labels such elements with this number

/// Meshes of the product's body representation (Body, else Facetation/Mesh, else the first 3D representation), one
/// per item (mapped items expanded), in the product's object frame. Unsupported items are reported and skipped.
/// A product with nothing but an 'Axis' curve gets that curve as a tube of kAxisTubeRadius; `drawnAxis` says so.
std::vector<TriMesh> productShapes(Context& ctx, std::uint64_t representationId,
                                   const std::unordered_map<std::uint64_t, model::Color>& colors, ShapeStats& stats,
                                   bool* drawnAxis = nullptr);

}  // namespace cim::io::ifc
