#pragma once
// io/pipes internals: the QA rules of a pipe network, one function per rule. Each appends what it finds to
// `findings` (sorted by table, row and kind once all rules ran); none of them changes the network.

#include <optional>
#include <string>
#include <vector>

#include "io/pipes/network.h"

namespace cim::io::pipes {

/// A line that became a pipe: its index in RawNetwork::lines and its segment in the scene CRS.
struct BuiltLine {
  std::size_t line = 0;
  model::PipeSegment segment;
};

/// Duplicate and reversed-duplicate lines: a second line between the same two points of a group (every line with
/// both point numbers, before anything is skipped).
void checkDuplicateLines(const RawNetwork& net, std::vector<PipeFinding>& findings);

/// Missing point: line ends whose point number is not in the point table (only when there is one). Returns the
/// missing ids.
std::vector<std::string> checkMissingPoints(const RawNetwork& net, const RawLine& line, const RawPoint* start,
                                            const RawPoint* end, std::vector<PipeFinding>& findings);

/// Zero length: a line that starts and ends at the same point number, or whose ends are < 1 mm apart (in plan,
/// and in height when the line has its own Z). True when the line has zero length.
bool checkZeroLength(const RawLine& line, double planLength, std::vector<PipeFinding>& findings);

/// Depth beyond limit: a surveyed line depth (S_Deep/E_Deep) below 0 or beyond options.maxDepthMeters.
void checkLineDepthLimits(const RawLine& line, const PipeOptions& options, std::vector<PipeFinding>& findings);

/// Above ground: the top of the pipe above the ground height at an end (1 mm tolerance).
void checkAboveGround(const RawLine& line, const std::vector<Eigen::Vector3d>& centreline,
                      std::optional<double> groundStart, std::optional<double> groundEnd,
                      std::vector<PipeFinding>& findings);

/// Against flow: a gravity pipe (drainage) whose invert rises along its flow (FlowDir, else start → end) by more
/// than 1 mm.
void checkAgainstFlow(const RawLine& line, const std::vector<Eigen::Vector3d>& centreline,
                      std::vector<PipeFinding>& findings);

/// Lines of one class meeting at a point (survey tables only: in a hydraulic model a change at a node is the
/// model, not a survey error). At most one finding per point and rule, against the first line at the point:
///  - depths differing by more than options.depthToleranceMeters (not at 跌水 drop points);
void checkDepthsAtPoints(const RawNetwork& net, const std::vector<BuiltLine>& built, const PipeOptions& options,
                         std::vector<PipeFinding>& findings);
///  - different sections (not at 变径 reducers);
void checkSizesAtPoints(const RawNetwork& net, const std::vector<BuiltLine>& built,
                        std::vector<PipeFinding>& findings);
///  - different materials, ignoring ASCII case (not at 变材 points).
void checkMaterialsAtPoints(const RawNetwork& net, const std::vector<BuiltLine>& built,
                            std::vector<PipeFinding>& findings);

/// "%.*f" of a number, for messages.
std::string formatNumber(double value, int decimals = 3);

}  // namespace cim::io::pipes
