#include "io/ifc/extrusions.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "io/ifc/axis_placement.h"
#include "io/ifc/curves.h"

namespace cim::io::ifc {

namespace {

constexpr double kPi = std::numbers::pi;

// Resamples a closed ring to `n` points evenly by arc length, starting at its first point.
Ring resampleRing(const Ring& r, std::size_t n) {
  if (r.size() == n || r.size() < 2) return r;
  std::vector<double> at{0.0};
  for (std::size_t i = 0; i < r.size(); ++i) at.push_back(at.back() + (r[(i + 1) % r.size()] - r[i]).norm());
  Ring out;
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

// Extrusion along `v` whose section changes linearly from `start` to `end` (paired by pairProfiles, or the same),
// both in the XY plane; outward-facing for an extrusion along +Z.
TriMesh extrudeTapered(std::vector<Polygon> start, std::vector<Polygon> end, const Eigen::Vector3d& v) {
  TriMesh m;
  const bool upward = v.z() >= 0;
  for (std::size_t pi = 0; pi < start.size(); ++pi) {
    auto& rings = start[pi].rings;
    auto& top = end[pi].rings;
    // Outer ring counter-clockwise, holes clockwise (seen from +Z), so side walls face outwards.
    for (std::size_t i = 0; i < rings.size(); ++i) {
      const bool ccw = signedArea(rings[i]) > 0;
      if ((i == 0) != ccw) {
        std::reverse(rings[i].begin(), rings[i].end());
        std::reverse(top[i].begin(), top[i].end());
      }
      for (auto& p : top[i]) p += v;
    }
    addFace(m, rings, upward);  // bottom faces down
    addFace(m, top, !upward);   // top faces up
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

// Largest distance (metres) of the polygons' points from the axis through `origin` along `axis`.
double maxRadius(const std::vector<Polygon>& polys, const Eigen::Vector3d& origin, const Eigen::Vector3d& axis) {
  double maxR = 0;
  for (const auto& poly : polys)
    for (const auto& r : poly.rings)
      for (const auto& p : r) {
        const Eigen::Vector3d d = p - origin;
        maxR = std::max(maxR, (d - d.dot(axis) * axis).norm());
      }
  return maxR;
}

// Revolves polygons about the axis through `origin` along `axis` by `angle` radians; with `endPolys` (paired with
// `polys` by pairProfiles) the section changes linearly with the angle from the start to the end profile.
TriMesh revolve(const Context& ctx, const std::vector<Polygon>& polys, const Eigen::Vector3d& origin,
                const Eigen::Vector3d& axis, double angle, const std::vector<Polygon>* endPolys = nullptr) {
  TriMesh m;
  const double maxR = std::max(maxRadius(polys, origin, axis), endPolys ? maxRadius(*endPolys, origin, axis) : 0.0);
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
      for (int k = 0; k < n; ++k)
        for (std::size_t i = 0; i < r.size(); ++i) {
          const std::size_t j = (i + 1) % r.size();
          addQuad(m, section(i, k), section(j, k), section(j, k + 1), section(i, k + 1), false);
        }
    }
    if (!full) {
      addFace(m, poly.rings, true);
      std::vector<Ring> end = endPolys ? (*endPolys)[pi].rings : poly.rings;
      for (auto& r : end)
        for (auto& p : r) p = rot(p, angle);
      addFace(m, end, false);
    }
  }
  return m;
}

}  // namespace

TriMesh extrude(const std::vector<Polygon>& polys, const Eigen::Vector3d& v) { return extrudeTapered(polys, polys, v); }

namespace {

// Distance between segments ab and cd of the profile plane (z ignored).
double segmentDistance(const Eigen::Vector2d& a, const Eigen::Vector2d& b, const Eigen::Vector2d& c, const Eigen::Vector2d& d) {
  auto cross = [](const Eigen::Vector2d& u, const Eigen::Vector2d& v) { return u.x() * v.y() - u.y() * v.x(); };
  const double d1 = cross(b - a, c - a), d2 = cross(b - a, d - a), d3 = cross(d - c, a - c), d4 = cross(d - c, b - c);
  if (((d1 > 0) != (d2 > 0)) && ((d3 > 0) != (d4 > 0)) && d1 != 0 && d2 != 0 && d3 != 0 && d4 != 0) return 0;
  auto pointSegment = [](const Eigen::Vector2d& p, const Eigen::Vector2d& s, const Eigen::Vector2d& e) {
    const Eigen::Vector2d se = e - s;
    const double l = se.squaredNorm();
    const double t = l > 0 ? std::clamp((p - s).dot(se) / l, 0.0, 1.0) : 0.0;
    return (s + t * se - p).norm();
  };
  return std::min({pointSegment(a, c, d), pointSegment(b, c, d), pointSegment(c, a, b), pointSegment(d, a, b)});
}

}  // namespace

bool wellSeparated(const Polygon& poly) {
  // Edges of at least 0.1 mm, edges that do not share a corner at least 0.1 mm apart: simple rings, holes apart from
  // each other and from the outer ring, nothing the booleans' 10 micrometre grid could fold.
  constexpr double kGap = 1e-4;
  constexpr std::size_t kMaxEdges = 256;  // pairwise test; larger profiles are tested by the booleans instead
  std::vector<std::pair<Eigen::Vector2d, Eigen::Vector2d>> edges;
  std::vector<std::pair<std::size_t, std::size_t>> ringOf;  // (ring, index in ring)
  std::vector<std::size_t> ringSize;
  for (std::size_t r = 0; r < poly.rings.size(); ++r) {
    const auto& ring = poly.rings[r];
    if (ring.size() < 3) return false;
    ringSize.push_back(ring.size());
    for (std::size_t i = 0; i < ring.size(); ++i) {
      const auto& p = ring[i];
      const auto& q = ring[(i + 1) % ring.size()];
      if (!p.allFinite() || std::abs(p.z()) > 1e-9 || (q - p).norm() < kGap) return false;
      edges.emplace_back(p.head<2>(), q.head<2>());
      ringOf.emplace_back(r, i);
    }
  }
  if (edges.empty() || edges.size() > kMaxEdges) return false;
  for (std::size_t i = 0; i < edges.size(); ++i)
    for (std::size_t j = i + 1; j < edges.size(); ++j) {
      const auto [ri, ii] = ringOf[i];
      const auto [rj, ij] = ringOf[j];
      const std::size_t n = ringSize[ri];
      if (ri == rj && (ij == (ii + 1) % n || ii == (ij + 1) % n)) continue;  // neighbours share a corner
      if (segmentDistance(edges[i].first, edges[i].second, edges[j].first, edges[j].second) < kGap) return false;
    }
  return true;
}

std::optional<TriMesh> extrudedAreaSolid(Context& ctx, const Instance& it) {
  const std::uint64_t id = it.id();
  auto profile = it.ref("SweptArea");
  const double depthInFileUnits = it.real("Depth").value_or(0.0);
  const double depthM = depthInFileUnits * ctx.units.lengthToMeters;
  Eigen::Vector3d dir = Eigen::Vector3d::UnitZ();
  if (auto d = it.ref("ExtrudedDirection"))
    if (auto v = readDirection(ctx, *d)) dir = *v;
  if (!profile || !(depthM > 0)) {
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, id, "extrusion without profile or positive depth");
    return std::nullopt;
  }
  if (!std::isfinite(depthM) || depthInFileUnits > 1e12) {  // the same bound as for point coordinates (readPoint)
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, id, "extrusion depth is not finite or absurdly large");
    return std::nullopt;
  }
  TriMesh m;
  if (ctx.file.isA(it.record(), names::IfcExtrudedAreaSolidTapered)) {
    auto start = profilePolygons(ctx, *profile);
    auto endId = it.ref("EndSweptArea");
    auto end = endId ? profilePolygons(ctx, *endId) : std::vector<Polygon>{};
    if (!pairProfiles(start, end)) {
      ctx.report(Severity::Warning, ErrorCode::InvalidElement, id,
                 "tapered extrusion: start and end profiles do not have matching areas; start profile extruded");
      m = extrude(start, dir * depthM);
    } else {
      m = extrudeTapered(std::move(start), std::move(end), dir * depthM);
    }
  } else {
    const auto polys = profilePolygons(ctx, *profile);
    m = extrude(polys, dir * depthM);
    m.validByConstruction = polys.size() == 1 && std::abs(dir.z()) > 1e-6 && wellSeparated(polys[0]);
  }
  if (auto pos = it.ref("Position")) m = transformed(m, axis2Placement(ctx, *pos));
  return m;
}

std::optional<TriMesh> revolvedAreaSolid(Context& ctx, const Instance& it) {
  auto profile = it.ref("SweptArea");
  auto axisId = it.ref("Axis");
  const double angle = it.real("Angle").value_or(0.0) * ctx.units.angleToRadians;
  if (!profile || !axisId) return std::nullopt;
  Instance ax;
  if (!ax.load(ctx.file, *axisId)) return std::nullopt;
  Eigen::Vector3d o = Eigen::Vector3d::Zero(), a = Eigen::Vector3d::UnitZ();
  if (auto l = ax.ref("Location"))
    if (auto p = readPoint(ctx, *l)) o = *p;
  if (auto d = ax.ref("Axis"))
    if (auto v = readDirection(ctx, *d)) a = *v;
  auto start = profilePolygons(ctx, *profile);
  TriMesh m;
  if (ctx.file.isA(it.record(), names::IfcRevolvedAreaSolidTapered)) {
    auto endId = it.ref("EndSweptArea");
    auto end = endId ? profilePolygons(ctx, *endId) : std::vector<Polygon>{};
    if (pairProfiles(start, end)) {
      m = revolve(ctx, start, o, a, angle, &end);
    } else {
      ctx.report(Severity::Warning, ErrorCode::InvalidElement, it.id(),
                 "tapered revolution: start and end profiles do not have matching areas; start profile revolved");
      m = revolve(ctx, start, o, a, angle);
    }
  } else {
    m = revolve(ctx, start, o, a, angle);
  }
  if (auto pos = it.ref("Position")) m = transformed(m, axis2Placement(ctx, *pos));
  return m;
}

}  // namespace cim::io::ifc
