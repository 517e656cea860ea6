#include "io/ifc/surfaces.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <memory>
#include <numbers>

#include <Eigen/Geometry>

#include "cim/geometry/triangulate.h"
#include "core/limits.h"
#include "io/ifc/axis_placement.h"
#include "io/ifc/bspline.h"
#include "io/ifc/curves.h"
#include "io/ifc/edges.h"
#include "io/ifc/profiles.h"

namespace cim::io::ifc {

namespace {

using V2 = Eigen::Vector2d;
using V3 = Eigen::Vector3d;

constexpr double kPi = std::numbers::pi;

// ---------------------------------------------------------------------------------------------------------------
// Surfaces as parametric maps (u, v) -> point, with an inverse for boundary points.

struct Surface {
  std::function<V3(double, double)> at;  ///< periodic parameters are wrapped by the map itself
  /// Parameters of the surface point closest to p; `hint` (the previous boundary point's) when there is one.
  std::function<V2(const V3&, const V2* hint)> invert;
  bool periodic[2] = {false, false};
  double period[2] = {0, 0};
};

double wrapInto(double t, double lo, double period) {
  const double r = std::fmod(t - lo, period);
  return lo + (r < 0 ? r + period : r);
}

// Gauss-Newton on |S(u,v) - p|^2 from `start`, with central-difference derivatives; non-periodic parameters stay in
// [lo, hi].
V2 newton(const Surface& s, const V3& p, V2 uv, const V2& lo, const V2& hi) {
  const V2 range = hi - lo;
  for (int it = 0; it < 30; ++it) {
    const V3 q = s.at(uv.x(), uv.y());
    V3 d[2];
    for (int k = 0; k < 2; ++k) {
      const double h = 1e-6 * range[k];
      V2 a = uv, b = uv;
      a[k] -= h;
      b[k] += h;
      if (!s.periodic[k]) {
        a[k] = std::max(a[k], lo[k]);
        b[k] = std::min(b[k], hi[k]);
      }
      d[k] = (s.at(b.x(), b.y()) - s.at(a.x(), a.y())) / std::max(b[k] - a[k], 1e-300);
    }
    Eigen::Matrix2d jtj;
    jtj << d[0].dot(d[0]), d[0].dot(d[1]), d[0].dot(d[1]), d[1].dot(d[1]);
    const V2 jtr(d[0].dot(p - q), d[1].dot(p - q));
    if (std::abs(jtj.determinant()) < 1e-300) break;
    V2 step = jtj.inverse() * jtr;
    // Do not jump more than a quarter of the domain at once.
    for (int k = 0; k < 2; ++k) step[k] = std::clamp(step[k], -0.25 * range[k], 0.25 * range[k]);
    uv += step;
    for (int k = 0; k < 2; ++k)
      if (!s.periodic[k]) uv[k] = std::clamp(uv[k], lo[k], hi[k]);
    if (std::abs(step.x()) < 1e-12 * range.x() && std::abs(step.y()) < 1e-12 * range.y()) break;
  }
  return uv;
}

std::optional<Surface> bsplineSurface(Context& ctx, const Instance& si) {
  std::string why;
  auto read = readBSplineSurface(ctx, si, why);
  if (!read) {
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, si.id(), "B-spline surface cannot be evaluated: " + why);
    return std::nullopt;
  }
  auto b = std::make_shared<BSplineSurface>(std::move(*read));
  const V2 lo(b->uStart(), b->vStart()), hi(b->uEnd(), b->vEnd());
  Surface s;
  // A closed direction whose two boundary curves coincide is treated as periodic (evaluation wraps), so boundary
  // loops that cross the seam can be unwrapped into one piece of parameter space.
  auto edgesMeet = [&](int dir) {
    double size = 0;
    for (const auto& p : b->points) size = std::max(size, p.cwiseAbs().maxCoeff());
    for (int k = 0; k <= 4; ++k) {
      const double t = dir == 0 ? lo.y() + (hi.y() - lo.y()) * k / 4 : lo.x() + (hi.x() - lo.x()) * k / 4;
      const V3 a = dir == 0 ? b->at(lo.x(), t) : b->at(t, lo.y());
      const V3 c = dir == 0 ? b->at(hi.x(), t) : b->at(t, hi.y());
      if ((a - c).norm() > 1e-6 * std::max(1.0, size)) return false;
    }
    return true;
  };
  const bool closedU = si.enumeration("UClosed").value_or("F") == "T" || edgesMeet(0);
  const bool closedV = si.enumeration("VClosed").value_or("F") == "T" || edgesMeet(1);
  s.periodic[0] = closedU && edgesMeet(0);
  s.periodic[1] = closedV && edgesMeet(1);
  s.period[0] = hi.x() - lo.x();
  s.period[1] = hi.y() - lo.y();
  const bool pu = s.periodic[0], pv = s.periodic[1];
  s.at = [b, lo, pu, pv, per = V2(s.period[0], s.period[1])](double u, double v) {
    return b->at(pu ? wrapInto(u, lo.x(), per.x()) : u, pv ? wrapInto(v, lo.y(), per.y()) : v);
  };
  // Start points for the inversion: a coarse grid, 6 samples per knot span each way (at most 48).
  const int gu = std::clamp(6 * (b->nu - b->uDegree), 8, 48), gv = std::clamp(6 * (b->nv - b->vDegree), 8, 48);
  auto grid = std::make_shared<std::vector<std::pair<V2, V3>>>();
  for (int i = 0; i <= gu; ++i)
    for (int j = 0; j <= gv; ++j) {
      const V2 uv(lo.x() + (hi.x() - lo.x()) * i / gu, lo.y() + (hi.y() - lo.y()) * j / gv);
      grid->emplace_back(uv, b->at(uv.x(), uv.y()));
    }
  const double tol = ctx.chordTolerance;
  s.invert = [s0 = s, grid, lo, hi, tol](const V3& p, const V2* hint) {
    if (hint) {
      const V2 uv = newton(s0, p, *hint, lo, hi);
      if ((s0.at(uv.x(), uv.y()) - p).norm() < tol) return uv;
    }
    const auto best = std::min_element(grid->begin(), grid->end(), [&](const auto& a, const auto& c) {
      return (a.second - p).squaredNorm() < (c.second - p).squaredNorm();
    });
    V2 uv = newton(s0, p, best->first, lo, hi);
    if (hint) {  // keep the unwrapped branch of the previous point on periodic parameters
      for (int k = 0; k < 2; ++k)
        if (s0.periodic[k]) uv[k] = (*hint)[k] + std::remainder(uv[k] - (*hint)[k], s0.period[k]);
    }
    return uv;
  };
  return s;
}

std::optional<Surface> elementarySurface(Context& ctx, const Instance& si) {
  Eigen::Affine3d frame = Eigen::Affine3d::Identity();
  if (auto pos = si.ref("Position")) frame = axis2Placement(ctx, *pos);
  const Eigen::Affine3d inv = frame.inverse();
  const double m = ctx.units.lengthToMeters;
  Surface s;
  const auto& f = ctx.file;
  if (f.isA(si.record(), names::IfcCylindricalSurface)) {
    const double r = si.real("Radius").value_or(0.0) * m;
    if (!(r > 0)) return std::nullopt;
    s.periodic[0] = true;
    s.period[0] = 2 * kPi;
    s.at = [frame, r](double u, double v) { return V3(frame * V3(r * std::cos(u), r * std::sin(u), v)); };
    s.invert = [inv](const V3& p, const V2*) {
      const V3 l = inv * p;
      return V2(std::atan2(l.y(), l.x()), l.z());
    };
    return s;
  }
  if (f.isA(si.record(), names::IfcSphericalSurface)) {
    const double r = si.real("Radius").value_or(0.0) * m;
    if (!(r > 0)) return std::nullopt;
    s.periodic[0] = true;
    s.period[0] = 2 * kPi;
    s.at = [frame, r](double u, double v) {
      return V3(frame * V3(r * std::cos(v) * std::cos(u), r * std::cos(v) * std::sin(u), r * std::sin(v)));
    };
    s.invert = [inv](const V3& p, const V2*) {
      const V3 l = inv * p;
      return V2(std::atan2(l.y(), l.x()), std::atan2(l.z(), std::hypot(l.x(), l.y())));
    };
    return s;
  }
  if (f.isA(si.record(), names::IfcToroidalSurface)) {
    const double big = si.real("MajorRadius").value_or(0.0) * m, small = si.real("MinorRadius").value_or(0.0) * m;
    if (!(big > 0) || !(small > 0)) return std::nullopt;
    s.periodic[0] = s.periodic[1] = true;
    s.period[0] = s.period[1] = 2 * kPi;
    s.at = [frame, big, small](double u, double v) {
      const double rho = big + small * std::cos(v);
      return V3(frame * V3(rho * std::cos(u), rho * std::sin(u), small * std::sin(v)));
    };
    s.invert = [inv, big](const V3& p, const V2*) {
      const V3 l = inv * p;
      return V2(std::atan2(l.y(), l.x()), std::atan2(l.z(), std::hypot(l.x(), l.y()) - big));
    };
    return s;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------------------------
// Swept surfaces (IfcSurfaceOfRevolution, IfcSurfaceOfLinearExtrusion). The swept curve is sampled to the chord
// tolerance and parameterised by arc length along that polyline (extrapolated along its end segments), so the
// surface is the one every other curve of the reader would draw. As in ISO 10303-42, revolution has u = the angle
// about the axis and v = the curve parameter, extrusion u = the curve parameter and v = the distance along the
// direction; either way Su x Sv is the surface normal.

struct SweptCurve {
  std::vector<V3> pts;
  std::vector<double> len;  ///< cumulative arc length at each point
  bool closed = false;

  double length() const { return len.back(); }
  V3 at(double t) const {
    if (closed) t = wrapInto(t, 0.0, length());
    const auto it = std::upper_bound(len.begin(), len.end(), t);
    const std::size_t i = std::clamp<std::size_t>(static_cast<std::size_t>(it - len.begin()), 1, len.size() - 1) - 1;
    const double span = len[i + 1] - len[i];
    return pts[i] + (pts[i + 1] - pts[i]) * ((t - len[i]) / (span > 0 ? span : 1.0));
  }
  /// Parameter of the polyline point nearest q, distances measured by `metric` (a projection of both).
  template <typename Metric>
  double nearest(const Metric& metric, const V3& q) const {
    const auto mq = metric(q);
    double best = 1e300, bestT = 0;
    auto a = metric(pts[0]);
    for (std::size_t i = 0; i + 1 < pts.size(); ++i) {
      const auto b = metric(pts[i + 1]);
      const auto ab = (b - a).eval();
      const double l2 = ab.squaredNorm();
      const double f = l2 > 0 ? std::clamp((mq - a).dot(ab) / l2, 0.0, 1.0) : 0.0;
      const double d = (mq - (a + f * ab)).squaredNorm();
      if (d < best) best = d, bestT = len[i] + f * (len[i + 1] - len[i]);
      a = b;
    }
    return bestT;
  }
};

// The swept curve of an IfcSweptSurface: its profile's curve (IfcArbitraryOpenProfileDef.Curve,
// IfcArbitraryClosedProfileDef.OuterCurve) or the outer ring of any other profile, in the surface's Position frame.
std::optional<SweptCurve> sweptCurve(Context& ctx, const Instance& si, const Eigen::Affine3d& frame) {
  auto profileId = si.ref("SweptCurve");
  Instance profile;
  if (!profileId || !profile.load(ctx.file, *profileId)) return std::nullopt;
  SweptCurve c;
  if (auto curve = profile.ref("Curve")) {
    c.pts = curvePoints(ctx, *curve);
  } else if (auto outer = profile.ref("OuterCurve")) {
    c.pts = curvePoints(ctx, *outer);
    c.closed = true;
  } else {
    auto polys = profilePolygons(ctx, *profileId);
    if (!polys.empty() && !polys[0].rings.empty()) c.pts = polys[0].rings[0];
    c.closed = true;
  }
  if (c.closed) {
    dropClosingPoint(c.pts);
    if (c.pts.size() >= 3) c.pts.push_back(c.pts.front());
    else c.closed = false;
  }
  if (c.pts.size() < 2) return std::nullopt;
  c.len.push_back(0);
  for (auto& p : c.pts) p = frame * p;
  for (std::size_t i = 1; i < c.pts.size(); ++i) c.len.push_back(c.len.back() + (c.pts[i] - c.pts[i - 1]).norm());
  if (!(c.length() > 0)) return std::nullopt;
  return c;
}

std::optional<Surface> sweptSurface(Context& ctx, const Instance& si) {
  Eigen::Affine3d frame = Eigen::Affine3d::Identity();
  if (auto pos = si.ref("Position")) frame = axis2Placement(ctx, *pos);
  auto curve = sweptCurve(ctx, si, frame);
  if (!curve) {
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, si.id(), "swept surface: its profile gives no curve");
    return std::nullopt;
  }
  auto c = std::make_shared<SweptCurve>(std::move(*curve));
  const double period = c->length();
  Surface s;
  if (ctx.file.isA(si.record(), names::IfcSurfaceOfLinearExtrusion)) {
    V3 d = V3::UnitZ();
    if (auto dir = si.ref("ExtrudedDirection"))
      if (auto r = readDirection(ctx, *dir)) d = *r;
    d = (frame.linear() * d).normalized();
    s.periodic[0] = c->closed;
    s.period[0] = period;
    s.at = [c, d](double u, double v) { return V3(c->at(u) + v * d); };
    const Eigen::Matrix3d flat = Eigen::Matrix3d::Identity() - d * d.transpose();  // projection along d
    s.invert = [c, d, flat](const V3& p, const V2*) {
      const double u = c->nearest([&](const V3& x) { return V3(flat * x); }, p);
      return V2(u, (p - c->at(u)).dot(d));
    };
    return s;
  }
  // IfcSurfaceOfRevolution: AxisPosition (an IfcAxis1Placement in the Position frame).
  V3 origin = V3::Zero(), axis = V3::UnitZ();
  Instance ap;
  if (auto apId = si.ref("AxisPosition"); apId && ap.load(ctx.file, *apId)) {
    if (auto loc = ap.ref("Location"))
      if (auto p = readPoint(ctx, *loc)) origin = *p;
    if (auto ax = ap.ref("Axis"))
      if (auto r = readDirection(ctx, *ax)) axis = *r;
  }
  origin = frame * origin;
  axis = (frame.linear() * axis).normalized();
  const V3 e1 = axis.unitOrthogonal(), e2 = axis.cross(e1);
  s.periodic[0] = true;
  s.period[0] = 2 * kPi;
  s.periodic[1] = c->closed;
  s.period[1] = period;
  s.at = [c, origin, axis](double u, double v) {
    return V3(origin + Eigen::AngleAxisd(u, axis) * (c->at(v) - origin));
  };
  // Meridian coordinates (distance from the axis, height along it) are unchanged by the rotation: the nearest curve
  // point there gives v, the angle between the point and that curve point about the axis gives u; Gauss-Newton then
  // takes out the error of the meridian's linear interpolation on curves skew to the axis.
  auto meridian = [origin, axis](const V3& x) {
    const V3 w = x - origin;
    const double z = w.dot(axis);
    return V2((w - z * axis).norm(), z);
  };
  auto angleOf = [origin, axis, e1, e2](const V3& x) {
    const V3 w = x - origin;
    return std::atan2(w.dot(e2), w.dot(e1));
  };
  const double extra = 0.5 * period;
  s.invert = [c, meridian, angleOf, s0 = s, extra, period](const V3& p, const V2* hint) {
    const double v = c->nearest(meridian, p);
    V2 uv(angleOf(p) - angleOf(c->at(v)), v);
    if (hint) uv.x() = hint->x() + std::remainder(uv.x() - hint->x(), 2 * kPi);
    return newton(s0, p, uv, V2(uv.x() - kPi, -extra), V2(uv.x() + kPi, period + extra));
  };
  return s;
}

// ---------------------------------------------------------------------------------------------------------------
// Tessellation in parameter space.
//
// Why this way: the bounding edges are shared with the neighbouring faces, so their 3D samples must be used exactly
// as they are (that is what keeps the shell closed); the inside of the face must follow the surface's curvature,
// which only a grid of interior samples does. So the trimming loops are mapped into (u, v), grid cells that lie
// well inside the trimmed region become two triangles each, and the strip between the loops and those cells is
// triangulated as a polygon with holes (the loops plus the outline of the inner cells) in parameter space, scaled so
// that parameter distances are roughly metres. Boundary vertices keep their 3D edge points; grid vertices are
// evaluated on the surface.

struct Loop {
  std::vector<V2> uv;
  std::vector<V3> xyz;
  bool outer = false;
};

bool segmentHitsBox(V2 a, V2 b, const V2& lo, const V2& hi) {
  // Liang-Barsky clipping of a-b against the box.
  double t0 = 0, t1 = 1;
  const V2 d = b - a;
  for (int k = 0; k < 2; ++k) {
    const double p[2] = {-d[k], d[k]}, q[2] = {a[k] - lo[k], hi[k] - a[k]};
    for (int s = 0; s < 2; ++s) {
      if (p[s] == 0) {
        if (q[s] < 0) return false;
      } else {
        const double r = q[s] / p[s];
        if (p[s] < 0) t0 = std::max(t0, r);
        else t1 = std::min(t1, r);
        if (t0 > t1) return false;
      }
    }
  }
  return true;
}

bool insideLoops(const std::vector<Loop>& loops, const V2& q) {
  bool in = false;
  for (const auto& l : loops) {
    const auto& r = l.uv;
    for (std::size_t i = 0, j = r.size() - 1; i < r.size(); j = i++) {
      if ((r[i].y() > q.y()) != (r[j].y() > q.y()) &&
          q.x() < (r[j].x() - r[i].x()) * (q.y() - r[i].y()) / (r[j].y() - r[i].y()) + r[i].x())
        in = !in;
    }
  }
  return in;
}

double distanceToSegment(const V3& p, const V3& a, const V3& b) {
  const V3 ab = b - a;
  const double l2 = ab.squaredNorm();
  const double s = l2 > 0 ? std::clamp((p - a).dot(ab) / l2, 0.0, 1.0) : 0.0;
  return (p - (a + s * ab)).norm();
}

// Cells along parameter `dir` over [lo, hi] so that iso-lines sampled at the cell boundaries are within `tol`.
int cellsAlong(const Surface& s, int dir, const V2& lo, const V2& hi, double tol) {
  const int other = 1 - dir;
  for (int n = 2; n < 256; n *= 2) {
    bool ok = true;
    for (int k = 0; k <= 4 && ok; ++k) {
      V2 uv;
      uv[other] = lo[other] + (hi[other] - lo[other]) * k / 4;
      auto eval = [&](double t) {
        uv[dir] = t;
        return s.at(uv.x(), uv.y());
      };
      for (int i = 0; i < n && ok; ++i) {
        const double t0 = lo[dir] + (hi[dir] - lo[dir]) * i / n, t1 = lo[dir] + (hi[dir] - lo[dir]) * (i + 1) / n;
        if (distanceToSegment(eval(0.5 * (t0 + t1)), eval(t0), eval(t1)) > tol) ok = false;
      }
    }
    if (ok) return n;
  }
  return 256;
}

// Joins the two loops that wind once around periodic parameter `d` into one band polygon, cut along the iso-line of
// the first loop's start. False when the loops do not make such a band.
bool joinBand(Loop& a, Loop b, int d, double period, const Surface& s, Loop& band) {
  auto windIncreasing = [&](Loop& l) {
    const double total = l.uv.back()[d] - l.uv.front()[d] + std::remainder(l.uv.front()[d] - l.uv.back()[d], period);
    if (total < 0) {
      std::reverse(l.uv.begin(), l.uv.end());
      std::reverse(l.xyz.begin(), l.xyz.end());
    }
  };
  windIncreasing(a);
  windIncreasing(b);
  const double c = a.uv.front()[d];
  // Shift b so that it starts at or before c, then find where it crosses c.
  const double k = std::floor((c - b.uv.front()[d]) / period);
  for (auto& p : b.uv) p[d] += k * period;
  const std::size_t n = b.uv.size();
  auto bAt = [&](std::size_t i) {  // i in [0, n]: index n is the first point one period on
    V2 p = b.uv[i % n];
    if (i >= n) p[d] += period;
    return p;
  };
  std::size_t cross = n;
  for (std::size_t i = 0; i < n; ++i)
    if (bAt(i)[d] <= c && bAt(i + 1)[d] > c) {
      cross = i;
      break;
    }
  if (cross == n) return false;
  const V2 p0 = bAt(cross), p1 = bAt(cross + 1);
  const double t = (c - p0[d]) / (p1[d] - p0[d]);
  V2 x = p0 + t * (p1 - p0);
  x[d] = c;
  band = Loop{};
  band.outer = true;
  for (std::size_t i = 0; i < a.uv.size(); ++i) {
    band.uv.push_back(a.uv[i]);
    band.xyz.push_back(a.xyz[i]);
  }
  V2 aEnd = a.uv.front();
  aEnd[d] += period;
  band.uv.push_back(aEnd);
  band.xyz.push_back(a.xyz.front());
  // b from c + period back to c.
  V2 xEnd = x;
  xEnd[d] += period;
  const V3 xPoint = s.at(x.x(), x.y());
  band.uv.push_back(xEnd);
  band.xyz.push_back(xPoint);
  for (std::size_t i = cross + n; i > cross; --i) {
    V2 p = bAt(i % n);
    if (i >= n) p[d] += period;  // bAt(i % n) for i >= n lies one period on
    band.uv.push_back(p);
    band.xyz.push_back(b.xyz[i % n]);
  }
  band.uv.push_back(x);
  band.xyz.push_back(xPoint);
  return true;
}

// Boundary points into parameter space, each loop continuous across periodic seams. Bounds lying far off the surface
// are reported (the face is still drawn).
void toParameterSpace(Context& ctx, std::uint64_t faceId, const Surface& s, std::vector<Loop>& loops) {
  const double tol = ctx.chordTolerance;
  double worst = 0;
  for (auto& l : loops) {
    for (std::size_t i = 0; i < l.xyz.size(); ++i) {
      const V2* hint = i > 0 ? &l.uv.back() : nullptr;
      V2 uv = s.invert(l.xyz[i], hint);
      for (int k = 0; k < 2; ++k)
        if (s.periodic[k] && hint) uv[k] = (*hint)[k] + std::remainder(uv[k] - (*hint)[k], s.period[k]);
      worst = std::max(worst, (s.at(uv.x(), uv.y()) - l.xyz[i]).norm());
      l.uv.push_back(uv);
    }
  }
  if (worst > std::max(10 * tol, 1e-3))
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, faceId,
               "face bounds lie up to " + std::to_string(worst) + " m off the face surface");
}

// Loops that wind around a periodic direction (a band on a cylinder without a seam edge) joined in pairs into one
// band. False (reported) when they do not come in such a pair.
bool joinWindingLoops(Context& ctx, std::uint64_t faceId, const Surface& s, std::vector<Loop>& loops) {
  for (int d = 0; d < 2; ++d) {
    if (!s.periodic[d]) continue;
    std::vector<std::size_t> winding;
    for (std::size_t i = 0; i < loops.size(); ++i) {
      const auto& uv = loops[i].uv;
      const double gap = uv.front()[d] - uv.back()[d];
      if (std::abs(gap - std::remainder(gap, s.period[d])) > 0.5 * s.period[d]) winding.push_back(i);
    }
    if (winding.empty()) continue;
    Loop band;
    if (winding.size() != 2 || !joinBand(loops[winding[0]], loops[winding[1]], d, s.period[d], s, band)) {
      ctx.report(Severity::Warning, ErrorCode::IfcItemNotRead, faceId,
                 std::to_string(winding.size()) + " bound(s) wind around a closed surface without a seam edge; face not supported");
      return false;
    }
    std::vector<Loop> rest{std::move(band)};
    for (std::size_t i = 0; i < loops.size(); ++i)
      if (i != winding[0] && i != winding[1]) rest.push_back(std::move(loops[i]));
    loops = std::move(rest);
  }
  return true;
}

// Drops repeated parameter points (where a band's seam meets a loop vertex they would give the triangulation
// zero-length constraints), then loops left with fewer than three points.
void dropRepeatedPoints(std::vector<Loop>& loops) {
  for (auto& l : loops) {
    Loop clean;
    clean.outer = l.outer;
    for (std::size_t i = 0; i < l.uv.size(); ++i) {
      if (!clean.uv.empty() && (l.uv[i] - clean.uv.back()).norm() < 1e-12) continue;
      clean.uv.push_back(l.uv[i]);
      clean.xyz.push_back(l.xyz[i]);
    }
    while (clean.uv.size() > 1 && (clean.uv.front() - clean.uv.back()).norm() < 1e-12) {
      clean.uv.pop_back();
      clean.xyz.pop_back();
    }
    l = std::move(clean);
  }
  loops.erase(std::remove_if(loops.begin(), loops.end(), [](const Loop& l) { return l.uv.size() < 3; }), loops.end());
}

// The outer loop (an IfcFaceOuterBound, else the one with the largest parameter box) first; the others shifted by
// whole periods next to it.
void outerFirst(const Surface& s, std::vector<Loop>& loops) {
  std::size_t outer = 0;
  double bestArea = -1;
  for (std::size_t i = 0; i < loops.size(); ++i) {
    Eigen::AlignedBox2d box;
    for (const auto& p : loops[i].uv) box.extend(p);
    const double area = box.volume() + (loops[i].outer ? 1e300 : 0.0);
    if (area > bestArea) bestArea = area, outer = i;
  }
  std::swap(loops[0], loops[outer]);
  Eigen::AlignedBox2d outerBox;
  for (const auto& p : loops[0].uv) outerBox.extend(p);
  for (std::size_t i = 1; i < loops.size(); ++i)
    for (int d = 0; d < 2; ++d) {
      if (!s.periodic[d]) continue;
      double mean = 0;
      for (const auto& p : loops[i].uv) mean += p[d];
      mean /= static_cast<double>(loops[i].uv.size());
      const double shift = std::round((outerBox.center()[d] - mean) / s.period[d]) * s.period[d];
      for (auto& p : loops[i].uv) p[d] += shift;
    }
}

// Metric scale of each parameter over [lo, hi] (average speed), so the triangulation works on near-isotropic
// coordinates; 1 where it cannot be measured.
V2 parameterScale(const Surface& s, const V2& lo, const V2& hi) {
  V2 scale(0, 0);
  for (int i = 0; i <= 2; ++i)
    for (int j = 0; j <= 2; ++j) {
      const V2 uv = lo + V2((hi - lo).x() * i / 2, (hi - lo).y() * j / 2);
      for (int k = 0; k < 2; ++k) {
        const double h = 1e-4 * (hi - lo)[k];
        V2 a = uv, b = uv;
        b[k] += h;
        scale[k] += (s.at(b.x(), b.y()) - s.at(a.x(), a.y())).norm() / h / 9.0;
      }
    }
  for (int k = 0; k < 2; ++k)
    if (!(scale[k] > 1e-12) || !std::isfinite(scale[k])) scale[k] = 1.0;
  return scale;
}

// The grid of interior cells over the loops' parameter box: which cells lie well inside the trimmed region.
struct CellGrid {
  V2 lo, cell;
  int nu = 0, nv = 0;
  std::vector<char> full;

  V2 node(int i, int j) const { return V2(lo.x() + cell.x() * i, lo.y() + cell.y() * j); }
  std::size_t at(int i, int j) const { return static_cast<std::size_t>(j * nu + i); }
  bool isFull(int i, int j) const { return i >= 0 && j >= 0 && i < nu && j < nv && full[at(i, j)]; }
};

// Cells over [lo, hi], sized so that iso-lines stay within the chord tolerance; a cell is full when no boundary
// segment comes within a fifth of a cell of it and its centre is inside the loops. No two full cells meet at a corner
// only: the outline tracing needs one way on at every node.
CellGrid classifyCells(const Surface& s, const std::vector<Loop>& loops, const V2& lo, const V2& hi, double tol) {
  CellGrid g;
  g.lo = lo;
  g.nu = cellsAlong(s, 0, lo, hi, tol);
  g.nv = cellsAlong(s, 1, lo, hi, tol);
  const int nu = g.nu, nv = g.nv;
  g.cell = V2((hi - lo).x() / nu, (hi - lo).y() / nv);
  const V2 cell = g.cell;
  g.full.assign(static_cast<std::size_t>(nu * nv), 0);
  std::vector<char> touched(g.full.size(), 0);
  const V2 margin = 0.2 * cell;
  for (const auto& l : loops)
    for (std::size_t k = 0; k < l.uv.size(); ++k) {
      const V2 a = l.uv[k], b = l.uv[(k + 1) % l.uv.size()];
      const V2 sl = a.cwiseMin(b) - margin - lo, sh = a.cwiseMax(b) + margin - lo;
      const int i0 = cim::detail::clampToInt(std::floor(sl.x() / cell.x()), 0, nu), i1 = cim::detail::clampToInt(sh.x() / cell.x(), -1, nu - 1);
      const int j0 = cim::detail::clampToInt(std::floor(sl.y() / cell.y()), 0, nv), j1 = cim::detail::clampToInt(sh.y() / cell.y(), -1, nv - 1);
      for (int j = j0; j <= j1; ++j)
        for (int i = i0; i <= i1; ++i)
          if (!touched[g.at(i, j)] && segmentHitsBox(a, b, g.node(i, j) - margin, g.node(i + 1, j + 1) + margin)) touched[g.at(i, j)] = 1;
    }
  for (int j = 0; j < nv; ++j)
    for (int i = 0; i < nu; ++i) g.full[g.at(i, j)] = !touched[g.at(i, j)] && insideLoops(loops, g.node(i, j) + 0.5 * cell);
  for (bool changed = true; changed;) {
    changed = false;
    for (int j = 1; j < nv; ++j)
      for (int i = 1; i < nu; ++i) {
        const bool a = g.full[g.at(i - 1, j - 1)], b = g.full[g.at(i, j - 1)], c = g.full[g.at(i - 1, j)], d = g.full[g.at(i, j)];
        if (a && d && !b && !c) g.full[g.at(i, j)] = 0, changed = true;
        else if (b && c && !a && !d) g.full[g.at(i - 1, j)] = 0, changed = true;
      }
  }
  return g;
}

// Outline of the full cells: directed edges with the full cell on the left, chained into loops of grid nodes.
std::vector<std::vector<std::pair<int, int>>> fullCellOutlines(const CellGrid& g) {
  std::map<std::pair<int, int>, std::pair<int, int>> next;
  for (int j = 0; j < g.nv; ++j)
    for (int i = 0; i < g.nu; ++i) {
      if (!g.isFull(i, j)) continue;
      if (!g.isFull(i, j - 1)) next[{i, j}] = {i + 1, j};
      if (!g.isFull(i + 1, j)) next[{i + 1, j}] = {i + 1, j + 1};
      if (!g.isFull(i, j + 1)) next[{i + 1, j + 1}] = {i, j + 1};
      if (!g.isFull(i - 1, j)) next[{i, j + 1}] = {i, j};
    }
  std::vector<std::vector<std::pair<int, int>>> outlines;
  while (!next.empty()) {
    std::vector<std::pair<int, int>> ring;
    auto cur = next.begin()->first;
    while (true) {
      auto it = next.find(cur);
      if (it == next.end()) break;
      ring.push_back(cur);
      cur = it->second;
      next.erase(it);
    }
    if (ring.size() >= 4) outlines.push_back(std::move(ring));
  }
  return outlines;
}

// The face's triangles: the strip between the loops and the full cells' outlines triangulated as a polygon with holes
// in scaled parameter space, and two triangles per full cell. Boundary vertices keep their 3D edge points; grid
// vertices are evaluated on the surface.
TriMesh stripAndCells(const Surface& s, const std::vector<Loop>& loops, const CellGrid& g, const V2& scale) {
  std::map<std::pair<int, int>, std::uint32_t> nodeIndex;
  TriMesh m;
  auto gridVertex = [&](int i, int j) {
    auto [it, inserted] = nodeIndex.emplace(std::make_pair(i, j), static_cast<std::uint32_t>(m.positions.size()));
    if (inserted) {
      const V2 uv = g.node(i, j);
      m.positions.push_back(s.at(uv.x(), uv.y()));
    }
    return it->second;
  };
  std::vector<std::vector<Eigen::Vector2d>> rings;
  std::vector<std::uint32_t> ringVertex;
  auto scaled = [&](const V2& uv) { return V2((uv - g.lo).cwiseProduct(scale)); };
  for (const auto& l : loops) {
    std::vector<Eigen::Vector2d> r;
    for (std::size_t k = 0; k < l.uv.size(); ++k) {
      r.push_back(scaled(l.uv[k]));
      ringVertex.push_back(static_cast<std::uint32_t>(m.positions.size()));
      m.positions.push_back(l.xyz[k]);
    }
    rings.push_back(std::move(r));
  }
  for (const auto& o : fullCellOutlines(g)) {
    std::vector<Eigen::Vector2d> r;
    for (const auto& [i, j] : o) {
      r.push_back(scaled(g.node(i, j)));
      ringVertex.push_back(gridVertex(i, j));
    }
    rings.push_back(std::move(r));
  }
  const auto tris = geometry::triangulatePolygon(rings);
  for (const auto& t : tris) m.triangles.push_back({ringVertex[t[0]], ringVertex[t[1]], ringVertex[t[2]]});
  for (int j = 0; j < g.nv; ++j)
    for (int i = 0; i < g.nu; ++i) {
      if (!g.full[g.at(i, j)]) continue;
      const auto a = gridVertex(i, j), b = gridVertex(i + 1, j), c = gridVertex(i + 1, j + 1), d = gridVertex(i, j + 1);
      m.triangles.push_back({a, b, c});
      m.triangles.push_back({a, c, d});
    }
  return m;
}

// A face on a parametric surface, tessellated in parameter space (see above), appended to `out`.
void parametricFace(Context& ctx, std::uint64_t faceId, const Surface& s, std::vector<Loop> loops, bool sameSense,
                    TriMesh& out) {
  toParameterSpace(ctx, faceId, s, loops);
  if (!joinWindingLoops(ctx, faceId, s, loops)) return;
  dropRepeatedPoints(loops);
  if (loops.empty()) return;
  outerFirst(s, loops);
  Eigen::AlignedBox2d box;
  for (const auto& l : loops)
    for (const auto& p : l.uv) box.extend(p);
  const V2 lo = box.min(), hi = box.max();
  if (!((hi - lo).minCoeff() > 1e-12) || !lo.allFinite() || !hi.allFinite()) {
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, faceId, "face bounds enclose no area on the surface");
    return;
  }
  const V2 scale = parameterScale(s, lo, hi);
  TriMesh m = stripAndCells(s, loops, classifyCells(s, loops, lo, hi, ctx.chordTolerance), scale);
  if (m.triangles.empty()) {
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, faceId, "face could not be triangulated in parameter space");
    return;
  }
  // Counter-clockwise in (u, v) faces along Su x Sv, the surface normal; SameSense false turns the face over.
  if (!sameSense)
    for (auto& t : m.triangles) std::swap(t[1], t[2]);
  out.append(m, Eigen::Affine3d::Identity());
}

void planarFace(Context& ctx, std::uint64_t faceId, const V3& normal, std::vector<Loop> loops, TriMesh& out) {
  std::stable_partition(loops.begin(), loops.end(), [](const Loop& l) { return l.outer; });
  if (!loops.front().outer) {  // no IfcFaceOuterBound: the largest loop is the outer one
    auto largest = std::max_element(loops.begin(), loops.end(), [](const Loop& a, const Loop& b) {
      return geometry::newellNormal(a.xyz).norm() < geometry::newellNormal(b.xyz).norm();
    });
    std::iter_swap(loops.begin(), largest);
  }
  std::vector<std::vector<V3>> rings;
  for (const auto& l : loops) rings.push_back(l.xyz);
  const auto tris = geometry::triangulatePlanarPolygon(rings);
  if (tris.empty()) {
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, faceId, "planar face bounds enclose no area");
    return;
  }
  // Triangles follow the outer ring's winding; turn them to face along the face normal.
  const bool flip = geometry::newellNormal(rings[0]).dot(normal) < 0;
  const auto base = static_cast<std::uint32_t>(out.positions.size());
  for (const auto& r : rings) out.positions.insert(out.positions.end(), r.begin(), r.end());
  for (const auto& t : tris) {
    if (flip) out.triangles.push_back({base + t[0], base + t[2], base + t[1]});
    else out.triangles.push_back({base + t[0], base + t[1], base + t[2]});
  }
}

}  // namespace

namespace {

// The parametric map of any non-planar surface the reader draws; nullopt when unsupported (reported only when the
// surface's own attributes are bad, not for an unsupported type).
std::optional<Surface> parametricSurface(Context& ctx, const Instance& si, bool& reported) {
  reported = false;
  const auto& f = ctx.file;
  if (f.isA(si.record(), names::IfcBSplineSurfaceWithKnots)) {
    auto s = bsplineSurface(ctx, si);
    reported = !s;
    return s;
  }
  if (f.isA(si.record(), names::IfcSurfaceOfRevolution) || f.isA(si.record(), names::IfcSurfaceOfLinearExtrusion)) {
    auto s = sweptSurface(ctx, si);
    reported = !s;
    return s;
  }
  return elementarySurface(ctx, si);
}

}  // namespace

std::function<std::optional<Eigen::Vector3d>(const Eigen::Vector3d&)> surfaceNormals(Context& ctx,
                                                                                     std::uint64_t surfaceId) {
  Instance si;
  if (!si.load(ctx.file, surfaceId)) {
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, surfaceId, "surface cannot be read: " + si.error());
    return {};
  }
  if (ctx.file.isA(si.record(), names::IfcPlane)) {
    V3 n = V3::UnitZ();
    if (auto pos = si.ref("Position")) n = axis2Placement(ctx, *pos).linear().col(2);
    return [n](const V3&) { return std::optional<V3>(n); };
  }
  bool reported = false;
  auto s = parametricSurface(ctx, si, reported);
  if (!s) {
    if (!reported)
      ctx.report(Severity::Warning, ErrorCode::IfcItemNotRead, surfaceId,
                 "surface " + std::string(si.entity().name) + " is not supported yet");
    return {};
  }
  return [s = *s](const V3& p) -> std::optional<V3> {
    const V2 uv = s.invert(p, nullptr);
    V3 d[2];
    for (int k = 0; k < 2; ++k) {
      const double h = 1e-6 * std::max(1.0, std::abs(uv[k]));
      V2 a = uv, b = uv;
      a[k] -= h;
      b[k] += h;
      d[k] = (s.at(b.x(), b.y()) - s.at(a.x(), a.y())) / (2 * h);
    }
    const V3 n = d[0].cross(d[1]);
    if (!(n.norm() > 1e-12) || !n.allFinite()) return std::nullopt;
    return V3(n.normalized());
  };
}

void surfaceFace(Context& ctx, std::uint64_t faceId, TriMesh& out) {
  Instance face;
  if (!face.load(ctx.file, faceId)) {
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, faceId, "face cannot be read: " + face.error());
    return;
  }
  const bool sameSense = face.enumeration("SameSense").value_or("T") != "F";
  std::vector<Loop> loops;
  for (auto boundId : face.refs("Bounds")) {
    Instance bound;
    if (!bound.load(ctx.file, boundId)) continue;
    auto loopId = bound.ref("Bound");
    if (!loopId) continue;
    Loop l;
    l.xyz = loopPoints(ctx, *loopId);
    if (l.xyz.size() < 3) {
      if (!l.xyz.empty())
        ctx.report(Severity::Warning, ErrorCode::InvalidElement, *loopId, "loop has fewer than 3 points; skipped");
      continue;
    }
    if (bound.enumeration("Orientation").value_or("T") == "F") std::reverse(l.xyz.begin(), l.xyz.end());
    l.outer = ctx.file.isA(bound.record(), names::IfcFaceOuterBound);
    loops.push_back(std::move(l));
  }
  if (loops.empty()) {
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, faceId, "face has no usable bounds; skipped");
    return;
  }
  auto surfaceId = face.ref("FaceSurface");
  Instance si;
  if (!surfaceId || !si.load(ctx.file, *surfaceId)) {
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, faceId, "face surface cannot be read");
    return;
  }
  if (ctx.file.isA(si.record(), names::IfcPlane)) {
    Eigen::Affine3d frame = Eigen::Affine3d::Identity();
    if (auto pos = si.ref("Position")) frame = axis2Placement(ctx, *pos);
    const V3 n = frame.linear().col(2);
    planarFace(ctx, faceId, sameSense ? n : V3(-n), std::move(loops), out);
    return;
  }
  bool reported = false;
  const std::optional<Surface> s = parametricSurface(ctx, si, reported);
  if (reported) return;
  if (!s) {
    ctx.report(Severity::Warning, ErrorCode::IfcItemNotRead, *surfaceId,
               "face surface " + std::string(si.entity().name) + " is not supported yet");
    return;
  }
  parametricFace(ctx, faceId, *s, std::move(loops), sameSense, out);
}

}  // namespace cim::io::ifc
