#pragma once
// model internals: a JSON value as an element attribute, for every reader of JSON attributes (CityJSON objects,
// clash reports read back). Header-only over the JSON type, so model itself needs no JSON library.

#include <cstdint>
#include <string>

#include "cim/model/element.h"

namespace cim::model {

/// Numbers, booleans and text as themselves, null as empty, objects and arrays as their JSON text.
template <class Json>
AttributeValue attributeFromJson(const Json& v) {
  if (v.is_boolean()) return v.template get<bool>();
  if (v.is_number_integer()) return v.template get<std::int64_t>();
  if (v.is_number()) return v.template get<double>();
  if (v.is_string()) return v.template get<std::string>();
  if (v.is_null()) return std::monostate{};
  return v.dump();
}

}  // namespace cim::model
