// CityGML 1.0/2.0 through libcitygml (see cim/io/city.h): buildings and building parts with the surfaces, openings
// and installations below them folded into their mesh (one shape per surface type), other city objects as elements
// of their type. CityGML 3.0 goes to our own reader (citygml3_reader.cpp): libcitygml 2.4 skips its core:boundary
// surfaces.
#include <atomic>
#include <fstream>
#include <mutex>

#include <citygml/citygml.h>
#include <citygml/citygmllogger.h>
#include <citygml/citymodel.h>
#include <citygml/cityobject.h>
#include <citygml/geometry.h>
#include <citygml/linearring.h>
#include <citygml/polygon.h>

#include "cim/io/city.h"
#include "io/city/city_common.h"
#include "io/city/citygml3.h"

namespace cim::io {

namespace fs = std::filesystem;
using Eigen::Vector3d;

namespace {

// libcitygml's messages: counted, the first few kept for one note. (Its logger base has a non-virtual destructor;
// ours is owned through a shared_ptr of its own type, so that is safe.)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class Logger : public citygml::CityGMLLogger {
 public:
  Logger() : CityGMLLogger(LOGLEVEL::LL_WARNING) {}
  void log(LOGLEVEL level, const std::string& message, const char*, int) const override {
    std::lock_guard lock(mutex_);
    (level >= LOGLEVEL::LL_ERROR ? errors : warnings)++;
    if (first.size() < 3) first.push_back(message.substr(0, 160));
  }
  mutable std::size_t warnings = 0, errors = 0;
  mutable std::vector<std::string> first;

 private:
  mutable std::mutex mutex_;
};
#pragma GCC diagnostic pop

std::string headOf(const fs::path& path, std::size_t bytes) {
  std::ifstream in(path, std::ios::binary);
  std::string s(bytes, '\0');
  in.read(s.data(), static_cast<std::streamsize>(bytes));
  s.resize(static_cast<std::size_t>(in.gcount()));
  return s;
}

std::string versionOf(std::string_view head) {
  for (const char* v : {"3.0", "2.0", "1.0"})
    if (head.find(std::string("opengis.net/citygml/") + v) != std::string_view::npos ||
        head.find(std::string("opengis.net/citygml/building/") + v) != std::string_view::npos)
      return v;
  return "?";
}

Vector3d vec(const TVec3d& v) { return {v.x, v.y, v.z}; }

bool isBuilding(citygml::CityObject::CityObjectsType t) {
  using T = citygml::CityObject::CityObjectsType;
  return t == T::COT_Building || t == T::COT_BuildingPart;
}

// The highest LoD of an object's geometry and of the non-building objects below it.
int highestLod(const citygml::CityObject& o) {
  int best = -1;
  for (unsigned i = 0; i < o.getGeometriesCount(); ++i) best = std::max(best, static_cast<int>(o.getGeometry(i).getLOD()));
  for (unsigned i = 0; i < o.getChildCityObjectsCount(); ++i)
    if (!isBuilding(o.getChildCityObject(i).getType())) best = std::max(best, highestLod(o.getChildCityObject(i)));
  return best;
}

struct Collected {
  city::MeshCollector meshes;
  std::vector<city::Polygon3> rings;  // for the LoD1 prism test
  std::size_t polygons = 0;
};

void addGeometry(const citygml::Geometry& g, const std::string& type, Collected& c) {
  for (unsigned i = 0; i < g.getPolygonsCount(); ++i) {
    const auto p = g.getPolygon(i);
    std::vector<Vector3d> vertices;
    for (const auto& v : p->getVertices()) vertices.push_back(vec(v));
    c.meshes.addTriangles(vertices, p->getIndices(), type);
    ++c.polygons;
    city::Polygon3 rings;
    auto addRing = [&](const std::shared_ptr<citygml::LinearRing>& r) {
      if (!r) return;
      std::vector<Vector3d> ring;
      for (const auto& v : r->getVertices()) ring.push_back(vec(v));
      if (ring.size() > 1 && (ring.front() - ring.back()).norm() < 1e-9) ring.pop_back();
      if (ring.size() >= 3) rings.push_back(std::move(ring));
    };
    addRing(p->exteriorRing());
    for (const auto& r : p->interiorRings()) addRing(r);
    if (!rings.empty()) c.rings.push_back(std::move(rings));
  }
  for (unsigned i = 0; i < g.getGeometriesCount(); ++i) addGeometry(g.getGeometry(i), type, c);
}

// The geometry of `o` at `lod` and of the non-building objects below it (surfaces, openings, installations, rooms),
// each typed by the object it belongs to ("" for the building's own).
void collect(const citygml::CityObject& o, int lod, const std::string& type, Collected& c) {
  for (unsigned i = 0; i < o.getGeometriesCount(); ++i)
    if (static_cast<int>(o.getGeometry(i).getLOD()) == lod) addGeometry(o.getGeometry(i), type, c);
  for (unsigned i = 0; i < o.getChildCityObjectsCount(); ++i) {
    const auto& child = o.getChildCityObject(i);
    if (!isBuilding(child.getType())) collect(child, lod, child.getTypeAsString(), c);
  }
}

model::Attributes attributesOf(const citygml::CityObject& o) {
  model::Attributes a;
  for (const auto& [key, value] : o.getAttributes()) {
    switch (value.getType()) {
      case citygml::AttributeType::Double: a[key] = value.asDouble(); break;
      case citygml::AttributeType::Integer: a[key] = static_cast<std::int64_t>(value.asInteger()); break;
      default: a[key] = value.asString();
    }
  }
  a["citygml.type"] = o.getTypeAsString();
  return a;
}

struct Reader {
  const fs::path& path;
  const CityOptions& options;
  CityReadResult& out;
  std::vector<Diagnostic>& diags;
  std::string layer;
  std::size_t index = 0, fellBack = 0, polygons = 0;

  int chooseLod(const citygml::CityObject& o) {
    const int highest = highestLod(o);
    if (options.lod.empty()) return highest;
    const int wanted = std::atoi(options.lod.c_str());
    for (int l = wanted; l >= 0; --l) {
      Collected probe;
      collect(o, l, "", probe);
      if (probe.polygons) {
        fellBack += l != wanted;
        return l;
      }
    }
    ++fellBack;
    return highest;
  }

  void object(const citygml::CityObject& o, const std::string& parent) {
    const bool building = isBuilding(o.getType());
    const bool part = o.getType() == citygml::CityObject::CityObjectsType::COT_BuildingPart;
    const int lod = chooseLod(o);
    Collected c;
    collect(o, lod, "", c);
    polygons += c.polygons;
    model::Attributes attrs = attributesOf(o);
    if (lod >= 0) attrs["lod"] = static_cast<std::int64_t>(lod);
    if (!parent.empty()) attrs["parent"] = parent;
    std::optional<model::SitePrism> prism;
    if (building && lod == 1) prism = city::prismOf(c.rings);
    const auto kind = part ? model::SiteFeatureKind::BuildingPart : model::SiteFeatureKind::Building;
    auto e = city::cityElement(kind, building ? "" : o.getTypeAsString(), o.getId(), index++, std::move(attrs),
                               std::move(prism), c.meshes);
    out.buildings += e.kind == "building";
    out.buildingParts += e.kind == "building-part";
    out.prisms += e.parametric != nullptr;
    out.scene.addElement(layer, std::move(e));
    for (unsigned i = 0; i < o.getChildCityObjectsCount(); ++i)
      if (isBuilding(o.getChildCityObject(i).getType())) object(o.getChildCityObject(i), o.getId());
  }
};

// CityGML 3.0 through city::readCityGml3; a file without any polygon is CityGmlNotRead.
Result<CityReadResult> readVersion3(const fs::path& path, const CityOptions& options, CityReadResult out,
                                    std::vector<Diagnostic> diags) {
  auto polygons = city::readCityGml3(path, options, out, diags);
  if (!polygons.ok()) return Result<CityReadResult>::failureFrom(polygons);
  if (*polygons == 0)
    return Result<CityReadResult>::failure(
        Diagnostic::error(ErrorCode::CityGmlNotRead,
                          "CityGML 3.0: " + std::to_string(out.buildings) +
                              " building(s) but no polygon under their lod1-lod4 Solid/MultiSurface properties",
                          path.string()),
        std::move(diags));
  diags.push_back(Diagnostic::info(
      ErrorCode::ConventionApplied,
      out.format + ": " + std::to_string(out.buildings) + " buildings, " + std::to_string(out.buildingParts) +
          " building parts, " + std::to_string(out.prisms) + " exact LoD1 prisms, " + std::to_string(*polygons) +
          " polygons" + (options.lod.empty() ? ", each object's highest LoD" : ", LoD " + options.lod),
      path.string()));
  return Result<CityReadResult>::success(std::move(out), std::move(diags));
}

}  // namespace

bool looksLikeCityGml(const Sniff& sniff) {
  return (sniff.extension == ".gml" || sniff.extension == ".xml") &&
         sniff.head.find("opengis.net/citygml") != std::string::npos;
}

Result<CityReadResult> readCityGml(const fs::path& path, const CityOptions& options, const ProgressFn& progress) {
  if (!fs::exists(path))
    return Result<CityReadResult>::failure(Diagnostic::error(ErrorCode::FileNotFound, "no such file", path.string()));
  const std::string head = headOf(path, 1u << 18);
  const std::string version = versionOf(head);
  std::vector<Diagnostic> diags;
  CityReadResult out;
  out.format = "CityGML " + version;
  if (progress && !progress("read", 0.0))
    return Result<CityReadResult>::failure(Diagnostic::error(ErrorCode::Cancelled, "cancelled", path.string()));

  std::optional<geo::Crs> crs = options.sourceCrs;
  if (const std::string srs = city::firstSrsName(head); !srs.empty()) {
    const auto def = city::crsDefinitionFromName(srs);
    auto c = def ? geo::Crs::fromUserInput(*def)
                 : Result<geo::Crs>::failure(Diagnostic::error(ErrorCode::UnknownCrs, "unknown"));
    if (!c.ok())
      return Result<CityReadResult>::failure(Diagnostic::error(
          ErrorCode::UnknownCrs, "srsName '" + srs + "' is no CRS PROJ knows (give one with --input-crs)",
          path.string()));
    crs = std::move(c).value();
    diags.push_back(Diagnostic::info(ErrorCode::ConventionApplied,
                                     "srsName '" + srs + "' read as " + *def, path.string()));
  }
  out.scene.setCrs(crs);

  if (version == "3.0") return readVersion3(path, options, std::move(out), std::move(diags));

  citygml::ParserParams params;
  params.keepVertices = true;  // the rings of LoD1 solids, for their exact prisms
  auto logger = std::make_shared<Logger>();
  std::shared_ptr<const citygml::CityModel> model;
  try {
    model = citygml::load(path.string(), params, logger);
  } catch (const std::exception& e) {
    return Result<CityReadResult>::failure(
        Diagnostic::error(ErrorCode::CorruptFile, std::string("libcitygml: ") + e.what(), path.string()));
  }
  if (!model)
    return Result<CityReadResult>::failure(Diagnostic::error(
        ErrorCode::CorruptFile,
        "libcitygml cannot parse the file" + (logger->first.empty() ? std::string() : ": " + logger->first[0]),
        path.string()));

  Reader r{path, options, out, diags, path.filename().string()};
  for (const auto& o : model->getRootCityObjects()) r.object(*o, "");
  if (logger->warnings + logger->errors)
    diags.push_back(Diagnostic::info(
        ErrorCode::ConventionApplied,
        "libcitygml skipped " + std::to_string(logger->warnings + logger->errors) +
            " elements it does not read (first: " + (logger->first.empty() ? "" : logger->first[0]) + ")",
        path.string()));
  if (r.fellBack)
    diags.push_back(Diagnostic::info(ErrorCode::ConventionApplied,
                                     std::to_string(r.fellBack) + " objects have no LoD " + options.lod +
                                         ": their highest LoD below it (or their highest) is drawn",
                                     path.string()));
  diags.push_back(Diagnostic::info(
      ErrorCode::ConventionApplied,
      out.format + ": " + std::to_string(out.buildings) + " buildings, " + std::to_string(out.buildingParts) +
          " building parts, " + std::to_string(out.prisms) + " exact LoD1 prisms, " + std::to_string(r.polygons) +
          " polygons" + (options.lod.empty() ? ", each object's highest LoD" : ", LoD " + options.lod),
      path.string()));
  return Result<CityReadResult>::success(std::move(out), std::move(diags));
}

}  // namespace cim::io
