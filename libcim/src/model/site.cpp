#include "cim/model/site.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "cim/geometry/triangulate.h"

namespace cim::model {

std::string_view siteKindName(SiteFeatureKind kind) {
  switch (kind) {
    case SiteFeatureKind::Excavation: return "excavation";
    case SiteFeatureKind::Borehole: return "borehole";
    case SiteFeatureKind::Sensor: return "sensor";
    case SiteFeatureKind::Cavity: return "cavity";
    case SiteFeatureKind::DroneCorridor: return "drone_corridor";
    case SiteFeatureKind::Building: return "building";
    case SiteFeatureKind::BuildingPart: return "building-part";
  }
  return "site";
}

namespace {

template <class V>
double segmentDistance(const V& p, const V& a, const V& b) {
  const V ab = b - a;
  const double len2 = ab.squaredNorm();
  const double t = len2 > 0 ? std::clamp((p - a).dot(ab) / len2, 0.0, 1.0) : 0.0;
  return (p - (a + t * ab)).norm();
}

// Distance from a point to the 2D region bounded by the rings (0 inside).
double polygonDistance(const std::vector<std::vector<Eigen::Vector2d>>& rings, const Eigen::Vector2d& p) {
  if (geometry::insideRings(rings, p)) return 0.0;
  double d = std::numeric_limits<double>::infinity();
  for (const auto& ring : rings)
    for (std::size_t i = 0, n = ring.size(); i < n; ++i) d = std::min(d, segmentDistance(p, ring[i], ring[(i + 1) % n]));
  return d;
}

// Distance from a point outside an axis-aligned ellipsoid centred at the origin with semi-axes e (Eberly, "Distance
// from a point to an ellipse, an ellipsoid, or a hyperellipsoid"): root of F(t) = sum (e_i y_i / (t + e_i^2))^2 - 1
// by bisection, in the first octant.
double ellipsoidDistance(const Eigen::Vector3d& e, const Eigen::Vector3d& point) {
  const Eigen::Vector3d y = point.cwiseAbs();
  if ((y.array() / e.array()).matrix().squaredNorm() <= 1.0) return 0.0;
  auto f = [&](double t) {
    double s = 0.0;
    for (int i = 0; i < 3; ++i) {
      const double r = e[i] * y[i] / (t + e[i] * e[i]);
      s += r * r;
    }
    return s - 1.0;
  };
  const double emin = e.minCoeff();
  double lo = -emin * emin, hi = y.norm() * e.maxCoeff() + 1.0;
  // F is decreasing on (-emin^2, inf) and positive just above -emin^2 whenever the point is outside.
  lo += 1e-12 * (1.0 + std::abs(lo));
  for (int it = 0; it < 200 && hi - lo > 1e-12 * (1.0 + std::abs(hi)); ++it) {
    const double mid = 0.5 * (lo + hi);
    (f(mid) > 0 ? lo : hi) = mid;
  }
  const double t = 0.5 * (lo + hi);
  Eigen::Vector3d x;
  for (int i = 0; i < 3; ++i) x[i] = e[i] * e[i] * y[i] / (t + e[i] * e[i]);
  return (y - x).norm();
}

struct VolumeOf {
  double operator()(const SitePrism& s) const {
    double a = 0.0;
    for (const auto& r : s.rings) a += geometry::signedArea(r);  // holes are clockwise: they subtract
    return std::abs(a) * std::max(0.0, s.topElevation - s.bottomElevation);
  }
  double operator()(const SiteCylinder& s) const {
    return std::numbers::pi * s.radiusMeters * s.radiusMeters * std::max(0.0, s.topElevation - s.bottomElevation);
  }
  double operator()(const SiteEllipsoid& s) const {
    return 4.0 / 3.0 * std::numbers::pi * s.semiAxesMeters.prod();
  }
  double operator()(const SiteTube& s) const {
    // Cylinders along the legs plus one ball for the two round ends: exact for a straight polyline, an upper bound
    // with bends (neighbouring legs overlap at a joint).
    double len = 0.0;
    for (std::size_t i = 1; i < s.polyline.size(); ++i) len += (s.polyline[i] - s.polyline[i - 1]).norm();
    const double r = s.radiusMeters;
    return std::numbers::pi * r * r * len + 4.0 / 3.0 * std::numbers::pi * r * r * r;
  }
  double operator()(const SiteMarker&) const { return 0.0; }
};

struct DistanceTo {
  Eigen::Vector3d p;
  double operator()(const SitePrism& s) const {
    const double dh = polygonDistance(s.rings, p.head<2>());
    const double dv = std::max({0.0, s.bottomElevation - p.z(), p.z() - s.topElevation});
    return std::hypot(dh, dv);
  }
  double operator()(const SiteCylinder& s) const {
    const double dh = std::max(0.0, (p.head<2>() - s.axis).norm() - s.radiusMeters);
    const double dv = std::max({0.0, s.bottomElevation - p.z(), p.z() - s.topElevation});
    return std::hypot(dh, dv);
  }
  double operator()(const SiteEllipsoid& s) const { return ellipsoidDistance(s.semiAxesMeters, p - s.center); }
  double operator()(const SiteTube& s) const {
    if (s.polyline.empty()) return std::numeric_limits<double>::infinity();
    double d = (p - s.polyline.front()).norm();
    for (std::size_t i = 1; i < s.polyline.size(); ++i) d = std::min(d, segmentDistance(p, s.polyline[i - 1], s.polyline[i]));
    return std::max(0.0, d - s.radiusMeters);
  }
  double operator()(const SiteMarker& s) const { return (p - s.position).norm(); }
};

}  // namespace

double siteShapeVolume(const SiteShape& shape) { return std::visit(VolumeOf{}, shape); }

double siteShapeDistance(const SiteShape& shape, const Eigen::Vector3d& point) {
  return std::visit(DistanceTo{point}, shape);
}

std::optional<SiteShape> transformSiteShape(
    const SiteShape& shape, const std::function<std::optional<Eigen::Vector3d>(const Eigen::Vector3d&)>& f,
    double lengthScale) {
  struct Visitor {
    const std::function<std::optional<Eigen::Vector3d>(const Eigen::Vector3d&)>& f;
    double scale;
    // New elevations of `bottom` and `top` at the horizontal point xy.
    bool heights(const Eigen::Vector2d& xy, double& bottom, double& top) const {
      auto b = f({xy.x(), xy.y(), bottom});
      auto t = f({xy.x(), xy.y(), top});
      if (!b || !t) return false;
      bottom = b->z();
      top = t->z();
      return true;
    }
    std::optional<SiteShape> operator()(SitePrism s) const {
      if (s.rings.empty() || s.rings[0].empty()) return s;
      const Eigen::Vector2d ref = s.rings[0][0];
      for (auto& ring : s.rings)
        for (auto& v : ring) {
          auto m = f({v.x(), v.y(), s.topElevation});
          if (!m) return std::nullopt;
          v = m->head<2>();
        }
      // A mirroring map would turn the outer ring clockwise; keep the documented orientation.
      if (geometry::signedArea(s.rings[0]) < 0)
        for (auto& ring : s.rings) std::reverse(ring.begin(), ring.end());
      if (!heights(ref, s.bottomElevation, s.topElevation)) return std::nullopt;
      return s;
    }
    std::optional<SiteShape> operator()(SiteCylinder s) const {
      const Eigen::Vector2d ref = s.axis;
      auto m = f({s.axis.x(), s.axis.y(), s.topElevation});
      if (!m) return std::nullopt;
      s.axis = m->head<2>();
      s.radiusMeters *= scale;
      if (!heights(ref, s.bottomElevation, s.topElevation)) return std::nullopt;
      return s;
    }
    std::optional<SiteShape> operator()(SiteEllipsoid s) const {
      auto m = f(s.center);
      if (!m) return std::nullopt;
      s.center = *m;
      s.semiAxesMeters *= scale;
      return s;
    }
    std::optional<SiteShape> operator()(SiteTube s) const {
      for (auto& v : s.polyline) {
        auto m = f(v);
        if (!m) return std::nullopt;
        v = *m;
      }
      s.radiusMeters *= scale;
      return s;
    }
    std::optional<SiteShape> operator()(SiteMarker s) const {
      auto m = f(s.position);
      if (!m) return std::nullopt;
      s.position = *m;
      s.sizeMeters *= scale;
      return s;
    }
  };
  return std::visit(Visitor{f, lengthScale}, shape);
}

}  // namespace cim::model
