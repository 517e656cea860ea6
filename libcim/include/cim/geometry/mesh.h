#pragma once
// Triangle meshes: float positions relative to a double origin, so world coordinates (e.g. Gauss-Krüger
// eastings of 500 000 m) keep millimetre precision while vertex data stays compact.

#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include "cim/geometry/aabb.h"

namespace cim::geometry {

struct Mesh {
  /// World position of the mesh's local (0,0,0), in the scene CRS (x east, y north, z up, metres).
  Eigen::Vector3d origin = Eigen::Vector3d::Zero();
  /// Vertex positions relative to `origin`, metres, same axes as the scene CRS.
  std::vector<Eigen::Vector3f> positions;
  /// Unit vertex normals, one per position, or empty (computeNormals fills them).
  std::vector<Eigen::Vector3f> normals;
  /// Triangle list: three indices into positions per triangle.
  std::vector<std::uint32_t> indices;
  /// Per-vertex element (feature) ids for merged meshes, one per position, or empty when the whole mesh
  /// belongs to one element.
  std::vector<std::uint32_t> featureIds;

  std::size_t vertexCount() const { return positions.size(); }
  std::size_t triangleCount() const { return indices.size() / 3; }
  bool empty() const { return indices.empty(); }

  /// World position of vertex i.
  Eigen::Vector3d worldPosition(std::size_t i) const { return origin + positions[i].cast<double>(); }
};

/// Bounds of the mesh's vertices in world coordinates (empty for a mesh without vertices).
Aabb worldBounds(const Mesh& mesh);

/// Whether two meshes have the same geometry, bit for bit: origin, positions and triangles (not normals or feature
/// ids, which follow from them or from a merge).
bool sameGeometry(const Mesh& a, const Mesh& b);

/// Area-weighted vertex normals from the triangles, one per position; vertices of degenerate triangles only fall back
/// to +Z.
std::vector<Eigen::Vector3f> vertexNormals(const Mesh& mesh);

/// Sets mesh.normals to vertexNormals(mesh).
void computeNormals(Mesh& mesh);

/// The mesh's own normals when it has one per position, else vertexNormals(mesh) kept in `computed` (for writers,
/// which must not change the mesh and need not copy it).
const std::vector<Eigen::Vector3f>& normalsOf(const Mesh& mesh, std::vector<Eigen::Vector3f>& computed);

/// True when every index is in range, the index count is a multiple of 3 and optional arrays match positions.
bool isValid(const Mesh& mesh);

/// Appends `other` to `mesh`, re-expressing its positions relative to mesh.origin (an empty `mesh` takes other's
/// origin). Normals and feature ids are kept only when both meshes have them.
void append(Mesh& mesh, const Mesh& other);

/// Sum of the triangle areas in square metres.
double surfaceArea(const Mesh& mesh);

}  // namespace cim::geometry
