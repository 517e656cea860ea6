#include "io/ifc/axis_placement.h"

#include <charconv>
#include <cmath>
#include <string>
#include <string_view>

namespace cim::io::ifc {

namespace {

// "((x,y,z))" as most exporters write a point, read without the general attribute parser (points are the most
// numerous instances of all). False for any other spelling, which the general parser then reads or reports.
bool quickCoordinates(std::string_view t, Eigen::Vector3d& v, int& n) {
  std::size_t i = 0;
  auto expect = [&](char c) {
    if (i < t.size() && t[i] == c) {
      ++i;
      return true;
    }
    return false;
  };
  if (!expect('(') || !expect('(')) return false;
  n = 0;
  for (;;) {
    if (n == 3) return false;
    const char* begin = t.data() + i;
    const char* end = t.data() + t.size();
    if (begin < end && *begin == '+') ++begin;
    double d;
    auto [p, ec] = std::from_chars(begin, end, d);
    if (ec != std::errc() || p == begin) return false;
    v[n++] = d;
    i = static_cast<std::size_t>(p - t.data());
    if (expect(',')) continue;
    return expect(')') && expect(')') && i == t.size();
  }
}

// Up to three numbers of the list attribute `name` into v; returns how many numbers the list has.
int readRatios(const Instance& it, const char* name, Eigen::Vector3d& v) {
  int n = 0;
  for (const auto& c : it.list(name)) {
    auto d = numberOf(it.attributes(), c);
    if (!d) continue;
    if (n < 3) v[n] = *d;
    ++n;
  }
  return n;
}

// `x` projected into the plane normal to the unit vector `z` and normalised (IfcBuildAxes, IfcBaseAxis); when `x` is
// parallel to `z`, a default normal to `z` (from +X, or +Y when `z` is near X), and `*defaulted` is set.
Eigen::Vector3d normalTo(const Eigen::Vector3d& z, const Eigen::Vector3d& x, bool* defaulted = nullptr) {
  Eigen::Vector3d xp = x - x.dot(z) * z;
  if (xp.norm() < 1e-9) {
    xp = (std::abs(z.x()) < 0.9 ? Eigen::Vector3d::UnitX() : Eigen::Vector3d::UnitY());
    xp -= xp.dot(z) * z;
    if (defaulted) *defaulted = true;
  }
  return xp.normalized();
}

}  // namespace

std::optional<Eigen::Vector3d> readPoint(Context& ctx, std::uint64_t id) {
  if (const auto r = ctx.file.find(id); r && r->type == ctx.pointType) {
    Eigen::Vector3d v = Eigen::Vector3d::Zero();
    int n = 0;
    if (quickCoordinates(ctx.file.step().text(*r), v, n) && v.allFinite() && v.cwiseAbs().maxCoeff() <= 1e12)
      return v * ctx.units.lengthToMeters;
  }
  thread_local Instance p;  // reused: points are read by the million, and each fresh Instance would allocate
  if (!p.load(ctx.file, id)) {
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, id, "point cannot be read: " + p.error());
    return std::nullopt;
  }
  Eigen::Vector3d v = Eigen::Vector3d::Zero();
  const int n = readRatios(p, "Coordinates", v);
  if (n == 0 || n > 3) {
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, id, "point has " + std::to_string(n) + " coordinates");
    return std::nullopt;
  }
  if (!v.allFinite() || v.cwiseAbs().maxCoeff() > 1e12) {
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, id, "point coordinates are not finite or absurdly large");
    return std::nullopt;
  }
  return v * ctx.units.lengthToMeters;
}

std::optional<Eigen::Vector3d> readDirection(Context& ctx, std::uint64_t id) {
  thread_local Instance d;
  if (!d.load(ctx.file, id)) return std::nullopt;
  Eigen::Vector3d v = Eigen::Vector3d::Zero();
  const int count = readRatios(d, "DirectionRatios", v);
  if (count == 0 || count > 3) return std::nullopt;
  const double n = v.norm();
  if (!(n > 1e-12) || !std::isfinite(n)) {
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, id, "direction has zero or non-finite length");
    return std::nullopt;
  }
  return v / n;
}

Eigen::Affine3d axis2Placement(Context& ctx, std::uint64_t id) {
  Eigen::Affine3d t = Eigen::Affine3d::Identity();
  Instance a;
  if (!a.load(ctx.file, id)) {
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, id, "placement cannot be read: " + a.error());
    return t;
  }
  if (!ctx.file.isA(a.record(), names::IfcPlacement)) {
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, id,
               std::string(a.entity().name) + " is not an IfcAxis2Placement; identity used");
    return t;
  }
  Eigen::Vector3d origin = Eigen::Vector3d::Zero();
  if (auto loc = a.ref("Location"))
    if (auto p = readPoint(ctx, *loc)) origin = *p;
  t.linear() = buildAxes(ctx, a, !ctx.file.isA(a.record(), names::IfcAxis2Placement2D));
  t.translation() = origin;
  return t;
}

Eigen::Matrix3d buildAxes(Context& ctx, const Instance& placement, bool withAxis) {
  Eigen::Vector3d z = Eigen::Vector3d::UnitZ();
  if (withAxis)
    if (auto axis = placement.ref("Axis"))
      if (auto d = readDirection(ctx, *axis)) z = *d;
  Eigen::Vector3d x = Eigen::Vector3d::UnitX();
  if (auto ref = placement.ref("RefDirection"))
    if (auto d = readDirection(ctx, *ref)) x = *d;
  bool defaulted = false;
  const Eigen::Vector3d xp = normalTo(z, x, &defaulted);
  if (defaulted)
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, placement.id(),
               "RefDirection is parallel to Axis; a default was used");
  Eigen::Matrix3d axes;
  axes.col(0) = xp;
  axes.col(1) = z.cross(xp);
  axes.col(2) = z;
  return axes;
}

Eigen::Affine3d transformationOperator(Context& ctx, std::uint64_t id) {
  Eigen::Affine3d t = Eigen::Affine3d::Identity();
  Instance op;
  if (!op.load(ctx.file, id)) {
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, id, "transformation cannot be read: " + op.error());
    return t;
  }
  const bool is3d = ctx.file.isA(op.record(), names::IfcCartesianTransformationOperator3D);
  auto dir = [&](const char* name) -> std::optional<Eigen::Vector3d> {
    if (auto r = op.ref(name)) return readDirection(ctx, *r);
    return std::nullopt;
  };
  // IfcBaseAxis: z = Axis3 (or +Z); x = Axis1 projected normal to z; y = Axis2 projected normal to z and x.
  const Eigen::Vector3d z = is3d ? dir("Axis3").value_or(Eigen::Vector3d::UnitZ()) : Eigen::Vector3d::UnitZ();
  const Eigen::Vector3d x = normalTo(z, dir("Axis1").value_or(Eigen::Vector3d::UnitX()));
  Eigen::Vector3d y = dir("Axis2").value_or(z.cross(x));
  y -= y.dot(z) * z + y.dot(x) * x;
  if (y.norm() < 1e-9) y = z.cross(x);
  y.normalize();
  const double s = op.real("Scale").value_or(1.0);
  const double s2 = op.real("Scale2").value_or(s);
  const double s3 = op.real("Scale3").value_or(s);
  t.linear().col(0) = x * s;
  t.linear().col(1) = y * s2;
  t.linear().col(2) = z * s3;
  if (auto o = op.ref("LocalOrigin"))
    if (auto p = readPoint(ctx, *o)) t.translation() = *p;
  return t;
}

}  // namespace cim::io::ifc
