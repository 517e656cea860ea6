#include "cim/geometry/mesh.h"

#include <Eigen/Geometry>

namespace cim::geometry {

bool sameGeometry(const Mesh& a, const Mesh& b) {
  return a.origin == b.origin && a.positions == b.positions && a.indices == b.indices;
}

Aabb worldBounds(const Mesh& mesh) {
  Aabb box;
  if (mesh.positions.empty()) return box;
  Eigen::Vector3f lo = mesh.positions.front(), hi = mesh.positions.front();
  for (const auto& p : mesh.positions) {
    lo = lo.cwiseMin(p);
    hi = hi.cwiseMax(p);
  }
  box.min = mesh.origin + lo.cast<double>();
  box.max = mesh.origin + hi.cast<double>();
  return box;
}

std::vector<Eigen::Vector3f> vertexNormals(const Mesh& mesh) {
  std::vector<Eigen::Vector3d> acc(mesh.positions.size(), Eigen::Vector3d::Zero());
  for (std::size_t t = 0; t + 2 < mesh.indices.size(); t += 3) {
    const auto a = mesh.indices[t], b = mesh.indices[t + 1], c = mesh.indices[t + 2];
    const Eigen::Vector3d pa = mesh.positions[a].cast<double>();
    const Eigen::Vector3d n = (mesh.positions[b].cast<double>() - pa).cross(mesh.positions[c].cast<double>() - pa);
    acc[a] += n;  // |n| = 2 * area: area weighting
    acc[b] += n;
    acc[c] += n;
  }
  std::vector<Eigen::Vector3f> normals(mesh.positions.size());
  for (std::size_t i = 0; i < acc.size(); ++i) {
    const double len = acc[i].norm();
    normals[i] = len > 1e-20 ? Eigen::Vector3f((acc[i] / len).cast<float>()) : Eigen::Vector3f::UnitZ();
  }
  return normals;
}

void computeNormals(Mesh& mesh) { mesh.normals = vertexNormals(mesh); }

const std::vector<Eigen::Vector3f>& normalsOf(const Mesh& mesh, std::vector<Eigen::Vector3f>& computed) {
  if (mesh.normals.size() == mesh.positions.size()) return mesh.normals;
  computed = vertexNormals(mesh);
  return computed;
}

bool isValid(const Mesh& mesh) {
  if (mesh.indices.size() % 3 != 0) return false;
  if (!mesh.normals.empty() && mesh.normals.size() != mesh.positions.size()) return false;
  if (!mesh.featureIds.empty() && mesh.featureIds.size() != mesh.positions.size()) return false;
  for (auto i : mesh.indices)
    if (i >= mesh.positions.size()) return false;
  return true;
}

void append(Mesh& mesh, const Mesh& other) {
  if (mesh.positions.empty() && mesh.indices.empty()) mesh.origin = other.origin;
  const auto base = static_cast<std::uint32_t>(mesh.positions.size());
  const Eigen::Vector3d shift = other.origin - mesh.origin;
  const bool normals = !mesh.normals.empty() || base == 0;
  const bool ids = !mesh.featureIds.empty() || base == 0;
  mesh.positions.reserve(mesh.positions.size() + other.positions.size());
  for (const auto& p : other.positions) mesh.positions.push_back((p.cast<double>() + shift).cast<float>());
  if (normals && other.normals.size() == other.positions.size())
    mesh.normals.insert(mesh.normals.end(), other.normals.begin(), other.normals.end());
  else
    mesh.normals.clear();
  if (ids && other.featureIds.size() == other.positions.size())
    mesh.featureIds.insert(mesh.featureIds.end(), other.featureIds.begin(), other.featureIds.end());
  else
    mesh.featureIds.clear();
  mesh.indices.reserve(mesh.indices.size() + other.indices.size());
  for (auto i : other.indices) mesh.indices.push_back(base + i);
}

double surfaceArea(const Mesh& mesh) {
  double area = 0;
  for (std::size_t t = 0; t + 2 < mesh.indices.size(); t += 3) {
    const Eigen::Vector3d a = mesh.positions[mesh.indices[t]].cast<double>();
    const Eigen::Vector3d b = mesh.positions[mesh.indices[t + 1]].cast<double>();
    const Eigen::Vector3d c = mesh.positions[mesh.indices[t + 2]].cast<double>();
    area += 0.5 * (b - a).cross(c - a).norm();
  }
  return area;
}

}  // namespace cim::geometry
