// readIfc: IFC instances -> scene elements (geometry, spatial structure, properties).
#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "cim/io/ifc.h"
#include "core/text.h"
#include "io/ifc/context.h"
#include "io/ifc/georef.h"
#include "io/ifc/object_placement.h"
#include "io/ifc/shapes.h"
#include "cim/geometry/booleans.h"

namespace cim::io {

namespace {

using namespace cim::io::ifc;

// A property value as a typed attribute: booleans, integers, reals (units converted for measures) or text.
model::AttributeValue propertyValue(const Instance& holder, const Value& v, const Units& u) {
  if (v.kind == ValueKind::Typed && v.count == 1) {
    const Value& inner = holder.children(v)[0];
    const std::string_view type = v.raw;
    if (inner.kind == ValueKind::Enum) {
      if (inner.raw == "T") return true;
      if (inner.raw == "F") return false;
      return std::string(inner.raw == "U" ? "UNKNOWN" : inner.raw);
    }
    if (inner.kind == ValueKind::Integer) return static_cast<std::int64_t>(inner.integer);
    if (inner.kind == ValueKind::Real) {
      double d = inner.real;
      if (type == names::IfcLengthMeasure || type == names::IfcPositiveLengthMeasure || type == names::IfcNonNegativeLengthMeasure)
        d *= u.lengthToMeters;
      else if (type == names::IfcAreaMeasure) d *= u.areaToSquareMeters;
      else if (type == names::IfcVolumeMeasure) d *= u.volumeToCubicMeters;
      else if (type == names::IfcPlaneAngleMeasure || type == names::IfcPositivePlaneAngleMeasure) d *= u.angleToRadians;
      return d;
    }
    if (auto t = textOf(holder.attributes(), inner)) return *t;
    return std::monostate{};
  }
  if (auto t = textOf(holder.attributes(), v)) return *t;
  if (auto d = numberOf(holder.attributes(), v)) return *d;
  if (v.kind == ValueKind::Enum) return std::string(v.raw);
  return std::monostate{};
}

using PropertyList = std::vector<std::pair<std::string, model::AttributeValue>>;

// The values of one property set or element quantity as "Set.Property" -> value, in file order.
void readPropertySet(const IfcFile& f, std::uint64_t psetId, const Units& u, PropertyList& out) {
  Instance pset;
  if (!pset.load(f, psetId)) return;
  const std::string setName = pset.text("Name").value_or("Pset");
  if (f.isA(pset.record(), names::IfcPropertySet)) {
    for (auto propId : pset.refs("HasProperties")) {
      Instance prop;
      if (!prop.load(f, propId)) continue;
      const std::string key = setName + "." + prop.text("Name").value_or(instanceName(propId));
      if (f.isA(prop.record(), names::IfcPropertySingleValue)) {
        if (const Value* v = prop.get("NominalValue")) out.emplace_back(key, propertyValue(prop, *v, u));
      } else if (f.isA(prop.record(), names::IfcPropertyEnumeratedValue) || f.isA(prop.record(), names::IfcPropertyListValue)) {
        std::string joined;
        for (const auto& v : prop.list(f.isA(prop.record(), names::IfcPropertyListValue) ? "ListValues" : "EnumerationValues")) {
          auto val = propertyValue(prop, v, u);
          std::string s;
          if (auto* str = std::get_if<std::string>(&val)) s = *str;
          else if (auto* d = std::get_if<double>(&val)) s = std::to_string(*d);
          else if (auto* i = std::get_if<std::int64_t>(&val)) s = std::to_string(*i);
          else if (auto* b = std::get_if<bool>(&val)) s = *b ? "true" : "false";
          if (!joined.empty()) joined += ", ";
          joined += s;
        }
        out.emplace_back(key, joined);
      } else if (f.isA(prop.record(), names::IfcPropertyBoundedValue)) {
        if (const Value* v = prop.get("LowerBoundValue")) out.emplace_back(key + ".Lower", propertyValue(prop, *v, u));
        if (const Value* v = prop.get("UpperBoundValue")) out.emplace_back(key + ".Upper", propertyValue(prop, *v, u));
      }
    }
  } else if (f.isA(pset.record(), names::IfcElementQuantity)) {
    for (auto qId : pset.refs("Quantities")) {
      Instance q;
      if (!q.load(f, qId)) continue;
      const std::string key = setName + "." + q.text("Name").value_or(instanceName(qId));
      const auto& r = q.record();
      if (f.isA(r, names::IfcQuantityLength)) {
        if (auto v = q.real("LengthValue")) out.emplace_back(key, *v * u.lengthToMeters);
      } else if (f.isA(r, names::IfcQuantityArea)) {
        if (auto v = q.real("AreaValue")) out.emplace_back(key, *v * u.areaToSquareMeters);
      } else if (f.isA(r, names::IfcQuantityVolume)) {
        if (auto v = q.real("VolumeValue")) out.emplace_back(key, *v * u.volumeToCubicMeters);
      } else if (f.isA(r, names::IfcQuantityCount)) {
        if (auto v = q.real("CountValue")) out.emplace_back(key, *v);
      } else if (f.isA(r, names::IfcQuantityWeight)) {
        if (auto v = q.real("WeightValue")) out.emplace_back(key, *v);
      } else if (f.isA(r, names::IfcQuantityTime)) {
        if (auto v = q.real("TimeValue")) out.emplace_back(key, *v);
      }
    }
  }
}

// Property sets are shared between many elements (type sets by all occurrences; exporters deduplicate): each
// worker decodes one once and copies the result. The cache is cleared when large, so memory stays bounded.
class PropertySetCache {
 public:
  const PropertyList& get(const IfcFile& f, std::uint64_t psetId, const Units& u) {
    if (auto it = sets_.find(psetId); it != sets_.end()) return it->second;
    if (sets_.size() >= 20000) sets_.clear();
    auto& list = sets_[psetId];
    readPropertySet(f, psetId, u, list);
    return list;
  }

 private:
  std::unordered_map<std::uint64_t, PropertyList> sets_;
};

// Relationship maps built in one pass over the relationship instances.
struct Relations {
  std::unordered_map<std::uint64_t, std::uint64_t> containedIn;  // element -> spatial structure element
  std::unordered_map<std::uint64_t, std::uint64_t> partOf;       // part -> whole (IfcRelAggregates, nests)
  std::unordered_map<std::uint64_t, std::vector<std::uint64_t>> propertySets;  // object -> psets
  std::unordered_map<std::uint64_t, std::uint64_t> typeOf;       // object -> type object
  std::unordered_map<std::uint64_t, std::vector<std::uint64_t>> openings;      // host -> opening elements
  std::unordered_set<std::uint64_t> voiding;                                   // openings that void some host
};

Relations readRelations(const IfcFile& f) {
  Relations rel;
  Instance r;
  for (const auto* rec : f.instancesOf(names::IfcRelContainedInSpatialStructure))
    if (r.load(f, *rec))
      if (auto s = r.ref("RelatingStructure"))
        for (auto e : r.refs("RelatedElements")) rel.containedIn.emplace(e, *s);
  for (const auto* rec : f.instancesOf(names::IfcRelAggregates))
    if (r.load(f, *rec))
      if (auto whole = r.ref("RelatingObject"))
        for (auto part : r.refs("RelatedObjects")) rel.partOf.emplace(part, *whole);
  for (const auto* rec : f.instancesOf(names::IfcRelDefinesByProperties))
    if (r.load(f, *rec)) {
      const auto defs = r.refs("RelatingPropertyDefinition");
      for (auto o : r.refs("RelatedObjects")) {
        auto& v = rel.propertySets[o];
        v.insert(v.end(), defs.begin(), defs.end());
      }
    }
  for (const auto* rec : f.instancesOf(names::IfcRelDefinesByType))
    if (r.load(f, *rec))
      if (auto t = r.ref("RelatingType"))
        for (auto o : r.refs("RelatedObjects")) rel.typeOf.emplace(o, *t);
  for (const auto* rec : f.instancesOf(names::IfcRelVoidsElement))
    if (r.load(f, *rec))
      if (auto host = r.ref("RelatingBuildingElement"))
        if (auto opening = r.ref("RelatedOpeningElement")) {
          rel.openings[*host].push_back(*opening);
          // Only a host this schema knows can be cut; an opening of an unknown host is shown on its own.
          if (const auto* h = f.find(*host); h && f.entity(*h)) rel.voiding.insert(*opening);
        }
  return rel;
}

// Name of the storey (or other spatial structure element) an element sits in, following aggregation upwards.
std::string storeyOf(const IfcFile& f, const Relations& rel, std::uint64_t id) {
  std::uint64_t current = id;
  for (int guard = 0; guard < 32; ++guard) {
    std::uint64_t next = 0;
    if (auto c = rel.containedIn.find(current); c != rel.containedIn.end()) next = c->second;
    else if (auto p = rel.partOf.find(current); p != rel.partOf.end()) next = p->second;
    if (!next) return {};
    const auto* r = f.find(next);
    if (r && f.isA(*r, names::IfcBuildingStorey)) {
      Instance s;
      if (s.load(f, *r)) return s.text("Name").value_or(instanceName(next));
      return {};
    }
    current = next;
  }
  return {};
}

// Default colours by class when the file gives none (a light palette that reads well in a viewer).
model::Color defaultColor(const IfcFile& f, const EntityRecord& r) {
  auto is = [&](std::string_view t) { return f.isA(r, t); };
  if (is(names::IfcWindow)) return {0.55f, 0.75f, 0.9f, 0.5f};
  if (is(names::IfcDoor)) return {0.6f, 0.45f, 0.3f, 1.0f};
  if (is(names::IfcSlab) || is(names::IfcRoof)) return {0.7f, 0.7f, 0.68f, 1.0f};
  if (is(names::IfcSpace)) return {0.6f, 0.8f, 0.6f, 0.25f};
  if (is(names::IfcFlowSegment) || is(names::IfcFlowFitting) || is(names::IfcPipeSegment)) return {0.2f, 0.6f, 0.9f, 1.0f};
  if (is(names::IfcSite)) return {0.55f, 0.65f, 0.45f, 1.0f};
  return {0.85f, 0.83f, 0.8f, 1.0f};
}

// Cuts the host's meshes (world frame) by its openings (IfcRelVoidsElement), each opening's body placed by its own
// ObjectPlacement. A host mesh that does not bound a volume, or an opening that cannot be subtracted, stays uncut and
// is counted.
void cutOpenings(Context& ctx, const std::vector<std::uint64_t>& openings,
                 const std::unordered_map<std::uint64_t, model::Color>& colors, ShapeStats& stats, std::vector<TriMesh>& host,
                 std::size_t& cut, std::size_t& notCut, std::uint64_t hostId) {
  std::vector<geometry::SolidMesh> cutters;  // one per representation item: items may touch or overlap each other
  for (auto id : openings) {
    Instance o;
    if (!o.load(ctx.file, id)) {
      ++notCut;
      continue;
    }
    auto rep = o.ref("Representation");
    Eigen::Affine3d placement = Eigen::Affine3d::Identity();
    if (auto pl = o.ref("ObjectPlacement")) placement = objectPlacement(ctx, *pl);
    const std::size_t before = cutters.size();
    if (rep)
      for (const auto& m : productShapes(ctx, *rep, colors, stats)) {
        geometry::SolidMesh cutter;
        for (const auto& q : m.positions) cutter.positions.push_back(placement * q);
        cutter.triangles = m.triangles;
        // Exporters repeat identical bodies (ArchiCAD writes an opening's box twice). Subtracting a body again from
        // the hole it made is all coplanar faces, which exact corefinement takes minutes over: skip duplicates.
        const bool duplicate = std::any_of(cutters.begin(), cutters.end(), [&](const geometry::SolidMesh& c) {
          return c.positions == cutter.positions && c.triangles == cutter.triangles;
        });
        if (!cutter.triangles.empty() && !duplicate) cutters.push_back(std::move(cutter));
      }
    if (cutters.size() == before) {
      ++notCut;
      ctx.report(Severity::Warning, ErrorCode::InvalidElement, id, "opening has no body geometry; not cut");
    }
  }
  if (cutters.empty()) return;
  std::size_t worst = 0;
  std::string why;
  bool anyHost = false;
  // Grown by 1e-4 of its size about its centre for corefinement: an opening flush with a wall face, or two bodies of
  // one opening sharing a cap, would otherwise give coincident faces, which corefinement handles very slowly (minutes
  // for the round windows of AC20-FZK-Haus). 0.1 mm on a 1 m window does not show. Box cuts need no such help.
  auto grown = [](geometry::SolidMesh c) {
    Eigen::Vector3d centre = Eigen::Vector3d::Zero();
    for (const auto& q : c.positions) centre += q;
    if (!c.positions.empty()) centre /= static_cast<double>(c.positions.size());
    for (auto& q : c.positions) q = centre + (q - centre) * (1.0 + 1e-4);
    return c;
  };
  for (auto& m : host) {
    std::size_t skipped = 0;
    geometry::SolidMesh solid{m.positions, m.triangles};
    std::vector<geometry::SolidMesh> rest;
    // Box cutters aligned with a box-shaped wall first (exact, fast, byte-stable); corefinement for whatever is left.
    if (auto fast = geometry::subtractAlignedBoxes(solid, cutters); fast.applied) {
      stats.openingsBoxCut += fast.handled;
      solid = std::move(fast.mesh);
      for (auto i : fast.rest) rest.push_back(grown(cutters[i]));
    } else {
      for (const auto& c : cutters) rest.push_back(grown(c));
    }
    auto r = rest.empty() ? geometry::BooleanResult{true, {}, std::move(solid)} : geometry::subtractAll(solid, rest, skipped);
    if (!r.ok) {  // this host piece does not bound a volume (e.g. a surface model): other pieces may
      why = r.error;
      continue;
    }
    anyHost = true;
    if (skipped > worst) {
      worst = skipped;
      why = r.error;
    }
    m.positions = std::move(r.mesh.positions);
    m.triangles = std::move(r.mesh.triangles);
  }
  const std::size_t failed = anyHost ? std::min(worst, openings.size()) : openings.size();
  cut += openings.size() - failed;
  notCut += failed;
  if (failed > 0)
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, hostId,
               std::to_string(failed) + " opening(s) not cut: " + why);
  host.erase(std::remove_if(host.begin(), host.end(), [](const TriMesh& m) { return m.triangles.empty(); }), host.end());
}

}  // namespace

bool isIfcFile(const std::filesystem::path& path) { return detail::lowerExtension(path) == ".ifc"; }

Result<IfcReadResult> readIfc(const std::filesystem::path& path, const IfcOptions& options, const ProgressFn& progress) {
  auto subIndex = [&](std::string_view stage, double f) { return reportProgress(progress, stage, 0.2 * f); };
  auto opened = IfcFile::open(path, progress ? ProgressFn(subIndex) : ProgressFn());
  if (!opened.ok()) return Result<IfcReadResult>::failureFrom(opened);
  std::vector<Diagnostic> diags = opened.takeDiagnostics();
  const IfcFile& file = opened.value();

  IfcReadResult out;
  out.schema = file.step().header().schemas.empty() ? "" : file.step().header().schemas.front();
  out.application = file.step().header().originatingSystem;
  out.entityCount = file.step().entityCount();
  const Units units = readUnits(file, diags);
  out.lengthUnitToMeters = units.lengthToMeters;
  out.lengthUnit = units.lengthName;
  if (!(options.chordToleranceMeters > 0))
    return Result<IfcReadResult>::failure(
        Diagnostic::error(ErrorCode::InvalidArgument, "chord tolerance must be positive", file.path()));
  Context ctx(file, units, options.chordToleranceMeters);
  const auto colors = readItemColors(file);
  const Relations rel = readRelations(file);
  const std::string layer = path.filename().string();
  out.scene.layer(layer);

  const auto products = file.instancesOf(names::IfcProduct);
  // The index pass has read the whole file; the geometry pass reads it again in pieces. Keeping it all resident would
  // make peak memory grow with the file, so the mapping is dropped from the resident set now and then (the pages stay
  // in the page cache; re-reading one is a minor fault).
  file.step().releaseResident();
  // One slot per product, filled by the workers in any order and read back in file order: the scene is the same
  // whatever the number of threads.
  struct Product {
    std::string cls;  // empty: could not be read
    std::optional<model::Element> element;
    std::size_t openingsCut = 0, openingsNotCut = 0;
    bool nothingDrawn = false;  // has a representation, but no body geometry came of it
  };
  std::vector<Product> results(products.size());
  std::atomic<std::size_t> next{0};
  std::atomic<bool> cancelled{false};
  std::mutex statsMutex;
  ShapeStats stats;

  auto buildProduct = [&](const EntityRecord& rec, Instance& p, ShapeStats& localStats, PropertySetCache& psets,
                          Product& slot) {
    if (!p.load(file, rec)) {
      ctx.report(Severity::Warning, ErrorCode::InvalidElement, rec.id, "product cannot be read: " + p.error());
      return;
    }
    slot.cls = p.entity().name;
    // Openings and other subtraction features that void a host are cut from it, not shown; one that voids nothing
    // (an IfcEarthworksCut standing alone, say) is an object of its own and drawn.
    if (file.isA(rec, names::IfcFeatureElementSubtraction) && rel.voiding.count(rec.id) && !options.includeOpenings) return;
    auto repId = p.ref("Representation");
    if (!repId) return;

    model::Element e;
    // Text with a malformed escape is kept as decoded as it can be, and reported.
    auto text = [&](const char* name) {
      std::string error;
      auto v = p.text(name, &error);
      if (!error.empty())
        ctx.report(Severity::Warning, ErrorCode::InvalidElement, rec.id,
                   std::string(name) + " has a malformed escape (" + error + "); kept as far as it could be decoded");
      return v;
    };
    e.guid = text("GlobalId").value_or("");
    e.kind = slot.cls;
    e.name = text("Name").value_or("");
    if (auto v = text("ObjectType")) e.attributes["ObjectType"] = *v;
    if (auto v = text("Tag")) e.attributes["Tag"] = *v;
    if (auto v = p.enumeration("PredefinedType")) e.attributes["PredefinedType"] = std::string(*v);
    e.attributes["IfcId"] = static_cast<std::int64_t>(rec.id);
    const std::string storey = storeyOf(file, rel, rec.id);
    if (!storey.empty()) e.attributes["Storey"] = storey;
    // Type properties first, then the occurrence's own (which override).
    if (auto t = rel.typeOf.find(rec.id); t != rel.typeOf.end()) {
      Instance type;
      if (type.load(file, t->second)) {
        if (auto tn = type.text("Name")) e.attributes["TypeName"] = *tn;
        for (auto ps : type.refs("HasPropertySets"))
          for (const auto& [k, v] : psets.get(file, ps, units)) e.attributes[k] = v;
      }
    }
    if (auto ps = rel.propertySets.find(rec.id); ps != rel.propertySets.end())
      for (auto id : ps->second)
        for (const auto& [k, v] : psets.get(file, id, units)) e.attributes[k] = v;

    Eigen::Affine3d placement = Eigen::Affine3d::Identity();
    if (auto pl = p.ref("ObjectPlacement")) placement = objectPlacement(ctx, *pl);
    bool axisOnly = false;
    std::vector<TriMesh> meshes = productShapes(ctx, *repId, colors, localStats, &axisOnly);
    if (axisOnly)
      e.attributes["Geometry"] = "axis curve only, drawn as a tube of radius 0.1 m";
    for (auto& m : meshes)
      for (auto& q : m.positions) q = placement * q;
    if (auto o = rel.openings.find(rec.id); o != rel.openings.end() && options.cutOpenings)
      cutOpenings(ctx, o->second, colors, localStats, meshes, slot.openingsCut, slot.openingsNotCut, rec.id);
    const model::Color fallback = defaultColor(file, rec);
    for (const auto& m : meshes) {
      geometry::Mesh mesh;
      // The origin sits at the centre of the mesh's own bounds, not at its placement: geometry written in absolute
      // map coordinates under an identity placement (Georeferencing-Earthworks-12d-1) would otherwise be stored as
      // floats around 7.4e6 m, half a metre apart.
      geometry::Aabb bounds;
      for (const auto& w : m.positions) bounds.extend(w);
      mesh.origin = bounds.empty() ? placement.translation() : bounds.center();
      mesh.positions.reserve(m.positions.size());
      // Checked after the cast too: a coordinate beyond float range (an absurd dimension that got through) would
      // become infinite there.
      bool finite = mesh.origin.allFinite();
      for (const auto& w : m.positions) {
        finite &= w.allFinite();
        mesh.positions.emplace_back((w - mesh.origin).cast<float>());
        finite &= mesh.positions.back().allFinite();
      }
      if (!finite) {
        ctx.report(Severity::Warning, ErrorCode::InvalidElement, rec.id,
                   "geometry has non-finite or out-of-range coordinates; skipped");
        continue;
      }
      mesh.indices.reserve(m.triangles.size() * 3);
      for (const auto& t : m.triangles) mesh.indices.insert(mesh.indices.end(), {t[0], t[1], t[2]});
      // No normals here: exporters compute them when they write (glTF does), and a large model would carry another
      // 12 bytes per vertex until then (30 MB on the 114 MB benchmark file).
      model::Material mat;
      mat.color = m.color.value_or(fallback);
      mat.name = m.color ? "ifc style" : slot.cls;
      e.shapes.push_back({std::move(mesh), mat});
    }
    e.attributes.shrink_to_fit();
    if (!e.shapes.empty()) slot.element = std::move(e);
    else slot.nothingDrawn = true;
  };
  // Every thread takes the next product until none are left. Only the calling thread reports progress (callers
  // expect that), and it asks to stop for everyone.
  auto work = [&](bool reports) {
    Instance p;
    ShapeStats local;
    PropertySetCache psets;
    for (std::size_t i; !cancelled && (i = next++) < products.size();) {
      buildProduct(*products[i], p, local, psets, results[i]);
      if (reports && i % 1024 == 1023) file.step().releaseResident();
      if (reports && i % 128 == 0 &&
          !reportProgress(progress, "geometry", 0.2 + 0.8 * std::min(next.load(), products.size()) / products.size()))
        cancelled = true;
    }
    std::lock_guard lock(statsMutex);
    stats.booleansEvaluated += local.booleansEvaluated;
    stats.booleanOperandsKept += local.booleanOperandsKept;
    stats.openingsBoxCut += local.openingsBoxCut;
  };
  const unsigned threads = std::clamp(options.threads ? options.threads : std::thread::hardware_concurrency(), 1u, 64u);
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads && products.size() > 64; ++t) pool.emplace_back(work, false);
  work(true);
  for (auto& t : pool) t.join();
  if (cancelled)
    return Result<IfcReadResult>::failure(Diagnostic::error(ErrorCode::Cancelled, "cancelled", file.path()),
                                          ctx.takeDiagnostics());
  std::map<std::string, std::size_t> undrawn;
  for (auto& r : results) {
    if (r.cls.empty()) continue;
    ++out.productsByClass[r.cls];
    if (r.nothingDrawn) ++undrawn[r.cls];
    out.openingsCut += r.openingsCut;
    out.openingsNotCut += r.openingsNotCut;
    if (!r.element) continue;
    ++out.productsWithGeometry;
    out.scene.addElement(layer, std::move(*r.element));
  }
  if (!undrawn.empty()) {
    std::size_t n = 0;
    std::string list;
    for (const auto& [cls, count] : undrawn) {
      n += count;
      list += (list.empty() ? "" : ", ") + cls + " " + std::to_string(count);
    }
    diags.push_back(Diagnostic::info(ErrorCode::InvalidElement,
                                     std::to_string(n) + " product(s) with a representation but no body geometry (" +
                                         list + "): plan axes, footprints, boxes or items reported above",
                                     file.path()));
  }
  out.booleanOperandsKept = stats.booleanOperandsKept;
  out.openingBodiesBoxCut = stats.openingsBoxCut;
  if (auto g = readGeoreference(ctx)) {
    out.georeferenceSource = g->source;
    out.georeferenceCrs = g->crs;
    if (options.applyGeoreference) {
      auto crs = geo::Crs::fromUserInput(g->crs);
      if (crs.ok()) {
        model::transformScene(out.scene, g->toMap);
        out.scene.setCrs(std::move(crs).value());
      } else {
        ctx.report(Severity::Warning, ErrorCode::UnknownCrs, 0, crs.error()->message + "; the model stays local");
      }
    }
  }
  for (auto& d : ctx.takeDiagnostics()) diags.push_back(std::move(d));
  out.booleansEvaluated = stats.booleansEvaluated;
  if (stats.booleanOperandsKept > 0)
    diags.push_back(Diagnostic::warning(ErrorCode::InvalidElement,
                                        std::to_string(stats.booleanOperandsKept) +
                                            " boolean operation(s) could not be evaluated: their first operand is shown",
                                        file.path()));
  if (out.openingsNotCut > 0)
    diags.push_back(Diagnostic::warning(ErrorCode::InvalidElement,
                                        std::to_string(out.openingsNotCut) + " of " +
                                            std::to_string(out.openingsNotCut + out.openingsCut) +
                                            " opening(s) could not be cut from their hosts",
                                        file.path()));
  reportProgress(progress, "geometry", 1.0);
  return Result<IfcReadResult>::success(std::move(out), std::move(diags));
}

}  // namespace cim::io
