#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "cim/core/diagnostic.h"
#include "cim/core/progress.h"
#include "cim/core/result.h"
#include "cim/geometry/aabb.h"
#include "cim/app/load.h"
#include "cim/io/pipes.h"

namespace cim::app {

struct LayerSummary {
  std::string name;
  std::size_t elements = 0;
};

struct FileInfo {
  std::filesystem::path path;
  std::string format;
  std::string crs;       ///< CRS definition, empty when the file is not georeferenced
  std::string crsName;   ///< PROJ's name of it
  std::string schema;    ///< IFC: FILE_SCHEMA; empty for other formats
  std::string application;  ///< IFC: the originating system
  std::string georeference; ///< IFC: where the CRS came from ("IfcMapConversion", "IfcSite"), empty if none
  std::string lengthUnit;   ///< IFC: the length unit the file's coordinates are in ("MILLIMETRE", "FOOT")
  double lengthUnitToMeters = 1.0;  ///< IFC: metres per length unit
  std::map<std::string, std::size_t> classes;  ///< IFC: products by class; others: elements by kind
  struct Openings {
    std::size_t cut = 0, notCut = 0;  ///< IfcRelVoidsElement openings cut from / left in their hosts
    std::size_t boxBodies = 0;        ///< opening bodies cut by the box fast path (the rest by corefinement)
  } openings;                         ///< IFC only
  std::size_t elements = 0;
  std::size_t shapes = 0;
  std::size_t triangles = 0;
  std::size_t vertices = 0;
  geometry::Aabb bounds;                         ///< in the file's CRS (or local metres)
  std::optional<Eigen::Vector3d> centerWgs84;    ///< longitude°, latitude°, ellipsoidal height of the bounds centre
  std::vector<LayerSummary> layers;
  std::vector<Diagnostic> diagnostics;           ///< warnings and infos from reading
  /// Pipe networks (io::isPipeFile): counts and the QA report.
  struct Pipes {
    std::string format;
    std::size_t pipes = 0, wells = 0, skippedRows = 0;
    io::PipeQaReport qa;
  };
  std::optional<Pipes> pipes;
};

/// What a file is: format, CRS, counts, bounds. Fails with the reader's error naming the file. `options` matter for
/// inputs without their own CRS (EPANET/SWMM: crs, inputCrs) and for pipe tables (point table, field mapping); with
/// `options.crs` every input (an IFC model too) is said in that CRS, placed or reprojected as loadScene does.
Result<FileInfo> info(const std::filesystem::path& path, const LoadOptions& options = {},
                      const ProgressFn& progress = {});

/// One element with geometry, as `cim info --elements` lists it. Coordinates in the file's own frame (for IFC the
/// engineering frame: metres, Z up, before any map conversion).
struct ElementInfo {
  std::string guid;
  std::string kind;
  std::string name;
  std::string storey;
  std::size_t triangles = 0;
  geometry::Aabb bounds;
  model::Attributes attributes;  ///< every attribute (property set values, survey fields ...), "Storey" too
};

/// Takes each element's description, in file order.
using ElementInfoSink = std::function<void(const ElementInfo&)>;

/// Every element in a file, in file order, handed to `sink` as soon as it is described; gives the diagnostics. An IFC
/// file in its own frame (no crs, origin, rotation, scale, up axis or join given) is streamed from the reader: memory
/// holds a window of elements, not the model, whatever the file's size. Other inputs are read whole first.
Status describeElements(const std::filesystem::path& path, const LoadOptions& options, const ElementInfoSink& sink,
                        const ProgressFn& progress = {});

/// Every element in a file, in file order; `options` as for info() (CRS of pipe tables and .inp files ...; with
/// `options.crs` the boxes are in that CRS rather than the file's own frame).
Result<std::vector<ElementInfo>> describeElements(const std::filesystem::path& path, const LoadOptions& options = {},
                                                 const ProgressFn& progress = {});

/// {"guid","class","name","storey","triangles","bbox":{"min":[x,y,z],"max":[x,y,z]},"properties":{name: value}} on one
/// line; property values typed as the element holds them (string, boolean, integer, number; null when absent).
std::string toJson(const ElementInfo& element);

/// One-line JSON object: {"file","format","crs","crsName","elements","shapes","triangles","vertices",
/// "bounds":{"min":[x,y,z],"max":[x,y,z]},"centerWgs84":[lon,lat,h],"layers":[...],"diagnostics":[...]}.
std::string toJson(const FileInfo& info);
/// JSON for a file that could not be read: {"file","error":{"code","message"}}.
std::string errorJson(const std::filesystem::path& path, const Diagnostic& error);
/// A few lines for people; with `listDiagnostics` one more per diagnostic (a caller that groups them says them itself).
std::string toText(const FileInfo& info, bool listDiagnostics = true);

}  // namespace cim::app
