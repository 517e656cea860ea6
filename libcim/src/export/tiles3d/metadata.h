#pragma once
// Private: EXT_structural_metadata for one tile — a schema with one class "element" and a property table whose row i
// describes the element with feature id i in the tile's GLB.

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
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

/// Absent values ("noData"): "" for strings, these for INT32 and INT64, the lowest double for FLOAT64; booleans
/// missing on some elements become the enum "Boolean" {false, true, unknown} with noData "unknown".
inline constexpr std::int32_t kInt32NoData = -2147483647 - 1;
inline constexpr std::int64_t kInt64NoData = -9007199254740991;  // -(2^53 - 1): exact in JSON

/// The attribute names of a layer's elements, numbered once in name order ("Storey" left out: it is a fixed
/// property), and each element's attributes as those numbers. Tiles' property tables then never hash or compare names
/// (a layer has millions of element attributes, and every element is in several tiles' tables: its leaf and LODs).
/// How a property is written. Decided once per layer from every element's value, so a property has the same type (and
/// id) in every tile: text when any value is text or booleans mix with numbers; a boolean, or the enum Boolean
/// {false, true, unknown} when some element lacks it; FLOAT64 when any value is real; else INT32 when every value
/// fits (CesiumJS reads INT64 as BigInt and then misses the noData of absent values), else INT64.
enum class PropertyKind { String, Int32, Int64, Float64, Boolean, BooleanEnum };

class AttributeKeys {
 public:
  static constexpr std::uint32_t kNone = 0xFFFFFFFFu;  ///< the number of "Storey"

  /// No elements yet: add() each, then finish().
  AttributeKeys();
  /// add() of each element, then finish().
  explicit AttributeKeys(const std::vector<const model::Element*>& elements);
  ~AttributeKeys();
  AttributeKeys(AttributeKeys&&) noexcept;
  AttributeKeys& operator=(AttributeKeys&&) noexcept;

  /// Numbers e's attributes (names are copied: e need not outlive this) and notes their values' types. Element ids
  /// must differ. Not after finish().
  void add(const model::Element& e);
  /// Numbers the names in name order and decides each property's kind from every value added (absent where an
  /// element lacks the attribute).
  void finish();

  /// Attribute names in order; number k is names()[k].
  const std::vector<std::string_view>& names() const { return names_; }
  /// The property id of number k (propertyId of the name, made unique in the layer: "a.b" and "a b" -> a_b, a_b_2).
  const std::vector<std::string>& ids() const { return ids_; }
  const std::vector<PropertyKind>& kinds() const { return kinds_; }
  /// The numbers of e's attributes, in the order of e.attributes; e (by its id) must be one that was added.
  const std::vector<std::uint32_t>& of(const model::Element& e) const { return numbers_.at(e.id); }

 private:
  struct Pending;                     // what add() gathers until finish()
  std::unique_ptr<Pending> pending_;
  std::deque<std::string> storage_;   // the names (a deque: views into it stay valid as it grows)
  std::vector<std::string_view> names_;
  std::vector<std::string> ids_;
  std::vector<PropertyKind> kinds_;
  std::unordered_map<std::uint32_t, std::vector<std::uint32_t>> numbers_;  // by element id
};

/// Adds the schema and property table 0 (row i = elements[i]) to model.extensions and the property values to the
/// buffer; adds EXT_structural_metadata to extensionsUsed. `keys` must number every element's attributes.
void addPropertyTable(tinygltf::Model& model, cim::detail::BufferBuilder& buffers,
                      const std::vector<const model::Element*>& elements, const AttributeKeys& keys,
                      const std::string& tableName);

}  // namespace cim::tiles3d::detail
