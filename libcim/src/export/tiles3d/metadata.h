#pragma once
// Private: EXT_structural_metadata for one tile — a schema with one class "element" and a property table whose row i
// describes the element with feature id i in the tile's GLB.

#include <vector>

#include <tiny_gltf.h>

#include "cim/model/element.h"
#include "export/gltf/buffer_builder.h"

namespace cim::tiles3d::detail {

/// Names of the properties every element has, in the schema of every tile.
inline constexpr const char* kElementIdProperty = "elementId";  ///< UINT32 scene element id
inline constexpr const char* kGuidProperty = "guid";
inline constexpr const char* kClassProperty = "class";
inline constexpr const char* kNameProperty = "name";
inline constexpr const char* kStoreyProperty = "storey";  ///< the element's "Storey" attribute, "" when it has none

/// Absent values ("noData"): "" for strings, this for INT64, the lowest double for FLOAT64; booleans missing on some
/// elements of the tile become the enum "Boolean" {false, true, unknown} with noData "unknown".
inline constexpr std::int64_t kInt64NoData = -9007199254740991;  // -(2^53 - 1): exact in JSON

/// Adds the schema and property table 0 (row i = elements[i]) to model.extensions and the property values to the
/// buffer; adds EXT_structural_metadata to extensionsUsed.
void addPropertyTable(tinygltf::Model& model, cim::detail::BufferBuilder& buffers,
                      const std::vector<const model::Element*>& elements, const std::string& tableName);

}  // namespace cim::tiles3d::detail
