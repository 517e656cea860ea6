#include "io/ifc/shapes.h"

#include <cmath>
#include <numbers>
#include <unordered_set>

#include <Eigen/Geometry>

#include "cim/geometry/booleans.h"
#include "cim/geometry/triangulate.h"
#include "io/ifc/alignment.h"
#include "io/ifc/axis_placement.h"
#include "io/ifc/curves.h"
#include "io/ifc/surfaces.h"

namespace cim::io::ifc {

namespace {

constexpr double kPi = std::numbers::pi;

// Adds a planar polygon (outer ring + holes, 3D) to the mesh, triangulated; `flip` reverses the winding.
void addFace(TriMesh& m, const std::vector<std::vector<Eigen::Vector3d>>& rings, bool flip = false) {
  if (rings.empty() || rings[0].size() < 3) return;
  // Triangles and convex quads (most brep faces) need no triangulation.
  if (rings.size() == 1 && rings[0].size() <= 4) {
    const auto& r = rings[0];
    const auto base = static_cast<std::uint32_t>(m.positions.size());
    auto add = [&](std::uint32_t a, std::uint32_t b, std::uint32_t c) {
      if (flip) m.triangles.push_back({base + a, base + c, base + b});
      else m.triangles.push_back({base + a, base + b, base + c});
    };
    if (r.size() == 3) {
      if (!((r[1] - r[0]).cross(r[2] - r[0]).squaredNorm() > 0)) return;  // degenerate: no area
      m.positions.insert(m.positions.end(), r.begin(), r.end());
      add(0, 1, 2);
      return;
    }
    const Eigen::Vector3d n = geometry::newellNormal(r);
    bool convex = n.norm() > 0;
    for (std::size_t i = 0; i < 4 && convex; ++i)
      convex = (r[(i + 1) % 4] - r[i]).cross(r[(i + 2) % 4] - r[(i + 1) % 4]).dot(n) > 0;
    if (convex) {
      m.positions.insert(m.positions.end(), r.begin(), r.end());
      add(0, 1, 2);
      add(0, 2, 3);
      return;
    }
  }
  // Convex rings with many vertices (circles, arcs) are fanned from their centroid: well-shaped wedges instead of
  // slivers from one corner, which keeps later booleans fast and robust where such caps overlap.
  if (rings.size() == 1 && rings[0].size() > 12) {
    const auto& r = rings[0];
    const Eigen::Vector3d n = geometry::newellNormal(r);
    bool convex = n.norm() > 0;
    for (std::size_t i = 0; i < r.size() && convex; ++i) {
      const Eigen::Vector3d a = r[(i + 1) % r.size()] - r[i], b = r[(i + 2) % r.size()] - r[(i + 1) % r.size()];
      convex = a.cross(b).dot(n) >= -1e-12 * n.norm();
    }
    if (convex) {
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
      return;
    }
  }
  const auto tris = geometry::triangulatePlanarPolygon(rings);
  if (tris.empty()) return;
  const auto base = static_cast<std::uint32_t>(m.positions.size());
  for (const auto& r : rings) m.positions.insert(m.positions.end(), r.begin(), r.end());
  for (const auto& t : tris) {
    if (flip) m.triangles.push_back({base + t[0], base + t[2], base + t[1]});
    else m.triangles.push_back({base + t[0], base + t[1], base + t[2]});
  }
}

// A side wall quad a-b-c-d (counter-clockwise seen from outside unless `flip`) as two triangles.
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

// Signed area of a ring in its XY plane (profiles are planar at z = 0).
double signedArea(const std::vector<Eigen::Vector3d>& ring) {
  double a = 0;
  for (std::size_t i = 0; i < ring.size(); ++i) {
    const auto& p = ring[i];
    const auto& q = ring[(i + 1) % ring.size()];
    a += p.x() * q.y() - q.x() * p.y();
  }
  return a / 2;
}

// Extrudes polygons (in the XY plane) along `v`: bottom cap, top cap, side walls; outward-facing for a positive
// extrusion along +Z whatever the rings' orientation.
TriMesh extrude(const std::vector<Polygon>& polys, const Eigen::Vector3d& v) {
  TriMesh m;
  const bool upward = v.z() >= 0;
  for (const auto& poly : polys) {
    if (poly.rings.empty()) continue;
    // Outer ring counter-clockwise, holes clockwise (seen from +Z), so side walls face outwards.
    std::vector<std::vector<Eigen::Vector3d>> rings = poly.rings;
    for (std::size_t i = 0; i < rings.size(); ++i) {
      const bool ccw = signedArea(rings[i]) > 0;
      if ((i == 0) != ccw) std::reverse(rings[i].begin(), rings[i].end());
    }
    std::vector<std::vector<Eigen::Vector3d>> top = rings;
    for (auto& r : top)
      for (auto& p : r) p += v;
    addFace(m, rings, upward);   // bottom faces down
    addFace(m, top, !upward);    // top faces up
    for (const auto& r : rings) {
      for (std::size_t i = 0; i < r.size(); ++i) {
        const Eigen::Vector3d a = r[i], b = r[(i + 1) % r.size()];
        addQuad(m, a, b, b + v, a + v, !upward);
      }
    }
  }
  return m;
}

// Resamples a closed ring to `n` points evenly by arc length, starting at its first point.
std::vector<Eigen::Vector3d> resampleRing(const std::vector<Eigen::Vector3d>& r, std::size_t n) {
  if (r.size() == n || r.size() < 2) return r;
  std::vector<double> at{0.0};
  for (std::size_t i = 0; i < r.size(); ++i) at.push_back(at.back() + (r[(i + 1) % r.size()] - r[i]).norm());
  std::vector<Eigen::Vector3d> out;
  std::size_t seg = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const double s = at.back() * static_cast<double>(k) / static_cast<double>(n);
    while (seg + 1 < r.size() && at[seg + 1] <= s) ++seg;
    const double len = at[seg + 1] - at[seg];
    const double f = len > 0 ? (s - at[seg]) / len : 0.0;
    out.push_back((1 - f) * r[seg] + f * r[(seg + 1) % r.size()]);
  }
  return out;
}

// Pairs the rings of a tapered sweep's start and end profiles point by point (same count; resampled by arc length
// when the two tessellations differ). False when the profiles do not have the same polygons and rings.
bool pairProfiles(std::vector<Polygon>& start, std::vector<Polygon>& end) {
  if (start.size() != end.size()) return false;
  for (std::size_t i = 0; i < start.size(); ++i) {
    if (start[i].rings.size() != end[i].rings.size()) return false;
    for (std::size_t j = 0; j < start[i].rings.size(); ++j) {
      auto& a = start[i].rings[j];
      auto& b = end[i].rings[j];
      if (a.size() < 3 || b.size() < 3) return false;
      const std::size_t n = std::max(a.size(), b.size());
      a = resampleRing(a, n);
      b = resampleRing(b, n);
    }
  }
  return true;
}

// Revolves polygons about the axis through `origin` along `axis` by `angle` radians; with `endPolys` (paired with
// `polys` by pairProfiles) the section changes linearly with the angle from the start to the end profile.
TriMesh revolve(const Context& ctx, const std::vector<Polygon>& polys, const Eigen::Vector3d& origin,
                const Eigen::Vector3d& axis, double angle, const std::vector<Polygon>* endPolys = nullptr) {
  TriMesh m;
  double maxR = 0;
  auto radiusOf = [&](const std::vector<Polygon>& ps) {
    for (const auto& poly : ps)
      for (const auto& r : poly.rings)
        for (const auto& p : r) {
          const Eigen::Vector3d d = p - origin;
          maxR = std::max(maxR, (d - d.dot(axis) * axis).norm());
        }
  };
  radiusOf(polys);
  if (endPolys) radiusOf(*endPolys);
  const int n = arcSegments(ctx, maxR, std::abs(angle));
  const bool full = std::abs(std::abs(angle) - 2 * kPi) < 1e-6 && !endPolys;
  auto rot = [&](const Eigen::Vector3d& p, double t) {
    return Eigen::Vector3d(origin + Eigen::AngleAxisd(t, axis) * (p - origin));
  };
  for (std::size_t pi = 0; pi < polys.size(); ++pi) {
    const auto& poly = polys[pi];
    for (std::size_t ri = 0; ri < poly.rings.size(); ++ri) {
      const auto& r = poly.rings[ri];
      const auto* e = endPolys ? &(*endPolys)[pi].rings[ri] : nullptr;
      auto section = [&](std::size_t i, int k) {
        const double s = static_cast<double>(k) / n;
        const Eigen::Vector3d p = e ? Eigen::Vector3d((1 - s) * r[i] + s * (*e)[i]) : r[i];
        return rot(p, angle * s);
      };
      for (int k = 0; k < n; ++k) {
        for (std::size_t i = 0; i < r.size(); ++i) {
          const std::size_t j = (i + 1) % r.size();
          const auto base = static_cast<std::uint32_t>(m.positions.size());
          m.positions.insert(m.positions.end(), {section(i, k), section(j, k), section(j, k + 1), section(i, k + 1)});
          m.triangles.push_back({base, base + 1, base + 2});
          m.triangles.push_back({base, base + 2, base + 3});
        }
      }
    }
    if (!full) {
      addFace(m, poly.rings, true);
      std::vector<std::vector<Eigen::Vector3d>> end = endPolys ? (*endPolys)[pi].rings : poly.rings;
      for (auto& r : end)
        for (auto& p : r) p = rot(p, angle);
      addFace(m, end, false);
    }
  }
  return m;
}

// Extrusion along `v` whose section changes linearly from `start` to `end` (paired by pairProfiles), both in the XY
// plane; outward-facing for an extrusion along +Z.
TriMesh extrudeTapered(std::vector<Polygon> start, std::vector<Polygon> end, const Eigen::Vector3d& v) {
  TriMesh m;
  const bool upward = v.z() >= 0;
  for (std::size_t pi = 0; pi < start.size(); ++pi) {
    auto& rings = start[pi].rings;
    auto& top = end[pi].rings;
    for (std::size_t i = 0; i < rings.size(); ++i) {
      const bool ccw = signedArea(rings[i]) > 0;
      if ((i == 0) != ccw) {
        std::reverse(rings[i].begin(), rings[i].end());
        std::reverse(top[i].begin(), top[i].end());
      }
      for (auto& p : top[i]) p += v;
    }
    addFace(m, rings, upward);
    addFace(m, top, !upward);
    for (std::size_t ri = 0; ri < rings.size(); ++ri) {
      const auto& r = rings[ri];
      const auto& t = top[ri];
      for (std::size_t i = 0; i < r.size(); ++i) {
        const std::size_t j = (i + 1) % r.size();
        addQuad(m, r[i], r[j], t[j], t[i], !upward);
      }
    }
  }
  return m;
}

// A solid of revolution about +Z from a meridian profile of (radius, z) points, the first and last on the axis
// (radius 0); closed and outward-facing when the profile runs from bottom to top.
TriMesh lathe(const std::vector<Eigen::Vector2d>& profile, int n) {
  TriMesh m;
  std::vector<std::uint32_t> first;  // first vertex of each profile point's ring
  for (const auto& q : profile) {
    first.push_back(static_cast<std::uint32_t>(m.positions.size()));
    if (q.x() <= 0) {
      m.positions.emplace_back(0.0, 0.0, q.y());
      continue;
    }
    for (int i = 0; i < n; ++i) {
      const double t = 2 * kPi * i / n;
      m.positions.emplace_back(q.x() * std::cos(t), q.x() * std::sin(t), q.y());
    }
  }
  auto v = [&](std::size_t k, int i) {
    return profile[k].x() <= 0 ? first[k] : first[k] + static_cast<std::uint32_t>(i % n);
  };
  for (std::size_t k = 0; k + 1 < profile.size(); ++k)
    for (int i = 0; i < n; ++i) {
      const auto a = v(k, i), b = v(k, i + 1), c = v(k + 1, i + 1), d = v(k + 1, i);
      if (a != b) m.triangles.push_back({a, b, c});
      if (c != d) m.triangles.push_back({a, c, d});
    }
  return m;
}

// IfcCsgPrimitive3D in its own frame (before Position), closed and outward-facing; empty for non-positive sizes.
// Block: a corner at the origin, along +X +Y +Z. Rectangular pyramid: the base from the origin along +X +Y, the
// apex above its centre. Cone and cylinder: the base circle centred on the origin, the axis along +Z (ISO 10303-42
// right_circular_cylinder / right_circular_cone). Sphere: centred on the origin.
TriMesh csgPrimitive(const Context& ctx, const Instance& it) {
  TriMesh m;
  const auto& f = ctx.file;
  const double s = ctx.units.lengthToMeters;
  auto len = [&](const char* name) { return it.real(name).value_or(0.0) * s; };
  if (f.isA(it.record(), names::IfcBlock)) {
    const double x = len("XLength"), y = len("YLength"), z = len("ZLength");
    if (!(x > 0 && y > 0 && z > 0)) return m;
    for (int k = 0; k < 8; ++k) m.positions.emplace_back(k & 1 ? x : 0.0, k & 2 ? y : 0.0, k & 4 ? z : 0.0);
    // Two outward triangles per side (vertex k: bit 0 = x, bit 1 = y, bit 2 = z).
    m.triangles = {{0, 2, 3}, {0, 3, 1}, {4, 5, 7}, {4, 7, 6}, {0, 1, 5}, {0, 5, 4},
                   {2, 6, 7}, {2, 7, 3}, {0, 4, 6}, {0, 6, 2}, {1, 3, 7}, {1, 7, 5}};
  } else if (f.isA(it.record(), names::IfcRectangularPyramid)) {
    const double x = len("XLength"), y = len("YLength"), h = len("Height");
    if (!(x > 0 && y > 0 && h > 0)) return m;
    m.positions = {{0, 0, 0}, {x, 0, 0}, {x, y, 0}, {0, y, 0}, {x / 2, y / 2, h}};
    m.triangles = {{0, 2, 1}, {0, 3, 2}, {0, 1, 4}, {1, 2, 4}, {2, 3, 4}, {3, 0, 4}};
  } else if (f.isA(it.record(), names::IfcRightCircularCone)) {
    const double r = len("BottomRadius"), h = len("Height");
    if (!(r > 0 && h > 0)) return m;
    m = lathe({{0, 0}, {r, 0}, {0, h}}, std::max(12, arcSegments(ctx, r, 2 * kPi)));
  } else if (f.isA(it.record(), names::IfcRightCircularCylinder)) {
    const double r = len("Radius"), h = len("Height");
    if (!(r > 0 && h > 0)) return m;
    m = lathe({{0, 0}, {r, 0}, {r, h}, {0, h}}, std::max(12, arcSegments(ctx, r, 2 * kPi)));
  } else if (f.isA(it.record(), names::IfcSphere)) {
    const double r = len("Radius");
    if (!(r > 0)) return m;
    const int n = std::max(12, arcSegments(ctx, r, 2 * kPi));
    const int rows = std::max(6, arcSegments(ctx, r, kPi));
    std::vector<Eigen::Vector2d> meridian;
    for (int k = 0; k <= rows; ++k) {
      const double phi = -kPi / 2 + kPi * k / rows;
      meridian.emplace_back(k == 0 || k == rows ? 0.0 : r * std::cos(phi), r * std::sin(phi));
    }
    m = lathe(meridian, n);
  }
  return m;
}

// A tube of `radius` (and optional inner radius) along a polyline, with parallel-transported section frames.
TriMesh sweepDisk(const Context& ctx, const std::vector<Eigen::Vector3d>& path, double radius, double inner) {
  TriMesh m;
  if (path.size() < 2 || !(radius > 0)) return m;
  const int n = std::max(12, arcSegments(ctx, radius, 2 * kPi));
  std::vector<Eigen::Vector3d> tangents(path.size());
  for (std::size_t i = 0; i < path.size(); ++i) {
    const Eigen::Vector3d prev = i > 0 ? Eigen::Vector3d((path[i] - path[i - 1]).normalized()) : Eigen::Vector3d::Zero();
    const Eigen::Vector3d next = i + 1 < path.size() ? Eigen::Vector3d((path[i + 1] - path[i]).normalized()) : Eigen::Vector3d::Zero();
    Eigen::Vector3d t = prev + next;
    tangents[i] = t.norm() > 1e-12 ? Eigen::Vector3d(t.normalized()) : (next.norm() > 0 ? next : prev);
  }
  Eigen::Vector3d u = std::abs(tangents[0].z()) < 0.9 ? Eigen::Vector3d::UnitZ() : Eigen::Vector3d::UnitX();
  u = (u - u.dot(tangents[0]) * tangents[0]).normalized();
  auto addTube = [&](double r, bool outward) {
    Eigen::Vector3d uu = u;
    const auto first = static_cast<std::uint32_t>(m.positions.size());
    for (std::size_t i = 0; i < path.size(); ++i) {
      if (i > 0) {  // parallel transport: rotate the frame by the turn between tangents
        const Eigen::Quaterniond q = Eigen::Quaterniond::FromTwoVectors(tangents[i - 1], tangents[i]);
        uu = (q * uu).normalized();
      }
      const Eigen::Vector3d vv = tangents[i].cross(uu);
      // At a bend the section is scaled in the bend plane so straight parts keep their radius (mitred joint).
      double mitre = 1.0;
      if (i > 0 && i + 1 < path.size()) {
        const Eigen::Vector3d a = (path[i] - path[i - 1]).normalized();
        const double c = std::clamp(a.dot(tangents[i]), 0.2, 1.0);
        mitre = 1.0 / c;
      }
      const Eigen::Vector3d bendDir = (i > 0 && i + 1 < path.size())
                                          ? Eigen::Vector3d(((path[i + 1] - path[i]).normalized() - (path[i] - path[i - 1]).normalized()))
                                          : Eigen::Vector3d::Zero();
      const Eigen::Vector3d bend = bendDir.norm() > 1e-9 ? Eigen::Vector3d(bendDir.normalized()) : Eigen::Vector3d::Zero();
      for (int k = 0; k < n; ++k) {
        const double t = 2 * kPi * k / n;
        Eigen::Vector3d d = std::cos(t) * uu + std::sin(t) * vv;
        if (bend.norm() > 0) d += (mitre - 1.0) * d.dot(bend) * bend;
        m.positions.push_back(path[i] + r * d);
      }
    }
    for (std::size_t i = 0; i + 1 < path.size(); ++i)
      for (int k = 0; k < n; ++k) {
        const auto a = first + static_cast<std::uint32_t>(i * n + k);
        const auto b = first + static_cast<std::uint32_t>(i * n + (k + 1) % n);
        const auto c = b + static_cast<std::uint32_t>(n), d = a + static_cast<std::uint32_t>(n);
        if (outward) {
          m.triangles.push_back({a, b, c});
          m.triangles.push_back({a, c, d});
        } else {
          m.triangles.push_back({a, c, b});
          m.triangles.push_back({a, d, c});
        }
      }
    return first;
  };
  const auto outerFirst = addTube(radius, true);
  // End caps (annuli when hollow).
  const std::size_t last = path.size() - 1;
  if (inner > 0 && inner < radius) {
    const auto innerFirst = addTube(inner, false);
    for (int end = 0; end < 2; ++end) {
      const std::size_t ring = end == 0 ? 0 : last;
      for (int k = 0; k < n; ++k) {
        const auto o0 = outerFirst + static_cast<std::uint32_t>(ring * n + k), o1 = outerFirst + static_cast<std::uint32_t>(ring * n + (k + 1) % n);
        const auto i0 = innerFirst + static_cast<std::uint32_t>(ring * n + k), i1 = innerFirst + static_cast<std::uint32_t>(ring * n + (k + 1) % n);
        if (end == 0) {
          m.triangles.push_back({o0, i1, o1});
          m.triangles.push_back({o0, i0, i1});
        } else {
          m.triangles.push_back({o0, o1, i1});
          m.triangles.push_back({o0, i1, i0});
        }
      }
    }
  } else {
    for (int end = 0; end < 2; ++end) {
      const std::size_t ring = end == 0 ? 0 : last;
      const auto centre = static_cast<std::uint32_t>(m.positions.size());
      m.positions.push_back(path[ring]);
      for (int k = 0; k < n; ++k) {
        const auto a = outerFirst + static_cast<std::uint32_t>(ring * n + k), b = outerFirst + static_cast<std::uint32_t>(ring * n + (k + 1) % n);
        if (end == 0) m.triangles.push_back({centre, b, a});
        else m.triangles.push_back({centre, a, b});
      }
    }
  }
  return m;
}

// Lofts closed rings given at successive sections (each a ring of the same point count, in 3D): side walls between
// consecutive rings, caps at the first and last. Rings run counter-clockwise about the direction of travel, so the
// walls face outwards.
void loftRings(TriMesh& m, const std::vector<std::vector<Eigen::Vector3d>>& rings, bool caps) {
  if (rings.size() < 2) return;
  const std::size_t n = rings.front().size();
  for (std::size_t i = 0; i + 1 < rings.size(); ++i) {
    const auto& a = rings[i];
    const auto& b = rings[i + 1];
    for (std::size_t k = 0; k < n; ++k) {
      const std::size_t k1 = (k + 1) % n;
      const auto base = static_cast<std::uint32_t>(m.positions.size());
      m.positions.insert(m.positions.end(), {a[k], a[k1], b[k1], b[k]});
      m.triangles.push_back({base, base + 1, base + 2});
      m.triangles.push_back({base, base + 2, base + 3});
    }
  }
  if (caps) {
    addFace(m, {rings.front()}, true);  // faces backwards
    addFace(m, {rings.back()}, false);
  }
}

// Outer ring of a profile's first area, counter-clockwise in the profile plane; empty when the profile has none.
// `dropped` counts the inner rings and further areas that a lofted sweep leaves out.
std::vector<Eigen::Vector3d> outerRing(Context& ctx, std::uint64_t profileId, std::size_t& dropped) {
  auto polys = profilePolygons(ctx, profileId);
  if (polys.empty() || polys[0].rings.empty()) return {};
  dropped = polys[0].rings.size() - 1 + (polys.size() - 1);
  auto ring = polys[0].rings[0];
  if (signedArea(ring) < 0) std::reverse(ring.begin(), ring.end());
  return ring;
}

class ShapeBuilder {
 public:
  ShapeBuilder(Context& ctx, const std::unordered_map<std::uint64_t, model::Color>& colors, ShapeStats& stats)
      : ctx_(ctx), colors_(colors), stats_(stats) {}

  // Meshes of one representation item, already in the item's parent frame.
  void item(std::uint64_t id, const Eigen::Affine3d& t, std::vector<TriMesh>& out, int depth,
            std::optional<model::Color> inherited) {
    if (depth > 16) {
      ctx_.report(Severity::Warning, ErrorCode::InvalidElement, id, "representation nested too deeply");
      return;
    }
    Instance it;
    if (!it.load(ctx_.file, id)) {
      ctx_.report(Severity::Warning, ErrorCode::InvalidElement, id, "representation item cannot be read: " + it.error());
      return;
    }
    std::optional<model::Color> color = inherited;
    if (auto c = colors_.find(id); c != colors_.end()) color = c->second;
    const auto& f = ctx_.file;
    const auto& r = it.record();
    if (f.isA(r, names::IfcMappedItem)) {
      auto source = it.ref("MappingSource");
      Instance map;
      if (!source || !map.load(f, *source)) return;
      Eigen::Affine3d origin = Eigen::Affine3d::Identity();
      if (auto o = map.ref("MappingOrigin")) origin = ctx_.file.isA(*f.find(*o), names::IfcPlacement) ? axis2Placement(ctx_, *o) : transformationOperator(ctx_, *o);
      Eigen::Affine3d target = Eigen::Affine3d::Identity();
      if (auto tg = it.ref("MappingTarget")) target = transformationOperator(ctx_, *tg);
      if (auto rep = map.ref("MappedRepresentation")) representation(*rep, t * target * origin, out, depth + 1, color);
      return;
    }
    TriMesh m;
    if (f.isA(r, names::IfcExtrudedAreaSolid)) {
      auto profile = it.ref("SweptArea");
      const double depthInFileUnits = it.real("Depth").value_or(0.0);
      const double depthM = depthInFileUnits * ctx_.units.lengthToMeters;
      Eigen::Vector3d dir = Eigen::Vector3d::UnitZ();
      if (auto d = it.ref("ExtrudedDirection"))
        if (auto v = readDirection(ctx_, *d)) dir = *v;
      if (!profile || !(depthM > 0)) {
        ctx_.report(Severity::Warning, ErrorCode::InvalidElement, id, "extrusion without profile or positive depth");
        return;
      }
      if (!std::isfinite(depthM) || depthInFileUnits > 1e12) {  // the same bound as for point coordinates (readPoint)
        ctx_.report(Severity::Warning, ErrorCode::InvalidElement, id, "extrusion depth is not finite or absurdly large");
        return;
      }
      if (f.isA(r, names::IfcExtrudedAreaSolidTapered)) {
        auto start = profilePolygons(ctx_, *profile);
        auto endId = it.ref("EndSweptArea");
        auto end = endId ? profilePolygons(ctx_, *endId) : std::vector<Polygon>{};
        if (!pairProfiles(start, end)) {
          ctx_.report(Severity::Warning, ErrorCode::InvalidElement, id,
                      "tapered extrusion: start and end profiles do not have matching areas; start profile extruded");
          m = extrude(start, dir * depthM);
        } else {
          m = extrudeTapered(std::move(start), std::move(end), dir * depthM);
        }
      } else {
        m = extrude(profilePolygons(ctx_, *profile), dir * depthM);
      }
      if (auto pos = it.ref("Position")) m = transformed(m, axis2Placement(ctx_, *pos));
    } else if (f.isA(r, names::IfcRevolvedAreaSolid)) {
      auto profile = it.ref("SweptArea");
      auto axisId = it.ref("Axis");
      const double angle = it.real("Angle").value_or(0.0) * ctx_.units.angleToRadians;
      if (!profile || !axisId) return;
      Instance ax;
      if (!ax.load(f, *axisId)) return;
      Eigen::Vector3d o = Eigen::Vector3d::Zero(), a = Eigen::Vector3d::UnitZ();
      if (auto l = ax.ref("Location"))
        if (auto p = readPoint(ctx_, *l)) o = *p;
      if (auto d = ax.ref("Axis"))
        if (auto v = readDirection(ctx_, *d)) a = *v;
      auto start = profilePolygons(ctx_, *profile);
      if (f.isA(r, names::IfcRevolvedAreaSolidTapered)) {
        auto endId = it.ref("EndSweptArea");
        auto end = endId ? profilePolygons(ctx_, *endId) : std::vector<Polygon>{};
        if (pairProfiles(start, end)) {
          m = revolve(ctx_, start, o, a, angle, &end);
        } else {
          ctx_.report(Severity::Warning, ErrorCode::InvalidElement, id,
                      "tapered revolution: start and end profiles do not have matching areas; start profile revolved");
          m = revolve(ctx_, start, o, a, angle);
        }
      } else {
        m = revolve(ctx_, start, o, a, angle);
      }
      if (auto pos = it.ref("Position")) m = transformed(m, axis2Placement(ctx_, *pos));
    } else if (f.isA(r, names::IfcSweptDiskSolid)) {
      auto directrix = it.ref("Directrix");
      const double radius = it.real("Radius").value_or(0.0) * ctx_.units.lengthToMeters;
      const double inner = it.real("InnerRadius").value_or(0.0) * ctx_.units.lengthToMeters;
      if (!directrix) return;
      const auto path = curvePoints(ctx_, *directrix);
      if (path.size() < 2 || !(radius > 0) || !std::isfinite(radius)) {
        ctx_.report(Severity::Warning, ErrorCode::InvalidElement, id,
                    path.size() < 2 ? "swept disk directrix has fewer than 2 points"
                                    : "swept disk radius is not a positive finite length");
        return;
      }
      m = sweepDisk(ctx_, path, radius, inner);
    } else if (f.isA(r, names::IfcSectionedSolidHorizontal)) {
      m = sectionedSolid(it);
    } else if (f.isA(r, names::IfcFixedReferenceSweptAreaSolid) || f.isA(r, names::IfcDirectrixCurveSweptAreaSolid) ||
               f.isA(r, names::IfcSurfaceCurveSweptAreaSolid)) {
      m = directrixSweep(it);
      if (!m.empty())
        if (auto pos = it.ref("Position")) m = transformed(m, axis2Placement(ctx_, *pos));
    } else if (f.isA(r, names::IfcManifoldSolidBrep) || f.isA(r, names::IfcFaceBasedSurfaceModel) || f.isA(r, names::IfcShellBasedSurfaceModel) ||
               f.isA(r, names::IfcClosedShell) || f.isA(r, names::IfcOpenShell) || f.isA(r, names::IfcConnectedFaceSet)) {
      shells(it, m);
    } else if (f.isA(r, names::IfcTriangulatedFaceSet) || f.isA(r, names::IfcPolygonalFaceSet)) {
      faceSet(it, m);
    } else if (f.isA(r, names::IfcBooleanResult)) {
      m = booleanResult(it, depth, color);
    } else if (f.isA(r, names::IfcCsgSolid)) {
      if (auto root = it.ref("TreeRootExpression")) item(*root, t, out, depth + 1, color);
      else ctx_.report(Severity::Warning, ErrorCode::InvalidElement, id, "IfcCsgSolid without TreeRootExpression");
      return;
    } else if (f.isA(r, names::IfcCsgPrimitive3D)) {
      m = csgPrimitive(ctx_, it);
      if (m.empty()) {
        ctx_.report(Severity::Warning, ErrorCode::InvalidElement, id,
                    std::string(it.entity().name) + " has no positive size or is not supported yet");
        return;
      }
      if (auto pos = it.ref("Position")) m = transformed(m, axis2Placement(ctx_, *pos));
    } else if (f.isA(r, names::IfcHalfSpaceSolid)) {
      return;  // only meaningful as a boolean operand
    } else {
      ctx_.report(Severity::Warning, ErrorCode::InvalidElement, id,
                  "representation item " + std::string(it.entity().name) + " is not supported yet");
      return;
    }
    if (m.empty()) {  // the reason, when known, is reported about the part that failed
      ctx_.report(Severity::Warning, ErrorCode::InvalidElement, id,
                  "representation item " + std::string(it.entity().name) + " gives no geometry");
      return;
    }
    m.color = color;
    out.push_back(transformed(m, t));
  }

  // IfcBooleanResult / IfcBooleanClippingResult: the first operand combined with a solid or (bounded) half-space.
  // When the operation cannot be done (an operand that does not bound a volume), the first operand is kept and
  // counted.
  TriMesh booleanResult(const Instance& it, int depth, std::optional<model::Color> color) {
    const auto op = it.enumeration("Operator").value_or("DIFFERENCE");
    if (op == "DIFFERENCE") return differenceChain(it, depth, color);
    std::vector<TriMesh> firstParts;
    if (auto first = it.ref("FirstOperand")) item(*first, Eigen::Affine3d::Identity(), firstParts, depth + 1, color);
    TriMesh first;
    for (const auto& p : firstParts) first.append(p, Eigen::Affine3d::Identity());
    auto secondId = it.ref("SecondOperand");
    if (first.empty() || !secondId) return first;
    Instance second;
    if (!second.load(ctx_.file, *secondId)) return first;
    const auto& f = ctx_.file;
    geometry::BooleanResult result;
    if (f.isA(second.record(), names::IfcHalfSpaceSolid)) {
      if (op != "DIFFERENCE") return keep(it, first, "half-space operands are only supported for DIFFERENCE");
      result = subtractHalfSpace(second, toSolid(first));
    } else {
      std::vector<TriMesh> parts;
      item(*secondId, Eigen::Affine3d::Identity(), parts, depth + 1, color);
      TriMesh other;
      for (const auto& p : parts) other.append(p, Eigen::Affine3d::Identity());
      if (other.empty()) return keep(it, first, "second operand has no geometry");
      const auto kind = op == "UNION"          ? geometry::BooleanOp::Union
                        : op == "INTERSECTION" ? geometry::BooleanOp::Intersection
                                               : geometry::BooleanOp::Difference;
      result = geometry::booleanOperation(toSolid(first), toSolid(other), kind);
    }
    if (!result.ok) return keep(it, first, result.error);
    ++stats_.booleansEvaluated;
    TriMesh out;
    out.positions = std::move(result.mesh.positions);
    out.triangles = std::move(result.mesh.triangles);
    return out;
  }

  // IfcSectionedSolidHorizontal: each cross section stands at its IfcAxis2PlacementLinear on the directrix, profile X
  // along the position's Axis x RefDirection (left, by default) and profile Y along its Axis (up); between two
  // sections the profile points are interpolated linearly by distance along, and placed in the curve frame there.
  // Sections whose outer rings differ in point count cannot be lofted point by point; such spans are reported and
  // left out.
  TriMesh sectionedSolid(const Instance& it) {
    TriMesh m;
    auto directrix = it.ref("Directrix");
    auto curve = directrix ? alignmentCurve(ctx_, *directrix) : nullptr;
    if (!curve) {
      ctx_.report(Severity::Warning, ErrorCode::InvalidElement, it.id(), "sectioned solid: directrix cannot be evaluated");
      return m;
    }
    const auto profiles = it.refs("CrossSections");
    const auto positions = it.refs("CrossSectionPositions");
    if (profiles.size() < 2 || profiles.size() != positions.size()) {
      ctx_.report(Severity::Warning, ErrorCode::InvalidElement, it.id(),
                  "sectioned solid needs as many cross sections as positions, at least two");
      return m;
    }
    struct Station {
      LinearPosition at;
      std::vector<Eigen::Vector3d> ring;
    };
    std::vector<Station> stations;
    std::size_t dropped = 0;
    for (std::size_t i = 0; i < profiles.size(); ++i) {
      auto pos = readLinearPosition(ctx_, positions[i]);
      if (!pos) return m;
      if (pos->curveId != *directrix)
        ctx_.report(Severity::Warning, ErrorCode::InvalidElement, positions[i],
                    "cross-section position measures along another curve than the directrix; its distance is used on the directrix");
      std::size_t d = 0;
      auto ring = outerRing(ctx_, profiles[i], d);
      dropped += d;
      if (ring.size() < 3) {
        ctx_.report(Severity::Warning, ErrorCode::InvalidElement, profiles[i], "cross section gives no area");
        return m;
      }
      stations.push_back({*pos, std::move(ring)});
    }
    if (dropped > 0)
      ctx_.report(Severity::Warning, ErrorCode::InvalidElement, it.id(),
                  "sectioned solid: " + std::to_string(dropped) + " inner ring(s) or extra area(s) of the cross sections are not swept");
    const auto samples = curve->sampleDistances(ctx_.chordTolerance);
    for (std::size_t i = 0; i + 1 < stations.size(); ++i) {
      const auto& a = stations[i];
      const auto& b = stations[i + 1];
      if (a.ring.size() != b.ring.size()) {
        ctx_.report(Severity::Warning, ErrorCode::InvalidElement, it.id(),
                    "cross sections " + std::to_string(i + 1) + " and " + std::to_string(i + 2) + " have " +
                        std::to_string(a.ring.size()) + " and " + std::to_string(b.ring.size()) +
                        " points; the span between them cannot be lofted and is left out");
        continue;
      }
      const double d0 = a.at.distance, d1 = b.at.distance;
      if (!(d1 > d0)) {
        ctx_.report(Severity::Warning, ErrorCode::InvalidElement, it.id(), "cross-section positions do not increase along the directrix");
        continue;
      }
      std::vector<double> ds{d0};
      for (double d : samples)
        if (d > d0 + 1e-6 && d < d1 - 1e-6) ds.push_back(d);
      ds.push_back(d1);
      std::vector<std::vector<Eigen::Vector3d>> rings;
      for (double d : ds) {
        const double f = (d - d0) / (d1 - d0);
        const CurveFrame frame = curve->frameAt(d);
        const Eigen::Vector3d offset = (1 - f) * a.at.offset + f * b.at.offset;
        const Eigen::Matrix3d axes = frame.axes * (f < 0.5 ? a.at.local : b.at.local);
        const Eigen::Vector3d origin = frame.point + frame.axes * offset;
        std::vector<Eigen::Vector3d> ring;
        ring.reserve(a.ring.size());
        for (std::size_t k = 0; k < a.ring.size(); ++k) {
          const Eigen::Vector3d p = (1 - f) * a.ring[k] + f * b.ring[k];
          ring.push_back(origin + axes.col(1) * p.x() + axes.col(2) * p.y());
        }
        rings.push_back(std::move(ring));
      }
      TriMesh span;
      loftRings(span, rings, true);
      m.append(span, Eigen::Affine3d::Identity());
    }
    return m;
  }

  // IfcFixedReferenceSweptAreaSolid (and its abstract supertype written as such): the profile swept along the
  // directrix with profile X along FixedReference projected normal to the tangent and profile Y = tangent x X (the
  // IFC4 definition). StartParam/EndParam are honoured as distances along IFC4X3 alignment directrices only.
  TriMesh directrixSweep(const Instance& it) {
    TriMesh m;
    auto directrix = it.ref("Directrix");
    auto profile = it.ref("SweptArea");
    if (!directrix || !profile) return m;
    std::vector<Eigen::Vector3d> path;
    std::vector<Eigen::Vector3d> tangents;
    if (isSegmentedCurve(ctx_, *directrix)) {
      auto curve = alignmentCurve(ctx_, *directrix);
      if (!curve) return m;
      const double s = ctx_.units.lengthToMeters;
      double d0 = 0, d1 = curve->length();
      if (auto v = it.real("StartParam")) d0 = *v * s;
      if (auto v = it.real("EndParam")) d1 = *v * s;
      std::vector<double> ds{d0};
      for (double d : curve->sampleDistances(ctx_.chordTolerance))
        if (d > d0 + 1e-6 && d < d1 - 1e-6) ds.push_back(d);
      ds.push_back(d1);
      for (double d : ds) {
        const CurveFrame f = curve->frameAt(d);
        path.push_back(f.point);
        tangents.push_back(f.axes.col(0));
      }
    } else {
      if (it.get("StartParam") && it.get("StartParam")->kind != ValueKind::Null)
        ctx_.report(Severity::Warning, ErrorCode::InvalidElement, it.id(),
                    "StartParam/EndParam on a non-alignment directrix are ignored; the whole directrix is swept");
      path = curvePoints(ctx_, *directrix);
      for (std::size_t i = 0; i < path.size(); ++i) {
        const Eigen::Vector3d prev = i > 0 ? Eigen::Vector3d((path[i] - path[i - 1]).normalized()) : Eigen::Vector3d::Zero();
        const Eigen::Vector3d next = i + 1 < path.size() ? Eigen::Vector3d((path[i + 1] - path[i]).normalized()) : Eigen::Vector3d::Zero();
        const Eigen::Vector3d t = prev + next;
        tangents.push_back(t.norm() > 1e-12 ? Eigen::Vector3d(t.normalized()) : (next.norm() > 0 ? next : prev));
      }
    }
    if (path.size() < 2) {
      ctx_.report(Severity::Warning, ErrorCode::InvalidElement, it.id(), "swept solid: directrix gives fewer than two points");
      return m;
    }
    Eigen::Vector3d ref = Eigen::Vector3d::UnitX();
    if (auto fr = it.ref("FixedReference"))
      if (auto d = readDirection(ctx_, *fr)) ref = *d;
    if (ctx_.file.isA(it.record(), names::IfcSurfaceCurveSweptAreaSolid)) {
      // The profile's x axis follows the reference surface's normal; for a plane that is one fixed direction.
      Instance surface;
      auto sid = it.ref("ReferenceSurface");
      if (!sid || !surface.load(ctx_.file, *sid) || !ctx_.file.isA(surface.record(), names::IfcPlane)) {
        ctx_.report(Severity::Warning, ErrorCode::InvalidElement, it.id(),
                    "surface-curve sweep: only an IfcPlane reference surface is supported");
        return m;
      }
      ref = Eigen::Vector3d::UnitZ();
      if (auto pos = surface.ref("Position")) ref = axis2Placement(ctx_, *pos).linear().col(2);
    }
    std::size_t dropped = 0;
    const auto ring = outerRing(ctx_, *profile, dropped);
    if (ring.size() < 3) return m;
    if (dropped > 0)
      ctx_.report(Severity::Warning, ErrorCode::InvalidElement, it.id(),
                  std::to_string(dropped) + " inner ring(s) or extra area(s) of the swept profile are not swept");
    std::vector<std::vector<Eigen::Vector3d>> rings;
    for (std::size_t i = 0; i < path.size(); ++i) {
      const Eigen::Vector3d& t = tangents[i];
      Eigen::Vector3d x = ref - ref.dot(t) * t;
      if (x.norm() < 1e-9) x = t.unitOrthogonal();
      x.normalize();
      const Eigen::Vector3d y = t.cross(x);
      std::vector<Eigen::Vector3d> r;
      for (const auto& p : ring) r.push_back(path[i] + x * p.x() + y * p.y());
      rings.push_back(std::move(r));
    }
    loftRings(m, rings, true);
    return m;
  }

  // A - B1 - B2 - ... as exporters write it: one IfcBooleanResult per cut, each the first operand of the next.
  // Flattened, since differences commute: solid cutters first, all at once (boxes through a box-shaped base take the
  // exact fast path, the rest one corefinement pass), then half-spaces. A cutter that cannot be subtracted is
  // reported on its own boolean and skipped; the others still apply.
  TriMesh differenceChain(const Instance& top, int depth, std::optional<model::Color> color) {
    const auto& f = ctx_.file;
    struct Cut {
      std::uint64_t boolean, operand;
    };
    std::vector<Cut> cuts;
    std::uint64_t baseId = 0;
    std::unordered_set<std::uint64_t> seen;
    Instance b;
    bool cyclic = false;
    for (std::uint64_t cur = top.id();;) {
      if (!seen.insert(cur).second) {
        cyclic = true;
        break;
      }
      if (!b.load(f, cur)) break;
      auto first = b.ref("FirstOperand");
      if (auto second = b.ref("SecondOperand")) cuts.push_back({cur, *second});
      if (!first) break;
      const EntityRecord* fr = f.find(*first);
      Instance inner;
      if (fr && f.isA(*fr, names::IfcBooleanResult) && inner.load(f, *fr) &&
          inner.enumeration("Operator").value_or("DIFFERENCE") == "DIFFERENCE") {
        cur = *first;
        continue;
      }
      baseId = *first;
      break;
    }
    if (!baseId) {
      ctx_.report(Severity::Warning, ErrorCode::InvalidElement, top.id(),
                  cyclic ? "boolean operands are cyclically nested (a boolean is its own operand)"
                         : "boolean without a readable first operand");
      return {};
    }
    std::vector<TriMesh> baseParts;
    item(baseId, Eigen::Affine3d::Identity(), baseParts, depth + 1, color);
    TriMesh first;
    for (const auto& p : baseParts) first.append(p, Eigen::Affine3d::Identity());
    if (first.empty()) return first;

    std::vector<geometry::SolidMesh> cutters;
    std::vector<std::uint64_t> cutterBoolean;
    std::vector<std::pair<std::uint64_t, Instance>> halfSpaces;
    for (const auto& c : cuts) {
      Instance second;
      if (!second.load(f, c.operand)) {
        keep(c.boolean, {}, "second operand cannot be read");
        continue;
      }
      if (f.isA(second.record(), names::IfcHalfSpaceSolid)) {
        halfSpaces.emplace_back(c.boolean, std::move(second));
        continue;
      }
      std::vector<TriMesh> parts;
      item(c.operand, Eigen::Affine3d::Identity(), parts, depth + 1, color);
      TriMesh other;
      for (const auto& p : parts) other.append(p, Eigen::Affine3d::Identity());
      if (other.empty()) {
        keep(c.boolean, {}, "second operand has no geometry");
        continue;
      }
      cutters.push_back(toSolid(other));
      cutterBoolean.push_back(c.boolean);
    }
    geometry::SolidMesh current = toSolid(first);
    if (!cutters.empty()) {
      std::vector<std::size_t> rest;
      if (auto fast = geometry::subtractAlignedBoxes(current, cutters); fast.applied) {
        current = std::move(fast.mesh);
        stats_.booleansEvaluated += fast.handled;
        rest = std::move(fast.rest);
      } else {
        for (std::size_t i = 0; i < cutters.size(); ++i) rest.push_back(i);
      }
      // The rest one at a time, so that each failure is reported on its own boolean and the others still apply.
      for (auto i : rest) {
        auto r = geometry::booleanOperation(current, cutters[i], geometry::BooleanOp::Difference);
        if (!r.ok) {
          keep(cutterBoolean[i], {}, r.error);
          continue;
        }
        ++stats_.booleansEvaluated;
        current = std::move(r.mesh);
      }
    }
    for (const auto& [booleanId, hs] : halfSpaces) {
      auto r = subtractHalfSpace(hs, current);
      if (!r.ok) {
        keep(booleanId, {}, r.error);
        continue;
      }
      ++stats_.booleansEvaluated;
      current = std::move(r.mesh);
    }
    TriMesh out;
    out.positions = std::move(current.positions);
    out.triangles = std::move(current.triangles);
    return out;
  }

  TriMesh keep(const Instance& it, TriMesh first, const std::string& why) { return keep(it.id(), std::move(first), why); }
  // Reports boolean `id` as not applied and counts it; returns the first operand unchanged.
  TriMesh keep(std::uint64_t id, TriMesh first, const std::string& why) {
    ++stats_.booleanOperandsKept;
    ctx_.report(Severity::Warning, ErrorCode::InvalidElement, id, "boolean not applied (" + why + "); first operand kept");
    return first;
  }

  static geometry::SolidMesh toSolid(const TriMesh& m) { return {m.positions, m.triangles}; }

  // Removes an IfcHalfSpaceSolid (AgreementFlag TRUE: the material is on the side the plane normal points away
  // from) or an IfcPolygonalBoundedHalfSpace (that half-space limited to a prism over a boundary polygon).
  geometry::BooleanResult subtractHalfSpace(const Instance& hs, const geometry::SolidMesh& host) {
    geometry::BooleanResult fail;
    auto planeId = hs.ref("BaseSurface");
    Instance plane;
    if (!planeId || !plane.load(ctx_.file, *planeId) || !ctx_.file.isA(plane.record(), names::IfcPlane)) {
      fail.error = "half-space base surface is not an IfcPlane";
      return fail;
    }
    Eigen::Affine3d planeFrame = Eigen::Affine3d::Identity();
    if (auto pos = plane.ref("Position")) planeFrame = axis2Placement(ctx_, *pos);
    const Eigen::Vector3d point = planeFrame.translation();
    Eigen::Vector3d normal = planeFrame.linear().col(2);
    const bool agreement = hs.enumeration("AgreementFlag").value_or("T") != "F";
    // Material of the half-space: opposite the normal when AgreementFlag is TRUE.
    const Eigen::Vector3d towardsMaterial = agreement ? Eigen::Vector3d(-normal) : normal;
    if (!ctx_.file.isA(hs.record(), names::IfcPolygonalBoundedHalfSpace)) {
      // Keep what is not material: clipByPlane keeps the side opposite the given normal.
      return geometry::clipByPlane(host, point, towardsMaterial);
    }
    // Bounded: a prism over the boundary, long enough to pass through the host, clipped to the material side.
    Eigen::Affine3d frame = Eigen::Affine3d::Identity();
    if (auto pos = hs.ref("Position")) frame = axis2Placement(ctx_, *pos);
    auto boundaryId = hs.ref("PolygonalBoundary");
    if (!boundaryId) {
      fail.error = "bounded half-space without boundary";
      return fail;
    }
    Polygon boundary;
    auto ring = curvePoints(ctx_, *boundaryId);
    while (ring.size() > 1 && (ring.front() - ring.back()).norm() < 1e-9) ring.pop_back();
    if (ring.size() < 3) {
      fail.error = "half-space boundary has fewer than 3 points";
      return fail;
    }
    boundary.rings.push_back(ring);
    double reach = 1.0;
    const Eigen::Affine3d inv = frame.inverse();
    for (const auto& p : host.positions) reach = std::max(reach, (inv * p).cwiseAbs().maxCoeff());
    reach *= 2.0;
    TriMesh prism = extrude({boundary}, Eigen::Vector3d(0, 0, 2 * reach));
    for (auto& p : prism.positions) p = frame * Eigen::Vector3d(p + Eigen::Vector3d(0, 0, -reach));
    auto material = geometry::clipByPlane(toSolid(prism), point, -towardsMaterial);
    if (!material.ok) return material;
    if (material.mesh.triangles.empty()) {  // the prism lies entirely outside the half-space: nothing to remove
      geometry::BooleanResult same;
      same.ok = true;
      same.mesh = host;
      return same;
    }
    return geometry::booleanOperation(host, material.mesh, geometry::BooleanOp::Difference);
  }

  void representation(std::uint64_t repId, const Eigen::Affine3d& t, std::vector<TriMesh>& out, int depth,
                      std::optional<model::Color> color) {
    Instance rep;
    if (!rep.load(ctx_.file, repId)) return;
    for (auto itemId : rep.refs("Items")) item(itemId, t, out, depth + 1, color);
  }

 private:
  static TriMesh transformed(const TriMesh& m, const Eigen::Affine3d& t) {
    TriMesh out;
    out.append(m, t);
    out.color = m.color;
    return out;
  }

  void face(std::uint64_t faceId, TriMesh& m) {
    // Reused per thread (face() does not recurse): breps have a face, bound and loop per triangle or quad.
    thread_local Instance face, bound, loop;
    if (!face.load(ctx_.file, faceId)) return;
    if (ctx_.file.isA(face.record(), names::IfcFaceSurface)) {  // IfcAdvancedFace and faces on curved surfaces
      surfaceFace(ctx_, faceId, m);
      return;
    }
    std::vector<std::vector<Eigen::Vector3d>> rings;
    int outer = -1;
    for (auto boundId : face.refs("Bounds")) {
      if (!bound.load(ctx_.file, boundId)) continue;
      auto loopId = bound.ref("Bound");
      if (!loopId || !loop.load(ctx_.file, *loopId)) continue;
      std::vector<Eigen::Vector3d> ring;
      if (ctx_.file.isA(loop.record(), names::IfcPolyLoop)) {
        for (auto pid : loop.refs("Polygon"))
          if (auto p = readPoint(ctx_, pid)) ring.push_back(*p);
      } else {
        ring = loopPoints(ctx_, *loopId);  // edge loops; other loop types are reported there
      }
      if (bound.enumeration("Orientation").value_or("T") == "F") std::reverse(ring.begin(), ring.end());
      if (ring.size() < 3) continue;
      if (ctx_.file.isA(bound.record(), names::IfcFaceOuterBound) && outer < 0) outer = static_cast<int>(rings.size());
      rings.push_back(std::move(ring));
    }
    if (rings.empty()) return;
    if (outer > 0) std::swap(rings[0], rings[static_cast<std::size_t>(outer)]);
    addFace(m, rings);
  }

  void shells(const Instance& it, TriMesh& m) {
    const auto& f = ctx_.file;
    std::vector<std::uint64_t> shellIds;
    if (f.isA(it.record(), names::IfcManifoldSolidBrep)) {  // faceted and advanced B-reps, with voids or not
      if (auto o = it.ref("Outer")) shellIds.push_back(*o);
      for (auto v : it.refs("Voids")) shellIds.push_back(v);
    } else if (f.isA(it.record(), names::IfcFaceBasedSurfaceModel)) {
      shellIds = it.refs("FbsmFaces");
    } else if (f.isA(it.record(), names::IfcShellBasedSurfaceModel)) {
      shellIds = it.refs("SbsmBoundary");
    } else {
      shellIds.push_back(it.id());
    }
    for (auto sid : shellIds) {
      Instance shell;
      if (!shell.load(f, sid)) continue;
      for (auto fid : shell.refs("CfsFaces")) face(fid, m);
    }
  }

  void faceSet(const Instance& it, TriMesh& m) {
    auto coordsId = it.ref("Coordinates");
    if (!coordsId) return;
    const std::vector<Eigen::Vector3d> pts = pointList(ctx_, *coordsId);
    if (pts.empty()) return;
    // PnIndex (optional) maps the face set's indices to coordinate rows.
    std::vector<std::int64_t> pn;
    for (const auto& v : it.list("PnIndex"))
      if (v.kind == ValueKind::Integer) pn.push_back(v.integer);
    auto point = [&](std::int64_t i) -> std::optional<Eigen::Vector3d> {
      if (!pn.empty()) {
        if (i < 1 || static_cast<std::size_t>(i) > pn.size()) return std::nullopt;
        i = pn[static_cast<std::size_t>(i - 1)];
      }
      if (i < 1 || static_cast<std::size_t>(i) > pts.size()) return std::nullopt;
      return pts[static_cast<std::size_t>(i - 1)];
    };
    std::size_t bad = 0;
    auto ringOf = [&](const Instance& holder, const Value& list) {
      std::vector<Eigen::Vector3d> ring;
      for (const auto& v : holder.children(list)) {
        auto p = v.kind == ValueKind::Integer ? point(v.integer) : std::nullopt;
        if (!p) {
          ++bad;
          return std::vector<Eigen::Vector3d>{};
        }
        ring.push_back(*p);
      }
      return ring;
    };
    if (ctx_.file.isA(it.record(), names::IfcTriangulatedFaceSet)) {
      for (const auto& tri : it.list("CoordIndex")) {
        auto ring = ringOf(it, tri);
        if (ring.size() != 3) continue;
        const auto base = static_cast<std::uint32_t>(m.positions.size());
        m.positions.insert(m.positions.end(), ring.begin(), ring.end());
        m.triangles.push_back({base, base + 1, base + 2});
      }
    } else {
      for (auto faceId : it.refs("Faces")) {
        Instance face;
        if (!face.load(ctx_.file, faceId)) continue;
        std::vector<std::vector<Eigen::Vector3d>> rings;
        if (const Value* outer = face.get("CoordIndex")) rings.push_back(ringOf(face, *outer));
        for (const auto& inner : face.list("InnerCoordIndices")) rings.push_back(ringOf(face, inner));
        if (!rings.empty() && rings[0].size() >= 3) addFace(m, rings);
      }
    }
    if (bad > 0)
      ctx_.report(Severity::Warning, ErrorCode::InvalidElement, it.id(),
                  std::to_string(bad) + " face(s) refer to coordinates that do not exist; skipped");
  }

  Context& ctx_;
  const std::unordered_map<std::uint64_t, model::Color>& colors_;
  ShapeStats& stats_;
};

std::optional<model::Color> colourOfStyle(const IfcFile& f, std::uint64_t styleId, int depth) {
  if (depth > 6) return std::nullopt;
  Instance s;
  if (!s.load(f, styleId)) return std::nullopt;
  if (f.isA(s.record(), names::IfcSurfaceStyle) || f.isA(s.record(), names::IfcPresentationStyleAssignment)) {
    for (auto sub : s.refs("Styles"))
      if (auto c = colourOfStyle(f, sub, depth + 1)) return c;
    return std::nullopt;
  }
  if (f.isA(s.record(), names::IfcSurfaceStyleShading)) {
    auto colourId = s.ref("SurfaceColour");
    Instance c;
    if (!colourId || !c.load(f, *colourId)) return std::nullopt;
    model::Color col;
    col.r = static_cast<float>(std::clamp(c.real("Red").value_or(0.8), 0.0, 1.0));
    col.g = static_cast<float>(std::clamp(c.real("Green").value_or(0.8), 0.0, 1.0));
    col.b = static_cast<float>(std::clamp(c.real("Blue").value_or(0.8), 0.0, 1.0));
    // IFC4: Transparency on IfcSurfaceStyleShading; IFC2X3: on IfcSurfaceStyleRendering (a subtype).
    col.a = static_cast<float>(1.0 - std::clamp(s.real("Transparency").value_or(0.0), 0.0, 1.0));
    return col;
  }
  return std::nullopt;
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

std::unordered_map<std::uint64_t, model::Color> readItemColors(const IfcFile& file) {
  std::unordered_map<std::uint64_t, model::Color> colors;
  for (const auto* r : file.instancesOf(names::IfcStyledItem)) {
    Instance s;
    if (!s.load(file, *r)) continue;
    auto item = s.ref("Item");
    if (!item) continue;
    for (auto style : s.refs("Styles"))
      if (auto c = colourOfStyle(file, style, 0)) {
        colors.emplace(*item, *c);
        break;
      }
  }
  return colors;
}

std::vector<TriMesh> productShapes(Context& ctx, std::uint64_t representationId,
                                   const std::unordered_map<std::uint64_t, model::Color>& colors, ShapeStats& stats,
                                   bool* drawnAxis) {
  std::vector<TriMesh> out;
  if (drawnAxis) *drawnAxis = false;
  Instance shape;
  if (!shape.load(ctx.file, representationId)) {
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, representationId,
               "product representation cannot be read: " + shape.error());
    return out;
  }
  if (!ctx.file.isA(shape.record(), names::IfcProductRepresentation)) {
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, representationId,
               "Representation is an " + std::string(shape.entity().name) + ", not an IfcProductRepresentation");
    return out;
  }
  // Pick the body: "Body", else "Facetation"/"Mesh", else the first representation with 3D solid or surface items.
  std::uint64_t chosen = 0;
  int bestRank = 99;
  for (auto repId : shape.refs("Representations")) {
    Instance rep;
    if (!rep.load(ctx.file, repId)) continue;
    const std::string ident = rep.text("RepresentationIdentifier").value_or("");
    const std::string type = rep.text("RepresentationType").value_or("");
    int rank = 99;
    if (ident == "Body") rank = 0;
    else if (ident == "Facetation" || ident == "Mesh") rank = 1;
    else if (ident != "Axis" && ident != "FootPrint" && ident != "Box" && ident != "Annotation" && ident != "Profile" &&
             ident != "Reference" && ident != "Clearance" && ident != "CoG" && ident != "Surface" &&
             (type == "SweptSolid" || type == "Brep" || type == "SurfaceModel" || type == "Tessellation" ||
              type == "MappedRepresentation" || type == "CSG" || type == "Clipping" || type == "AdvancedSweptSolid" ||
              type == "AdvancedBrep" || type == "SolidModel"))
      rank = 2;
    else if (ident == "Axis" && type == "Curve3D") rank = 3;  // an alignment's gradient curve: drawn as a thin tube
    if (rank < bestRank) {
      bestRank = rank;
      chosen = repId;
    }
  }
  if (!chosen) return out;
  if (bestRank >= 3) {
    // Nothing but an axis (IfcAlignment, a road or rail centreline): drawn as a tube of kAxisTubeRadius, so that
    // triangle-only outputs (glTF, 3D Tiles) show where it runs. The caller labels such elements.
    Instance rep;
    if (!rep.load(ctx.file, chosen)) return out;
    for (auto item : rep.refs("Items")) {
      auto pts = curvePoints(ctx, item);
      if (pts.size() < 2) continue;
      TriMesh m = sweepDisk(ctx, pts, kAxisTubeRadius, 0.0);
      if (auto c = colors.find(item); c != colors.end()) m.color = c->second;
      if (!m.empty()) out.push_back(std::move(m));
    }
    if (drawnAxis) *drawnAxis = !out.empty();
    return out;
  }
  ShapeBuilder builder(ctx, colors, stats);
  builder.representation(chosen, Eigen::Affine3d::Identity(), out, 0, std::nullopt);
  return out;
}

}  // namespace cim::io::ifc
