#pragma once
// io/pipes internals: every reader (survey tables, EPANET, SWMM) fills a RawNetwork in the input's CRS; build()
// turns it into pipe and well elements in the scene CRS and runs the QA checks.

#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>

#include "cim/io/pipes.h"
#include "cim/io/sniff.h"
#include "cim/model/element.h"
#include "core/text.h"

namespace cim::io::pipes {

/// A point of a point table or a network node. xy in the input CRS's units, heights in metres.
struct RawPoint {
  int group = 0;  ///< points and lines are matched by id within a group (a line layer and its point layer)
  std::string id;
  std::string table;
  std::int64_t row = -1;
  Eigen::Vector2d xy = Eigen::Vector2d::Zero();
  std::optional<double> ground;     ///< Surf_H, or a SWMM rim
  std::optional<double> depth;      ///< 埋深 at the point
  std::optional<double> wellDepth;  ///< 井深
  std::string feature;              ///< 特征 and 附属物 texts, joined
  std::string coverSize;
  model::PipeType type;
  bool isWell = false;
  model::Attributes attributes;
};

/// A line of a line table or a network link.
struct RawLine {
  int group = 0;
  std::string table;
  std::int64_t row = -1;
  std::string startId, endId;
  /// The line's own vertices (input CRS, z metres when hasZ); empty for tables without geometry.
  std::vector<Eigen::Vector3d> geometry;
  bool hasZ = false;
  std::optional<double> startDepth, endDepth;
  /// Heights of the depth reference given directly (EPANET node elevations, SWMM inverts), metres.
  std::optional<double> startZ, endZ;
  std::optional<model::DepthReference> zReference;  ///< what startZ/endZ are; default: the type's reference
  std::string sizeText;
  model::PipeSegment segment;  ///< everything but the centreline: section, type, material, pressure, ...
  model::Attributes attributes;
};

struct RawNetwork {
  PipeFormat format = PipeFormat::SurveyTables;
  std::optional<geo::Crs> crs;
  std::vector<RawPoint> points;
  std::vector<RawLine> lines;
  bool hasPointTable = false;  ///< whether missing line ends are QA findings
  std::vector<Diagnostic> diagnostics;
  std::vector<PipeFinding> findings;  ///< findings made while reading (e.g. depth limits on points)
  std::size_t skippedRows = 0;
  std::size_t tablesCutShort = 0;  ///< tables GDAL stopped reading before their end (reported as errors)
};

/// Reads CJJ 61 tables (or lines with Z) through OGR.
Result<RawNetwork> readSurveyTables(const std::filesystem::path& path, const PipeOptions& options);
/// Whether the sniffed layers of a vector file are pipe tables: a layer with S_Exp and E_Exp (起点点号/终点点号), or
/// Exp_No (物探点号), or a layer (or, for a single layer, file) name like RQLINE / WS_POINT / 燃气管线段.
bool looksLikeSurveyTables(const std::filesystem::path& path, const std::vector<VectorLayerSummary>& layers);
/// Reads an EPANET or SWMM .inp file.
Result<RawNetwork> readInp(const std::filesystem::path& path, const PipeOptions& options);
/// The same from a stream; `table` names it in diagnostics.
Result<RawNetwork> readInp(std::istream& in, const std::string& table, const PipeOptions& options);

/// Builds elements (when `meshes`) and the QA report.
Result<PipeReadResult> build(RawNetwork&& network, const PipeOptions& options, bool meshes,
                             const std::string& sourceName);

// Value parsing shared by the readers (fields.cpp).
using cim::detail::trim;  // ASCII and full-width (U+3000) blanks
/// A number with optional unit-like suffix letters ("1.2", "1.2m", "10kV", "0.4MPa"); nullopt when no number leads.
std::optional<double> parseNumber(std::string_view text);
/// A size in millimetres: "200", "DN200", "Φ200", "d200", "200mm" (circle), "1000×800", "1000x800", "1000*800"
/// (width × height). Fails (nullopt) for anything else.
struct ParsedSize {
  bool rectangular = false;
  double a = 0.0, b = 0.0;  ///< diameter, or width and height (mm)
};
std::optional<ParsedSize> parseSize(std::string_view text);
/// A pressure in MPa from "0.4", "0.4MPa", "400kPa"; nullopt for text classes.
std::optional<double> parsePressureMpa(std::string_view text);
/// A year from "2015", "2015-06-01", "2015/6", "201506".
std::optional<std::int64_t> parseYear(std::string_view text);
/// FlowDir: true when it says end → start ("-1", "-", "E->S", "反", "逆", "reverse").
bool flowReversed(std::string_view text);

}  // namespace cim::io::pipes
