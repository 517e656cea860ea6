#pragma once
// Selectors: which elements a query, a clash set or a rule is about, written as users write them on the command line
// and in rule files: comma-separated conditions that must all hold.
//
//   layer=pipes,type=RQ          the gas pipes of layer "pipes"
//   class=IfcPipeSegment         an IFC class (an element's kind)
//   class=building|building-part either of two values
//   pressure_class=medium A      an attribute (pipe.* keys are found by their short name too)
//   pipe.diameterMillimeters>200 numbers compare numerically: = != < <= > >=
//   guid=2beDhQxM5exJU9NxhEWatY  one element
//   *                            everything (an empty selector too)
//
// Keys: layer, class (or kind), type (a CJJ 61 type: a class code such as RQ matches its subtypes too, WS matches
// only WS), guid, name, id; anything else is an attribute, looked up as written, else as "pipe.<key>" with the
// key's snake_case turned into camelCase (pressure_class → pipe.pressureClass). Text compares exactly, except that a
// '*' in a value matches any run of characters (name=Wall*).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cim/core/result.h"
#include "cim/model/element.h"

namespace cim::index {

class Selector {
 public:
  /// Everything.
  Selector() = default;
  /// Parses a selector; fails (InvalidArgument) naming the condition it cannot read.
  static Result<Selector> parse(std::string_view text);

  /// True when every condition holds for the element of `layer`.
  bool matches(const model::Element& element, std::string_view layer) const;
  /// True when the selector picks everything.
  bool empty() const { return conditions_.empty(); }
  /// The selector as written (normalised: no blanks around operators).
  std::string text() const;

  struct Condition {
    std::string key;
    enum class Op { Eq, Ne, Lt, Le, Gt, Ge } op = Op::Eq;
    std::vector<std::string> values;  ///< alternatives ('|')
  };
  const std::vector<Condition>& conditions() const { return conditions_; }

 private:
  std::vector<Condition> conditions_;
};

/// The CJJ 61 type of an element: its pipe or well type, else a "pipe.typeCode" attribute; nullopt otherwise.
std::optional<model::PipeType> pipeTypeOf(const model::Element& element);

}  // namespace cim::index
