// index/rule_classes: the rule of every pair by classes of elements equals RuleSet::match on the two elements, for
// rules on every key a selector reads (layer, class, type, guid, name, id, text and number attributes, absent ones).
#include <random>

#include <catch2/catch.hpp>

#include "cim/index/rules.h"
#include "cim/model/pipe_element.h"
#include "index/rule_classes.h"

using namespace cim;
using Eigen::Vector3d;

namespace {

// Pipes of four types with pressure classes, burial methods and diameters drawn from few values (so classes are
// shared), and buildings and walls on two layers, some with a storey count (an integer attribute).
model::Scene randomElements(unsigned seed) {
  std::mt19937 random(seed);
  std::uniform_int_distribution<int> pick(0, 1000);
  const char* types[] = {"JS", "WS", "RQ", "TX"};
  const char* pressure[] = {"low", "medium B", "medium A", "sub-high A"};
  model::Scene scene;
  for (int i = 0; i < 150; ++i) {
    model::PipeSegment s;
    s.centreline = {Vector3d(i, 0, 0), Vector3d(i, 5, 0)};
    s.section.outerDiameterMeters = 0.1 * (1 + pick(random) % 6);
    s.type = *model::pipeTypeFromCode(types[pick(random) % 4]);
    s.id = "p" + std::to_string(i);
    if (s.type.code == "RQ" && pick(random) % 5) s.gasPressureClass = model::gasPressureClassFromText(pressure[pick(random) % 4]);
    if (pick(random) % 3 == 0) s.burialMethod = "ZM";
    scene.addElement(pick(random) % 4 ? "pipes" : "old pipes", model::pipeElement(std::move(s)));
  }
  for (int i = 0; i < 60; ++i) {
    model::Element e;
    e.kind = pick(random) % 2 ? "building" : "IfcWall";
    e.guid = "g" + std::to_string(i % 7);
    e.name = (pick(random) % 2 ? "Tower " : "Shed ") + std::to_string(i);
    if (pick(random) % 2) e.attributes["building.storeys"] = static_cast<std::int64_t>(pick(random) % 12);
    if (pick(random) % 3 == 0) e.attributes["building.height"] = 3.0 * (pick(random) % 4);
    scene.addElement(pick(random) % 3 ? "buildings" : "bim", std::move(e));
  }
  return scene;
}

}  // namespace

TEST_CASE("Rules by classes of elements match as RuleSet::match does, pair by pair", "[index][rules]") {
  const auto gb = index::RuleSet::load("gb50289");
  REQUIRE(gb.ok());
  const auto custom = index::RuleSet::fromCsv(
      "a,b,horizontal_m,vertical_m,source\n"
      "layer=old pipes,class=building,4,,own rule 1\n"
      "name=Tower*,type=RQ,3,,own rule 2\n"
      "building.storeys>=8,type=JS,2.5,,own rule 3\n"
      "\"class=IfcWall,guid=g3|g5\",pipe.diameterMillimeters>300,2,,own rule 4\n"
      "building.height!=6,pressure_class=medium A,1.5,,own rule 5\n"
      "id<20,type=TX,1.2,,own rule 6\n"
      "burial_method=ZM,burial_method!=ZM,0.7,,own rule 7\n",
      "custom");
  REQUIRE(custom.ok());
  for (unsigned seed : {1u, 2u}) {
    const auto index = index::SpatialIndex::build(randomElements(seed));
    std::vector<std::uint32_t> ids;
    index.forEach([&](const index::Indexed& e) { ids.push_back(e.id); });
    for (const auto* rules : {&gb.value(), &custom.value()}) {
      const index::RuleClasses classes(*rules, index, ids, 2);
      INFO("seed " << seed << ", " << rules->rules().front().file << ": " << classes.classCount() << " classes");
      // GB 50289 reads class, type, pressure class, burial method and diameter: elements share classes. (The own
      // rules read ids and names: one class per element.)
      if (rules == &gb.value()) CHECK(classes.classCount() < ids.size() / 2);
      std::size_t matched = 0;
      for (auto a : ids)
        for (auto b : ids) {
          const auto& ea = *index.find(a);
          const auto& eb = *index.find(b);
          bool swapped = false, expectedSwapped = false;
          const auto* rule = classes.match(a, b, &swapped);
          const auto* expected = rules->match(*ea.element, ea.layer, *eb.element, eb.layer, &expectedSwapped);
          if (rule != expected || swapped != expectedSwapped) {
            FAIL_CHECK("pair " << a << " " << b);
            continue;
          }
          matched += rule != nullptr;
        }
      CHECK(matched > ids.size());
    }
  }
}
