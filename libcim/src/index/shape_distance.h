#pragma once
// Measures the index's queries and clash sets use when the distance in plan alone decides (private to the index).

#include "cim/index/element_shape.h"

namespace cim::index {

/// The horizontal distance of two shapes, exactly as separate(a, b, cutoff).horizontal gives it, without measuring
/// the 3D distance or the vertical gap (a value above the cutoff only says "farther than the cutoff").
double planDistance(const ElementShape& a, const ElementShape& b, double cutoff = 1e300);

}  // namespace cim::index
