#include "io/ifc/shapes.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "io/ifc/axis_placement.h"
#include "io/ifc/brep.h"
#include "io/ifc/csg.h"
#include "io/ifc/curves.h"
#include "io/ifc/extrusions.h"
#include "io/ifc/sweeps.h"

namespace cim::io::ifc {

namespace {

// Representation identifiers of 2D and auxiliary representations, never a body.
constexpr std::string_view kAuxiliaryIdentifiers[] = {"Axis",      "FootPrint", "Box", "Annotation", "Profile",
                                                       "Reference", "Clearance", "CoG", "Surface"};
// Representation types of 3D solid or surface items.
constexpr std::string_view kSolidTypes[] = {"SweptSolid", "Brep", "SurfaceModel", "Tessellation", "MappedRepresentation",
                                            "CSG", "Clipping", "AdvancedSweptSolid", "AdvancedBrep", "SolidModel"};

// How well a shape representation serves as a product's body, lower is better: 0 "Body", 1 "Facetation"/"Mesh",
// 2 any other non-auxiliary identifier with 3D solid or surface items, 3 an "Axis" 3D curve (an alignment's gradient
// curve, drawn as a thin tube), 99 none of these.
int bodyRank(std::string_view ident, std::string_view type) {
  auto among = [](std::string_view s, const auto& list) { return std::find(std::begin(list), std::end(list), s) != std::end(list); };
  if (ident == "Body") return 0;
  if (ident == "Facetation" || ident == "Mesh") return 1;
  if (!among(ident, kAuxiliaryIdentifiers) && among(type, kSolidTypes)) return 2;
  if (ident == "Axis" && type == "Curve3D") return 3;
  return 99;
}

// Most representation items one product is expanded to, through mapped items and boolean operands.
constexpr std::size_t kMaxItemsPerProduct = 20000;

// Maps representation items to meshes, recursively through mapped items, CSG solids and boolean operands.
class ShapeBuilder {
 public:
  ShapeBuilder(Context& ctx, const ItemColors& colors, ShapeStats& stats) : ctx_(ctx), colors_(colors), stats_(stats) {}

  // Meshes of the items of shape representation `repId`, mapped by `t`.
  void representation(std::uint64_t repId, const Eigen::Affine3d& t, std::vector<TriMesh>& out, int depth,
                      std::optional<model::Color> color) {
    Instance rep;
    if (!rep.load(ctx_.file, repId)) return;
    for (auto itemId : rep.refs("Items")) item(itemId, t, out, depth + 1, color);
  }

  // Meshes of one representation item, mapped by `t` (the item's parent frame to the product's).
  void item(std::uint64_t id, const Eigen::Affine3d& t, std::vector<TriMesh>& out, int depth,
            std::optional<model::Color> inherited) {
    if (depth > 16) {
      ctx_.report(Severity::Warning, ErrorCode::InvalidElement, id, "representation nested too deeply");
      return;
    }
    // Mapped items can fan out at every level (a map of ten maps of ten maps ...): the items one product expands to
    // are bounded too, or a few kilobytes of file would take forever.
    if (++items_ > kMaxItemsPerProduct) {
      if (items_ == kMaxItemsPerProduct + 1)
        ctx_.report(Severity::Warning, ErrorCode::LimitExceeded, id,
                    "the product's representation expands to more than " + std::to_string(kMaxItemsPerProduct) +
                        " items (mapped items within mapped items); the rest is not drawn");
      return;
    }
    Instance it;
    if (!it.load(ctx_.file, id)) {
      ctx_.report(Severity::Warning, ErrorCode::InvalidElement, id, "representation item cannot be read: " + it.error());
      return;
    }
    std::optional<model::Color> color = inherited;
    if (auto c = colors_.find(id); c != colors_.end()) color = c->second;
    if (ctx_.file.isA(it.record(), names::IfcMappedItem)) return mappedItem(it, t, out, depth, color);
    if (ctx_.file.isA(it.record(), names::IfcCsgSolid)) {
      if (auto root = it.ref("TreeRootExpression")) item(*root, t, out, depth + 1, color);
      else ctx_.report(Severity::Warning, ErrorCode::InvalidElement, id, "IfcCsgSolid without TreeRootExpression");
      return;
    }
    auto m = familyMesh(it, depth, color);
    if (!m) return;
    if (m->empty()) {  // the reason, when known, is reported about the part that failed
      ctx_.report(Severity::Warning, ErrorCode::InvalidElement, id,
                  "representation item " + std::string(it.entity().name) + " gives no geometry");
      return;
    }
    m->color = color;
    out.push_back(transformed(*m, t));
  }

 private:
  // IfcMappedItem: the mapped representation placed by MappingTarget after MappingOrigin.
  void mappedItem(const Instance& it, const Eigen::Affine3d& t, std::vector<TriMesh>& out, int depth,
                  std::optional<model::Color> color) {
    const auto& f = ctx_.file;
    auto source = it.ref("MappingSource");
    Instance map;
    if (!source || !map.load(f, *source)) return;
    Eigen::Affine3d origin = Eigen::Affine3d::Identity();
    if (auto o = map.ref("MappingOrigin")) {
      // A dangling MappingOrigin (found by the ifc fuzz target: a null record was dereferenced) counts as identity.
      const auto rec = f.find(*o);
      if (!rec)
        ctx_.report(Severity::Warning, ErrorCode::InvalidElement, *source, "MappingOrigin " + instanceName(*o) +
                                                                               " does not exist; identity used");
      else
        origin = f.isA(*rec, names::IfcPlacement) ? axis2Placement(ctx_, *o) : transformationOperator(ctx_, *o);
    }
    Eigen::Affine3d target = Eigen::Affine3d::Identity();
    if (auto tg = it.ref("MappingTarget")) target = transformationOperator(ctx_, *tg);
    auto rep = map.ref("MappedRepresentation");
    if (!rep) return;
    const Eigen::Affine3d place = t * target * origin;
    if (color) {  // the occurrence colours the type's items: not shared
      representation(*rep, place, out, depth + 1, color);
      return;
    }
    // A type's booleans (a window's clipped frame, a wall type's clipping) are evaluated once per file and placed at
    // every occurrence; types without booleans are cheap to mesh again and not kept.
    if (auto hit = ctx_.mappedShapes.find(*rep)) {
      for (const auto& m : **hit) out.push_back(transformed(m, place));
      return;
    }
    const auto booleansBefore = stats_.booleansEvaluated + stats_.booleanOperandsKept;
    std::vector<TriMesh> local;
    representation(*rep, Eigen::Affine3d::Identity(), local, depth + 1, color);
    if (stats_.booleansEvaluated + stats_.booleanOperandsKept != booleansBefore)
      ctx_.mappedShapes.insert(*rep, std::make_shared<const std::vector<TriMesh>>(local));
    for (const auto& m : local) out.push_back(transformed(m, place));
  }

  // The item's own mesh in its parent frame, from its family. nullopt when there is nothing to add and nothing more
  // to say (reported, or a half-space, which only means something as a boolean operand).
  std::optional<TriMesh> familyMesh(const Instance& it, int depth, const std::optional<model::Color>& color) {
    const auto& f = ctx_.file;
    const auto& r = it.record();
    if (f.isA(r, names::IfcExtrudedAreaSolid)) return extrudedAreaSolid(ctx_, it);
    if (f.isA(r, names::IfcRevolvedAreaSolid)) return revolvedAreaSolid(ctx_, it);
    if (f.isA(r, names::IfcSweptDiskSolid)) return sweptDiskSolid(ctx_, it);
    if (f.isA(r, names::IfcSectionedSolidHorizontal)) return sectionedSolid(ctx_, it);
    if (f.isA(r, names::IfcFixedReferenceSweptAreaSolid) || f.isA(r, names::IfcDirectrixCurveSweptAreaSolid) ||
        f.isA(r, names::IfcSurfaceCurveSweptAreaSolid))
      return directrixSweep(ctx_, it);
    if (f.isA(r, names::IfcManifoldSolidBrep) || f.isA(r, names::IfcFaceBasedSurfaceModel) ||
        f.isA(r, names::IfcShellBasedSurfaceModel) || f.isA(r, names::IfcClosedShell) || f.isA(r, names::IfcOpenShell) ||
        f.isA(r, names::IfcConnectedFaceSet))
      return shellFaces(ctx_, it);
    if (f.isA(r, names::IfcTriangulatedFaceSet) || f.isA(r, names::IfcPolygonalFaceSet)) return faceSet(ctx_, it);
    if (f.isA(r, names::IfcBooleanResult))
      return booleanResult(ctx_, it, [&](std::uint64_t operandId) { return operand(operandId, depth, color); }, stats_);
    if (f.isA(r, names::IfcCsgPrimitive3D)) return csgPrimitive(ctx_, it);
    if (f.isA(r, names::IfcHalfSpaceSolid)) return std::nullopt;
    if (f.isA(r, names::IfcPoint) || f.isA(r, names::IfcCartesianPointList)) {  // a location marker, no extent
      ctx_.report(Severity::Info, ErrorCode::IfcItemNotRead, it.id(),
                  "representation item " + std::string(it.entity().name) + " is a point: it has no extent to draw");
      return std::nullopt;
    }
    ctx_.report(Severity::Warning, ErrorCode::IfcItemNotRead, it.id(),
                "representation item " + std::string(it.entity().name) + " is not supported yet");
    return std::nullopt;
  }

  // A boolean's operand (an item one level down), its meshes merged in the boolean's frame.
  TriMesh operand(std::uint64_t id, int depth, const std::optional<model::Color>& color) {
    std::vector<TriMesh> parts;
    item(id, Eigen::Affine3d::Identity(), parts, depth + 1, color);
    if (parts.size() == 1) return std::move(parts.front());  // keeps validByConstruction
    TriMesh merged;
    for (const auto& p : parts) merged.append(p, Eigen::Affine3d::Identity());
    return merged;
  }

  std::size_t items_ = 0;  // items expanded so far (kMaxItemsPerProduct)
  Context& ctx_;
  const ItemColors& colors_;
  ShapeStats& stats_;
};

// The representation of a product's shape to draw (see bodyRank) and its rank; 0 when there is none.
std::pair<std::uint64_t, int> chooseRepresentation(Context& ctx, const Instance& shape) {
  std::uint64_t chosen = 0;
  int bestRank = 99;
  for (auto repId : shape.refs("Representations")) {
    Instance rep;
    if (!rep.load(ctx.file, repId)) continue;
    const int rank = bodyRank(rep.text("RepresentationIdentifier").value_or(""), rep.text("RepresentationType").value_or(""));
    if (rank < bestRank) {
      bestRank = rank;
      chosen = repId;
    }
  }
  return {chosen, bestRank};
}

// Nothing but an axis (IfcAlignment, a road or rail centreline): its curves drawn as tubes of kAxisTubeRadius, so
// that triangle-only outputs (glTF, 3D Tiles) show where it runs.
std::vector<TriMesh> axisTubes(Context& ctx, std::uint64_t repId, const ItemColors& colors) {
  std::vector<TriMesh> out;
  Instance rep;
  if (!rep.load(ctx.file, repId)) return out;
  for (auto item : rep.refs("Items")) {
    auto pts = curvePoints(ctx, item);
    if (pts.size() < 2) continue;
    TriMesh m = sweepDisk(ctx, pts, kAxisTubeRadius, 0.0);
    if (auto c = colors.find(item); c != colors.end()) m.color = c->second;
    if (!m.empty()) out.push_back(std::move(m));
  }
  return out;
}

}  // namespace

std::vector<TriMesh> productShapes(Context& ctx, std::uint64_t representationId, const ItemColors& colors,
                                   ShapeStats& stats, bool* drawnAxis) {
  std::vector<TriMesh> out;
  if (drawnAxis) *drawnAxis = false;
  Instance shape;
  if (!shape.load(ctx.file, representationId)) {
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, representationId,
               "product representation cannot be read: " + shape.error());
    return out;
  }
  if (!ctx.file.isA(shape.record(), names::IfcProductRepresentation)) {
    ctx.report(Severity::Warning, ErrorCode::InvalidElement, representationId,
               "Representation is an " + std::string(shape.entity().name) + ", not an IfcProductRepresentation");
    return out;
  }
  const auto [chosen, rank] = chooseRepresentation(ctx, shape);
  if (!chosen) return out;
  if (rank >= 3) {  // the caller labels such elements
    out = axisTubes(ctx, chosen, colors);
    if (drawnAxis) *drawnAxis = !out.empty();
    return out;
  }
  ShapeBuilder builder(ctx, colors, stats);
  builder.representation(chosen, Eigen::Affine3d::Identity(), out, 0, std::nullopt);
  return out;
}

}  // namespace cim::io::ifc
