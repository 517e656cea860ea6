#include "support/scene_lookup.h"

namespace cimtest {

const cim::model::Element* byGuid(const cim::model::Scene& scene, const std::string& guid) {
  const cim::model::Element* found = nullptr;
  scene.forEachElement([&](const cim::model::Layer&, const cim::model::Element& e) {
    if (e.guid == guid) found = &e;
  });
  return found;
}

}  // namespace cimtest
