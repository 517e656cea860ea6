#include "io/ifc/sweeps.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numbers>
#include <string>

#include "io/ifc/alignment.h"
#include "io/ifc/axis_placement.h"
#include "io/ifc/curves.h"
#include "io/ifc/profiles.h"
#include "io/ifc/surfaces.h"

namespace cim::io::ifc {

namespace {

constexpr double kPi = std::numbers::pi;

// Unit tangents at the points of a polyline: the mean of the incoming and outgoing directions (one of them at the
// ends and where they cancel).
std::vector<Eigen::Vector3d> polylineTangents(const std::vector<Eigen::Vector3d>& path) {
  std::vector<Eigen::Vector3d> tangents;
  tangents.reserve(path.size());
  for (std::size_t i = 0; i < path.size(); ++i) {
    const Eigen::Vector3d prev = i > 0 ? Eigen::Vector3d((path[i] - path[i - 1]).normalized()) : Eigen::Vector3d::Zero();
    const Eigen::Vector3d next = i + 1 < path.size() ? Eigen::Vector3d((path[i + 1] - path[i]).normalized()) : Eigen::Vector3d::Zero();
    const Eigen::Vector3d t = prev + next;
    tangents.push_back(t.norm() > 1e-12 ? Eigen::Vector3d(t.normalized()) : (next.norm() > 0 ? next : prev));
  }
  return tangents;
}

// The tube of a swept disk: `n` points around each path point, in frames carried along the path.
struct Tube {
  const std::vector<Eigen::Vector3d>& path;
  std::vector<Eigen::Vector3d> tangents;
  Eigen::Vector3d u;  // the first section's x axis, normal to the first tangent
  int n;

  Tube(const std::vector<Eigen::Vector3d>& p, int sides) : path(p), tangents(polylineTangents(p)), n(sides) {
    u = std::abs(tangents[0].z()) < 0.9 ? Eigen::Vector3d::UnitZ() : Eigen::Vector3d::UnitX();
    u = (u - u.dot(tangents[0]) * tangents[0]).normalized();
  }

  // Vertex of ring `i`, point `k` of the tube starting at vertex `first`.
  std::uint32_t at(std::uint32_t first, std::size_t i, int k) const {
    return first + static_cast<std::uint32_t>(i * static_cast<std::size_t>(n) + static_cast<std::size_t>((k + n) % n));
  }

  // The points of section `i` at radius `r`, direction `uu` carried to it. At a bend the section is scaled in the
  // bend plane so that the straight parts keep their radius (mitred joint).
  void addSection(TriMesh& m, std::size_t i, const Eigen::Vector3d& uu, double r) const {
    const Eigen::Vector3d vv = tangents[i].cross(uu);
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

  // Adds the tube wall of radius `r`, facing out (or in, for a hollow's inner wall); returns its first vertex.
  std::uint32_t addWall(TriMesh& m, double r, bool outward) const {
    Eigen::Vector3d uu = u;
    const auto first = static_cast<std::uint32_t>(m.positions.size());
    for (std::size_t i = 0; i < path.size(); ++i) {
      if (i > 0) {  // parallel transport: rotate the frame by the turn between tangents
        const Eigen::Quaterniond q = Eigen::Quaterniond::FromTwoVectors(tangents[i - 1], tangents[i]);
        uu = (q * uu).normalized();
      }
      addSection(m, i, uu, r);
    }
    for (std::size_t i = 0; i + 1 < path.size(); ++i)
      for (int k = 0; k < n; ++k) {
        const auto a = at(first, i, k), b = at(first, i, k + 1);
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
  }

  // Annuli between the outer and inner walls at both ends.
  void addAnnularCaps(TriMesh& m, std::uint32_t outer, std::uint32_t inner) const {
    for (int end = 0; end < 2; ++end) {
      const std::size_t ring = end == 0 ? 0 : path.size() - 1;
      for (int k = 0; k < n; ++k) {
        const auto o0 = at(outer, ring, k), o1 = at(outer, ring, k + 1);
        const auto i0 = at(inner, ring, k), i1 = at(inner, ring, k + 1);
        if (end == 0) {
          m.triangles.push_back({o0, i1, o1});
          m.triangles.push_back({o0, i0, i1});
        } else {
          m.triangles.push_back({o0, o1, i1});
          m.triangles.push_back({o0, i1, i0});
        }
      }
    }
  }

  // Discs fanned from the path's end points.
  void addDiscCaps(TriMesh& m, std::uint32_t outer) const {
    for (int end = 0; end < 2; ++end) {
      const std::size_t ring = end == 0 ? 0 : path.size() - 1;
      const auto centre = static_cast<std::uint32_t>(m.positions.size());
      m.positions.push_back(path[ring]);
      for (int k = 0; k < n; ++k) {
        const auto a = at(outer, ring, k), b = at(outer, ring, k + 1);
        if (end == 0) m.triangles.push_back({centre, b, a});
        else m.triangles.push_back({centre, a, b});
      }
    }
  }
};

// Outer ring of a profile's first area, counter-clockwise in the profile plane; empty when the profile has none.
// `dropped` counts the inner rings and further areas that a lofted sweep leaves out.
Ring outerRing(Context& ctx, std::uint64_t profileId, std::size_t& dropped) {
  auto polys = profilePolygons(ctx, profileId);
  if (polys.empty() || polys[0].rings.empty()) return {};
  dropped = polys[0].rings.size() - 1 + (polys.size() - 1);
  auto ring = polys[0].rings[0];
  if (signedArea(ring) < 0) std::reverse(ring.begin(), ring.end());
  return ring;
}

// Distances along `curve` from d0 to d1 at which a polyline stays within the chord tolerance: d0, the curve's own
// sample distances strictly between, d1.
std::vector<double> spanDistances(const Context& ctx, const AlignmentCurve& curve, double d0, double d1) {
  std::vector<double> ds{d0};
  for (double d : curve.sampleDistances(ctx.chordTolerance))
    if (d > d0 + 1e-6 && d < d1 - 1e-6) ds.push_back(d);
  ds.push_back(d1);
  return ds;
}

// One cross section of a sectioned solid: where it stands and its outer ring.
struct Station {
  LinearPosition at;
  Ring ring;
};

// The cross sections of an IfcSectionedSolidHorizontal with their positions; empty (reported) when one cannot be
// read. Inner rings and further areas, which are not lofted, are reported once for the solid.
std::vector<Station> readStations(Context& ctx, const Instance& it, std::uint64_t directrix) {
  const auto profiles = it.refs("CrossSections");
  const auto positions = it.refs("CrossSectionPositions");
  if (profiles.size() < 2 || profiles.size() != positions.size()) {
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, it.id(),
               "sectioned solid needs as many cross sections as positions, at least two");
    return {};
  }
  std::vector<Station> stations;
  std::size_t dropped = 0;
  for (std::size_t i = 0; i < profiles.size(); ++i) {
    auto pos = readLinearPosition(ctx, positions[i]);
    if (!pos) return {};
    if (pos->curveId != directrix)
      ctx.report(Severity::Warning, ErrorCode::InvalidElement, positions[i],
                 "cross-section position measures along another curve than the directrix; its distance is used on the directrix");
    std::size_t d = 0;
    auto ring = outerRing(ctx, profiles[i], d);
    dropped += d;
    if (ring.size() < 3) {
      ctx.report(Severity::Warning, ErrorCode::InvalidElement, profiles[i], "cross section gives no area");
      return {};
    }
    stations.push_back({*pos, std::move(ring)});
  }
  if (dropped > 0)
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, it.id(),
               "sectioned solid: " + std::to_string(dropped) + " inner ring(s) or extra area(s) of the cross sections are not swept");
  return stations;
}

// The rings between stations a and b, at the distances along `curve` that keep it within the chord tolerance: the
// profile points interpolated linearly by distance, placed in the curve frame there (profile x along the frame's y,
// profile y along its z).
std::vector<Ring> spanRings(const Context& ctx, const AlignmentCurve& curve, const Station& a, const Station& b) {
  const double d0 = a.at.distance, d1 = b.at.distance;
  std::vector<Ring> rings;
  for (double d : spanDistances(ctx, curve, d0, d1)) {
    const double f = (d - d0) / (d1 - d0);
    const CurveFrame frame = curve.frameAt(d);
    const Eigen::Vector3d offset = (1 - f) * a.at.offset + f * b.at.offset;
    const Eigen::Matrix3d axes = frame.axes * (f < 0.5 ? a.at.local : b.at.local);
    const Eigen::Vector3d origin = frame.point + frame.axes * offset;
    Ring ring;
    ring.reserve(a.ring.size());
    for (std::size_t k = 0; k < a.ring.size(); ++k) {
      const Eigen::Vector3d p = (1 - f) * a.ring[k] + f * b.ring[k];
      ring.push_back(origin + axes.col(1) * p.x() + axes.col(2) * p.y());
    }
    rings.push_back(std::move(ring));
  }
  return rings;
}

// The directrix of a sweep (not an alignment curve) between its StartParam and EndParam. IfcParameterValue is a
// curve parameter (curvePointsBetween); an IFC4X3 IfcLengthMeasure a distance along the curve. The whole directrix
// when neither is given, when 0..1 is given on a polyline of more segments (the normalised range Allplan writes on
// every rebar, whose shapes and hooks, in its own property sets, are the whole polyline: noted), and, reported, when
// the curve's parameterisation is not evaluated or the range is empty.
std::vector<Eigen::Vector3d> sweptPath(Context& ctx, const Instance& it, std::uint64_t directrix) {
  auto whole = [&] { return curvePoints(ctx, directrix); };
  const Value* sv = it.get("StartParam");
  const Value* ev = it.get("EndParam");
  const bool hasStart = sv && sv->kind != ValueKind::Null, hasEnd = ev && ev->kind != ValueKind::Null;
  if (!hasStart && !hasEnd) return whole();
  const bool byLength = (hasStart && sv->kind == ValueKind::Typed && sv->raw == names::IfcLengthMeasure) ||
                        (hasEnd && ev->kind == ValueKind::Typed && ev->raw == names::IfcLengthMeasure);
  auto path = whole();
  if (byLength) {  // distances along the directrix
    const double m = ctx.units.lengthToMeters;
    double total = 0;
    for (std::size_t i = 1; i < path.size(); ++i) total += (path[i] - path[i - 1]).norm();
    const double d0 = hasStart ? it.real("StartParam").value_or(0.0) * m : 0.0;
    const double d1 = hasEnd ? it.real("EndParam").value_or(total / m) * m : total;
    if (!(d1 > d0)) {
      ctx.report(Severity::Warning, ErrorCode::InvalidElement, it.id(),
                 "EndParam is not beyond StartParam; the whole directrix is swept");
      return path;
    }
    std::vector<Eigen::Vector3d> cut;
    double at = 0;
    for (std::size_t i = 0; i + 1 < path.size(); ++i) {
      const double len = (path[i + 1] - path[i]).norm(), next = at + len;
      auto point = [&](double d) { return Eigen::Vector3d(path[i] + (path[i + 1] - path[i]) * ((d - at) / len)); };
      if (len > 0 && next > d0 && at < d1) {
        appendUnique(cut, at >= d0 ? path[i] : point(d0));
        appendUnique(cut, next <= d1 ? path[i + 1] : point(d1));
      }
      at = next;
    }
    return cut;
  }
  Instance curve;
  const bool isPolyline = curve.load(ctx.file, directrix) && ctx.file.isA(curve.record(), names::IfcPolyline);
  const double t0 = it.real("StartParam").value_or(0.0);
  auto t1 = it.real("EndParam");
  if (isPolyline) {
    const auto n = curve.refs("Points").size();
    if (!t1) t1 = n > 0 ? static_cast<double>(n - 1) : 1.0;
    if (t0 == 0.0 && *t1 == 1.0 && n > 2) {
      ctx.report(Severity::Info, ErrorCode::InvalidElement, it.id(),
                 "StartParam 0 / EndParam 1 on a polyline of " + std::to_string(n - 1) +
                     " segments read as the whole directrix (a normalised range), not its first segment");
      return path;
    }
  }
  if (t1 && *t1 > t0)
    if (auto cut = curvePointsBetween(ctx, directrix, t0, *t1)) return *cut;
  ctx.report(Severity::Warning, ErrorCode::InvalidElement, it.id(),
             t1 && !(*t1 > t0) ? std::string("EndParam is not beyond StartParam; the whole directrix is swept")
                               : std::string("StartParam/EndParam on this directrix type are not evaluated; the whole "
                                             "directrix is swept"));
  return path;
}

// The points and tangents of a directrix: along an IFC4X3 alignment curve between StartParam and EndParam
// (distances), or the whole polyline of any other curve. False when an alignment curve cannot be evaluated (reported
// there).
bool directrixPath(Context& ctx, const Instance& it, std::uint64_t directrix, std::vector<Eigen::Vector3d>& path,
                   std::vector<Eigen::Vector3d>& tangents) {
  if (isSegmentedCurve(ctx, directrix)) {
    auto curve = alignmentCurve(ctx, directrix);
    if (!curve) return false;
    const double s = ctx.units.lengthToMeters;
    double d0 = 0, d1 = curve->length();
    if (auto v = it.real("StartParam")) d0 = *v * s;
    if (auto v = it.real("EndParam")) d1 = *v * s;
    for (double d : spanDistances(ctx, *curve, d0, d1)) {
      const CurveFrame f = curve->frameAt(d);
      path.push_back(f.point);
      tangents.push_back(f.axes.col(0));
    }
    return true;
  }
  path = sweptPath(ctx, it, directrix);
  tangents = polylineTangents(path);
  // On a smooth curve sampled by chords, the chord at an end is not the curve's tangent there (a 45 deg arc in two
  // chords would tilt the end sections by 11 deg). Reflecting the next point's tangent (the mean of its two chords,
  // exact on a circle) across the end chord gives it exactly on arcs.
  Instance c;
  const bool smooth = c.load(ctx.file, directrix) &&
                      (ctx.file.isA(c.record(), names::IfcTrimmedCurve) || ctx.file.isA(c.record(), names::IfcConic) ||
                       ctx.file.isA(c.record(), names::IfcBSplineCurve));
  if (smooth && path.size() >= 3) {
    auto reflect = [](const Eigen::Vector3d& t, const Eigen::Vector3d& chord) {
      const Eigen::Vector3d d = chord.normalized();
      const Eigen::Vector3d r = 2 * t.dot(d) * d - t;
      return r.norm() > 1e-9 ? Eigen::Vector3d(r.normalized()) : d;
    };
    const std::size_t n = path.size();
    tangents.front() = reflect(tangents[1], path[1] - path[0]);
    tangents.back() = reflect(tangents[n - 2], path[n - 1] - path[n - 2]);
  }
  return true;
}

// The direction the profile's x axis follows at a directrix point: FixedReference, or for a surface-curve sweep the
// normal of its reference surface there (any surface surfaces.h evaluates). An empty function (reported) when the
// reference surface cannot be evaluated.
std::function<Eigen::Vector3d(const Eigen::Vector3d&)> sweepReference(Context& ctx, const Instance& it) {
  Eigen::Vector3d ref = Eigen::Vector3d::UnitX();
  if (auto fr = it.ref("FixedReference"))
    if (auto d = readDirection(ctx, *fr)) ref = *d;
  if (!ctx.file.isA(it.record(), names::IfcSurfaceCurveSweptAreaSolid))
    return [ref](const Eigen::Vector3d&) { return ref; };
  auto sid = it.ref("ReferenceSurface");
  auto normals = sid ? surfaceNormals(ctx, *sid) : decltype(surfaceNormals(ctx, 0)){};
  if (!normals) {
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, it.id(),
               "surface-curve sweep: the reference surface cannot be evaluated");
    return {};
  }
  return [normals](const Eigen::Vector3d& p) { return normals(p).value_or(Eigen::Vector3d::UnitZ()); };
}

}  // namespace

TriMesh sweepDisk(const Context& ctx, const std::vector<Eigen::Vector3d>& path, double radius, double inner) {
  TriMesh m;
  if (path.size() < 2 || !(radius > 0)) return m;
  const Tube tube(path, std::max(12, arcSegments(ctx, radius, 2 * kPi)));
  const auto outer = tube.addWall(m, radius, true);
  if (inner > 0 && inner < radius) tube.addAnnularCaps(m, outer, tube.addWall(m, inner, false));
  else tube.addDiscCaps(m, outer);
  return m;
}

std::optional<TriMesh> sweptDiskSolid(Context& ctx, const Instance& it) {
  auto directrix = it.ref("Directrix");
  const double radius = it.real("Radius").value_or(0.0) * ctx.units.lengthToMeters;
  const double inner = it.real("InnerRadius").value_or(0.0) * ctx.units.lengthToMeters;
  if (!directrix) return std::nullopt;
  const auto path = sweptPath(ctx, it, *directrix);
  if (path.size() < 2 || !(radius > 0) || !std::isfinite(radius)) {
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, it.id(),
               path.size() < 2 ? "swept disk directrix has fewer than 2 points"
                               : "swept disk radius is not a positive finite length");
    return std::nullopt;
  }
  return sweepDisk(ctx, path, radius, inner);
}

TriMesh sectionedSolid(Context& ctx, const Instance& it) {
  TriMesh m;
  auto directrix = it.ref("Directrix");
  auto curve = directrix ? alignmentCurve(ctx, *directrix) : nullptr;
  if (!curve) {
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, it.id(), "sectioned solid: directrix cannot be evaluated");
    return m;
  }
  const auto stations = readStations(ctx, it, *directrix);
  for (std::size_t i = 0; i + 1 < stations.size(); ++i) {
    const auto& a = stations[i];
    const auto& b = stations[i + 1];
    if (a.ring.size() != b.ring.size()) {
      ctx.report(Severity::Warning, ErrorCode::InvalidElement, it.id(),
                 "cross sections " + std::to_string(i + 1) + " and " + std::to_string(i + 2) + " have " +
                     std::to_string(a.ring.size()) + " and " + std::to_string(b.ring.size()) +
                     " points; the span between them cannot be lofted and is left out");
      continue;
    }
    if (!(b.at.distance > a.at.distance)) {
      ctx.report(Severity::Warning, ErrorCode::InvalidElement, it.id(),
                 "cross-section positions do not increase along the directrix");
      continue;
    }
    TriMesh span;
    loftRings(span, spanRings(ctx, *curve, a, b), true);
    m.append(span, Eigen::Affine3d::Identity());
  }
  return m;
}

TriMesh directrixSweep(Context& ctx, const Instance& it) {
  TriMesh m;
  auto directrix = it.ref("Directrix");
  auto profile = it.ref("SweptArea");
  if (!directrix || !profile) return m;
  std::vector<Eigen::Vector3d> path, tangents;
  if (!directrixPath(ctx, it, *directrix, path, tangents)) return m;
  if (path.size() < 2) {
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, it.id(), "swept solid: directrix gives fewer than two points");
    return m;
  }
  const auto reference = sweepReference(ctx, it);
  if (!reference) return m;
  std::size_t dropped = 0;
  const auto ring = outerRing(ctx, *profile, dropped);
  if (ring.size() < 3) return m;
  if (dropped > 0)
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, it.id(),
               std::to_string(dropped) + " inner ring(s) or extra area(s) of the swept profile are not swept");
  std::vector<Ring> rings;
  for (std::size_t i = 0; i < path.size(); ++i) {
    const Eigen::Vector3d& t = tangents[i];
    const Eigen::Vector3d ref = reference(path[i]);
    Eigen::Vector3d x = ref - ref.dot(t) * t;
    if (x.norm() < 1e-9) x = t.unitOrthogonal();
    x.normalize();
    const Eigen::Vector3d y = t.cross(x);
    Ring r;
    for (const auto& p : ring) r.push_back(path[i] + x * p.x() + y * p.y());
    rings.push_back(std::move(r));
  }
  loftRings(m, rings, true);
  if (!m.empty())
    if (auto pos = it.ref("Position")) m = transformed(m, axis2Placement(ctx, *pos));
  return m;
}

}  // namespace cim::io::ifc
