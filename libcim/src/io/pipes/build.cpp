// From a RawNetwork (input CRS) to pipe and well elements in the scene CRS, with the QA checks: the orchestration.
// Heights are in heights.cpp, the QA rules in qa.cpp, the joints in joints.cpp, the elements in cim/model.
#include <algorithm>
#include <cmath>
#include <map>

#include "cim/geo/georeference.h"
#include "cim/geo/transform.h"
#include "cim/model/pipe_element.h"
#include "core/limits.h"
#include "io/pipes/heights.h"
#include "io/pipes/joints.h"
#include "io/pipes/network.h"
#include "io/pipes/qa.h"

namespace cim::io::pipes {

namespace {

using Vec3 = Eigen::Vector3d;

bool isMetric(const geo::Crs& c) { return c.isProjected() && std::abs(c.horizontalUnitToMeters() - 1.0) < 1e-9; }

// The WGS 84 UTM zone of the data's centre, for an input CRS that is not in metres.
Result<geo::Crs> utmZoneOf(const RawNetwork& net, const std::string& source, std::vector<Diagnostic>& diags) {
  Eigen::Vector2d sum = Eigen::Vector2d::Zero();
  std::size_t n = 0;
  for (const auto& p : net.points) sum += p.xy, ++n;
  for (const auto& l : net.lines)
    for (const auto& g : l.geometry) sum += g.head<2>(), ++n;
  if (n == 0) return Result<geo::Crs>::success(*net.crs);
  auto g = geo::Georeference::create(*net.crs);
  if (!g.ok()) return Result<geo::Crs>::failureFrom(g);
  const Eigen::Vector2d c = sum / static_cast<double>(n);
  auto ll = g->projectToWgs84({c.x(), c.y(), 0.0});
  if (!ll)
    return Result<geo::Crs>::failure(
        Diagnostic::error(ErrorCode::TransformFailed, "the centre of the data cannot be transformed to WGS 84", source));
  const int zone = cim::detail::clampToInt(std::floor((ll->x() + 180.0) / 6.0) + 1, 1, 60);
  const int epsg = (ll->y() >= 0 ? 32600 : 32700) + zone;
  auto utm = geo::Crs::fromUserInput("EPSG:" + std::to_string(epsg));
  if (!utm.ok()) return utm;
  diags.push_back(Diagnostic::warning(ErrorCode::ConventionApplied,
                                      "input CRS " + net.crs->definition() + " (" + net.crs->name() +
                                          ") is not in metres; the scene is in its UTM zone EPSG:" +
                                          std::to_string(epsg) + " (give LoadOptions::crs to choose another)",
                                      source));
  return utm;
}

// The scene CRS: the user's, else the input's when projected in metres, else the WGS 84 UTM zone of the data.
Result<geo::Crs> chooseSceneCrs(const RawNetwork& net, const PipeOptions& options, const std::string& source,
                                std::vector<Diagnostic>& diags) {
  if (options.sceneCrs) {
    if (!isMetric(*options.sceneCrs))
      return Result<geo::Crs>::failure(Diagnostic::error(
          ErrorCode::IncompatibleCrs,
          "scene CRS " + options.sceneCrs->definition() + " (" + options.sceneCrs->name() +
              ") is not projected in metres; pipes are built in metres: choose a metric scene CRS and give the "
              "input's own CRS separately (LoadOptions::inputCrs)",
          source));
    return Result<geo::Crs>::success(*options.sceneCrs);
  }
  if (!net.crs)
    return Result<geo::Crs>::failure(Diagnostic::error(
        ErrorCode::UnknownCrs, "the input has no CRS: name it (LoadOptions::inputCrs, or LoadOptions::crs for the scene and the input)",
        source));
  if (isMetric(*net.crs)) return Result<geo::Crs>::success(*net.crs);
  return utmZoneOf(net, source, diags);
}

// What the lines and wells of one build share: the network, the options, the way into the scene CRS, and what is
// reported.
class Builder {
 public:
  Builder(RawNetwork& net, const PipeOptions& options, std::optional<geo::Transformer> transformer,
          const std::string& source, PipeReadResult& out, std::vector<Diagnostic>& diags)
      : net_(net), options_(options), transformer_(std::move(transformer)), source_(source), out_(out), diags_(diags) {
    for (std::size_t i = 0; i < net.points.size(); ++i)
      pointIndex_.emplace(std::make_pair(net.points[i].group, net.points[i].id), i);
  }

  // Every line that can be placed, in the scene CRS; the rest are reported and skipped.
  std::vector<BuiltLine> buildLines() {
    std::vector<BuiltLine> built;
    for (std::size_t i = 0; i < net_.lines.size(); ++i)
      if (auto b = buildLine(i)) built.push_back(std::move(*b));
    return built;
  }

  // Wells of the point table in the scene, with a note on those that cannot be drawn.
  void addWells(model::Scene& scene) {
    std::size_t noDepth = 0, notPlaced = 0;
    for (const auto& p : net_.points) {
      if (!p.isWell) continue;
      auto ground = groundAt(&p, p.xy);
      const std::optional<double> depth = p.wellDepth ? p.wellDepth : p.depth;
      if (!ground || !depth || !(*depth > 0)) {
        ++noDepth;
        continue;
      }
      auto top = toScene({p.xy.x(), p.xy.y(), *ground});
      if (!top) {
        ++notPlaced;
        continue;
      }
      scene.addElement("wells", model::wellElement(wellOf(p, *top, *depth), p.attributes, options_.chordToleranceMeters));
      ++out_.wells;
    }
    if (noDepth)
      diags_.push_back(Diagnostic::info(ErrorCode::WellNotDrawn,
                                        std::to_string(noDepth) +
                                            " well point(s) without ground height or depth (井深/埋深): no well drawn",
                                        source_));
    if (notPlaced)
      diags_.push_back(Diagnostic::warning(ErrorCode::TransformFailed,
                                           std::to_string(notPlaced) +
                                               " well point(s) cannot be transformed into the scene CRS: no well drawn",
                                           source_));
  }

 private:
  std::optional<Vec3> toScene(const Vec3& p) const { return transformer_ ? transformer_->forward(p) : p; }

  const RawPoint* findPoint(int group, const std::string& id) const {
    if (id.empty()) return nullptr;
    auto it = pointIndex_.find({group, id});
    return it == pointIndex_.end() ? nullptr : &net_.points[it->second];
  }

  // The ground height at a point: its Surf_H, else the terrain at its scene position.
  std::optional<double> groundAt(const RawPoint* p, const Eigen::Vector2d& xy) const {
    if (p && p->ground) return p->ground;
    if (!options_.terrainHeight) return std::nullopt;
    auto s = toScene({xy.x(), xy.y(), 0.0});
    if (!s) return std::nullopt;
    return options_.terrainHeight(s->x(), s->y());
  }

  void skip(const RawLine& l, const std::string& why) {
    diags_.push_back(Diagnostic::warning(ErrorCode::PipeRowSkipped,
                                         "row " + std::to_string(l.row) + " (" + l.segment.id + ") skipped: " + why,
                                         l.table, "row " + std::to_string(l.row)));
    ++out_.skippedRows;
  }

  // The plan vertices of a line: its own geometry, else its two points; empty when it has neither.
  static std::vector<Eigen::Vector2d> planOf(const RawLine& l, const RawPoint* ps, const RawPoint* pe) {
    std::vector<Eigen::Vector2d> xy;
    if (l.geometry.size() >= 2) {
      for (const auto& g : l.geometry) xy.push_back(g.head<2>());
    } else if (ps && pe) {
      xy = {ps->xy, pe->xy};
    }
    return xy;
  }

  std::optional<BuiltLine> buildLine(std::size_t i) {
    RawLine& l = net_.lines[i];
    auto& findings = out_.qa.findings;
    const RawPoint* ps = findPoint(l.group, l.startId);
    const RawPoint* pe = findPoint(l.group, l.endId);
    const auto missing = checkMissingPoints(net_, l, ps, pe, findings);
    const auto xy = planOf(l, ps, pe);
    if (xy.empty()) {
      std::string ids;
      for (const auto& m : missing) ids += (ids.empty() ? "" : ", ") + m;
      skip(l, missing.empty() ? "no geometry and no point table" : "point(s) missing from the point table: " + ids);
      return std::nullopt;
    }
    double planLength = 0.0;
    for (std::size_t k = 1; k < xy.size(); ++k) planLength += (xy[k] - xy[k - 1]).norm();
    if (checkZeroLength(l, planLength, findings)) {
      skip(l, "zero length");
      return std::nullopt;
    }
    const auto groundS = groundAt(ps, xy.front()), groundE = groundAt(pe, xy.back());
    checkLineDepthLimits(l, options_, findings);
    auto heights = lineHeights(l, ps, pe, groundS, groundE, options_);
    if (auto* why = std::get_if<std::string>(&heights)) {
      skip(l, *why);
      return std::nullopt;
    }
    const auto& h = std::get<LineHeights>(heights);
    const auto path = centrelineOf(l, xy, h);
    checkAboveGround(l, path, groundS, groundE, findings);
    checkAgainstFlow(l, path, findings);
    BuiltLine b{i, l.segment};
    b.segment.depthReference = h.reference;
    b.segment.startDepthMeters = l.startDepth;
    b.segment.endDepthMeters = l.endDepth;
    b.segment.sizeText = l.sizeText;
    for (const auto& p : path) {
      auto s = toScene(p);
      if (!s) {
        skip(l, "a vertex cannot be transformed into the scene CRS");
        return std::nullopt;
      }
      b.segment.centreline.push_back(*s);
    }
    return b;
  }

  // The well of a point: its cover in the scene CRS, its depth, and its size from the cover size (井盖规格; a
  // rectangle W×L, else a circle), never smaller than options.defaultWellDiameterMeters.
  model::Well wellOf(const RawPoint& p, const Vec3& top, double depth) const {
    model::Well w;
    w.top = top;
    w.depthMeters = depth;
    w.type = p.type;
    w.pointId = p.id;
    w.feature = p.feature;
    w.coverSize = p.coverSize;
    w.source = p.table;
    w.sourceRow = p.row;
    auto cover = p.coverSize.empty() ? std::nullopt : parseSize(p.coverSize);
    const double least = options_.defaultWellDiameterMeters;
    if (cover && cover->rectangular) {
      w.widthMeters = std::max(cover->a / 1000.0, least);
      w.lengthMeters = std::max(cover->b / 1000.0, least);
    } else {
      w.diameterMeters = std::max(cover ? cover->a / 1000.0 : 0.0, least);
    }
    return w;
  }

  RawNetwork& net_;
  const PipeOptions& options_;
  std::optional<geo::Transformer> transformer_;
  const std::string& source_;
  PipeReadResult& out_;
  std::vector<Diagnostic>& diags_;
  std::map<std::pair<int, std::string>, std::size_t> pointIndex_;
};

// Pipe elements of the built lines (mitred where two pipes meet in line).
void addPipes(model::Scene& scene, const RawNetwork& net, std::vector<BuiltLine>& built, const PipeOptions& options,
              PipeReadResult& out) {
  EndPlanes planes;
  if (options.mitreJoints) planes = mitrePlanes(net, built);
  for (std::size_t k = 0; k < built.size(); ++k) {
    model::PipeMeshOptions mo;
    mo.chordToleranceMeters = options.chordToleranceMeters;
    if (options.mitreJoints) {
      mo.startPlaneNormal = planes.start[k];
      mo.endPlaneNormal = planes.end[k];
    }
    scene.addElement("pipes", model::pipeElement(std::move(built[k].segment), net.lines[built[k].line].attributes, mo));
    ++out.pipes;
  }
}

}  // namespace

Result<PipeReadResult> build(RawNetwork&& net, const PipeOptions& options, bool meshes, const std::string& source) {
  std::vector<Diagnostic> diags = std::move(net.diagnostics);
  PipeReadResult out;
  out.format = net.format;
  out.skippedRows = net.skippedRows;
  out.qa.findings = std::move(net.findings);
  if (net.crs) out.inputCrs = net.crs->definition();

  auto sceneCrs = chooseSceneCrs(net, options, source, diags);
  if (!sceneCrs.ok()) return Result<PipeReadResult>::failure(*sceneCrs.error(), std::move(diags));
  std::optional<geo::Transformer> transformer;
  if (net.crs && !net.crs->isEquivalentTo(*sceneCrs)) {
    auto t = geo::Transformer::create(*net.crs, *sceneCrs);
    if (!t.ok()) return Result<PipeReadResult>::failure(*t.error(), std::move(diags));
    for (auto& d : t.takeDiagnostics()) diags.push_back(std::move(d));
    transformer.emplace(std::move(t).value());
  }

  Builder builder(net, options, std::move(transformer), source, out, diags);
  auto& findings = out.qa.findings;
  checkDuplicateLines(net, findings);
  std::vector<BuiltLine> built = builder.buildLines();
  checkDepthsAtPoints(net, built, options, findings);
  checkSizesAtPoints(net, built, findings);
  checkMaterialsAtPoints(net, built, findings);
  std::stable_sort(findings.begin(), findings.end(), [](const PipeFinding& a, const PipeFinding& b) {
    return std::tie(a.table, a.row, a.kind) < std::tie(b.table, b.row, b.kind);
  });

  model::Scene scene(*sceneCrs);
  if (meshes) {
    addPipes(scene, net, built, options, out);
    if (options.buildWells) builder.addWells(scene);
  } else {
    out.pipes = built.size();
  }
  if (out.skippedRows)
    diags.push_back(Diagnostic::warning(ErrorCode::PipeRowSkipped,
                                        std::to_string(out.skippedRows) + " row(s) skipped (reported above)", source));
  out.scene = std::move(scene);
  return Result<PipeReadResult>::success(std::move(out), std::move(diags));
}

}  // namespace cim::io::pipes
