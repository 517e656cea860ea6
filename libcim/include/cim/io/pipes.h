#pragma once
// io/pipes: underground pipe networks into a scene, in 3D and in the scene CRS.
//
// Inputs:
//  * CJJ 61 survey tables (管线点 point table + 管线段 line table) as GeoPackage, Shapefile, GeoJSON or CSV, read
//    through GDAL/OGR, with Chinese or English field names (docs/field-aliases.md lists them, with how a line table
//    finds its point table and its type class), anything else through a field-mapping JSON file
//    (PipeOptions::fieldMapping). X is the northing and Y the easting in CJJ 61 tables.
//  * Lines carrying their own Z (3D LineStrings) without depths: the Z is taken as the centreline height.
//  * EPANET .inp: junction elevations, tank elevations and reservoir heads as centreline heights (EPANET has no
//    burial depth); pipe diameters in inches (US flow units CFS, GPM, MGD, IMGD, AFD, with elevations in feet) or
//    millimetres (SI); coordinates from [COORDINATES] and [VERTICES]. Type JS.
//  * SWMM .inp: node inverts plus conduit offsets (LINK_OFFSETS DEPTH or ELEVATION) are the conduit's inside bottom;
//    [XSECTIONS] CIRCULAR / FORCE_MAIN as circles, RECT_CLOSED / RECT_OPEN / RECT_TRIANGULAR / RECT_ROUND as
//    rectangles, other shapes as their Geom1 (height) × Geom2 (width) box with a warning; FLOW_UNITS CFS, GPM, MGD →
//    feet, CMS, LPS, MLD → metres. Junctions become wells from the invert up to invert + MaxDepth. Type PS.
//    EPANET and SWMM files carry no CRS: PipeOptions::inputCrs must name it.
//
// Heights (CJJ 61): elevation of the depth reference = ground (Surf_H of the point, else PipeOptions::terrainHeight
// at the point) − depth (S_Deep/E_Deep of the line, else the point's 埋深). The centreline is then half the inner
// height above an inside-bottom reference (plus the wall when known) or half the outer height below an outer-top
// reference; the reference per type is model::defaultDepthReference unless PipeOptions::depthReference says
// otherwise.
//
// The output scene is in PipeOptions::sceneCrs, else in the input's CRS when that is projected in metres, else in
// the WGS 84 UTM zone of the data (with a warning): a scene is in metres, so a US-foot state plane or a geographic
// CRS is never used as the scene CRS. Every point is reprojected individually.

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cim/core/progress.h"
#include "cim/core/result.h"
#include "cim/geo/crs.h"
#include "cim/model/pipe.h"
#include "cim/model/scene.h"

namespace cim::io {

enum class PipeFormat : std::uint8_t { SurveyTables, Epanet, Swmm };
std::string_view pipeFormatName(PipeFormat f);

/// The kinds of QA finding on a pipe network.
enum class PipeFindingKind : std::uint8_t {
  ZeroLength,            ///< a line whose two ends coincide (same point id, or < 1 mm apart)
  DuplicateLine,         ///< a second line between the same two points in the same direction
  ReversedDuplicate,     ///< a second line between the same two points in the opposite direction
  MissingPoint,          ///< a line end not in the point table (the line is skipped unless it carries its own Z)
  DepthDisagrees,        ///< lines of one type meeting at a point give depths that differ by more than the tolerance
  SizeDisagrees,         ///< ... give different sizes (not reported at 变径 reducers)
  MaterialDisagrees,     ///< ... give different materials (not reported at 变材 points)
  DepthBeyondLimit,      ///< a depth below 0 or beyond PipeOptions::maxDepthMeters
  AboveGround,           ///< the top of the pipe above the ground (Surf_H) at an end
  AgainstFlow,           ///< a gravity pipe whose invert rises along its flow direction (FlowDir, else S→E)
};
inline constexpr std::size_t kPipeFindingKinds = 10;
/// Stable short name: "zero-length", "duplicate", "reversed-duplicate", "missing-point", "depth-disagrees",
/// "size-disagrees", "material-disagrees", "depth-beyond-limit", "above-ground", "against-flow".
std::string_view pipeFindingName(PipeFindingKind kind);

struct PipeFinding {
  PipeFindingKind kind = PipeFindingKind::ZeroLength;
  std::string table;                ///< file, and layer for multi-layer sources ("city.gpkg:RQLINE")
  std::int64_t row = -1;            ///< 1-based feature/row number in `table` (the line's, or the point's)
  std::string lineId;               ///< "S_Exp-E_Exp" or the link id
  std::vector<std::string> pointIds;
  std::int64_t otherRow = -1;       ///< the other line of a duplicate or disagreement
  std::string message;
};

struct PipeQaReport {
  std::vector<PipeFinding> findings;
  /// Number of findings per kind, indexed by PipeFindingKind.
  std::array<std::size_t, kPipeFindingKinds> counts() const;
  /// Findings of one kind.
  std::vector<PipeFinding> ofKind(PipeFindingKind kind) const;
};

/// One line of text per finding: "table row 12 (RQ001-RQ002): duplicate: ...".
std::string formatFinding(const PipeFinding& finding);

struct PipeOptions {
  /// CRS of inputs that carry none (EPANET, SWMM, CSV or Shapefile without .prj); a file's own CRS comes first.
  std::optional<geo::Crs> inputCrs;
  /// CRS of the output scene (projected, metres); see the header comment for the default.
  std::optional<geo::Crs> sceneCrs;
  /// Point table paired with a CSV/GeoJSON/Shapefile line table; empty: found by naming convention.
  std::filesystem::path pointTable;
  /// JSON field mapping: {"fields": {"S_Exp": "FROM_PT", "PSize": "DIAM", ...}, "scale": {"PSize": 1000},
  /// "typeCode": "RQ"}. Keys are the canonical CJJ 61 names (see fields.cpp); "scale" multiplies numeric values
  /// into the canonical unit (sizes mm, depths m, pressure MPa, voltage kV).
  std::filesystem::path fieldMapping;
  /// Type code used when neither a field nor the layer/file name gives one (e.g. "RQ"); empty: QT with a warning.
  std::string typeCode;
  /// Depth reference per class code ("PS", "RQ", ...) or subtype code ("WS"), overriding the CJJ 61 default.
  std::map<std::string, model::DepthReference> depthReference;
  /// Ground height (scene CRS, metres) at a scene-CRS point, for points without Surf_H; e.g. a terrain's heightAt.
  std::function<std::optional<double>(double x, double y)> terrainHeight;
  /// Largest distance between a mesh and the true pipe surface.
  double chordToleranceMeters = 0.01;
  /// Cut the ends of two pipes meeting at a point (same section, same height) on their bisector plane.
  bool mitreJoints = true;
  bool buildWells = true;
  /// Wells whose cover size is not given.
  double defaultWellDiameterMeters = 1.0;
  /// QA: depths beyond this are findings. 10 m is a plausibility limit of ours, not a CJJ 61 figure: open-cut urban
  /// networks lie well above it, and deeper pipes (jacked, bored) deserve a look.
  double maxDepthMeters = 10.0;
  /// QA: depths at a shared point differing by more than this disagree.
  double depthToleranceMeters = 0.05;
};

struct PipeReadResult {
  model::Scene scene;           ///< layer "pipes" (kind "pipe") and "wells" (kind "well")
  PipeQaReport qa;
  PipeFormat format = PipeFormat::SurveyTables;
  std::size_t pipes = 0, wells = 0;
  std::size_t skippedRows = 0;  ///< line and point rows reported and skipped
  std::string inputCrs;         ///< definition of the CRS the input was read in
};

/// True for .inp files and for tables (.gpkg, .shp, .geojson, .json, .csv) whose fields or layer names are those of
/// a pipe network (S_Exp/起点点号, Exp_No/物探点号, RQLINE-style layers). Opens the file.
bool isPipeFile(const std::filesystem::path& path);

/// Reads a pipe network. Fails (FileNotFound, UnsupportedFormat, UnknownCrs, CorruptFile, NoGeometry) with one
/// diagnostic naming the file; bad rows (missing depth, unparsable size, unknown type code, a point missing from
/// the point table, …) are warnings naming the table and row, skipped, and counted in skippedRows.
Result<PipeReadResult> readPipes(const std::filesystem::path& path, const PipeOptions& options = {},
                                 const ProgressFn& progress = {});

/// The QA report alone (reads the same input without building meshes).
Result<PipeQaReport> checkPipes(const std::filesystem::path& path, const PipeOptions& options = {});

}  // namespace cim::io
