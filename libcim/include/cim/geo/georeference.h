#pragma once
// Georeference: a project CRS and the transformations from it to WGS 84, ECEF and local ENU frames.
// Built once per scene (or per thread); every method is thread-safe.

#include <memory>
#include <optional>
#include <vector>

#include <Eigen/Core>
#include <Eigen/Geometry>

#include "cim/core/result.h"
#include "cim/geo/crs.h"
#include "cim/geo/transform.h"

namespace cim::geo {

class Georeference {
 public:
  /// Fails when PROJ has no transformation from `projectCrs` to WGS 84. Warnings (approximate vertical datum,
  /// a CRS without heights) come with the successful result.
  static Result<Georeference> create(const Crs& projectCrs);

  const Crs& crs() const { return crs_; }

  /// Project coordinates (x east, y north, z height) -> (longitude°, latitude°, WGS 84 ellipsoidal height).
  std::optional<Eigen::Vector3d> projectToWgs84(const Eigen::Vector3d& p) const;
  std::optional<Eigen::Vector3d> wgs84ToProject(const Eigen::Vector3d& lonLatHeight) const;
  std::optional<Eigen::Vector3d> projectToEcef(const Eigen::Vector3d& p) const;
  std::optional<Eigen::Vector3d> ecefToProject(const Eigen::Vector3d& ecef) const;

  /// The ENU frame whose origin is the project point `p`: maps ENU metres to ECEF.
  std::optional<Eigen::Isometry3d> enuFrameAt(const Eigen::Vector3d& p) const;
  /// Project coordinates -> metres east, north, up in `enuToEcef` (from enuFrameAt), and back.
  std::optional<Eigen::Vector3d> projectToEnu(const Eigen::Vector3d& p, const Eigen::Isometry3d& enuToEcef) const;
  std::optional<Eigen::Vector3d> enuToProject(const Eigen::Vector3d& enu, const Eigen::Isometry3d& enuToEcef) const;

  /// True when the height part of the transformation is approximate (see Transformer::isApproximate).
  bool isApproximate() const { return toWgs84_->isApproximate(); }

 private:
  Georeference(Crs crs, std::shared_ptr<const Transformer> toWgs84) : crs_(std::move(crs)), toWgs84_(std::move(toWgs84)) {}
  Crs crs_;
  std::shared_ptr<const Transformer> toWgs84_;
};

}  // namespace cim::geo
