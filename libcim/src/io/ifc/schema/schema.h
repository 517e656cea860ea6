#pragma once
// IFC schema tables (IFC2X3, IFC4, IFC4X3_ADD2), generated from the official EXPRESS by generate_schema.py:
// entity inheritance, explicit attributes in STEP order, defined types, SELECTs and enumerations.

#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <string_view>
#include <vector>

namespace cim::io::ifc::schema {

/// What an attribute's value is in a STEP file (after following defined types).
enum class AttrKind : std::uint8_t { Entity, Select, Enum, Integer, Real, Number, Boolean, Logical, String, Binary, Unknown };

struct AttributeDef {
  const char* name;
  const char* typeName;        ///< as written in EXPRESS, e.g. "IfcLengthMeasure", "IfcClosedShell"
  AttrKind kind;
  std::uint8_t aggregateDepth; ///< 0 scalar, 1 LIST/SET OF, 2 LIST OF LIST OF ...
  bool optional;
};

struct EntityDef {
  const char* upperName;       ///< "IFCWALL": how STEP files spell it
  const char* name;            ///< "IfcWall"
  std::int16_t parent;         ///< index into the schema's entities, -1 for a root
  bool abstract;
  std::uint16_t firstAttribute;  ///< own explicit attributes: attributes()[firstAttribute, +ownAttributes)
  std::uint16_t ownAttributes;
};

struct TypeDef {
  const char* upperName;
  const char* name;
  AttrKind kind;               ///< Select, Enum, or the underlying kind of a defined type
  std::uint8_t aggregateDepth;
  const char* detail;          ///< SELECT members or ENUMERATION values, comma separated; underlying type otherwise
};

enum class SchemaId : std::uint8_t { Ifc2x3, Ifc4, Ifc4x3 };

class Schema {
 public:
  SchemaId id() const { return id_; }
  std::string_view name() const { return name_; }
  std::span<const EntityDef> entities() const { return entities_; }

  /// Entity by its upper-case STEP name ("IFCWALL"), or nullptr.
  const EntityDef* entity(std::string_view upperName) const;
  /// All explicit attributes of an entity in STEP order: inherited ones first.
  const std::vector<const AttributeDef*>& attributes(const EntityDef& e) const;
  /// Position of attribute `name` in attributes(e), or -1. Hot: called for every attribute read by name.
  int attributeIndex(const EntityDef& e, std::string_view name) const;
  /// True when `e` is `ancestor` or a subtype of it.
  bool isSubtypeOf(const EntityDef& e, const EntityDef& ancestor) const;
  bool isSubtypeOf(const EntityDef& e, std::string_view upperAncestor) const;
  /// Defined type, SELECT or ENUMERATION by upper-case name, or nullptr.
  const TypeDef* type(std::string_view upperName) const;

 private:
  friend const Schema& schemaFor(SchemaId id);
  Schema(SchemaId id, std::string_view name, std::span<const EntityDef> entities, std::span<const AttributeDef> attributes,
         std::span<const TypeDef> types);
  SchemaId id_;
  std::string_view name_;
  std::span<const EntityDef> entities_;
  std::span<const AttributeDef> attributes_;
  std::span<const TypeDef> types_;
  std::vector<std::vector<const AttributeDef*>> flattened_;  // per entity, built once
  std::vector<std::vector<std::string_view>> flattenedNames_;  // the same, names with their lengths known
  std::unordered_map<std::string_view, const EntityDef*> byName_;
};

/// The tables of one schema (built on first use; thread-safe).
const Schema& schemaFor(SchemaId id);

/// The schema to read a file with from its FILE_SCHEMA name: "IFC2X3" -> IFC2X3, "IFC4" -> IFC4,
/// "IFC4X3", "IFC4X3_ADD1/ADD2/TC1/RC..." -> IFC4X3_ADD2 (earlier 4.3 drafts read as the final one; `exact` tells).
/// nullptr for names that are no IFC schema.
const Schema* schemaForFile(std::string_view fileSchema, bool* exact = nullptr);

}  // namespace cim::io::ifc::schema
