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
  /// The keys the selectors' conditions name (the selectors must outlive this).
  explicit SelectorInputs(const std::vector<const Selector*>& selectors);

  /// Where each attribute key was found last (one per worker). Elements made by the same reader hold their
  /// attributes in the same order, so a look-up that tries there first takes one or two key comparisons instead of a
  /// binary search (whose comparisons each read a key from another allocation).
  struct Hints {
    std::vector<std::size_t> at;
  };

  /// Appends what the conditions on layer, class, GUID, name, id and CJJ 61 type read of the element of `layer`,
  /// each length-prefixed.
  void appendPlain(const model::Element& element, std::string_view layer, std::string& out) const;
  /// The attribute keys whose values can change a selector's answer for every element that reads as this one does
  /// in appendPlain: those of the selectors whose other conditions all hold for it (a selector with a failing plain
  /// condition is false whatever the attributes).
  std::vector<std::size_t> attributesThatMatter(const model::Element& element, std::string_view layer) const;
  /// Appends the exact values of those attribute keys (or that each is absent), each length-prefixed.
  void appendAttributes(const model::Element& element, const std::vector<std::size_t>& keys, std::string& out,
                        Hints& hints) const;

 private:
  enum class Reads { Layer, Kind, Guid, Name, Id, Type, Attribute };
  struct Key {
    Reads reads = Reads::Attribute;
    std::string key, pipeKey;  // for attributes: the key as written, then its "pipe." form (as conditions look up)
  };
  std::vector<const Selector*> selectors_;
  std::vector<Key> keys_;
  std::size_t indexOf(const std::string& key) const;
};

}  // namespace cim::index
