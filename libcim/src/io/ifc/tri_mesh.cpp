#include "io/ifc/tri_mesh.h"

#include "cim/geometry/triangulate.h"

namespace cim::io::ifc {

namespace {

// Appends triangle a-b-c of vertices counted from `base` (a-c-b when `flip`).
void addTriangle(TriMesh& m, std::uint32_t base, std::uint32_t a, std::uint32_t b, std::uint32_t c, bool flip) {
  if (flip) m.triangles.push_back({base + a, base + c, base + b});
  else m.triangles.push_back({base + a, base + b, base + c});
}

// A triangle or a convex quad, which need no triangulation (most B-rep faces). False when the ring is a quad that is
// not convex (the general triangulation then does it).
bool addSmallFace(TriMesh& m, const Ring& r, bool flip) {
  const auto base = static_cast<std::uint32_t>(m.positions.size());
  if (r.size() == 3) {
    if (!((r[1] - r[0]).cross(r[2] - r[0]).squaredNorm() > 0)) return true;  // degenerate: no area
    m.positions.insert(m.positions.end(), r.begin(), r.end());
    addTriangle(m, base, 0, 1, 2, flip);
    return true;
  }
  const Eigen::Vector3d n = geometry::newellNormal(r);
  bool convex = n.norm() > 0;
  for (std::size_t i = 0; i < 4 && convex; ++i)
    convex = (r[(i + 1) % 4] - r[i]).cross(r[(i + 2) % 4] - r[(i + 1) % 4]).dot(n) > 0;
  if (!convex) return false;
  m.positions.insert(m.positions.end(), r.begin(), r.end());
  addTriangle(m, base, 0, 1, 2, flip);
  addTriangle(m, base, 0, 2, 3, flip);
  return true;
}

// A convex ring fanned from its centroid: well-shaped wedges instead of slivers from one corner, which keeps later
// booleans fast and robust where such caps (circles, arcs) overlap. False when the ring is not convex.
bool addConvexFan(TriMesh& m, const Ring& r, bool flip) {
  const Eigen::Vector3d n = geometry::newellNormal(r);
  bool convex = n.norm() > 0;
  for (std::size_t i = 0; i < r.size() && convex; ++i) {
    const Eigen::Vector3d a = r[(i + 1) % r.size()] - r[i], b = r[(i + 2) % r.size()] - r[(i + 1) % r.size()];
    convex = a.cross(b).dot(n) >= -1e-12 * n.norm();
  }
  if (!convex) return false;
  Eigen::Vector3d c = Eigen::Vector3d::Zero();
  for (const auto& p : r) c += p;
  c /= static_cast<double>(r.size());
  const auto base = static_cast<std::uint32_t>(m.positions.size());
  m.positions.insert(m.positions.end(), r.begin(), r.end());
  m.positions.push_back(c);
  const auto centre = static_cast<std::uint32_t>(m.positions.size() - 1);
  for (std::uint32_t i = 0; i < r.size(); ++i) {
    const std::uint32_t a = base + i, b = base + (i + 1) % static_cast<std::uint32_t>(r.size());
    if (flip) m.triangles.push_back({centre, b, a});
    else m.triangles.push_back({centre, a, b});
  }
  return true;
}

}  // namespace

void TriMesh::append(const TriMesh& other, const Eigen::Affine3d& transform) {
  const auto base = static_cast<std::uint32_t>(positions.size());
  for (const auto& p : other.positions) positions.push_back(transform * p);
  const bool flip = transform.linear().determinant() < 0;
  for (const auto& t : other.triangles) {
    if (flip) triangles.push_back({base + t[0], base + t[2], base + t[1]});
    else triangles.push_back({base + t[0], base + t[1], base + t[2]});
  }
}

TriMesh transformed(const TriMesh& m, const Eigen::Affine3d& t) {
  TriMesh out;
  out.append(m, t);
  out.color = m.color;
  const double det = t.linear().determinant();
  out.validByConstruction = m.validByConstruction && std::isfinite(det) && std::abs(det) > 1e-12;
  return out;
}

void addFace(TriMesh& m, const std::vector<Ring>& rings, bool flip) {
  if (rings.empty() || rings[0].size() < 3) return;
  if (rings.size() == 1 && rings[0].size() <= 4 && addSmallFace(m, rings[0], flip)) return;
  if (rings.size() == 1 && rings[0].size() > 12 && addConvexFan(m, rings[0], flip)) return;
  const auto tris = geometry::triangulatePlanarPolygon(rings);
  if (tris.empty()) return;
  const auto base = static_cast<std::uint32_t>(m.positions.size());
  for (const auto& r : rings) m.positions.insert(m.positions.end(), r.begin(), r.end());
  for (const auto& t : tris) addTriangle(m, base, t[0], t[1], t[2], flip);
}

void addQuad(TriMesh& m, const Eigen::Vector3d& a, const Eigen::Vector3d& b, const Eigen::Vector3d& c,
             const Eigen::Vector3d& d, bool flip) {
  const auto base = static_cast<std::uint32_t>(m.positions.size());
  m.positions.insert(m.positions.end(), {a, b, c, d});
  if (flip) {
    m.triangles.push_back({base, base + 2, base + 1});
    m.triangles.push_back({base, base + 3, base + 2});
  } else {
    m.triangles.push_back({base, base + 1, base + 2});
    m.triangles.push_back({base, base + 2, base + 3});
  }
}

void loftRings(TriMesh& m, const std::vector<Ring>& rings, bool caps) {
  if (rings.size() < 2) return;
  const std::size_t n = rings.front().size();
  for (std::size_t i = 0; i + 1 < rings.size(); ++i) {
    const auto& a = rings[i];
    const auto& b = rings[i + 1];
    for (std::size_t k = 0; k < n; ++k) {
      const std::size_t k1 = (k + 1) % n;
      addQuad(m, a[k], a[k1], b[k1], b[k], false);
    }
  }
  if (caps) {
    addFace(m, {rings.front()}, true);  // faces backwards
    addFace(m, {rings.back()}, false);
  }
}

double signedArea(const Ring& ring) {
  double a = 0;
  for (std::size_t i = 0; i < ring.size(); ++i) {
    const auto& p = ring[i];
    const auto& q = ring[(i + 1) % ring.size()];
    a += p.x() * q.y() - q.x() * p.y();
  }
  return a / 2;
}

}  // namespace cim::io::ifc
