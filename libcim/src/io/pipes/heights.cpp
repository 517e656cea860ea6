// Depth references to centreline heights (see heights.h).
#include "io/pipes/heights.h"

#include <cmath>

namespace cim::io::pipes {

namespace {

// Height of the centreline above the depth reference.
double centreOffset(model::DepthReference ref, const model::PipeSection& s) {
  switch (ref) {
    case model::DepthReference::InsideBottom: return s.innerHeight() / 2.0;
    case model::DepthReference::OuterTop: return -s.outerHeight() / 2.0;
    case model::DepthReference::Centreline: return 0.0;
  }
  return 0.0;
}

// The depth at one end: the line's own, else the point's; nullopt when neither is given.
std::optional<double> depthAt(const std::optional<double>& lineDepth, const RawPoint* point) {
  if (lineDepth) return lineDepth;
  if (point && point->depth) return point->depth;
  return std::nullopt;
}

}  // namespace

model::DepthReference depthReferenceOf(const RawLine& l, const PipeOptions& options) {
  if (l.zReference) return *l.zReference;
  if (auto it = options.depthReference.find(l.segment.type.code); it != options.depthReference.end()) return it->second;
  if (auto it = options.depthReference.find(std::string(model::classCode(l.segment.type.cls)));
      it != options.depthReference.end())
    return it->second;
  return model::defaultDepthReference(l.segment.type);
}

std::variant<LineHeights, std::string> lineHeights(const RawLine& l, const RawPoint* start, const RawPoint* end,
                                                   std::optional<double> groundStart, std::optional<double> groundEnd,
                                                   const PipeOptions& options) {
  LineHeights h;
  h.reference = depthReferenceOf(l, options);
  if (l.startZ || l.endZ) {
    if (!l.startZ || !l.endZ) return std::string("a node of the link has no elevation");
    h.start = *l.startZ;
    h.end = *l.endZ;
    return h;
  }
  const auto dS = depthAt(l.startDepth, start), dE = depthAt(l.endDepth, end);
  if (dS && dE) {
    if (!groundStart || !groundEnd)
      return "no ground height (Surf_H/地面高程) at " + (!groundStart ? l.startId : l.endId) +
             (options.terrainHeight ? " and it lies outside the terrain (DEM)" : " and no terrain (DEM) given");
    h.start = *groundStart - *dS;
    h.end = *groundEnd - *dE;
    return h;
  }
  if (l.hasZ && l.geometry.size() >= 2) {
    h.fromOwnZ = true;
    h.reference = model::DepthReference::Centreline;
    return h;
  }
  return std::string("missing depth (") + (!dS ? "S_Deep/起点埋深" : "E_Deep/终点埋深") + ")";
}

std::vector<Eigen::Vector3d> centrelineOf(const RawLine& l, const std::vector<Eigen::Vector2d>& xy,
                                          const LineHeights& h) {
  if (h.fromOwnZ) return l.geometry;
  const double off = centreOffset(h.reference, l.segment.section);
  const double zs = h.start + off, ze = h.end + off;
  double planLength = 0.0;
  for (std::size_t k = 1; k < xy.size(); ++k) planLength += (xy[k] - xy[k - 1]).norm();
  std::vector<Eigen::Vector3d> path;
  double run = 0.0;
  path.emplace_back(xy[0].x(), xy[0].y(), zs);
  for (std::size_t k = 1; k < xy.size(); ++k) {
    run += (xy[k] - xy[k - 1]).norm();
    const double t = planLength > 0 ? run / planLength : 1.0;
    path.emplace_back(xy[k].x(), xy[k].y(), zs + t * (ze - zs));
  }
  return path;
}

}  // namespace cim::io::pipes
