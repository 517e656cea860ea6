// Exact element shapes as unions of convex parts, and the separation and penetration depth of two of them.
#include "cim/index/element_shape.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <optional>
#include <tuple>

#include <Eigen/Geometry>

#include "cim/geometry/triangulate.h"
#include "index/convex_pieces.h"
#include "index/shape_distance.h"

namespace cim::index {

namespace {

using Eigen::Vector2d;
using Eigen::Vector3d;
using geometry::Aabb;
using geometry::ConvexShape;

void addPart(ElementShape& s, ConvexShape part) {
  const Aabb b = geometry::boundsOf(part);
  s.bounds.extend(b);
  s.partBounds.push_back(b);
  s.parts.push_back(std::move(part));
}

// A box along a leg: length along the leg, `width` horizontal across it, `height` in the vertical plane through it.
geometry::OrientedBox legBox(const Vector3d& p, const Vector3d& q, double width, double height) {
  geometry::OrientedBox b;
  const Vector3d d = q - p;
  const double len = d.norm();
  Vector3d along = len > 0 ? Vector3d(d / len) : Vector3d::UnitX();
  Vector3d across = Vector3d::UnitZ().cross(along);
  if (across.norm() < 1e-9) across = Vector3d::UnitX();  // a vertical leg: the width runs along +X
  across.normalize();
  const Vector3d up = along.cross(across);
  b.centre = (p + q) / 2;
  b.axes.col(0) = along;
  b.axes.col(1) = across;
  b.axes.col(2) = up;
  b.halfExtents = Vector3d(len / 2, width / 2, height / 2);
  return b;
}

void addPipe(ElementShape& s, const model::PipeSegment& p) {
  const auto& c = p.centreline;
  for (std::size_t i = 1; i < c.size(); ++i) {
    if (p.section.shape == model::PipeSection::Shape::Circular)
      addPart(s, geometry::Capsule{c[i - 1], c[i], p.section.outerDiameterMeters / 2});
    else
      addPart(s, legBox(c[i - 1], c[i], p.section.widthMeters, p.section.heightMeters));
  }
}

void addWell(ElementShape& s, const model::Well& w) {
  if (w.widthMeters > 0) {
    geometry::OrientedBox b;
    b.centre = w.top - Vector3d(0, 0, w.depthMeters / 2);
    b.halfExtents = Vector3d(w.widthMeters / 2, w.lengthMeters / 2, w.depthMeters / 2);
    addPart(s, b);
  } else {
    addPart(s, geometry::VerticalCylinder{w.top.head<2>(), w.diameterMeters / 2, w.top.z() - w.depthMeters, w.top.z()});
  }
}

bool isConvexRing(const std::vector<Vector2d>& ring) {
  const std::size_t n = ring.size();
  if (n < 3) return false;
  int sign = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const Vector2d a = ring[(i + 1) % n] - ring[i], b = ring[(i + 2) % n] - ring[(i + 1) % n];
    const double cross = a.x() * b.y() - a.y() * b.x();
    if (std::abs(cross) < 1e-12 * (a.norm() * b.norm() + 1e-300)) continue;
    const int sgn = cross > 0 ? 1 : -1;
    if (sign == 0) sign = sgn;
    else if (sgn != sign) return false;
  }
  return sign != 0;
}

void addPrism(ElementShape& s, const std::vector<std::vector<Vector2d>>& rings, double bottom, double top) {
  if (rings.empty() || rings[0].size() < 3) return;
  if (rings.size() == 1 && isConvexRing(rings[0])) {
    geometry::ConvexPolytope p;
    for (const auto& v : rings[0]) p.vertices.emplace_back(v.x(), v.y(), bottom), p.vertices.emplace_back(v.x(), v.y(), top);
    addPart(s, std::move(p));
    return;
  }
  // A non-convex outline (or holes): the faces as triangles, the inside by the prism.
  s.partsAreSolid = false;
  s.prism = ElementShape::Prism{rings, bottom, top};
  for (const auto& t : geometry::triangulatePolygon(rings)) {
    std::vector<Vector2d> flat;
    for (const auto& r : rings) flat.insert(flat.end(), r.begin(), r.end());
    const Vector2d a = flat[t[0]], b = flat[t[1]], c = flat[t[2]];
    addPart(s, geometry::Triangle{{a.x(), a.y(), top}, {b.x(), b.y(), top}, {c.x(), c.y(), top}});
    addPart(s, geometry::Triangle{{a.x(), a.y(), bottom}, {b.x(), b.y(), bottom}, {c.x(), c.y(), bottom}});
  }
  for (const auto& ring : rings)
    for (std::size_t i = 0, n = ring.size(); i < n; ++i) {
      const Vector2d p = ring[i], q = ring[(i + 1) % n];
      addPart(s, geometry::Triangle{{p.x(), p.y(), bottom}, {q.x(), q.y(), bottom}, {q.x(), q.y(), top}});
      addPart(s, geometry::Triangle{{p.x(), p.y(), bottom}, {q.x(), q.y(), top}, {p.x(), p.y(), top}});
    }
}

void addSite(ElementShape& s, const model::SiteFeature& f) {
  struct V {
    ElementShape& s;
    void operator()(const model::SitePrism& p) const { addPrism(s, p.rings, p.bottomElevation, p.topElevation); }
    void operator()(const model::SiteCylinder& c) const {
      addPart(s, geometry::VerticalCylinder{c.axis, c.radiusMeters, c.bottomElevation, c.topElevation});
    }
    void operator()(const model::SiteEllipsoid& e) const { addPart(s, geometry::Ellipsoid{e.center, e.semiAxesMeters}); }
    void operator()(const model::SiteTube& t) const {
      for (std::size_t i = 1; i < t.polyline.size(); ++i)
        addPart(s, geometry::Capsule{t.polyline[i - 1], t.polyline[i], t.radiusMeters});
    }
    void operator()(const model::SiteMarker& m) const { addPart(s, geometry::Capsule{m.position, m.position, 0.0}); }
  };
  std::visit(V{s}, f.shape);
}

// A mesh's world vertices welded by exact position, and its triangles over them.
struct Welded {
  std::vector<Vector3d> points;
  std::vector<std::array<std::uint32_t, 3>> triangles;
};

Welded weld(const geometry::Mesh& m) {
  Welded w;
  // The positions sorted (ties by index): equal positions stand together, the first of each run is the one that
  // comes first in the mesh. Points are numbered in the order of their first use, as a map would number them.
  const std::size_t n = m.positions.size();
  std::vector<std::uint32_t> order(n), first(n), map(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = static_cast<std::uint32_t>(i);
  auto key = [&](std::uint32_t i) {
    const auto& p = m.positions[i];
    return std::make_tuple(p.x(), p.y(), p.z());
  };
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    const auto ka = key(a), kb = key(b);
    return ka < kb || (!(kb < ka) && a < b);
  });
  for (std::size_t k = 0; k < n; ++k)
    first[order[k]] = k > 0 && !(key(order[k - 1]) < key(order[k])) ? first[order[k - 1]] : order[k];
  for (std::size_t i = 0; i < n; ++i) {
    if (first[i] == i) {
      map[i] = static_cast<std::uint32_t>(w.points.size());
      w.points.push_back(m.worldPosition(i));
    } else {
      map[i] = map[first[i]];
    }
  }
  for (std::size_t t = 0; t + 2 < m.indices.size(); t += 3) {
    std::array<std::uint32_t, 3> tri{map[m.indices[t]], map[m.indices[t + 1]], map[m.indices[t + 2]]};
    if (tri[0] != tri[1] && tri[1] != tri[2] && tri[0] != tri[2]) w.triangles.push_back(tri);
  }
  return w;
}

// Every undirected edge used by exactly two triangles, in opposite directions: every directed edge once, and its
// reverse too.
bool isClosed(const Welded& w) {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> edges;
  edges.reserve(3 * w.triangles.size());
  for (const auto& t : w.triangles)
    for (int k = 0; k < 3; ++k) edges.emplace_back(t[k], t[(k + 1) % 3]);
  std::sort(edges.begin(), edges.end());
  if (std::adjacent_find(edges.begin(), edges.end()) != edges.end()) return false;
  for (const auto& [a, b] : edges)
    if (!std::binary_search(edges.begin(), edges.end(), std::pair{b, a})) return false;
  return !w.triangles.empty();
}

// Every vertex on the inner side of every face's plane (1 mm relative tolerance).
bool isConvexSolid(const Welded& w) {
  if (w.points.size() > 4096) return false;  // a large mesh: taken as non-convex (its faces are measured)
  Aabb box;
  for (const auto& p : w.points) box.extend(p);
  const double tol = 1e-6 * std::max(1.0, box.size().norm());
  for (const auto& t : w.triangles) {
    const Vector3d a = w.points[t[0]];
    Vector3d n = (w.points[t[1]] - a).cross(w.points[t[2]] - a);
    const double len = n.norm();
    if (!(len > 0)) continue;
    n /= len;
    for (const auto& p : w.points)
      if (n.dot(p - a) > tol) return false;
  }
  return true;
}

// A closed mesh that is a vertical prism (LoD1 buildings: a footprint extruded): every point at one of two heights,
// every face horizontal or vertical, and the bottom cap's boundary one ring. The ring counter-clockwise and the two
// heights; nullopt for anything else.
struct Extrusion {
  std::vector<Vector2d> ring;
  double bottom = 0.0, top = 0.0;
};

std::optional<Extrusion> extrusionOf(const Welded& w) {
  Extrusion x;
  x.bottom = std::numeric_limits<double>::infinity(), x.top = -x.bottom;
  for (const auto& p : w.points) x.bottom = std::min(x.bottom, p.z()), x.top = std::max(x.top, p.z());
  if (!(x.bottom < x.top)) return std::nullopt;
  for (const auto& p : w.points)
    if (p.z() != x.bottom && p.z() != x.top) return std::nullopt;
  // Boundary edges of the bottom cap (faces with three bottom points); walls must stand vertical.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> cap;
  for (const auto& t : w.triangles) {
    const Vector3d a = w.points[t[0]], b = w.points[t[1]], c = w.points[t[2]];
    const int low = (a.z() == x.bottom) + (b.z() == x.bottom) + (c.z() == x.bottom);
    if (low == 3) {
      for (int k = 0; k < 3; ++k) cap.emplace_back(t[k], t[(k + 1) % 3]);
    } else if (low != 0) {
      const Vector3d n = (b - a).cross(c - a);
      if (std::abs(n.z()) > 1e-9 * n.norm()) return std::nullopt;
    }
  }
  std::sort(cap.begin(), cap.end());
  std::vector<std::pair<std::uint32_t, std::uint32_t>> boundary;  // reversed: the cap faces down
  for (const auto& [a, b] : cap)
    if (!std::binary_search(cap.begin(), cap.end(), std::pair{b, a})) boundary.emplace_back(b, a);
  if (boundary.size() < 3) return std::nullopt;
  std::sort(boundary.begin(), boundary.end());
  for (std::size_t i = 1; i < boundary.size(); ++i)
    if (boundary[i].first == boundary[i - 1].first) return std::nullopt;  // a vertex on two boundary edges
  // Walk the ring; it must use every boundary edge (one ring: no holes, no second footprint).
  std::uint32_t at = boundary.front().first;
  for (std::size_t steps = 0; steps < boundary.size(); ++steps) {
    x.ring.push_back(w.points[at].head<2>());
    auto next = std::lower_bound(boundary.begin(), boundary.end(), std::pair{at, std::uint32_t{0}});
    if (next == boundary.end() || next->first != at) return std::nullopt;
    at = next->second;
  }
  if (at != boundary.front().first) return std::nullopt;
  return x;
}

void addMesh(ElementShape& s, const geometry::Mesh& m) {
  if (m.empty()) return;
  const Welded w = weld(m);
  const bool closed = isClosed(w);
  if (closed && isConvexSolid(w)) {
    addPart(s, geometry::ConvexPolytope{w.points});
    return;
  }
  // A non-convex extrusion (an L-shaped building): a convex polytope per convex piece of its footprint, the same
  // solid as a union of convex solids (its faces as triangles would cost a query each, and an inside test).
  if (const auto x = closed ? extrusionOf(w) : std::nullopt) {
    const auto pieces = convexPieces(x->ring);
    if (!pieces.empty()) {
      for (const auto& piece : pieces) {
        geometry::ConvexPolytope p;
        for (const auto& v : piece) p.vertices.emplace_back(v.x(), v.y(), x->bottom), p.vertices.emplace_back(v.x(), v.y(), x->top);
        addPart(s, std::move(p));
      }
      return;
    }
  }
  s.partsAreSolid = false;
  std::vector<std::size_t> surface;
  for (const auto& t : w.triangles) {
    surface.push_back(s.parts.size());
    addPart(s, geometry::Triangle{w.points[t[0]], w.points[t[1]], w.points[t[2]]});
  }
  if (closed) s.closedSurfaces.push_back(std::move(surface));
}

// Winding number of a closed triangle surface around p (1 inside, 0 outside), by signed solid angles.
double winding(const ElementShape& s, const std::vector<std::size_t>& surface, const Vector3d& p) {
  double total = 0;
  for (std::size_t i : surface) {
    const auto& t = std::get<geometry::Triangle>(s.parts[i]);
    const Vector3d a = t.a - p, b = t.b - p, c = t.c - p;
    const double la = a.norm(), lb = b.norm(), lc = c.norm();
    const double num = a.dot(b.cross(c));
    const double den = la * lb * lc + a.dot(b) * lc + b.dot(c) * la + c.dot(a) * lb;
    total += 2 * std::atan2(num, den);
  }
  return total / (4 * std::numbers::pi);
}

double boxDistance(const Aabb& a, const Aabb& b, bool plan) {
  Vector3d gap = (a.min - b.max).cwiseMax(b.min - a.max).cwiseMax(0.0);
  if (plan) gap.z() = 0;
  return gap.norm();
}

// Calls f(i, j, boxDistance) for part pairs in increasing box distance while the box distance is below `limit()`.
template <class F, class Limit>
void nearPairs(const ElementShape& a, const ElementShape& b, bool plan, Limit&& limit, F&& f) {
  if (a.parts.size() == 1 && b.parts.size() == 1) {  // one pair (a pipe leg, a convex solid): nothing to order
    if (boxDistance(a.partBounds[0], b.partBounds[0], plan) <= limit()) f(0, 0);
    return;
  }
  std::vector<std::tuple<double, std::size_t, std::size_t>> pairs;
  const double cut = limit();
  for (std::size_t i = 0; i < a.parts.size(); ++i)
    for (std::size_t j = 0; j < b.parts.size(); ++j) {
      const double d = boxDistance(a.partBounds[i], b.partBounds[j], plan);
      if (d <= cut) pairs.emplace_back(d, i, j);
    }
  std::sort(pairs.begin(), pairs.end());
  for (const auto& [d, i, j] : pairs) {
    if (d > limit()) break;
    f(i, j);
  }
}

}  // namespace

ElementShape elementShape(const model::Element& e) {
  ElementShape s;
  if (e.parametric) {
    s.parametric = true;
    if (const auto* p = e.pipe()) addPipe(s, *p);
    else if (const auto* w = e.well()) addWell(s, *w);
    else if (const auto* f = e.site()) addSite(s, *f);
    return s;
  }
  for (const auto& shape : e.shapes) addMesh(s, shape.mesh);
  return s;
}

ElementShape pointShape(const Vector3d& p) {
  ElementShape s;
  s.parametric = true;
  addPart(s, geometry::Capsule{p, p, 0.0});
  return s;
}

ElementShape polylineShape(const std::vector<Vector3d>& polyline, double radius) {
  ElementShape s;
  s.parametric = true;
  if (polyline.size() == 1) addPart(s, geometry::Capsule{polyline[0], polyline[0], radius});
  for (std::size_t i = 1; i < polyline.size(); ++i) addPart(s, geometry::Capsule{polyline[i - 1], polyline[i], radius});
  return s;
}

ElementShape prismShape(const std::vector<std::vector<Vector2d>>& rings, double bottom, double top) {
  ElementShape s;
  s.parametric = true;
  auto oriented = rings;
  for (std::size_t i = 0; i < oriented.size(); ++i)
    if ((geometry::signedArea(oriented[i]) > 0) != (i == 0)) std::reverse(oriented[i].begin(), oriented[i].end());
  addPrism(s, oriented, bottom, top);
  return s;
}

bool ElementShape::contains(const Vector3d& p) const {
  if (prism && p.z() >= prism->bottom && p.z() <= prism->top && geometry::insideRings(prism->rings, p.head<2>())) return true;
  for (const auto& surface : closedSurfaces)
    if (std::abs(winding(*this, surface, p)) > 0.5) return true;
  return false;
}

Vector3d ElementShape::anyPoint() const {
  return parts.empty() ? Vector3d::Zero() : geometry::support(parts[0], Vector3d::UnitX());
}

std::vector<Vector3d> ElementShape::surfacePoints(std::size_t limit) const {
  std::vector<Vector3d> out;
  for (const auto& part : parts) {
    if (out.size() >= limit) break;
    if (const auto* t = std::get_if<geometry::Triangle>(&part)) out.insert(out.end(), {t->a, t->b, t->c});
    else if (const auto* p = std::get_if<geometry::ConvexPolytope>(&part)) out.insert(out.end(), p->vertices.begin(), p->vertices.end());
    else
      for (int axis = 0; axis < 3; ++axis)
        out.insert(out.end(), {geometry::support(part, Vector3d::Unit(axis)), geometry::support(part, -Vector3d::Unit(axis))});
  }
  return out;
}

Separation separate(const ElementShape& a, const ElementShape& b, double cutoff, bool verticalGap) {
  Separation out;
  out.distance = out.horizontal = std::numeric_limits<double>::infinity();
  if (a.parts.empty() || b.parts.empty()) return out;
  // 3D: the closest parts.
  nearPairs(a, b, false, [&] { return std::min(cutoff, out.distance); }, [&](std::size_t i, std::size_t j) {
    const auto p = geometry::proximity(a.parts[i], b.parts[j]);
    if (p.distance < out.distance) out.distance = p.distance, out.onA = p.onA, out.onB = p.onB;
  });
  // One inside the other's solid (surfaces of triangles do not say so by themselves).
  if (out.distance > 0) {
    const Vector3d pa = a.anyPoint(), pb = b.anyPoint();
    if (b.contains(pa)) out.distance = 0, out.onA = out.onB = pa;
    else if (a.contains(pb)) out.distance = 0, out.onA = out.onB = pb;
  }
  out.horizontal = planDistance(a, b, cutoff);
  // The vertical gap where the plans overlap and the shapes are apart.
  if (verticalGap && out.horizontal == 0 && out.distance > 0) {
    nearPairs(a, b, true, [] { return 0.0; }, [&](std::size_t i, std::size_t j) {
      if (auto g = geometry::verticalGap(a.parts[i], b.parts[j]))
        if (!out.vertical || *g < *out.vertical) out.vertical = g;
    });
  }
  return out;
}

double planDistance(const ElementShape& a, const ElementShape& b, double cutoff) {
  double h = std::numeric_limits<double>::infinity();
  if (a.parts.empty() || b.parts.empty()) return h;
  nearPairs(a, b, true, [&] { return std::min(cutoff, h); }, [&](std::size_t i, std::size_t j) {
    h = std::min(h, geometry::planProximity(a.parts[i], b.parts[j]).distance);
  });
  if (h > 0 && (a.prism || b.prism)) {  // a point inside a prism's plan (holes and concave outlines)
    auto inPlan = [](const ElementShape& s, const Vector3d& p) { return s.prism && geometry::insideRings(s.prism->rings, p.head<2>()); };
    if (inPlan(a, b.anyPoint()) || inPlan(b, a.anyPoint())) h = 0;
  }
  return h;
}

double penetrationDepth(const ElementShape& a, const ElementShape& b) {
  double depth = 0.0;
  // Solid parts overlapping solid parts: the exact depth of each pair, the deepest counts.
  const bool solidA = a.partsAreSolid, solidB = b.partsAreSolid;
  if (solidA && solidB) {
    nearPairs(a, b, false, [] { return 0.0; }, [&](std::size_t i, std::size_t j) {
      depth = std::max(depth, geometry::penetrationDepth(a.parts[i], b.parts[j]));
    });
    return depth;
  }
  // A surface of triangles is involved: the deepest point of either surface inside the other's solid, measured to
  // the other's surface.
  auto deepest = [&](const ElementShape& from, const ElementShape& into) {
    double d = 0;
    for (const auto& p : from.surfacePoints()) {
      const bool inside = into.partsAreSolid ? separate(pointShape(p), into, 1e300, false).distance == 0 : into.contains(p);
      if (!inside) continue;
      // How deep p lies: in a union of solid parts, its depth in the part it is deepest in; in a closed surface, its
      // distance to the nearest face.
      double toSurface = into.partsAreSolid ? 0.0 : std::numeric_limits<double>::infinity();
      for (const auto& part : into.parts) {
        if (const auto* t = std::get_if<geometry::Triangle>(&part))
          toSurface = std::min(toSurface, (geometry::closestOnTriangle(p, t->a, t->b, t->c) - p).norm());
        else if (into.partsAreSolid)
          toSurface = std::max(toSurface, geometry::penetrationDepth(geometry::Capsule{p, p, 0.0}, part));
      }
      if (std::isfinite(toSurface)) d = std::max(d, toSurface);
    }
    return d;
  };
  return std::max(deepest(a, b), deepest(b, a));
}

}  // namespace cim::index
