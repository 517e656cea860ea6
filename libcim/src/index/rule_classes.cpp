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
  // Two passes, both in parallel over the elements: what the plain conditions (layer, class, type ...) read, then,
  // per plain class, only the attributes that can still change an answer (a building is not asked for a pipe's
  // pressure class, a sewer not for a gas main's). Classes are numbered in the order of `ids`.
  auto classify = [&](std::vector<std::string>& keys, std::vector<std::uint32_t>& classOf, std::vector<std::size_t>& first) {
    std::unordered_map<std::string, std::uint32_t> classes;
    classOf.resize(keys.size());
    for (std::size_t i = 0; i < keys.size(); ++i) {
      const auto [it, added] = classes.emplace(std::move(keys[i]), static_cast<std::uint32_t>(first.size()));
      if (added) first.push_back(i);
      classOf[i] = it->second;
    }
  };
  std::vector<std::string> keys(ids.size());
  detail::parallelFor(ids.size(), threads, [&](std::size_t i) {
    const Indexed* e = index.find(ids[i]);
    inputs.appendPlain(*e->element, e->layer, keys[i]);
  });
  std::vector<std::uint32_t> plainOf;
  std::vector<std::size_t> plainFirst;
  classify(keys, plainOf, plainFirst);
  std::vector<std::vector<std::size_t>> matter;
  for (std::size_t i : plainFirst) {
    const Indexed* e = index.find(ids[i]);
    matter.push_back(inputs.attributesThatMatter(*e->element, e->layer));
  }
  std::vector<SelectorInputs::Hints> hints(std::max(1u, threads));
  detail::parallelFor(ids.size(), threads, [&](std::size_t i, unsigned slot) {
    keys[i].assign(reinterpret_cast<const char*>(&plainOf[i]), sizeof plainOf[i]);
    if (!matter[plainOf[i]].empty())
      inputs.appendAttributes(*index.find(ids[i])->element, matter[plainOf[i]], keys[i], hints[slot]);
  });
  std::vector<std::uint32_t> classOf;
  std::vector<std::size_t> first;
  classify(keys, classOf, first);
  std::vector<const Indexed*> representative;
  for (std::size_t i : first) representative.push_back(index.find(ids[i]));
  std::uint32_t maxId = 0;
  for (auto id : ids) maxId = std::max(maxId, id);
  classOf_.assign(ids.empty() ? 0 : std::size_t(maxId) + 1, 0);
  for (std::size_t i = 0; i < ids.size(); ++i) classOf_[ids[i]] = classOf[i];
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
