// export/report: the GeoJSON of a report, in the scene CRS (with a `crs` member) or in WGS 84 (RFC 7946).
#include <functional>

#include <nlohmann/json.hpp>

#include "cim/export/report.h"
#include "cim/geo/crs.h"
#include "cim/geo/transform.h"
#include "export/report/report_internal.h"

namespace cim::report {

namespace {

using Json = nlohmann::ordered_json;
using detail::meters;

// Positions as written: scene coordinates in metres, or longitude / latitude / height; nullopt when PROJ fails.
using Place = std::function<std::optional<Json>(const Eigen::Vector3d&)>;

// The `crs` member's name for a CRS definition, as GDAL writes and reads it: "urn:ogc:def:crs:EPSG::4549",
// "urn:ogc:def:crs,crs:EPSG::4549,crs:EPSG::5737" for a compound of two EPSG codes, else the definition itself.
std::string crsName(const std::string& definition) {
  const auto plus = definition.find('+');
  if (plus != std::string::npos && definition.find('+', plus + 1) == std::string::npos) {
    const auto horizontal = geo::epsgCodeFromText(definition.substr(0, plus));
    const auto vertical = geo::epsgCodeFromText(definition.substr(plus + 1), true);
    if (horizontal && vertical)
      return "urn:ogc:def:crs,crs:EPSG::" + std::to_string(*horizontal) + ",crs:EPSG::" + std::to_string(*vertical);
  }
  if (const auto code = geo::epsgCodeFromText(definition)) return "urn:ogc:def:crs:EPSG::" + std::to_string(*code);
  return definition;
}

// The flat properties of a result (every feature of it has them all, null where a value is missing).
Json properties(const index::ClashResult& r, const char* part) {
  const auto orNull = [](const auto& v) { return v.empty() ? Json(nullptr) : Json(v); };
  Json p;
  p["id"] = r.id;
  p["part"] = part;
  p["type"] = std::string(index::clashTypeName(r.type));
  p["title"] = resultTitle(r);  // what map viewers show as the feature's name (CesiumJS, QGIS map tips)
  for (const auto& [prefix, e] : {std::pair{"a_", &r.a}, std::pair{"b_", &r.b}}) {
    p[std::string(prefix) + "guid"] = e->guid;
    p[std::string(prefix) + "class"] = e->kind;
    p[std::string(prefix) + "name"] = e->name;
    p[std::string(prefix) + "layer"] = e->layer;
  }
  p["distance_m"] = meters(r.distance);
  p["horizontal_m"] = meters(r.horizontal);
  p["vertical_m"] = r.vertical ? Json(meters(*r.vertical)) : Json(nullptr);
  p["depth_m"] = meters(r.depth);
  p["required_m"] = r.requiredMeters ? Json(meters(*r.requiredMeters)) : Json(nullptr);
  p["required"] = orNull(r.requiredKind);
  p["rule_file"] = r.rule ? Json(r.rule->file) : Json(nullptr);
  p["rule_line"] = r.rule ? Json(r.rule->line) : Json(nullptr);
  p["rule_source"] = r.rule ? Json(r.rule->source) : Json(nullptr);
  p["rule_note"] = r.rule ? orNull(r.rule->note) : Json(nullptr);
  p["status"] = orNull(r.status);
  for (const auto& [key, value] : r.details) {
    Json& v = p["details." + key];
    if (const auto* b = std::get_if<bool>(&value)) v = *b;
    else if (const auto* i = std::get_if<std::int64_t>(&value)) v = *i;
    else if (const auto* d = std::get_if<double>(&value)) v = *d;
    else if (const auto* s = std::get_if<std::string>(&value)) v = *s;
  }
  return p;
}

Json feature(Json geometry, Json props) {
  return Json{{"type", "Feature"}, {"properties", std::move(props)}, {"geometry", std::move(geometry)}};
}

// The features of one result: the point, and the line between the closest points when they differ. A position PROJ
// cannot transform gives a null geometry and a warning.
void addFeatures(Json& features, const index::ClashResult& r, const Place& place, std::vector<Diagnostic>& notes) {
  const auto p = place(r.point);
  if (!p)
    notes.push_back(Diagnostic::warning(ErrorCode::TransformFailed, "the result's point cannot be transformed", {},
                                        r.id));
  features.push_back(
      feature(p ? Json{{"type", "Point"}, {"coordinates", *p}} : Json(nullptr), properties(r, "point")));
  const auto rounded = [](const Eigen::Vector3d& v) {
    return Eigen::Vector3d(meters(v.x()), meters(v.y()), meters(v.z()));
  };
  if (rounded(r.onA) == rounded(r.onB)) return;
  const auto a = place(r.onA), b = place(r.onB);
  Json line = a && b ? Json{{"type", "LineString"}, {"coordinates", Json::array({*a, *b})}} : Json(nullptr);
  features.push_back(feature(std::move(line), properties(r, "closest")));
}

}  // namespace

Result<std::string> reportGeoJson(const Report& report, const WriteOptions& options) {
  using R = Result<std::string>;
  Json doc;
  doc["type"] = "FeatureCollection";
  doc["name"] = "report";
  std::vector<Diagnostic> notes;
  Place place = [](const Eigen::Vector3d& v) -> std::optional<Json> {
    return Json::array({meters(v.x()), meters(v.y()), meters(v.z())});
  };
  std::optional<geo::Transformer> toWgs84;
  if (options.geojson == GeoJsonCoordinates::Wgs84) {
    if (report.crs.empty())
      return R::failure(Diagnostic::error(ErrorCode::UnknownCrs, "the report has no CRS to reproject from"));
    auto crs = geo::Crs::fromUserInput(report.crs);
    if (!crs.ok()) return R::failureFrom(crs);
    auto t = geo::Transformer::create(*crs, geo::wgs84Geographic3d());
    if (!t.ok()) return R::failureFrom(t);
    notes = t.takeDiagnostics();
    toWgs84.emplace(std::move(*t));
    place = [&toWgs84](const Eigen::Vector3d& v) -> std::optional<Json> {
      const auto g = toWgs84->forward(v);
      if (!g || !g->allFinite()) return std::nullopt;
      return Json::array({detail::roundDecimals(g->x(), 9), detail::roundDecimals(g->y(), 9), meters(g->z())});
    };
  } else if (!report.crs.empty()) {
    doc["crs"] = Json{{"type", "name"}, {"properties", {{"name", crsName(report.crs)}}}};
  }
  Json features = Json::array();
  for (const auto& r : report.results) addFeatures(features, r, place, notes);
  doc["features"] = std::move(features);
  return R::success(doc.dump(1, ' ', false, Json::error_handler_t::replace) + "\n", std::move(notes));
}

}  // namespace cim::report
