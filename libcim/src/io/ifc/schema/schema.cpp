#include "io/ifc/schema/schema.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "core/text.h"

namespace cim::io::ifc::schema {

namespace ifc2x3 {
#include "io/ifc/schema/generated/ifc2x3.inc"
}
namespace ifc4 {
#include "io/ifc/schema/generated/ifc4.inc"
}
namespace ifc4x3 {
#include "io/ifc/schema/generated/ifc4x3.inc"
}

Schema::Schema(SchemaId id, std::string_view name, std::span<const EntityDef> entities,
               std::span<const AttributeDef> attributes, std::span<const TypeDef> types)
    : id_(id), name_(name), entities_(entities), attributes_(attributes), types_(types) {
  flattened_.resize(entities_.size());
  flattenedNames_.resize(entities_.size());
  byName_.reserve(entities_.size());
  for (const auto& e : entities_) byName_.emplace(e.upperName, &e);
  for (std::size_t i = 0; i < entities_.size(); ++i) {
    std::vector<const EntityDef*> chain;
    for (const EntityDef* e = &entities_[i]; e; e = e->parent >= 0 ? &entities_[static_cast<std::size_t>(e->parent)] : nullptr)
      chain.push_back(e);
    auto& out = flattened_[i];
    for (auto it = chain.rbegin(); it != chain.rend(); ++it)
      for (std::uint16_t a = 0; a < (*it)->ownAttributes; ++a) out.push_back(&attributes_[(*it)->firstAttribute + a]);
    for (const auto* a : out) flattenedNames_[i].emplace_back(a->name);
  }
}

const EntityDef* Schema::entity(std::string_view upperName) const {
  auto it = byName_.find(upperName);
  return it == byName_.end() ? nullptr : it->second;
}

int Schema::attributeIndex(const EntityDef& e, std::string_view name) const {
  const auto& names = flattenedNames_[static_cast<std::size_t>(&e - entities_.data())];
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<int>(i);
  return -1;
}

const std::vector<const AttributeDef*>& Schema::attributes(const EntityDef& e) const {
  return flattened_[static_cast<std::size_t>(&e - entities_.data())];
}

bool Schema::isSubtypeOf(const EntityDef& e, const EntityDef& ancestor) const {
  for (const EntityDef* p = &e; p; p = p->parent >= 0 ? &entities_[static_cast<std::size_t>(p->parent)] : nullptr)
    if (p == &ancestor) return true;
  return false;
}

bool Schema::isSubtypeOf(const EntityDef& e, std::string_view upperAncestor) const {
  const EntityDef* a = entity(upperAncestor);
  return a && isSubtypeOf(e, *a);
}

const TypeDef* Schema::type(std::string_view upperName) const {
  auto it = std::lower_bound(types_.begin(), types_.end(), upperName,
                             [](const TypeDef& t, std::string_view n) { return std::string_view(t.upperName) < n; });
  return it != types_.end() && std::string_view(it->upperName) == upperName ? &*it : nullptr;
}

const Schema& schemaFor(SchemaId id) {
  // Function-local statics: built once, on first use, thread-safely.
  switch (id) {
    case SchemaId::Ifc2x3: {
      static const Schema s(id, "IFC2X3", ifc2x3::kEntities, ifc2x3::kAttributes, ifc2x3::kTypes);
      return s;
    }
    case SchemaId::Ifc4: {
      static const Schema s(id, "IFC4", ifc4::kEntities, ifc4::kAttributes, ifc4::kTypes);
      return s;
    }
    case SchemaId::Ifc4x3: break;
  }
  static const Schema s(SchemaId::Ifc4x3, "IFC4X3_ADD2", ifc4x3::kEntities, ifc4x3::kAttributes, ifc4x3::kTypes);
  return s;
}

const Schema* schemaForFile(std::string_view fileSchema, bool* exact) {
  std::string n = cim::detail::toUpper(fileSchema);
  // Strip an "{ 1 0 10303 ... }" object identifier some exporters append.
  if (auto brace = n.find('{'); brace != std::string::npos) n = n.substr(0, brace);
  while (!n.empty() && n.back() == ' ') n.pop_back();
  if (exact) *exact = true;
  if (n == "IFC2X3" || n.rfind("IFC2X3_", 0) == 0) return &schemaFor(SchemaId::Ifc2x3);
  if (n == "IFC4" || n.rfind("IFC4_", 0) == 0 || n == "IFC4X1" || n == "IFC4X2") {
    if (exact) *exact = n == "IFC4" || n.rfind("IFC4_ADD", 0) == 0;
    return &schemaFor(SchemaId::Ifc4);
  }
  if (n.rfind("IFC4X3", 0) == 0) {
    // From 4.3 on the identifier names the release: only IFC4X3_ADD2 is the final schema. A bare "IFC4X3" is what the
    // pre-release drafts wrote (Civil 3D 2023 still writes it with the RC layout of IfcMapConversion, 10 attributes),
    // so it is read by position like IFC4X3_RC3/RC4/ADD1, with the differing types reported.
    if (exact) *exact = n == "IFC4X3_ADD2";
    return &schemaFor(SchemaId::Ifc4x3);
  }
  return nullptr;
}

}  // namespace cim::io::ifc::schema
