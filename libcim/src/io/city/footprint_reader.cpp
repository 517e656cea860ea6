// Footprints from any GDAL vector source extruded to LoD1 prisms (see cim/io/city.h).
#include <ogrsf_frmts.h>

#include "cim/geo/crs_tools.h"
#include "cim/geo/transform.h"
#include "cim/geometry/triangulate.h"
#include "cim/io/city.h"
#include "core/text.h"
#include "io/city/city_common.h"
#include "io/gdal/gdal_util.h"

namespace cim::io {

namespace fs = std::filesystem;
using Eigen::Vector2d;
using Eigen::Vector3d;

namespace {

// The common names of the fields (compared without case); docs/field-aliases.md lists them.
const std::vector<std::string> kHeightFields = {"height", "height_m", "heightm", "bldg_height", "building_height",
                                                "measuredheight", "hgt", "高度", "建筑高度", "房屋高度", "楼高"};
const std::vector<std::string> kStoreyFields = {"storeys", "stories", "storey", "floors", "floor_count",
                                                "num_floors", "nfloors", "levels", "building:levels",
                                                "层数", "楼层数", "地上层数", "建筑层数"};
const std::vector<std::string> kGroundFields = {"ground", "ground_m", "ground_height", "ground_elevation",
                                                "base_height", "地面高程", "地面标高", "室外地坪标高"};
const std::vector<std::string> kIdFields = {"id", "building_id", "bldg_id", "objectid", "fid", "编号", "建筑编号",
                                            "房屋编号"};

int fieldIndex(OGRFeatureDefn& defn, const std::string& given, const std::vector<std::string>& names) {
  if (!given.empty()) return defn.GetFieldIndex(given.c_str());
  for (const auto& n : names)
    for (int i = 0; i < defn.GetFieldCount(); ++i)
      if (detail::iequals(defn.GetFieldDefn(i)->GetNameRef(), n)) return i;
  return -1;
}

bool hasField(const std::vector<std::string>& fields, const std::vector<std::string>& names) {
  for (const auto& f : fields)
    for (const auto& n : names)
      if (detail::iequals(f, n)) return true;
  return false;
}

// A number from a field: reals and integers as themselves, text parsed; nullopt when missing or not a number.
std::optional<double> numberOf(OGRFeature& f, int field, std::string& text) {
  if (field < 0) return std::nullopt;
  const auto v = gdal::fieldValue(f, field);
  text = city::valueText(v);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  if (const auto* s = std::get_if<std::string>(&v)) {
    const auto t = city::typedValue(*s);
    if (const auto* d = std::get_if<double>(&t)) return *d;
    if (const auto* i = std::get_if<std::int64_t>(&t)) return static_cast<double>(*i);
  }
  return std::nullopt;
}

std::vector<std::vector<Vector3d>> polygonRings(const OGRPolygon& p) {
  std::vector<std::vector<Vector3d>> rings;
  auto ring = [](const OGRLinearRing& r) {
    std::vector<Vector3d> out;
    for (int i = 0; i < r.getNumPoints(); ++i) out.emplace_back(r.getX(i), r.getY(i), r.getZ(i));
    if (out.size() > 1 && (out.front() - out.back()).head<2>().norm() == 0) out.pop_back();
    return out;
  };
  if (p.getExteriorRing()) rings.push_back(ring(*p.getExteriorRing()));
  for (int i = 0; i < p.getNumInteriorRings(); ++i) rings.push_back(ring(*p.getInteriorRing(i)));
  return rings;
}

struct LayerFields {
  int height = -1, storeys = -1, ground = -1, id = -1, name = -1;
};

class FootprintReader {
 public:
  FootprintReader(const fs::path& path, const CityOptions& options, CityReadResult& out, std::vector<Diagnostic>& diags)
      : path_(path), source_(path.string()), options_(options), out_(out), diags_(diags) {}

  // The CRS the prisms are built in: the layer's, or a UTM zone for geographic coordinates (prisms need metres).
  Status place(OGRLayer& layer) {
    auto layerCrs = gdal::crsOf(layer.GetSpatialRef(), source_);
    if (!layerCrs.ok()) return Status::failureFrom(layerCrs);
    std::optional<geo::Crs> crs = std::move(layerCrs).value();
    if (!crs) crs = options_.sourceCrs;
    std::optional<geo::Crs> target = out_.scene.crs() ? out_.scene.crs() : crs;
    if (crs && crs->isGeographic() && !out_.scene.crs()) {
      OGREnvelope env;
      if (layer.GetExtent(&env, TRUE) != OGRERR_NONE)
        return Status::failure(Diagnostic::error(ErrorCode::NoGeometry, "the layer has no extent (no geometry)", source_));
      auto utm = geo::utmCrsFor(*crs, 0.5 * (env.MinX + env.MaxX), 0.5 * (env.MinY + env.MaxY));
      if (!utm.ok()) return Status::failureFrom(utm);
      target = std::move(utm).value();
      diags_.push_back(Diagnostic::info(ErrorCode::ConventionApplied,
                                        "footprints in longitude/latitude are extruded in " + target->definition() +
                                            " (prisms need metres)",
                                        source_));
    }
    out_.scene.setCrs(target);
    transformer_.reset();
    if (crs && target && !crs->isEquivalentTo(*target)) {
      auto t = geo::Transformer::create(*crs, *target);
      if (!t.ok()) return Status::failureFrom(t);
      transformer_.emplace(std::move(t).value());
    }
    groundTransformer_.reset();
    if (options_.groundHeight && options_.groundCrs && target && !target->isEquivalentTo(*options_.groundCrs)) {
      auto t = geo::Transformer::create(*target, *options_.groundCrs);
      if (t.ok()) groundTransformer_.emplace(std::move(t).value());
    }
    return okStatus();
  }

  LayerFields fields(OGRFeatureDefn& defn) {
    LayerFields f;
    f.height = fieldIndex(defn, options_.heightField, kHeightFields);
    f.storeys = fieldIndex(defn, options_.storeysField, kStoreyFields);
    f.ground = fieldIndex(defn, options_.groundField, kGroundFields);
    f.id = fieldIndex(defn, "", kIdFields);
    f.name = fieldIndex(defn, "", {"name", "名称", "建筑名称"});
    auto name = [&](int i) { return std::string(defn.GetFieldDefn(i)->GetNameRef()); };
    std::string note = "footprints: height from ";
    note += f.height >= 0 ? "field '" + name(f.height) + "'" : std::string("no field");
    if (f.storeys >= 0)
      note += ", else storeys from field '" + name(f.storeys) + "' × " + city::valueText(options_.storeyHeightMeters) +
              " m";
    note += f.ground >= 0 ? ", ground from field '" + name(f.ground) + "'"
                          : options_.groundHeight ? ", ground from the DEM loaded in the same call"
                                                  : ", ground from the polygons' z (0 when 2-D)";
    if (f.id >= 0) note += ", ids from field '" + name(f.id) + "'";
    diags_.push_back(Diagnostic::info(ErrorCode::ConventionApplied, note, source_));
    return f;
  }

  void feature(OGRFeature& f, const LayerFields& lf, const std::string& layerName, std::size_t index) {
    const std::string id = lf.id >= 0 && f.IsFieldSetAndNotNull(lf.id) ? city::valueText(gdal::fieldValue(f, lf.id))
                                                                       : layerName + "/" + std::to_string(index);
    auto skip = [&](const std::string& why) {
      ++out_.skipped;
      diags_.push_back(Diagnostic::error(ErrorCode::CityObjectSkipped,
                                         "feature " + std::to_string(index) + " (" + id + ") skipped: " + why, source_,
                                         id));
    };
    std::string heightText, storeyText, groundText;
    std::optional<double> height = numberOf(f, lf.height, heightText);
    std::string heightSource = "height";
    if (!height || !(*height > 0)) {
      const auto storeys = numberOf(f, lf.storeys, storeyText);
      if (storeys && *storeys > 0) {
        height = *storeys * options_.storeyHeightMeters;
        heightSource = "storeys";
      } else {
        std::string why = lf.height < 0 && lf.storeys < 0 ? "the layer has no height or storey field"
                          : !heightText.empty()           ? "height '" + heightText + "' is not a positive number"
                          : !storeyText.empty()           ? "storey count '" + storeyText + "' is not a positive number"
                                                          : "no height and no storey count";
        return skip(why);
      }
    }
    const OGRGeometry* g = f.GetGeometryRef();
    if (!g || g->IsEmpty()) return skip("no geometry");
    std::vector<const OGRPolygon*> parts;
    const auto t = wkbFlatten(g->getGeometryType());
    if (t == wkbPolygon) parts.push_back(g->toPolygon());
    else if (t == wkbMultiPolygon)
      for (const auto* p : *g->toMultiPolygon()) parts.push_back(p);
    else return skip(std::string("a ") + g->getGeometryName() + " is no footprint polygon");
    const std::optional<double> groundField = numberOf(f, lf.ground, groundText);
    model::Attributes attrs;
    for (int i = 0; i < f.GetFieldCount(); ++i)
      if (f.IsFieldSetAndNotNull(i)) attrs[f.GetFieldDefnRef(i)->GetNameRef()] = gdal::fieldValue(f, i);
    attrs["heightMeters"] = *height;
    attrs["heightSource"] = heightSource;
    attrs["lod"] = std::int64_t{1};
    for (std::size_t k = 0; k < parts.size(); ++k) {
      const std::string partId = parts.size() == 1 ? id : id + "#" + std::to_string(k + 1);
      auto prism = prismOf(*parts[k], groundField, *height, g->Is3D());
      if (!prism) {
        skip("polygon " + std::to_string(k + 1) + " cannot be placed (fewer than 3 corners, or PROJ cannot move it)");
        continue;
      }
      model::Attributes a = attrs;
      a["groundElevation"] = prism->bottomElevation;
      city::MeshCollector none;
      auto e = city::cityElement(model::SiteFeatureKind::Building, "", partId, index, std::move(a), std::move(prism),
                                 none);
      if (lf.name >= 0 && f.IsFieldSetAndNotNull(lf.name)) e.name = city::valueText(gdal::fieldValue(f, lf.name));
      ++out_.buildings;
      ++out_.prisms;
      out_.scene.addElement(layerName, std::move(e));
    }
  }

  std::size_t groundFromDem = 0, groundMissing = 0;

 private:
  std::optional<model::SitePrism> prismOf(const OGRPolygon& polygon, std::optional<double> groundField, double height,
                                          bool is3d) {
    model::SitePrism prism;
    double zsum = 0;
    std::size_t zn = 0;
    for (auto& ring : polygonRings(polygon)) {
      std::vector<Vector2d> r;
      for (auto& p : ring) {
        if (transformer_) {
          const auto q = transformer_->forward(p);
          if (!q) return std::nullopt;
          p = *q;
        }
        if (!p.allFinite()) return std::nullopt;
        r.emplace_back(p.x(), p.y());
        zsum += p.z(), ++zn;
      }
      if (r.size() < 3) {
        if (prism.rings.empty()) return std::nullopt;
        continue;
      }
      if ((geometry::signedArea(r) > 0) != prism.rings.empty()) std::reverse(r.begin(), r.end());
      prism.rings.push_back(std::move(r));
    }
    if (prism.rings.empty()) return std::nullopt;
    double ground = is3d && zn ? zsum / zn : 0.0;
    if (groundField) {
      ground = *groundField;
    } else if (options_.groundHeight) {
      Vector3d c = Vector3d::Zero();
      for (const auto& p : prism.rings[0]) c.head<2>() += p;
      c.head<2>() /= static_cast<double>(prism.rings[0].size());
      std::optional<Vector3d> q = c;
      if (groundTransformer_) q = groundTransformer_->forward(c);
      const auto h = q ? options_.groundHeight(q->x(), q->y()) : std::nullopt;
      if (h) ground = *h, ++groundFromDem;
      else ++groundMissing;
    }
    prism.bottomElevation = ground;
    prism.topElevation = ground + height;
    return prism;
  }

  const fs::path& path_;
  std::string source_;
  const CityOptions& options_;
  CityReadResult& out_;
  std::vector<Diagnostic>& diags_;
  std::optional<geo::Transformer> transformer_, groundTransformer_;
};

}  // namespace

bool looksLikeFootprints(const Sniff& sniff) {
  if (!sniff.vectorLayers) return false;
  for (const auto& l : *sniff.vectorLayers)
    if (hasField(l.fields, kHeightFields) || hasField(l.fields, kStoreyFields)) return true;
  return false;
}

Result<CityReadResult> readFootprints(const fs::path& path, const CityOptions& options, const ProgressFn& progress) {
  if (!fs::exists(path))
    return Result<CityReadResult>::failure(Diagnostic::error(ErrorCode::FileNotFound, "no such file", path.string()));
  std::string error;
  auto ds = gdal::openVector(path, gdal::CsvColumns::Typed, &error);
  if (!ds)
    return Result<CityReadResult>::failure(
        Diagnostic::error(ErrorCode::FileUnreadable, "GDAL cannot open it: " + error, path.string()));
  std::vector<Diagnostic> diags;
  CityReadResult out;
  out.format = std::string(ds->GetDriver()->GetDescription()) + " footprints";
  out.scene.setCrs(options.sceneCrs);
  FootprintReader reader(path, options, out, diags);
  const std::string stem = path.stem().string();
  std::size_t total = 0;
  for (OGRLayer* layer : ds->GetLayers()) {
    if (!layer) continue;
    auto placed = reader.place(*layer);
    if (!placed.ok()) {
      Diagnostic d = *placed.error();
      d.source = path.string();
      return Result<CityReadResult>::failure(std::move(d), std::move(diags));
    }
    const LayerFields lf = reader.fields(*layer->GetLayerDefn());
    const std::string layerName = ds->GetLayerCount() > 1 ? stem + "/" + layer->GetName() : stem;
    const GIntBig count = layer->GetFeatureCount(FALSE);
    layer->ResetReading();
    std::size_t index = 0;
    for (std::unique_ptr<OGRFeature> f(layer->GetNextFeature()); f; f.reset(layer->GetNextFeature()), ++index) {
      if (progress && index % 4096 == 0 && count > 0 &&
          !progress("read", static_cast<double>(index) / static_cast<double>(count)))
        return Result<CityReadResult>::failure(Diagnostic::error(ErrorCode::Cancelled, "cancelled", path.string()));
      reader.feature(*f, lf, layerName, index);
    }
    total += index;
  }
  if (reader.groundMissing)
    diags.push_back(Diagnostic::warning(ErrorCode::ConventionApplied,
                                        std::to_string(reader.groundMissing) +
                                            " footprints lie outside the DEM: their ground is the polygon's z (0 when 2-D)",
                                        path.string()));
  diags.push_back(Diagnostic::info(ErrorCode::ConventionApplied,
                                   out.format + ": " + std::to_string(out.prisms) + " LoD1 prisms from " +
                                       std::to_string(total) + " features, " + std::to_string(out.skipped) +
                                       " skipped" +
                                       (reader.groundFromDem ? ", " + std::to_string(reader.groundFromDem) +
                                                                   " grounds from the DEM"
                                                             : std::string()),
                                   path.string()));
  return Result<CityReadResult>::success(std::move(out), std::move(diags));
}

}  // namespace cim::io
