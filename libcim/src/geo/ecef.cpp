#include "cim/geo/ecef.h"

#include <cmath>
#include <numbers>

namespace cim::geo {

namespace {
constexpr double kA = 6378137.0;                  // WGS 84 semi-major axis
constexpr double kF = 1.0 / 298.257223563;        // WGS 84 flattening
constexpr double kE2 = kF * (2.0 - kF);           // first eccentricity squared
constexpr double kB = kA * (1.0 - kF);            // semi-minor axis
constexpr double kDeg = std::numbers::pi / 180.0;
}  // namespace

Eigen::Vector3d geodeticToEcef(const Eigen::Vector3d& llh) {
  const double lon = llh.x() * kDeg, lat = llh.y() * kDeg, h = llh.z();
  const double sinLat = std::sin(lat), cosLat = std::cos(lat);
  const double n = kA / std::sqrt(1.0 - kE2 * sinLat * sinLat);
  return {(n + h) * cosLat * std::cos(lon), (n + h) * cosLat * std::sin(lon), (n * (1.0 - kE2) + h) * sinLat};
}

Eigen::Vector3d ecefToGeodetic(const Eigen::Vector3d& ecef) {
  const double x = ecef.x(), y = ecef.y(), z = ecef.z();
  const double lon = std::atan2(y, x);
  const double p = std::hypot(x, y);
  if (p < 1e-9) {  // on the polar axis
    const double lat = z >= 0 ? std::numbers::pi / 2 : -std::numbers::pi / 2;
    return {lon / kDeg, lat / kDeg, std::abs(z) - kB};
  }
  // Bowring's parametric start, then Newton-like refinement of the latitude; converges to < 1e-12 rad in 2-3 steps.
  double lat = std::atan2(z, p * (1.0 - kE2));
  double h = 0.0;
  for (int i = 0; i < 10; ++i) {
    const double sinLat = std::sin(lat);
    const double n = kA / std::sqrt(1.0 - kE2 * sinLat * sinLat);
    h = p / std::cos(lat) - n;
    const double next = std::atan2(z, p * (1.0 - kE2 * n / (n + h)));
    const bool done = std::abs(next - lat) < 1e-14;
    lat = next;
    if (done) break;
  }
  // Recompute the height with the form that is stable at all latitudes.
  const double sinLat = std::sin(lat), cosLat = std::cos(lat);
  const double n = kA / std::sqrt(1.0 - kE2 * sinLat * sinLat);
  h = p * cosLat + z * sinLat - kA * kA / n;
  return {lon / kDeg, lat / kDeg, h};
}

Eigen::Isometry3d enuToEcef(const Eigen::Vector3d& llh) {
  const double lon = llh.x() * kDeg, lat = llh.y() * kDeg;
  const double sl = std::sin(lon), cl = std::cos(lon), sp = std::sin(lat), cp = std::cos(lat);
  Eigen::Matrix3d r;
  r.col(0) << -sl, cl, 0.0;                  // east
  r.col(1) << -sp * cl, -sp * sl, cp;        // north
  r.col(2) << cp * cl, cp * sl, sp;          // up
  Eigen::Isometry3d t = Eigen::Isometry3d::Identity();
  t.linear() = r;
  t.translation() = geodeticToEcef(llh);
  return t;
}

}  // namespace cim::geo
