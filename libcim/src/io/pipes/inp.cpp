// EPANET and SWMM .inp network models: what both share — sections of whitespace-separated tokens (';' comments),
// units, coordinates, nodes and links. The links of each are read in epanet.cpp and swmm.cpp.
#include "io/pipes/inp.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "core/limits.h"
#include "core/text.h"

namespace cim::io::pipes {

namespace fs = std::filesystem;

namespace inp {

namespace {

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

// [OPTIONS]: the units of lengths (feet or metres, with inches or millimetres) and of SWMM link offsets; a note says
// what was read.
void readOptions(File& file, RawNetwork& net, bool swmm) {
  for (const auto& l : file.section("[OPTIONS]")) {
    if (l.tokens.size() < 2) continue;
    const std::string key = toUpper(l.tokens[0]), value = toUpper(l.tokens[1]);
    if (key == "UNITS" || key == "FLOW_UNITS") {
      static const std::vector<std::string> usUnits = {"CFS", "GPM", "MGD", "IMGD", "AFD"};
      file.us = std::find(usUnits.begin(), usUnits.end(), value) != usUnits.end();
    }
    if (key == "LINK_OFFSETS") file.offsetsAreElevations = value == "ELEVATION";
  }
  const bool us = file.us;
  net.diagnostics.push_back(Diagnostic::info(
      ErrorCode::ConventionApplied,
      std::string(swmm ? "SWMM" : "EPANET") + " units: " + (us ? "US customary (feet" : "SI (metres") +
          (!swmm ? (us ? ", diameters in inches)" : ", diameters in millimetres)") : ")") +
          (swmm ? std::string(", link offsets as ") + (file.offsetsAreElevations ? "elevations" : "depths") : ""),
      file.table));
}

// [COORDINATES] of nodes and [VERTICES] of links; a link with more than kMaxPolylinePoints vertices keeps none
// (reported): it is drawn straight rather than costing minutes and gigabytes.
void readCoordinates(File& file, RawNetwork& net) {
  // A line whose x or y is missing or not a number is skipped and counted, naming the line (never dropped silently).
  const auto unusable = [&](const Line& l, const char* what) {
    warn(net, file, l.number,
         std::string(what) + (l.tokens.empty() ? std::string() : " of '" + l.tokens[0] + "'") +
             " skipped: x and y are not two numbers");
  };
  for (const auto& l : file.section("[COORDINATES]")) {
    auto x = number(l.tokens, 1), y = number(l.tokens, 2);
    if (l.tokens.size() >= 3 && x && y) file.coordinates[l.tokens[0]] = {*x, *y};
    else unusable(l, "[COORDINATES] line");
  }
  std::map<std::string, std::int64_t> tooMany;  // link -> line of its first vertex
  for (const auto& l : file.section("[VERTICES]")) {
    auto x = number(l.tokens, 1), y = number(l.tokens, 2);
    if (l.tokens.size() < 3 || !x || !y) {
      unusable(l, "[VERTICES] line");
      continue;
    }
    auto& v = file.vertices[l.tokens[0]];
    if (v.size() >= cim::detail::kMaxPolylinePoints) {
      tooMany.emplace(l.tokens[0], l.number);
      continue;
    }
    v.emplace_back(*x, *y);
  }
  for (const auto& [link, line] : tooMany) {
    file.vertices.erase(link);
    net.diagnostics.push_back(Diagnostic::warning(
        ErrorCode::LimitExceeded,
        "link '" + link + "' has more than " + std::to_string(cim::detail::kMaxPolylinePoints) +
            " [VERTICES], the limit: none are used, the link is drawn straight",
        file.table, "link " + link));
  }
}

// One node as a point of the network.
void addNode(File& file, RawNetwork& net, const Line& l, const char* kind, double z, std::optional<double> maxDepth) {
  const std::string& id = l.tokens[0];
  auto c = file.coordinates.find(id);
  if (c == file.coordinates.end()) {
    warn(net, file, l.number, std::string(kind) + " '" + id + "' has no [COORDINATES]");
    return;
  }
  RawPoint p;
  p.id = id;
  p.table = file.table;
  p.row = l.number;
  p.xy = c->second;
  p.type = file.type;
  p.feature = kind;
  p.attributes["pipe.nodeKind"] = std::string(kind);
  p.attributes["pipe.elevation"] = z;
  if (maxDepth && *maxDepth > 0) {
    p.ground = z + *maxDepth;
    p.wellDepth = *maxDepth;
    p.isWell = std::string(kind) == "junction";
    p.attributes["pipe.maxDepth"] = *maxDepth;
  }
  file.nodeIndex[id] = net.points.size();
  file.nodeZ[id] = z;
  net.points.push_back(std::move(p));
}

}  // namespace

const std::vector<Line>& File::section(const std::string& name) const {
  static const std::vector<Line> none;
  auto it = sections.find(name);
  return it == sections.end() ? none : it->second;
}

std::optional<double> number(const std::vector<std::string>& t, std::size_t i) {
  if (i >= t.size()) return std::nullopt;
  return parseNumber(t[i]);
}

void warn(RawNetwork& net, const File& file, std::int64_t line, const std::string& message) {
  net.diagnostics.push_back(Diagnostic::warning(ErrorCode::PipeRowSkipped, "line " + std::to_string(line) + ": " + message,
                                                file.table, "line " + std::to_string(line)));
  ++net.skippedRows;
}

void readNodes(File& file, RawNetwork& net, const std::string& section, const char* kind, bool hasMaxDepth) {
  for (const auto& l : file.section(section)) {
    auto z = number(l.tokens, 1);
    if (!z) {
      warn(net, file, l.number, std::string(kind) + " without an elevation");
      continue;
    }
    std::optional<double> md;
    if (hasMaxDepth)
      if (auto m = number(l.tokens, 2)) md = *m * file.lengthUnit();
    addNode(file, net, l, kind, *z * file.lengthUnit(), md);
  }
}

bool addLink(const File& file, RawNetwork& net, const Line& l, const std::string& from, const std::string& to,
             model::PipeSection section, std::optional<double> zFrom, std::optional<double> zTo,
             model::DepthReference reference) {
  const std::string& id = l.tokens[0];
  auto a = file.nodeIndex.find(from), b = file.nodeIndex.find(to);
  if (a == file.nodeIndex.end() || b == file.nodeIndex.end()) {
    warn(net, file, l.number, "link '" + id + "' joins a node that is missing or has no coordinates (" +
                                  (a == file.nodeIndex.end() ? from : to) + ")");
    return false;
  }
  RawLine r;
  r.table = file.table;
  r.row = l.number;
  r.startId = from;
  r.endId = to;
  r.geometry.emplace_back(net.points[a->second].xy.x(), net.points[a->second].xy.y(), 0.0);
  if (auto v = file.vertices.find(id); v != file.vertices.end())
    for (const auto& p : v->second) r.geometry.emplace_back(p.x(), p.y(), 0.0);
  r.geometry.emplace_back(net.points[b->second].xy.x(), net.points[b->second].xy.y(), 0.0);
  r.startZ = zFrom;
  r.endZ = zTo;
  r.zReference = reference;
  r.segment.section = section;
  r.segment.type = file.type;
  r.segment.id = id;
  r.segment.startPointId = from;
  r.segment.endPointId = to;
  r.segment.source = file.table;
  r.segment.sourceRow = l.number;
  r.attributes["Name"] = id;
  r.attributes["Node1"] = from;
  r.attributes["Node2"] = to;
  if (auto v = number(l.tokens, 3)) r.attributes["Length"] = *v;
  net.lines.push_back(std::move(r));
  return true;
}

}  // namespace inp

Result<RawNetwork> readInp(const fs::path& path, const PipeOptions& options) {
  std::ifstream in(path);
  if (!in) {
    std::error_code ec;
    return Result<RawNetwork>::failure(Diagnostic::error(
        fs::exists(path, ec) ? ErrorCode::FileUnreadable : ErrorCode::FileNotFound, "cannot open", path.string()));
  }
  return readInp(in, path.string(), options);
}

Result<RawNetwork> readInp(std::istream& in, const std::string& table, const PipeOptions& options) {
  inp::File file;
  file.table = table;
  file.sections = inp::parseSections(in);
  const bool swmm = file.sections.count("[CONDUITS]") || file.sections.count("[XSECTIONS]");
  const bool epanet = !swmm && file.sections.count("[PIPES]");
  if (!swmm && !epanet)
    return Result<RawNetwork>::failure(Diagnostic::error(
        ErrorCode::UnsupportedFormat, "neither an EPANET ([PIPES]) nor a SWMM ([CONDUITS]) input file", file.table));
  RawNetwork net;
  net.format = swmm ? PipeFormat::Swmm : PipeFormat::Epanet;
  if (!options.inputCrs)
    return Result<RawNetwork>::failure(Diagnostic::error(
        ErrorCode::UnknownCrs,
        std::string(swmm ? "SWMM" : "EPANET") +
            " files carry no CRS: name the CRS of its coordinates (e.g. LoadOptions::inputCrs EPSG:2817, or "
            "LoadOptions::crs when the scene is in the same CRS)",
        file.table));
  net.crs = options.inputCrs;
  inp::readOptions(file, net, swmm);
  inp::readCoordinates(file, net);
  if (swmm) {
    file.type = model::PipeType{model::PipeClass::Drainage, "PS"};
    inp::readSwmm(file, net);
  } else {
    file.type = model::PipeType{model::PipeClass::Water, "JS"};
    inp::readEpanet(file, net);
  }
  return Result<RawNetwork>::success(std::move(net));
}

}  // namespace cim::io::pipes
