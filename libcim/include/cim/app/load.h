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
#include "cim/io/formats.h"
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
  /// Buildings (CityGML, CityJSON, footprints): the LoD to draw (empty: each object's highest), the footprints'
  /// height / storey / ground fields (empty: by their common names) and storey height (see io::CityOptions).
  std::string lod;
  std::string heightField, storeysField, groundField;
  double storeyHeightMeters = io::kDefaultStoreyHeightMeters;
  /// Text encoding of CSV and Shapefile attributes (pipe tables, site features, footprints, registers), an iconv
  /// name such as "GB18030", "GBK", "BIG5", "UTF-8"; empty detects it (valid UTF-8, else GB18030; a Shapefile's .cpg
  /// or DBF language driver id). Files read in another encoding than UTF-8 get a note naming it.
  std::string encoding;
  /// Registers joined onto the loaded elements, in order, after every input is merged (see io::joinTable).
  std::vector<io::JoinSpec> joins;
};

/// Loads every input into one scene, reprojecting georeferenced inputs into the scene CRS vertex by vertex.
/// Fails on the first input that cannot be read, with that input's diagnostic (naming the file); warnings of all
/// inputs accompany a success.
Result<model::Scene> loadScene(const std::vector<std::filesystem::path>& inputs, const LoadOptions& options,
                               const ProgressFn& progress = {});

/// Takes each element loadScene would put in its scene, with its layer, id and coordinates as there. A failure stops
/// the load with that failure.
using ElementSink = std::function<Status(const std::string& layer, model::Element&& element)>;

/// What streamScene loaded: the scene CRS (as loadScene's scene would have it) and the elements handed on.
struct StreamedScene {
  std::optional<geo::Crs> crs;
  std::size_t elements = 0;
};

/// loadScene handing every element to `sink` as soon as it is in the scene CRS, instead of keeping the scene: an IFC
/// input is read a window of products at a time (io::readIfcWindows), each window placed or reprojected as loadScene
/// would and handed on, so memory holds a window, not the model; other inputs are read whole, then handed on. Elements,
/// ids, layers, CRS and diagnostics are loadScene's. Registers (LoadOptions::joins) need every element at once: with
/// joins it fails with InvalidArgument (use loadScene).
Result<StreamedScene> streamScene(const std::vector<std::filesystem::path>& inputs, const LoadOptions& options,
                                  const ElementSink& sink, const ProgressFn& progress = {});

/// loadScene for writers (convert, tile): fails with NoGeometry, "nothing to <what>: ...", naming the inputs, when the
/// scene holds no triangles.
Result<model::Scene> loadGeometry(const std::vector<std::filesystem::path>& inputs, const LoadOptions& options,
                                  std::string_view what, const ProgressFn& progress = {});

/// The NoGeometry error of loadGeometry: "nothing to <what>: the input holds no triangle geometry", naming the inputs.
Diagnostic nothingTo(std::string_view what, const std::vector<std::filesystem::path>& inputs);

/// Places a local (not georeferenced) scene: every mesh rotated by placement.rotationDegrees about +Z and moved to
/// placement.originMeters; the scene takes placement.crs.
void placeLocalScene(model::Scene& scene, const io::MeshPlacement& placement);

/// The reader options of `options` (CRSs resolved through PROJ). Fails with UnknownCrs when a CRS cannot be resolved.
Result<io::ReadOptions> readOptions(const LoadOptions& options);

/// One input read by the format the table (cim/io/formats.h) gives it, with a note on the placement options that
/// format does not read when they were given.
Result<io::InputRead> readInput(const std::filesystem::path& path, const io::ReadOptions& readOptions,
                                const LoadOptions& options, const ProgressFn& progress = {});

/// Merges an input's scene into `scene` (loadScene's step per input): `takeItsCrs` gives `scene` the part's CRS
/// first (the first input when no scene CRS was chosen); reprojection notes are added to `diags` naming `path`.
/// Fails as model::mergeInto, naming `path`.
Status mergeInput(model::Scene& scene, model::Scene&& part, bool takeItsCrs, const std::filesystem::path& path,
                  std::vector<Diagnostic>& diags);

/// Joins options.joins onto `scene` in order, their reports as diagnostics into `diags`. Fails on the first register
/// that cannot be read (its diagnostic).
Status applyJoins(model::Scene& scene, const LoadOptions& options, std::vector<Diagnostic>& diags);

/// A short human name of an input's format, e.g. "Wavefront OBJ", "GeoJSON site features" (from the format table).
std::string formatName(const std::filesystem::path& path);

}  // namespace cim::app
