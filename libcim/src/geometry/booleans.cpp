// The one translation unit that instantiates CGAL's corefinement-based booleans and clipping.
#include "cim/geometry/booleans.h"

#include <Eigen/Geometry>
#include <algorithm>
#include <tuple>
#include <unordered_map>

#include <CGAL/Box_intersection_d/Box_with_info_d.h>
#include <CGAL/Constrained_triangulation_face_base_2.h>
#include <CGAL/Exact_predicates_exact_constructions_kernel.h>
#include <CGAL/Exact_predicates_inexact_constructions_kernel.h>
#include <CGAL/Projection_traits_3.h>
#include <CGAL/Surface_mesh.h>
#include <CGAL/Triangulation_data_structure_2.h>
#include <CGAL/Triangulation_vertex_base_with_info_2.h>

// Determinism. CGAL 5.5's corefinement orders two things by heap address, so the same cut could come out differently
// from run to run and thread to thread (a wall of duplex.ifc, vertices a few ulps apart in another order):
//  1. Candidate face/edge pairs come from box_intersection_d on boxes whose ids are their addresses
//     (ID_FROM_BOX_ADDRESS); ids break ties between boxes with equal bounds, which axis-aligned walls and openings are
//     full of. That sets the order of the intersection points, which the face triangulations insert in that order.
//  2. Each cut face is retriangulated by a 2D constrained Delaunay triangulation, whose edges are turned into halfedges
//     by the one of their two faces with the lower address (Compact_container handles compare by address when the
//     element has no time stamp). The surface is the same, its vertices come out in another order, and the next cut
//     of the same host (subtractAll) then breaks its ties in another way: another triangulation, other roundings.
// The specialisations below, declared before any CGAL algorithm is instantiated, replace both orders with ones that
// follow creation instead: box ids from CGAL's own ID_EXPLICIT counter (the first mesh's face boxes, then the other
// mesh's edge boxes, each in index order), and triangulation handles compared block by block in the order their
// container made the blocks (within a block by address). Both equal the address order whenever the allocator hands
// out increasing addresses, which is why results that were already stable did not change. They must stay in this,
// the one translation unit that instantiates corefinement.
namespace CGAL::Box_intersection_d {
template <>
class Box_with_info_d<double, 3, SM_Halfedge_index, ID_FROM_BOX_ADDRESS>
    : public Box_with_info_d<double, 3, SM_Halfedge_index, ID_EXPLICIT> {
 public:
  using Box_with_info_d<double, 3, SM_Halfedge_index, ID_EXPLICIT>::Box_with_info_d;
};
}  // namespace CGAL::Box_intersection_d

namespace cim::geometry::detail {
// The triangulation Corefinement::Surface_intersection_visitor_for_corefinement declares for Epick meshes.
using CorefinementCdtTraits = CGAL::Projection_traits_3<CGAL::Epeck>;
using CorefinementCdtTds =
    CGAL::Triangulation_data_structure_2<CGAL::Triangulation_vertex_base_with_info_2<std::size_t, CorefinementCdtTraits>,
                                         CGAL::Constrained_triangulation_face_base_2<CorefinementCdtTraits>>;

// Compares elements of a Compact_container<T> by the block they were made in (blocks numbered in the order they were
// made), then by address. Kept per thread (a triangulation lives on one thread); clear() before each corefinement
// forgets the blocks of triangulations that are gone.
template <class T>
class CreationOrder : public CGAL::No_time_stamp<T> {
 public:
  // Compact_container calls this for every element of a new block, from its last element to its first.
  static void initialize_time_stamp(T* p) {
    State& s = state();
    if (p + 1 != s.previous) ++s.block;
    s.previous = p;
    s.blockOf[p] = s.block;
  }
  static bool less(const T* a, const T* b) {
    if (a == nullptr) return b != nullptr;
    if (b == nullptr) return false;
    const auto& blockOf = state().blockOf;
    const auto ia = blockOf.find(a), ib = blockOf.find(b);
    const std::size_t ba = ia != blockOf.end() ? ia->second : 0, bb = ib != blockOf.end() ? ib->second : 0;
    return ba != bb ? ba < bb : a < b;
  }
  static void clear() {
    state().blockOf.clear();
    state().previous = nullptr;
  }

 private:
  struct State {
    std::unordered_map<const T*, std::size_t> blockOf;
    const T* previous = nullptr;
    std::size_t block = 0;
  };
  static State& state() {
    thread_local State s;
    return s;
  }
};
}  // namespace cim::geometry::detail

template <>
struct CGAL::Time_stamper_impl<cim::geometry::detail::CorefinementCdtTds::Face>
    : cim::geometry::detail::CreationOrder<cim::geometry::detail::CorefinementCdtTds::Face> {};
template <>
struct CGAL::Time_stamper_impl<cim::geometry::detail::CorefinementCdtTds::Vertex>
    : cim::geometry::detail::CreationOrder<cim::geometry::detail::CorefinementCdtTds::Vertex> {};

#include <CGAL/Polygon_mesh_processing/self_intersections.h>
#include <CGAL/Polygon_mesh_processing/clip.h>
#include <CGAL/Polygon_mesh_processing/corefinement.h>
#include <CGAL/Polygon_mesh_processing/orient_polygon_soup.h>
#include <CGAL/Polygon_mesh_processing/orientation.h>
#include <CGAL/Polygon_mesh_processing/polygon_soup_to_polygon_mesh.h>
#include <CGAL/Polygon_mesh_processing/repair_polygon_soup.h>
#include <CGAL/Polygon_mesh_processing/triangulate_faces.h>

namespace cim::geometry {

namespace {

// Exact predicates, double constructions. Exact constructions (Epeck) were tried: overlapping coplanar faces (two
// concentric cylinders of a round window) took a minute per opening. Rounded intermediate points can make a surface
// self-intersect, which corefinement does not survive, so every operand is checked first and refused if it does.
using K = CGAL::Exact_predicates_inexact_constructions_kernel;
using Mesh = CGAL::Surface_mesh<K::Point_3>;
namespace PMP = CGAL::Polygon_mesh_processing;

// Forgets the triangulation blocks of earlier corefinements on this thread (see CreationOrder): call before each one.
void forgetTriangulationBlocks() {
  detail::CreationOrder<detail::CorefinementCdtTds::Face>::clear();
  detail::CreationOrder<detail::CorefinementCdtTds::Vertex>::clear();
}

// Soup -> welded, consistently oriented, outward-facing surface mesh. False when it does not bound a volume.
bool toMesh(const SolidMesh& in, Mesh& out, std::string& error) {
  std::vector<K::Point_3> points;
  points.reserve(in.positions.size());
  // Snapped to a 10 micrometre grid: faces that are coplanar up to rounding noise become exactly coplanar, which the
  // exact kernel handles quickly; left near-coplanar, they make corefinement crawl through slivers.
  constexpr double kGrid = 1e-5;
  auto snap = [](double v) { return std::round(v / kGrid) * kGrid; };
  for (const auto& p : in.positions) points.emplace_back(snap(p.x()), snap(p.y()), snap(p.z()));
  std::vector<std::array<std::size_t, 3>> polygons;
  polygons.reserve(in.triangles.size());
  for (const auto& t : in.triangles) polygons.push_back({t[0], t[1], t[2]});
  PMP::repair_polygon_soup(points, polygons);  // merges duplicate points, drops degenerate and duplicate faces
  if (polygons.empty()) {
    error = "no faces";
    return false;
  }
  PMP::orient_polygon_soup(points, polygons);
  out.clear();
  PMP::polygon_soup_to_polygon_mesh(points, polygons, out);
  if (!CGAL::is_closed(out)) {
    error = "not closed";
    return false;
  }
  if (!in.validByConstruction && PMP::does_self_intersect(out)) {
    error = "self-intersecting";
    return false;
  }
  if (!PMP::is_outward_oriented(out)) PMP::reverse_face_orientations(out);
  return true;
}

SolidMesh fromMesh(Mesh& m) {
  if (!CGAL::is_triangle_mesh(m)) PMP::triangulate_faces(m);  // clipping caps can be polygons
  SolidMesh out;
  std::vector<std::uint32_t> index(m.number_of_vertices() + m.number_of_removed_vertices(), 0);
  for (auto v : m.vertices()) {
    index[v.idx()] = static_cast<std::uint32_t>(out.positions.size());
    const auto& p = m.point(v);
    out.positions.emplace_back(p.x(), p.y(), p.z());
  }
  for (auto f : m.faces()) {
    std::array<std::uint32_t, 3> tri{};
    int k = 0;
    for (auto v : CGAL::vertices_around_face(m.halfedge(f), m)) {
      if (k < 3) tri[static_cast<std::size_t>(k)] = index[v.idx()];
      ++k;
    }
    if (k == 3) out.triangles.push_back(tri);
  }
  // Vertices and triangles in a canonical order, independent of CGAL's internal containers.
  std::vector<std::uint32_t> order(out.positions.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  auto less = [&](std::uint32_t a, std::uint32_t b) {
    const auto &p = out.positions[a], &q = out.positions[b];
    return std::tie(p.x(), p.y(), p.z()) < std::tie(q.x(), q.y(), q.z());
  };
  std::stable_sort(order.begin(), order.end(), less);
  std::vector<std::uint32_t> rank(order.size());
  std::vector<Eigen::Vector3d> sorted(order.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) {
    rank[order[i]] = i;
    sorted[i] = out.positions[order[i]];
  }
  out.positions = std::move(sorted);
  for (auto& t : out.triangles) {
    for (auto& v : t) v = rank[v];
    // Rotate (keeping orientation) so the smallest index comes first.
    while (t[0] > t[1] || t[0] > t[2]) t = {t[1], t[2], t[0]};
  }
  std::sort(out.triangles.begin(), out.triangles.end());
  return out;
}

}  // namespace

double signedVolume(const SolidMesh& m) {
  // Measured from the first vertex: about the frame's origin, map coordinates (5e5 m) would cancel catastrophically.
  if (m.positions.empty()) return 0;
  const Eigen::Vector3d o = m.positions.front();
  double v = 0;
  for (const auto& t : m.triangles)
    v += (m.positions[t[0]] - o).dot((m.positions[t[1]] - o).cross(m.positions[t[2]] - o));
  return v / 6.0;
}

bool isClosedVolume(const SolidMesh& m) {
  Mesh mesh;
  std::string error;
  return toMesh(m, mesh, error);
}

BooleanResult booleanOperation(const SolidMesh& a, const SolidMesh& b, BooleanOp op) {
  BooleanResult r;
  Mesh ma, mb, out;
  std::string error;
  if (!toMesh(a, ma, error)) {
    r.error = "first operand " + error;
    return r;
  }
  if (!toMesh(b, mb, error)) {
    r.error = "second operand " + error;
    return r;
  }
  forgetTriangulationBlocks();
  try {
    bool done = false;
    switch (op) {
      case BooleanOp::Difference: done = PMP::corefine_and_compute_difference(ma, mb, out); break;
      case BooleanOp::Union: done = PMP::corefine_and_compute_union(ma, mb, out); break;
      case BooleanOp::Intersection: done = PMP::corefine_and_compute_intersection(ma, mb, out); break;
    }
    if (!done) {
      r.error = "corefinement could not produce a closed result";
      return r;
    }
  } catch (const std::exception& e) {
    r.error = std::string("corefinement failed: ") + e.what();
    return r;
  }
  r.ok = true;
  r.mesh = fromMesh(out);
  return r;
}

BooleanResult subtractAll(const SolidMesh& a, const std::vector<SolidMesh>& cutters, std::size_t& skipped) {
  BooleanResult r;
  skipped = 0;
  Mesh current;
  std::string error;
  if (!toMesh(a, current, error)) {
    r.error = "host " + error;
    skipped = cutters.size();
    return r;
  }
  bool unchecked = false;  // the host as given was checked (or is valid by construction); a cut result is checked once
  for (const auto& c : cutters) {
    Mesh cutter, out;
    if (unchecked) {
      if (PMP::does_self_intersect(current)) {  // a previous cut rounded into a self-intersection: stop here
        skipped += 1;
        r.error = "intermediate result self-intersects";
        continue;
      }
      unchecked = false;
    }
    if (!toMesh(c, cutter, error)) {
      ++skipped;
      r.error = "opening " + error;
      continue;
    }
    forgetTriangulationBlocks();
    try {
      if (PMP::corefine_and_compute_difference(current, cutter, out)) {
        current = std::move(out);
        unchecked = true;
        continue;
      }
      r.error = "corefinement could not produce a closed result";
    } catch (const std::exception& e) {
      r.error = std::string("corefinement failed: ") + e.what();
    }
    ++skipped;
  }
  r.ok = true;
  r.mesh = fromMesh(current);
  return r;
}

BooleanResult clipByPlane(const SolidMesh& a, const Eigen::Vector3d& point, const Eigen::Vector3d& normal) {
  if (auto convex = clipClosedByPlane(a, point, normal)) return std::move(*convex);
  BooleanResult r;
  Mesh ma;
  std::string error;
  if (!toMesh(a, ma, error)) {
    r.error = "operand " + error;
    return r;
  }
  const K::Plane_3 plane(K::Point_3(point.x(), point.y(), point.z()), K::Vector_3(normal.x(), normal.y(), normal.z()));
  forgetTriangulationBlocks();
  try {
    if (!PMP::clip(ma, plane, CGAL::parameters::clip_volume(true))) {
      r.error = "clipping failed";
      return r;
    }
  } catch (const std::exception& e) {
    r.error = std::string("clipping failed: ") + e.what();
    return r;
  }
  r.ok = true;
  r.mesh = fromMesh(ma);
  return r;
}

}  // namespace cim::geometry
