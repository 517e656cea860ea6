#pragma once
// io/pipes internals: from surveyed depths (or node elevations, or a line's own Z) to the heights of a pipe's
// centreline. CJJ 61: elevation of the depth reference = ground − depth; the centreline is half the inner height
// above an inside-bottom reference or half the outer height below an outer-top reference.

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "io/pipes/network.h"

namespace cim::io::pipes {

/// Heights of a line's depth reference at its two ends, and what the reference is.
struct LineHeights {
  model::DepthReference reference = model::DepthReference::Centreline;
  double start = 0.0, end = 0.0;  ///< heights of the reference at the two ends (metres, input vertical datum)
  bool fromOwnZ = false;          ///< the line's own Z is the centreline (no depths given)
};

/// The depth reference of a line: its zReference (EPANET/SWMM), else options.depthReference for its type code or
/// class code, else the CJJ 61 default of its type.
model::DepthReference depthReferenceOf(const RawLine& line, const PipeOptions& options);

/// The heights of a line's depth reference: node elevations (startZ/endZ) when given; else ground − depth at both
/// ends (the line's S_Deep/E_Deep, else the points' 埋深), the ground from `groundStart`/`groundEnd`; else the line's
/// own Z. The reason the line cannot be placed when none of these is complete.
std::variant<LineHeights, std::string> lineHeights(const RawLine& line, const RawPoint* start, const RawPoint* end,
                                                   std::optional<double> groundStart, std::optional<double> groundEnd,
                                                   const PipeOptions& options);

/// The centreline in the input CRS: the plan vertices `xy` with heights interpolated by plan length between the two
/// ends' centreline heights (reference height + the section's offset), or the line's own 3D vertices.
std::vector<Eigen::Vector3d> centrelineOf(const RawLine& line, const std::vector<Eigen::Vector2d>& xy,
                                          const LineHeights& heights);

}  // namespace cim::io::pipes
