#include "io/ifc/product.h"

#include <string_view>
#include <utility>
#include <vector>

#include "cim/geometry/mesh.h"
#include "io/ifc/object_placement.h"
#include "io/ifc/openings.h"
#include "io/ifc/shapes.h"

namespace cim::io::ifc {

namespace {

// Default colours by class when the file gives none (a light palette that reads well in a viewer); the first class
// the product is an instance of wins.
constexpr std::pair<std::string_view, model::Color> kClassColors[] = {
    {names::IfcWindow, {0.55f, 0.75f, 0.9f, 0.5f}},      {names::IfcDoor, {0.6f, 0.45f, 0.3f, 1.0f}},
    {names::IfcSlab, {0.7f, 0.7f, 0.68f, 1.0f}},         {names::IfcRoof, {0.7f, 0.7f, 0.68f, 1.0f}},
    {names::IfcSpace, {0.6f, 0.8f, 0.6f, 0.25f}},        {names::IfcFlowSegment, {0.2f, 0.6f, 0.9f, 1.0f}},
    {names::IfcFlowFitting, {0.2f, 0.6f, 0.9f, 1.0f}},   {names::IfcPipeSegment, {0.2f, 0.6f, 0.9f, 1.0f}},
    {names::IfcSite, {0.55f, 0.65f, 0.45f, 1.0f}}};
constexpr model::Color kOtherColor{0.85f, 0.83f, 0.8f, 1.0f};

model::Color defaultColor(const IfcFile& f, const EntityRecord& r) {
  for (const auto& [cls, color] : kClassColors)
    if (f.isA(r, cls)) return color;
  return kOtherColor;
}

// The element's identity, attributes and properties (type properties first, then the occurrence's own, which override).
void addAttributes(const ProductMapping& m, const Instance& p, PropertySetCache& psets, model::Element& e) {
  const IfcFile& file = m.ctx.file;
  const std::uint64_t id = p.id();
  // Text with a malformed escape is kept as decoded as it can be, and reported.
  auto text = [&](const char* name) {
    std::string error;
    auto v = p.text(name, &error);
    if (!error.empty())
      m.ctx.report(Severity::Warning, ErrorCode::InvalidElement, id,
                   std::string(name) + " has a malformed escape (" + error + "); kept as far as it could be decoded");
    return v;
  };
  e.guid = text("GlobalId").value_or("");
  e.name = text("Name").value_or("");
  if (auto v = text("ObjectType")) e.attributes["ObjectType"] = *v;
  if (auto v = text("Tag")) e.attributes["Tag"] = *v;
  if (auto v = p.enumeration("PredefinedType")) e.attributes["PredefinedType"] = std::string(*v);
  e.attributes["IfcId"] = static_cast<std::int64_t>(id);
  const std::string storey = storeyOf(file, m.rel, id);
  if (!storey.empty()) e.attributes["Storey"] = storey;
  if (auto c = m.rel.connectedTo.find(id); c != m.rel.connectedTo.end()) e.connectedTo = c->second;
  if (auto t = m.rel.typeOf.find(id); t != m.rel.typeOf.end()) {
    Instance type;
    if (type.load(file, t->second)) {
      if (auto tn = type.text("Name")) e.attributes["TypeName"] = *tn;
      for (auto ps : type.refs("HasPropertySets"))
        for (const auto& [k, v] : psets.get(file, ps, m.ctx.units)) e.attributes[k] = v;
    }
  }
  if (auto ps = m.rel.propertySets.find(id); ps != m.rel.propertySets.end())
    for (auto set : ps->second)
      for (const auto& [k, v] : psets.get(file, set, m.ctx.units)) e.attributes[k] = v;
}

// A world-frame mesh as a scene mesh: float positions about the centre of its own bounds (not about its placement:
// geometry written in absolute map coordinates under an identity placement, Georeferencing-Earthworks-12d-1, would
// otherwise be stored as floats around 7.4e6 m, half a metre apart). nullopt when a coordinate is not finite, before
// or after the cast (a coordinate beyond float range, an absurd dimension that got through, becomes infinite there).
// No normals: exporters compute them when they write (glTF does), and a large model would carry another 12 bytes per
// vertex until then (30 MB on the 114 MB benchmark file).
std::optional<geometry::Mesh> sceneMesh(const TriMesh& m, const Eigen::Vector3d& placementOrigin) {
  geometry::Mesh mesh;
  geometry::Aabb bounds;
  for (const auto& w : m.positions) bounds.extend(w);
  mesh.origin = bounds.empty() ? placementOrigin : bounds.center();
  mesh.positions.reserve(m.positions.size());
  bool finite = mesh.origin.allFinite();
  for (const auto& w : m.positions) {
    finite &= w.allFinite();
    mesh.positions.emplace_back((w - mesh.origin).cast<float>());
    finite &= mesh.positions.back().allFinite();
  }
  if (!finite) return std::nullopt;
  mesh.indices.reserve(m.triangles.size() * 3);
  for (const auto& t : m.triangles) mesh.indices.insert(mesh.indices.end(), {t[0], t[1], t[2]});
  return mesh;
}

// The product as booleans and openings that fail on it name it: class, name and GlobalId.
std::string productLabel(const std::string& cls, const model::Element& e) {
  std::string label = cls;
  if (!e.name.empty()) label += " '" + e.name + "'";
  label += " (GlobalId " + (e.guid.empty() ? std::string("none") : e.guid) + ")";
  return label;
}

// The product's body meshes in the engineering frame, cut by its openings (counted in `out`).
std::vector<TriMesh> worldMeshes(const ProductMapping& m, const Instance& p, std::uint64_t repId, ProductWorker& worker,
                                 ProductResult& out, bool& axisOnly, Eigen::Affine3d& placement) {
  placement = Eigen::Affine3d::Identity();
  if (auto pl = p.ref("ObjectPlacement")) placement = objectPlacement(m.ctx, *pl);
  std::vector<TriMesh> meshes = productShapes(m.ctx, repId, m.colors, worker.stats, &axisOnly);
  for (auto& mesh : meshes)
    for (auto& q : mesh.positions) q = placement * q;
  if (auto o = m.rel.openings.find(p.id()); o != m.rel.openings.end() && m.options.cutOpenings) {
    const auto counts = cutOpenings(m.ctx, p.id(), o->second, m.colors, worker.stats, meshes);
    out.openingsCut = counts.cut;
    out.openingsNotCut = counts.notCut;
  }
  return meshes;
}

}  // namespace

ProductResult mapProduct(const ProductMapping& m, const EntityRecord& rec, ProductWorker& worker) {
  ProductResult out;
  const IfcFile& file = m.ctx.file;
  Instance& p = worker.instance;
  if (!p.load(file, rec)) {
    m.ctx.report(Severity::Warning, ErrorCode::InvalidElement, rec.id, "product cannot be read: " + p.error());
    return out;
  }
  out.cls = p.entity().name;
  // Openings and other subtraction features that void a host are cut from it, not shown; one that voids nothing
  // (an IfcEarthworksCut standing alone, say) is an object of its own and drawn.
  if (file.isA(rec, names::IfcFeatureElementSubtraction) && m.rel.voiding.count(rec.id) && !m.options.includeOpenings)
    return out;
  auto repId = p.ref("Representation");
  if (!repId) return out;
  model::Element e;
  e.kind = out.cls;
  addAttributes(m, p, worker.psets, e);
  bool axisOnly = false;
  Eigen::Affine3d placement;
  worker.stats.product = productLabel(out.cls, e);
  const std::vector<TriMesh> meshes = worldMeshes(m, p, *repId, worker, out, axisOnly, placement);
  worker.stats.product.clear();
  if (axisOnly) e.attributes["Geometry"] = "axis curve only, drawn as a tube of radius 0.1 m";
  const model::Color fallback = defaultColor(file, rec);
  for (const auto& mesh : meshes) {
    auto scene = sceneMesh(mesh, placement.translation());
    if (!scene) {
      m.ctx.report(Severity::Warning, ErrorCode::InvalidElement, rec.id,
                   "geometry has non-finite or out-of-range coordinates; skipped");
      continue;
    }
    model::Material mat;
    mat.color = mesh.color.value_or(fallback);
    mat.name = mesh.color ? "ifc style" : out.cls;
    e.shapes.push_back({std::move(*scene), mat});
  }
  e.attributes.shrink_to_fit();
  if (!e.shapes.empty()) out.element = std::move(e);
  else out.nothingDrawn = true;
  return out;
}

}  // namespace cim::io::ifc
