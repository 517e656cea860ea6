// The one translation unit that instantiates CGAL's 2D constrained Delaunay triangulation.
#include "cim/geometry/triangulate.h"

#include <CGAL/Constrained_Delaunay_triangulation_2.h>
#include <CGAL/Exact_predicates_inexact_constructions_kernel.h>
#include <CGAL/Triangulation_face_base_with_info_2.h>
#include <CGAL/Triangulation_vertex_base_with_info_2.h>

#include <Eigen/Geometry>
#include <list>

namespace cim::geometry {

namespace {

using K = CGAL::Exact_predicates_inexact_constructions_kernel;
struct FaceInfo {
  int nesting = -1;
  bool inside() const { return nesting % 2 == 1; }
};
constexpr std::uint32_t kNoVertex = 0xFFFFFFFFu;
struct VertexInfo {
  std::uint32_t index = kNoVertex;  // vertices CGAL adds where constraints cross keep kNoVertex
};
using Vb = CGAL::Triangulation_vertex_base_with_info_2<VertexInfo, K>;
using Fbb = CGAL::Triangulation_face_base_with_info_2<FaceInfo, K>;
using Fb = CGAL::Constrained_triangulation_face_base_2<K, Fbb>;
using Tds = CGAL::Triangulation_data_structure_2<Vb, Fb>;
using Cdt = CGAL::Constrained_Delaunay_triangulation_2<K, Tds, CGAL::Exact_predicates_tag>;

// Flood fill from the infinite face: faces reached across an odd number of constraints are inside.
void markDomains(Cdt& cdt) {
  for (auto f = cdt.all_faces_begin(); f != cdt.all_faces_end(); ++f) f->info().nesting = -1;
  std::list<Cdt::Edge> border;
  auto explore = [&](Cdt::Face_handle start, int level) {
    if (start->info().nesting != -1) return;
    std::list<Cdt::Face_handle> queue{start};
    while (!queue.empty()) {
      auto fh = queue.front();
      queue.pop_front();
      if (fh->info().nesting != -1) continue;
      fh->info().nesting = level;
      for (int i = 0; i < 3; ++i) {
        Cdt::Edge e(fh, i);
        auto n = fh->neighbor(i);
        if (n->info().nesting == -1) {
          if (cdt.is_constrained(e)) border.push_back(e);
          else queue.push_back(n);
        }
      }
    }
  };
  explore(cdt.infinite_face(), 0);
  while (!border.empty()) {
    auto e = border.front();
    border.pop_front();
    auto n = e.first->neighbor(e.second);
    if (n->info().nesting == -1) explore(n, e.first->info().nesting + 1);
  }
}

}  // namespace

std::vector<std::array<std::uint32_t, 3>> triangulatePolygon(const std::vector<std::vector<Eigen::Vector2d>>& rings) {
  std::vector<std::array<std::uint32_t, 3>> out;
  if (rings.empty()) return out;
  // Fast path: a strictly convex outer ring without holes is fanned (most BIM faces are triangles and rectangles).
  // Rings with collinear vertices go to the CDT: a fan from a corner would give zero-area slivers along a straight
  // side, which is harmless in a plane but wrong when the caller maps the 2D triangles onto a curved surface.
  if (rings.size() == 1 && rings[0].size() >= 3) {
    const auto& r = rings[0];
    const std::size_t n = r.size();
    double area = 0;
    bool convex = true;
    int sign = 0;
    for (std::size_t i = 0; i < n && convex; ++i) {
      const Eigen::Vector2d a = r[i], b = r[(i + 1) % n], c = r[(i + 2) % n];
      area += a.x() * b.y() - b.x() * a.y();
      const double cross = (b - a).x() * (c - b).y() - (b - a).y() * (c - b).x();
      if (std::abs(cross) <= 1e-9 * (b - a).norm() * (c - b).norm()) {
        convex = false;
        break;
      }
      const int s = cross > 0 ? 1 : -1;
      if (sign == 0) sign = s;
      else if (s != sign) convex = false;
    }
    if (convex && sign != 0 && std::abs(area) > 0) {
      for (std::uint32_t i = 1; i + 1 < n; ++i) {
        if (sign > 0) out.push_back({0, i, i + 1});
        else out.push_back({0, i + 1, i});
      }
      return out;
    }
  }
  Cdt cdt;
  std::uint32_t base = 0;
  for (const auto& ring : rings) {
    std::vector<Cdt::Vertex_handle> handles;
    handles.reserve(ring.size());
    for (std::uint32_t i = 0; i < ring.size(); ++i) {
      if (!ring[i].allFinite()) continue;
      auto v = cdt.insert(K::Point_2(ring[i].x(), ring[i].y()));
      v->info().index = base + i;  // a repeated point keeps the last index: either refers to the same position
      handles.push_back(v);
    }
    if (handles.size() >= 3)
      for (std::size_t i = 0; i < handles.size(); ++i) {
        auto a = handles[i], b = handles[(i + 1) % handles.size()];
        if (a != b) cdt.insert_constraint(a, b);
      }
    base += static_cast<std::uint32_t>(ring.size());
  }
  markDomains(cdt);
  for (auto f = cdt.finite_faces_begin(); f != cdt.finite_faces_end(); ++f) {
    if (!f->info().inside()) continue;
    const auto a = f->vertex(0)->info().index, b = f->vertex(1)->info().index, c = f->vertex(2)->info().index;
    if (a == kNoVertex || b == kNoVertex || c == kNoVertex) continue;
    out.push_back({a, b, c});  // CGAL faces are counter-clockwise
  }
  return out;
}

double signedArea(const std::vector<Eigen::Vector2d>& ring) {
  double a = 0.0;
  for (std::size_t i = 0, n = ring.size(); i < n; ++i) {
    const auto& p = ring[i];
    const auto& q = ring[(i + 1) % n];
    a += p.x() * q.y() - q.x() * p.y();
  }
  return 0.5 * a;
}

bool insideRings(const std::vector<std::vector<Eigen::Vector2d>>& rings, const Eigen::Vector2d& p) {
  bool inside = false;
  for (const auto& ring : rings)
    for (std::size_t i = 0, n = ring.size(), j = n - 1; i < n; j = i++) {
      const auto& a = ring[i];
      const auto& b = ring[j];
      if ((a.y() > p.y()) != (b.y() > p.y()) && p.x() < (b.x() - a.x()) * (p.y() - a.y()) / (b.y() - a.y()) + a.x())
        inside = !inside;
    }
  return inside;
}

Eigen::Vector3d newellNormal(const std::vector<Eigen::Vector3d>& ring) {
  Eigen::Vector3d n = Eigen::Vector3d::Zero();
  for (std::size_t i = 0; i < ring.size(); ++i) {
    const auto& a = ring[i];
    const auto& b = ring[(i + 1) % ring.size()];
    n.x() += (a.y() - b.y()) * (a.z() + b.z());
    n.y() += (a.z() - b.z()) * (a.x() + b.x());
    n.z() += (a.x() - b.x()) * (a.y() + b.y());
  }
  return n;
}

std::vector<std::array<std::uint32_t, 3>> triangulatePlanarPolygon(const std::vector<std::vector<Eigen::Vector3d>>& rings) {
  if (rings.empty() || rings[0].size() < 3) return {};
  const Eigen::Vector3d n = newellNormal(rings[0]);
  const double len = n.norm();
  if (!(len > 0) || !std::isfinite(len)) return {};
  const Eigen::Vector3d w = n / len;
  // A right-handed frame (u, v, w): counter-clockwise in (u, v) is counter-clockwise about w.
  const Eigen::Vector3d u = (std::abs(w.x()) < 0.9 ? Eigen::Vector3d::UnitX() : Eigen::Vector3d::UnitY()).cross(w).normalized();
  const Eigen::Vector3d v = w.cross(u);
  std::vector<std::vector<Eigen::Vector2d>> flat;
  flat.reserve(rings.size());
  for (const auto& ring : rings) {
    auto& f = flat.emplace_back();
    f.reserve(ring.size());
    for (const auto& p : ring) f.emplace_back(p.dot(u), p.dot(v));
  }
  return triangulatePolygon(flat);
}

}  // namespace cim::geometry
