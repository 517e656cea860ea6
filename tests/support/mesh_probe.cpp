#include "support/mesh_probe.h"

#include <cmath>

#include <Eigen/Geometry>

namespace cimtest {

std::optional<double> segmentTriangle(const Eigen::Vector3d& a, const Eigen::Vector3d& b, const Eigen::Vector3d& p,
                                      const Eigen::Vector3d& q, const Eigen::Vector3d& r) {
  const Eigen::Vector3d d = b - a, e1 = q - p, e2 = r - p;
  const Eigen::Vector3d h = d.cross(e2);
  const double det = e1.dot(h);
  if (std::abs(det) < 1e-14) return std::nullopt;  // parallel to the triangle's plane
  const Eigen::Vector3d s = a - p;
  const double u = s.dot(h) / det;
  if (u < 0 || u > 1) return std::nullopt;
  const Eigen::Vector3d qv = s.cross(e1);
  const double v = d.dot(qv) / det;
  if (v < 0 || u + v > 1) return std::nullopt;
  const double t = e2.dot(qv) / det;
  if (t < 0 || t > 1) return std::nullopt;
  return t;
}

bool segmentHits(const cim::model::Element& e, const Eigen::Vector3d& a, const Eigen::Vector3d& b) {
  for (const auto& s : e.shapes)
    for (std::size_t i = 0; i + 2 < s.mesh.indices.size(); i += 3)
      if (segmentTriangle(a, b, s.mesh.worldPosition(s.mesh.indices[i]), s.mesh.worldPosition(s.mesh.indices[i + 1]),
                          s.mesh.worldPosition(s.mesh.indices[i + 2])))
        return true;
  return false;
}

double volumeOf(const cim::model::Element& e) {
  double v = 0;
  for (const auto& s : e.shapes)
    for (std::size_t i = 0; i + 2 < s.mesh.indices.size(); i += 3) {
      const Eigen::Vector3d p = s.mesh.positions[s.mesh.indices[i]].cast<double>();
      const Eigen::Vector3d q = s.mesh.positions[s.mesh.indices[i + 1]].cast<double>();
      const Eigen::Vector3d r = s.mesh.positions[s.mesh.indices[i + 2]].cast<double>();
      v += p.dot(q.cross(r)) / 6.0;
    }
  return v;
}

bool isClosed(const cim::geometry::Mesh& m) {
  std::map<std::tuple<long, long, long>, std::uint32_t> weld;
  std::vector<std::uint32_t> id(m.positions.size());
  for (std::size_t i = 0; i < m.positions.size(); ++i) {
    const auto& p = m.positions[i];
    auto key = std::make_tuple(std::lround(p.x() * 1e4), std::lround(p.y() * 1e4), std::lround(p.z() * 1e4));
    id[i] = weld.emplace(key, static_cast<std::uint32_t>(weld.size())).first->second;
  }
  std::map<std::pair<std::uint32_t, std::uint32_t>, int> edges;
  for (std::size_t t = 0; t + 2 < m.indices.size(); t += 3)
    for (int k = 0; k < 3; ++k) {
      auto a = id[m.indices[t + k]], b = id[m.indices[t + (k + 1) % 3]];
      if (a == b) return false;
      ++edges[{std::min(a, b), std::max(a, b)}];
    }
  return std::all_of(edges.begin(), edges.end(), [](const auto& e) { return e.second == 2; });
}

}  // namespace cimtest
