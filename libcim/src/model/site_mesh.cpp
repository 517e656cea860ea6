// Meshes of the parametric site shapes (prisms, vertical cylinders, ellipsoids, tubes, octahedron markers) and the
// elements made of them.

#include <algorithm>
#include <cmath>
#include <numbers>

#include <Eigen/Geometry>

#include "cim/geometry/triangulate.h"
#include "cim/model/element.h"
#include "cim/model/site.h"
#include "core/limits.h"

namespace cim::model {

namespace {

using Eigen::Vector2d;
using Eigen::Vector3d;
constexpr double kPi = std::numbers::pi;

// Segments of a full circle of radius r whose inscribed polygon deviates at most `tol` from it; a multiple of 4, so
// the circle's extreme points along its two axes are vertices (bounding boxes come out exact).
int circleSegments(double r, double tol) {
  if (!(r > 0) || !(tol > 0) || tol >= r) return 8;
  const double n = std::ceil(kPi / std::acos(1.0 - tol / r) / 4.0) * 4.0;
  return cim::detail::clampToInt(n, 8, 256);
}

// Builds a mesh around a world origin; positions are stored relative to it.
struct Builder {
  geometry::Mesh mesh;
  explicit Builder(const Vector3d& origin) { mesh.origin = origin; }
  std::uint32_t vertex(const Vector3d& world) {
    mesh.positions.push_back((world - mesh.origin).cast<float>());
    return static_cast<std::uint32_t>(mesh.positions.size() - 1);
  }
  void triangle(std::uint32_t a, std::uint32_t b, std::uint32_t c) { mesh.indices.insert(mesh.indices.end(), {a, b, c}); }
  // A flat triangle/quad with its own vertices (sharp edges), counter-clockwise seen from outside.
  void face(std::initializer_list<Vector3d> points) {
    std::vector<std::uint32_t> idx;
    for (const auto& p : points) idx.push_back(vertex(p));
    for (std::size_t i = 1; i + 1 < idx.size(); ++i) triangle(idx[0], idx[i], idx[i + 1]);
  }
  geometry::Mesh finish() {
    geometry::computeNormals(mesh);
    return std::move(mesh);
  }
};

// Caps and walls, each face with vertices of its own (sharp edges), every array sized once: footprints make a hundred
// thousand of these per file. No normals are stored: with a face's own vertices the writers' computed normals are the
// faces' (up, down, each wall's outward horizontal), and the scene is 13 % smaller without them (its memory, first
// touched, was most of the time of reading 100,000 footprints).
geometry::Mesh prismMesh(const SitePrism& s) {
  if (s.rings.empty() || s.rings[0].size() < 3) return {};
  // Outer ring counter-clockwise, holes clockwise, so wall quads (a, b, b', a') face outward. Readers mostly give them
  // so already (footprints do): copied only when one must turn.
  std::vector<std::vector<Vector2d>> turned;
  std::size_t corners = 0;
  for (std::size_t i = 0; i < s.rings.size(); ++i) {
    corners += s.rings[i].size();
    if ((geometry::signedArea(s.rings[i]) > 0) == (i == 0)) continue;
    if (turned.empty()) turned = s.rings;
    std::reverse(turned[i].begin(), turned[i].end());
  }
  const auto& rings = turned.empty() ? s.rings : turned;
  const auto tris = geometry::triangulatePolygon(rings);
  geometry::Mesh m;
  m.origin = {rings[0][0].x(), rings[0][0].y(), s.bottomElevation};
  m.positions.reserve(6 * corners);
  m.indices.reserve(6 * tris.size() + 6 * corners);
  const float top = static_cast<float>(s.topElevation - s.bottomElevation);
  auto vertex = [&](const Vector2d& p, float z) {
    m.positions.emplace_back(static_cast<float>(p.x() - m.origin.x()), static_cast<float>(p.y() - m.origin.y()), z);
    return static_cast<std::uint32_t>(m.positions.size() - 1);
  };
  for (const auto& r : rings)
    for (const auto& p : r) vertex(p, top);
  for (const auto& r : rings)
    for (const auto& p : r) vertex(p, 0.0f);
  const auto bottom = static_cast<std::uint32_t>(corners);
  for (const auto& t : tris) m.indices.insert(m.indices.end(), {t[0], t[1], t[2]});
  for (const auto& t : tris) m.indices.insert(m.indices.end(), {bottom + t[0], bottom + t[2], bottom + t[1]});
  for (const auto& ring : rings)
    for (std::size_t i = 0, n = ring.size(); i < n; ++i) {
      const Vector2d& p = ring[i];
      const Vector2d& q = ring[(i + 1) % n];
      const Vector2d d = q - p;
      if (d.norm() == 0) continue;
      const auto a = vertex(p, 0.0f), b = vertex(q, 0.0f), c = vertex(q, top), e = vertex(p, top);
      m.indices.insert(m.indices.end(), {a, b, c, a, c, e});
    }
  return m;
}

geometry::Mesh cylinderMesh(const SiteCylinder& s, double tol) {
  const int n = circleSegments(s.radiusMeters, tol);
  Builder b({s.axis.x(), s.axis.y(), s.bottomElevation});
  auto at = [&](int k, double z) {
    const double a = 2.0 * kPi * k / n;
    return Vector3d(s.axis.x() + s.radiusMeters * std::cos(a), s.axis.y() + s.radiusMeters * std::sin(a), z);
  };
  // Side: shared vertices around (smooth normals); caps: their own vertices (sharp rim).
  std::vector<std::uint32_t> lo, hi;
  for (int k = 0; k < n; ++k) {
    lo.push_back(b.vertex(at(k, s.bottomElevation)));
    hi.push_back(b.vertex(at(k, s.topElevation)));
  }
  for (int k = 0; k < n; ++k) {
    const int k1 = (k + 1) % n;
    b.triangle(lo[k], lo[k1], hi[k1]);
    b.triangle(lo[k], hi[k1], hi[k]);
  }
  const auto cTop = b.vertex({s.axis.x(), s.axis.y(), s.topElevation});
  const auto cBot = b.vertex({s.axis.x(), s.axis.y(), s.bottomElevation});
  std::vector<std::uint32_t> capTop, capBot;
  for (int k = 0; k < n; ++k) {
    capTop.push_back(b.vertex(at(k, s.topElevation)));
    capBot.push_back(b.vertex(at(k, s.bottomElevation)));
  }
  for (int k = 0; k < n; ++k) {
    const int k1 = (k + 1) % n;
    b.triangle(cTop, capTop[k], capTop[k1]);
    b.triangle(cBot, capBot[k1], capBot[k]);
  }
  return b.finish();
}

geometry::Mesh ellipsoidMesh(const SiteEllipsoid& s, double tol) {
  const int slices = circleSegments(s.semiAxesMeters.head<2>().maxCoeff(), tol);
  const int stacks = std::max(4, circleSegments(s.semiAxesMeters.maxCoeff(), tol) / 2);
  Builder b(s.center);
  const auto& e = s.semiAxesMeters;
  std::vector<std::uint32_t> grid;
  const auto southPole = b.vertex(s.center - Vector3d(0, 0, e.z()));
  for (int i = 1; i < stacks; ++i) {
    const double phi = -kPi / 2 + kPi * i / stacks;
    for (int k = 0; k < slices; ++k) {
      const double a = 2.0 * kPi * k / slices;
      grid.push_back(b.vertex(s.center + Vector3d(e.x() * std::cos(phi) * std::cos(a),
                                                  e.y() * std::cos(phi) * std::sin(a), e.z() * std::sin(phi))));
    }
  }
  const auto northPole = b.vertex(s.center + Vector3d(0, 0, e.z()));
  auto g = [&](int i, int k) { return grid[(i - 1) * slices + (k % slices)]; };
  for (int k = 0; k < slices; ++k) {
    b.triangle(southPole, g(1, k + 1), g(1, k));
    b.triangle(northPole, g(stacks - 1, k), g(stacks - 1, k + 1));
  }
  for (int i = 1; i + 1 < stacks; ++i)
    for (int k = 0; k < slices; ++k) {
      b.triangle(g(i, k), g(i, k + 1), g(i + 1, k + 1));
      b.triangle(g(i, k), g(i + 1, k + 1), g(i + 1, k));
    }
  return b.finish();
}

// A unit vector perpendicular to d, horizontal when d is not vertical.
Vector3d perpendicular(const Vector3d& d) {
  Vector3d u = Vector3d::UnitZ().cross(d);
  if (u.norm() < 1e-9 * d.norm()) u = Vector3d::UnitX().cross(d);
  return u.normalized();
}

// A hemispherical cap beyond a tube's end: latitude rings shrinking towards a pole, from the end's ring `base` (n
// vertices on the circle of radius r around `end` in the plane across `d`, starting at `u`); `sign` +1 beyond the
// last point (along d), -1 before the first.
void addCap(Builder& b, const Vector3d& end, const Vector3d& d, const Vector3d& u, double r, int n,
            const std::vector<std::uint32_t>& base, double sign) {
  const Vector3d w = d.cross(u);
  const int stacks = std::max(2, n / 4);
  std::vector<std::uint32_t> prev = base;
  for (int i = 1; i <= stacks; ++i) {
    const double phi = kPi / 2 * i / stacks;
    std::vector<std::uint32_t> cur;
    if (i == stacks) {
      cur.assign(n, b.vertex(end + sign * r * d));
    } else {
      const Vector3d centre = end + sign * r * std::sin(phi) * d;
      for (int k = 0; k < n; ++k) {
        const double a = 2.0 * kPi * k / n;
        cur.push_back(b.vertex(centre + r * std::cos(phi) * (std::cos(a) * u + std::sin(a) * w)));
      }
    }
    for (int k = 0; k < n; ++k) {
      const int k1 = (k + 1) % n;
      if (sign > 0) {  // moving along +d, wound like the body
        b.triangle(prev[k], cur[k1], cur[k]);
        b.triangle(prev[k], prev[k1], cur[k1]);
      } else {  // moving along -d: the other way round
        b.triangle(prev[k], cur[k], cur[k1]);
        b.triangle(prev[k], cur[k1], prev[k1]);
      }
    }
    prev = std::move(cur);
  }
}

geometry::Mesh tubeMesh(const SiteTube& s, double tol) {
  // Drop repeated points; a tube needs at least one leg.
  std::vector<Vector3d> pts;
  for (const auto& p : s.polyline)
    if (pts.empty() || (p - pts.back()).norm() > 1e-9) pts.push_back(p);
  if (pts.size() < 2 || !(s.radiusMeters > 0)) return {};
  const int n = circleSegments(s.radiusMeters, tol);
  const double r = s.radiusMeters;
  Builder b(pts.front());
  std::vector<Vector3d> dirs;
  for (std::size_t i = 1; i < pts.size(); ++i) dirs.push_back((pts[i] - pts[i - 1]).normalized());

  // Frames carried along the legs by the rotation that takes one leg direction to the next (no twist).
  std::vector<Vector3d> us{perpendicular(dirs[0])};
  for (std::size_t i = 1; i < dirs.size(); ++i) {
    const Eigen::Quaterniond q = Eigen::Quaterniond::FromTwoVectors(dirs[i - 1], dirs[i]);
    us.push_back((q * us.back()).normalized());
  }
  auto circlePoint = [&](std::size_t leg, const Vector3d& centre, int k, double scale) {
    const Vector3d& d = dirs[leg];
    const Vector3d u = us[leg], w = d.cross(u);
    const double a = 2.0 * kPi * k / n;
    return Vector3d(centre + scale * (std::cos(a) * u + std::sin(a) * w));
  };
  // One ring per polyline vertex: the circle of the incoming leg projected along it onto the mitre plane.
  std::vector<std::vector<std::uint32_t>> rings;
  for (std::size_t v = 0; v < pts.size(); ++v) {
    std::vector<std::uint32_t> ring;
    const std::size_t leg = v == 0 ? 0 : v - 1;
    const Vector3d& d = dirs[leg];
    Vector3d normal = d;
    if (v > 0 && v + 1 < pts.size()) {
      normal = dirs[v - 1] + dirs[v];
      if (normal.norm() < 1e-9) normal = d;  // a full reversal: no sensible mitre
      normal.normalize();
    }
    for (int k = 0; k < n; ++k) {
      Vector3d q = circlePoint(leg, pts[v], k, r);
      q -= d * ((q - pts[v]).dot(normal) / d.dot(normal));
      ring.push_back(b.vertex(q));
    }
    rings.push_back(std::move(ring));
  }
  for (std::size_t v = 0; v + 1 < rings.size(); ++v)
    for (int k = 0; k < n; ++k) {
      const int k1 = (k + 1) % n;
      b.triangle(rings[v][k], rings[v + 1][k1], rings[v + 1][k]);
      b.triangle(rings[v][k], rings[v][k1], rings[v + 1][k1]);
    }
  addCap(b, pts.back(), dirs.back(), us.back(), r, n, rings.back(), +1.0);
  addCap(b, pts.front(), dirs.front(), us.front(), r, n, rings.front(), -1.0);
  // Triangles collapsed at the poles have zero area; drop them so the mesh stays clean.
  std::vector<std::uint32_t> kept;
  for (std::size_t i = 0; i + 2 < b.mesh.indices.size(); i += 3) {
    const auto a = b.mesh.indices[i], c = b.mesh.indices[i + 1], e = b.mesh.indices[i + 2];
    if (a == c || c == e || a == e) continue;
    kept.insert(kept.end(), {a, c, e});
  }
  b.mesh.indices = std::move(kept);
  return b.finish();
}

geometry::Mesh markerMesh(const SiteMarker& s) {
  const double h = s.sizeMeters / 2;
  const Vector3d c = s.position;
  Builder b(c);
  const Vector3d px = c + Vector3d(h, 0, 0), nx = c - Vector3d(h, 0, 0), py = c + Vector3d(0, h, 0),
                 ny = c - Vector3d(0, h, 0), pz = c + Vector3d(0, 0, h), nz = c - Vector3d(0, 0, h);
  b.face({px, py, pz});
  b.face({py, nx, pz});
  b.face({nx, ny, pz});
  b.face({ny, px, pz});
  b.face({py, px, nz});
  b.face({nx, py, nz});
  b.face({ny, nx, nz});
  b.face({px, ny, nz});
  return b.finish();
}

}  // namespace

geometry::Mesh siteShapeMesh(const SiteShape& shape, double chordToleranceMeters) {
  struct V {
    double tol;
    geometry::Mesh operator()(const SitePrism& s) const { return prismMesh(s); }
    geometry::Mesh operator()(const SiteCylinder& s) const { return cylinderMesh(s, tol); }
    geometry::Mesh operator()(const SiteEllipsoid& s) const { return ellipsoidMesh(s, tol); }
    geometry::Mesh operator()(const SiteTube& s) const { return tubeMesh(s, tol); }
    geometry::Mesh operator()(const SiteMarker& s) const { return markerMesh(s); }
  };
  return std::visit(V{chordToleranceMeters}, shape);
}

Color siteKindColor(SiteFeatureKind kind) {
  switch (kind) {
    case SiteFeatureKind::Excavation: return {0.80f, 0.55f, 0.25f, 0.6f};
    case SiteFeatureKind::Borehole: return {0.45f, 0.30f, 0.20f, 1.0f};
    case SiteFeatureKind::Sensor: return {1.0f, 0.85f, 0.0f, 1.0f};
    case SiteFeatureKind::Cavity: return {0.9f, 0.1f, 0.1f, 0.7f};
    case SiteFeatureKind::DroneCorridor: return {0.2f, 0.5f, 1.0f, 0.3f};
    case SiteFeatureKind::Building: return {0.85f, 0.82f, 0.76f, 1.0f};
    case SiteFeatureKind::BuildingPart: return {0.80f, 0.77f, 0.70f, 1.0f};
  }
  return {};
}

Element siteElement(SiteFeature feature, std::string name, Attributes attributes, double chordToleranceMeters) {
  Element e;
  e.kind = std::string(siteKindName(feature.kind));
  e.guid = feature.sourceId;
  e.name = name.empty() ? e.kind + " " + (feature.sourceId.empty() ? std::to_string(feature.featureIndex)
                                                                     : feature.sourceId)
                        : std::move(name);
  e.attributes = std::move(attributes);
  e.attributes.shrink_to_fit();
  geometry::Mesh mesh = siteShapeMesh(feature.shape, chordToleranceMeters);
  if (!mesh.empty()) e.shapes.push_back({std::move(mesh), {e.kind, siteKindColor(feature.kind)}});
  e.parametric = std::make_shared<const ParametricShape>(std::move(feature));
  return e;
}

}  // namespace cim::model
