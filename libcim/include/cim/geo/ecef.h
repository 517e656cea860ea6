#pragma once
// Exact conversions on the WGS 84 ellipsoid between geodetic coordinates, ECEF (EPSG:4978) and local
// east-north-up frames. Pure math, no PROJ: these are used per vertex on hot paths.

#include <Eigen/Core>
#include <Eigen/Geometry>

namespace cim::geo {

/// (longitude°, latitude°, ellipsoidal height m) -> ECEF metres.
Eigen::Vector3d geodeticToEcef(const Eigen::Vector3d& lonLatHeight);
/// ECEF metres -> (longitude°, latitude°, ellipsoidal height m); accurate to well below a millimetre.
Eigen::Vector3d ecefToGeodetic(const Eigen::Vector3d& ecef);

/// The rigid transform taking local east-north-up coordinates at `lonLatHeight` to ECEF.
Eigen::Isometry3d enuToEcef(const Eigen::Vector3d& lonLatHeight);

}  // namespace cim::geo
