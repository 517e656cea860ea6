// EPANET .inp: junctions, tanks and reservoirs as nodes, pipes as links (see inp.h).
#include "io/pipes/inp.h"

namespace cim::io::pipes::inp {

void readEpanet(File& file, RawNetwork& net) {
  readNodes(file, net, "[JUNCTIONS]", "junction", false);
  readNodes(file, net, "[TANKS]", "tank", false);
  readNodes(file, net, "[RESERVOIRS]", "reservoir", false);
  if (!file.section("[RESERVOIRS]").empty())
    net.diagnostics.push_back(Diagnostic::info(
        ErrorCode::ConventionApplied, "EPANET reservoirs have a head, not an elevation: the head is used", file.table));
  // EPANET has no burial depth: the centreline runs at the node elevations.
  for (const auto& l : file.section("[PIPES]")) {
    if (l.tokens.size() < 5) {
      warn(net, file, l.number, "pipe with fewer than 5 fields");
      continue;
    }
    auto d = number(l.tokens, 4);
    if (!d || !(*d > 0)) {
      warn(net, file, l.number, "pipe '" + l.tokens[0] + "' has no valid diameter");
      continue;
    }
    model::PipeSection s;
    s.outerDiameterMeters = file.us ? *d * kInch : *d / 1000.0;
    auto zOf = [&](const std::string& node) -> std::optional<double> {
      auto z = file.nodeZ.find(node);
      return z == file.nodeZ.end() ? std::nullopt : std::optional(z->second);
    };
    if (!addLink(file, net, l, l.tokens[1], l.tokens[2], s, zOf(l.tokens[1]), zOf(l.tokens[2]),
                 model::DepthReference::Centreline))
      continue;
    auto& a = net.lines.back().attributes;
    a["Diameter"] = *d;
    if (auto r = number(l.tokens, 5)) a["Roughness"] = *r;
    if (l.tokens.size() > 7) a["Status"] = l.tokens[7];
  }
  const std::size_t others = file.section("[PUMPS]").size() + file.section("[VALVES]").size();
  if (others)
    net.diagnostics.push_back(Diagnostic::info(
        ErrorCode::PrimitiveSkipped, std::to_string(others) + " pump(s) and valve(s) are not pipes: not drawn",
        file.table));
}

}  // namespace cim::io::pipes::inp
