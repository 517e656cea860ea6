#pragma once
// What every fuzz target checks beyond "no crash": a reader that succeeds gives a scene whose meshes have finite
// coordinates and normals and indices inside their vertex arrays (a NaN vertex or a bad index would crash or poison
// everything downstream: the triangulation, the bounds, the glTF writer). A violation aborts, so libFuzzer keeps the
// input as a crash and the corpus replay fails.

#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "cim/core/result.h"
#include "cim/model/scene.h"

namespace cimfuzz {

inline void check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz check failed: %s\n", what);
  std::abort();
}

/// The scene's meshes are finite and their indices valid.
inline void checkScene(const cim::model::Scene& scene) {
  scene.forEachElement([](const cim::model::Layer&, const cim::model::Element& e) {
    for (const auto& shape : e.shapes) {
      const auto& m = shape.mesh;
      check(m.origin.allFinite(), "mesh origin is finite");
      for (const auto& p : m.positions) check(p.allFinite(), "vertex is finite");
      for (const auto& n : m.normals) check(n.allFinite(), "normal is finite");
      check(m.indices.size() % 3 == 0, "whole triangles");
      for (auto i : m.indices) check(i < m.positions.size(), "index inside the vertex array");
    }
  });
  const auto bounds = scene.worldBounds();
  if (!bounds.empty()) check(bounds.min.allFinite() && bounds.max.allFinite(), "scene bounds are finite");
}

/// A failed read says why: it carries an error diagnostic.
template <class T>
void checkResult(const cim::Result<T>& r) {
  if (!r.ok()) check(r.error() != nullptr, "a failure carries its error");
}

inline std::string_view bytesOf(const unsigned char* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// The first byte that is not white space: '{' or '[' means JSON, else a table (CSV).
inline bool looksLikeJson(std::string_view bytes) {
  for (char c : bytes) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    return c == '{' || c == '[';
  }
  return false;
}

}  // namespace cimfuzz
