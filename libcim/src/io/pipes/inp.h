#pragma once
// io/pipes internals: EPANET and SWMM .inp files. inp.cpp reads what both share (sections, units, coordinates,
// nodes, links); epanet.cpp and swmm.cpp read their own links.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "io/pipes/network.h"

namespace cim::io::pipes::inp {

inline constexpr double kFoot = 0.3048;
inline constexpr double kInch = 0.0254;

/// A data line of a section: its 1-based line number and its whitespace-separated tokens (';' comments removed).
struct Line {
  std::int64_t number = 0;
  std::vector<std::string> tokens;
};

/// An .inp file being read into a RawNetwork: its sections, units and what the nodes gave.
struct File {
  std::string table;                                  ///< the file, as diagnostics name it
  std::map<std::string, std::vector<Line>> sections;  ///< "[PIPES]" -> lines in order
  bool us = true;                     ///< US customary units (feet, inches); else SI (metres, millimetres)
  bool offsetsAreElevations = false;  ///< SWMM LINK_OFFSETS ELEVATION
  model::PipeType type;               ///< JS for EPANET, PS for SWMM
  std::map<std::string, Eigen::Vector2d> coordinates;               ///< [COORDINATES]
  std::map<std::string, std::vector<Eigen::Vector2d>> vertices;     ///< [VERTICES] by link
  std::map<std::string, std::size_t> nodeIndex;                     ///< node id -> RawNetwork::points index
  std::map<std::string, double> nodeZ;                              ///< node id -> elevation / invert (metres)

  /// Metres per length unit of the file.
  double lengthUnit() const { return us ? kFoot : 1.0; }
  /// The lines of a section (empty when the file has none).
  const std::vector<Line>& section(const std::string& name) const;
};

/// Token i as a number (a unit suffix allowed); nullopt when absent or not a number.
std::optional<double> number(const std::vector<std::string>& tokens, std::size_t i);

/// A warning naming the line, counted as a skipped row.
void warn(RawNetwork& net, const File& file, std::int64_t line, const std::string& message);

/// Reads the nodes of `section` as points of `kind` ("junction", "tank", ...) at their elevation; with
/// `hasMaxDepth` (SWMM junctions) their rim is elevation + MaxDepth and junctions become wells.
void readNodes(File& file, RawNetwork& net, const std::string& section, const char* kind, bool hasMaxDepth);

/// Adds a link from node `from` to node `to` with its section and the heights of its depth reference at the two
/// ends; its geometry is the two nodes with the link's [VERTICES] between. False (with a warning) when a node is
/// missing or has no coordinates.
bool addLink(const File& file, RawNetwork& net, const Line& line, const std::string& from, const std::string& to,
             model::PipeSection section, std::optional<double> zFrom, std::optional<double> zTo,
             model::DepthReference reference);

/// EPANET: [JUNCTIONS], [TANKS], [RESERVOIRS] as nodes, [PIPES] as links (diameters in inches or millimetres,
/// centreline at the node elevations).
void readEpanet(File& file, RawNetwork& net);

/// SWMM: [JUNCTIONS], [OUTFALLS], [DIVIDERS], [STORAGE] as nodes, [CONDUITS] with their [XSECTIONS] as links
/// (inside bottom at the node invert plus the link offset).
void readSwmm(File& file, RawNetwork& net);

}  // namespace cim::io::pipes::inp
