// Site features from GeoJSON, GeoPackage and CSV through GDAL/OGR (GDAL types stay in this file).

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <cmath>
#include <mutex>
#include <system_error>

#include <cpl_error.h>
#include <gdal.h>
#include <ogrsf_frmts.h>

#include "cim/geo/transform.h"
#include "cim/io/site.h"
#include "cim/model/element.h"
#include "core/limits.h"
#include "core/text.h"
#include "io/gdal/gdal_util.h"
#include "io/site/in_memory.h"
#include "io/site/site_sniff.h"

namespace cim::io {

namespace {

namespace fs = std::filesystem;
using Eigen::Vector2d;
using Eigen::Vector3d;
using model::SiteFeatureKind;

using cim::detail::toLower;

// Words that name each kind; for layer and file names a contained word is enough.
struct KindWords {
  SiteFeatureKind kind;
  std::vector<std::string> words;  // lower case; the first is the canonical name
};
const std::vector<KindWords>& kindWords() {
  static const std::vector<KindWords> words = {
      {SiteFeatureKind::DroneCorridor, {"drone_corridor", "drone", "corridor", "route", "flight", "航线", "无人机"}},
      {SiteFeatureKind::Excavation, {"excavation", "foundation_pit", "pit", "基坑", "开挖"}},
      {SiteFeatureKind::Borehole, {"borehole", "bore", "drill", "钻孔", "勘探孔"}},
      {SiteFeatureKind::Sensor, {"sensor", "monitor", "detector", "传感器", "监测点", "监测"}},
      {SiteFeatureKind::Cavity, {"cavity", "cavities", "void", "空洞", "脱空"}},
  };
  return words;
}

std::optional<SiteFeatureKind> kindFromValue(const std::string& value) {
  const std::string v = toLower(value);
  for (const auto& kw : kindWords())
    for (const auto& w : kw.words)
      if (v == w) return kw.kind;
  return std::nullopt;
}

std::optional<SiteFeatureKind> kindFromName(const std::string& name) {
  const std::string v = toLower(name);
  for (const auto& kw : kindWords())
    for (const auto& w : kw.words)
      if (v.find(w) != std::string::npos) return kw.kind;
  return std::nullopt;
}

// Field names by role (compared case-insensitively).
const std::vector<std::string> kStrictKindFields = {"kind", "site_kind", "类别", "种类"};
const std::vector<std::string> kLooseKindFields = {"type", "feature_type", "类型"};
const std::vector<std::string> kIdFields = {"id", "code", "编号", "点号"};
const std::vector<std::string> kNameFields = {"name", "名称"};
const std::vector<std::string> kTopFields = {"top", "top_elevation", "ground", "ground_elevation", "surf_h",
                                             "地面高程", "顶标高", "孔口标高", "孔口高程"};
const std::vector<std::string> kBottomFields = {"bottom", "bottom_elevation", "底标高", "坑底标高", "孔底标高"};
const std::vector<std::string> kDepthFields = {"depth", "深度", "开挖深度", "孔深", "埋深"};
const std::vector<std::string> kElevationFields = {"elevation", "z", "高程"};
const std::vector<std::string> kDiameterMmFields = {"diameter", "diameter_mm", "孔径", "直径"};
const std::vector<std::string> kDiameterMFields = {"diameter_m"};
const std::vector<std::string> kTopDepthFields = {"top_depth", "顶板埋深", "顶深"};
const std::vector<std::string> kHeightFields = {"height", "高度", "净空", "空洞高度"};
const std::vector<std::string> kLengthFields = {"length", "长度", "长"};
const std::vector<std::string> kWidthFields = {"width", "宽度", "宽"};
const std::vector<std::string> kSizeFields = {"size", "尺寸"};
const std::vector<std::string> kRadiusFields = {"radius", "半径"};
const std::vector<std::string> kAltitudeFields = {"altitude", "航高", "高度"};
const std::vector<std::string> kEastingFields = {"easting", "e", "东坐标"};
const std::vector<std::string> kNorthingFields = {"northing", "n", "北坐标"};

// A feature's fields by lower-case name.
struct Fields {
  OGRFeature& feature;
  std::vector<std::pair<std::string, int>> byName;

  explicit Fields(OGRFeature& f) : feature(f) {
    for (int i = 0; i < f.GetFieldCount(); ++i) byName.emplace_back(toLower(f.GetFieldDefnRef(i)->GetNameRef()), i);
  }
  // Index of the first present, non-null field among `names`.
  std::optional<int> find(const std::vector<std::string>& names) const {
    for (const auto& n : names)
      for (const auto& [name, i] : byName)
        if (name == n && feature.IsFieldSetAndNotNull(i)) return i;
    return std::nullopt;
  }
  std::string name(int i) const { return feature.GetFieldDefnRef(i)->GetNameRef(); }
  std::string text(const std::vector<std::string>& names) const {
    auto i = find(names);
    return i ? std::string(feature.GetFieldAsString(*i)) : std::string();
  }
};

// A number field: nullopt when absent; an error text when present but not a number.
struct NumberField {
  std::optional<double> value;
  std::string error;
};
NumberField number(const Fields& f, const std::vector<std::string>& names) {
  auto i = f.find(names);
  if (!i) return {};
  const auto type = f.feature.GetFieldDefnRef(*i)->GetType();
  // Beyond kMaxCoordinate a number is no size, height or coordinate of anything on a site; squares and sums of it
  // would overflow to infinite bounds.
  auto tooLarge = [&](double v) {
    return NumberField{std::nullopt, "field '" + f.name(*i) + "' is not finite or beyond " +
                                         std::to_string(static_cast<long long>(cim::detail::kMaxCoordinate)) + ": " +
                                         std::to_string(v)};
  };
  if (type == OFTInteger || type == OFTInteger64 || type == OFTReal) {
    const double v = f.feature.GetFieldAsDouble(*i);
    if (!cim::detail::plausibleCoordinate(v)) return tooLarge(v);
    return {v, {}};
  }
  std::string s = f.feature.GetFieldAsString(*i);
  s.erase(0, s.find_first_not_of(" \t"));
  s.erase(s.find_last_not_of(" \t") + 1);
  double v = 0.0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v))
    return {std::nullopt, "field '" + f.name(*i) + "' is not a number: '" + s + "'"};
  if (!cim::detail::plausibleCoordinate(v)) return tooLarge(v);
  return {v, {}};
}

// What went wrong with one feature (becomes a SiteFeatureSkipped error and the feature is skipped).
struct Bad {
  std::string message;
};

// The geometry of one feature in source coordinates.
struct SourceGeometry {
  enum class Type { None, Point, Polygon, Line, Other } type = Type::None;
  bool hasZ = false;
  std::vector<Vector3d> points;                 // point (1) or line vertices
  std::vector<std::vector<Vector3d>> rings;     // polygon rings, closing point removed
  std::string otherName;
};

std::vector<Vector3d> ringPoints(const OGRLinearRing& r) {
  std::vector<Vector3d> out;
  for (int i = 0; i < r.getNumPoints(); ++i) out.emplace_back(r.getX(i), r.getY(i), r.getZ(i));
  if (out.size() > 1 && (out.front() - out.back()).head<2>().norm() == 0) out.pop_back();
  return out;
}

SourceGeometry geometryOf(OGRFeature& f, const Fields& fields, bool csv, std::string& error) {
  SourceGeometry g;
  const OGRGeometry* geom = f.GetGeometryRef();
  if (geom && !geom->IsEmpty()) {
    g.hasZ = geom->Is3D();
    const OGRwkbGeometryType t = wkbFlatten(geom->getGeometryType());
    const OGRGeometry* single = geom;
    if ((t == wkbMultiPoint || t == wkbMultiPolygon || t == wkbMultiLineString)) {
      const auto* c = geom->toGeometryCollection();
      if (c->getNumGeometries() != 1) {
        error = "multi-part geometry with " + std::to_string(c->getNumGeometries()) + " parts (give one part per feature)";
        return g;
      }
      single = c->getGeometryRef(0);
    }
    switch (wkbFlatten(single->getGeometryType())) {
      case wkbPoint: {
        const auto* p = single->toPoint();
        g.type = SourceGeometry::Type::Point;
        g.points.emplace_back(p->getX(), p->getY(), p->getZ());
        break;
      }
      case wkbPolygon: {
        const auto* p = single->toPolygon();
        g.type = SourceGeometry::Type::Polygon;
        g.rings.push_back(ringPoints(*p->getExteriorRing()));
        for (int i = 0; i < p->getNumInteriorRings(); ++i) g.rings.push_back(ringPoints(*p->getInteriorRing(i)));
        break;
      }
      case wkbLineString: {
        const auto* l = single->toLineString();
        g.type = SourceGeometry::Type::Line;
        for (int i = 0; i < l->getNumPoints(); ++i) g.points.emplace_back(l->getX(i), l->getY(i), l->getZ(i));
        break;
      }
      default:
        g.type = SourceGeometry::Type::Other;
        g.otherName = single->getGeometryName();
    }
    // NaN, infinite (1e309) or absurd coordinates would reach the triangulation and the bounds; a line or ring of
    // millions of points would cost minutes and gigabytes. Either way the feature is skipped, saying why.
    std::size_t count = g.points.size();
    for (const auto& r : g.rings) count += r.size();
    if (count > cim::detail::kMaxPolylinePoints) {
      error = "geometry with " + std::to_string(count) + " points, more than the limit of " +
              std::to_string(cim::detail::kMaxPolylinePoints);
      return SourceGeometry{};
    }
    auto plausible = [&](const Vector3d& p) {
      return cim::detail::plausibleCoordinate(p.x()) && cim::detail::plausibleCoordinate(p.y()) &&
             cim::detail::plausibleCoordinate(p.z());
    };
    bool ok = std::all_of(g.points.begin(), g.points.end(), plausible);
    for (const auto& r : g.rings) ok = ok && std::all_of(r.begin(), r.end(), plausible);
    if (!ok) {
      error = "a coordinate is not finite or beyond " +
              std::to_string(static_cast<long long>(cim::detail::kMaxCoordinate));
      return SourceGeometry{};
    }
    return g;
  }
  if (csv) {
    // Coordinate columns: easting + northing, or X + Y as in CJJ 61 survey tables (X = northing).
    auto e = number(fields, kEastingFields), n = number(fields, kNorthingFields);
    if (!e.value && !n.value) {
      e = number(fields, {"y"});
      n = number(fields, {"x"});
    }
    if (!e.error.empty() || !n.error.empty()) {
      error = !e.error.empty() ? e.error : n.error;
      return g;
    }
    if (e.value && n.value) {
      auto z = number(fields, kElevationFields);
      g.type = SourceGeometry::Type::Point;
      g.hasZ = z.value.has_value();
      g.points.emplace_back(*e.value, *n.value, z.value.value_or(0.0));
    }
  }
  return g;
}

Vector2d centroid(const std::vector<Vector3d>& ring) {
  // Area centroid; the vertex mean for degenerate rings.
  double a = 0, cx = 0, cy = 0;
  for (std::size_t i = 0, n = ring.size(); i < n; ++i) {
    const auto& p = ring[i];
    const auto& q = ring[(i + 1) % n];
    const double c = p.x() * q.y() - q.x() * p.y();
    a += c;
    cx += (p.x() + q.x()) * c;
    cy += (p.y() + q.y()) * c;
  }
  if (std::abs(a) > 1e-12) return {cx / (3 * a), cy / (3 * a)};
  Vector2d m = Vector2d::Zero();
  for (const auto& p : ring) m += p.head<2>();
  return ring.empty() ? m : Vector2d(m / double(ring.size()));
}

class FeatureBuilder {
 public:
  FeatureBuilder(const SiteOptions& options, const geo::Transformer* transformer)
      : options_(options), transformer_(transformer) {}

  // The exact shape of one feature in the scene CRS, or what is wrong with it.
  std::variant<model::SiteShape, Bad> build(SiteFeatureKind kind, const SourceGeometry& g, const Fields& f,
                                            std::vector<std::string>& warnings) const {
    using T = SourceGeometry::Type;
    if (g.type == T::None) return Bad{"no geometry"};
    if (g.type == T::Other) return Bad{"unusable geometry type " + g.otherName};
    switch (kind) {
      case SiteFeatureKind::Excavation:
        if (g.type != T::Polygon) return Bad{"an excavation needs a polygon"};
        return prismFromTopDown(g, f, kDepthFields, /*cavity=*/nullptr, "depth");
      case SiteFeatureKind::Borehole:
        if (g.type != T::Point) return Bad{"a borehole needs a point"};
        return borehole(g, f, warnings);
      case SiteFeatureKind::Sensor:
        if (g.type != T::Point) return Bad{"a sensor needs a point"};
        return sensor(g, f);
      case SiteFeatureKind::Cavity:
        if (g.type != T::Point && g.type != T::Polygon) return Bad{"a cavity needs a point or a polygon"};
        if (g.type == T::Polygon) return prismFromTopDown(g, f, {}, &kTopDepthFields, "top_depth");
        return pointCavity(g, f, warnings);
      case SiteFeatureKind::DroneCorridor:
        if (g.type != T::Line) return Bad{"a drone corridor needs a line"};
        return corridor(g, f);
      case SiteFeatureKind::Building:
      case SiteFeatureKind::BuildingPart:
        return Bad{"buildings are read from footprints, CityGML or CityJSON (io/city), not as site features"};
    }
    return Bad{"unknown kind"};
  }

 private:
  // A borehole: a vertical cylinder from the top down to the bottom (or by the depth), of its diameter (mm, or
  // diameter_m), else the default diameter with a warning.
  std::variant<model::SiteShape, Bad> borehole(const SourceGeometry& g, const Fields& f,
                                               std::vector<std::string>& warnings) const {
    auto top = topAt(g, f, g.points[0].head<2>());
    if (auto* b = std::get_if<Bad>(&top)) return *b;
    const double topZ = std::get<double>(top);
    auto bottom = bottomOf(f, topZ, kDepthFields, "depth");
    if (auto* b = std::get_if<Bad>(&bottom)) return *b;
    auto dmm = number(f, kDiameterMmFields);
    auto dm = number(f, kDiameterMFields);
    if (!dmm.error.empty() || !dm.error.empty()) return Bad{dmm.error.empty() ? dm.error : dmm.error};
    double diameter = options_.defaultBoreholeDiameterMillimeters / 1000.0;
    if (dm.value) diameter = *dm.value;
    else if (dmm.value) diameter = *dmm.value / 1000.0;
    else warnings.push_back("no diameter; drawn with " + std::to_string(options_.defaultBoreholeDiameterMillimeters) + " mm");
    if (!(diameter > 0)) return Bad{"diameter must be positive"};
    auto axis = toScene({g.points[0].x(), g.points[0].y(), topZ});
    auto axisBottom = toScene({g.points[0].x(), g.points[0].y(), std::get<double>(bottom)});
    if (!axis || !axisBottom) return Bad{"position cannot be transformed into the scene CRS"};
    model::SiteCylinder c;
    c.axis = axis->head<2>();
    c.topElevation = axis->z();
    c.bottomElevation = axisBottom->z();
    c.radiusMeters = diameter / 2;
    return model::SiteShape(c);
  }

  // A sensor: a marker at its elevation field, else its Z, else the top minus its depth (0 when absent).
  std::variant<model::SiteShape, Bad> sensor(const SourceGeometry& g, const Fields& f) const {
    const Vector3d& p = g.points[0];
    double z = 0.0;
    auto elev = number(f, kElevationFields);
    if (!elev.error.empty()) return Bad{elev.error};
    if (elev.value) {
      z = *elev.value;
    } else if (g.hasZ) {
      z = p.z();
    } else {
      auto top = topAt(g, f, p.head<2>(), /*useZ=*/false);
      if (auto* b = std::get_if<Bad>(&top)) return *b;
      auto depth = number(f, kDepthFields);
      if (!depth.error.empty()) return Bad{depth.error};
      if (depth.value && *depth.value < 0) return Bad{"negative depth " + fmt(*depth.value)};
      z = std::get<double>(top) - depth.value.value_or(0.0);
    }
    auto s = toScene({p.x(), p.y(), z});
    if (!s) return Bad{"position cannot be transformed into the scene CRS"};
    return model::SiteShape(model::SiteMarker{*s, options_.markerSizeMeters});
  }

  // A point cavity: an ellipsoid from the top minus its roof depth down by its height, as long and wide as its
  // length/width (or size), else as wide as it is high with a warning.
  std::variant<model::SiteShape, Bad> pointCavity(const SourceGeometry& g, const Fields& f,
                                                  std::vector<std::string>& warnings) const {
    const Vector3d& p = g.points[0];
    auto top = topAt(g, f, p.head<2>());
    if (auto* b = std::get_if<Bad>(&top)) return *b;
    auto roof = roofAndHeight(f);
    if (auto* b = std::get_if<Bad>(&roof)) return *b;
    const auto [topDepth, height] = std::get<std::pair<double, double>>(roof);
    auto len = number(f, kLengthFields), wid = number(f, kWidthFields), size = number(f, kSizeFields);
    for (const auto* n : {&len, &wid, &size})
      if (!n->error.empty()) return Bad{n->error};
    double lx = len.value.value_or(size.value.value_or(0.0));
    double ly = wid.value.value_or(size.value.value_or(lx));
    if (lx == 0 && ly > 0) lx = ly;
    if (lx < 0 || ly < 0) return Bad{"negative size"};
    if (lx == 0) {
      lx = ly = height;
      warnings.push_back("no length, width or size; drawn as wide as it is high (" + fmt(height) + " m)");
    }
    const double roofZ = std::get<double>(top) - topDepth;
    auto c = toScene({p.x(), p.y(), roofZ - height / 2});
    if (!c) return Bad{"position cannot be transformed into the scene CRS"};
    return model::SiteShape(model::SiteEllipsoid{*c, {lx / 2, ly / 2, height / 2}});
  }

  // A drone corridor: a tube of its radius (or half its width) around the line, at its own Z or its altitude field.
  std::variant<model::SiteShape, Bad> corridor(const SourceGeometry& g, const Fields& f) const {
    if (g.points.size() < 2) return Bad{"a drone corridor needs at least two points"};
    auto radius = number(f, kRadiusFields);
    auto width = number(f, kWidthFields);
    if (!radius.error.empty() || !width.error.empty()) return Bad{radius.error.empty() ? width.error : radius.error};
    std::optional<double> r = radius.value;
    if (!r && width.value) r = *width.value / 2;
    if (!r) return Bad{"no radius (or width)"};
    if (!(*r > 0)) return Bad{"radius must be positive, got " + fmt(*r)};
    std::optional<double> altitude;
    if (!g.hasZ) {
      auto a = number(f, kAltitudeFields);
      if (!a.error.empty()) return Bad{a.error};
      if (!a.value) return Bad{"a 2D line needs an altitude field"};
      altitude = a.value;
    }
    model::SiteTube t;
    t.radiusMeters = *r;
    for (const auto& p : g.points) {
      auto s = toScene({p.x(), p.y(), altitude.value_or(p.z())});
      if (!s) return Bad{"a vertex cannot be transformed into the scene CRS"};
      t.polyline.push_back(*s);
    }
    double length = 0;
    for (std::size_t i = 1; i < t.polyline.size(); ++i) length += (t.polyline[i] - t.polyline[i - 1]).norm();
    if (length == 0) return Bad{"zero-length line"};
    return model::SiteShape(std::move(t));
  }

  static std::string fmt(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
  }

  std::optional<Vector3d> toScene(const Vector3d& p) const {
    if (!transformer_) return p;
    return transformer_->forward(p);
  }

  // Ground / top elevation (source heights): a top field, else the point's Z, else the ground callback.
  std::variant<double, Bad> topAt(const SourceGeometry& g, const Fields& f, const Vector2d& xy, bool useZ = true) const {
    auto top = number(f, kTopFields);
    if (!top.error.empty()) return Bad{top.error};
    if (top.value) return *top.value;
    if (useZ && g.hasZ && g.type == SourceGeometry::Type::Point) return g.points[0].z();
    if (useZ && g.hasZ && g.type == SourceGeometry::Type::Polygon) {
      double s = 0;
      for (const auto& p : g.rings[0]) s += p.z();
      return s / g.rings[0].size();
    }
    if (options_.groundHeight) {
      auto s = toScene({xy.x(), xy.y(), 0.0});
      if (s)
        if (auto h = options_.groundHeight(s->x(), s->y())) return *h;
      return Bad{"no top elevation and the ground height is unknown there"};
    }
    return Bad{"no top elevation (give a top / ground field, Z coordinates or a ground height)"};
  }

  // Bottom elevation: a bottom field, else top - depth.
  std::variant<double, Bad> bottomOf(const Fields& f, double top, const std::vector<std::string>& depthFields,
                                     const char* depthName) const {
    auto bottom = number(f, kBottomFields);
    if (!bottom.error.empty()) return Bad{bottom.error};
    if (bottom.value) {
      if (*bottom.value >= top) return Bad{"bottom elevation " + fmt(*bottom.value) + " is not below the top " + fmt(top)};
      return *bottom.value;
    }
    auto depth = number(f, depthFields);
    if (!depth.error.empty()) return Bad{depth.error};
    if (!depth.value) return Bad{std::string("no ") + depthName + " or bottom elevation"};
    if (!(*depth.value > 0)) return Bad{std::string(*depth.value < 0 ? "negative " : "zero ") + depthName + " " + fmt(*depth.value)};
    return top - *depth.value;
  }

  // Cavity roof depth below ground and height.
  std::variant<std::pair<double, double>, Bad> roofAndHeight(const Fields& f) const {
    auto td = number(f, kTopDepthFields);
    if (!td.value && td.error.empty()) td = number(f, kDepthFields);
    if (!td.error.empty()) return Bad{td.error};
    if (!td.value) return Bad{"no top_depth"};
    if (*td.value < 0) return Bad{"negative top_depth " + fmt(*td.value)};
    auto h = number(f, kHeightFields);
    if (!h.error.empty()) return Bad{h.error};
    if (!h.value) return Bad{"no height"};
    if (!(*h.value > 0)) return Bad{"height must be positive, got " + fmt(*h.value)};
    return std::pair{*td.value, *h.value};
  }

  // A prism over a polygon: pits from top down to bottom (or top - depth); polygon cavities from
  // top - top_depth down by height.
  std::variant<model::SiteShape, Bad> prismFromTopDown(const SourceGeometry& g, const Fields& f,
                                                       const std::vector<std::string>& depthFields,
                                                       const std::vector<std::string>* cavity, const char* depthName) const {
    if (g.rings.empty() || g.rings[0].size() < 3) return Bad{"polygon with fewer than 3 corners"};
    const Vector2d c = centroid(g.rings[0]);
    auto top = topAt(g, f, c);
    if (auto* b = std::get_if<Bad>(&top)) return *b;
    double topZ = std::get<double>(top), bottomZ = 0;
    if (cavity) {
      auto roof = roofAndHeight(f);
      if (auto* b = std::get_if<Bad>(&roof)) return *b;
      const auto [topDepth, height] = std::get<std::pair<double, double>>(roof);
      topZ -= topDepth;
      bottomZ = topZ - height;
    } else {
      auto bottom = bottomOf(f, topZ, depthFields, depthName);
      if (auto* b = std::get_if<Bad>(&bottom)) return *b;
      bottomZ = std::get<double>(bottom);
    }
    model::SitePrism p;
    for (const auto& ring : g.rings) {
      std::vector<Vector2d> out;
      for (const auto& v : ring) {
        auto s = toScene({v.x(), v.y(), topZ});
        if (!s) return Bad{"a vertex cannot be transformed into the scene CRS"};
        out.push_back(s->head<2>());
      }
      p.rings.push_back(std::move(out));
    }
    auto t = toScene({c.x(), c.y(), topZ});
    auto b = toScene({c.x(), c.y(), bottomZ});
    if (!t || !b) return Bad{"the polygon cannot be transformed into the scene CRS"};
    p.topElevation = t->z();
    p.bottomElevation = b->z();
    // Outer ring counter-clockwise, holes clockwise.
    for (std::size_t i = 0; i < p.rings.size(); ++i) {
      double a = 0;
      const auto& r = p.rings[i];
      for (std::size_t k = 0; k < r.size(); ++k)
        a += r[k].x() * r[(k + 1) % r.size()].y() - r[(k + 1) % r.size()].x() * r[k].y();
      if (a == 0 && i == 0) return Bad{"polygon has zero area"};
      if ((a > 0) != (i == 0)) std::reverse(p.rings[i].begin(), p.rings[i].end());
    }
    return model::SiteShape(std::move(p));
  }

  const SiteOptions& options_;
  const geo::Transformer* transformer_;
};

bool isCsv(const fs::path& path) { return detail::lowerExtension(path) == ".csv"; }

// CSV columns typed by GDAL, a WKT / geometry column as the geometry.
gdal::DatasetPtr openVector(const fs::path& path, std::string* error = nullptr) {
  return gdal::openVector(path, gdal::CsvColumns::Typed, error);
}

bool hasSiteExtension(const fs::path& path) {
  const std::string e = detail::lowerExtension(path);
  return e == ".geojson" || e == ".json" || e == ".gpkg" || e == ".csv";
}

// The kind a layer's name, else the file's name, gives its features.
std::optional<SiteFeatureKind> containerKind(const fs::path& path, OGRLayer& layer) {
  if (auto k = kindFromName(layer.GetName())) return k;
  return kindFromName(path.stem().string());
}

}  // namespace

namespace site {

bool looksLikeSiteFeatures(const fs::path& path, const std::vector<VectorLayerSummary>& layers) {
  for (const auto& layer : layers) {
    if (kindFromName(layer.name) || kindFromName(path.stem().string())) return true;
    // Else: a kind field whose value names a kind in one of the first features.
    std::vector<std::string> lowerFields;
    for (const auto& f : layer.fields) lowerFields.push_back(toLower(f));
    auto firstNonEmpty = [&](const std::vector<std::string>& row, const std::vector<std::string>& names) {
      for (const auto& n : names)
        for (std::size_t i = 0; i < lowerFields.size() && i < row.size(); ++i)
          if (lowerFields[i] == n && !row[i].empty()) return std::optional<std::string>(row[i]);
      return std::optional<std::string>();
    };
    for (const auto& row : layer.rows) {
      auto strict = firstNonEmpty(row, kStrictKindFields);
      auto loose = firstNonEmpty(row, kLooseKindFields);
      if ((strict && kindFromValue(*strict)) || (loose && kindFromValue(*loose))) return true;
    }
  }
  return false;
}

}  // namespace site

bool isSiteFile(const fs::path& path) {
  if (!hasSiteExtension(path)) return false;
  const Sniff s = sniffFile(path);
  return s.vectorLayers && site::looksLikeSiteFeatures(path, *s.vectorLayers);
}

namespace {

// The kind of a feature: a strict kind field must name one; a loose type field counts when it does; then the layer
// or file name. The reason it has none otherwise.
std::variant<SiteFeatureKind, std::string> kindOf(OGRFeature& f, const Fields& fields,
                                                  std::optional<SiteFeatureKind> fromContainer) {
  if (auto i = fields.find(kStrictKindFields)) {
    if (auto k = kindFromValue(f.GetFieldAsString(*i))) return *k;
    return "unknown kind '" + std::string(f.GetFieldAsString(*i)) + "' in field '" + fields.name(*i) + "'";
  }
  if (auto i = fields.find(kLooseKindFields))
    if (auto k = kindFromValue(f.GetFieldAsString(*i))) return *k;
  if (fromContainer) return *fromContainer;
  return std::string("unknown kind (no kind field, and neither the layer nor the file name names one)");
}

// Reads the features of one layer into `out`, with the CRS rules of readSite.
class LayerReader {
 public:
  LayerReader(const fs::path& path, const SiteOptions& options, SiteReadResult& out, std::vector<Diagnostic>& diags)
      : path_(path), source_(path.string()), options_(options), out_(out), diags_(diags) {}

  // The layer's CRS (else the options' source CRS) against the scene's: the first layer decides the scene CRS when
  // none was given; a layer without CRS cannot join a georeferenced scene, a georeferenced one makes a local scene
  // keep its coordinates.
  Status placeLayer(OGRLayer& layer, std::optional<geo::Crs>& sceneCrs, bool& sceneCrsSet) {
    auto layerCrs = gdal::crsOf(layer.GetSpatialRef(), source_);
    if (!layerCrs.ok()) return Status::failureFrom(layerCrs);
    std::optional<geo::Crs> crs = std::move(layerCrs).value();
    if (!crs) crs = options_.sourceCrs;
    if (!sceneCrsSet) {
      sceneCrs = crs;
      sceneCrsSet = true;
    }
    if (sceneCrs.has_value() != crs.has_value()) {
      if (!crs)
        return Status::failure(Diagnostic::error(ErrorCode::IncompatibleCrs,
                                                 std::string("layer '") + layer.GetName() +
                                                     "' declares no CRS; give its CRS (e.g. LoadOptions::crs) to place it in " +
                                                     sceneCrs->definition(),
                                                 source_));
      sceneCrs.reset();
    }
    transformer_.reset();
    if (crs && sceneCrs && !crs->isEquivalentTo(*sceneCrs)) {
      auto t = geo::Transformer::create(*crs, *sceneCrs);
      if (!t.ok()) {
        Diagnostic d = *t.error();
        d.source = source_;
        return Status::failure(std::move(d));
      }
      for (auto d : t.diagnostics()) {
        d.source = source_;
        diags_.push_back(std::move(d));
      }
      transformer_.emplace(std::move(t).value());
    }
    return okStatus();
  }

  // Every feature of the layer; false when cancelled.
  bool readFeatures(OGRLayer& layer, int layerIndex, int layerCount, const ProgressFn& progress) {
    const std::string stem = path_.stem().string();
    layerName_ = layerCount > 1 || toLower(layer.GetName()) != toLower(stem) ? stem + "/" + layer.GetName() : stem;
    fromContainer_ = containerKind(path_, layer);
    const GIntBig total = layer.GetFeatureCount(/*bForce=*/FALSE);
    layer.ResetReading();
    std::size_t index = 0;
    gdal::CollectErrors errors;  // GDAL stopping early (a CSV line over 10 MB) must not pass for the end of the layer
    for (std::unique_ptr<OGRFeature> f(layer.GetNextFeature()); f; f.reset(layer.GetNextFeature()), ++index) {
      ++out_.featuresRead;
      if (progress && total > 0 && index % 64 == 0 &&
          !progress("site features", (layerIndex + double(index) / double(total)) / layerCount))
        return false;
      readFeature(*f, index, layerCount > 1 ? std::string(" of layer '") + layer.GetName() + "'" : std::string());
    }
    if (!errors.firstFailure().empty()) {
      ++out_.featuresSkipped;
      // The line limit is the likely cause only in a CSV (a GeoJSON stops on a broken feature).
      const bool csv = toLower(path_.extension().string()) == ".csv";
      diags_.push_back(Diagnostic::error(ErrorCode::LimitExceeded,
                                         "GDAL stopped reading layer '" + std::string(layer.GetName()) + "' after " +
                                             std::to_string(index) + " feature(s) (" + errors.firstFailure() +
                                             (csv ? "; GDAL reads CSV lines of up to 10 MB" : "") +
                                             "): the features after it are not read",
                                         source_, "feature " + std::to_string(index)));
    }
    return true;
  }

 private:
  void readFeature(OGRFeature& f, std::size_t index, const std::string& ofLayer) {
    Fields fields(f);
    std::string id = fields.text(kIdFields);
    if (id.empty() && f.GetFID() != OGRNullFID) id = std::to_string(f.GetFID());
    const std::string where = "feature " + std::to_string(index) + (id.empty() ? "" : " (id " + id + ")") + ofLayer;
    auto skip = [&](const std::string& why) {
      ++out_.featuresSkipped;
      diags_.push_back(Diagnostic::error(ErrorCode::SiteFeatureSkipped, why + "; skipped", source_, where));
    };
    auto kind = kindOf(f, fields, fromContainer_);
    if (auto* why = std::get_if<std::string>(&kind)) return skip(*why);
    const SiteFeatureKind k = std::get<SiteFeatureKind>(kind);
    std::string geomError;
    const SourceGeometry g = geometryOf(f, fields, isCsv(path_), geomError);
    if (!geomError.empty()) return skip(geomError);
    std::vector<std::string> warnings;
    auto shape = FeatureBuilder(options_, transformer_ ? &*transformer_ : nullptr).build(k, g, fields, warnings);
    if (auto* bad = std::get_if<Bad>(&shape)) return skip(std::string(model::siteKindName(k)) + ": " + bad->message);
    for (const auto& w : warnings)
      diags_.push_back(Diagnostic::warning(ErrorCode::ConventionApplied,
                                           std::string(model::siteKindName(k)) + ": " + w, source_, where));
    model::Attributes attributes;
    for (int i = 0; i < f.GetFieldCount(); ++i)
      if (auto v = gdal::fieldValue(f, i); !std::holds_alternative<std::monostate>(v))
        attributes[f.GetFieldDefnRef(i)->GetNameRef()] = std::move(v);
    model::SiteFeature feature{k, id, index, std::move(std::get<model::SiteShape>(shape))};
    model::Element e = model::siteElement(std::move(feature), fields.text(kNameFields), std::move(attributes),
                                          options_.chordToleranceMeters);
    if (e.shapes.empty()) return skip(e.kind + ": the shape has no surface");
    out_.scene.addElement(layerName_, std::move(e));
  }

  const fs::path& path_;
  const std::string source_;
  const SiteOptions& options_;
  SiteReadResult& out_;
  std::vector<Diagnostic>& diags_;
  std::optional<geo::Transformer> transformer_;
  std::string layerName_;
  std::optional<SiteFeatureKind> fromContainer_;
};

}  // namespace

Result<SiteReadResult> readSite(const fs::path& path, const SiteOptions& options, const ProgressFn& progress) {
  const std::string source = path.string();
  if (!gdal::exists(path))  // a file, or a /vsimem/ buffer of the in-memory reader
    return Result<SiteReadResult>::failure(Diagnostic::error(ErrorCode::FileNotFound, "file not found", source));
  std::string gdalError;
  auto ds = openVector(path, &gdalError);
  if (!ds)
    return Result<SiteReadResult>::failure(Diagnostic::error(
        ErrorCode::FileUnreadable, "cannot be opened as a vector file" + (gdalError.empty() ? "" : ": " + gdalError), source));
  SiteReadResult out;
  std::vector<Diagnostic> diags;
  std::optional<geo::Crs> sceneCrs = options.sceneCrs;
  bool sceneCrsSet = sceneCrs.has_value();
  LayerReader reader(path, options, out, diags);
  const int layerCount = ds->GetLayerCount();
  for (int li = 0; li < layerCount; ++li) {
    OGRLayer* layer = ds->GetLayer(li);
    if (!layer) continue;
    if (auto st = reader.placeLayer(*layer, sceneCrs, sceneCrsSet); !st.ok())
      return Result<SiteReadResult>::failure(*st.error(), std::move(diags));
    if (!reader.readFeatures(*layer, li, layerCount, progress))
      return Result<SiteReadResult>::failure(Diagnostic::error(ErrorCode::Cancelled, "cancelled", source), std::move(diags));
  }
  out.scene.setCrs(sceneCrs);
  if (out.featuresSkipped > 0)
    diags.push_back(Diagnostic::warning(ErrorCode::SiteFeatureSkipped,
                                        std::to_string(out.featuresSkipped) + " of " + std::to_string(out.featuresRead) +
                                            " features skipped",
                                        source));
  if (out.featuresRead == 0) diags.push_back(Diagnostic::warning(ErrorCode::EmptyFile, "no features", source));
  return Result<SiteReadResult>::success(std::move(out), std::move(diags));
}

namespace inmemory {

Result<SiteReadResult> readSite(std::string_view bytes, const std::string& name, const SiteOptions& options) {
  const gdal::MemoryFile file(bytes, name);
  return io::readSite(file.path(), options, {});
}

}  // namespace inmemory

}  // namespace cim::io
