#include "cim/geo/transform.h"

#include <cmath>
#include <limits>
#include <mutex>

#include "proj_context.h"

namespace cim::geo {

using detail::PjPtr;

struct Transformer::Impl {
  detail::ContextPtr ctx;
  PjPtr op;
  std::string description;
  bool approximate = false;
  mutable std::mutex mutex;  // a PJ and its context must not be used by two threads at once
};

Transformer::Transformer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Transformer::Transformer(Transformer&&) noexcept = default;
Transformer& Transformer::operator=(Transformer&&) noexcept = default;
Transformer::~Transformer() = default;

Result<Transformer> Transformer::create(const Crs& source, const Crs& target) {
  auto impl = std::make_unique<Impl>();
  impl->ctx = detail::makeContext();
  PJ_CONTEXT* ctx = impl->ctx.get();
  PjPtr src(proj_create(ctx, source.wkt().c_str()));
  PjPtr dst(proj_create(ctx, target.wkt().c_str()));
  if (!src || !dst)
    return Result<Transformer>::failure(Diagnostic::error(ErrorCode::UnknownCrs, "PROJ rejected the CRS WKT"));

  PjPtr op(proj_create_crs_to_crs_from_pj(ctx, src.get(), dst.get(), nullptr, nullptr));
  if (!op)
    return Result<Transformer>::failure(Diagnostic::error(
        ErrorCode::NoTransformation,
        "no transformation from '" + source.definition() + "' to '" + target.definition() + "': " + detail::lastError(ctx)));
  // Traditional GIS order: easting/longitude first, whatever the CRS declares.
  PjPtr normalised(proj_normalize_for_visualization(ctx, op.get()));
  if (!normalised)
    return Result<Transformer>::failure(Diagnostic::error(
        ErrorCode::NoTransformation, "cannot normalise axis order for '" + source.definition() + "': " + detail::lastError(ctx)));
  impl->op = std::move(normalised);

  PJ_PROJ_INFO info = proj_pj_info(impl->op.get());
  impl->description = info.description ? info.description : "";
  impl->approximate = proj_coordoperation_has_ballpark_transformation(ctx, impl->op.get()) != 0 ||
                      impl->description.find("allpark") != std::string::npos;

  std::vector<Diagnostic> diags;
  if (impl->approximate)
    // A property of the CRSs and the installed grids, not of an input: a note (said once per run by the CLI).
    diags.push_back(Diagnostic::info(
        ErrorCode::VerticalDatumApproximated,
        "transformation from '" + source.definition() + "' to '" + target.definition() +
            "' is approximate (no grid installed for part of it: " + impl->description +
            "); heights may be off by the local geoid undulation"));
  return Result<Transformer>::success(Transformer(std::move(impl)), std::move(diags));
}

namespace {
std::optional<Eigen::Vector3d> run(PJ* op, PJ_DIRECTION dir, const Eigen::Vector3d& p) {
  PJ_COORD c = proj_coord(p.x(), p.y(), p.z(), 0);
  PJ_COORD r = proj_trans(op, dir, c);
  if (!std::isfinite(r.xyz.x) || !std::isfinite(r.xyz.y) || !std::isfinite(r.xyz.z) || r.xyz.x == HUGE_VAL)
    return std::nullopt;
  return Eigen::Vector3d(r.xyz.x, r.xyz.y, r.xyz.z);
}
}  // namespace

std::optional<Eigen::Vector3d> Transformer::forward(const Eigen::Vector3d& point) const {
  std::lock_guard lock(impl_->mutex);
  return run(impl_->op.get(), PJ_FWD, point);
}

std::optional<Eigen::Vector3d> Transformer::inverse(const Eigen::Vector3d& point) const {
  std::lock_guard lock(impl_->mutex);
  return run(impl_->op.get(), PJ_INV, point);
}

std::size_t Transformer::forward(std::span<Eigen::Vector3d> points) const {
  if (points.empty()) return 0;
  // Eigen::Vector3d is three packed doubles: hand PROJ the x, y and z columns with a stride of one point.
  static_assert(sizeof(Eigen::Vector3d) == 3 * sizeof(double));
  double* base = points.data()->data();
  const std::size_t stride = sizeof(Eigen::Vector3d);
  {
    std::lock_guard lock(impl_->mutex);
    proj_trans_generic(impl_->op.get(), PJ_FWD, base, stride, points.size(), base + 1, stride, points.size(), base + 2,
                       stride, points.size(), nullptr, 0, 0);
  }
  std::size_t failed = 0;
  for (auto& p : points) {
    if (!p.allFinite() || p.x() == HUGE_VAL || p.y() == HUGE_VAL) {
      p.setConstant(std::numeric_limits<double>::quiet_NaN());
      ++failed;
    }
  }
  return failed;
}

const std::string& Transformer::description() const { return impl_->description; }
bool Transformer::isApproximate() const { return impl_->approximate; }

}  // namespace cim::geo
