#pragma once
// Attribute values of an ISO 10303-21 (STEP physical file) entity instance, decoded lazily from the file bytes.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cim::io::ifc {

enum class ValueKind : std::uint8_t {
  Null,     ///< $   (unset optional attribute)
  Derived,  ///< *   (value derived from a supertype's attribute)
  Integer,
  Real,
  String,   ///< 'text' — raw() keeps the escaped bytes; decode with decodeStepString
  Enum,     ///< .NAME. — raw() is NAME (.T. / .F. / .U. are booleans and logicals)
  Ref,      ///< #123
  Binary,   ///< "0ABC" — raw() is the hex digits
  List,     ///< ( ... )
  Typed,    ///< IFCLABEL('x') — raw() is the type name, one child holds the value
};

struct Value {
  ValueKind kind = ValueKind::Null;
  std::uint32_t first = 0;  ///< List/Typed: index of the first child in the owning AttributeList
  std::uint32_t count = 0;  ///< List/Typed: number of children
  union {
    std::int64_t integer;
    double real;
    std::uint64_t ref;
  };
  std::string_view raw;     ///< String, Enum, Binary, Typed: see ValueKind

  Value() : integer(0) {}
  bool isNull() const { return kind == ValueKind::Null || kind == ValueKind::Derived; }
  /// Integer or Real as a double.
  bool number(double& out) const {
    if (kind == ValueKind::Real) return out = real, true;
    if (kind == ValueKind::Integer) return out = static_cast<double>(integer), true;
    return false;
  }
};

/// The decoded attribute list of one entity instance. Values are stored flat; List and Typed values point at their
/// children. Views (raw) point into the mapped file, which must outlive this.
class AttributeList {
 public:
  std::size_t size() const { return topCount_; }
  const Value& operator[](std::size_t i) const { return nodes_[topFirst_ + i]; }
  std::span<const Value> children(const Value& v) const { return {nodes_.data() + v.first, v.count}; }

 private:
  friend class AttributeParser;
  std::vector<Value> nodes_;
  std::uint32_t topFirst_ = 0;
  std::uint32_t topCount_ = 0;
};

/// Parses the attribute list `text`, which starts at '(' and ends at the matching ')'.
/// Returns false with a message in `error` on malformed input.
bool parseAttributes(std::string_view text, AttributeList& out, std::string& error);

/// Decodes an ISO 10303-21 string body (between the quotes) to UTF-8: '' -> ', \\ -> \, \X\hh (ISO 8859-1),
/// \X2\hhhh...\X0\ (UTF-16), \X4\hhhhhhhh...\X0\ (UTF-32), \S\c (ISO 8859-1 upper half), \P?\ code page switches.
/// Raw bytes that are valid UTF-8 pass through (many exporters write them). Returns false (and a best-effort result)
/// when an escape is malformed or bytes are not UTF-8, with the reason in `error`.
bool decodeStepString(std::string_view raw, std::string& out, std::string& error);

}  // namespace cim::io::ifc
