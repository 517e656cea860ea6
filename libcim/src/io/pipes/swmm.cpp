// SWMM .inp: junctions, outfalls, dividers and storage as nodes, conduits with their cross-sections as links (see
// inp.h).
#include <cmath>

#include "core/text.h"
#include "io/pipes/inp.h"

namespace cim::io::pipes::inp {

namespace {

struct XSection {
  std::string shape;
  double g1 = 0, g2 = 0;
  std::int64_t barrels = 1;
};

// [XSECTIONS] by conduit. Barrels outside 1 … 1000 (or not a whole number) are reported and taken as 1.
std::map<std::string, XSection> readXSections(const File& file, RawNetwork& net) {
  std::map<std::string, XSection> xs;
  for (const auto& l : file.section("[XSECTIONS]")) {
    if (l.tokens.size() < 3) continue;
    XSection x;
    x.shape = cim::detail::toUpper(l.tokens[1]);
    x.g1 = number(l.tokens, 2).value_or(0.0);
    x.g2 = number(l.tokens, 3).value_or(0.0);
    // A Barrels token that is no number (or one of 1e300) is reported like any count out of range: never cast.
    const double barrels = l.tokens.size() > 6 ? number(l.tokens, 6).value_or(-1.0) : 1.0;
    if (barrels >= 1.0 && barrels <= 1000.0 && barrels == std::floor(barrels)) {
      x.barrels = static_cast<std::int64_t>(barrels);
    } else {
      net.diagnostics.push_back(Diagnostic::warning(
          ErrorCode::InvalidElement,
          "line " + std::to_string(l.number) + ": Barrels '" + l.tokens[6] + "' is not a count from 1 to 1000: 1 used",
          file.table, "line " + std::to_string(l.number)));
    }
    xs[l.tokens[0]] = x;
  }
  return xs;
}

// The section of a conduit: circles for CIRCULAR, FORCE_MAIN, FILLED_CIRCULAR; every other shape as its Geom1
// (height) × Geom2 (width) box (`approximated` counts those that are not RECT_*).
model::PipeSection sectionOf(const XSection& x, double unit, std::size_t& approximated) {
  model::PipeSection s;
  if (x.shape == "CIRCULAR" || x.shape == "FORCE_MAIN" || x.shape == "FILLED_CIRCULAR") {
    s.outerDiameterMeters = x.g1 * unit;
    return s;
  }
  s.shape = model::PipeSection::Shape::Rectangular;
  s.heightMeters = x.g1 * unit;
  s.widthMeters = (x.g2 > 0 ? x.g2 : x.g1) * unit;
  if (x.shape.rfind("RECT", 0) != 0) ++approximated;
  return s;
}

// The invert of a conduit's end at `node`: the node's invert plus the offset (token `tok`), or the offset itself
// when offsets are elevations ("*": the node's invert).
std::optional<double> invertAt(const File& file, const Line& l, const std::string& node, std::size_t tok) {
  auto z = file.nodeZ.find(node);
  const std::string offs = tok < l.tokens.size() ? l.tokens[tok] : "0";
  if (file.offsetsAreElevations) {
    if (offs == "*") return z == file.nodeZ.end() ? std::nullopt : std::optional(z->second);
    auto o = parseNumber(offs);
    return o ? std::optional(*o * file.lengthUnit()) : std::nullopt;
  }
  if (z == file.nodeZ.end()) return std::nullopt;
  return z->second + parseNumber(offs).value_or(0.0) * file.lengthUnit();
}

}  // namespace

void readSwmm(File& file, RawNetwork& net) {
  readNodes(file, net, "[JUNCTIONS]", "junction", true);
  readNodes(file, net, "[OUTFALLS]", "outfall", false);
  readNodes(file, net, "[DIVIDERS]", "divider", false);
  readNodes(file, net, "[STORAGE]", "storage", false);
  const auto xs = readXSections(file, net);
  std::size_t approximated = 0;
  for (const auto& l : file.section("[CONDUITS]")) {
    if (l.tokens.size() < 5) {
      warn(net, file, l.number, "conduit with fewer than 5 fields");
      continue;
    }
    const std::string& id = l.tokens[0];
    auto x = xs.find(id);
    if (x == xs.end() || !(x->second.g1 > 0)) {
      warn(net, file, l.number, "conduit '" + id + "' has no [XSECTIONS] size");
      continue;
    }
    const auto& xv = x->second;
    const model::PipeSection s = sectionOf(xv, file.lengthUnit(), approximated);
    if (!addLink(file, net, l, l.tokens[1], l.tokens[2], s, invertAt(file, l, l.tokens[1], 5),
                 invertAt(file, l, l.tokens[2], 6), model::DepthReference::InsideBottom))
      continue;
    auto& a = net.lines.back().attributes;
    a["Shape"] = xv.shape;
    a["Geom1"] = xv.g1;
    if (xv.g2 > 0) a["Geom2"] = xv.g2;
    if (xv.barrels > 1) a["Barrels"] = xv.barrels;
    if (auto v = number(l.tokens, 4)) a["Roughness"] = *v;
    if (auto v = number(l.tokens, 5)) a["InOffset"] = *v;
    if (auto v = number(l.tokens, 6)) a["OutOffset"] = *v;
  }
  if (approximated)
    net.diagnostics.push_back(Diagnostic::warning(
        ErrorCode::ConventionApplied,
        std::to_string(approximated) + " conduit(s) of non-rectangular, non-circular shape drawn as their Geom1 × "
                                       "Geom2 box",
        file.table));
  const std::size_t others = file.section("[PUMPS]").size() + file.section("[ORIFICES]").size() +
                             file.section("[WEIRS]").size() + file.section("[OUTLETS]").size();
  if (others)
    net.diagnostics.push_back(Diagnostic::info(
        ErrorCode::PrimitiveSkipped,
        std::to_string(others) + " pump(s), orifice(s), weir(s) and outlet(s) are not conduits: not drawn", file.table));
}

}  // namespace cim::io::pipes::inp
