#include "io/ifc/georef.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <numbers>

#include "cim/geo/crs.h"
#include "cim/geo/transform.h"
#include "core/text.h"
#include "io/ifc/axis_placement.h"

namespace cim::io::ifc {

namespace {

using cim::detail::toLower;
using cim::detail::trim;

// "EPSG:5711", "EPSG5711", "5711" -> 5711 when the text names an EPSG code.
std::optional<int> epsgCode(const std::string& s) { return geo::epsgCodeFromText(s, /*bareNumber=*/true); }

// The definition of `horizontal`, made compound with `verticalDatum` when that names an EPSG vertical CRS and
// `horizontal` has no heights of its own.
std::string withVerticalDatum(const geo::Crs& horizontal, const std::string& verticalDatum) {
  std::string def = horizontal.definition();
  if (!horizontal.hasVertical())
    if (auto v = epsgCode(verticalDatum)) {
      auto compound = geo::Crs::fromUserInput(def + "+" + std::to_string(*v));
      if (compound.ok()) def = compound->definition();
    }
  return def;
}

// "EPSG:32119" / "EPSG 32119" anywhere in a text (a Description "NAD83 / North Carolina (EPSG:32119)").
std::optional<int> epsgCodeIn(const std::string& text) {
  const std::string lower = toLower(text);
  for (auto at = lower.find("epsg"); at != std::string::npos; at = lower.find("epsg", at + 4)) {
    auto end = at + 4;
    while (end < text.size() && (text[end] == ':' || text[end] == ' ' || text[end] == '-')) ++end;
    auto stop = end;
    while (stop < text.size() && std::isdigit(static_cast<unsigned char>(text[stop]))) ++stop;
    if (auto c = geo::epsgCodeFromText("EPSG:" + text.substr(end, stop - end), false)) return c;
  }
  return std::nullopt;
}

// The EPSG code of UTM zone `zone` ("50", "50N", "33S") on a datum named by `datum` (a name or an EPSG code of the
// geographic CRS): WGS 84, ETRS89, NAD83, GDA94, GDA2020; nullopt for other datums.
std::optional<int> utmCode(const std::string& datum, const std::string& zone) {
  std::size_t i = 0;
  int n = 0;
  while (i < zone.size() && std::isdigit(static_cast<unsigned char>(zone[i]))) n = n * 10 + (zone[i++] - '0');
  if (i == 0 || n < 1 || n > 60) return std::nullopt;
  const std::string rest = toLower(trim(zone.substr(i)));
  const bool south = rest == "s" || rest == "south";
  if (!rest.empty() && rest != "n" && rest != "north" && !south) return std::nullopt;
  const std::string d = toLower(datum);
  const auto has = [&](const char* k) { return d.find(k) != std::string::npos; };
  if (has("wgs") || d == "epsg:4326") return (south ? 32700 : 32600) + n;
  if (has("etrs") || d == "epsg:4258") return (n >= 28 && n <= 38) ? std::optional(25800 + n) : std::nullopt;
  if (has("nad83") || has("nad 83") || d == "epsg:4269") return n <= 23 ? std::optional(26900 + n) : std::nullopt;
  if (has("gda2020") || d == "epsg:7844") return (n >= 46 && n <= 59) ? std::optional(7800 + n) : std::nullopt;
  if (has("gda94") || d == "epsg:4283") return (n >= 48 && n <= 58) ? std::optional(28300 + n) : std::nullopt;
  return std::nullopt;
}

// When an IfcProjectedCRS's Name is no CRS PROJ knows (OpenRoads writes 'NC83'), its other attributes often are:
// MapProjection 'EPSG' with a code as MapZone, an EPSG code in the Name or Description, or a UTM MapProjection with
// its MapZone on the GeodeticDatum. The CRS and which attributes gave it.
std::optional<std::pair<geo::Crs, std::string>> crsFromOtherAttributes(const Instance& crs) {
  const std::string description = crs.text("Description").value_or("");
  const std::string datum = crs.text("GeodeticDatum").value_or("");
  const std::string projection = crs.text("MapProjection").value_or("");
  const std::string zone = crs.text("MapZone").value_or("");
  std::vector<std::pair<std::optional<int>, std::string>> candidates;
  if (toLower(trim(projection)) == "epsg")
    candidates.push_back({geo::epsgCodeFromText(zone, true), "MapProjection 'EPSG' and MapZone '" + zone + "'"});
  candidates.push_back({epsgCodeIn(crs.text("Name").value_or("")), "the EPSG code in its Name"});
  candidates.push_back({epsgCodeIn(description), "the EPSG code in its Description '" + description + "'"});
  candidates.push_back({epsgCodeIn(zone), "the EPSG code in its MapZone '" + zone + "'"});
  if (toLower(projection).find("utm") != std::string::npos)
    candidates.push_back({utmCode(datum, zone), "MapProjection '" + projection + "', MapZone '" + zone +
                                                    "' and GeodeticDatum '" + datum + "'"});
  for (const auto& [code, why] : candidates) {
    if (!code) continue;
    auto c = geo::Crs::fromUserInput("EPSG:" + std::to_string(*code));
    if (c.ok() && c->isProjected()) return std::pair{std::move(c).value(), why};
  }
  return std::nullopt;
}

// The CRS definition for an IfcProjectedCRS: its Name (else its other attributes, with a warning saying which),
// made compound with VerticalDatum when that is an EPSG vertical CRS and the Name has no heights.
std::string crsDefinition(Context& ctx, const Instance& crs) {
  const std::string name = crs.text("Name").value_or("");
  auto horizontal = geo::Crs::fromUserInput(name);
  if (!horizontal.ok()) {
    auto other = crsFromOtherAttributes(crs);
    if (!other) {
      ctx.report(Severity::Warning, ErrorCode::IfcGeoreferenceNotUsed, crs.id(),
                 "IfcProjectedCRS name '" + name + "' is not a CRS PROJ knows, nor do its MapProjection, MapZone, "
                 "GeodeticDatum or Description name one: " + horizontal.error()->message);
      return {};
    }
    ctx.report(Severity::Warning, ErrorCode::ConventionApplied, crs.id(),
               "IfcProjectedCRS name '" + name + "' is not a CRS PROJ knows; " + other->second + " give " +
                   other->first.definition() + " (" + other->first.name() + "): used");
    horizontal = Result<geo::Crs>::success(std::move(other->first));
  }
  return withVerticalDatum(*horizontal, crs.text("VerticalDatum").value_or(""));
}

Eigen::Affine3d mapTransform(double e, double n, double h, double theta, double sx, double sy, double sz) {
  Eigen::Affine3d t = Eigen::Affine3d::Identity();
  Eigen::Matrix3d r;
  r << std::cos(theta), -std::sin(theta), 0, std::sin(theta), std::cos(theta), 0, 0, 0, 1;
  t.linear() = r * Eigen::Vector3d(sx, sy, sz).asDiagonal();
  t.translation() = Eigen::Vector3d(e, n, h);
  return t;
}

// IfcMapConversion's Scale converts the engineering length unit to the map unit (IFC4 and 4.3 text). Files write it
// three ways: as specified, omitted (1.0) although units differ, or inverted (1000 for millimetres to metres). The
// latter two are corrected to the unit ratio with a warning; any other value is a genuine scale and used as given.
double effectiveScale(Context& ctx, std::uint64_t id, std::optional<double> given, double unitRatio) {
  auto near = [](double a, double b) { return std::abs(a - b) <= 1e-6 * std::max(std::abs(a), std::abs(b)); };
  if (!given || near(*given, 1.0)) {
    if (!near(unitRatio, 1.0))
      ctx.report(Severity::Warning, ErrorCode::ConventionApplied, id,
                 "Scale is 1 although the model and map units differ; the unit ratio " + std::to_string(unitRatio) +
                     " is used");
    return unitRatio;
  }
  if (near(*given, unitRatio)) return unitRatio;
  if (!near(unitRatio, 1.0) && near(*given, 1.0 / unitRatio)) {
    ctx.report(Severity::Warning, ErrorCode::ConventionApplied, id,
               "Scale " + std::to_string(*given) + " is the inverse of the model-to-map unit ratio; read as " +
                   std::to_string(unitRatio));
    return unitRatio;
  }
  return *given;
}

// The numbers of a map conversion (IfcMapConversion or ePset_MapConversion), offsets in map units.
struct ConversionNumbers {
  double eastings = 0, northings = 0, height = 0, abscissa = 1, ordinate = 0;
  std::optional<double> scale;
  double factorX = 1, factorY = 1, factorZ = 1;  // IfcMapConversionScaled, IFC4X3_RC3's ScaleY/ScaleZ
};

// Fills g's offsets, rotation, scale and its engineering-metres -> map-units transform. `ratio` is the model-to-map
// unit ratio the Scale should equal (see effectiveScale).
void applyConversion(Context& ctx, std::uint64_t id, const ConversionNumbers& c, double ratio, IfcGeoreference& g) {
  g.eastings = c.eastings;
  g.northings = c.northings;
  g.height = c.height;
  g.rotationRadians = (c.abscissa == 0 && c.ordinate == 0) ? 0.0 : std::atan2(c.ordinate, c.abscissa);
  const double scale = effectiveScale(ctx, id, c.scale, ratio);
  g.scale = scale * c.factorX;
  // Engineering coordinates arrive in metres; the transform takes metres to map units.
  const double toUnits = 1.0 / ctx.units.lengthToMeters;
  g.toMap = mapTransform(g.eastings, g.northings, g.height, g.rotationRadians, g.scale * toUnits,
                         scale * c.factorY * toUnits, scale * c.factorZ * toUnits);
}

std::optional<IfcGeoreference> fromMapConversion(Context& ctx, const EntityRecord& rec) {
  Instance mc;
  if (!mc.load(ctx.file, rec)) return std::nullopt;
  Instance crs;
  auto target = mc.ref("TargetCRS");
  if (!target || !crs.load(ctx.file, *target)) {
    ctx.report(Severity::Warning, ErrorCode::IfcGeoreferenceNotUsed, mc.id(), "IfcMapConversion has no readable TargetCRS");
    return std::nullopt;
  }
  IfcGeoreference g;
  g.source = "IfcMapConversion";
  g.crs = crsDefinition(ctx, crs);
  if (g.crs.empty()) return std::nullopt;
  const auto mapUnitId = crs.ref("MapUnit");
  double mapUnit = mapUnitId ? unitToSI(ctx.file, *mapUnitId).value_or(1.0) : 1.0;
  if (!(mapUnit > 0) || !std::isfinite(mapUnit)) mapUnit = 1.0;
  const double ratio = ctx.units.lengthToMeters / mapUnit;
  ConversionNumbers c;
  c.eastings = mc.real("Eastings").value_or(0.0);
  c.northings = mc.real("Northings").value_or(0.0);
  c.height = mc.real("OrthogonalHeight").value_or(0.0);
  c.abscissa = mc.real("XAxisAbscissa").value_or(1.0);
  c.ordinate = mc.real("XAxisOrdinate").value_or(0.0);
  c.scale = mc.real("Scale");
  // IFC4X3_RC3 wrote ScaleY and ScaleZ as two more attributes; IFC4X3_ADD2 has IfcMapConversionScaled.
  const auto& attrs = mc.attributes();
  if (attrs.size() >= 10) {
    if (auto y = numberOf(attrs, attrs[8])) c.factorY = *y;
    if (auto z = numberOf(attrs, attrs[9])) c.factorZ = *z;
  }
  if (auto fx = mc.real("FactorX")) {
    c.factorX = *fx;
    c.factorY = mc.real("FactorY").value_or(1.0);
    c.factorZ = mc.real("FactorZ").value_or(1.0);
  }
  applyConversion(ctx, mc.id(), c, ratio, g);
  return g;
}

// Single values of the property sets named `name` (case-insensitively: files write ePSet_ and ePset_), by property
// name: numbers as numbers, labels as text.
struct PsetValues {
  std::uint64_t id = 0;
  std::map<std::string, double> numbers;
  std::map<std::string, std::string> texts;
};
using cim::detail::toLower;

std::optional<PsetValues> findPropertySet(Context& ctx, std::string_view name) {
  const std::string wanted = toLower(std::string(name));
  ResidentBound bound(ctx.file.step());
  for (const auto& rec : ctx.file.instancesOf(names::IfcPropertySet)) {
    Instance pset;
    if (bound.at(rec); !pset.load(ctx.file, rec) || toLower(pset.text("Name").value_or("")) != wanted) continue;
    PsetValues out;
    out.id = rec.id;
    for (auto propId : pset.refs("HasProperties")) {
      Instance prop;
      if (!prop.load(ctx.file, propId) || !ctx.file.isA(prop.record(), names::IfcPropertySingleValue)) continue;
      const std::string key = prop.text("Name").value_or("");
      const Value* v = prop.get("NominalValue");
      if (!v) continue;
      if (auto d = numberOf(prop.attributes(), *v)) out.numbers[key] = *d;
      else if (auto t = textOf(prop.attributes(), *v)) out.texts[key] = *t;
    }
    return out;
  }
  return std::nullopt;
}

// IFC2X3 has no IfcMapConversion; the georeferencing guide of buildingSMART Australasia puts the same numbers in the
// property sets ePSet_MapConversion and ePSet_ProjectedCRS (on IfcSite or IfcProject).
std::optional<IfcGeoreference> fromPropertySets(Context& ctx) {
  auto conversion = findPropertySet(ctx, "ePset_MapConversion");
  if (!conversion) return std::nullopt;
  auto crsSet = findPropertySet(ctx, "ePset_ProjectedCRS");
  const std::string name = crsSet && crsSet->texts.count("Name") ? crsSet->texts.at("Name") : "";
  auto horizontal = geo::Crs::fromUserInput(name);
  if (!horizontal.ok()) {
    ctx.report(Severity::Warning, ErrorCode::IfcGeoreferenceNotUsed, crsSet ? crsSet->id : conversion->id,
               "ePset_ProjectedCRS Name '" + name + "' is not a CRS PROJ knows" +
                   (crsSet ? std::string() : " (there is no ePset_ProjectedCRS)"));
    return std::nullopt;
  }
  IfcGeoreference g;
  g.source = "ePset_MapConversion";
  const bool hasVertical = crsSet && crsSet->texts.count("VerticalDatum");
  g.crs = withVerticalDatum(*horizontal, hasVertical ? crsSet->texts.at("VerticalDatum") : std::string());
  auto number = [&](const char* key, double fallback) {
    auto it = conversion->numbers.find(key);
    return it == conversion->numbers.end() ? fallback : it->second;
  };
  // The property values are IfcLengthMeasures in the project's length unit; the map unit is metres unless the CRS
  // set says otherwise (it is a label there, which few files fill in).
  double mapUnit = 1.0;
  if (crsSet && crsSet->texts.count("MapUnit")) {
    const std::string u = toLower(crsSet->texts.at("MapUnit"));
    if (u.find("foot") != std::string::npos || u.find("feet") != std::string::npos)
      mapUnit = u.find("us") != std::string::npos ? 1200.0 / 3937.0 : 0.3048;
  }
  const double ratio = ctx.units.lengthToMeters / mapUnit;
  ConversionNumbers c;
  c.eastings = number("Eastings", 0.0);
  c.northings = number("Northings", 0.0);
  c.height = number("OrthogonalHeight", 0.0);
  c.abscissa = number("XAxisAbscissa", 1.0);
  c.ordinate = number("XAxisOrdinate", 0.0);
  if (conversion->numbers.count("Scale")) c.scale = conversion->numbers.at("Scale");
  applyConversion(ctx, conversion->id, c, ratio, g);
  return g;
}

// IfcCompoundPlaneAngleMeasure (degrees, minutes, seconds, millionths) -> decimal degrees.
std::optional<double> compoundAngle(const Instance& site, const char* name) {
  const auto parts = site.list(name);
  if (parts.size() < 3) return std::nullopt;
  double v[4] = {0, 0, 0, 0};
  for (std::size_t i = 0; i < parts.size() && i < 4; ++i) {
    if (parts[i].kind != ValueKind::Integer) return std::nullopt;
    v[i] = static_cast<double>(parts[i].integer);
  }
  return v[0] + v[1] / 60.0 + v[2] / 3600.0 + v[3] / 3.6e9;
}

std::optional<Eigen::Vector2d> siteLatLon(Context& ctx, std::optional<double>* elevation) {
  ResidentBound bound(ctx.file.step());
  for (const auto& rec : ctx.file.instancesOf(names::IfcSite)) {
    Instance site;
    if (bound.at(rec); !site.load(ctx.file, rec)) continue;
    auto lat = compoundAngle(site, "RefLatitude");
    auto lon = compoundAngle(site, "RefLongitude");
    if (!lat || !lon) continue;
    if (std::abs(*lat) > 90 || std::abs(*lon) > 180) {
      ctx.report(Severity::Warning, ErrorCode::InvalidElement, site.id(), "RefLatitude/RefLongitude out of range");
      continue;
    }
    // (0, 0) is what exporters write when nobody set a location: a placeholder, not a site in the Gulf of Guinea.
    if (std::abs(*lat) < 1e-9 && std::abs(*lon) < 1e-9) {
      ctx.report(Severity::Warning, ErrorCode::IfcGeoreferenceNotUsed, site.id(),
                 "IfcSite RefLatitude/RefLongitude (0, 0) is a placeholder, not a location: not used as a "
                 "georeference (place the model with a CRS and origin)");
      continue;
    }
    if (elevation) *elevation = site.real("RefElevation");
    return Eigen::Vector2d(*lat, *lon);
  }
  return std::nullopt;
}

// Angle of true north from the model's +x axis, from the 3D model context's TrueNorth (default +y).
double trueNorthAngle(Context& ctx) {
  ResidentBound bound(ctx.file.step());
  for (const auto& rec : ctx.file.instancesOf(names::IfcGeometricRepresentationContext)) {
    if (ctx.file.isA(rec, names::IfcGeometricRepresentationSubContext)) continue;
    Instance c;
    if (bound.at(rec); !c.load(ctx.file, rec)) continue;
    if (c.integer("CoordinateSpaceDimension").value_or(3) != 3) continue;
    if (auto tn = c.ref("TrueNorth"))
      if (auto d = readDirection(ctx, *tn)) return std::atan2(d->y(), d->x());
  }
  return std::numbers::pi / 2;
}

}  // namespace

std::optional<IfcGeoreference> readGeoreference(Context& ctx) {
  std::optional<IfcGeoreference> result;
  const auto conversions = ctx.file.instancesOf(names::IfcMapConversion);
  for (const auto& rec : conversions) {
    result = fromMapConversion(ctx, rec);
    if (result) break;
  }
  if (!result) result = fromPropertySets(ctx);
  std::optional<double> elevation;
  const auto latLon = siteLatLon(ctx, &elevation);
  if (result) {
    if (conversions.size() > 1)
      ctx.report(Severity::Warning, ErrorCode::ConventionApplied, conversions.front().id,
                 std::to_string(conversions.size()) + " IfcMapConversions; the first readable one is used");
    // Doubly georeferenced: IfcSite's latitude/longitude should land where the map conversion puts the origin.
    if (latLon) {
      auto map = geo::Crs::fromUserInput(result->crs);
      auto geographic = geo::Crs::fromUserInput("EPSG:4326");
      if (map.ok() && geographic.ok()) {
        auto t = geo::Transformer::create(*geographic, *map);
        if (t.ok())
          if (auto p = t->forward(Eigen::Vector3d(latLon->y(), latLon->x(), 0))) {
            const double d = std::hypot(p->x() - result->eastings, p->y() - result->northings);
            if (d > 100.0)
              ctx.report(Severity::Warning, ErrorCode::ConventionApplied, 0,
                         "doubly georeferenced: IfcSite RefLatitude/RefLongitude lie " + std::to_string(static_cast<long>(d)) +
                             " map units from the " + result->source + " origin; " + result->source + " is used");
          }
      }
    }
    return result;
  }
  if (!latLon) return std::nullopt;
  IfcGeoreference g;
  g.source = "IfcSite";
  char def[256];
  std::snprintf(def, sizeof def, "+proj=tmerc +lat_0=%.10f +lon_0=%.10f +k=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs +type=crs",
                latLon->x(), latLon->y());
  g.crs = def;
  g.height = elevation.value_or(0.0) * ctx.units.lengthToMeters;
  g.rotationRadians = std::numbers::pi / 2 - trueNorthAngle(ctx);
  g.toMap = mapTransform(0, 0, g.height, g.rotationRadians, 1, 1, 1);
  ctx.report(Severity::Info, ErrorCode::ConventionApplied, 0,
             "no IfcMapConversion: placed by IfcSite RefLatitude/RefLongitude in a local transverse Mercator frame "
             "(RefElevation taken as ellipsoidal height)");
  return g;
}

}  // namespace cim::io::ifc
