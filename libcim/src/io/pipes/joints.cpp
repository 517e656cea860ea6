// Mitred joints between pipes (see joints.h).
#include "io/pipes/joints.h"

#include <map>

namespace cim::io::pipes {

namespace {

using Vec3 = Eigen::Vector3d;

// The direction of a centreline's first or last leg, pointing into the node at that end.
Vec3 legInto(const model::PipeSegment& s, bool atStart) {
  const auto& c = s.centreline;
  return atStart ? Vec3((c[0] - c[1]).normalized()) : Vec3((c.back() - c[c.size() - 2]).normalized());
}

}  // namespace

EndPlanes mitrePlanes(const RawNetwork& net, const std::vector<BuiltLine>& built) {
  EndPlanes planes{std::vector<std::optional<Vec3>>(built.size()), std::vector<std::optional<Vec3>>(built.size())};
  std::map<std::pair<int, std::string>, std::vector<std::pair<std::size_t, bool>>> nodes;  // (built, atStart)
  for (std::size_t k = 0; k < built.size(); ++k) {
    const auto& l = net.lines[built[k].line];
    if (!l.startId.empty()) nodes[{l.group, l.startId}].push_back({k, true});
    if (!l.endId.empty()) nodes[{l.group, l.endId}].push_back({k, false});
  }
  for (const auto& [key, ends] : nodes) {
    if (ends.size() != 2) continue;
    const auto& [ia, aAtStart] = ends[0];
    const auto& [ib, bAtStart] = ends[1];
    const auto& a = built[ia].segment;
    const auto& b = built[ib].segment;
    const Vec3 pa = aAtStart ? a.start() : a.end(), pb = bAtStart ? b.start() : b.end();
    if (!sameSection(a.section, b.section) || (pa - pb).norm() > 1e-3) continue;
    // Directions pointing into the node (a) and out of it (b).
    const Vec3 da = legInto(a, aAtStart), db = -legInto(b, bAtStart);
    const Vec3 m = (da + db).normalized();
    if (!m.allFinite() || da.dot(db) < -0.5) continue;
    (aAtStart ? planes.start : planes.end)[ia] = aAtStart ? Vec3(-m) : m;
    (bAtStart ? planes.start : planes.end)[ib] = bAtStart ? m : Vec3(-m);
  }
  return planes;
}

}  // namespace cim::io::pipes
