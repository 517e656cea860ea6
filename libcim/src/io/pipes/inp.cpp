// EPANET and SWMM .inp network models: sections of whitespace-separated tokens, ';' comments.
#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <sstream>

#include "io/pipes/network.h"
#include "core/text.h"

namespace cim::io::pipes {

namespace fs = std::filesystem;

namespace {

constexpr double kFoot = 0.3048;
constexpr double kInch = 0.0254;

struct Line {
  std::int64_t number;
  std::vector<std::string> tokens;
};

using cim::detail::toUpper;

// Section name (upper case) -> its data lines in order.
std::map<std::string, std::vector<Line>> parseSections(std::istream& in) {
  std::map<std::string, std::vector<Line>> out;
  std::string current, raw;
  std::int64_t n = 0;
  while (std::getline(in, raw)) {
    ++n;
    if (auto c = raw.find(';'); c != std::string::npos) raw.erase(c);
    const std::string t = trim(raw);
    if (t.empty()) continue;
    if (t.front() == '[') {
      current = toUpper(t.substr(0, t.find(']') + 1));
      out[current];
      continue;
    }
    std::istringstream ss(t);
    Line l{n, {}};
    for (std::string tok; ss >> tok;) l.tokens.push_back(tok);
    out[current].push_back(std::move(l));
  }
  return out;
}

std::optional<double> num(const std::vector<std::string>& t, std::size_t i) {
  if (i >= t.size()) return std::nullopt;
  return parseNumber(t[i]);
}

}  // namespace

Result<RawNetwork> readInp(const fs::path& path, const PipeOptions& options) {
  std::ifstream in(path);
  if (!in) {
    std::error_code ec;
    return Result<RawNetwork>::failure(Diagnostic::error(
        fs::exists(path, ec) ? ErrorCode::FileUnreadable : ErrorCode::FileNotFound, "cannot open", path.string()));
  }
  auto sec = parseSections(in);
  RawNetwork net;
  const std::string table = path.string();
  const bool swmm = sec.count("[CONDUITS]") || sec.count("[XSECTIONS]");
  const bool epanet = !swmm && sec.count("[PIPES]");
  if (!swmm && !epanet)
    return Result<RawNetwork>::failure(Diagnostic::error(
        ErrorCode::UnsupportedFormat, "neither an EPANET ([PIPES]) nor a SWMM ([CONDUITS]) input file", table));
  net.format = swmm ? PipeFormat::Swmm : PipeFormat::Epanet;
  if (!options.inputCrs)
    return Result<RawNetwork>::failure(Diagnostic::error(
        ErrorCode::UnknownCrs,
        std::string(swmm ? "SWMM" : "EPANET") +
            " files carry no CRS: name the CRS of its coordinates (e.g. --input-crs EPSG:2817, or --crs when the "
            "scene is in the same CRS)",
        table));
  net.crs = options.inputCrs;
  auto warn = [&](std::int64_t line, const std::string& msg) {
    net.diagnostics.push_back(Diagnostic::warning(ErrorCode::InvalidElement, "line " + std::to_string(line) + ": " + msg,
                                                  table, "line " + std::to_string(line)));
    ++net.skippedRows;
  };

  // Options: units of lengths (feet or metres), small lengths (inches or millimetres), link offsets.
  bool us = true;  // EPANET and SWMM both default to US customary units (GPM, CFS)
  bool offsetsAreElevations = false;
  for (const auto& l : sec["[OPTIONS]"]) {
    if (l.tokens.size() < 2) continue;
    const std::string key = toUpper(l.tokens[0]), value = toUpper(l.tokens[1]);
    if (key == "UNITS" || key == "FLOW_UNITS") {
      static const std::vector<std::string> usUnits = {"CFS", "GPM", "MGD", "IMGD", "AFD"};
      us = std::find(usUnits.begin(), usUnits.end(), value) != usUnits.end();
    }
    if (key == "LINK_OFFSETS") offsetsAreElevations = value == "ELEVATION";
  }
  const double len = us ? kFoot : 1.0;
  net.diagnostics.push_back(Diagnostic::info(
      ErrorCode::ConventionApplied,
      std::string(swmm ? "SWMM" : "EPANET") + " units: " + (us ? "US customary (feet" : "SI (metres") +
          (epanet ? (us ? ", diameters in inches)" : ", diameters in millimetres)") : ")") +
          (swmm ? std::string(", link offsets as ") + (offsetsAreElevations ? "elevations" : "depths") : ""),
      table));

  // Coordinates and vertices.
  std::map<std::string, Eigen::Vector2d> coords;
  for (const auto& l : sec["[COORDINATES]"]) {
    auto x = num(l.tokens, 1), y = num(l.tokens, 2);
    if (l.tokens.size() >= 3 && x && y) coords[l.tokens[0]] = {*x, *y};
  }
  std::map<std::string, std::vector<Eigen::Vector2d>> vertices;
  for (const auto& l : sec["[VERTICES]"]) {
    auto x = num(l.tokens, 1), y = num(l.tokens, 2);
    if (l.tokens.size() >= 3 && x && y) vertices[l.tokens[0]].emplace_back(*x, *y);
  }

  // Nodes.
  const model::PipeType type = swmm ? model::PipeType{model::PipeClass::Drainage, "PS"}
                                    : model::PipeType{model::PipeClass::Water, "JS"};
  std::map<std::string, std::size_t> nodeIndex;
  std::map<std::string, double> nodeZ;
  auto addNode = [&](const Line& l, const char* kind, double z, std::optional<double> maxDepth) {
    const std::string& id = l.tokens[0];
    auto c = coords.find(id);
    if (c == coords.end()) {
      warn(l.number, std::string(kind) + " '" + id + "' has no [COORDINATES]");
      return;
    }
    RawPoint p;
    p.id = id;
    p.table = table;
    p.row = l.number;
    p.xy = c->second;
    p.type = type;
    p.feature = kind;
    p.attributes["pipe.nodeKind"] = std::string(kind);
    p.attributes["pipe.elevation"] = z;
    if (maxDepth && *maxDepth > 0) {
      p.ground = z + *maxDepth;
      p.wellDepth = *maxDepth;
      p.isWell = std::string(kind) == "junction";
      p.attributes["pipe.maxDepth"] = *maxDepth;
    }
    nodeIndex[id] = net.points.size();
    nodeZ[id] = z;
    net.points.push_back(std::move(p));
  };
  auto readNodes = [&](const char* section, const char* kind, bool hasMaxDepth) {
    for (const auto& l : sec[section]) {
      auto z = num(l.tokens, 1);
      if (!z) {
        warn(l.number, std::string(kind) + " without an elevation");
        continue;
      }
      std::optional<double> md;
      if (hasMaxDepth)
        if (auto m = num(l.tokens, 2)) md = *m * len;
      addNode(l, kind, *z * len, md);
    }
  };
  if (epanet) {
    readNodes("[JUNCTIONS]", "junction", false);
    readNodes("[TANKS]", "tank", false);
    readNodes("[RESERVOIRS]", "reservoir", false);
    if (!sec["[RESERVOIRS]"].empty())
      net.diagnostics.push_back(Diagnostic::info(
          ErrorCode::ConventionApplied, "EPANET reservoirs have a head, not an elevation: the head is used", table));
  } else {
    readNodes("[JUNCTIONS]", "junction", true);
    readNodes("[OUTFALLS]", "outfall", false);
    readNodes("[DIVIDERS]", "divider", false);
    readNodes("[STORAGE]", "storage", false);
  }

  // Cross-sections (SWMM).
  struct XSection {
    std::string shape;
    double g1 = 0, g2 = 0;
    std::int64_t barrels = 1;
  };
  std::map<std::string, XSection> xs;
  for (const auto& l : sec["[XSECTIONS]"]) {
    if (l.tokens.size() < 3) continue;
    XSection x;
    x.shape = toUpper(l.tokens[1]);
    x.g1 = num(l.tokens, 2).value_or(0.0);
    x.g2 = num(l.tokens, 3).value_or(0.0);
    x.barrels = static_cast<std::int64_t>(num(l.tokens, 6).value_or(1.0));
    xs[l.tokens[0]] = x;
  }

  std::size_t approximated = 0;
  auto addLink = [&](const Line& l, const std::string& from, const std::string& to, model::PipeSection section,
                     std::optional<double> zFrom, std::optional<double> zTo, model::DepthReference ref) {
    const std::string& id = l.tokens[0];
    RawLine r;
    r.table = table;
    r.row = l.number;
    r.startId = from;
    r.endId = to;
    auto a = nodeIndex.find(from), b = nodeIndex.find(to);
    if (a == nodeIndex.end() || b == nodeIndex.end()) {
      warn(l.number, "link '" + id + "' joins a node that is missing or has no coordinates (" +
                         (a == nodeIndex.end() ? from : to) + ")");
      return false;
    }
    r.geometry.emplace_back(net.points[a->second].xy.x(), net.points[a->second].xy.y(), 0.0);
    if (auto v = vertices.find(id); v != vertices.end())
      for (const auto& p : v->second) r.geometry.emplace_back(p.x(), p.y(), 0.0);
    r.geometry.emplace_back(net.points[b->second].xy.x(), net.points[b->second].xy.y(), 0.0);
    r.startZ = zFrom;
    r.endZ = zTo;
    r.zReference = ref;
    r.segment.section = section;
    r.segment.type = type;
    r.segment.id = id;
    r.segment.startPointId = from;
    r.segment.endPointId = to;
    r.segment.source = table;
    r.segment.sourceRow = l.number;
    r.attributes["Name"] = id;
    r.attributes["Node1"] = from;
    r.attributes["Node2"] = to;
    if (auto v = num(l.tokens, 3)) r.attributes["Length"] = *v;
    net.lines.push_back(std::move(r));
    return true;
  };

  if (epanet) {
    for (const auto& l : sec["[PIPES]"]) {
      if (l.tokens.size() < 5) {
        warn(l.number, "pipe with fewer than 5 fields");
        continue;
      }
      auto d = num(l.tokens, 4);
      if (!d || !(*d > 0)) {
        warn(l.number, "pipe '" + l.tokens[0] + "' has no valid diameter");
        continue;
      }
      model::PipeSection s;
      s.outerDiameterMeters = us ? *d * kInch : *d / 1000.0;
      auto za = nodeZ.find(l.tokens[1]), zb = nodeZ.find(l.tokens[2]);
      if (addLink(l, l.tokens[1], l.tokens[2], s, za == nodeZ.end() ? std::nullopt : std::optional(za->second),
                  zb == nodeZ.end() ? std::nullopt : std::optional(zb->second), model::DepthReference::Centreline)) {
        auto& a = net.lines.back().attributes;
        a["Diameter"] = *d;
        if (auto r = num(l.tokens, 5)) a["Roughness"] = *r;
        if (l.tokens.size() > 7) a["Status"] = l.tokens[7];
      }
    }
    const std::size_t others = sec["[PUMPS]"].size() + sec["[VALVES]"].size();
    if (others)
      net.diagnostics.push_back(Diagnostic::info(
          ErrorCode::PrimitiveSkipped, std::to_string(others) + " pump(s) and valve(s) are not pipes: not drawn", table));
  } else {
    for (const auto& l : sec["[CONDUITS]"]) {
      if (l.tokens.size() < 5) {
        warn(l.number, "conduit with fewer than 5 fields");
        continue;
      }
      const std::string& id = l.tokens[0];
      auto x = xs.find(id);
      if (x == xs.end() || !(x->second.g1 > 0)) {
        warn(l.number, "conduit '" + id + "' has no [XSECTIONS] size");
        continue;
      }
      model::PipeSection s;
      const auto& xv = x->second;
      if (xv.shape == "CIRCULAR" || xv.shape == "FORCE_MAIN" || xv.shape == "FILLED_CIRCULAR") {
        s.outerDiameterMeters = xv.g1 * len;
      } else {
        s.shape = model::PipeSection::Shape::Rectangular;
        s.heightMeters = xv.g1 * len;
        s.widthMeters = (xv.g2 > 0 ? xv.g2 : xv.g1) * len;
        if (xv.shape.rfind("RECT", 0) != 0) ++approximated;
      }
      auto invert = [&](const std::string& node, std::size_t tok) -> std::optional<double> {
        auto z = nodeZ.find(node);
        const std::string offs = tok < l.tokens.size() ? l.tokens[tok] : "0";
        if (offsetsAreElevations) {
          if (offs == "*") return z == nodeZ.end() ? std::nullopt : std::optional(z->second);
          auto o = parseNumber(offs);
          return o ? std::optional(*o * len) : std::nullopt;
        }
        if (z == nodeZ.end()) return std::nullopt;
        return z->second + parseNumber(offs).value_or(0.0) * len;
      };
      if (addLink(l, l.tokens[1], l.tokens[2], s, invert(l.tokens[1], 5), invert(l.tokens[2], 6),
                  model::DepthReference::InsideBottom)) {
        auto& a = net.lines.back().attributes;
        a["Shape"] = xv.shape;
        a["Geom1"] = xv.g1;
        if (xv.g2 > 0) a["Geom2"] = xv.g2;
        if (xv.barrels > 1) a["Barrels"] = xv.barrels;
        if (auto v = num(l.tokens, 4)) a["Roughness"] = *v;
        if (auto v = num(l.tokens, 5)) a["InOffset"] = *v;
        if (auto v = num(l.tokens, 6)) a["OutOffset"] = *v;
      }
    }
    if (approximated)
      net.diagnostics.push_back(Diagnostic::warning(
          ErrorCode::ConventionApplied,
          std::to_string(approximated) + " conduit(s) of non-rectangular, non-circular shape drawn as their Geom1 × "
                                         "Geom2 box",
          table));
    const std::size_t others =
        sec["[PUMPS]"].size() + sec["[ORIFICES]"].size() + sec["[WEIRS]"].size() + sec["[OUTLETS]"].size();
    if (others)
      net.diagnostics.push_back(Diagnostic::info(
          ErrorCode::PrimitiveSkipped,
          std::to_string(others) + " pump(s), orifice(s), weir(s) and outlet(s) are not conduits: not drawn", table));
  }
  return Result<RawNetwork>::success(std::move(net));
}

}  // namespace cim::io::pipes
