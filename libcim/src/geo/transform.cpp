#include "cim/geo/transform.h"

#include <array>
#include <atomic>
#include <cmath>
#include <limits>
#include <mutex>
#include <set>
#include <sstream>
#include <vector>

#include "proj_context.h"

namespace cim::geo {

using detail::PjPtr;

// A PJ and its context must not be used by two threads at once. The transformer keeps the operation it was made
// with as a prototype and, for each thread that finds every copy busy, a clone of it in a context of its own (up to
// kMaxCopies), so threads transforming at the same time do not queue on one lock (the 3D Tiles writer places every
// vertex of every tile through one transformer).
struct Transformer::Impl {
  struct Copy {
    detail::ContextPtr ctx;
    PjPtr op;
    std::mutex mutex;
  };
  static constexpr std::size_t kMaxCopies = 64;

  detail::ContextPtr ctx;  // the prototype's
  PjPtr op;                // the prototype: only cloned (under `grow`), never run
  std::string description;
  bool approximate = false;
  bool heightPassesThrough = false;
  mutable std::array<std::unique_ptr<Copy>, kMaxCopies> copies;
  mutable std::atomic<std::size_t> copyCount{0};
  mutable std::mutex grow;

  // Runs f(PJ*) on a copy no other thread is using: a free one, else a new clone, else (kMaxCopies busy) the
  // first copy once it is free. A clone PROJ cannot make falls back to waiting as well.
  template <class F>
  auto withOp(F&& f) const {
    const std::size_t n = copyCount.load(std::memory_order_acquire);
    for (std::size_t i = 0; i < n; ++i) {
      std::unique_lock lock(copies[i]->mutex, std::try_to_lock);
      if (lock.owns_lock()) return f(copies[i]->op.get());
    }
    Copy* copy = nullptr;
    std::unique_lock<std::mutex> held;
    {
      std::lock_guard g(grow);
      const std::size_t m = copyCount.load(std::memory_order_relaxed);
      if (m < kMaxCopies) {
        auto c = std::make_unique<Copy>();
        c->ctx = detail::makeContext();
        c->op.reset(proj_clone(c->ctx.get(), op.get()));
        if (c->op) {
          held = std::unique_lock(c->mutex);
          copy = c.get();
          copies[m] = std::move(c);
          copyCount.store(m + 1, std::memory_order_release);
        }
      }
    }
    if (copy) return f(copy->op.get());
    if (copyCount.load(std::memory_order_acquire) == 0) {  // PROJ cannot clone it: run the prototype itself
      std::lock_guard g(grow);
      return f(op.get());
    }
    std::lock_guard lock(copies[0]->mutex);
    return f(copies[0]->op.get());
  }
};

namespace {

// Whether a PROJ string (a pipeline or one operation) leaves z alone and computes x/y from x/y only: every step is a
// 2-D map projection (forward or inverse; PROJ passes z through them), an axis swap of the first two axes, or a unit
// conversion of x/y (z only from a unit to the same unit). Anything else (geocentric steps, Helmert, grids,
// push/pop, axis or vertical-unit options) says no.
bool heightPassesThroughPipeline(const std::string& text) {
  static const std::set<std::string> kPlanar = {
      "tmerc", "etmerc", "utm", "lcc", "merc", "webmerc", "aea", "laea", "stere", "sterea", "ups", "omerc", "cass",
      "eqc", "krovak", "poly", "eqdc", "cea", "somerc", "gstmerc", "nzmg", "latlong", "longlat", "lonlat", "latlon",
      "noop", "pipeline"};
  std::istringstream in(text);
  std::string token, proj;
  std::vector<std::string> params;
  auto stepOk = [&]() {
    if (proj.empty()) return params.empty();
    for (const auto& p : params) {
      if (p == "inv" || p == "type=crs") continue;
      if (proj == "axisswap") {
        if (p != "order=2,1") return false;
      } else if (proj == "unitconvert") {
        if (p.rfind("xy_in=", 0) != 0 && p.rfind("xy_out=", 0) != 0 && p.rfind("z_in=", 0) != 0 &&
            p.rfind("z_out=", 0) != 0)
          return false;
      } else if (p.rfind("axis=", 0) == 0 || p.rfind("geoidgrids", 0) == 0 || p.rfind("towgs84", 0) == 0 ||
                 p.rfind("nadgrids", 0) == 0 || p.rfind("vunits", 0) == 0) {
        return false;
      }
    }
    if (proj == "unitconvert") {  // z in and out in the same unit (or not given): z unchanged
      auto value = [&](const char* key) {
        for (const auto& p : params)
          if (p.rfind(key, 0) == 0) return p.substr(std::char_traits<char>::length(key));
        return std::string();
      };
      if (value("z_in=") != value("z_out=")) return false;
    }
    return proj == "axisswap" || proj == "unitconvert" || kPlanar.count(proj) > 0;
  };
  bool any = false;
  while (in >> token) {
    if (token.empty() || token[0] != '+') return false;
    token.erase(0, 1);
    if (token == "step") {
      if (!stepOk()) return false;
      proj.clear();
      params.clear();
      continue;
    }
    if (token.rfind("proj=", 0) == 0) {
      proj = token.substr(5);
      any = true;
    } else {
      params.push_back(token);
    }
  }
  return any && stepOk();
}

}  // namespace

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

  // Only a single operation has a PROJ string (not one choosing among alternatives by area).
  if (const char* text = proj_as_proj_string(ctx, impl->op.get(), PJ_PROJ_5, nullptr))
    impl->heightPassesThrough = heightPassesThroughPipeline(text);

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
  return impl_->withOp([&](PJ* op) { return run(op, PJ_FWD, point); });
}

std::optional<Eigen::Vector3d> Transformer::inverse(const Eigen::Vector3d& point) const {
  return impl_->withOp([&](PJ* op) { return run(op, PJ_INV, point); });
}

std::size_t Transformer::forward(std::span<Eigen::Vector3d> points) const {
  if (points.empty()) return 0;
  // Eigen::Vector3d is three packed doubles: hand PROJ the x, y and z columns with a stride of one point.
  static_assert(sizeof(Eigen::Vector3d) == 3 * sizeof(double));
  double* base = points.data()->data();
  const std::size_t stride = sizeof(Eigen::Vector3d);
  impl_->withOp([&](PJ* op) {
    return proj_trans_generic(op, PJ_FWD, base, stride, points.size(), base + 1, stride, points.size(), base + 2,
                              stride, points.size(), nullptr, 0, 0);
  });
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
bool Transformer::heightPassesThrough() const { return impl_->heightPassesThrough; }
bool Transformer::isApproximate() const { return impl_->approximate; }

}  // namespace cim::geo
