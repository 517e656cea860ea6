// Exact cuts for the commonest cases, without corefinement: box-shaped cutters aligned with box-shaped hosts (openings
// through walls, notches and recesses), and closed solids clipped by a plane.
//
// Most openings in real models are boxes through straight walls of constant thickness (Office_A: 176 of 181). Seen
// along the wall's thickness, the cut wall is a rectangle minus rectangles, extruded through the thickness: a 2D
// problem on a grid of the rectangles' own coordinates, exact and the same on every run. CGAL corefinement takes about
// 1 ms per such opening and breaks ties by heap address; this path takes microseconds and is byte-stable.
#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include <Eigen/Geometry>

#include "cim/geometry/booleans.h"
#include "cim/geometry/triangulate.h"

namespace cim::geometry {

namespace {

// Coordinates closer than this are one (the same 10 micrometre grid the corefinement path snaps to).
constexpr double kSnap = 1e-5;

struct Box {
  Eigen::Vector3d origin;
  Eigen::Matrix3d axes;  // unit edge directions as columns
  Eigen::Vector3d size;  // edge lengths along the axes
};

// The distinct points of a small mesh (within 1e-9 m), or nothing when there are more than `limit`.
std::optional<std::vector<Eigen::Vector3d>> distinctPoints(const SolidMesh& m, std::size_t limit) {
  std::vector<Eigen::Vector3d> pts;
  for (const auto& p : m.positions) {
    if (!p.allFinite()) return std::nullopt;
    if (std::none_of(pts.begin(), pts.end(), [&](const Eigen::Vector3d& q) { return (p - q).norm() <= 1e-9; })) {
      if (pts.size() == limit) return std::nullopt;
      pts.push_back(p);
    }
  }
  return pts;
}

// Enclosed volume measured from `origin`: in map coordinates (5e5 m) the products would cancel catastrophically.
double volumeAbout(const SolidMesh& m, const Eigen::Vector3d& origin) {
  double v = 0;
  for (const auto& t : m.triangles) {
    if (std::max({t[0], t[1], t[2]}) >= m.positions.size()) return NAN;
    v += (m.positions[t[0]] - origin).dot((m.positions[t[1]] - origin).cross(m.positions[t[2]] - origin));
  }
  return v / 6;
}

// The mesh as a cuboid in any orientation: eight corners p0 + {0,1}a + {0,1}b + {0,1}c with a, b, c orthogonal, and
// the triangles enclosing its whole volume. Anything else (a mitred wall end, a prism, an open shell) is not a box.
std::optional<Box> asBox(const SolidMesh& m) {
  if (m.positions.size() > 64 || m.triangles.size() < 12) return std::nullopt;
  auto pts = distinctPoints(m, 8);
  if (!pts || pts->size() != 8) return std::nullopt;
  std::sort(pts->begin(), pts->end(), [](const Eigen::Vector3d& a, const Eigen::Vector3d& b) {
    return std::tie(a.x(), a.y(), a.z()) < std::tie(b.x(), b.y(), b.z());
  });
  const Eigen::Vector3d p0 = (*pts)[0];
  double scale = 0;
  for (const auto& p : *pts) scale = std::max(scale, (p - p0).norm());
  if (!(scale > 0)) return std::nullopt;
  const double tol = 1e-9 + 1e-9 * scale;
  auto near = [&](const Eigen::Vector3d& q) {
    return std::any_of(pts->begin(), pts->end(), [&](const Eigen::Vector3d& p) { return (p - q).norm() <= tol * 10; });
  };
  for (int i = 1; i < 8; ++i)
    for (int j = i + 1; j < 8; ++j)
      for (int k = j + 1; k < 8; ++k) {
        const Eigen::Vector3d a = (*pts)[i] - p0, b = (*pts)[j] - p0, c = (*pts)[k] - p0;
        const double la = a.norm(), lb = b.norm(), lc = c.norm();
        if (std::abs(a.dot(b)) > 1e-7 * la * lb || std::abs(a.dot(c)) > 1e-7 * la * lc ||
            std::abs(b.dot(c)) > 1e-7 * lb * lc)
          continue;
        if (!near(p0 + a + b) || !near(p0 + a + c) || !near(p0 + b + c) || !near(p0 + a + b + c)) continue;
        const double volume = la * lb * lc;
        if (std::abs(std::abs(volumeAbout(m, p0)) - volume) > 1e-6 * volume) return std::nullopt;
        Box box;
        box.origin = p0;
        box.axes.col(0) = a / la;
        box.axes.col(1) = b / lb;
        box.axes.col(2) = c / lc;
        box.size = {la, lb, lc};
        return box;
      }
  return std::nullopt;
}

// A cutter in the host's box coordinates: an axis-aligned range per host axis.
struct Range3 {
  Eigen::Vector3d lo, hi;
};

// The cutter as an axis-aligned box in the host's frame, or nothing when it is not a box aligned with the host.
std::optional<Range3> alignedIn(const Box& host, const SolidMesh& cutter) {
  if (cutter.positions.size() > 64 || cutter.triangles.size() < 12) return std::nullopt;
  auto pts = distinctPoints(cutter, 8);
  if (!pts || pts->size() != 8) return std::nullopt;
  Range3 r{Eigen::Vector3d::Constant(INFINITY), Eigen::Vector3d::Constant(-INFINITY)};
  std::vector<Eigen::Vector3d> local;
  for (const auto& p : *pts) {
    local.push_back(host.axes.transpose() * (p - host.origin));
    r.lo = r.lo.cwiseMin(local.back());
    r.hi = r.hi.cwiseMax(local.back());
  }
  const double tol = 1e-6 + 1e-9 * (r.hi - r.lo).norm();
  for (const auto& q : local)
    for (int d = 0; d < 3; ++d)
      if (std::abs(q[d] - r.lo[d]) > tol && std::abs(q[d] - r.hi[d]) > tol) return std::nullopt;
  const double volume = (r.hi - r.lo).prod();
  if (!(volume > 0) || std::abs(std::abs(volumeAbout(cutter, (*pts)[0])) - volume) > 1e-6 * volume) return std::nullopt;
  return r;
}

// Sorted coordinates 0..length with the cutters' bounds inside, merged where closer than kSnap.
std::vector<double> gridLines(double length, const std::vector<double>& bounds) {
  std::vector<double> v{0.0, length};
  for (double b : bounds)
    if (b > kSnap && b < length - kSnap) v.push_back(b);
  std::sort(v.begin(), v.end());
  std::vector<double> out;
  for (double x : v)
    if (out.empty() || x - out.back() >= kSnap) out.push_back(x);
  out.back() = length;
  return out;
}

// Index of the grid line nearest to x.
std::size_t lineIndex(const std::vector<double>& lines, double x) {
  auto it = std::lower_bound(lines.begin(), lines.end(), x);
  if (it == lines.end()) return lines.size() - 1;
  if (it != lines.begin() && x - *(it - 1) < *it - x) --it;
  return static_cast<std::size_t>(it - lines.begin());
}

// Vertices welded by exact equality: extrusions repeat each corner once per face.
// Points keep the order of their first use. Sorted, not mapped: this runs on every boolean operand.
void weld(const SolidMesh& m, std::vector<Eigen::Vector3d>& points, std::vector<std::array<std::uint32_t, 3>>& tris) {
  const std::size_t n = m.positions.size();
  auto less = [&](std::uint32_t a, std::uint32_t b) {
    const auto& p = m.positions[a];
    const auto& q = m.positions[b];
    return std::tie(p.x(), p.y(), p.z()) < std::tie(q.x(), q.y(), q.z());
  };
  std::vector<std::uint32_t> order(n);
  for (std::uint32_t i = 0; i < n; ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), less);
  std::vector<std::uint32_t> group(n);  // equal points share a group
  std::uint32_t groups = 0;
  for (std::size_t j = 0; j < n; ++j) {
    if (j > 0 && less(order[j - 1], order[j])) ++groups;
    group[order[j]] = groups;
  }
  std::vector<std::uint32_t> idOfGroup(n == 0 ? 0 : groups + 1, 0xFFFFFFFFu);
  std::vector<std::uint32_t> remap(n);
  for (std::size_t i = 0; i < n; ++i) {
    auto& id = idOfGroup[group[i]];
    if (id == 0xFFFFFFFFu) {
      id = static_cast<std::uint32_t>(points.size());
      points.push_back(m.positions[i]);
    }
    remap[i] = id;
  }
  for (const auto& t : m.triangles) {
    const std::array<std::uint32_t, 3> w{remap[t[0]], remap[t[1]], remap[t[2]]};
    if (w[0] != w[1] && w[1] != w[2] && w[0] != w[2]) tris.push_back(w);
  }
}

// Boundary loops of the set cells of an nx x ny grid (filled(x, y)), counter-clockwise around them (set cells on the
// left), as grid vertex indices. Where two loops touch at a corner the left turn is taken, so each loop stays simple.
// With `corners` only the corners are kept; otherwise every grid vertex along the boundary, so that faces meeting
// along an edge share all its vertices (no T-junctions).
using GridVertex = std::pair<long, long>;
template <class Filled>
std::vector<std::vector<GridVertex>> traceCellLoops(std::size_t nx, std::size_t ny, const Filled& filled, bool corners) {
  using V = GridVertex;
  std::multimap<V, V> edges;
  for (long x = 0; x < static_cast<long>(nx); ++x)
    for (long y = 0; y < static_cast<long>(ny); ++y) {
      if (!filled(x, y)) continue;
      if (!filled(x, y - 1)) edges.emplace(V{x, y}, V{x + 1, y});
      if (!filled(x + 1, y)) edges.emplace(V{x + 1, y}, V{x + 1, y + 1});
      if (!filled(x, y + 1)) edges.emplace(V{x + 1, y + 1}, V{x, y + 1});
      if (!filled(x - 1, y)) edges.emplace(V{x, y + 1}, V{x, y});
    }
  std::vector<std::vector<V>> loops;
  while (!edges.empty()) {
    auto it = edges.begin();
    const V start = it->first;
    std::vector<V> loop{start};
    V prev = start, cur = it->second;
    edges.erase(it);
    while (cur != start) {
      loop.push_back(cur);
      auto [lo, hi] = edges.equal_range(cur);
      if (lo == edges.end() || lo == hi) break;  // cannot happen for a cell boundary; stop rather than loop
      auto pick = lo;
      if (std::next(lo) != hi) {
        const long dx = cur.first - prev.first, dy = cur.second - prev.second;
        for (auto e = lo; e != hi; ++e) {
          const long ex = e->second.first - cur.first, ey = e->second.second - cur.second;
          if (dx * ey - dy * ex > 0) pick = e;  // left turn
        }
      }
      prev = cur;
      cur = pick->second;
      edges.erase(pick);
    }
    if (!corners) {
      if (loop.size() >= 4) loops.push_back(std::move(loop));
      continue;
    }
    std::vector<V> kept;  // straight runs of cell edges become one edge
    for (std::size_t i = 0; i < loop.size(); ++i) {
      const V& a = loop[(i + loop.size() - 1) % loop.size()];
      const V& b = loop[i];
      const V& c = loop[(i + 1) % loop.size()];
      const long cross = (b.first - a.first) * (c.second - b.second) - (b.second - a.second) * (c.first - b.first);
      if (cross != 0) kept.push_back(b);
    }
    if (kept.size() >= 4) loops.push_back(std::move(kept));
  }
  return loops;
}

// Any number of aligned box cutters, through the host or not (notches, recesses, cuts along different axes): the
// host box divided by the cutters' coordinates into a grid of cells, each solid or not; the surface is every cell
// face between solid and empty, merged per plane into polygons. Exact and deterministic like the through-cut path;
// every grid vertex on a boundary is kept so that faces meeting along an edge share its vertices (closed output).
SolidMesh gridDifference(const Box& box, const std::vector<const Range3*>& cuts) {
  std::array<std::vector<double>, 3> lines;
  for (int a = 0; a < 3; ++a) {
    std::vector<double> bounds;
    for (const auto* r : cuts) bounds.insert(bounds.end(), {r->lo[a], r->hi[a]});
    lines[a] = gridLines(box.size[a], bounds);
  }
  const std::array<std::size_t, 3> n{lines[0].size() - 1, lines[1].size() - 1, lines[2].size() - 1};
  std::vector<char> solid(n[0] * n[1] * n[2], 1);
  auto cell = [&](std::size_t i, std::size_t j, std::size_t k) { return (i * n[1] + j) * n[2] + k; };
  for (const auto* r : cuts) {
    std::array<std::size_t, 3> lo{}, hi{};
    for (int a = 0; a < 3; ++a) {
      lo[a] = lineIndex(lines[a], r->lo[a]);
      hi[a] = lineIndex(lines[a], r->hi[a]);
    }
    for (std::size_t i = lo[0]; i < hi[0]; ++i)
      for (std::size_t j = lo[1]; j < hi[1]; ++j)
        for (std::size_t k = lo[2]; k < hi[2]; ++k) solid[cell(i, j, k)] = 0;
  }
  auto filled = [&](const std::array<long, 3>& c) {
    for (int a = 0; a < 3; ++a)
      if (c[a] < 0 || c[a] >= static_cast<long>(n[a])) return false;
    return solid[cell(c[0], c[1], c[2])] != 0;
  };
  const bool rightHanded = box.axes.col(0).cross(box.axes.col(1)).dot(box.axes.col(2)) > 0;
  SolidMesh out;
  std::map<std::array<long, 3>, std::uint32_t> vertexOf;  // grid vertex -> output vertex: shared between faces
  auto vertex = [&](const std::array<long, 3>& g) {
    auto [it, added] = vertexOf.try_emplace(g, static_cast<std::uint32_t>(out.positions.size()));
    if (added)
      out.positions.push_back(box.origin + lines[0][g[0]] * box.axes.col(0) + lines[1][g[1]] * box.axes.col(1) +
                              lines[2][g[2]] * box.axes.col(2));
    return it->second;
  };
  for (int a = 0; a < 3; ++a) {
    const int b = (a + 1) % 3, c = (a + 2) % 3;  // e_b x e_c = e_a for a right-handed frame
    for (long p = 0; p <= static_cast<long>(n[a]); ++p)
      for (int side = 0; side < 2; ++side) {  // 0: solid below the plane (faces +a), 1: solid above (faces -a)
        auto face = [&](long u, long v) {
          if (u < 0 || v < 0 || u >= static_cast<long>(n[b]) || v >= static_cast<long>(n[c])) return false;
          std::array<long, 3> below{}, above{};
          below[a] = p - 1;
          above[a] = p;
          below[b] = above[b] = u;
          below[c] = above[c] = v;
          return side == 0 ? filled(below) && !filled(above) : !filled(below) && filled(above);
        };
        const auto loops = traceCellLoops(n[b], n[c], face, false);
        if (loops.empty()) continue;
        std::vector<std::vector<Eigen::Vector2d>> rings;
        std::vector<std::uint32_t> ids;
        for (const auto& l : loops) {
          std::vector<Eigen::Vector2d> ring;
          for (const auto& [u, v] : l) {
            ring.emplace_back(lines[b][u], lines[c][v]);
            std::array<long, 3> g{};
            g[a] = p;
            g[b] = u;
            g[c] = v;
            ids.push_back(vertex(g));
          }
          rings.push_back(std::move(ring));
        }
        const bool flip = (side == 1) == rightHanded;  // counter-clockwise in (b, c) faces +a in a right-handed frame
        for (const auto& t : triangulatePolygon(rings)) {
          if (flip) out.triangles.push_back({ids[t[0]], ids[t[2]], ids[t[1]]});
          else out.triangles.push_back({ids[t[0]], ids[t[1]], ids[t[2]]});
        }
      }
  }
  return out;
}

// Removes unused vertices and renumbers.
SolidMesh compacted(const std::vector<Eigen::Vector3d>& positions, std::vector<std::array<std::uint32_t, 3>> triangles) {
  std::vector<std::uint32_t> remap(positions.size(), 0xFFFFFFFFu);
  SolidMesh out;
  for (auto& t : triangles)
    for (auto& v : t) {
      if (remap[v] == 0xFFFFFFFFu) {
        remap[v] = static_cast<std::uint32_t>(out.positions.size());
        out.positions.push_back(positions[v]);
      }
      v = remap[v];
    }
  out.triangles = std::move(triangles);
  return out;
}

// Where a plane crosses the edges of a surface whose vertices have side values `s` (signed distances, 0 on the
// plane): each edge is cut once, so faces sharing it share the new vertex, which is appended to `positions` with
// side value 0.
struct EdgeCuts {
  std::vector<Eigen::Vector3d>& positions;
  std::vector<double>& s;
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::uint32_t> byEdge;

  std::uint32_t operator()(std::uint32_t i, std::uint32_t j) {
    const auto key = std::minmax(i, j);
    if (auto it = byEdge.find(key); it != byEdge.end()) return it->second;
    const auto [p, q] = key;
    const double f = s[p] / (s[p] - s[q]);
    positions.push_back(positions[p] + f * (positions[q] - positions[p]));
    s.push_back(0);
    const auto v = static_cast<std::uint32_t>(positions.size() - 1);
    byEdge.emplace(key, v);
    return v;
  }
};

// The section of a closed surface's inner part by a plane: `inPlane` holds the kept faces' edges lying in the plane;
// those without their reverse are the section's boundary, chained into loops and triangulated (facing +nn) into
// `out`. False when the loops do not close simply.
bool capSection(const std::vector<Eigen::Vector3d>& positions, const std::set<std::pair<std::uint32_t, std::uint32_t>>& inPlane,
                const Eigen::Vector3d& point, const Eigen::Vector3d& nn, std::vector<std::array<std::uint32_t, 3>>& out) {
  std::map<std::uint32_t, std::uint32_t> capNext;
  for (const auto& [a, b] : inPlane)
    if (!inPlane.count({b, a}))
      if (!capNext.emplace(b, a).second) return false;  // kept on one side only: a boundary; the cap runs b -> a
  const Eigen::Vector3d u = nn.unitOrthogonal(), w = nn.cross(u);
  std::vector<std::vector<Eigen::Vector2d>> rings;
  std::vector<std::uint32_t> ids;
  while (!capNext.empty()) {
    const std::uint32_t start = capNext.begin()->first;
    std::uint32_t cur = start;
    std::vector<Eigen::Vector2d> ring;
    do {
      auto it = capNext.find(cur);
      if (it == capNext.end()) return false;
      ids.push_back(cur);
      ring.emplace_back((positions[cur] - point).dot(u), (positions[cur] - point).dot(w));
      cur = it->second;
      capNext.erase(it);
    } while (cur != start);
    if (ring.size() < 3) return false;
    rings.push_back(std::move(ring));
  }
  for (const auto& t : triangulatePolygon(rings)) out.push_back({ids[t[0]], ids[t[1]], ids[t[2]]});
  return true;
}

// A closed, outward, welded surface of any shape clipped by a plane. The kept part of every face is cut at the plane;
// kept edges lying in the plane without their reverse beside them are the section's boundary, and chain into closed
// loops (holes included), triangulated by nesting. Vertices and faces on the plane are fine; nullopt when the loops
// do not close simply (corefinement then does it).
std::optional<BooleanResult> clipClosedGeneral(const std::vector<Eigen::Vector3d>& pts,
                                              const std::vector<std::array<std::uint32_t, 3>>& tris,
                                              const Eigen::Vector3d& point, const Eigen::Vector3d& nn, double tol) {
  std::vector<double> s(pts.size());
  bool anyOut = false, anyIn = false;
  for (std::size_t i = 0; i < pts.size(); ++i) {
    s[i] = (pts[i] - point).dot(nn);
    if (std::abs(s[i]) <= tol) s[i] = 0;
    anyOut |= s[i] > 0;
    anyIn |= s[i] < 0;
  }

  BooleanResult r;
  r.ok = true;
  if (!anyOut) {
    r.mesh.positions = pts;
    r.mesh.triangles = tris;
    return r;
  }
  if (!anyIn) return r;
  std::vector<Eigen::Vector3d> positions = pts;
  EdgeCuts onEdge{positions, s, {}};
  std::vector<std::array<std::uint32_t, 3>> out;
  std::set<std::pair<std::uint32_t, std::uint32_t>> inPlane;  // kept edges lying in the plane
  for (const auto& t : tris) {
    if (s[t[0]] == 0 && s[t[1]] == 0 && s[t[2]] == 0) {
      // A face lying in the plane: facing +nn it bounds the kept part there (it is part of the section already);
      // facing -nn the material behind it is beyond the plane, and it goes with it.
      if ((pts[t[1]] - pts[t[0]]).cross(pts[t[2]] - pts[t[0]]).dot(nn) > 0) {
        out.push_back(t);
        for (int k = 0; k < 3; ++k) inPlane.emplace(t[k], t[(k + 1) % 3]);
      }
      continue;
    }
    std::vector<std::uint32_t> poly;
    std::vector<bool> onPlane;
    for (int k = 0; k < 3; ++k) {
      const std::uint32_t i = t[k], j = t[(k + 1) % 3];
      if (s[i] <= 0) {
        poly.push_back(i);
        onPlane.push_back(s[i] == 0);
      }
      if ((s[i] < 0 && s[j] > 0) || (s[i] > 0 && s[j] < 0)) {
        poly.push_back(onEdge(i, j));
        onPlane.push_back(true);
      }
    }
    if (poly.size() < 3) continue;  // nothing of this face is kept but an edge or a point in the plane
    for (std::size_t k = 1; k + 1 < poly.size(); ++k) out.push_back({poly[0], poly[k], poly[k + 1]});
    for (std::size_t k = 0; k < poly.size(); ++k) {
      const std::size_t l = (k + 1) % poly.size();
      if (onPlane[k] && onPlane[l]) inPlane.emplace(poly[k], poly[l]);
    }
  }
  if (!capSection(positions, inPlane, point, nn, out)) return std::nullopt;
  r.mesh = compacted(positions, std::move(out));
  return r;
}

}  // namespace

namespace {

using Faces = std::vector<std::array<std::uint32_t, 3>>;

// For every face's edge k (at face * 3 + k), the face on its other side. False when an edge has more or fewer than
// two faces. The edges are found by sorting (edge, face corner) pairs, not in a map: the closed check runs on every
// boolean operand, and with maps it was a tenth of reading a house of clipped walls.
bool edgeNeighbours(const Faces& tris, std::vector<std::uint32_t>& across) {
  const std::size_t n = tris.size();
  std::vector<std::pair<std::uint64_t, std::uint32_t>> uses;  // (undirected edge, face * 3 + k)
  uses.reserve(3 * n);
  for (std::uint32_t i = 0; i < n; ++i)
    for (int k = 0; k < 3; ++k) {
      const auto [a0, b0] = std::minmax(tris[i][k], tris[i][(k + 1) % 3]);
      uses.push_back({std::uint64_t(a0) << 32 | b0, i * 3 + std::uint32_t(k)});
    }
  std::sort(uses.begin(), uses.end());
  across.assign(3 * n, 0);
  for (std::size_t j = 0; j < uses.size(); j += 2) {
    if (j + 1 >= uses.size() || uses[j + 1].first != uses[j].first ||
        (j + 2 < uses.size() && uses[j + 2].first == uses[j].first))
      return false;
    across[uses[j].second] = uses[j + 1].second / 3;
    across[uses[j + 1].second] = uses[j].second / 3;
  }
  return true;
}

// Faces turned to agree with their neighbours across every edge (surface models write them in any orientation), then
// each connected piece turned outward-facing by its signed volume, measured about `o` so map coordinates do not
// cancel.
void orientOutward(const std::vector<Eigen::Vector3d>& pts, Faces& tris, const std::vector<std::uint32_t>& across,
                   const Eigen::Vector3d& o) {
  const std::size_t n = tris.size();
  // Turned over or not; a turned face's edges are its edges 2, 1, 0 run backwards.
  std::vector<char> turned(n, 0);
  auto directed = [&](std::uint32_t t, int k) {  // edge k of t as it runs now
    const int j = turned[t] ? 2 - k : k;
    const std::uint32_t from = tris[t][j], to = tris[t][(j + 1) % 3];
    return turned[t] ? std::pair{to, from} : std::pair{from, to};
  };
  auto runs = [&](std::uint32_t t, std::uint32_t from, std::uint32_t to) {
    for (int k = 0; k < 3; ++k)
      if (directed(t, k) == std::pair{from, to}) return true;
    return false;
  };
  std::vector<int> piece(n, -1);
  int pieces = 0;
  for (std::uint32_t seed = 0; seed < n; ++seed) {
    if (piece[seed] >= 0) continue;
    std::vector<std::uint32_t> stack{seed}, members;
    piece[seed] = pieces;
    while (!stack.empty()) {
      const std::uint32_t t = stack.back();
      stack.pop_back();
      members.push_back(t);
      for (int k = 0; k < 3; ++k) {
        const auto [from, to] = directed(t, k);
        const std::uint32_t other = across[t * 3 + std::uint32_t(turned[t] ? 2 - k : k)];
        if (piece[other] >= 0) continue;
        if (runs(other, from, to)) turned[other] ^= 1;  // runs the shared edge the same way: turn it over
        piece[other] = pieces;
        stack.push_back(other);
      }
    }
    double volume = 0;
    for (auto t : members) {
      const auto& f = tris[t];
      const auto [i1, i2] = turned[t] ? std::pair{f[2], f[1]} : std::pair{f[1], f[2]};
      volume += (pts[f[0]] - o).dot((pts[i1] - o).cross(pts[i2] - o));
    }
    if (volume < 0)
      for (auto t : members) turned[t] ^= 1;
    ++pieces;
  }
  for (std::size_t t = 0; t < n; ++t)
    if (turned[t]) std::swap(tris[t][1], tris[t][2]);
}

// Closed and oriented: every edge run once each way.
bool runsOnceEachWay(const Faces& tris) {
  std::vector<std::uint64_t> runsOnce;
  runsOnce.reserve(3 * tris.size());
  for (const auto& t : tris)
    for (int k = 0; k < 3; ++k) runsOnce.push_back(std::uint64_t(t[k]) << 32 | t[(k + 1) % 3]);
  std::sort(runsOnce.begin(), runsOnce.end());
  for (std::size_t j = 0; j < runsOnce.size(); ++j) {
    if (j + 1 < runsOnce.size() && runsOnce[j + 1] == runsOnce[j]) return false;  // an edge run twice one way
    const std::uint64_t back = runsOnce[j] << 32 | runsOnce[j] >> 32;
    if (!std::binary_search(runsOnce.begin(), runsOnce.end(), back)) return false;
  }
  return true;
}

// `a` welded (identical vertices merged), turned outward-facing, and checked closed (every edge used once in each
// direction, the check corefinement would make); `scale` is its largest extent from its first vertex. False when it
// is not a closed surface.
bool closedOutward(const SolidMesh& a, std::vector<Eigen::Vector3d>& pts, Faces& tris, double& scale) {
  if (a.positions.empty()) return false;
  for (const auto& t : a.triangles)
    if (std::max({t[0], t[1], t[2]}) >= a.positions.size()) return false;
  weld(a, pts, tris);
  if (tris.size() < 4) return false;
  const Eigen::Vector3d o = pts[0];
  scale = 0;
  for (const auto& p : pts) scale = std::max(scale, (p - o).norm());
  if (!(scale > 0) || !std::isfinite(scale)) return false;
  std::vector<std::uint32_t> across;
  if (!edgeNeighbours(tris, across)) return false;
  orientOutward(pts, tris, across, o);
  return runsOnceEachWay(tris);
}

}  // namespace

std::optional<BooleanResult> clipClosedByPlane(const SolidMesh& a, const Eigen::Vector3d& point,
                                               const Eigen::Vector3d& normal) {
  if (!(normal.norm() > 0) || !point.allFinite()) return std::nullopt;
  std::vector<Eigen::Vector3d> pts;
  std::vector<std::array<std::uint32_t, 3>> tris;
  double scale = 0;
  if (!closedOutward(a, pts, tris, scale)) return std::nullopt;
  return clipClosedGeneral(pts, tris, point, normal.normalized(), 1e-9 * scale);
}

namespace {

struct TaggedTriangle {
  std::array<std::uint32_t, 3> v;
  bool cap;  // made by a section (a face of the region), not a piece of the host's own surface
};

}  // namespace

std::vector<SolidMesh> manifoldComponents(const SolidMesh& a) {
  std::vector<Eigen::Vector3d> pts;
  std::vector<std::array<std::uint32_t, 3>> tris;
  for (const auto& t : a.triangles)
    if (std::max({t[0], t[1], t[2]}) >= a.positions.size()) return {a};
  weld(a, pts, tris);
  // Triangles joined across edges that exactly two of them share (union-find); an edge of four (two shells touching
  // along it) joins nothing.
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::vector<std::uint32_t>> byEdge;
  for (std::uint32_t i = 0; i < tris.size(); ++i)
    for (int k = 0; k < 3; ++k) byEdge[std::minmax(tris[i][k], tris[i][(k + 1) % 3])].push_back(i);
  std::vector<std::uint32_t> parent(tris.size());
  for (std::uint32_t i = 0; i < parent.size(); ++i) parent[i] = i;
  auto root = [&](std::uint32_t i) {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
  };
  for (const auto& [e, ts] : byEdge)
    if (ts.size() == 2) parent[root(ts[0])] = root(ts[1]);
  std::map<std::uint32_t, std::size_t> componentOf;
  std::vector<std::vector<std::array<std::uint32_t, 3>>> parts;
  for (std::uint32_t i = 0; i < tris.size(); ++i) {
    auto [it, added] = componentOf.try_emplace(root(i), parts.size());
    if (added) parts.emplace_back();
    parts[it->second].push_back(tris[i]);
  }
  std::vector<SolidMesh> out;
  for (auto& p : parts) out.push_back(compacted(pts, std::move(p)));
  return out;
}

std::optional<BooleanResult> subtractConvexRegion(const SolidMesh& a, const std::vector<HalfSpace>& region) {
  if (region.empty()) return std::nullopt;
  for (const auto& h : region)
    if (!h.point.allFinite() || !h.normal.allFinite() || !(h.normal.norm() > 0)) return std::nullopt;
  std::vector<Eigen::Vector3d> positions;
  std::vector<std::array<std::uint32_t, 3>> hostTris;
  double scale = 0;
  if (!closedOutward(a, positions, hostTris, scale)) return std::nullopt;
  const double tol = 1e-9 * scale;
  const Eigen::Vector3d o = positions[0];
  auto volumeOf = [&](const auto& tris, auto&& get) {
    double v = 0;
    for (const auto& t : tris) {
      const auto& x = get(t);
      v += (positions[x[0]] - o).dot((positions[x[1]] - o).cross(positions[x[2]] - o));
    }
    return v / 6;
  };
  // The host's surface outside the region so far (`kept`), and the host's part inside every plane so far (`inner`,
  // closed: pieces of the host's surface and caps on the planes). The region's planes one by one: every face is cut
  // at the plane (kept faces too, so that they share the new vertices and no edge gets a T-junction); the inner
  // part's faces beyond the plane go to `kept` (caps beyond it are no face of the result), and the inner part gets the
  // section as a new cap. At the end the result is `kept` plus the inner part's caps turned round: the host's surface
  // outside the region and the region's surface inside the host.
  std::vector<std::array<std::uint32_t, 3>> kept;
  std::vector<TaggedTriangle> inner;
  for (const auto& t : hostTris) inner.push_back({t, false});
  std::vector<double> s;
  for (const auto& h : region) {
    const Eigen::Vector3d nn = h.normal.normalized();
    s.resize(positions.size());
    for (std::size_t i = 0; i < positions.size(); ++i) {
      s[i] = (positions[i] - h.point).dot(nn);
      if (std::abs(s[i]) <= tol) s[i] = 0;
    }
    bool anyOut = false, anyIn = false;
    for (const auto& t : inner)
      for (auto v : t.v) {
        anyOut |= s[v] > 0;
        anyIn |= s[v] < 0;
      }
    if (!anyIn) {  // the inner part lies beyond this plane: the region does not reach into the host
      for (const auto& t : inner)
        if (!t.cap) kept.push_back(t.v);
      inner.clear();
      break;
    }
    if (!anyOut) continue;  // the plane does not cut the inner part
    EdgeCuts onEdge{positions, s, {}};
    // The parts of triangle t below (side -1: s <= 0) and above (side +1: s >= 0) the plane, as fans; `onPlane`
    // collects the below part's edges lying in the plane when given.
    auto split = [&](const std::array<std::uint32_t, 3>& t, int side, std::vector<std::array<std::uint32_t, 3>>& out,
                     std::set<std::pair<std::uint32_t, std::uint32_t>>* onPlane) {
      std::uint32_t poly[6];
      bool flat[6];
      int n = 0;
      for (int k = 0; k < 3; ++k) {
        const std::uint32_t i = t[k], j = t[(k + 1) % 3];
        if (side * s[i] >= 0) {
          poly[n] = i;
          flat[n++] = s[i] == 0;
        }
        if ((s[i] < 0 && s[j] > 0) || (s[i] > 0 && s[j] < 0)) {
          poly[n] = onEdge(i, j);
          flat[n++] = true;
        }
      }
      if (n < 3) return;
      for (int k = 1; k + 1 < n; ++k) out.push_back({poly[0], poly[k], poly[k + 1]});
      if (onPlane)
        for (int k = 0; k < n; ++k)
          if (flat[k] && flat[(k + 1) % n]) onPlane->emplace(poly[k], poly[(k + 1) % n]);
    };
    auto flatFace = [&](const std::array<std::uint32_t, 3>& t) { return s[t[0]] == 0 && s[t[1]] == 0 && s[t[2]] == 0; };
    std::vector<std::array<std::uint32_t, 3>> nextKept, below, above;
    std::vector<TaggedTriangle> nextInner;
    std::set<std::pair<std::uint32_t, std::uint32_t>> inPlane;
    for (const auto& t : inner) {
      below.clear();
      above.clear();
      if (flatFace(t.v)) {
        // A face lying in the plane facing +nn bounds the inner part there; facing -nn, its material is beyond.
        if ((positions[t.v[1]] - positions[t.v[0]]).cross(positions[t.v[2]] - positions[t.v[0]]).dot(nn) > 0) {
          below.push_back(t.v);
          for (int k = 0; k < 3; ++k) inPlane.emplace(t.v[k], t.v[(k + 1) % 3]);
        } else {
          above.push_back(t.v);
        }
      } else {
        split(t.v, -1, below, &inPlane);
        split(t.v, +1, above, nullptr);
      }
      for (const auto& b : below) nextInner.push_back({b, t.cap});
      if (!t.cap) nextKept.insert(nextKept.end(), above.begin(), above.end());
    }
    // Kept faces are not cut by the plane (they stay whole): only the new vertices the inner part's cut put on
    // their edges are inserted, so that the two sides of each such edge agree.
    std::function<void(std::uint32_t, std::uint32_t, std::uint32_t, int)> subdivide =
        [&](std::uint32_t p0, std::uint32_t p1, std::uint32_t p2, int depth) {
          const std::uint32_t v[3] = {p0, p1, p2};
          for (int k = 0; k < 3 && depth < 8; ++k) {
            const std::uint32_t x = v[k], y = v[(k + 1) % 3], z = v[(k + 2) % 3];
            auto it = onEdge.byEdge.find(std::minmax(x, y));
            if (it == onEdge.byEdge.end() || it->second == x || it->second == y) continue;
            const std::uint32_t m = it->second;
            subdivide(x, m, z, depth + 1);
            subdivide(m, y, z, depth + 1);
            return;
          }
          nextKept.push_back({p0, p1, p2});
        };
    for (const auto& t : kept) subdivide(t[0], t[1], t[2], 0);
    std::vector<std::array<std::uint32_t, 3>> cap;
    if (!capSection(positions, inPlane, h.point, nn, cap)) return std::nullopt;
    for (const auto& c : cap) nextInner.push_back({c, true});
    kept = std::move(nextKept);
    inner = std::move(nextInner);
  }
  const double removed = volumeOf(inner, [](const TaggedTriangle& t) -> const auto& { return t.v; });
  for (const auto& t : inner)
    if (t.cap) kept.push_back({t.v[0], t.v[2], t.v[1]});
  BooleanResult r;
  r.ok = true;
  r.mesh = compacted(positions, std::move(kept));
  // The result must be closed and hold the host's volume less the inner part's; otherwise corefinement does it.
  std::vector<Eigen::Vector3d> checkPts;
  std::vector<std::array<std::uint32_t, 3>> checkTris;
  double checkScale = 0;
  if (r.mesh.triangles.empty()) return removed > 0 ? std::optional<BooleanResult>(r) : std::nullopt;
  if (!closedOutward(r.mesh, checkPts, checkTris, checkScale)) return std::nullopt;
  const double host = volumeOf(hostTris, [](const std::array<std::uint32_t, 3>& t) -> const auto& { return t; });
  const double result = volumeAbout(r.mesh, o);
  if (std::abs(host - removed - result) > 1e-6 * std::max(host, scale * scale * scale * 1e-6)) return std::nullopt;
  return r;
}

namespace {

// The loops of a face's cells (xs × ys grid on the face across `axis`) extruded through the box's thickness along
// `axis`: caps at both faces and side walls along every loop edge, sharing vertices, outward facing.
SolidMesh extrudeLoops(const Box& box, int axis, const std::vector<double>& xs, const std::vector<double>& ys,
                       const std::vector<std::vector<GridVertex>>& loops) {
  const int ai = (axis + 1) % 3, aj = (axis + 2) % 3;
  const Eigen::Vector3d ei = box.axes.col(ai), ej = box.axes.col(aj), ek = box.axes.col(axis);
  const bool rightHanded = ei.cross(ej).dot(ek) > 0;
  const double depth = box.size[axis];
  SolidMesh out;
  std::vector<std::vector<Eigen::Vector2d>> rings;
  std::size_t total = 0;
  for (const auto& l : loops) total += l.size();
  for (const auto& l : loops) {
    std::vector<Eigen::Vector2d> ring;
    for (const auto& v : l) ring.emplace_back(xs[v.first], ys[v.second]);
    rings.push_back(std::move(ring));
  }
  out.positions.reserve(2 * total);
  for (int side = 0; side < 2; ++side)
    for (const auto& ring : rings)
      for (const auto& p : ring) out.positions.push_back(box.origin + p.x() * ei + p.y() * ej + side * depth * ek);
  auto tri = [&](std::uint32_t a, std::uint32_t b, std::uint32_t c) {
    if (rightHanded) out.triangles.push_back({a, b, c});
    else out.triangles.push_back({a, c, b});
  };
  const auto top = static_cast<std::uint32_t>(total);
  for (const auto& t : triangulatePolygon(rings)) {
    tri(t[0], t[2], t[1]);                    // w = 0 faces -k
    tri(top + t[0], top + t[1], top + t[2]);  // w = depth faces +k
  }
  std::uint32_t base = 0;
  for (const auto& ring : rings) {
    const auto n = static_cast<std::uint32_t>(ring.size());
    for (std::uint32_t i = 0; i < n; ++i) {
      const std::uint32_t p = base + i, q = base + (i + 1) % n;
      tri(p, q, top + q);
      tri(p, top + q, top + p);
    }
    base += n;
  }
  return out;
}

// The box minus cutters that all go through it along `axis`: the face across the thickness as a grid of cells, a
// cell solid unless a cutter covers it, the solid cells' outlines extruded through the thickness.
SolidMesh throughCutSolid(const Box& box, int axis, const std::vector<const Range3*>& cuts) {
  const int ai = (axis + 1) % 3, aj = (axis + 2) % 3;
  std::vector<double> bi, bj;
  for (const auto* r : cuts) {
    bi.insert(bi.end(), {r->lo[ai], r->hi[ai]});
    bj.insert(bj.end(), {r->lo[aj], r->hi[aj]});
  }
  const auto xs = gridLines(box.size[ai], bi), ys = gridLines(box.size[aj], bj);
  const std::size_t nx = xs.size() - 1, ny = ys.size() - 1;
  std::vector<char> solid(nx * ny, 1);
  for (const auto* r : cuts) {
    const std::size_t x0 = lineIndex(xs, r->lo[ai]), x1 = lineIndex(xs, r->hi[ai]);
    const std::size_t y0 = lineIndex(ys, r->lo[aj]), y1 = lineIndex(ys, r->hi[aj]);
    for (std::size_t x = x0; x < x1; ++x)
      for (std::size_t y = y0; y < y1; ++y) solid[x * ny + y] = 0;
  }
  auto filled = [&](long x, long y) {
    return x >= 0 && y >= 0 && x < static_cast<long>(nx) && y < static_cast<long>(ny) && solid[x * ny + y];
  };
  return extrudeLoops(box, axis, xs, ys, traceCellLoops(nx, ny, filled, true));
}

}  // namespace

ThroughCutResult subtractAlignedBoxes(const SolidMesh& host, const std::vector<SolidMesh>& cutters) {
  ThroughCutResult result;
  const auto hostBox = asBox(host);
  std::vector<std::optional<Range3>> ranges(cutters.size());
  if (hostBox)
    for (std::size_t i = 0; i < cutters.size(); ++i) ranges[i] = alignedIn(*hostBox, cutters[i]);

  // A cutter that misses the host removes nothing; one that spans the host along axis k goes through along k.
  auto misses = [&](const Range3& r) {
    for (int d = 0; d < 3; ++d)
      if (r.hi[d] <= kSnap || r.lo[d] >= hostBox->size[d] - kSnap) return true;
    return false;
  };
  auto through = [&](const Range3& r, int k) { return r.lo[k] <= kSnap && r.hi[k] >= hostBox->size[k] - kSnap; };
  int axis = -1;
  std::size_t best = 0;
  for (int k = 0; k < 3 && hostBox; ++k) {
    std::size_t n = 0;
    for (const auto& r : ranges) n += r && !misses(*r) && through(*r, k);
    if (n > best || (n == best && n > 0 && hostBox->size[k] < hostBox->size[axis])) {
      best = n;
      axis = k;
    }
  }
  std::size_t alignedCutting = 0;
  for (const auto& r : ranges) alignedCutting += r && !misses(*r);
  const double gridCells = std::pow(2.0 * static_cast<double>(alignedCutting) + 1.0, 3.0);
  if (best < alignedCutting && gridCells <= 4e6) {
    // Some aligned boxes stop inside the host or pass along another axis: the 3D grid of all their coordinates.
    std::vector<const Range3*> all;
    for (std::size_t i = 0; i < cutters.size(); ++i) {
      if (!ranges[i]) result.rest.push_back(i);
      else if (!misses(*ranges[i])) all.push_back(&*ranges[i]);
    }
    result.mesh = gridDifference(*hostBox, all);
    result.applied = true;
    result.handled = cutters.size() - result.rest.size();
    return result;
  }
  if (best == 0) {  // nothing for this path: the caller subtracts every cutter the general way
    for (std::size_t i = 0; i < cutters.size(); ++i) result.rest.push_back(i);
    return result;
  }
  // Through-cuts along the axis most of them share (with a grid too large, the others go to corefinement).
  const Box& box = *hostBox;
  std::vector<const Range3*> cuts;
  for (std::size_t i = 0; i < cutters.size(); ++i) {
    const auto& r = ranges[i];
    if (r && misses(*r)) continue;  // handled: removes nothing
    if (r && through(*r, axis)) cuts.push_back(&*r);
    else result.rest.push_back(i);
  }

  result.mesh = throughCutSolid(box, axis, cuts);
  result.applied = true;
  result.handled = cutters.size() - result.rest.size();
  return result;
}

}  // namespace cim::geometry
