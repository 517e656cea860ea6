// The QA rules of a pipe network (see qa.h), one function per rule.
#include "io/pipes/qa.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <tuple>

#include "cim/model/pipe_element.h"
#include "core/text.h"

namespace cim::io::pipes {

std::string formatNumber(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

namespace {

using Vec3 = Eigen::Vector3d;
const auto fmt = [](double v, int decimals = 3) { return formatNumber(v, decimals); };

std::string joined(const std::vector<std::string>& ids) {
  std::string s;
  for (const auto& id : ids) s += (s.empty() ? "" : ", ") + id;
  return s;
}

std::string sectionText(const model::PipeSection& s) {
  if (s.shape == model::PipeSection::Shape::Circular) return "DN" + fmt(s.outerDiameterMeters * 1000.0, 0);
  return fmt(s.widthMeters * 1000.0, 0) + "×" + fmt(s.heightMeters * 1000.0, 0);
}

// The ends of built lines at each point of a group, per class: (group, point id, class) -> (built index, the line's
// own depth at that end).
struct LineEnd {
  std::size_t built;
  std::optional<double> depth;
};
using EndsAtPoints = std::map<std::tuple<int, std::string, model::PipeClass>, std::vector<LineEnd>>;

EndsAtPoints endsAtPoints(const RawNetwork& net, const std::vector<BuiltLine>& built) {
  EndsAtPoints at;
  for (std::size_t k = 0; k < built.size(); ++k) {
    const auto& l = net.lines[built[k].line];
    if (!l.startId.empty()) at[{l.group, l.startId, l.segment.type.cls}].push_back({k, l.startDepth});
    if (!l.endId.empty()) at[{l.group, l.endId, l.segment.type.cls}].push_back({k, l.endDepth});
  }
  return at;
}

// Runs `differs(first end, other end)` over the lines meeting at each point of one class (survey tables only);
// reports the first line that differs from the first one at the point, once per point, unless the point's feature
// names `exempt` (跌水, 变径, 变材). `differs` returns the message's subject ("depth 1.200 m (vs 1.000 m)") or "".
template <class Differs>
void checkAtPoints(const RawNetwork& net, const std::vector<BuiltLine>& built, PipeFindingKind kind,
                   const std::string& exempt, Differs&& differs, std::vector<PipeFinding>& findings) {
  if (net.format != PipeFormat::SurveyTables) return;
  std::map<std::pair<int, std::string>, std::string> features;
  for (const auto& p : net.points) features.emplace(std::make_pair(p.group, p.id), p.feature);
  for (const auto& [key, ends] : endsAtPoints(net, built)) {
    if (ends.size() < 2) continue;
    const auto& [group, pointId, cls] = key;
    auto f = features.find({group, pointId});
    if (f != features.end() && f->second.find(exempt) != std::string::npos) continue;
    const auto& first = net.lines[built[ends[0].built].line];
    for (std::size_t j = 1; j < ends.size(); ++j) {
      const auto& other = net.lines[built[ends[j].built].line];
      const std::string what = differs(ends[0], first, ends[j], other);
      if (what.empty()) continue;
      findings.push_back({kind, other.table, other.row, other.segment.id, {pointId}, first.row,
                          what + " at point " + pointId + " differs from row " + std::to_string(first.row)});
      break;
    }
  }
}

}  // namespace

void checkDuplicateLines(const RawNetwork& net, std::vector<PipeFinding>& findings) {
  std::map<std::tuple<int, std::string, std::string>, std::size_t> seen;
  for (std::size_t i = 0; i < net.lines.size(); ++i) {
    const auto& l = net.lines[i];
    if (l.startId.empty() || l.endId.empty() || l.startId == l.endId) continue;
    const bool forward = l.startId < l.endId;
    const auto key = std::make_tuple(l.group, forward ? l.startId : l.endId, forward ? l.endId : l.startId);
    auto [it, inserted] = seen.emplace(key, i);
    if (inserted) continue;
    const auto& first = net.lines[it->second];
    const bool reversed = first.startId != l.startId;
    findings.push_back({reversed ? PipeFindingKind::ReversedDuplicate : PipeFindingKind::DuplicateLine, l.table,
                        l.row, l.segment.id, {l.startId, l.endId}, first.row,
                        std::string(reversed ? "reverses" : "repeats") + " row " + std::to_string(first.row) + " (" +
                            first.startId + " → " + first.endId + ")"});
  }
}

std::vector<std::string> checkMissingPoints(const RawNetwork& net, const RawLine& l, const RawPoint* start,
                                            const RawPoint* end, std::vector<PipeFinding>& findings) {
  std::vector<std::string> missing;
  if (!net.hasPointTable) return missing;
  if (!start && !l.startId.empty()) missing.push_back(l.startId);
  if (!end && !l.endId.empty()) missing.push_back(l.endId);
  if (!missing.empty())
    findings.push_back({PipeFindingKind::MissingPoint, l.table, l.row, l.segment.id, missing, -1,
                        "line end(s) not in the point table: " + joined(missing)});
  return missing;
}

bool checkZeroLength(const RawLine& l, double planLength, std::vector<PipeFinding>& findings) {
  const bool sameIds = !l.startId.empty() && l.startId == l.endId;
  const bool ownZ = l.hasZ && l.geometry.size() >= 2;
  const double dz = ownZ ? std::abs(l.geometry.back().z() - l.geometry.front().z()) : 0.0;
  if (!sameIds && !(planLength < 1e-3 && dz < 1e-3)) return false;
  findings.push_back({PipeFindingKind::ZeroLength, l.table, l.row, l.segment.id, {l.startId, l.endId}, -1,
                      sameIds ? "starts and ends at the same point" : "its ends are less than 1 mm apart"});
  return true;
}

void checkLineDepthLimits(const RawLine& l, const PipeOptions& options, std::vector<PipeFinding>& findings) {
  for (const auto& [depth, atStart] : {std::pair{l.startDepth, true}, std::pair{l.endDepth, false}})
    if (depth && (*depth < 0 || *depth > options.maxDepthMeters))
      findings.push_back({PipeFindingKind::DepthBeyondLimit, l.table, l.row, l.segment.id,
                          {atStart ? l.startId : l.endId}, -1,
                          std::string(atStart ? "start" : "end") + " depth " + fmt(*depth) + " m is outside 0 … " +
                              fmt(options.maxDepthMeters, 1) + " m"});
}

void checkAboveGround(const RawLine& l, const std::vector<Vec3>& centreline, std::optional<double> groundStart,
                      std::optional<double> groundEnd, std::vector<PipeFinding>& findings) {
  const double half = l.segment.section.outerHeight() / 2.0;
  for (const auto& [ground, z, id] : {std::tuple{groundStart, centreline.front().z(), l.startId},
                                      std::tuple{groundEnd, centreline.back().z(), l.endId}})
    if (ground && z + half > *ground + 1e-3)
      findings.push_back({PipeFindingKind::AboveGround, l.table, l.row, l.segment.id, {id}, -1,
                          "top of pipe " + fmt(z + half) + " m is above the ground " + fmt(*ground) + " m at " + id});
}

void checkAgainstFlow(const RawLine& l, const std::vector<Vec3>& centreline, std::vector<PipeFinding>& findings) {
  if (!model::isGravity(l.segment.type)) return;
  const double innerHalf = l.segment.section.innerHeight() / 2.0;
  double up = centreline.front().z() - innerHalf, down = centreline.back().z() - innerHalf;
  if (l.segment.flowReversed) std::swap(up, down);
  if (down > up + 1e-3)
    findings.push_back({PipeFindingKind::AgainstFlow, l.table, l.row, l.segment.id, {l.startId, l.endId}, -1,
                        "invert rises along the flow from " + fmt(up) + " m to " + fmt(down) + " m"});
}

void checkDepthsAtPoints(const RawNetwork& net, const std::vector<BuiltLine>& built, const PipeOptions& options,
                         std::vector<PipeFinding>& findings) {
  checkAtPoints(
      net, built, PipeFindingKind::DepthDisagrees, "跌水",
      [&](const LineEnd& a, const RawLine&, const LineEnd& b, const RawLine&) -> std::string {
        if (!a.depth || !b.depth || std::abs(*a.depth - *b.depth) <= options.depthToleranceMeters) return {};
        return "depth " + fmt(*b.depth) + " m (vs " + fmt(*a.depth) + " m)";
      },
      findings);
}

void checkSizesAtPoints(const RawNetwork& net, const std::vector<BuiltLine>& built,
                        std::vector<PipeFinding>& findings) {
  checkAtPoints(
      net, built, PipeFindingKind::SizeDisagrees, "变径",
      [](const LineEnd&, const RawLine& a, const LineEnd&, const RawLine& b) -> std::string {
        if (model::sameOuterSection(a.segment.section, b.segment.section)) return {};
        return "size " + sectionText(b.segment.section) + " (vs " + sectionText(a.segment.section) + ")";
      },
      findings);
}

void checkMaterialsAtPoints(const RawNetwork& net, const std::vector<BuiltLine>& built,
                            std::vector<PipeFinding>& findings) {
  checkAtPoints(
      net, built, PipeFindingKind::MaterialDisagrees, "变材",
      [](const LineEnd&, const RawLine& a, const LineEnd&, const RawLine& b) -> std::string {
        const auto& ma = a.segment.material;
        const auto& mb = b.segment.material;
        if (ma.empty() || mb.empty() || cim::detail::iequals(ma, mb)) return {};
        return "material " + mb + " (vs " + ma + ")";
      },
      findings);
}

}  // namespace cim::io::pipes
