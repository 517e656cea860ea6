#pragma once
// Private helpers shared by the report writers (report.cpp): rounding, names, XML text.

#include <optional>
#include <string>
#include <string_view>

#include "cim/index/clash.h"
#include "cim/model/element.h"

namespace cim::report::detail {

/// `v` rounded to `decimals` decimals (0 to 10), with -0 written as 0; non-finite values as they are.
double roundDecimals(double v, int decimals);
/// Metres rounded to 0.1 mm.
inline double meters(double v) { return roundDecimals(v, 4); }

/// The type a name of index::clashTypeName names; nullopt for another name.
std::optional<index::ClashType> clashTypeFromName(std::string_view name);

/// True when two references name the same element (a cover result's a and b).
bool sameElement(const index::ElementRef& a, const index::ElementRef& b);

/// How a result names an element: its name, else its GUID, else "<class> #<id>".
std::string elementLabel(const index::ElementRef& ref);

/// `text` as valid UTF-8: each byte that does not start or continue a well-formed sequence becomes U+FFFD.
std::string validUtf8(std::string_view text);

/// `text` (made valid UTF-8) escaped for XML character data and attribute values; the control characters XML 1.0
/// does not allow are dropped.
std::string xmlEscape(std::string_view text);

/// An attribute value as text: numbers as the shortest text that reads back the same, booleans "true"/"false".
std::string attributeText(const model::AttributeValue& value);

/// The current time in UTC as an xs:dateTime ("2024-05-20T09:30:00Z").
std::string nowUtc();

/// A length for people: "0.250 m" (millimetres).
std::string metersText(double v);

}  // namespace cim::report::detail
