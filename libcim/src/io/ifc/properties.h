#pragma once
// Property sets and element quantities as element attributes: "SetName.PropertyName" -> typed value, measures
// converted to SI with the file's units.

#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "cim/model/element.h"
#include "io/ifc/ifc_file.h"
#include "io/ifc/units.h"

namespace cim::io::ifc {

using PropertyList = std::vector<std::pair<std::string, model::AttributeValue>>;

/// A property value as a typed attribute: booleans (T/F; U is "UNKNOWN"), integers, reals (length, area, volume and
/// plane angle measures converted to metres, square and cubic metres, radians) or text; monostate when it is none.
model::AttributeValue propertyValue(const Instance& holder, const Value& v, const Units& u);

/// The values of one IfcPropertySet (single, enumerated, list and bounded values) or IfcElementQuantity as
/// "Set.Property" -> value, appended to `out` in file order. Unreadable sets and properties add nothing.
void readPropertySet(const IfcFile& f, std::uint64_t psetId, const Units& u, PropertyList& out);

/// Property sets are shared between many elements (type sets by all occurrences; exporters deduplicate): a worker
/// decodes each once and copies the result. Not thread-safe: one per worker. Cleared when large, so memory stays
/// bounded.
class PropertySetCache {
 public:
  /// The properties of set `psetId` (see readPropertySet); valid until the next call.
  const PropertyList& get(const IfcFile& f, std::uint64_t psetId, const Units& u);

 private:
  std::unordered_map<std::uint64_t, PropertyList> sets_;
};

}  // namespace cim::io::ifc
