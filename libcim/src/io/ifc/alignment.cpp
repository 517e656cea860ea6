#include "io/ifc/alignment.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

#include "core/limits.h"
#include "io/ifc/axis_placement.h"

namespace cim::io::ifc {

namespace {

using Vec2 = Eigen::Vector2d;
using Mat2 = Eigen::Matrix2d;

// 5-point Gauss-Legendre on [-1, 1]: exact for polynomials up to degree 9, so a few panels integrate the smooth
// integrands of spirals and polynomial arc lengths to ~1e-12.
constexpr std::array<double, 5> kGaussX = {0.0, -0.5384693101056831, 0.5384693101056831, -0.9061798459386640,
                                           0.9061798459386640};
constexpr std::array<double, 5> kGaussW = {0.5688888888888889, 0.4786286704993665, 0.4786286704993665,
                                           0.2369268850561891, 0.2369268850561891};

template <class F>
auto integrate(F f, double a, double b, int panels) {
  using R = decltype(f(a));
  R sum = f(a) * 0.0;
  const double h = (b - a) / panels;
  for (int p = 0; p < panels; ++p) {
    const double mid = a + (p + 0.5) * h;
    for (std::size_t i = 0; i < kGaussX.size(); ++i) sum += kGaussW[i] * f(mid + 0.5 * h * kGaussX[i]);
  }
  return R(sum * (0.5 * h));
}

Vec2 leftOf(const Vec2& d) { return Vec2(-d.y(), d.x()); }

enum class ParentKind { Line, Circle, Clothoid, Polynomial };

// A parent curve of an IfcCurveSegment in its own 2D coordinates (its Position applied), metres, evaluated by its
// natural parameter: line and polynomial as IFC parameterises them, circle by angle (radians), clothoid by arc length.
struct Parent {
  ParentKind kind = ParentKind::Line;
  Vec2 origin = Vec2::Zero();
  Mat2 rot = Mat2::Identity();
  Vec2 dir = Vec2::UnitX();   // line: unit direction
  double speed = 1;           // line: metres per parameter unit (the IfcVector's magnitude)
  double radius = 0;          // circle, metres
  double a = 0;               // clothoid constant, metres (sign = turning direction for positive arc length)
  std::vector<double> cx, cy; // polynomial coefficients in file units
  double unit = 1;            // polynomial: metres per file length unit

  // Point and derivative d(point)/d(parameter) at natural parameter t.
  void eval(double t, Vec2& p, Vec2& d) const {
    p = Vec2::Zero();
    d = Vec2::UnitX();
    switch (kind) {
      case ParentKind::Line:
        p = dir * speed * t;
        d = dir * speed;
        break;
      case ParentKind::Circle:
        p = radius * Vec2(std::cos(t), std::sin(t));
        d = radius * Vec2(-std::sin(t), std::cos(t));
        break;
      case ParentKind::Clothoid: {
        // Heading theta(s) = s^2 / (2 A |A|): curvature s / (A |A|) grows linearly with arc length.
        const double k = 1.0 / (2.0 * a * std::abs(a));
        const int panels = 1 + cim::detail::clampToInt(std::abs(t) / 10.0 + k * t * t / 0.1, 0, 1 << 16);
        p = integrate([&](double s) { return Vec2(std::cos(k * s * s), std::sin(k * s * s)); }, 0.0, t, panels);
        d = Vec2(std::cos(k * t * t), std::sin(k * t * t));
        break;
      }
      case ParentKind::Polynomial: {
        const double u = t;  // file units
        double x = 0, y = 0, dx = 0, dy = 0, pw = 1;
        for (std::size_t i = 0; i < std::max(cx.size(), cy.size()); ++i) {
          const double ci = i < cx.size() ? cx[i] : 0.0, di = i < cy.size() ? cy[i] : 0.0;
          x += ci * pw;
          y += di * pw;
          if (i + 1 < std::max(cx.size(), cy.size())) {
            const double cn = i + 1 < cx.size() ? cx[i + 1] : 0.0, dn = i + 1 < cy.size() ? cy[i + 1] : 0.0;
            dx += static_cast<double>(i + 1) * cn * pw;
            dy += static_cast<double>(i + 1) * dn * pw;
          }
          pw *= u;
        }
        p = Vec2(x, y) * unit;
        d = Vec2(dx, dy);  // metres per metre: u and x are both in file units
        break;
      }
    }
    p = origin + rot * p;
    d = rot * d;
  }

  // Signed arc length (metres) from parameter t0 to t1.
  double arc(double t0, double t1) const {
    switch (kind) {
      case ParentKind::Line: return (t1 - t0) * speed;
      case ParentKind::Circle: return (t1 - t0) * radius;
      case ParentKind::Clothoid: return t1 - t0;
      case ParentKind::Polynomial: {
        const int panels = 4 + cim::detail::clampToInt(std::abs(t1 - t0) * unit / 20.0, 0, 1 << 16);
        return integrate(
                   [&](double t) {
                     Vec2 p, d;
                     eval(t, p, d);
                     return d.norm();
                   },
                   t0, t1, panels) *
               unit;
      }
    }
    return 0;
  }

  // Parameter reached after signed arc length s (metres) from t0.
  double paramAfter(double t0, double s) const {
    switch (kind) {
      case ParentKind::Line: return t0 + s / speed;
      case ParentKind::Circle: return t0 + s / radius;
      case ParentKind::Clothoid: return t0 + s;
      case ParentKind::Polynomial: {
        double t = t0 + s / unit;  // Newton on arc(t0, t) = s, from the chord guess
        for (int i = 0; i < 30; ++i) {
          Vec2 p, d;
          eval(t, p, d);
          const double speedHere = std::max(d.norm() * unit, 1e-12);
          const double step = (arc(t0, t) - s) / speedHere;  // file units of parameter
          t -= step;
          if (std::abs(step * unit) < 1e-10) break;
        }
        return t;
      }
    }
    return t0;
  }

  // Largest curvature (1/m) between parameters t0 and t1, for tessellation.
  double maxCurvature(double t0, double t1) const {
    switch (kind) {
      case ParentKind::Line: return 0;
      case ParentKind::Circle: return 1.0 / std::abs(radius);
      case ParentKind::Clothoid: return std::max(std::abs(t0), std::abs(t1)) / (a * a);
      case ParentKind::Polynomial: {
        double k = 0;
        for (int i = 0; i <= 16; ++i) {  // sampled: the curvature of a low-order polynomial varies slowly
          const double t = t0 + (t1 - t0) * i / 16.0, h = 1e-4 * std::max(1.0, std::abs(t1 - t0));
          Vec2 p, d0, d1;
          eval(t - h, p, d0);
          eval(t + h, p, d1);
          const double n = d0.norm();
          if (n > 1e-12) k = std::max(k, std::abs(std::atan2(d0.x() * d1.y() - d0.y() * d1.x(), d0.dot(d1))) /
                                             (2 * h * n * unit));
        }
        return k;
      }
    }
    return 0;
  }
};

}  // namespace

class PlanarSegment {
 public:
  Parent parent;
  double t0 = 0;      // natural parameter at the segment start
  double sense = 1;   // +1: travel with increasing parameter
  double length = 0;  // metres, >= 0
  Mat2 map = Mat2::Identity();
  Vec2 from = Vec2::Zero(), to = Vec2::Zero();

  // Point and unit direction of travel at arc length u (metres) from the segment start, in the layout's frame.
  void at(double u, Vec2& p, Vec2& dir) const {
    Vec2 q, d;
    parent.eval(parent.paramAfter(t0, sense * u), q, d);
    p = to + map * (q - from);
    const double n = d.norm();
    dir = map * (n > 0 ? Vec2(sense * d / n) : Vec2::UnitX());
  }

  double maxCurvature() const { return parent.maxCurvature(t0, parent.paramAfter(t0, sense * length)); }

  // Arc lengths from the start at which a chord polyline stays within `tol` metres: sagitta L^2 k / 8 <= tol.
  int pieces(double tol) const {
    const double k = maxCurvature();
    if (!(k > 0) || length <= 0) return 1;
    const double step = std::sqrt(8.0 * std::max(tol, 1e-6) / k);
    return cim::detail::clampToInt(std::ceil(length / step), 1, 4096);
  }
};

namespace {

// Typed curve measure (IfcLengthMeasure / IfcNonNegativeLengthMeasure / IfcParameterValue): value and whether it is a
// parameter rather than a length.
struct Measure {
  double value = 0;
  bool parameter = false;
};

std::optional<Measure> measureOf(const Instance& it, std::string_view name) {
  const Value* v = it.get(name);
  if (!v) return std::nullopt;
  auto n = numberOf(it.attributes(), *v);
  if (!n || !std::isfinite(*n)) return std::nullopt;
  return Measure{*n, v->kind == ValueKind::Typed && v->raw == names::IfcParameterValue};
}

// 2D part of an IfcAxis2Placement2D/3D (rotation about z and x-y translation), metres.
void placement2d(Context& ctx, std::uint64_t id, Mat2& rot, Vec2& origin) {
  const Eigen::Affine3d t = axis2Placement(ctx, id);
  rot = t.linear().topLeftCorner<2, 2>();
  origin = t.translation().head<2>();
}

// Reads the parent curve; false (reported) when its type is not supported.
bool readParent(Context& ctx, std::uint64_t id, Parent& out) {
  Instance c;
  if (!c.load(ctx.file, id)) {
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, id, "parent curve cannot be read: " + c.error());
    return false;
  }
  const auto& f = ctx.file;
  const double s = ctx.units.lengthToMeters;
  if (f.isA(c.record(), names::IfcLine)) {
    out.kind = ParentKind::Line;
    if (auto pnt = c.ref("Pnt"))
      if (auto p = readPoint(ctx, *pnt)) out.origin = p->head<2>();
    Instance vec;
    if (auto vid = c.ref("Dir"); vid && vec.load(f, *vid)) {
      if (auto o = vec.ref("Orientation"))
        if (auto d = readDirection(ctx, *o); d && d->head<2>().norm() > 1e-12) out.dir = d->head<2>().normalized();
      out.speed = vec.real("Magnitude").value_or(1.0) * s;
    }
    if (!(out.speed > 0)) out.speed = 1;
    return true;
  }
  if (f.isA(c.record(), names::IfcCircle)) {
    out.kind = ParentKind::Circle;
    out.radius = c.real("Radius").value_or(0.0) * s;
    if (auto pos = c.ref("Position")) placement2d(ctx, *pos, out.rot, out.origin);
    if (out.radius > 0) return true;
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, id, "circle without a positive radius");
    return false;
  }
  if (f.isA(c.record(), names::IfcClothoid)) {
    out.kind = ParentKind::Clothoid;
    out.a = c.real("ClothoidConstant").value_or(0.0) * s;
    if (auto pos = c.ref("Position")) placement2d(ctx, *pos, out.rot, out.origin);
    if (out.a != 0 && std::isfinite(out.a)) return true;
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, id, "clothoid with a zero constant");
    return false;
  }
  if (f.isA(c.record(), names::IfcPolynomialCurve)) {
    out.kind = ParentKind::Polynomial;
    out.cx = c.reals("CoefficientsX");
    out.cy = c.reals("CoefficientsY");
    out.unit = s;
    if (auto pos = c.ref("Position")) placement2d(ctx, *pos, out.rot, out.origin);
    if (!c.reals("CoefficientsZ").empty())
      ctx.report(Severity::Warning, ErrorCode::InvalidElement, id, "polynomial curve: CoefficientsZ ignored in a 2D layout");
    return true;
  }
  ctx.report(Severity::Warning, ErrorCode::IfcItemNotRead, id,
             "parent curve " + std::string(c.entity().name) +
                 " is not supported yet; its segment is drawn as a straight line along the segment's placement");
  return false;
}

// One IfcCurveSegment as a PlanarSegment; nullptr (reported) when unreadable.
std::unique_ptr<PlanarSegment> readSegment(Context& ctx, std::uint64_t id) {
  Instance seg;
  if (!seg.load(ctx.file, id) || !ctx.file.isA(seg.record(), names::IfcCurveSegment)) {
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, id, "segment is not a readable IfcCurveSegment");
    return nullptr;
  }
  auto out = std::make_unique<PlanarSegment>();
  Mat2 rot = Mat2::Identity();
  Vec2 origin = Vec2::Zero();
  if (auto pl = seg.ref("Placement")) placement2d(ctx, *pl, rot, origin);
  auto start = measureOf(seg, "SegmentStart");
  auto length = measureOf(seg, "SegmentLength");
  if (!start || !length) {
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, id, "curve segment without SegmentStart or SegmentLength");
    return nullptr;
  }
  const double s = ctx.units.lengthToMeters;
  auto parentId = seg.ref("ParentCurve");
  if (!parentId || !readParent(ctx, *parentId, out->parent)) {
    // Fallback: a straight line along the placement, as long as the segment says (lengths only).
    out->parent = Parent{};
    out->t0 = 0;
    out->sense = 1;
    out->length = length->parameter ? 0.0 : std::abs(length->value) * s;
  } else {
    Parent& p = out->parent;
    // Lengths are arc lengths along the parent; parameters are its own parameter (plane angle units for circles).
    const double angle = p.kind == ParentKind::Circle ? ctx.units.angleToRadians : 1.0;
    out->t0 = start->parameter ? start->value * angle : p.paramAfter(0.0, start->value * s);
    double t1;
    if (length->parameter) {
      t1 = out->t0 + length->value * angle;
    } else {
      t1 = p.paramAfter(out->t0, length->value * s);
    }
    const double arc = p.arc(out->t0, t1);
    out->sense = arc < 0 ? -1.0 : 1.0;
    out->length = std::abs(arc);
  }
  // Place the parent so that its start point and direction of travel are the placement's origin and x axis.
  Vec2 q0, d0;
  out->parent.eval(out->t0, q0, d0);
  const Vec2 travel = d0.norm() > 0 ? Vec2(out->sense * d0.normalized()) : Vec2::UnitX();
  Mat2 r0;
  r0.col(0) = travel;
  r0.col(1) = leftOf(travel);
  out->map = rot * r0.transpose();
  out->from = q0;
  out->to = origin;
  if (!std::isfinite(out->length)) return nullptr;
  return out;
}

// The IfcCurveSegment items of a composite curve, in order; zero-length end markers are dropped.
std::vector<std::unique_ptr<PlanarSegment>> readSegments(Context& ctx, const Instance& curve) {
  std::vector<std::unique_ptr<PlanarSegment>> out;
  for (auto id : curve.refs("Segments"))
    if (auto seg = readSegment(ctx, id); seg && seg->length > 0) out.push_back(std::move(seg));
  return out;
}

// Segment index and local arc length for horizontal distance d.
std::pair<std::size_t, double> locate(const std::vector<double>& starts, double d) {
  auto it = std::upper_bound(starts.begin(), starts.end(), d);
  const std::size_t i = it == starts.begin() ? 0 : static_cast<std::size_t>(it - starts.begin()) - 1;
  return {i, d - starts[i]};
}

}  // namespace

AlignmentCurve::~AlignmentCurve() = default;
AlignmentCurve::AlignmentCurve(AlignmentCurve&&) noexcept = default;

bool isSegmentedCurve(Context& ctx, std::uint64_t curveId) {
  Instance c;
  if (!c.load(ctx.file, curveId)) return false;
  if (ctx.file.isA(c.record(), names::IfcCurveSegment)) return true;
  if (!ctx.file.isA(c.record(), names::IfcCompositeCurve)) return false;
  const auto segs = c.refs("Segments");
  if (segs.empty()) return false;
  const auto first = ctx.file.find(segs.front());
  return first && ctx.file.isA(*first, names::IfcCurveSegment);
}

std::optional<AlignmentCurve> AlignmentCurve::build(Context& ctx, std::uint64_t curveId) {
  Instance c;
  if (!c.load(ctx.file, curveId)) {
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, curveId, "curve cannot be read: " + c.error());
    return std::nullopt;
  }
  const auto& f = ctx.file;
  AlignmentCurve out;
  if (f.isA(c.record(), names::IfcSegmentedReferenceCurve)) {
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, curveId,
               "cant (IfcSegmentedReferenceCurve) is not applied yet; its base curve is used");
    auto base = c.ref("BaseCurve");
    if (!base) return std::nullopt;
    return build(ctx, *base);
  }
  if (f.isA(c.record(), names::IfcGradientCurve)) {
    auto base = c.ref("BaseCurve");
    Instance b;
    if (!base || !b.load(f, *base) || !f.isA(b.record(), names::IfcCompositeCurve)) {
      ctx.report(Severity::Warning, ErrorCode::InvalidElement, curveId, "gradient curve without a composite BaseCurve");
      return std::nullopt;
    }
    out.horizontal_ = readSegments(ctx, b);
    out.vertical_ = readSegments(ctx, c);
  } else if (f.isA(c.record(), names::IfcCompositeCurve)) {
    out.horizontal_ = readSegments(ctx, c);
  } else if (f.isA(c.record(), names::IfcCurveSegment)) {
    if (auto seg = readSegment(ctx, curveId); seg && seg->length > 0) out.horizontal_.push_back(std::move(seg));
  } else {
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, curveId,
               "curve " + std::string(c.entity().name) + " cannot be evaluated by distance along");
    return std::nullopt;
  }
  if (out.horizontal_.empty()) {
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, curveId, "alignment curve has no segment of positive length");
    return std::nullopt;
  }
  double d = 0;
  for (const auto& s : out.horizontal_) {
    out.starts_.push_back(d);
    d += s->length;
  }
  out.length_ = d;
  return out;
}

CurveFrame AlignmentCurve::frameAt(double distance) const {
  const auto [i, u] = locate(starts_, distance);
  const auto& seg = *horizontal_[i];
  Vec2 p, h;
  if (u < 0) {  // before the start: continue the start tangent
    seg.at(0, p, h);
    p += h * u;
  } else if (u > seg.length) {  // past the end (only the last segment can be passed): continue the end tangent
    seg.at(seg.length, p, h);
    p += h * (u - seg.length);
  } else {
    seg.at(u, p, h);
  }
  double z = 0, slope = 0;
  if (!vertical_.empty()) {
    // The vertical segment holding this distance: x of its points is distance along, y is height.
    std::size_t k = 0;
    Vec2 a, da, b, db;
    for (; k < vertical_.size(); ++k) {
      vertical_[k]->at(vertical_[k]->length, b, db);
      if (distance <= b.x() || k + 1 == vertical_.size()) break;
    }
    const auto& v = *vertical_[k];
    v.at(0, a, da);
    v.at(v.length, b, db);
    Vec2 q, dq;
    if (distance <= a.x()) {  // before the profile's start: continue its start tangent
      q = a + da * ((distance - a.x()) / std::max(da.x(), 1e-12));
      dq = da;
    } else if (distance >= b.x()) {  // past its end: continue the end tangent
      q = b + db * ((distance - b.x()) / std::max(db.x(), 1e-12));
      dq = db;
    } else {  // bisection: x grows along a vertical segment
      double lo = 0, hi = v.length;
      for (int it = 0; it < 60 && hi - lo > 1e-10; ++it) {
        const double mid = 0.5 * (lo + hi);
        v.at(mid, q, dq);
        (q.x() < distance ? lo : hi) = mid;
      }
      v.at(0.5 * (lo + hi), q, dq);
    }
    z = q.y();
    slope = dq.x() > 1e-12 ? dq.y() / dq.x() : 0.0;
  }
  CurveFrame f;
  f.point = Eigen::Vector3d(p.x(), p.y(), z);
  const Eigen::Vector3d x = Eigen::Vector3d(h.x(), h.y(), slope).normalized();
  const Eigen::Vector3d y(-h.y(), h.x(), 0.0);
  f.axes.col(0) = x;
  f.axes.col(1) = y;
  f.axes.col(2) = x.cross(y).normalized();
  return f;
}

std::vector<double> AlignmentCurve::sampleDistances(double chordTolerance) const {
  std::vector<double> d;
  for (std::size_t i = 0; i < horizontal_.size(); ++i) {
    const int n = horizontal_[i]->pieces(chordTolerance);
    for (int k = 0; k < n; ++k) d.push_back(starts_[i] + horizontal_[i]->length * k / n);
  }
  d.push_back(length_);
  for (const auto& v : vertical_) {
    Vec2 a, da, b, db;
    v->at(0, a, da);
    v->at(v->length, b, db);
    const int n = v->pieces(chordTolerance);
    for (int k = 0; k <= n; ++k) {
      const double x = a.x() + (b.x() - a.x()) * k / n;
      if (x > 0 && x < length_) d.push_back(x);
    }
  }
  std::sort(d.begin(), d.end());
  d.erase(std::unique(d.begin(), d.end(), [](double a, double b) { return std::abs(a - b) < 1e-6; }), d.end());
  return d;
}

std::optional<LinearPosition> readLinearPosition(Context& ctx, std::uint64_t placementId) {
  Instance pl;
  if (!pl.load(ctx.file, placementId)) {
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, placementId, "linear placement cannot be read: " + pl.error());
    return std::nullopt;
  }
  auto locId = pl.ref("Location");
  Instance loc;
  if (!locId || !loc.load(ctx.file, *locId) || !ctx.file.isA(loc.record(), names::IfcPointByDistanceExpression)) {
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, placementId,
               "IfcAxis2PlacementLinear location is not an IfcPointByDistanceExpression");
    return std::nullopt;
  }
  auto along = measureOf(loc, "DistanceAlong");
  auto curveId = loc.ref("BasisCurve");
  if (!along || !curveId) {
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, loc.id(), "point by distance without DistanceAlong or BasisCurve");
    return std::nullopt;
  }
  const double s = ctx.units.lengthToMeters;
  if (along->parameter)
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, loc.id(),
               "DistanceAlong given as IfcParameterValue; taken as a length along the curve");
  LinearPosition out;
  out.curveId = *curveId;
  out.distance = along->value * s;
  out.offset = Eigen::Vector3d(loc.real("OffsetLongitudinal").value_or(0.0) * s,
                               loc.real("OffsetLateral").value_or(0.0) * s, loc.real("OffsetVertical").value_or(0.0) * s);
  // Axis / RefDirection turn the placement within the curve's frame, as an IfcAxis2Placement3D would.
  out.local = buildAxes(ctx, pl, true);
  return out;
}

std::optional<Eigen::Affine3d> axis2PlacementLinear(Context& ctx, std::uint64_t placementId) {
  auto pos = readLinearPosition(ctx, placementId);
  if (!pos) return std::nullopt;
  auto curve = alignmentCurve(ctx, pos->curveId);
  if (!curve) return std::nullopt;
  const double slack = 0.01;  // metres: rounding of stationing at the curve's ends
  if (pos->distance < -slack || pos->distance > curve->length() + slack)
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, placementId,
               "DistanceAlong lies outside the basis curve (length " + std::to_string(curve->length()) +
                   " m); the curve's end tangent is continued");
  const CurveFrame frame = curve->frameAt(pos->distance);
  Eigen::Affine3d t = Eigen::Affine3d::Identity();
  t.linear() = frame.axes * pos->local;
  t.translation() = frame.point + frame.axes * pos->offset;
  return t;
}

std::vector<Eigen::Vector3d> alignmentCurvePoints(Context& ctx, std::uint64_t curveId) {
  std::vector<Eigen::Vector3d> out;
  auto curve = alignmentCurve(ctx, curveId);
  if (!curve) return out;
  for (double d : curve->sampleDistances(ctx.chordTolerance)) out.push_back(curve->frameAt(d).point);
  return out;
}

std::shared_ptr<const AlignmentCurve> alignmentCurve(Context& ctx, std::uint64_t curveId) {
  if (auto cached = ctx.alignmentCurves.find(curveId)) return *cached;
  std::shared_ptr<const AlignmentCurve> built;
  if (auto c = AlignmentCurve::build(ctx, curveId)) built = std::make_shared<const AlignmentCurve>(std::move(*c));
  return ctx.alignmentCurves.insert(curveId, std::move(built));
}

}  // namespace cim::io::ifc
