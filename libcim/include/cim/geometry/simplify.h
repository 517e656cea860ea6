#pragma once
// Mesh simplification (meshoptimizer): fewer triangles whose corners are a subset of the input's vertices.

#include <cstddef>

#include "cim/geometry/mesh.h"

namespace cim::geometry {

struct Simplified {
  /// Flat-shaded result: each triangle's corners carry its face normal (corners agreeing in position, normal and
  /// feature id are shared), same origin as the input; feature ids carried from the corner vertices when the input
  /// has them. Every position is one of the input's positions.
  Mesh mesh;
  /// meshoptimizer's estimate of the largest deviation from the input surface, in metres.
  double errorMeters = 0.0;
};

/// Simplifies `mesh` towards `targetTriangles` (never below, unless the error limit stops it first), moving no
/// surface further than `maxErrorMeters`. Coincident positions are welded first so that flat-shaded meshes (a vertex
/// per face corner) can collapse; the input's open borders are kept. An empty or invalid mesh gives an empty result.
Simplified simplify(const Mesh& mesh, std::size_t targetTriangles, double maxErrorMeters);

}  // namespace cim::geometry
