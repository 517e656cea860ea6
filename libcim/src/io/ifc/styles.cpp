#include "io/ifc/styles.h"

#include <algorithm>
#include <optional>

namespace cim::io::ifc {

namespace {

// The colour a style gives surfaces, following style assignments down to IfcSurfaceStyleShading; nullopt when none.
std::optional<model::Color> colourOfStyle(const IfcFile& f, std::uint64_t styleId, int depth) {
  if (depth > 6) return std::nullopt;
  Instance s;
  if (!s.load(f, styleId)) return std::nullopt;
  if (f.isA(s.record(), names::IfcSurfaceStyle) || f.isA(s.record(), names::IfcPresentationStyleAssignment)) {
    for (auto sub : s.refs("Styles"))
      if (auto c = colourOfStyle(f, sub, depth + 1)) return c;
    return std::nullopt;
  }
  if (f.isA(s.record(), names::IfcSurfaceStyleShading)) {
    auto colourId = s.ref("SurfaceColour");
    Instance c;
    if (!colourId || !c.load(f, *colourId)) return std::nullopt;
    model::Color col;
    col.r = static_cast<float>(std::clamp(c.real("Red").value_or(0.8), 0.0, 1.0));
    col.g = static_cast<float>(std::clamp(c.real("Green").value_or(0.8), 0.0, 1.0));
    col.b = static_cast<float>(std::clamp(c.real("Blue").value_or(0.8), 0.0, 1.0));
    // IFC4: Transparency on IfcSurfaceStyleShading; IFC2X3: on IfcSurfaceStyleRendering (a subtype).
    col.a = static_cast<float>(1.0 - std::clamp(s.real("Transparency").value_or(0.0), 0.0, 1.0));
    return col;
  }
  return std::nullopt;
}

}  // namespace

ItemColors readItemColors(const IfcFile& file) {
  ItemColors colors;
  ResidentBound bound(file.step());
  for (const auto& r : file.instancesOf(names::IfcStyledItem)) {
    Instance s;
    if (bound.at(r); !s.load(file, r)) continue;
    auto item = s.ref("Item");
    if (!item) continue;
    for (auto style : s.refs("Styles"))
      if (auto c = colourOfStyle(file, style, 0)) {
        colors.emplace(*item, *c);
        break;
      }
  }
  return colors;
}

}  // namespace cim::io::ifc
