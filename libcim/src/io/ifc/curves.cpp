#include "io/ifc/curves.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "core/limits.h"
#include "io/ifc/alignment.h"
#include "io/ifc/axis_placement.h"
#include "io/ifc/bspline.h"

namespace cim::io::ifc {

namespace {

constexpr double kPi = std::numbers::pi;

// Circle through three points (2D or 3D): returns the arc from p0 via p1 to p2.
std::vector<Eigen::Vector3d> arcThrough(const Context& ctx, const Eigen::Vector3d& p0, const Eigen::Vector3d& p1,
                                        const Eigen::Vector3d& p2) {
  const Eigen::Vector3d u = p1 - p0, v = p2 - p0;
  const Eigen::Vector3d w = u.cross(v);
  const double w2 = w.squaredNorm();
  if (w2 < 1e-24) return {p0, p2};  // collinear: a straight segment
  const Eigen::Vector3d centre = p0 + (u.squaredNorm() * v.cross(w) + v.squaredNorm() * w.cross(u)) / (2.0 * w2);
  const double r = (p0 - centre).norm();
  const Eigen::Vector3d n = w.normalized();
  const Eigen::Vector3d x = (p0 - centre).normalized();
  const Eigen::Vector3d y = n.cross(x);
  auto angleOf = [&](const Eigen::Vector3d& p) {
    const Eigen::Vector3d d = p - centre;
    double t = std::atan2(d.dot(y), d.dot(x));
    return t < 0 ? t + 2 * kPi : t;
  };
  const double sweep = angleOf(p2);  // p1 lies between by construction of n (counter-clockwise about n)
  Eigen::Affine3d frame = Eigen::Affine3d::Identity();
  frame.linear().col(0) = x;
  frame.linear().col(1) = y;
  frame.linear().col(2) = n;
  frame.translation() = centre;
  auto pts = arcPoints(ctx, frame, r, r, 0.0, sweep);
  pts.front() = p0;
  pts.back() = p2;
  return pts;
}

struct Conic {
  Eigen::Affine3d frame = Eigen::Affine3d::Identity();
  double a = 0, b = 0;
};

std::optional<Conic> conic(Context& ctx, const Instance& c) {
  Conic k;
  if (auto pos = c.ref("Position")) k.frame = axis2Placement(ctx, *pos);
  const double s = ctx.units.lengthToMeters;
  if (ctx.file.isA(c.record(), names::IfcCircle)) {
    k.a = k.b = c.real("Radius").value_or(0.0) * s;
  } else {
    k.a = c.real("SemiAxis1").value_or(0.0) * s;
    k.b = c.real("SemiAxis2").value_or(0.0) * s;
  }
  if (!(k.a > 0) || !(k.b > 0)) return std::nullopt;
  return k;
}

// An IfcTrimmedCurve on a line or conic as its basis and the run between the trims: points at curve parameter s (from
// 0 at the start, IFC's s = t - t1) are basis(start + s * direction) for s in [0, length], in basis parameter units
// (radians for conics).
struct TrimmedSpan {
  bool isLine = false;
  Eigen::Vector3d origin = Eigen::Vector3d::Zero(), dir = Eigen::Vector3d::UnitX();  // line: origin + dir * t
  Conic conic;
  double start = 0, length = 0, direction = 1;
  std::optional<Eigen::Vector3d> first, last;  // a line's trim points as written, used at s = 0 and s = length

  std::vector<Eigen::Vector3d> points(const Context& ctx, double s0, double s1) const {
    const double t0 = start + direction * s0, t1 = start + direction * s1;
    if (isLine)
      return {first && s0 == 0.0 ? *first : Eigen::Vector3d(origin + dir * t0),
              last && s1 == length ? *last : Eigen::Vector3d(origin + dir * t1)};
    return arcPoints(ctx, conic.frame, conic.a, conic.b, t0, t1 - t0);
  }
};

std::optional<TrimmedSpan> trimmedSpan(Context& ctx, const Instance& t) {
  auto basisId = t.ref("BasisCurve");
  if (!basisId) return std::nullopt;
  Instance basis;
  if (!basis.load(ctx.file, *basisId)) return std::nullopt;
  const bool sense = t.enumeration("SenseAgreement").value_or("T") != "F";
  // Trim selects: a list holding an IfcCartesianPoint reference and/or an IfcParameterValue.
  auto trimOf = [&](const char* name, std::optional<double>& param, std::optional<Eigen::Vector3d>& point) {
    for (const auto& v : t.list(name)) {
      if (v.kind == ValueKind::Ref) point = readPoint(ctx, v.ref);
      else if (v.kind == ValueKind::Typed && v.count == 1) param = numberOf(t.attributes(), t.children(v)[0]);
    }
  };
  std::optional<double> p1, p2;
  std::optional<Eigen::Vector3d> q1, q2;
  trimOf("Trim1", p1, q1);
  trimOf("Trim2", p2, q2);
  const bool preferPoints = t.enumeration("MasterRepresentation").value_or("PARAMETER") == "CARTESIAN";
  TrimmedSpan span;

  if (ctx.file.isA(basis.record(), names::IfcLine)) {
    span.isLine = true;
    if (auto pnt = basis.ref("Pnt"))
      if (auto p = readPoint(ctx, *pnt)) span.origin = *p;
    if (auto vid = basis.ref("Dir")) {
      Instance vec;
      if (vec.load(ctx.file, *vid)) {
        if (auto o = vec.ref("Orientation"))
          if (auto d = readDirection(ctx, *o)) span.dir = *d * vec.real("Magnitude").value_or(1.0) * ctx.units.lengthToMeters;
      }
    }
    // Parameters on the line; a trim point is projected on it.
    auto param = [&](std::optional<double> p, std::optional<Eigen::Vector3d> q) -> std::optional<double> {
      const double d2 = span.dir.squaredNorm();
      if (q && (preferPoints || !p) && d2 > 0) return (*q - span.origin).dot(span.dir) / d2;
      return p;
    };
    auto a = param(p1, q1), b = param(p2, q2);
    if (!a || !b) return std::nullopt;
    if (q1 && (preferPoints || !p1)) span.first = q1;
    if (q2 && (preferPoints || !p2)) span.last = q2;
    // As read so far: SenseAgreement false runs from Trim2 to Trim1.
    if (!sense) {
      std::swap(a, b);
      std::swap(span.first, span.last);
    }
    span.start = *a;
    span.length = std::abs(*b - *a);
    span.direction = *b >= *a ? 1.0 : -1.0;
    return span;
  }
  if (ctx.file.isA(basis.record(), names::IfcCircle) || ctx.file.isA(basis.record(), names::IfcEllipse)) {
    auto k = conic(ctx, basis);
    if (!k) return std::nullopt;
    span.conic = *k;
    const Eigen::Affine3d inv = k->frame.inverse();
    auto angle = [&](std::optional<double> p, std::optional<Eigen::Vector3d> q) -> std::optional<double> {
      if (q && (preferPoints || !p)) {
        const Eigen::Vector3d l = inv * *q;
        return std::atan2(l.y() / k->b, l.x() / k->a);
      }
      if (p) return *p * ctx.units.angleToRadians;
      return std::nullopt;
    };
    auto a = angle(p1, q1), b = angle(p2, q2);
    if (!a || !b) return std::nullopt;
    double sweep = sense ? *b - *a : *a - *b;
    if (!std::isfinite(sweep) || std::abs(*a) > 1e6 || std::abs(*b) > 1e6) {  // 2 pi steps would never get there
      ctx.report(Severity::Warning, ErrorCode::InvalidElement, t.id(), "trim parameters are not finite or absurdly large");
      return std::nullopt;
    }
    sweep = std::fmod(sweep, 2 * kPi);
    while (sweep <= 1e-12) sweep += 2 * kPi;
    while (sweep > 2 * kPi + 1e-12) sweep -= 2 * kPi;
    span.start = *a;
    span.length = sweep;
    span.direction = sense ? 1.0 : -1.0;
    return span;
  }
  ctx.report(Severity::Warning, ErrorCode::IfcItemNotRead, basis.id(),
             "trimmed " + std::string(basis.entity().name) + " is not supported");
  return std::nullopt;
}

std::vector<Eigen::Vector3d> trimmed(Context& ctx, const Instance& t) {
  auto span = trimmedSpan(ctx, t);
  if (!span) return {};
  return span->points(ctx, 0.0, span->length);
}

std::vector<Eigen::Vector3d> indexedPolyCurve(Context& ctx, const Instance& c) {
  std::vector<Eigen::Vector3d> out;
  auto pointsId = c.ref("Points");
  if (!pointsId) return out;
  const auto pts = pointList(ctx, *pointsId);
  auto at = [&](const Value& v) -> std::optional<Eigen::Vector3d> {
    if (v.kind != ValueKind::Integer || v.integer < 1 || static_cast<std::size_t>(v.integer) > pts.size()) return std::nullopt;
    return pts[static_cast<std::size_t>(v.integer - 1)];
  };
  const auto segments = c.list("Segments");
  if (segments.empty()) {
    appendAll(out, pts);
    return out;
  }
  for (const auto& seg : segments) {
    if (seg.kind != ValueKind::Typed || seg.count != 1) continue;
    const Value& inner = c.children(seg)[0];
    if (inner.kind != ValueKind::List) continue;
    const auto idx = c.children(inner);
    if (seg.raw == names::IfcArcIndex && idx.size() == 3) {
      auto a = at(idx[0]), b = at(idx[1]), d = at(idx[2]);
      if (a && b && d) appendAll(out, arcThrough(ctx, *a, *b, *d));
    } else {
      for (const auto& i : idx)
        if (auto p = at(i)) appendUnique(out, *p);
    }
  }
  return out;
}

std::vector<Eigen::Vector3d> curveImpl(Context& ctx, std::uint64_t id, int depth) {
  std::vector<Eigen::Vector3d> out;
  if (depth > 16) {
    ctx.report(Severity::Warning, ErrorCode::LimitExceeded, id, "curves nested more than 16 deep; not read");
    return out;
  }
  Instance c;
  if (!c.load(ctx.file, id)) {
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, id, "curve cannot be read: " + c.error());
    return out;
  }
  const auto& f = ctx.file;
  if (f.isA(c.record(), names::IfcPolyline)) {
    for (auto p : c.refs("Points"))
      if (auto q = readPoint(ctx, p)) appendUnique(out, *q);
  } else if (f.isA(c.record(), names::IfcIndexedPolyCurve)) {
    out = indexedPolyCurve(ctx, c);
  } else if (f.isA(c.record(), names::IfcCurveSegment) ||
             (f.isA(c.record(), names::IfcCompositeCurve) && isSegmentedCurve(ctx, id))) {
    out = alignmentCurvePoints(ctx, id);  // IFC4X3 segments: placed parent curves, evaluated by distance along
  } else if (f.isA(c.record(), names::IfcCompositeCurve)) {
    for (auto segId : c.refs("Segments")) {
      Instance seg;
      if (!seg.load(f, segId)) continue;
      auto parent = seg.ref("ParentCurve");
      if (!parent) continue;
      auto pts = curveImpl(ctx, *parent, depth + 1);
      if (seg.enumeration("SameSense").value_or("T") == "F") std::reverse(pts.begin(), pts.end());
      appendAll(out, pts);
    }
  } else if (f.isA(c.record(), names::IfcTrimmedCurve)) {
    out = trimmed(ctx, c);
  } else if (f.isA(c.record(), names::IfcBSplineCurveWithKnots)) {
    std::string why;
    if (auto b = readBSplineCurve(ctx, c, why)) appendAll(out, b->sample(ctx.chordTolerance));
    else ctx.report(Severity::Warning, ErrorCode::InvalidElement, id, "B-spline curve cannot be evaluated: " + why);
  } else if (f.isA(c.record(), names::IfcCircle) || f.isA(c.record(), names::IfcEllipse)) {
    if (auto k = conic(ctx, c)) {
      out = arcPoints(ctx, k->frame, k->a, k->b, 0.0, 2 * kPi);
      out.pop_back();  // closed: the first point is not repeated
    }
  } else {
    ctx.report(Severity::Warning, ErrorCode::IfcItemNotRead, id,
               "curve type " + std::string(c.entity().name) + " is not supported yet");
  }
  return out;
}

}  // namespace

std::vector<Eigen::Vector3d> pointList(Context& ctx, std::uint64_t listId) {
  std::vector<Eigen::Vector3d> out;
  Instance l;
  if (!l.load(ctx.file, listId)) {
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, listId, "point list cannot be read: " + l.error());
    return out;
  }
  const double s = ctx.units.lengthToMeters;
  for (const auto& row : l.list("CoordList")) {
    Eigen::Vector3d p = Eigen::Vector3d::Zero();  // every row keeps its slot: indices refer to row numbers
    if (row.kind == ValueKind::List) {
      int i = 0;
      for (const auto& c : l.children(row)) {
        if (i > 2) break;
        if (auto d = numberOf(l.attributes(), c)) p[i] = *d * s;
        ++i;
      }
    }
    out.push_back(p);
  }
  return out;
}

int arcSegments(const Context& ctx, double radius, double angle) {
  if (!(radius > 0) || !(angle > 0)) return 1;
  const double tol = std::min(ctx.chordTolerance, radius);
  const double step = 2.0 * std::acos(std::max(-1.0, 1.0 - tol / radius));
  const int full = cim::detail::clampToInt(std::ceil(2 * kPi / std::max(step, 1e-3)), 16, 256);
  return cim::detail::clampToInt(std::ceil(full * angle / (2 * kPi)), 1, 1 << 16);
}

void appendUnique(std::vector<Eigen::Vector3d>& out, const Eigen::Vector3d& p) {
  if (out.empty() || (out.back() - p).squaredNorm() > 1e-18) out.push_back(p);
}

void appendAll(std::vector<Eigen::Vector3d>& out, const std::vector<Eigen::Vector3d>& pts) {
  for (const auto& p : pts) appendUnique(out, p);
}

void dropClosingPoint(std::vector<Eigen::Vector3d>& ring) {
  while (ring.size() > 1 && (ring.front() - ring.back()).squaredNorm() < 1e-14) ring.pop_back();
}

std::vector<Eigen::Vector3d> arcPoints(const Context& ctx, const Eigen::Affine3d& frame, double a, double b,
                                       double start, double sweep) {
  const int n = arcSegments(ctx, std::max(a, b), std::abs(sweep));
  std::vector<Eigen::Vector3d> pts;
  pts.reserve(static_cast<std::size_t>(n) + 1);
  for (int i = 0; i <= n; ++i) {
    const double t = start + sweep * i / n;
    pts.push_back(frame * Eigen::Vector3d(a * std::cos(t), b * std::sin(t), 0.0));
  }
  return pts;
}

std::optional<std::vector<Eigen::Vector3d>> curvePointsBetween(Context& ctx, std::uint64_t curveId, double t0,
                                                               double t1) {
  Instance c;
  if (!c.load(ctx.file, curveId) || !(t1 > t0) || !std::isfinite(t0) || !std::isfinite(t1)) return std::nullopt;
  const auto& f = ctx.file;
  const double angle = ctx.units.angleToRadians;
  if (f.isA(c.record(), names::IfcPolyline)) {  // vertex i at parameter i, linear in between
    std::vector<Eigen::Vector3d> pts;
    for (auto p : c.refs("Points"))
      if (auto q = readPoint(ctx, p)) pts.push_back(*q);
    if (pts.size() < 2) return std::nullopt;
    const double last = static_cast<double>(pts.size() - 1);
    auto at = [&](double t) {
      const double u = std::clamp(t, 0.0, last);
      const auto i = std::min(static_cast<std::size_t>(u), pts.size() - 2);
      return Eigen::Vector3d(pts[i] + (pts[i + 1] - pts[i]) * (u - static_cast<double>(i)));
    };
    std::vector<Eigen::Vector3d> out{at(t0)};
    for (std::size_t i = 0; i < pts.size(); ++i)
      if (static_cast<double>(i) > t0 && static_cast<double>(i) < t1) appendUnique(out, pts[i]);
    appendUnique(out, at(t1));
    return out;
  }
  if (f.isA(c.record(), names::IfcTrimmedCurve)) {
    auto span = trimmedSpan(ctx, c);
    if (!span) return std::nullopt;
    const double unit = span->isLine ? 1.0 : angle;
    return span->points(ctx, t0 * unit, t1 * unit);
  }
  if (f.isA(c.record(), names::IfcCircle) || f.isA(c.record(), names::IfcEllipse)) {
    auto k = conic(ctx, c);
    if (!k) return std::nullopt;
    return arcPoints(ctx, k->frame, k->a, k->b, t0 * angle, (t1 - t0) * angle);
  }
  return std::nullopt;
}

std::vector<Eigen::Vector3d> curvePoints(Context& ctx, std::uint64_t curveId) { return curveImpl(ctx, curveId, 0); }

}  // namespace cim::io::ifc
