#pragma once
// Do a GLB's normals and windings agree with its geometry? For every triangle, its vertex normals against the face
// normal its winding gives; for every closed mesh, the sign of the volume its windings enclose.

#include <cstddef>
#include <string>
#include <vector>

#include "support/glb.h"

namespace cimtest {

struct Orientation {
  std::size_t triangles = 0;     ///< triangles checked (all but slivers)
  std::size_t slivers = 0;       ///< triangles not checked: their corners lie on a line to float precision
  std::size_t normalsAgree = 0;  ///< of them, those whose three vertex normals all point to the face normal's side
  std::size_t closedMeshes = 0;  ///< closed, consistently wound pieces (see checkOrientation)
  std::size_t outwardMeshes = 0; ///< of them, those enclosing a positive volume (faces wound counter-clockwise outside)
  std::vector<std::string> inward;  ///< "mesh m primitive p feature f" of the closed pieces with a negative volume

  /// The share of checked triangles whose normals agree (1 when none was checked).
  double agreeing() const { return triangles ? static_cast<double>(normalsAgree) / triangles : 1.0; }
  void add(const Orientation& other);
};

/// Checks every triangle primitive of an uncompressed GLB (float POSITION and NORMAL, as libcim writes them). A
/// piece is the triangles of one primitive with one _FEATURE_ID_0 (the whole primitive without feature ids), their
/// corners joined where positions are equal; it is closed when each directed edge is matched by one the other way
/// (pieces enclosing no volume, surfaces written twice back to back, do not count as closed).
Orientation checkOrientation(const Glb& glb);

}  // namespace cimtest
