#include "export/tiles3d/metadata.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <limits>
#include <map>
#include <set>
#include <string_view>
#include <unordered_map>

#include "cim/export/tiles3d.h"

namespace cim::tiles3d {

std::string propertyId(const std::string& attributeName) {
  std::string id;
  bool gap = false;  // a run of ASCII punctuation or spaces since the last kept character
  auto separate = [&] {
    if (!id.empty() && id.back() != '_') id.push_back('_');
  };
  auto hex = [&](char prefix, std::uint32_t value, int digits) {
    static const char* kDigits = "0123456789abcdef";
    id.push_back(prefix);
    for (int d = digits - 1; d >= 0; --d) id.push_back(kDigits[(value >> (4 * d)) & 0xF]);
  };
  const auto* p = reinterpret_cast<const unsigned char*>(attributeName.data());
  const std::size_t n = attributeName.size();
  for (std::size_t i = 0; i < n;) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
      if (keep) {
        if (gap) separate();
        gap = false;
        id.push_back(static_cast<char>(c));
      } else {
        gap = true;
      }
      ++i;
      continue;
    }
    // A non-ASCII code point: "u" + its hex digits, set apart by '_' ("管径" -> "u7ba1_u5f84").
    const int length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
    std::uint32_t cp = length == 4 ? (c & 0x07u) : length == 3 ? (c & 0x0Fu) : (c & 0x1Fu);
    bool valid = length > 0 && i + static_cast<std::size_t>(length) <= n;
    for (int k = 1; valid && k < length; ++k) {
      valid = (p[i + static_cast<std::size_t>(k)] & 0xC0u) == 0x80u;
      cp = (cp << 6) | (p[i + static_cast<std::size_t>(k)] & 0x3Fu);
    }
    separate();
    gap = false;
    if (valid) {
      hex('u', cp, cp > 0xFFFF ? 5 : 4);
      i += static_cast<std::size_t>(length);
    } else {  // not UTF-8: the byte itself
      hex('x', c, 2);
      ++i;
    }
    gap = true;  // the next kept character is set apart too
  }
  if (gap && !id.empty() && id.back() != '_' && !(n > 0 && p[n - 1] >= 0x80)) id.push_back('_');
  if (id.empty()) id.push_back('_');  // (not id = "_": GCC 12 warns falsely about that under -Wrestrict)
  if (id[0] >= '0' && id[0] <= '9') id.insert(id.begin(), '_');
  return id;
}

namespace detail {

namespace {

using tinygltf::Value;

using Kind = PropertyKind;

constexpr std::uint8_t kEnumFalse = 0, kEnumTrue = 1, kEnumUnknown = 2;

// Appends the value as text (shortest round-trip form for numbers; nothing for an absent value).
void appendText(std::string& out, const model::AttributeValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) {
    out += *s;
  } else if (const auto* b = std::get_if<bool>(&v)) {
    out += *b ? "true" : "false";
  } else if (const auto* i = std::get_if<std::int64_t>(&v)) {
    char buf[24];
    out.append(buf, std::to_chars(buf, buf + sizeof buf, *i).ptr);
  } else if (const auto* d = std::get_if<double>(&v)) {
    char buf[32];
    out.append(buf, std::to_chars(buf, buf + sizeof buf, *d).ptr);
  }
}


// What values a property has across a layer's elements.
struct ValueTypes {
  bool anyString = false, anyBool = false, anyInt = false, anyReal = false, anyAbsent = false;
  bool intsFit32 = true;     // every integer is an INT32 other than its noData
  std::size_t elements = 0;  // elements that have the attribute (absent ones counted by the caller)

  void add(const model::AttributeValue& v) {
    ++elements;
    if (std::holds_alternative<std::monostate>(v)) anyAbsent = true;
    else if (std::holds_alternative<std::string>(v)) anyString = true;
    else if (std::holds_alternative<bool>(v)) anyBool = true;
    else if (const auto* i = std::get_if<std::int64_t>(&v)) {
      anyInt = true;
      intsFit32 = intsFit32 && *i > kInt32NoData && *i <= std::numeric_limits<std::int32_t>::max();
    } else {
      anyReal = true;
    }
  }

  Kind kind() const {
    if (anyString || (anyBool && (anyInt || anyReal))) return Kind::String;
    if (anyBool) return anyAbsent ? Kind::BooleanEnum : Kind::Boolean;
    if (anyReal) return Kind::Float64;
    if (anyInt) return intsFit32 ? Kind::Int32 : Kind::Int64;
    return Kind::String;  // absent everywhere
  }
};

class TableBuilder {
 public:
  TableBuilder(cim::detail::BufferBuilder& buffers) : buffers_(buffers) {}

  // A string property of `count` rows; append(i, bytes) appends row i's text to bytes.
  template <class Append>
  void addStrings(const std::string& id, const std::string& name, std::size_t count, Append&& append, bool withNoData) {
    std::string bytes;
    std::vector<std::uint32_t> offsets;
    offsets.reserve(count + 1);
    for (std::size_t i = 0; i < count; ++i) {
      offsets.push_back(static_cast<std::uint32_t>(bytes.size()));
      append(i, bytes);
    }
    offsets.push_back(static_cast<std::uint32_t>(bytes.size()));
    if (bytes.empty()) bytes.push_back('\0');  // glTF buffer views cannot be empty; the offsets end at 0
    Value::Object cls = classProperty(name, "STRING");
    if (withNoData) cls["noData"] = Value(std::string());
    Value::Object table;
    table["values"] = Value(buffers_.addRawView(bytes.data(), bytes.size()));
    table["stringOffsets"] = Value(buffers_.addRawView(offsets.data(), offsets.size() * sizeof(std::uint32_t)));
    table["stringOffsetType"] = Value(std::string("UINT32"));
    add(id, std::move(cls), std::move(table));
  }

  void addInt64(const std::string& id, const std::string& name, const std::vector<std::int64_t>& values,
                bool withNoData) {
    Value::Object cls = classProperty(name, "SCALAR");
    cls["componentType"] = Value(std::string("INT64"));
    if (withNoData) cls["noData"] = Value(static_cast<double>(kInt64NoData));
    addNumeric(id, std::move(cls), values.data(), values.size() * sizeof(std::int64_t));
  }

  void addInt32(const std::string& id, const std::string& name, const std::vector<std::int32_t>& values,
                bool withNoData) {
    Value::Object cls = classProperty(name, "SCALAR");
    cls["componentType"] = Value(std::string("INT32"));
    if (withNoData) cls["noData"] = Value(static_cast<int>(kInt32NoData));
    addNumeric(id, std::move(cls), values.data(), values.size() * sizeof(std::int32_t));
  }

  void addUint32(const std::string& id, const std::string& name, const std::vector<std::uint32_t>& values) {
    Value::Object cls = classProperty(name, "SCALAR");
    cls["componentType"] = Value(std::string("UINT32"));
    cls["required"] = Value(true);
    addNumeric(id, std::move(cls), values.data(), values.size() * sizeof(std::uint32_t));
  }

  void addFloat64(const std::string& id, const std::string& name, const std::vector<double>& values,
                  bool withNoData) {
    Value::Object cls = classProperty(name, "SCALAR");
    cls["componentType"] = Value(std::string("FLOAT64"));
    if (withNoData) cls["noData"] = Value(std::numeric_limits<double>::lowest());
    addNumeric(id, std::move(cls), values.data(), values.size() * sizeof(double));
  }

  void addBooleans(const std::string& id, const std::string& name, const std::vector<bool>& values) {
    std::vector<std::uint8_t> bits((values.size() + 7) / 8, 0);
    for (std::size_t i = 0; i < values.size(); ++i)
      if (values[i]) bits[i / 8] = static_cast<std::uint8_t>(bits[i / 8] | (1u << (i % 8)));
    addNumeric(id, classProperty(name, "BOOLEAN"), bits.data(), bits.size());
  }

  void addBooleanEnum(const std::string& id, const std::string& name, const std::vector<std::uint8_t>& values) {
    Value::Object cls = classProperty(name, "ENUM");
    cls["enumType"] = Value(std::string("Boolean"));
    cls["noData"] = Value(std::string("unknown"));
    usesBooleanEnum_ = true;
    addNumeric(id, std::move(cls), values.data(), values.size());
  }

  Value::Object takeClassProperties() { return std::move(classProperties_); }
  Value::Object takeTableProperties() { return std::move(tableProperties_); }
  bool usesBooleanEnum() const { return usesBooleanEnum_; }

 private:
  static Value::Object classProperty(const std::string& name, const char* type) {
    Value::Object o;
    o["name"] = Value(name);
    o["type"] = Value(std::string(type));
    return o;
  }
  void addNumeric(const std::string& id, Value::Object cls, const void* data, std::size_t bytes) {
    Value::Object table;
    table["values"] = Value(buffers_.addRawView(data, bytes));
    add(id, std::move(cls), std::move(table));
  }
  void add(const std::string& id, Value::Object cls, Value::Object table) {
    classProperties_[id] = Value(std::move(cls));
    tableProperties_[id] = Value(std::move(table));
  }

  cim::detail::BufferBuilder& buffers_;
  Value::Object classProperties_;
  Value::Object tableProperties_;
  bool usesBooleanEnum_ = false;
};

// A cheap hash for attribute keys: their length, first 8 and last 16 bytes. Keys of one property set share long
// prefixes and differ near the end ("Pset_WallCommon.FireRating" / ".IsExternal"); hashing whole keys was most of
// the table's time. Equal hashes are told apart by comparing the keys.
struct KeyHash {
  std::size_t operator()(std::string_view k) const noexcept {
    auto word = [&](std::size_t at) {
      std::uint64_t w = 0;
      std::memcpy(&w, k.data() + at, std::min<std::size_t>(8, k.size() - at));
      return w;
    };
    std::uint64_t h = k.size() * 0x9E3779B97F4A7C15ull;
    const std::size_t n = k.size();
    const std::uint64_t words[3] = {word(0), n > 16 ? word(n - 16) : 0, n > 8 ? word(n - 8) : 0};
    for (std::uint64_t w : words) {
      h ^= w + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
      h *= 0xFF51AFD7ED558CCDull;
    }
    return static_cast<std::size_t>(h ^ (h >> 33));
  }
};

Value booleanEnum() {
  auto value = [](const char* name, int v) {
    Value::Object o;
    o["name"] = Value(std::string(name));
    o["value"] = Value(v);
    return Value(std::move(o));
  };
  Value::Object e;
  e["valueType"] = Value(std::string("UINT8"));
  e["values"] = Value(Value::Array{value("false", kEnumFalse), value("true", kEnumTrue), value("unknown", kEnumUnknown)});
  return Value(std::move(e));
}

// A property's value in every row of a tile's table; null where the element lacks the attribute.
using Column = std::vector<const model::AttributeValue*>;

bool absent(const model::AttributeValue* v) { return !v || std::holds_alternative<std::monostate>(*v); }

// The column's values as T: get(value) where present, noData where absent.
template <class T, class Get>
std::vector<T> columnValues(const Column& column, T noData, Get get) {
  std::vector<T> values(column.size(), noData);
  for (std::size_t i = 0; i < column.size(); ++i)
    if (!absent(column[i])) values[i] = get(*column[i]);
  return values;
}

// The properties every element has: element id, GUID, class, name and storey (the "Storey" attribute as text).
void addFixedProperties(TableBuilder& table, const std::vector<const model::Element*>& elements) {
  const std::size_t n = elements.size();
  std::vector<std::uint32_t> ids(n);
  Column storeys(n, nullptr);
  bool storeyMissing = false;
  for (std::size_t i = 0; i < n; ++i) {
    const auto& e = *elements[i];
    ids[i] = e.id;
    if (auto it = e.attributes.find("Storey"); it != e.attributes.end() && !std::holds_alternative<std::monostate>(it->second))
      storeys[i] = &it->second;
    else
      storeyMissing = true;
  }
  auto text = [&](auto member) {
    return [&elements, member](std::size_t i, std::string& bytes) { bytes += elements[i]->*member; };
  };
  table.addUint32(kElementIdProperty, "element id", ids);
  table.addStrings(kGuidProperty, "GUID", n, text(&model::Element::guid), true);
  table.addStrings(kClassProperty, "class", n, text(&model::Element::kind), false);
  table.addStrings(kNameProperty, "name", n, text(&model::Element::name), true);
  table.addStrings(
      kStoreyProperty, "storey", n, [&](std::size_t i, std::string& bytes) { if (storeys[i]) appendText(bytes, *storeys[i]); },
      storeyMissing);
}

// Every attribute any of the elements has (but "Storey"), as (attribute number, column), in number order (that is,
// name order: deterministic).
std::vector<std::pair<std::uint32_t, Column>> attributeColumns(const std::vector<const model::Element*>& elements,
                                                               const AttributeKeys& keys) {
  const std::size_t n = elements.size();
  std::vector<std::int32_t> columnOf(keys.names().size(), -1);
  std::vector<std::pair<std::uint32_t, Column>> columns;
  for (std::size_t i = 0; i < n; ++i) {
    const auto& numbers = keys.of(*elements[i]);
    std::size_t j = 0;
    for (const auto& entry : elements[i]->attributes) {
      const std::uint32_t k = numbers[j++];
      if (k == AttributeKeys::kNone) continue;
      if (columnOf[k] < 0) {
        columnOf[k] = static_cast<std::int32_t>(columns.size());
        columns.emplace_back(k, Column(n, nullptr));
      }
      columns[static_cast<std::size_t>(columnOf[k])].second[i] = &entry.second;
    }
  }
  std::sort(columns.begin(), columns.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return columns;
}

// Adds one attribute's column as property `id` (named `name`) of the kind the layer decided for it; noData is
// declared only where an element of this tile lacks the value.
void addAttributeColumn(TableBuilder& table, const std::string& id, const std::string& name, Kind kind,
                        const Column& column) {
  const bool anyAbsent = std::any_of(column.begin(), column.end(), absent);
  switch (kind) {
    case Kind::String:
      table.addStrings(
          id, name, column.size(), [&](std::size_t i, std::string& bytes) { if (column[i]) appendText(bytes, *column[i]); },
          anyAbsent);
      break;
    case Kind::Int32:
      table.addInt32(id, name, columnValues<std::int32_t>(column, kInt32NoData, [](const auto& v) {
                       return static_cast<std::int32_t>(std::get<std::int64_t>(v));
                     }), anyAbsent);
      break;
    case Kind::Int64:
      table.addInt64(id, name, columnValues<std::int64_t>(column, kInt64NoData, [](const auto& v) {
                       return std::get<std::int64_t>(v);
                     }), anyAbsent);
      break;
    case Kind::Float64:
      table.addFloat64(id, name, columnValues<double>(column, std::numeric_limits<double>::lowest(), [](const auto& v) {
                         const auto* d = std::get_if<double>(&v);
                         return d ? *d : static_cast<double>(std::get<std::int64_t>(v));
                       }), anyAbsent);
      break;
    case Kind::Boolean:
      table.addBooleans(id, name, columnValues<bool>(column, false, [](const auto& v) { return std::get<bool>(v); }));
      break;
    case Kind::BooleanEnum:
      table.addBooleanEnum(id, name, columnValues<std::uint8_t>(column, kEnumUnknown, [](const auto& v) {
                             return std::get<bool>(v) ? kEnumTrue : kEnumFalse;
                           }));
      break;
  }
}

// The EXT_structural_metadata object: the schema (class "element" with the table's properties, the enum Boolean
// when used) and property table 0 of `count` rows.
Value metadataExtension(TableBuilder& table, const std::string& tableName, std::size_t count) {
  Value::Object cls;
  cls["name"] = Value(std::string("element"));
  cls["properties"] = Value(table.takeClassProperties());
  Value::Object classes;
  classes["element"] = Value(std::move(cls));
  Value::Object schema;
  schema["id"] = Value(std::string("cim"));
  schema["classes"] = Value(std::move(classes));
  if (table.usesBooleanEnum()) {
    Value::Object enums;
    enums["Boolean"] = booleanEnum();
    schema["enums"] = Value(std::move(enums));
  }
  Value::Object propertyTable;
  propertyTable["name"] = Value(tableName);
  propertyTable["class"] = Value(std::string("element"));
  propertyTable["count"] = Value(static_cast<int>(count));
  propertyTable["properties"] = Value(table.takeTableProperties());
  Value::Object ext;
  ext["schema"] = Value(std::move(schema));
  ext["propertyTables"] = Value(Value::Array{Value(std::move(propertyTable))});
  return Value(std::move(ext));
}

// The property ids of attribute names (in name order): propertyId of each, made unique in the layer by "_2", "_3"...
// in name order, never one of the fixed properties' ids.
std::vector<std::string> uniquePropertyIds(const std::vector<std::string_view>& names) {
  std::set<std::string> used = {kElementIdProperty, kGuidProperty, kClassProperty, kNameProperty, kStoreyProperty};
  std::vector<std::string> ids;
  ids.reserve(names.size());
  for (const auto name : names) {
    std::string id = propertyId(std::string(name));
    if (used.count(id)) {
      int k = 2;
      while (used.count(id + "_" + std::to_string(k))) ++k;
      id += '_';
      id += std::to_string(k);
    }
    used.insert(id);
    ids.push_back(std::move(id));
  }
  return ids;
}

}  // namespace

struct AttributeKeys::Pending {
  std::unordered_map<std::string_view, std::uint32_t, KeyHash> numberOf;
  std::vector<ValueTypes> types;
  std::size_t elements = 0;
};

AttributeKeys::AttributeKeys() : pending_(std::make_unique<Pending>()) {}
AttributeKeys::~AttributeKeys() = default;
AttributeKeys::AttributeKeys(AttributeKeys&&) noexcept = default;
AttributeKeys& AttributeKeys::operator=(AttributeKeys&&) noexcept = default;

AttributeKeys::AttributeKeys(const std::vector<const model::Element*>& elements) : AttributeKeys() {
  numbers_.reserve(elements.size());
  for (const auto* e : elements) add(*e);
  finish();
}

void AttributeKeys::add(const model::Element& e) {
  Pending& p = *pending_;
  ++p.elements;
  auto& numbers = numbers_[e.id];
  numbers.reserve(e.attributes.size());
  for (const auto& [key, value] : e.attributes) {
    if (key == "Storey") {
      numbers.push_back(kNone);
      continue;
    }
    auto it = p.numberOf.find(std::string_view(key));
    if (it == p.numberOf.end()) {
      const std::string_view name = storage_.emplace_back(key);
      it = p.numberOf.emplace(name, static_cast<std::uint32_t>(names_.size())).first;
      names_.push_back(name);
      p.types.emplace_back();
    }
    numbers.push_back(it->second);
    p.types[it->second].add(value);
  }
}

void AttributeKeys::finish() {
  const Pending& p = *pending_;
  // Renumber in name order.
  std::vector<std::uint32_t> order(names_.size());
  for (std::uint32_t k = 0; k < order.size(); ++k) order[k] = k;
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return names_[a] < names_[b]; });
  std::vector<std::uint32_t> renumber(names_.size());
  std::vector<std::string_view> sorted(names_.size());
  kinds_.resize(names_.size());
  for (std::uint32_t r = 0; r < order.size(); ++r) {
    renumber[order[r]] = r;
    sorted[r] = names_[order[r]];
    ValueTypes t = p.types[order[r]];
    t.anyAbsent = t.anyAbsent || t.elements < p.elements;
    kinds_[r] = t.kind();
  }
  names_ = std::move(sorted);
  ids_ = uniquePropertyIds(names_);
  for (auto& [e, numbers] : numbers_)
    for (auto& k : numbers)
      if (k != kNone) k = renumber[k];
  pending_.reset();
}

void addPropertyTable(tinygltf::Model& model, cim::detail::BufferBuilder& buffers,
                      const std::vector<const model::Element*>& elements, const AttributeKeys& keys,
                      const std::string& tableName) {
  TableBuilder table(buffers);
  addFixedProperties(table, elements);
  for (const auto& [number, column] : attributeColumns(elements, keys))
    addAttributeColumn(table, keys.ids()[number], std::string(keys.names()[number]), keys.kinds()[number], column);
  model.extensions["EXT_structural_metadata"] = metadataExtension(table, tableName, elements.size());
  model.extensionsUsed.push_back("EXT_structural_metadata");
}

}  // namespace detail
}  // namespace cim::tiles3d
