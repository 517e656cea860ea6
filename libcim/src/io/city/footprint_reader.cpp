// Footprints from any GDAL vector source extruded to LoD1 prisms (see cim/io/city.h).
#include <algorithm>
#include <future>
#include <span>
#include <tuple>

#include <ogrsf_frmts.h>

#include "cim/geo/crs_tools.h"
#include "cim/geo/transform.h"
#include "cim/geometry/triangulate.h"
#include "cim/io/city.h"
#include "core/parallel.h"
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

// One feature as read from GDAL: its polygons (rings in the layer's CRS), attributes and height; then its prisms
// and elements, one per polygon.
struct Pending {
  std::size_t index = 0;
  std::string id, name;
  model::Attributes attrs;
  double height = 0.0;
  std::optional<double> groundField;
  bool is3d = false;
  std::vector<std::vector<std::vector<Vector3d>>> parts;
  std::vector<std::optional<model::SitePrism>> prisms;
  std::vector<model::Element> elements;
};

// A batch of features as read, and the skips found while reading them (feature index, why). The skips are reported
// when the batch is built, with the build's own, in feature order.
struct Batch {
  std::vector<Pending> features;
  std::vector<std::tuple<std::size_t, std::string, std::string>> skips;  // index, id, why
};

// Features read per batch before they are built on the worker threads (bounds the memory of the raw polygons). While
// one batch is built, the next is read (GDAL is serial; the build runs on every core).
// The first batch is small, so the workers start early.
constexpr std::size_t kBatch = 8192, kFirstBatch = 1024;

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

  // Reads one feature (GDAL is serial) into the batch: its id, attributes, height and polygons, or its skip. Touches
  // nothing but the batch, so it runs while the previous batch is built.
  void read(OGRFeature& f, const LayerFields& lf, const std::string& layerName, std::size_t index, Batch& batch) const {
    Pending p;
    p.index = index;
    p.id = lf.id >= 0 && f.IsFieldSetAndNotNull(lf.id) ? city::valueText(gdal::fieldValue(f, lf.id))
                                                       : layerName + "/" + std::to_string(index);
    auto skip = [&](const std::string& why) { batch.skips.emplace_back(index, p.id, why); };
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
    const auto t = wkbFlatten(g->getGeometryType());
    if (t == wkbPolygon) p.parts.push_back(polygonRings(*g->toPolygon()));
    else if (t == wkbMultiPolygon)
      for (const auto* part : *g->toMultiPolygon()) p.parts.push_back(polygonRings(*part));
    else return skip(std::string("a ") + g->getGeometryName() + " is no footprint polygon");
    p.is3d = g->Is3D();
    p.height = *height;
    p.groundField = numberOf(f, lf.ground, groundText);
    p.attrs.reserve(static_cast<std::size_t>(f.GetFieldCount()) + 4);  // + height, its source, lod and ground
    for (int i = 0; i < f.GetFieldCount(); ++i)
      if (f.IsFieldSetAndNotNull(i)) p.attrs[f.GetFieldDefnRef(i)->GetNameRef()] = gdal::fieldValue(f, i);
    p.attrs["heightMeters"] = *height;
    p.attrs["heightSource"] = heightSource;
    p.attrs["lod"] = std::int64_t{1};
    if (lf.name >= 0 && f.IsFieldSetAndNotNull(lf.name)) p.name = city::valueText(gdal::fieldValue(f, lf.name));
    batch.features.push_back(std::move(p));
  }

  // Makes a batch of features into elements: placing the polygons and building the prisms' meshes on every core,
  // DEM grounds (the DEM is not thread-safe) and adding to the scene in feature order, so the scene is the same for
  // any number of threads.
  void build(Batch& in, const std::string& layerName) {
    std::vector<Pending>& batch = in.features;
    const unsigned threads = detail::workerCount();
    detail::parallelFor(batch.size(), threads, [&](std::size_t i) { place(batch[i]); });
    if (options_.groundHeight)
      for (auto& p : batch)
        for (auto& prism : p.prisms)
          if (prism && !p.groundField) groundFromDem(*prism, p.height);
    detail::parallelFor(batch.size(), threads, [&](std::size_t i) { elements(batch[i]); });
    for (auto& p : batch)
      for (std::size_t k = 0; k < p.parts.size(); ++k) {
        if (!p.prisms[k]) {
          in.skips.emplace_back(
              p.index, p.id,
              "polygon " + std::to_string(k + 1) + " cannot be placed (fewer than 3 corners, or PROJ cannot move it)");
          continue;
        }
        ++out_.buildings;
        ++out_.prisms;
        out_.scene.addElement(layerName, std::move(p.elements[k]));
      }
    std::stable_sort(in.skips.begin(), in.skips.end(),
                     [](const auto& a, const auto& b) { return std::get<0>(a) < std::get<0>(b); });
    for (const auto& [index, id, why] : in.skips) skip(index, id, why);
  }

  std::size_t groundFromDemCount = 0, groundMissing = 0;

 private:
  void skip(std::size_t index, const std::string& id, const std::string& why) {
    ++out_.skipped;
    diags_.push_back(Diagnostic::error(ErrorCode::CityObjectSkipped,
                                       "feature " + std::to_string(index) + " (" + id + ") skipped: " + why, source_,
                                       id));
  }

  // The parts' prisms in the target CRS (the rings reprojected in one call per part), ground from the field or z.
  void place(Pending& p) const {
    p.prisms.resize(p.parts.size());
    for (std::size_t k = 0; k < p.parts.size(); ++k) p.prisms[k] = prismOf(p.parts[k], p.groundField, p.height, p.is3d);
  }

  // The elements of a placed feature (the prism's mesh is most of the work); the attributes copied only for
  // a multipolygon's second and later parts.
  void elements(Pending& p) const {
    p.elements.resize(p.parts.size());
    for (std::size_t k = 0; k < p.parts.size(); ++k) {
      if (!p.prisms[k]) continue;
      const bool last = k + 1 == p.parts.size();
      model::Attributes a = last ? std::move(p.attrs) : p.attrs;
      a["groundElevation"] = p.prisms[k]->bottomElevation;
      const std::string partId = p.parts.size() == 1 ? p.id : p.id + "#" + std::to_string(k + 1);
      city::MeshCollector none;
      p.elements[k] = city::cityElement(model::SiteFeatureKind::Building, "", partId, p.index, std::move(a),
                                        std::move(p.prisms[k]), none);
      if (!p.name.empty()) p.elements[k].name = p.name;
      p.prisms[k] = model::SitePrism{};  // moved into the element; kept set so build() adds it
    }
  }

  std::optional<model::SitePrism> prismOf(std::vector<std::vector<Vector3d>> rings, std::optional<double> groundField,
                                          double height, bool is3d) const {
    model::SitePrism prism;
    double zsum = 0;
    std::size_t zn = 0;
    for (auto& ring : rings) {
      if (transformer_ && transformer_->forward(std::span<Vector3d>(ring)) > 0) return std::nullopt;
      std::vector<Vector2d> r;
      r.reserve(ring.size());
      for (const auto& p : ring) {
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
    const double ground = groundField ? *groundField : is3d && zn ? zsum / static_cast<double>(zn) : 0.0;
    prism.bottomElevation = ground;
    prism.topElevation = ground + height;
    return prism;
  }

  // The ground under the outer ring's mean corner from the DEM; the polygon's own ground stays when it has none.
  void groundFromDem(model::SitePrism& prism, double height) {
    Vector3d c = Vector3d::Zero();
    for (const auto& p : prism.rings[0]) c.head<2>() += p;
    c.head<2>() /= static_cast<double>(prism.rings[0].size());
    std::optional<Vector3d> q = c;
    if (groundTransformer_) q = groundTransformer_->forward(c);
    const auto h = q ? options_.groundHeight(q->x(), q->y()) : std::nullopt;
    if (!h) {
      ++groundMissing;
      return;
    }
    prism.bottomElevation = *h;
    prism.topElevation = *h + height;
    ++groundFromDemCount;
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
    if (count > 0) out.scene.layer(layerName).elements.reserve(static_cast<std::size_t>(count));
    std::size_t index = 0;
    // Batch k is built on the workers while batch k+1 is read here; builds run one at a time, in order.
    Batch batch, building;
    std::future<void> built;
    auto finishBuild = [&] {
      if (built.valid()) built.get();
    };
    auto startBuild = [&] {
      finishBuild();
      building = std::move(batch);
      batch = Batch();
      batch.features.reserve(kBatch);
      built = std::async(std::launch::async, [&] { reader.build(building, layerName); });
    };
    batch.features.reserve(kBatch);
    try {
      for (std::unique_ptr<OGRFeature> f(layer->GetNextFeature()); f; f.reset(layer->GetNextFeature()), ++index) {
        if (progress && index % 4096 == 0 && count > 0 &&
            !progress("read", static_cast<double>(index) / static_cast<double>(count))) {
          finishBuild();
          return Result<CityReadResult>::failure(Diagnostic::error(ErrorCode::Cancelled, "cancelled", path.string()));
        }
        reader.read(*f, lf, layerName, index, batch);
        if (batch.features.size() == (built.valid() ? kBatch : kFirstBatch)) startBuild();
      }
      startBuild();
      finishBuild();
    } catch (...) {
      if (built.valid()) built.wait();  // the build refers to this frame's batch
      throw;
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
                                       (reader.groundFromDemCount ? ", " + std::to_string(reader.groundFromDemCount) +
                                                                   " grounds from the DEM"
                                                             : std::string()),
                                   path.string()));
  return Result<CityReadResult>::success(std::move(out), std::move(diags));
}

}  // namespace cim::io
