// Mitred joints between pipes (see joints.h).
#include "io/pipes/joints.h"

#include <map>

#include "cim/model/pipe_element.h"

namespace cim::io::pipes {

EndPlanes mitrePlanes(const RawNetwork& net, const std::vector<BuiltLine>& built) {
  EndPlanes planes{std::vector<std::optional<Eigen::Vector3d>>(built.size()),
                   std::vector<std::optional<Eigen::Vector3d>>(built.size())};
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
    const auto joint = model::mitreJoint(built[ia].segment, aAtStart, built[ib].segment, bAtStart);
    if (!joint) continue;
    (aAtStart ? planes.start : planes.end)[ia] = joint->a;
    (bAtStart ? planes.start : planes.end)[ib] = joint->b;
  }
  return planes;
}

}  // namespace cim::io::pipes
