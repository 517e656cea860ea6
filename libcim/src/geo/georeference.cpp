#include "cim/geo/georeference.h"

#include "cim/geo/ecef.h"

namespace cim::geo {

Result<Georeference> Georeference::create(const Crs& projectCrs) {
  auto t = Transformer::create(projectCrs, wgs84Geographic3d());
  if (!t.ok()) return Result<Georeference>::failureFrom(t);
  auto diags = t.takeDiagnostics();
  if (!projectCrs.hasVertical())
    diags.push_back(Diagnostic::info(ErrorCode::VerticalDatumApproximated,
                                     "CRS '" + projectCrs.definition() +
                                         "' has no vertical component; heights are taken as ellipsoidal heights"));
  auto shared = std::make_shared<const Transformer>(std::move(t).value());
  return Result<Georeference>::success(Georeference(projectCrs, std::move(shared)), std::move(diags));
}

std::optional<Eigen::Vector3d> Georeference::projectToWgs84(const Eigen::Vector3d& p) const {
  return toWgs84_->forward(p);
}

std::optional<Eigen::Vector3d> Georeference::wgs84ToProject(const Eigen::Vector3d& llh) const {
  return toWgs84_->inverse(llh);
}

std::optional<Eigen::Vector3d> Georeference::projectToEcef(const Eigen::Vector3d& p) const {
  auto llh = projectToWgs84(p);
  if (!llh) return std::nullopt;
  return geodeticToEcef(*llh);
}

std::optional<Eigen::Vector3d> Georeference::ecefToProject(const Eigen::Vector3d& ecef) const {
  return wgs84ToProject(ecefToGeodetic(ecef));
}

std::optional<Eigen::Isometry3d> Georeference::enuFrameAt(const Eigen::Vector3d& p) const {
  auto llh = projectToWgs84(p);
  if (!llh) return std::nullopt;
  return enuToEcef(*llh);
}

std::optional<Eigen::Vector3d> Georeference::projectToEnu(const Eigen::Vector3d& p,
                                                          const Eigen::Isometry3d& enuToEcef) const {
  auto ecef = projectToEcef(p);
  if (!ecef) return std::nullopt;
  return enuToEcef.inverse() * *ecef;
}

std::optional<Eigen::Vector3d> Georeference::enuToProject(const Eigen::Vector3d& enu,
                                                          const Eigen::Isometry3d& enuToEcef) const {
  return ecefToProject(enuToEcef * enu);
}

}  // namespace cim::geo
