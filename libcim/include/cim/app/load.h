#pragma once
// app: the operations the CLI and the Python bindings call, as plain functions.

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>

#include "cim/core/progress.h"
#include "cim/core/result.h"
#include "cim/io/mesh.h"
#include "cim/io/pipes.h"
#include "cim/io/terrain.h"
#include "cim/model/scene.h"

namespace cim::app {

/// How inputs without their own georeference are placed, and which CRS the scene is in.
struct LoadOptions {
  /// Scene CRS and CRS of `origin` (any definition PROJ knows, e.g. "EPSG:4549+5737"). When empty, the scene takes
  /// the CRS of the first georeferenced input, or stays local.
  std::string crs;
  /// Easting, northing, height (in `crs`) where a local model's (0,0,0) goes.
  std::optional<Eigen::Vector3d> origin;
  double rotationDegrees = 0.0;
  std::optional<io::UpAxis> upAxis;
  double scale = 1.0;
  /// CRS of inputs that carry none (EPANET/SWMM .inp, CSV tables without .prj); empty: `crs`. Pipe networks are
  /// built in metres, so with a US-foot input CRS the scene CRS (`crs`) must be a metric one.
  std::string inputCrs;
  /// Pipe survey tables: the point table of a CSV/GeoJSON/Shapefile line table (default: found by name, LINE→POINT).
  std::filesystem::path pipePointTable;
  /// Pipe survey tables: JSON field mapping (see io::PipeOptions::fieldMapping).
  std::filesystem::path pipeFieldMapping;
  /// Pipe survey tables: type code when no field or layer name gives one (e.g. "RQ").
  std::string pipeType;
  /// Ground heights for pipe points without Surf_H (scene CRS x, y -> height), e.g. a terrain's heightAt.
  std::function<std::optional<double>(double x, double y)> terrainHeight;
  /// Raster DEMs (GeoTIFF...): the TIN's guaranteed maximum vertical error in metres (see io::TerrainOptions).
  double terrainMaxErrorMeters = io::kDefaultTerrainMaxErrorMeters;
};

/// Loads every input into one scene, reprojecting georeferenced inputs into the scene CRS vertex by vertex.
/// Fails on the first input that cannot be read, with that input's diagnostic (naming the file); warnings of all
/// inputs accompany a success.
Result<model::Scene> loadScene(const std::vector<std::filesystem::path>& inputs, const LoadOptions& options,
                               const ProgressFn& progress = {});

/// loadScene for writers (convert, tile): fails with NoGeometry, "nothing to <what>: ...", naming the inputs, when the
/// scene holds no triangles.
Result<model::Scene> loadGeometry(const std::vector<std::filesystem::path>& inputs, const LoadOptions& options,
                                  std::string_view what, const ProgressFn& progress = {});

/// Places a local (not georeferenced) scene: every mesh rotated by placement.rotationDegrees about +Z and moved to
/// placement.originMeters; the scene takes placement.crs.
void placeLocalScene(model::Scene& scene, const io::MeshPlacement& placement);

/// Pipe inputs (io::isPipeFile): the io::PipeOptions that loadScene uses for them. Fails with UnknownCrs when a CRS
/// option cannot be resolved.
Result<io::PipeOptions> pipeOptions(const LoadOptions& options);

/// A short human name of an input's format from its extension, e.g. "Wavefront OBJ".
std::string formatName(const std::filesystem::path& path);

}  // namespace cim::app
