#pragma once
// Rule matching for the many pairs of a clash set (private to the index). RuleSet::match evaluates selectors on both
// elements of every pair; here elements that every rule selector reads alike (the same layer, class, type and
// attribute values the selectors name: index/selector_inputs.h) share a class, each rule's two selectors are
// evaluated once per class, and a pair's rule is a look-up in its two classes' matches.

#include <cstdint>
#include <utility>
#include <vector>

#include "cim/index/rules.h"
#include "cim/index/spatial_index.h"

namespace cim::index {

class RuleClasses {
 public:
  /// Classifies the elements of `ids` (on up to `threads` threads).
  RuleClasses(const RuleSet& rules, const SpatialIndex& index, const std::vector<std::uint32_t>& ids, unsigned threads);
  /// The same rule RuleSet::match gives for the two classified elements, and the same `swapped`.
  const ClearanceRule* match(std::uint32_t first, std::uint32_t second, bool* swapped = nullptr) const;
  /// How many classes the elements fell into.
  std::size_t classCount() const { return count_; }

 private:
  const RuleSet* rules_ = nullptr;
  std::vector<std::uint32_t> classOf_;  // by element id
  std::size_t count_ = 0;
  // By class, then rule: whether the rule's `a` (bit 0) and `b` (bit 1) selectors match.
  std::vector<std::uint8_t> matches_;
};

}  // namespace cim::index
