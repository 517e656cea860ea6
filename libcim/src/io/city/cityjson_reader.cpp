// CityJSON 1.0/1.1/2.0 (see cim/io/city.h): vertices through "transform", geometry templates, semantics,
// BuildingParts; one element per city object with geometry at the chosen LoD.
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "cim/io/city.h"
#include "io/city/city_common.h"
#include "model/attribute_json.h"

namespace cim::io {

namespace fs = std::filesystem;
using Eigen::Vector3d;
using nlohmann::json;

namespace {

// "2.2" < "2.10"? CityJSON LoDs are "1", "1.2", "2.2", "3": compared as numbers.
double lodNumber(const json& g) {
  if (!g.contains("lod")) return -1.0;
  const json& l = g["lod"];
  if (l.is_number()) return l.get<double>();
  if (l.is_string()) {
    try {
      return std::stod(l.get<std::string>());
    } catch (...) {
    }
  }
  return -1.0;
}

std::string lodText(const json& g) {
  if (!g.contains("lod")) return {};
  return g["lod"].is_string() ? g["lod"].get<std::string>() : g["lod"].dump();
}

struct Context {
  std::vector<Vector3d> vertices;          // transformed
  std::vector<Vector3d> templateVertices;  // not transformed (CityJSON: template vertices are real coordinates)
  const json* templates = nullptr;
};

// Walks the nested boundary arrays down to surfaces ([ring][vertex]) with their semantic value.
struct SurfaceSink {
  const std::vector<Vector3d>& vertices;
  const Eigen::Matrix4d* matrix = nullptr;  // geometry instances
  Vector3d reference = Vector3d::Zero();
  std::vector<city::Polygon3>& polygons;
  std::vector<std::string>& types;
  const json* surfaces = nullptr;  // semantics.surfaces

  void surface(const json& rings, const json* semanticValue) {
    city::Polygon3 p;
    for (const auto& ring : rings) {
      std::vector<Vector3d> r;
      for (const auto& i : ring) {
        if (!i.is_number_unsigned() && !i.is_number_integer()) continue;
        const auto k = i.get<std::size_t>();
        if (k >= vertices.size()) continue;
        Vector3d v = vertices[k];
        if (matrix) v = (*matrix * v.homogeneous()).head<3>() + reference;
        r.push_back(v);
      }
      if (r.size() >= 3) p.push_back(std::move(r));
    }
    if (p.empty()) return;
    std::string type;
    if (surfaces && semanticValue && semanticValue->is_number_integer()) {
      const auto s = semanticValue->get<std::size_t>();
      if (s < surfaces->size() && (*surfaces)[s].contains("type")) type = (*surfaces)[s]["type"].get<std::string>();
    }
    polygons.push_back(std::move(p));
    types.push_back(std::move(type));
  }

  // depth: 0 = list of surfaces (MultiSurface), 1 = shells (Solid), 2 = solids (MultiSolid).
  void walk(const json& boundaries, const json* values, int depth) {
    for (std::size_t i = 0; i < boundaries.size(); ++i) {
      const json* v = values && values->is_array() && i < values->size() ? &(*values)[i] : nullptr;
      if (depth == 0) surface(boundaries[i], v);
      else walk(boundaries[i], v, depth - 1);
    }
  }
};

int surfaceDepth(const std::string& type) {
  if (type == "MultiSurface" || type == "CompositeSurface") return 0;
  if (type == "Solid") return 1;
  if (type == "MultiSolid" || type == "CompositeSolid") return 2;
  return -1;
}

// The surfaces of one geometry (a template instance resolved), appended to polygons/types.
bool collect(const json& g, const Context& c, std::vector<city::Polygon3>& polygons, std::vector<std::string>& types) {
  const std::string type = g.value("type", "");
  if (type == "GeometryInstance") {
    if (!c.templates || !g.contains("template") || !g.contains("boundaries") || g["boundaries"].empty()) return false;
    const auto t = g["template"].get<std::size_t>();
    if (t >= c.templates->size()) return false;
    const auto refIndex = g["boundaries"][0].get<std::size_t>();
    if (refIndex >= c.vertices.size()) return false;
    Eigen::Matrix4d m = Eigen::Matrix4d::Identity();
    if (g.contains("transformationMatrix") && g["transformationMatrix"].size() == 16)
      for (int k = 0; k < 16; ++k) m(k / 4, k % 4) = g["transformationMatrix"][k].get<double>();
    SurfaceSink sink{c.templateVertices, &m, c.vertices[refIndex], polygons, types};
    const json& tg = (*c.templates)[t];
    if (tg.contains("semantics")) sink.surfaces = &tg["semantics"]["surfaces"];
    const int depth = surfaceDepth(tg.value("type", ""));
    if (depth < 0) return false;
    sink.walk(tg["boundaries"], tg.contains("semantics") ? &tg["semantics"]["values"] : nullptr, depth);
    return true;
  }
  const int depth = surfaceDepth(type);
  if (depth < 0 || !g.contains("boundaries")) return false;
  SurfaceSink sink{c.vertices, nullptr, Vector3d::Zero(), polygons, types};
  if (g.contains("semantics")) sink.surfaces = &g["semantics"]["surfaces"];
  sink.walk(g["boundaries"], g.contains("semantics") ? &g["semantics"]["values"] : nullptr, depth);
  return true;
}

// The geometry to draw: the requested LoD when the object has it, else its highest below it (or its highest).
const json* chooseGeometry(const json& geometries, const std::string& lod, bool& fellBack) {
  const json* best = nullptr;
  double wanted = -1.0;
  if (!lod.empty()) {
    try {
      wanted = std::stod(lod);
    } catch (...) {
    }
  }
  for (const auto& g : geometries) {
    if (!lod.empty() && lodText(g) == lod) return &g;
    const double n = lodNumber(g);
    if (wanted >= 0 && n > wanted) continue;
    if (!best || n > lodNumber(*best)) best = &g;
  }
  fellBack = !lod.empty() && best != nullptr;
  if (!best && !geometries.empty()) best = &geometries[0];
  return best;
}

Result<json> parse(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Result<json>::failure(Diagnostic::error(ErrorCode::FileUnreadable, "cannot open", path.string()));
  try {
    return Result<json>::success(json::parse(in));
  } catch (const std::exception& e) {
    return Result<json>::failure(
        Diagnostic::error(ErrorCode::CorruptFile, std::string("not valid JSON: ") + e.what(), path.string()));
  }
}

std::vector<Vector3d> verticesOf(const json& doc) {
  Vector3d scale(1, 1, 1), translate(0, 0, 0);
  if (doc.contains("transform")) {
    const auto& t = doc["transform"];
    for (int k = 0; k < 3; ++k) scale[k] = t["scale"][k].get<double>(), translate[k] = t["translate"][k].get<double>();
  }
  std::vector<Vector3d> out;
  out.reserve(doc["vertices"].size());
  for (const auto& v : doc["vertices"])
    out.emplace_back(v[0].get<double>() * scale.x() + translate.x(), v[1].get<double>() * scale.y() + translate.y(),
                     v[2].get<double>() * scale.z() + translate.z());
  return out;
}

// The file's CRS (metadata.referenceSystem), else the options' source CRS (said in a note), else none.
Result<std::optional<geo::Crs>> crsOf(const json& doc, const CityOptions& options, const fs::path& path,
                                     std::vector<Diagnostic>& diags) {
  using R = Result<std::optional<geo::Crs>>;
  std::string crsName;
  if (doc.contains("metadata") && doc["metadata"].contains("referenceSystem"))
    crsName = doc["metadata"]["referenceSystem"].get<std::string>();
  if (crsName.empty()) {
    diags.push_back(Diagnostic::info(
        ErrorCode::ConventionApplied,
        options.sourceCrs ? "no metadata.referenceSystem: the coordinates are taken to be in the input CRS (--input-crs)"
                          : "no metadata.referenceSystem: the model stays local (give its CRS with --input-crs)",
        path.string()));
    return R::success(options.sourceCrs);
  }
  const auto def = city::crsDefinitionFromName(crsName);
  auto c = def ? geo::Crs::fromUserInput(*def) : Result<geo::Crs>::failure(Diagnostic::error(ErrorCode::UnknownCrs, ""));
  if (!c.ok())
    return R::failure(Diagnostic::error(
        ErrorCode::UnknownCrs, "metadata.referenceSystem '" + crsName + "' is no CRS PROJ knows", path.string()));
  return R::success(std::move(c).value());
}

// What one read counts beside the result's own counters.
struct Counters {
  std::size_t fellBack = 0, noGeometry = 0;
};

// One city object as an element: its attributes (and "parent" of a part), the geometry of the chosen LoD, the exact
// prism of an LoD1 building.
model::Element objectElement(const std::string& id, const json& o, std::size_t index, const Context& c,
                             const CityOptions& options, const fs::path& path, std::vector<Diagnostic>& diags,
                             Counters& counters) {
  const std::string type = o.value("type", "");
  const bool part = type == "BuildingPart";
  const bool building = type == "Building" || part;
  model::Attributes attrs;
  attrs["cityjson.type"] = type;
  if (o.contains("attributes"))
    for (auto a = o["attributes"].begin(); a != o["attributes"].end(); ++a) attrs[a.key()] = model::attributeFromJson(a.value());
  if (o.contains("parents") && !o["parents"].empty()) attrs["parent"] = o["parents"][0].get<std::string>();
  std::vector<city::Polygon3> polygons;
  std::vector<std::string> types;
  std::string lod;
  if (o.contains("geometry") && !o["geometry"].empty()) {
    bool fellBack = false;
    const json* g = chooseGeometry(o["geometry"], options.lod, fellBack);
    counters.fellBack += fellBack;
    if (g && !collect(*g, c, polygons, types))
      diags.push_back(Diagnostic::warning(ErrorCode::PrimitiveSkipped,
                                          "geometry of type '" + g->value("type", "") + "' not drawn", path.string(),
                                          id));
    if (g) lod = lodText(*g);
  }
  if (!lod.empty()) attrs["lod"] = lod;
  if (polygons.empty()) ++counters.noGeometry;
  std::optional<model::SitePrism> prism;
  if (building && !lod.empty() && lod[0] == '1') prism = city::prismOf(polygons);
  city::MeshCollector meshes;
  if (!prism)
    for (std::size_t k = 0; k < polygons.size(); ++k) meshes.addPolygon(polygons[k], types[k]);
  const auto kind = part ? model::SiteFeatureKind::BuildingPart : model::SiteFeatureKind::Building;
  return city::cityElement(kind, building ? "" : type, id, index, std::move(attrs), std::move(prism), meshes);
}

}  // namespace

bool looksLikeCityJson(const Sniff& sniff) {
  return sniff.extension == ".json" && sniff.head.find("\"CityJSON\"") != std::string::npos;
}

Result<CityReadResult> readCityJson(const fs::path& path, const CityOptions& options, const ProgressFn& progress) {
  if (!fs::exists(path))
    return Result<CityReadResult>::failure(Diagnostic::error(ErrorCode::FileNotFound, "no such file", path.string()));
  auto parsed = parse(path);
  if (!parsed.ok()) return Result<CityReadResult>::failureFrom(parsed);
  const json& doc = *parsed;
  if (doc.value("type", "") != "CityJSON" || !doc.contains("CityObjects") || !doc.contains("vertices"))
    return Result<CityReadResult>::failure(Diagnostic::error(
        ErrorCode::CorruptFile, "not a CityJSON object (type, CityObjects, vertices)", path.string()));
  std::vector<Diagnostic> diags;
  CityReadResult out;
  out.format = "CityJSON " + doc.value("version", std::string("?"));

  auto crs = crsOf(doc, options, path, diags);
  if (!crs.ok()) return Result<CityReadResult>::failureFrom(crs);
  out.scene.setCrs(*crs);

  Context c;
  try {
    c.vertices = verticesOf(doc);
    if (doc.contains("geometry-templates")) {
      c.templates = &doc["geometry-templates"]["templates"];
      for (const auto& v : doc["geometry-templates"]["vertices-templates"])
        c.templateVertices.emplace_back(v[0].get<double>(), v[1].get<double>(), v[2].get<double>());
    }
  } catch (const std::exception& e) {
    return Result<CityReadResult>::failure(
        Diagnostic::error(ErrorCode::CorruptFile, std::string("bad vertices or transform: ") + e.what(), path.string()));
  }

  const std::string layer = path.filename().string();
  std::size_t index = 0;
  Counters counters;
  const auto& objects = doc["CityObjects"];
  for (auto it = objects.begin(); it != objects.end(); ++it, ++index) {
    if (progress && index % 256 == 0 && !progress("read", static_cast<double>(index) / objects.size()))
      return Result<CityReadResult>::failure(Diagnostic::error(ErrorCode::Cancelled, "cancelled", path.string()));
    const std::string id = it.key();
    const json& o = it.value();
    try {
      auto e = objectElement(id, o, index, c, options, path, diags, counters);
      out.buildings += e.kind == "building";
      out.buildingParts += e.kind == "building-part";
      out.prisms += e.parametric != nullptr;
      out.scene.addElement(layer, std::move(e));
    } catch (const std::exception& e) {
      ++out.skipped;
      diags.push_back(Diagnostic::error(ErrorCode::CityObjectSkipped,
                                        "city object " + id + " skipped: " + e.what(), path.string(), id));
    }
  }
  if (counters.fellBack)
    diags.push_back(Diagnostic::info(ErrorCode::ConventionApplied,
                                     std::to_string(counters.fellBack) + " objects have no LoD " + options.lod +
                                         ": their highest LoD below it (or their highest) is drawn",
                                     path.string()));
  if (counters.noGeometry)
    diags.push_back(Diagnostic::info(ErrorCode::ConventionApplied,
                                     std::to_string(counters.noGeometry) +
                                         " city objects have no geometry of their own (a building drawn by its parts): "
                                         "they are elements without shapes, carrying their attributes",
                                     path.string()));
  diags.push_back(Diagnostic::info(
      ErrorCode::ConventionApplied,
      out.format + ": " + std::to_string(out.buildings) + " buildings, " + std::to_string(out.buildingParts) +
          " building parts, " + std::to_string(out.prisms) + " exact LoD1 prisms" +
          (options.lod.empty() ? ", each object's highest LoD" : ", LoD " + options.lod),
      path.string()));
  return Result<CityReadResult>::success(std::move(out), std::move(diags));
}

}  // namespace cim::io
