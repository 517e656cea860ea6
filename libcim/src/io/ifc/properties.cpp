#include "io/ifc/properties.h"

#include <optional>
#include <string_view>
#include <variant>

namespace cim::io::ifc {

namespace {

enum class Measure { Length, Area, Volume, Angle };

// Typed values whose number is converted with the file's units.
constexpr std::pair<std::string_view, Measure> kMeasures[] = {
    {names::IfcLengthMeasure, Measure::Length},       {names::IfcPositiveLengthMeasure, Measure::Length},
    {names::IfcNonNegativeLengthMeasure, Measure::Length}, {names::IfcAreaMeasure, Measure::Area},
    {names::IfcVolumeMeasure, Measure::Volume},       {names::IfcPlaneAngleMeasure, Measure::Angle},
    {names::IfcPositivePlaneAngleMeasure, Measure::Angle}};

double toSI(const Units& u, Measure m) {
  switch (m) {
    case Measure::Length: return u.lengthToMeters;
    case Measure::Area: return u.areaToSquareMeters;
    case Measure::Volume: return u.volumeToCubicMeters;
    case Measure::Angle: return u.angleToRadians;
  }
  return 1.0;
}

// IfcPhysicalSimpleQuantity subtypes: the attribute that holds the value, and its measure (none: kept as written).
struct QuantityKind {
  std::string_view cls;
  const char* value;
  std::optional<Measure> measure;
};
constexpr QuantityKind kQuantities[] = {
    {names::IfcQuantityLength, "LengthValue", Measure::Length}, {names::IfcQuantityArea, "AreaValue", Measure::Area},
    {names::IfcQuantityVolume, "VolumeValue", Measure::Volume}, {names::IfcQuantityCount, "CountValue", std::nullopt},
    {names::IfcQuantityWeight, "WeightValue", std::nullopt},    {names::IfcQuantityTime, "TimeValue", std::nullopt}};

// A value as text for a joined list: text as is, numbers in std::to_string's form, booleans as true/false.
std::string asText(const model::AttributeValue& val) {
  if (auto* str = std::get_if<std::string>(&val)) return *str;
  if (auto* d = std::get_if<double>(&val)) return std::to_string(*d);
  if (auto* i = std::get_if<std::int64_t>(&val)) return std::to_string(*i);
  if (auto* b = std::get_if<bool>(&val)) return *b ? "true" : "false";
  return {};
}

// One property of an IfcPropertySet under `key`.
void readProperty(const IfcFile& f, const Instance& prop, const std::string& key, const Units& u, PropertyList& out) {
  const auto& r = prop.record();
  if (f.isA(r, names::IfcPropertySingleValue)) {
    if (const Value* v = prop.get("NominalValue")) out.emplace_back(key, propertyValue(prop, *v, u));
  } else if (f.isA(r, names::IfcPropertyEnumeratedValue) || f.isA(r, names::IfcPropertyListValue)) {
    std::string joined;
    for (const auto& v : prop.list(f.isA(r, names::IfcPropertyListValue) ? "ListValues" : "EnumerationValues")) {
      if (!joined.empty()) joined += ", ";
      joined += asText(propertyValue(prop, v, u));
    }
    out.emplace_back(key, joined);
  } else if (f.isA(r, names::IfcPropertyBoundedValue)) {
    if (const Value* v = prop.get("LowerBoundValue")) out.emplace_back(key + ".Lower", propertyValue(prop, *v, u));
    if (const Value* v = prop.get("UpperBoundValue")) out.emplace_back(key + ".Upper", propertyValue(prop, *v, u));
  }
}

// One quantity of an IfcElementQuantity under `key`.
void readQuantity(const IfcFile& f, const Instance& q, const std::string& key, const Units& u, PropertyList& out) {
  for (const auto& kind : kQuantities) {
    if (!f.isA(q.record(), kind.cls)) continue;
    if (auto v = q.real(kind.value)) out.emplace_back(key, kind.measure ? *v * toSI(u, *kind.measure) : *v);
    return;
  }
}

}  // namespace

model::AttributeValue propertyValue(const Instance& holder, const Value& v, const Units& u) {
  if (v.kind == ValueKind::Typed && v.count == 1) {
    const Value& inner = holder.children(v)[0];
    const std::string_view type = v.raw;
    if (inner.kind == ValueKind::Enum) {
      if (inner.raw == "T") return true;
      if (inner.raw == "F") return false;
      return std::string(inner.raw == "U" ? "UNKNOWN" : inner.raw);
    }
    if (inner.kind == ValueKind::Integer) return static_cast<std::int64_t>(inner.integer);
    if (inner.kind == ValueKind::Real) {
      double d = inner.real;
      for (const auto& [name, measure] : kMeasures)
        if (type == name) {
          d *= toSI(u, measure);
          break;
        }
      return d;
    }
    if (auto t = textOf(holder.attributes(), inner)) return *t;
    return std::monostate{};
  }
  if (auto t = textOf(holder.attributes(), v)) return *t;
  if (auto d = numberOf(holder.attributes(), v)) return *d;
  if (v.kind == ValueKind::Enum) return std::string(v.raw);
  return std::monostate{};
}

void readPropertySet(const IfcFile& f, std::uint64_t psetId, const Units& u, PropertyList& out) {
  Instance pset;
  if (!pset.load(f, psetId)) return;
  const std::string setName = pset.text("Name").value_or("Pset");
  const bool properties = f.isA(pset.record(), names::IfcPropertySet);
  if (!properties && !f.isA(pset.record(), names::IfcElementQuantity)) return;
  for (auto id : pset.refs(properties ? "HasProperties" : "Quantities")) {
    Instance prop;
    if (!prop.load(f, id)) continue;
    const std::string key = setName + "." + prop.text("Name").value_or(instanceName(id));
    if (properties) readProperty(f, prop, key, u, out);
    else readQuantity(f, prop, key, u, out);
  }
}

const PropertyList& PropertySetCache::get(const IfcFile& f, std::uint64_t psetId, const Units& u) {
  if (auto it = sets_.find(psetId); it != sets_.end()) return it->second;
  if (sets_.size() >= 20000) sets_.clear();
  auto& list = sets_[psetId];
  readPropertySet(f, psetId, u, list);
  return list;
}

}  // namespace cim::io::ifc
