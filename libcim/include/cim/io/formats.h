#pragma once
// io/formats: the one table of input formats. A file is sniffed once (extension, and for vector data its layers,
// field names and first rows, through one GDAL open), the first format of the table that accepts the sniff reads it,
// and every command that loads (`cim convert`, `cim tiles`, `cim info`) goes through the same table, so a file is
// read the same way by all of them. Adding a format is one entry in formats() (see docs/adding-a-reader.md).
//
// Order of the table, which decides between formats that share an extension: IFC; CityGML (.gml/.xml in a CityGML
// namespace) and CityJSON (.json of "type": "CityJSON"); site features (GeoJSON,
// GeoPackage, CSV whose layer / file name or kind field names a site kind); pipe networks (EPANET/SWMM .inp, and
// tables whose fields or layer names are those of CJJ 61); building footprints (vector
// layers with a height or storey-count field); raster DEMs; meshes (Assimp), which also take every
// file nothing else accepted and say why they cannot read it.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cim/core/progress.h"
#include "cim/core/result.h"
#include "cim/io/city.h"
#include "cim/io/ifc.h"
#include "cim/io/mesh.h"
#include "cim/io/pipes.h"
#include "cim/io/site.h"
#include "cim/io/sniff.h"
#include "cim/io/terrain.h"
#include "cim/model/scene.h"

namespace cim::io {

/// The options a reader can take. A format lists those it reads (Format::reads); loading warns about the others
/// when they are given (Format::ignoredNote).
enum ReadOption : std::uint32_t {
  kSceneCrs = 1u << 0,         ///< the scene CRS: where results go
  kInputCrs = 1u << 1,         ///< the CRS of inputs that carry none
  kOrigin = 1u << 2,           ///< where a local model's (0,0,0) goes
  kRotation = 1u << 3,         ///< degrees about up
  kUpAxis = 1u << 4,           ///< the model's up axis
  kScale = 1u << 5,            ///< model units to metres
  kTerrainMaxError = 1u << 6,  ///< TIN error of raster DEMs
  kPipeTables = 1u << 7,       ///< point table, field mapping, type code of pipe tables
  kGroundHeight = 1u << 8,     ///< ground heights where the input has none
};

/// Where a reader puts what it reads.
enum class ReadFrame {
  Scene,        ///< into the scene CRS, local models placed (loading for convert and tiles)
  File,         ///< IFC: in the file's own georeference, a local model left local (`cim info`); others as Scene
  Engineering,  ///< IFC: in its engineering frame, before any map conversion (`cim info --elements`); others as Scene
};

/// Everything a reader may be given; each format reads its part.
struct ReadOptions {
  /// Scene CRS (placement.crs), and the placement of local models: origin, rotation, up axis, scale.
  MeshPlacement placement;
  /// Whether the user placed the models (an origin was given): an IFC file then ignores its own georeference.
  bool originGiven = false;
  ReadFrame frame = ReadFrame::Scene;
  PipeOptions pipes;      ///< pipe networks (sceneCrs, inputCrs, tables, terrainHeight)
  double terrainMaxErrorMeters = kDefaultTerrainMaxErrorMeters;
  /// Ground height at scene easting, northing; for site features without a top height and footprints without a
  /// ground field.
  GroundHeightFn groundHeight;
  /// The CRS groundHeight takes x, y in when it is not the scene CRS (a DEM's own, when no scene CRS was given).
  std::optional<geo::Crs> groundHeightCrs;
  /// Buildings (CityGML, CityJSON, footprints): LoD, height / storey / ground fields, storey height.
  CityOptions city;
  /// Text encoding of CSV and Shapefile attributes (an iconv name); empty detects it (see app::LoadOptions::encoding).
  std::string encoding;
};

/// What a format's reader gives: the scene, and what the reader knows beyond it for `cim info`.
struct InputRead {
  model::Scene scene;
  /// IFC: schema, application, classes, openings, georeference (its scene moved into `scene`).
  std::optional<IfcReadResult> ifc;
  /// Pipe networks: format, counts, QA report (its scene moved into `scene`).
  std::optional<PipeReadResult> pipes;
  /// Buildings: format and counts (its scene moved into `scene`).
  std::optional<CityReadResult> city;
};

struct Format {
  std::string_view id;           ///< "ifc", "site", "pipes", "terrain", "mesh"
  std::string_view description;  ///< for --help: what it reads, with extensions
  std::uint32_t reads = 0;       ///< ReadOption bits
  /// Said (with the list of options) when options of kOrigin, kRotation, kUpAxis, kScale it does not read are
  /// given, e.g. "IFC declares its own units and Z up"; empty: nothing is said.
  std::string_view ignoredNote;
  bool (*accepts)(const Sniff&) = nullptr;
  /// A short human name of the file's format, e.g. "GeoJSON site features", "SWMM input (.inp)".
  std::string (*name)(const Sniff&) = nullptr;
  Result<InputRead> (*read)(const Sniff&, const ReadOptions&, const ProgressFn&) = nullptr;
};

/// The table, in the order formats are tried.
const std::vector<Format>& formats();

/// The first format of the table that accepts the sniff (meshes accept everything left).
const Format& formatFor(const Sniff& sniff);

/// The IFC reader's options for reading into a scene with `options`: the file's own georeference unless the user
/// places the model (an origin given) or inspects its engineering frame.
IfcOptions ifcOptionsFor(const ReadOptions& options);

/// What the IFC format does with (a window of) a model read with ifcOptionsFor(options): a model without georeference
/// (no CRS) is placed like a local mesh when a scene CRS is given (fails naming `path` and LoadOptions::origin when
/// no origin is); in the engineering frame or without a scene CRS it stays as it is.
Status placeIfcScene(model::Scene& scene, const ReadOptions& options, const std::filesystem::path& path);

/// The warning that the user's origin overrides the file's own georeference, when it does.
std::optional<Diagnostic> ifcOriginOverrides(const IfcReadResult& read, const ReadOptions& options,
                                             const std::filesystem::path& path);

/// "IFC (.ifc); site features (...); ..." for help texts: one line per format.
std::string formatsHelp();

}  // namespace cim::io
