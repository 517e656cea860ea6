#pragma once
// Point transformations between two CRSs through PROJ.
//
// Axis order is fixed inside libcim whatever the CRS declares: x = easting (or longitude in degrees),
// y = northing (or latitude in degrees), z = height. EPSG:4549, for example, lists northing first and Chinese
// survey tables call the northing "X"; readers swap at the boundary, never here.

#include <memory>
#include <optional>
#include <span>
#include <string>

#include <Eigen/Core>

#include "cim/core/result.h"
#include "cim/geo/crs.h"

namespace cim::geo {

class Transformer {
 public:
  /// Builds the best transformation PROJ knows from `source` to `target` (with the grids installed here).
  /// Fails with ErrorCode::NoTransformation when PROJ has none. When a datum shift or the vertical part is only a
  /// "ballpark" (no grid available, e.g. 1985 heights to ellipsoidal heights without a geoid model), the result
  /// succeeds with a VerticalDatumApproximated warning and isApproximate() is true.
  static Result<Transformer> create(const Crs& source, const Crs& target);

  Transformer(Transformer&&) noexcept;
  Transformer& operator=(Transformer&&) noexcept;
  ~Transformer();

  /// Transforms one point (x east/lon, y north/lat, z height). Returns nullopt when PROJ cannot transform it
  /// (outside the domain of the projection, for example). Thread-safe.
  std::optional<Eigen::Vector3d> forward(const Eigen::Vector3d& point) const;
  /// The inverse direction (target to source).
  std::optional<Eigen::Vector3d> inverse(const Eigen::Vector3d& point) const;
  /// Transforms points in place; returns how many could not be transformed (those are set to NaN). Thread-safe.
  std::size_t forward(std::span<Eigen::Vector3d> points) const;

  /// True when the x/y results depend on x and y alone and z comes out unchanged: PROJ's pipeline is only map
  /// projections, axis swaps of x and y and horizontal unit conversions (EPSG:4549+5737 to WGS 84 without a geoid
  /// grid, for example). Callers may then transform each distinct (x, y) once and carry z through: the results are
  /// exactly those of transforming every point. False when unsure.
  bool heightPassesThrough() const;

  /// PROJ's description of the operation it chose.
  const std::string& description() const;
  /// True when PROJ could only approximate part of the operation (a ballpark datum or height transformation).
  bool isApproximate() const;

 private:
  struct Impl;
  explicit Transformer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cim::geo
