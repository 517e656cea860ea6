#pragma once
// Finding elements of a scene in tests.
#include <string>

#include "cim/model/scene.h"

namespace cimtest {

/// The element of the scene with this GUID (the last one if several have it), nullptr when none has.
const cim::model::Element* byGuid(const cim::model::Scene& scene, const std::string& guid);

}  // namespace cimtest
