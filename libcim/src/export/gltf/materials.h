#pragma once
// Private: glTF materials of a model, one per distinct libcim material (export/gltf, tiles3d).

#include <map>
#include <string>
#include <tuple>

#include <tiny_gltf.h>

#include "cim/model/element.h"

namespace cim::detail {

// Adds each distinct material (name + colour) to the model once and gives its index.
class MaterialTable {
 public:
  explicit MaterialTable(tinygltf::Model& model) : model_(model) {}

  int index(const model::Material& m) {
    const auto key = std::make_tuple(m.name, m.color.r, m.color.g, m.color.b, m.color.a);
    if (auto it = index_.find(key); it != index_.end()) return it->second;
    tinygltf::Material gm;
    gm.name = m.name.empty() ? "material " + std::to_string(model_.materials.size()) : m.name;
    gm.pbrMetallicRoughness.baseColorFactor = {m.color.r, m.color.g, m.color.b, m.color.a};
    gm.pbrMetallicRoughness.metallicFactor = 0.0;
    gm.pbrMetallicRoughness.roughnessFactor = 0.9;
    gm.doubleSided = true;  // BIM and survey surfaces are often open or inconsistently oriented
    if (m.color.a < 1.0f) gm.alphaMode = "BLEND";
    model_.materials.push_back(std::move(gm));
    const int i = static_cast<int>(model_.materials.size() - 1);
    index_.emplace(key, i);
    return i;
  }

 private:
  tinygltf::Model& model_;
  std::map<std::tuple<std::string, float, float, float, float>, int> index_;
};

}  // namespace cim::detail
