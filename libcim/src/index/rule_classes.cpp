// Rule matching by classes of elements (see index/rule_classes.h).
#include "index/rule_classes.h"

#include <string>
#include <unordered_map>

#include "core/parallel.h"
#include "index/selector_inputs.h"

namespace cim::index {

RuleClasses::RuleClasses(const RuleSet& rules, const SpatialIndex& index, const std::vector<std::uint32_t>& ids,
                         unsigned threads)
    : rules_(&rules) {
  std::vector<const Selector*> selectors;
  for (const auto& r : rules.rules()) selectors.push_back(&r.a), selectors.push_back(&r.b);
  const SelectorInputs inputs(selectors);
  // What the selectors read of each element (in parallel), then the classes in the order of `ids`.
  std::vector<std::string> keys(ids.size());
  detail::parallelFor(ids.size(), threads, [&](std::size_t i) {
    const Indexed* e = index.find(ids[i]);
    keys[i].reserve(128);
    inputs.append(*e->element, e->layer, keys[i]);
  });
  std::unordered_map<std::string, std::uint32_t> classes;
  std::vector<const Indexed*> representative;
  std::uint32_t maxId = 0;
  for (auto id : ids) maxId = std::max(maxId, id);
  classOf_.assign(ids.empty() ? 0 : std::size_t(maxId) + 1, 0);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const auto [it, added] = classes.emplace(std::move(keys[i]), static_cast<std::uint32_t>(representative.size()));
    if (added) representative.push_back(index.find(ids[i]));
    classOf_[ids[i]] = it->second;
  }
  count_ = representative.size();
  const std::size_t n = rules.rules().size();
  matches_.assign(count_ * n, 0);
  for (std::size_t c = 0; c < count_; ++c)
    for (std::size_t r = 0; r < n; ++r) {
      const auto& rule = rules.rules()[r];
      const auto& e = *representative[c];
      matches_[c * n + r] = std::uint8_t((rule.a.matches(*e.element, e.layer) ? 1 : 0) | (rule.b.matches(*e.element, e.layer) ? 2 : 0));
    }
}

const ClearanceRule* RuleClasses::match(std::uint32_t first, std::uint32_t second, bool* swapped) const {
  const std::size_t n = rules_->rules().size();
  if (n == 0) return nullptr;
  const std::uint8_t* x = &matches_[classOf_[first] * n];
  const std::uint8_t* y = &matches_[classOf_[second] * n];
  for (std::size_t r = 0; r < n; ++r) {  // RuleSet::match's order: the first rule either way round
    if ((x[r] & 1) && (y[r] & 2)) {
      if (swapped) *swapped = false;
      return &rules_->rules()[r];
    }
    if ((y[r] & 1) && (x[r] & 2)) {
      if (swapped) *swapped = true;
      return &rules_->rules()[r];
    }
  }
  return nullptr;
}

}  // namespace cim::index
