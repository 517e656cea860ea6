#pragma once
// Private (3D Tiles): a tile's frame and how scene vertices get into it. Every tile has its own east-north-up frame
// at the centre of its elements' bounds (metres, Z up); each vertex goes scene CRS -> WGS 84 -> ECEF -> that frame
// through PROJ individually (never by moving an anchor) and is stored in glTF's Y-up axes: ENU (e, n, u) is glTF
// (e, u, -n). Normals are turned by the scene-to-ENU rotation at the tile centre.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include <Eigen/Core>
#include <Eigen/Geometry>

#include "cim/geo/transform.h"
#include "cim/geometry/aabb.h"
#include "cim/geometry/mesh.h"

namespace cim::tiles3d::detail {

/// A tile's frame: the scene point it is centred on and its ENU frame there.
struct TileFrame {
  Eigen::Vector3d centre = Eigen::Vector3d::Zero();             ///< scene CRS
  Eigen::Isometry3d enuToEcef = Eigen::Isometry3d::Identity();  ///< ENU metres at `centre` -> ECEF (EPSG:4978)
};

/// ENU (e, n, u) in glTF's Y-up axes (e, u, -n), as float.
Eigen::Vector3f toGltf(const Eigen::Vector3d& enu);
/// glTF Y-up axes back to ENU.
Eigen::Vector3d fromGltf(const Eigen::Vector3f& gltf);

/// The frame at scene point `centre`; nullopt when PROJ cannot transform it to WGS 84.
std::optional<TileFrame> tileFrameAt(const geo::Transformer& toWgs84, const Eigen::Vector3d& centre);

/// The rotation taking scene-CRS directions to ENU directions near the frame's centre (for normals): the inverse
/// transpose of the Jacobian of scene -> ENU (central differences over ±1 m), its columns normalised. Identity when
/// PROJ cannot transform the points around the centre.
Eigen::Matrix3d normalRotation(const geo::Transformer& toWgs84, const TileFrame& frame);

/// A scene normal turned into the tile frame by `rotation` (normalRotation), unit length, in glTF axes. A zero normal
/// stays zero.
Eigen::Vector3f placeNormal(const Eigen::Matrix3d& rotation, const Eigen::Vector3f& sceneNormal);

/// The distinct positions of a mesh: `first` gets one vertex per distinct position (in order of first use), `slot[v]`
/// the index in `first` of vertex v's position. Flat-shaded meshes repeat a position at every face corner (a box has
/// 24 vertices at 8 positions), and each distinct position then goes through PROJ once. Positions are compared by
/// their float bits, so the result is exactly what transforming every vertex gives.
void distinctPositions(const std::vector<Eigen::Vector3f>& positions, std::vector<std::uint32_t>& first,
                       std::vector<std::uint32_t>& slot);

/// A mesh's vertices in a tile frame. Reused from mesh to mesh (its vectors keep their room).
struct PlacedPositions {
  std::vector<Eigen::Vector3f> distinct;  ///< each distinct position in the tile frame, glTF axes
  std::vector<std::uint32_t> slot;        ///< vertex v is at distinct[slot[v]]
  geometry::Aabb box;                     ///< bounds of `distinct` in ENU axes (as the floats are written)
  double maxDistanceMeters = 0.0;         ///< largest distance of a vertex from the frame's origin (before rounding)
  std::vector<std::uint32_t> first;       ///< scratch
  std::vector<Eigen::Vector3d> points;    ///< scratch
  std::vector<Eigen::Vector3d> columns;   ///< scratch: distinct (x, y)
  std::vector<std::uint32_t> columnFirst, columnOf, table;  ///< scratch
};

/// Places every vertex of `mesh` (world positions, scene CRS) in the tile frame whose inverse is `ecefToEnu`; fills
/// `out`. Returns how many distinct positions PROJ could not transform to WGS 84 (0 on success; `out` is then not
/// usable).
std::size_t placePositions(const geometry::Mesh& mesh, const geo::Transformer& toWgs84, const Eigen::Isometry3d& ecefToEnu,
                           PlacedPositions& out);

}  // namespace cim::tiles3d::detail
