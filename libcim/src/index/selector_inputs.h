#pragma once
// What selector conditions read of an element (private to the index; implemented in selector.cpp beside the
// conditions themselves): for the keys of a set of selectors, a text that two elements share only when every
// condition on those keys holds alike for both. Rule matching over many pairs classifies elements by it and
// evaluates each selector once per class (index/rule_classes.h).

#include <string>
#include <string_view>
#include <vector>

#include "cim/index/selector.h"

namespace cim::index {

class SelectorInputs {
 public:
  /// The keys the selectors' conditions name.
  explicit SelectorInputs(const std::vector<const Selector*>& selectors);
  /// Appends what those conditions read of the element of `layer`: layer, class, GUID, name, id, CJJ 61 type, or the
  /// attribute found for the key (its exact value), each length-prefixed.
  void append(const model::Element& element, std::string_view layer, std::string& out) const;

 private:
  enum class Reads { Layer, Kind, Guid, Name, Id, Type, Attribute };
  struct Key {
    Reads reads = Reads::Attribute;
    std::string key, pipeKey;  // for attributes: the key as written, then its "pipe." form (as conditions look up)
  };
  std::vector<Key> keys_;
};

}  // namespace cim::index
