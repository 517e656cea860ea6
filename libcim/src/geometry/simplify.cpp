#include "cim/geometry/simplify.h"

#include <algorithm>

#include <Eigen/Geometry>
#include <meshoptimizer.h>

namespace cim::geometry {

Simplified simplify(const Mesh& mesh, std::size_t targetTriangles, double maxErrorMeters) {
  Simplified out;
  out.mesh.origin = mesh.origin;
  if (mesh.empty() || !isValid(mesh)) return out;
  const std::size_t n = mesh.indices.size();
  const auto* positions = reinterpret_cast<const float*>(mesh.positions.data());
  constexpr std::size_t stride = sizeof(Eigen::Vector3f);
  static_assert(sizeof(Eigen::Vector3f) == 3 * sizeof(float));
  // Weld on position only: the shadow indices point every corner at the first vertex with the same position.
  std::vector<unsigned int> welded(n);
  meshopt_generateShadowIndexBuffer(welded.data(), mesh.indices.data(), n, positions, mesh.positions.size(), stride,
                                    stride);
  const float scale = meshopt_simplifyScale(positions, mesh.positions.size(), stride);
  const float relativeError = scale > 0 ? static_cast<float>(maxErrorMeters / scale) : 0.0f;
  std::vector<unsigned int> result(n);
  float resultError = 0.0f;
  const std::size_t count =
      meshopt_simplify(result.data(), welded.data(), n, positions, mesh.positions.size(), stride,
                       std::min(n, targetTriangles * 3), relativeError, 0, &resultError);
  result.resize(count);
  out.errorMeters = static_cast<double>(resultError) * scale;

  const bool ids = mesh.featureIds.size() == mesh.positions.size();
  out.mesh.positions.reserve(count);
  out.mesh.normals.reserve(count);
  out.mesh.indices.reserve(count);
  for (std::size_t t = 0; t + 2 < count; t += 3) {
    const Eigen::Vector3f& a = mesh.positions[result[t]];
    const Eigen::Vector3f& b = mesh.positions[result[t + 1]];
    const Eigen::Vector3f& c = mesh.positions[result[t + 2]];
    Eigen::Vector3f normal = (b - a).cross(c - a);
    const float length = normal.norm();
    normal = length > 0 ? Eigen::Vector3f(normal / length) : Eigen::Vector3f::UnitZ();
    for (int k = 0; k < 3; ++k) {
      const unsigned int v = result[t + static_cast<std::size_t>(k)];
      out.mesh.indices.push_back(static_cast<std::uint32_t>(out.mesh.positions.size()));
      out.mesh.positions.push_back(mesh.positions[v]);
      out.mesh.normals.push_back(normal);
      if (ids) out.mesh.featureIds.push_back(mesh.featureIds[v]);
    }
  }
  // Share corners that agree in position, normal and feature id (coplanar neighbours): far fewer vertices.
  if (!out.mesh.positions.empty()) {
    struct Corner {
      Eigen::Vector3f p, n;
      std::uint32_t id;
    };
    static_assert(sizeof(Corner) == 28, "the remap hashes whole Corner bytes: no padding allowed");
    std::vector<Corner> corners(out.mesh.positions.size());
    for (std::size_t v = 0; v < corners.size(); ++v)
      corners[v] = {out.mesh.positions[v], out.mesh.normals[v], ids ? out.mesh.featureIds[v] : 0u};
    std::vector<unsigned int> remap(corners.size());
    const std::size_t unique = meshopt_generateVertexRemap(remap.data(), nullptr, corners.size(), corners.data(),
                                                           corners.size(), sizeof(Corner));
    std::vector<Corner> compact(unique);
    meshopt_remapVertexBuffer(compact.data(), corners.data(), corners.size(), sizeof(Corner), remap.data());
    out.mesh.positions.resize(unique);
    out.mesh.normals.resize(unique);
    if (ids) out.mesh.featureIds.resize(unique);
    for (std::size_t v = 0; v < unique; ++v) {
      out.mesh.positions[v] = compact[v].p;
      out.mesh.normals[v] = compact[v].n;
      if (ids) out.mesh.featureIds[v] = compact[v].id;
    }
    for (auto& i : out.mesh.indices) i = remap[i];
  }
  return out;
}

}  // namespace cim::geometry
