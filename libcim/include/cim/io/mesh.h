#pragma once
// io/mesh: polygon meshes through Assimp (OBJ, glTF/GLB, FBX, DAE, PLY, STL and the other formats Assimp reads),
// placed into a scene CRS by an origin and a rotation.

#include <filesystem>
#include <optional>

#include <Eigen/Core>

#include "cim/core/progress.h"
#include "cim/core/result.h"
#include "cim/geo/crs.h"
#include "cim/model/scene.h"

namespace cim::io {

enum class UpAxis { Y, Z };

/// Where a mesh file's local coordinates go. The file's units are taken as metres times `scale`.
/// A model vertex v (after the up axis is made +Z) lands at origin + Rz(rotationDegrees) * (scale * v),
/// where x is easting, y northing, z height in `crs`.
struct MeshPlacement {
  std::optional<geo::Crs> crs;                           ///< CRS of the origin; nullopt keeps the scene local
  Eigen::Vector3d originMeters = Eigen::Vector3d::Zero();  ///< easting, northing, height of the model's (0,0,0)
  double rotationDegrees = 0.0;  ///< counter-clockwise about +Z, turning the model's +X away from grid east
  std::optional<UpAxis> upAxis;  ///< default: Y for glTF/GLB/OBJ/DAE/FBX (FBX: its own header), Z for STL/PLY
  double scale = 1.0;            ///< model units to metres (FBX centimetres are converted before this)
  /// Whether originMeters was chosen by the user. When false and `crs` is set, a model without its own georeference
  /// is refused (InvalidArgument naming LoadOptions::origin) rather than put at the CRS's false origin (E 0, N 0).
  bool originGiven = true;
};

/// The one-line error for a local model (`what`, e.g. "a local mesh") given a scene CRS but no origin.
Diagnostic localModelWithoutOrigin(const std::string& what, const std::string& source);

/// True for file extensions readMesh accepts.
bool isMeshFile(const std::filesystem::path& path);

/// Reads a mesh file into a scene with one layer named after the file; one element per node that has meshes
/// (kind "mesh", name from the node), one shape per mesh with its material's base colour.
///
/// A GLB/glTF written by libcim carries its own georeference (asset.extras.cim: crs, origin); it is used instead of
/// `placement`, which then only supplies a CRS when the file has none.
/// Fails (FileNotFound, FileUnreadable, EmptyFile, CorruptFile, NoGeometry) with one diagnostic naming the file;
/// point and line primitives are skipped with a PrimitiveSkipped warning that counts them.
Result<model::Scene> readMesh(const std::filesystem::path& path, const MeshPlacement& placement = {},
                              const ProgressFn& progress = {});

}  // namespace cim::io
