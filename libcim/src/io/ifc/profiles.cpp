#include "io/ifc/profiles.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <numbers>
#include <string>
#include <string_view>

#include "io/ifc/axis_placement.h"
#include "io/ifc/curves.h"

namespace cim::io::ifc {

namespace {

constexpr double kPi = std::numbers::pi;

using Ring = std::vector<Eigen::Vector3d>;
using Rings = std::vector<Ring>;

// A number for a message: short, and readable for 1e308 or infinity too.
std::string formatNumber(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// The dimensions of a parameterised profile in metres, and the shapes its rings are made of (centred on the
// profile's origin, before Position).
struct Dims {
  Context& ctx;
  const Instance& p;

  double r(const char* name) const { return p.real(name).value_or(0.0) * ctx.units.lengthToMeters; }
  static Ring poly(std::initializer_list<Eigen::Vector2d> pts) {
    Ring ring;
    for (const auto& q : pts) ring.emplace_back(q.x(), q.y(), 0.0);
    return ring;
  }
  Ring ellipse(double a, double b) const {
    auto pts = arcPoints(ctx, Eigen::Affine3d::Identity(), a, b, 0.0, 2 * kPi);
    pts.pop_back();
    return pts;
  }
  Ring circle(double radius) const {
    Eigen::Affine3d id = Eigen::Affine3d::Identity();
    auto pts = arcPoints(ctx, id, radius, radius, 0.0, 2 * kPi);
    pts.pop_back();
    return pts;
  }
  static Ring rect(double w, double h) { return poly({{-w / 2, -h / 2}, {w / 2, -h / 2}, {w / 2, h / 2}, {-w / 2, h / 2}}); }
};

Rings rectangleHollow(const Dims& d) {
  const double w = d.r("XDim"), h = d.r("YDim"), t = d.r("WallThickness");
  return {Dims::rect(w, h), Dims::rect(w - 2 * t, h - 2 * t)};
}

Rings roundedRectangle(const Dims& d) {
  const double w = d.r("XDim"), h = d.r("YDim"), rr = std::min({d.r("RoundingRadius"), w / 2, h / 2});
  Ring ring;
  const Eigen::Vector2d corners[4] = {{w / 2 - rr, h / 2 - rr}, {-w / 2 + rr, h / 2 - rr}, {-w / 2 + rr, -h / 2 + rr}, {w / 2 - rr, -h / 2 + rr}};
  for (int c = 0; c < 4; ++c) {
    Eigen::Affine3d frame = Eigen::Affine3d::Identity();
    frame.translation() = Eigen::Vector3d(corners[c].x(), corners[c].y(), 0);
    appendAll(ring, arcPoints(d.ctx, frame, rr, rr, c * kPi / 2, kPi / 2));
  }
  dropClosingPoint(ring);
  return {ring};
}

Rings rectangle(const Dims& d) { return {Dims::rect(d.r("XDim"), d.r("YDim"))}; }
Rings circleHollow(const Dims& d) { return {d.circle(d.r("Radius")), d.circle(d.r("Radius") - d.r("WallThickness"))}; }
Rings circle(const Dims& d) { return {d.circle(d.r("Radius"))}; }
Rings ellipse(const Dims& d) { return {d.ellipse(d.r("SemiAxis1"), d.r("SemiAxis2"))}; }

// IfcIShapeProfileDef, and IfcAsymmetricIShapeProfileDef with its own top flange.
Rings iShape(const Dims& d) {
  const bool asymmetric = d.ctx.file.isA(d.p.record(), names::IfcAsymmetricIShapeProfileDef);
  const double s = d.ctx.units.lengthToMeters;
  const double w = asymmetric ? d.r("BottomFlangeWidth") : d.r("OverallWidth");
  const double wt = asymmetric ? d.r("TopFlangeWidth") : w;
  const double dd = d.r("OverallDepth"), tw = d.r("WebThickness");
  const double tf = asymmetric ? d.r("BottomFlangeThickness") : d.r("FlangeThickness");
  const double tft = asymmetric ? d.p.real("TopFlangeThickness").value_or(tf / s) * s : tf;
  return {Dims::poly({{-w / 2, -dd / 2}, {w / 2, -dd / 2}, {w / 2, -dd / 2 + tf}, {tw / 2, -dd / 2 + tf}, {tw / 2, dd / 2 - tft},
                      {wt / 2, dd / 2 - tft}, {wt / 2, dd / 2}, {-wt / 2, dd / 2}, {-wt / 2, dd / 2 - tft}, {-tw / 2, dd / 2 - tft},
                      {-tw / 2, -dd / 2 + tf}, {-w / 2, -dd / 2 + tf}})};
}

Rings lShape(const Dims& d) {
  const double s = d.ctx.units.lengthToMeters;
  const double dd = d.r("Depth"), w = d.p.real("Width").value_or(d.p.real("Depth").value_or(0)) * s, t = d.r("Thickness");
  return {Dims::poly({{-w / 2, -dd / 2}, {w / 2, -dd / 2}, {w / 2, -dd / 2 + t}, {-w / 2 + t, -dd / 2 + t}, {-w / 2 + t, dd / 2}, {-w / 2, dd / 2}})};
}

Rings tShape(const Dims& d) {
  const double dd = d.r("Depth"), w = d.r("FlangeWidth"), tw = d.r("WebThickness"), tf = d.r("FlangeThickness");
  return {Dims::poly({{-tw / 2, -dd / 2}, {tw / 2, -dd / 2}, {tw / 2, dd / 2 - tf}, {w / 2, dd / 2 - tf}, {w / 2, dd / 2},
                      {-w / 2, dd / 2}, {-w / 2, dd / 2 - tf}, {-tw / 2, dd / 2 - tf}})};
}

Rings uShape(const Dims& d) {
  const double dd = d.r("Depth"), w = d.r("FlangeWidth"), tw = d.r("WebThickness"), tf = d.r("FlangeThickness");
  return {Dims::poly({{-w / 2, -dd / 2}, {w / 2, -dd / 2}, {w / 2, -dd / 2 + tf}, {-w / 2 + tw, -dd / 2 + tf},
                      {-w / 2 + tw, dd / 2 - tf}, {w / 2, dd / 2 - tf}, {w / 2, dd / 2}, {-w / 2, dd / 2}})};
}

Rings cShape(const Dims& d) {
  const double dd = d.r("Depth"), w = d.r("Width"), t = d.r("WallThickness"), g = d.r("Girth");
  return {Dims::poly({{-w / 2, -dd / 2}, {w / 2, -dd / 2}, {w / 2, -dd / 2 + g}, {w / 2 - t, -dd / 2 + g}, {w / 2 - t, -dd / 2 + t},
                      {-w / 2 + t, -dd / 2 + t}, {-w / 2 + t, dd / 2 - t}, {w / 2 - t, dd / 2 - t}, {w / 2 - t, dd / 2 - g},
                      {w / 2, dd / 2 - g}, {w / 2, dd / 2}, {-w / 2, dd / 2}})};
}

Rings zShape(const Dims& d) {
  const double dd = d.r("Depth"), w = d.r("FlangeWidth"), tw = d.r("WebThickness"), tf = d.r("FlangeThickness");
  return {Dims::poly({{-tw / 2 - (w - tw), -dd / 2}, {tw / 2, -dd / 2}, {tw / 2, dd / 2 - tf}, {tw / 2 + (w - tw), dd / 2 - tf},
                      {tw / 2 + (w - tw), dd / 2}, {-tw / 2, dd / 2}, {-tw / 2, -dd / 2 + tf}, {-tw / 2 - (w - tw), -dd / 2 + tf}})};
}

Rings trapezium(const Dims& d) {
  const double b = d.r("BottomXDim"), t = d.r("TopXDim"), h = d.r("YDim"), o = d.r("TopXOffset");
  return {Dims::poly({{-b / 2, -h / 2}, {b / 2, -h / 2}, {-b / 2 + o + t, h / 2}, {-b / 2 + o, h / 2}})};
}

// The parameterised profiles read, with their rings. The first class the profile is an instance of wins: hollow and
// rounded rectangles before rectangles, hollow circles before circles.
constexpr std::pair<std::string_view, Rings (*)(const Dims&)> kParameterised[] = {
    {names::IfcRectangleHollowProfileDef, rectangleHollow}, {names::IfcRoundedRectangleProfileDef, roundedRectangle},
    {names::IfcRectangleProfileDef, rectangle},             {names::IfcCircleHollowProfileDef, circleHollow},
    {names::IfcCircleProfileDef, circle},                   {names::IfcEllipseProfileDef, ellipse},
    {names::IfcIShapeProfileDef, iShape},                   {names::IfcAsymmetricIShapeProfileDef, iShape},
    {names::IfcLShapeProfileDef, lShape},                   {names::IfcTShapeProfileDef, tShape},
    {names::IfcUShapeProfileDef, uShape},                   {names::IfcCShapeProfileDef, cShape},
    {names::IfcZShapeProfileDef, zShape},                   {names::IfcTrapeziumProfileDef, trapezium}};

// Dimensions of parameterised profiles that must be positive lengths (IfcPositiveLengthMeasure).
constexpr const char* kPositiveDimensions[] = {
    "XDim",         "YDim",      "Radius",          "WallThickness", "SemiAxis1", "SemiAxis2",  "OverallWidth",
    "OverallDepth", "WebThickness", "FlangeThickness", "Depth",       "Width",     "Thickness",  "FlangeWidth",
    "Girth",        "BottomXDim", "TopXDim",        "BottomFlangeWidth", "TopFlangeWidth", "BottomFlangeThickness"};

// Dimensions are positive lengths within the bound readPoint uses; a hollow section's wall is thinner than its
// half-size. A negative size would otherwise be mirrored into a valid-looking shape, and a zero or absurd one give
// degenerate or infinite geometry. False (reported) when the profile breaks one of these.
bool dimensionsUsable(const Dims& d) {
  for (const char* name : kPositiveDimensions) {
    const auto v = d.p.real(name);
    if (v && (!(*v > 0) || !std::isfinite(*v) || *v > 1e12)) {
      d.ctx.report(Severity::Warning, ErrorCode::InvalidElement, d.p.id(),
                   std::string(name) + " " + formatNumber(*v) + " is not a positive finite length; profile skipped");
      return false;
    }
  }
  const auto& f = d.ctx.file;
  const auto& rec = d.p.record();
  const double thickness = d.r("WallThickness");
  if (thickness > 0 && ((f.isA(rec, names::IfcCircleHollowProfileDef) && thickness >= d.r("Radius")) ||
                        (f.isA(rec, names::IfcRectangleHollowProfileDef) && 2 * thickness >= std::min(d.r("XDim"), d.r("YDim"))))) {
    d.ctx.report(Severity::Warning, ErrorCode::InvalidElement, d.p.id(),
                 "WallThickness leaves no hollow in the section; profile skipped");
    return false;
  }
  return true;
}

// Rings of the parameterised profiles, centred on the profile's origin (before Position).
std::vector<Polygon> parameterised(Context& ctx, const Instance& p) {
  const Dims d{ctx, p};
  if (!dimensionsUsable(d)) return {};
  for (const auto& [cls, rings] : kParameterised)
    if (ctx.file.isA(p.record(), cls)) return {Polygon{rings(d)}};
  ctx.report(Severity::Warning, ErrorCode::IfcItemNotRead, p.id(),
             "profile type " + std::string(p.entity().name) + " is not supported yet");
  return {};
}

void transform(std::vector<Polygon>& polys, const Eigen::Affine3d& t) {
  for (auto& poly : polys)
    for (auto& ring : poly.rings)
      for (auto& q : ring) q = t * q;
}

// IfcArbitraryClosedProfileDef (and with voids): the outer curve and inner curves as rings. Empty (reported) when
// the outer curve gives no area.
std::vector<Polygon> arbitrary(Context& ctx, const Instance& p) {
  Polygon poly;
  if (auto outer = p.ref("OuterCurve")) {
    auto ring = curvePoints(ctx, *outer);
    dropClosingPoint(ring);
    if (ring.size() >= 3) poly.rings.push_back(std::move(ring));
  }
  if (poly.rings.empty()) {
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, p.id(), "profile outer curve gives no area");
    return {};
  }
  for (auto inner : p.refs("InnerCurves")) {
    auto ring = curvePoints(ctx, inner);
    dropClosingPoint(ring);
    if (ring.size() >= 3) poly.rings.push_back(std::move(ring));
  }
  return {std::move(poly)};
}

std::vector<Polygon> profileImpl(Context& ctx, std::uint64_t id, int depth) {
  std::vector<Polygon> out;
  if (depth > 8) {
    ctx.report(Severity::Warning, ErrorCode::LimitExceeded, id, "profiles nested more than 8 deep; not read");
    return out;
  }
  Instance p;
  if (!p.load(ctx.file, id)) {
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, id, "profile cannot be read: " + p.error());
    return out;
  }
  const auto& f = ctx.file;
  if (f.isA(p.record(), names::IfcArbitraryClosedProfileDef)) {
    out = arbitrary(ctx, p);
  } else if (f.isA(p.record(), names::IfcDerivedProfileDef)) {
    if (auto parent = p.ref("ParentProfile")) out = profileImpl(ctx, *parent, depth + 1);
    if (auto op = p.ref("Operator")) transform(out, transformationOperator(ctx, *op));
  } else if (f.isA(p.record(), names::IfcCompositeProfileDef)) {
    for (auto child : p.refs("Profiles")) {
      auto polys = profileImpl(ctx, child, depth + 1);
      out.insert(out.end(), polys.begin(), polys.end());
    }
  } else if (f.isA(p.record(), names::IfcParameterizedProfileDef)) {
    out = parameterised(ctx, p);
    if (auto pos = p.ref("Position")) transform(out, axis2Placement(ctx, *pos));
  } else {
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, id,
               "profile type " + std::string(p.entity().name) + " gives no area");
  }
  return out;
}

}  // namespace

std::vector<Polygon> profilePolygons(Context& ctx, std::uint64_t profileId) { return profileImpl(ctx, profileId, 0); }

}  // namespace cim::io::ifc
