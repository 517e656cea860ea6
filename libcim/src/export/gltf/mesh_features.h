#pragma once
// Private: the EXT_mesh_features object of a primitive (export/gltf, tiles3d).

#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

#include <tiny_gltf.h>

namespace cim::detail {

/// EXT_mesh_features of a primitive whose attribute _FEATURE_ID_0 holds `featureCount` distinct ids (one per vertex):
/// one feature id set, and `propertyTable` when its ids are rows of that EXT_structural_metadata property table.
inline tinygltf::Value meshFeaturesExtension(std::size_t featureCount, std::optional<int> propertyTable) {
  using tinygltf::Value;
  Value::Object fid;
  fid["featureCount"] = Value(static_cast<int>(featureCount));
  fid["attribute"] = Value(0);
  if (propertyTable) fid["propertyTable"] = Value(*propertyTable);
  Value::Object ext;
  ext["featureIds"] = Value(Value::Array{Value(std::move(fid))});
  return Value(std::move(ext));
}

/// The same for the ids themselves: featureCount is the number of distinct ids.
inline tinygltf::Value meshFeaturesExtension(const std::vector<std::uint32_t>& ids, std::optional<int> propertyTable) {
  std::vector<std::uint32_t> distinct = ids;
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  return meshFeaturesExtension(distinct.size(), propertyTable);
}

}  // namespace cim::detail
