#pragma once
// Presentation: the colours of representation items from IfcStyledItem (surface styles), read once per file.

#include <cstdint>
#include <unordered_map>

#include "cim/model/element.h"
#include "io/ifc/ifc_file.h"

namespace cim::io::ifc {

/// Colour of a representation item, by item id.
using ItemColors = std::unordered_map<std::uint64_t, model::Color>;

/// The first surface colour (IfcSurfaceStyleShading / Rendering, through IfcSurfaceStyle and
/// IfcPresentationStyleAssignment) of each styled item; items without one are absent.
ItemColors readItemColors(const IfcFile& file);

}  // namespace cim::io::ifc
