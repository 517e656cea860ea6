#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cim/export/geojson.h"
#include "cim/geo/crs.h"
#include "cim/geo/transform.h"

namespace cim::geojson {

namespace {

// `crs` names that mean WGS 84 longitude/latitude as GeoJSON writes it (longitude first, whatever EPSG:4326 declares).
bool namesWgs84(const std::string& name) {
  static const std::set<std::string> wgs84 = {"urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84",
                                              "urn:ogc:def:crs:EPSG::4326", "EPSG:4326", "urn:ogc:def:crs:EPSG::4979",
                                              "EPSG:4979"};
  return wgs84.count(name) > 0;
}

// The name in {"crs": {"type": "name", "properties": {"name": ...}}}; empty when there is none.
std::string crsName(const nlohmann::json& doc) {
  const auto crs = doc.find("crs");
  if (crs == doc.end() || !crs->is_object()) return {};
  const auto properties = crs->find("properties");
  if (properties == crs->end() || !properties->is_object()) return {};
  const auto name = properties->find("name");
  return name != properties->end() && name->is_string() ? name->get<std::string>() : std::string();
}

}  // namespace

Result<Wgs84GeoJson> toWgs84(std::string_view geojson, std::string_view source) {
  using R = Result<Wgs84GeoJson>;
  const std::string sourceName(source);
  nlohmann::json doc = nlohmann::json::parse(geojson.begin(), geojson.end(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return R::failure(Diagnostic::error(ErrorCode::CorruptFile, "not a GeoJSON object", sourceName));

  Wgs84GeoJson out;
  const std::string name = crsName(doc);
  if (name.empty() || namesWgs84(name)) {
    out.text = std::string(geojson);
    return R::success(std::move(out));
  }

  auto from = geo::Crs::fromUserInput(name);
  if (!from.ok())
    return R::failure(
        Diagnostic::error(ErrorCode::UnknownCrs, "unknown CRS '" + name + "' in the crs member", sourceName));
  auto toWgs84 = geo::Transformer::create(*from, geo::wgs84Geographic3d());
  if (!toWgs84.ok()) return R::failureFrom(toWgs84);
  std::vector<Diagnostic> notes = toWgs84.takeDiagnostics();  // e.g. VerticalDatumApproximated
  for (auto& d : notes)
    if (d.source.empty()) d.source = sourceName;

  std::size_t failed = 0;
  auto position = [&](nlohmann::json& p) {
    if (!p.is_array() || p.size() < 2 || !p[0].is_number() || !p[1].is_number()) return;
    const bool hasZ = p.size() >= 3 && p[2].is_number();
    const auto llh =
        toWgs84->forward(Eigen::Vector3d(p[0].get<double>(), p[1].get<double>(), hasZ ? p[2].get<double>() : 0.0));
    if (!llh) {
      ++failed;
      return;
    }
    p[0] = llh->x();
    p[1] = llh->y();
    if (hasZ) p[2] = llh->z();
    ++out.positions;
  };
  // Positions are the innermost arrays of `coordinates`; their depth depends on the geometry type, so the nesting
  // is walked rather than switched on the type.
  std::function<void(nlohmann::json&)> coordinates = [&](nlohmann::json& c) {
    if (!c.is_array() || c.empty()) return;
    if (c[0].is_number()) return position(c);
    for (auto& child : c) coordinates(child);
  };
  std::function<void(nlohmann::json&)> geometry = [&](nlohmann::json& g) {
    if (!g.is_object()) return;
    g.erase("bbox");
    if (auto it = g.find("coordinates"); it != g.end()) coordinates(*it);
    if (auto it = g.find("geometries"); it != g.end() && it->is_array())
      for (auto& child : *it) geometry(child);
  };
  doc.erase("bbox");
  if (auto features = doc.find("features"); features != doc.end() && features->is_array()) {
    for (auto& f : *features) {
      if (!f.is_object()) continue;
      f.erase("bbox");
      if (auto g = f.find("geometry"); g != f.end()) geometry(*g);
    }
  } else if (doc.contains("type") && doc["type"] == "Feature") {
    if (auto g = doc.find("geometry"); g != doc.end()) geometry(*g);
  } else {
    geometry(doc);
  }
  if (failed > 0)
    return R::failure(Diagnostic::error(ErrorCode::TransformFailed,
                                        std::to_string(failed) + " positions cannot be transformed from " + name +
                                            " to WGS 84",
                                        sourceName),
                      std::move(notes));
  doc.erase("crs");
  out.text = doc.dump();
  out.reprojected = true;
  out.sourceCrs = name;
  return R::success(std::move(out), std::move(notes));
}

Result<Wgs84GeoJson> fileToWgs84(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec))
    return Result<Wgs84GeoJson>::failure(Diagnostic::error(ErrorCode::FileNotFound, "no such file", file.string()));
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in || in.bad())
    return Result<Wgs84GeoJson>::failure(Diagnostic::error(ErrorCode::FileUnreadable, "cannot read it", file.string()));
  return toWgs84(text.str(), file.string());
}

}  // namespace cim::geojson
