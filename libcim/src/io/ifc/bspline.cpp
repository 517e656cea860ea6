#include "io/ifc/bspline.h"

#include <algorithm>
#include <cmath>

#include "io/ifc/axis_placement.h"

namespace cim::io::ifc {

namespace {

// Index k of the knot span [knots[k], knots[k+1]) holding t, limited to [degree, n - 1] (n control points), so the
// valid range's end belongs to the last span.
std::size_t findSpan(const std::vector<double>& knots, int degree, std::size_t n, double t) {
  const auto p = static_cast<std::size_t>(degree);
  if (t >= knots[n]) {
    std::size_t k = n - 1;
    while (k > p && knots[k] >= knots[n]) --k;  // skip zero-length spans at the end
    return k;
  }
  if (t <= knots[p]) {
    std::size_t k = p;
    while (k + 1 < n && knots[k + 1] <= knots[p]) ++k;
    return k;
  }
  // knots[k] <= t < knots[k+1], k in [p, n-1]
  const auto first = knots.begin() + static_cast<std::ptrdiff_t>(p);
  const auto last = knots.begin() + static_cast<std::ptrdiff_t>(n);
  const auto it = std::upper_bound(first, last + 1, t);
  return std::clamp(static_cast<std::size_t>(it - knots.begin()) - 1, p, n - 1);
}

// de Boor on homogeneous points: `d` holds the degree + 1 control points of span k; returns the blended point.
Eigen::Vector4d deBoor(std::vector<Eigen::Vector4d>& d, const std::vector<double>& knots, int degree, std::size_t k,
                       double t) {
  const auto p = static_cast<std::size_t>(degree);
  for (std::size_t r = 1; r <= p; ++r) {
    for (std::size_t j = p; j >= r; --j) {
      const double lo = knots[j + k - p], hi = knots[j + 1 + k - r];
      const double alpha = hi - lo > 0 ? (t - lo) / (hi - lo) : 0.0;
      d[j] = (1.0 - alpha) * d[j - 1] + alpha * d[j];
    }
  }
  return d[p];
}

Eigen::Vector3d fromHomogeneous(const Eigen::Vector4d& h) {
  return std::abs(h.w()) > 1e-300 ? Eigen::Vector3d(h.head<3>() / h.w()) : Eigen::Vector3d(h.head<3>());
}

double distanceToSegment(const Eigen::Vector3d& p, const Eigen::Vector3d& a, const Eigen::Vector3d& b) {
  const Eigen::Vector3d ab = b - a;
  const double l2 = ab.squaredNorm();
  const double s = l2 > 0 ? std::clamp((p - a).dot(ab) / l2, 0.0, 1.0) : 0.0;
  return (p - (a + s * ab)).norm();
}

}  // namespace

std::vector<double> expandKnots(const std::vector<double>& knots, const std::vector<std::int64_t>& multiplicities) {
  std::vector<double> out;
  if (knots.size() != multiplicities.size()) return out;
  for (std::size_t i = 0; i < knots.size(); ++i) {
    if (multiplicities[i] < 1 || multiplicities[i] > 64 || !std::isfinite(knots[i])) return {};
    if (i > 0 && knots[i] < knots[i - 1]) return {};
    out.insert(out.end(), static_cast<std::size_t>(multiplicities[i]), knots[i]);
  }
  return out;
}

Eigen::Vector3d BSplineCurve::at(double t) const {
  const std::size_t n = points.size();
  t = std::clamp(t, start(), end());
  const std::size_t k = findSpan(knots, degree, n, t);
  const auto p = static_cast<std::size_t>(degree);
  std::vector<Eigen::Vector4d> d(p + 1);
  for (std::size_t j = 0; j <= p; ++j) {
    const std::size_t i = j + k - p;
    const double w = weights.empty() ? 1.0 : weights[i];
    d[j] << points[i] * w, w;
  }
  return fromHomogeneous(deBoor(d, knots, degree, k, t));
}

std::vector<Eigen::Vector3d> BSplineCurve::sample(double tolerance) const {
  std::vector<Eigen::Vector3d> out;
  const double tol = std::max(tolerance, 1e-6);
  // Recursive midpoint test, from at least 4 pieces per span (degree 1: 1) so an S-bend cannot hide between samples.
  auto refine = [&](auto&& self, double t0, const Eigen::Vector3d& p0, double t1, const Eigen::Vector3d& p1,
                    int depth) -> void {
    const double tm = 0.5 * (t0 + t1);
    const Eigen::Vector3d pm = at(tm);
    if (depth < 12 && distanceToSegment(pm, p0, p1) > tol) {
      self(self, t0, p0, tm, pm, depth + 1);
      self(self, tm, pm, t1, p1, depth + 1);
    } else {
      out.push_back(p1);
    }
  };
  const int pieces = degree <= 1 ? 1 : 4;
  out.push_back(at(start()));
  for (std::size_t k = static_cast<std::size_t>(degree); k < points.size(); ++k) {
    const double a = knots[k], b = knots[k + 1];
    if (!(b > a)) continue;
    for (int i = 0; i < pieces; ++i) {
      const double t0 = a + (b - a) * i / pieces, t1 = a + (b - a) * (i + 1) / pieces;
      refine(refine, t0, at(t0), t1, at(t1), 0);
    }
  }
  return out;
}

Eigen::Vector3d BSplineSurface::at(double u, double v) const {
  u = std::clamp(u, uStart(), uEnd());
  v = std::clamp(v, vStart(), vEnd());
  const auto nuz = static_cast<std::size_t>(nu), nvz = static_cast<std::size_t>(nv);
  const std::size_t ku = findSpan(uKnots, uDegree, nuz, u), kv = findSpan(vKnots, vDegree, nvz, v);
  const auto pu = static_cast<std::size_t>(uDegree), pv = static_cast<std::size_t>(vDegree);
  std::vector<Eigen::Vector4d> rows(pu + 1), d(pv + 1);
  for (std::size_t a = 0; a <= pu; ++a) {
    const std::size_t i = a + ku - pu;
    for (std::size_t b = 0; b <= pv; ++b) {
      const std::size_t j = b + kv - pv;
      const double w = weights.empty() ? 1.0 : weights[i * nvz + j];
      d[b] << points[i * nvz + j] * w, w;
    }
    rows[a] = deBoor(d, vKnots, vDegree, kv, v);
  }
  return fromHomogeneous(deBoor(rows, uKnots, uDegree, ku, u));
}

namespace {

std::vector<std::int64_t> integers(const Instance& it, const char* name) {
  std::vector<std::int64_t> out;
  for (double d : it.reals(name)) out.push_back(static_cast<std::int64_t>(std::llround(d)));
  return out;
}

}  // namespace

std::optional<BSplineCurve> readBSplineCurve(Context& ctx, const Instance& c, std::string& why) {
  BSplineCurve b;
  b.degree = static_cast<int>(c.integer("Degree").value_or(0));
  for (auto id : c.refs("ControlPointsList")) {
    auto p = readPoint(ctx, id);
    if (!p) {
      why = "control point " + instanceName(id) + " cannot be read";
      return std::nullopt;
    }
    b.points.push_back(*p);
  }
  b.knots = expandKnots(c.reals("Knots"), integers(c, "KnotMultiplicities"));
  if (ctx.file.isA(c.record(), names::IfcRationalBSplineCurveWithKnots)) b.weights = c.reals("WeightsData");
  if (b.degree < 1 || b.degree > 25 || b.points.size() < static_cast<std::size_t>(b.degree) + 1) {
    why = "degree " + std::to_string(b.degree) + " does not fit " + std::to_string(b.points.size()) + " control points";
    return std::nullopt;
  }
  if (b.knots.size() != b.points.size() + static_cast<std::size_t>(b.degree) + 1) {
    why = "knot vector has " + std::to_string(b.knots.size()) + " knots, expected " +
          std::to_string(b.points.size() + static_cast<std::size_t>(b.degree) + 1);
    return std::nullopt;
  }
  if (!b.weights.empty() && (b.weights.size() != b.points.size() ||
                             std::any_of(b.weights.begin(), b.weights.end(), [](double w) { return !(w > 0); }))) {
    why = "weights do not match the control points or are not positive";
    return std::nullopt;
  }
  if (!(b.end() > b.start())) {
    why = "empty parameter range";
    return std::nullopt;
  }
  return b;
}

std::optional<BSplineSurface> readBSplineSurface(Context& ctx, const Instance& s, std::string& why) {
  BSplineSurface b;
  b.uDegree = static_cast<int>(s.integer("UDegree").value_or(0));
  b.vDegree = static_cast<int>(s.integer("VDegree").value_or(0));
  const auto rows = s.list("ControlPointsList");
  b.nu = static_cast<int>(rows.size());
  for (const auto& row : rows) {
    if (row.kind != ValueKind::List) {
      why = "control point rows are not lists";
      return std::nullopt;
    }
    const auto cols = s.children(row);
    if (b.nv == 0) b.nv = static_cast<int>(cols.size());
    if (static_cast<int>(cols.size()) != b.nv) {
      why = "control point rows differ in length";
      return std::nullopt;
    }
    for (const auto& c : cols) {
      auto p = c.kind == ValueKind::Ref ? readPoint(ctx, c.ref) : std::nullopt;
      if (!p) {
        why = "a control point cannot be read";
        return std::nullopt;
      }
      b.points.push_back(*p);
    }
  }
  if (ctx.file.isA(s.record(), names::IfcRationalBSplineSurfaceWithKnots)) {
    for (const auto& row : s.list("WeightsData"))
      if (row.kind == ValueKind::List)
        for (const auto& w : s.children(row)) b.weights.push_back(numberOf(s.attributes(), w).value_or(0.0));
    if (b.weights.size() != b.points.size() ||
        std::any_of(b.weights.begin(), b.weights.end(), [](double w) { return !(w > 0); })) {
      why = "weights do not match the control points or are not positive";
      return std::nullopt;
    }
  }
  b.uKnots = expandKnots(s.reals("UKnots"), integers(s, "UMultiplicities"));
  b.vKnots = expandKnots(s.reals("VKnots"), integers(s, "VMultiplicities"));
  if (b.uDegree < 1 || b.vDegree < 1 || b.uDegree > 25 || b.vDegree > 25 || b.nu < b.uDegree + 1 ||
      b.nv < b.vDegree + 1) {
    why = "degrees (" + std::to_string(b.uDegree) + ", " + std::to_string(b.vDegree) + ") do not fit a " +
          std::to_string(b.nu) + " x " + std::to_string(b.nv) + " control net";
    return std::nullopt;
  }
  if (b.uKnots.size() != static_cast<std::size_t>(b.nu + b.uDegree + 1) ||
      b.vKnots.size() != static_cast<std::size_t>(b.nv + b.vDegree + 1)) {
    why = "knot vectors (" + std::to_string(b.uKnots.size()) + ", " + std::to_string(b.vKnots.size()) +
          " knots) do not fit the control net";
    return std::nullopt;
  }
  if (!(b.uEnd() > b.uStart()) || !(b.vEnd() > b.vStart())) {
    why = "empty parameter range";
    return std::nullopt;
  }
  return b;
}

}  // namespace cim::io::ifc
