#pragma once
// IfcFile: a STEP file read through its IFC schema — instances by type (with subtypes) and attributes by name.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>

#include "io/ifc/schema/generated/names.h"
#include "io/ifc/schema/schema.h"
#include "io/ifc/step/step_file.h"

namespace cim::io::ifc {

class IfcFile {
 public:
  /// Opens and indexes the file and picks its schema from FILE_SCHEMA. Fails for files that are not STEP or whose
  /// schema is no IFC; a pre-release schema name (IFC4X3_RC3) is read with the final tables and noted.
  static Result<IfcFile> open(const std::filesystem::path& path, const ProgressFn& progress = {});
  /// The same for bytes in memory (kept alive by the caller); `name` stands for the file in diagnostics.
  static Result<IfcFile> openBytes(std::string_view bytes, const std::string& name, const ProgressFn& progress = {});

  const StepFile& step() const { return step_; }
  const schema::Schema& schema() const { return *schema_; }
  bool schemaExact() const { return exact_; }
  const std::string& path() const { return step_.path(); }

  std::optional<EntityRecord> find(std::uint64_t id) const { return step_.find(id); }
  /// Schema entity of a record, nullptr for complex instances and types the schema does not know.
  const schema::EntityDef* entity(const EntityRecord& r) const {
    return r.type < byType_.size() ? byType_[r.type] : nullptr;
  }
  /// True when the record is of type `ancestor` or a subtype of it.
  bool isA(const EntityRecord& r, const schema::EntityDef* ancestor) const;
  /// `upperAncestor` as STEP spells it: names::IfcWall ("IFCWALL").
  bool isA(const EntityRecord& r, std::string_view upperAncestor) const;
  /// Records of `upperType` (names::IfcWall) and its subtypes, in file order.
  std::vector<EntityRecord> instancesOf(std::string_view upperType) const;
  /// Index of the attribute `name` of entity `e` (inherited ones count), or -1.
  static int attributeIndex(const schema::Schema& s, const schema::EntityDef& e, std::string_view name);

 private:
  static Result<IfcFile> withSchema(Result<StepFile> step);
  StepFile step_;
  const schema::Schema* schema_ = nullptr;
  bool exact_ = true;
  std::vector<const schema::EntityDef*> byType_;  // per StepFile type index
};

/// One decoded instance, with attribute access by schema name. Reuse an Instance across calls to avoid allocation.
class Instance {
 public:
  /// Decodes `r`; false (with `error()`) when its text is malformed, its type is unknown or its attribute count is
  /// not the schema's.
  bool load(const IfcFile& file, const EntityRecord& r);
  bool load(const IfcFile& file, std::uint64_t id);

  const EntityRecord& record() const { return record_; }
  const schema::EntityDef& entity() const { return *entity_; }
  std::uint64_t id() const { return record_.id; }
  const std::string& error() const { return error_; }
  const AttributeList& attributes() const { return attrs_; }

  /// The value of attribute `name`, or nullptr when the entity has no such attribute or the file gives fewer values.
  const Value* get(std::string_view name) const;
  std::optional<std::uint64_t> ref(std::string_view name) const;
  std::vector<std::uint64_t> refs(std::string_view name) const;  ///< a list of references (nested lists flattened)
  std::optional<double> real(std::string_view name) const;        ///< Integer or Real (also inside a typed value)
  std::optional<std::int64_t> integer(std::string_view name) const;
  /// Decoded UTF-8 string; a malformed escape is decoded as best it can be and, when `error` is given, described there.
  std::optional<std::string> text(std::string_view name, std::string* error = nullptr) const;
  std::optional<std::string_view> enumeration(std::string_view name) const;
  /// A list of numbers (e.g. Coordinates, DirectionRatios); empty when absent.
  std::vector<double> reals(std::string_view name) const;
  std::span<const Value> list(std::string_view name) const;
  std::span<const Value> children(const Value& v) const { return attrs_.children(v); }

 private:
  const IfcFile* file_ = nullptr;
  EntityRecord record_;
  const schema::EntityDef* entity_ = nullptr;
  AttributeList attrs_;
  std::string error_;
};

/// "#123": how diagnostics name an instance.
inline std::string instanceName(std::uint64_t id) { return std::string(1, '#').append(std::to_string(id)); }

/// A number from a value that may be wrapped in a typed value (IFCLENGTHMEASURE(2.5)).
std::optional<double> numberOf(const AttributeList& a, const Value& v);
/// Decoded text from a String value, possibly wrapped in a typed value; a malformed escape is described in `error`.
std::optional<std::string> textOf(const AttributeList& a, const Value& v, std::string* error = nullptr);

}  // namespace cim::io::ifc
