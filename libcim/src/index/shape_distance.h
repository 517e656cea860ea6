#pragma once
// Measures the index's queries and clash sets use when the distance in plan alone decides (private to the index).

#include <cmath>

#include "cim/index/element_shape.h"

namespace cim::index {

/// The horizontal distance of two shapes, exactly as separate(a, b, cutoff).horizontal gives it, without measuring
/// the 3D distance or the vertical gap (a value above the cutoff only says "farther than the cutoff").
double planDistance(const ElementShape& a, const ElementShape& b, double cutoff = 1e300);

/// A cutoff just above d. A box distance is a lower bound of the exact distance, but both are rounded, and in
/// projected coordinates (northings of 3.3e6 m: one ulp is 5e-10 m) an axis-aligned pipe's box distance can come out
/// 1e-10 m above its exact distance. Pruning by boxes against d itself would drop elements at exactly d (and measure
/// them as "farther than the cutoff"); 0.1 um more only measures a few more candidates exactly.
inline double cutoffAbove(double d) { return d + 1e-7 + 1e-12 * std::abs(d); }

}  // namespace cim::index
