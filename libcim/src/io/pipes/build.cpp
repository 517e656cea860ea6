// From a RawNetwork (input CRS) to pipe and well elements in the scene CRS, with the QA checks.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include "cim/geo/georeference.h"
#include "cim/geo/transform.h"
#include "cim/geometry/sweep.h"
#include "io/pipes/network.h"
#include "core/text.h"

namespace cim::io::pipes {

namespace {

// An element's GUID: the table's file name (with its layer, "x.gpkg:RQLINE") and the row, "pipe_lines.csv#3". Not the
// path: the same survey table gives the same ids on every machine and from every working folder.
std::string stableId(const std::string& table, std::int64_t row) {
  return std::filesystem::path(table).filename().string() + "#" + std::to_string(row);
}

using Vec3 = Eigen::Vector3d;

std::string fmt(double v, int decimals = 3) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// The scene CRS: the user's, else the input's when projected in metres, else the WGS 84 UTM zone of the data.
Result<geo::Crs> chooseSceneCrs(const RawNetwork& net, const PipeOptions& options, const std::string& source,
                                std::vector<Diagnostic>& diags) {
  auto metric = [](const geo::Crs& c) { return c.isProjected() && std::abs(c.horizontalUnitToMeters() - 1.0) < 1e-9; };
  if (options.sceneCrs) {
    if (!metric(*options.sceneCrs))
      return Result<geo::Crs>::failure(Diagnostic::error(
          ErrorCode::IncompatibleCrs,
          "scene CRS " + options.sceneCrs->definition() + " (" + options.sceneCrs->name() +
              ") is not projected in metres; pipes are built in metres: choose a metric scene CRS and give the "
              "input's own CRS separately (--input-crs)",
          source));
    return Result<geo::Crs>::success(*options.sceneCrs);
  }
  if (!net.crs)
    return Result<geo::Crs>::failure(Diagnostic::error(
        ErrorCode::UnknownCrs, "the input has no CRS: name it (--input-crs, or --crs for the scene and the input)",
        source));
  if (metric(*net.crs)) return Result<geo::Crs>::success(*net.crs);
  // Centre of the data, to WGS 84.
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
  const int zone = std::clamp(static_cast<int>(std::floor((ll->x() + 180.0) / 6.0)) + 1, 1, 60);
  const int epsg = (ll->y() >= 0 ? 32600 : 32700) + zone;
  auto utm = geo::Crs::fromUserInput("EPSG:" + std::to_string(epsg));
  if (!utm.ok()) return utm;
  diags.push_back(Diagnostic::warning(ErrorCode::ConventionApplied,
                                      "input CRS " + net.crs->definition() + " (" + net.crs->name() +
                                          ") is not in metres; the scene is in its UTM zone EPSG:" +
                                          std::to_string(epsg) + " (give --crs to choose another)",
                                      source));
  return utm;
}

double centreOffset(model::DepthReference ref, const model::PipeSection& s) {
  switch (ref) {
    case model::DepthReference::InsideBottom: return s.innerHeight() / 2.0;
    case model::DepthReference::OuterTop: return -s.outerHeight() / 2.0;
    case model::DepthReference::Centreline: return 0.0;
  }
  return 0.0;
}

bool sameSection(const model::PipeSection& a, const model::PipeSection& b) {
  if (a.shape != b.shape) return false;
  return std::abs(a.outerWidth() - b.outerWidth()) < 1e-3 && std::abs(a.outerHeight() - b.outerHeight()) < 1e-3;
}

std::string sectionText(const model::PipeSection& s) {
  if (s.shape == model::PipeSection::Shape::Circular) return "DN" + fmt(s.outerDiameterMeters * 1000.0, 0);
  return fmt(s.widthMeters * 1000.0, 0) + "×" + fmt(s.heightMeters * 1000.0, 0);
}

// A built segment and what QA needs of it.
struct Built {
  std::size_t line;  // index into net.lines
  model::PipeSegment segment;
  model::DepthReference reference;
  std::optional<double> startRefZ, endRefZ;  // heights of the depth reference at the ends
};

}  // namespace

Result<PipeReadResult> build(RawNetwork&& net, const PipeOptions& options, bool meshes, const std::string& source) {
  std::vector<Diagnostic> diags = std::move(net.diagnostics);
  PipeReadResult out;
  out.format = net.format;
  out.skippedRows = net.skippedRows;
  out.qa.findings = std::move(net.findings);
  if (net.crs) out.inputCrs = net.crs->definition();
  auto& findings = out.qa.findings;

  auto sceneCrs = chooseSceneCrs(net, options, source, diags);
  if (!sceneCrs.ok()) return Result<PipeReadResult>::failure(*sceneCrs.error(), std::move(diags));
  std::optional<geo::Transformer> transformer;
  if (net.crs && !net.crs->isEquivalentTo(*sceneCrs)) {
    auto t = geo::Transformer::create(*net.crs, *sceneCrs);
    if (!t.ok()) return Result<PipeReadResult>::failure(*t.error(), std::move(diags));
    for (auto& d : t.takeDiagnostics()) diags.push_back(std::move(d));
    transformer.emplace(std::move(t).value());
  }
  auto toScene = [&](const Vec3& p) -> std::optional<Vec3> {
    if (!transformer) return p;
    return transformer->forward(p);
  };
  auto groundAt = [&](const RawPoint* p, const Eigen::Vector2d& xy) -> std::optional<double> {
    if (p && p->ground) return p->ground;
    if (!options.terrainHeight) return std::nullopt;
    auto s = toScene({xy.x(), xy.y(), 0.0});
    if (!s) return std::nullopt;
    return options.terrainHeight(s->x(), s->y());
  };
  auto skip = [&](const RawLine& l, const std::string& why) {
    diags.push_back(Diagnostic::warning(ErrorCode::InvalidElement,
                                        "row " + std::to_string(l.row) + " (" + l.segment.id + ") skipped: " + why,
                                        l.table, "row " + std::to_string(l.row)));
    ++out.skippedRows;
  };

  std::map<std::pair<int, std::string>, std::size_t> pointIndex;
  for (std::size_t i = 0; i < net.points.size(); ++i) pointIndex.emplace(std::make_pair(net.points[i].group, net.points[i].id), i);
  auto findPoint = [&](int group, const std::string& id) -> const RawPoint* {
    if (id.empty()) return nullptr;
    auto it = pointIndex.find({group, id});
    return it == pointIndex.end() ? nullptr : &net.points[it->second];
  };

  // Duplicates and reversed duplicates: every line with both point numbers, before anything is skipped.
  {
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
                          std::string(reversed ? "reverses" : "repeats") + " row " + std::to_string(first.row) +
                              " (" + first.startId + " → " + first.endId + ")"});
    }
  }

  std::vector<Built> built;
  for (std::size_t i = 0; i < net.lines.size(); ++i) {
    RawLine& l = net.lines[i];
    const RawPoint* ps = findPoint(l.group, l.startId);
    const RawPoint* pe = findPoint(l.group, l.endId);
    std::vector<std::string> missing;
    if (net.hasPointTable) {
      if (!ps && !l.startId.empty()) missing.push_back(l.startId);
      if (!pe && !l.endId.empty()) missing.push_back(l.endId);
      if (!missing.empty()) {
        std::string ids;
        for (const auto& m : missing) ids += (ids.empty() ? "" : ", ") + m;
        findings.push_back({PipeFindingKind::MissingPoint, l.table, l.row, l.segment.id, missing, -1,
                            "line end(s) not in the point table: " + ids});
      }
    }
    // Plan geometry: the line's own, else its two points.
    std::vector<Eigen::Vector2d> xy;
    if (l.geometry.size() >= 2) {
      for (const auto& g : l.geometry) xy.push_back(g.head<2>());
    } else if (ps && pe) {
      xy = {ps->xy, pe->xy};
    } else {
      std::string ids;
      for (const auto& m : missing) ids += (ids.empty() ? "" : ", ") + m;
      skip(l, missing.empty() ? "no geometry and no point table" : "point(s) missing from the point table: " + ids);
      continue;
    }
    // Zero length.
    double planLength = 0.0;
    for (std::size_t k = 1; k < xy.size(); ++k) planLength += (xy[k] - xy[k - 1]).norm();
    const bool sameIds = !l.startId.empty() && l.startId == l.endId;
    const bool ownZ = l.hasZ && l.geometry.size() >= 2;
    const double dz = ownZ ? std::abs(l.geometry.back().z() - l.geometry.front().z()) : 0.0;
    if (sameIds || (planLength < 1e-3 && dz < 1e-3)) {
      findings.push_back({PipeFindingKind::ZeroLength, l.table, l.row, l.segment.id, {l.startId, l.endId}, -1,
                          sameIds ? "starts and ends at the same point" : "its ends are less than 1 mm apart"});
      skip(l, "zero length");
      continue;
    }

    // Heights of the depth reference at the two ends.
    model::DepthReference ref = model::defaultDepthReference(l.segment.type);
    if (l.zReference) ref = *l.zReference;
    std::optional<double> refS, refE, groundS, groundE;
    groundS = groundAt(ps, xy.front());
    groundE = groundAt(pe, xy.back());
    bool fromOwnZ = false;
    if (l.startZ || l.endZ) {
      if (!l.startZ || !l.endZ) {
        skip(l, "a node of the link has no elevation");
        continue;
      }
      refS = l.startZ;
      refE = l.endZ;
    } else {
      if (auto it = options.depthReference.find(l.segment.type.code); it != options.depthReference.end())
        ref = it->second;
      else if (auto it2 = options.depthReference.find(std::string(model::classCode(l.segment.type.cls)));
               it2 != options.depthReference.end())
        ref = it2->second;
      const double dS = l.startDepth ? *l.startDepth : ps && ps->depth ? *ps->depth : std::nan("");
      const double dE = l.endDepth ? *l.endDepth : pe && pe->depth ? *pe->depth : std::nan("");
      for (const auto& [d, which] : {std::pair{l.startDepth, "start"}, std::pair{l.endDepth, "end"}})
        if (d && (*d < 0 || *d > options.maxDepthMeters))
          findings.push_back({PipeFindingKind::DepthBeyondLimit, l.table, l.row, l.segment.id,
                              {std::string(which) == std::string("start") ? l.startId : l.endId}, -1,
                              std::string(which) + " depth " + fmt(*d) + " m is outside 0 … " +
                                  fmt(options.maxDepthMeters, 1) + " m"});
      if (!std::isnan(dS) && !std::isnan(dE)) {
        if (!groundS || !groundE) {
          skip(l, "no ground height (Surf_H) at " + (!groundS ? l.startId : l.endId) + " and no terrain");
          continue;
        }
        refS = *groundS - dS;
        refE = *groundE - dE;
      } else if (ownZ) {
        fromOwnZ = true;
        ref = model::DepthReference::Centreline;
      } else {
        skip(l, std::string("missing depth (") + (std::isnan(dS) ? "S_Deep/起点埋深" : "E_Deep/终点埋深") + ")");
        continue;
      }
    }
    const auto& sec = l.segment.section;
    std::vector<Vec3> path;
    if (fromOwnZ) {
      path = l.geometry;
    } else {
      const double off = centreOffset(ref, sec);
      const double zs = *refS + off, ze = *refE + off;
      double run = 0.0;
      path.emplace_back(xy[0].x(), xy[0].y(), zs);
      for (std::size_t k = 1; k < xy.size(); ++k) {
        run += (xy[k] - xy[k - 1]).norm();
        const double t = planLength > 0 ? run / planLength : 1.0;
        path.emplace_back(xy[k].x(), xy[k].y(), zs + t * (ze - zs));
      }
    }
    // Above ground: top of the pipe above Surf_H at an end.
    const double half = sec.outerHeight() / 2.0;
    for (const auto& [ground, z, id] : {std::tuple{groundS, path.front().z(), l.startId},
                                        std::tuple{groundE, path.back().z(), l.endId}})
      if (ground && z + half > *ground + 1e-3)
        findings.push_back({PipeFindingKind::AboveGround, l.table, l.row, l.segment.id, {id}, -1,
                            "top of pipe " + fmt(z + half) + " m is above the ground " + fmt(*ground) + " m at " + id});
    // Gravity pipes: the invert must not rise along the flow.
    if (model::isGravity(l.segment.type)) {
      const double innerHalf = sec.innerHeight() / 2.0;
      double up = path.front().z() - innerHalf, down = path.back().z() - innerHalf;
      if (l.segment.flowReversed) std::swap(up, down);
      if (down > up + 1e-3)
        findings.push_back({PipeFindingKind::AgainstFlow, l.table, l.row, l.segment.id, {l.startId, l.endId}, -1,
                            "invert rises along the flow from " + fmt(up) + " m to " + fmt(down) + " m"});
    }
    // Into the scene CRS, point by point.
    Built b{i, l.segment, ref, refS, refE};
    bool ok = true;
    for (const auto& p : path) {
      auto s = toScene(p);
      if (!s) {
        ok = false;
        break;
      }
      b.segment.centreline.push_back(*s);
    }
    if (!ok) {
      skip(l, "a vertex cannot be transformed into the scene CRS");
      continue;
    }
    built.push_back(std::move(b));
  }

  // Disagreements between lines of one class meeting at a point: depth, size, material. Survey tables only: in a
  // hydraulic model (EPANET, SWMM) a size change at a node is the model, not a survey error.
  if (net.format == PipeFormat::SurveyTables) {
    struct End {
      std::size_t built;
      std::optional<double> depth;
    };
    std::map<std::tuple<int, std::string, model::PipeClass>, std::vector<End>> at;
    for (std::size_t k = 0; k < built.size(); ++k) {
      const auto& l = net.lines[built[k].line];
      if (!l.startId.empty()) at[{l.group, l.startId, l.segment.type.cls}].push_back({k, l.startDepth});
      if (!l.endId.empty()) at[{l.group, l.endId, l.segment.type.cls}].push_back({k, l.endDepth});
    }
    for (const auto& [key, ends] : at) {
      if (ends.size() < 2) continue;
      const RawPoint* p = findPoint(std::get<0>(key), std::get<1>(key));
      const std::string feature = p ? p->feature : std::string();
      const auto& first = net.lines[built[ends[0].built].line];
      bool depthDone = false, sizeDone = false, materialDone = false;
      for (std::size_t j = 1; j < ends.size(); ++j) {
        const auto& other = net.lines[built[ends[j].built].line];
        auto report = [&](PipeFindingKind kind, const std::string& what) {
          findings.push_back({kind, other.table, other.row, other.segment.id, {std::get<1>(key)}, first.row,
                              what + " at point " + std::get<1>(key) + " differs from row " + std::to_string(first.row)});
        };
        if (!depthDone && ends[0].depth && ends[j].depth && feature.find("跌水") == std::string::npos &&
            std::abs(*ends[0].depth - *ends[j].depth) > options.depthToleranceMeters) {
          report(PipeFindingKind::DepthDisagrees,
                 "depth " + fmt(*ends[j].depth) + " m (vs " + fmt(*ends[0].depth) + " m)");
          depthDone = true;
        }
        if (!sizeDone && feature.find("变径") == std::string::npos &&
            !sameSection(first.segment.section, other.segment.section)) {
          report(PipeFindingKind::SizeDisagrees, "size " + sectionText(other.segment.section) + " (vs " +
                                                     sectionText(first.segment.section) + ")");
          sizeDone = true;
        }
        if (!materialDone && feature.find("变材") == std::string::npos && !first.segment.material.empty() &&
            !other.segment.material.empty() &&
            !cim::detail::iequals(first.segment.material, other.segment.material)) {
          report(PipeFindingKind::MaterialDisagrees,
                 "material " + other.segment.material + " (vs " + first.segment.material + ")");
          materialDone = true;
        }
      }
    }
  }
  std::stable_sort(findings.begin(), findings.end(), [](const PipeFinding& a, const PipeFinding& b) {
    return std::tie(a.table, a.row, a.kind) < std::tie(b.table, b.row, b.kind);
  });

  model::Scene scene(*sceneCrs);
  if (meshes) {
    // Mitres across elements: two pipes of one section meeting at a point at the same height share a bisector cut.
    std::vector<std::optional<Vec3>> startPlane(built.size()), endPlane(built.size());
    if (options.mitreJoints) {
      std::map<std::pair<int, std::string>, std::vector<std::pair<std::size_t, bool>>> nodes;  // (built, atStart)
      for (std::size_t k = 0; k < built.size(); ++k) {
        const auto& l = net.lines[built[k].line];
        if (!l.startId.empty()) nodes[{l.group, l.startId}].push_back({k, true});
        if (!l.endId.empty()) nodes[{l.group, l.endId}].push_back({k, false});
      }
      for (const auto& [key, ends] : nodes) {
        if (ends.size() != 2) continue;
        const auto& a = built[ends[0].first].segment;
        const auto& b = built[ends[1].first].segment;
        const Vec3 pa = ends[0].second ? a.start() : a.end(), pb = ends[1].second ? b.start() : b.end();
        if (!sameSection(a.section, b.section) || (pa - pb).norm() > 1e-3) continue;
        // Directions pointing into the node (a) and out of it (b).
        auto legInto = [](const model::PipeSegment& s, bool atStart) {
          const auto& c = s.centreline;
          return atStart ? Vec3((c[0] - c[1]).normalized()) : Vec3((c.back() - c[c.size() - 2]).normalized());
        };
        const Vec3 da = legInto(a, ends[0].second), db = -legInto(b, ends[1].second);
        const Vec3 m = (da + db).normalized();
        if (!m.allFinite() || da.dot(db) < -0.5) continue;
        // Plane normals point along each sweep's direction of travel.
        (ends[0].second ? startPlane : endPlane)[ends[0].first] = ends[0].second ? Vec3(-m) : m;
        (ends[1].second ? startPlane : endPlane)[ends[1].first] = ends[1].second ? m : Vec3(-m);
      }
    }
    for (std::size_t k = 0; k < built.size(); ++k) {
      auto& b = built[k];
      const RawLine& l = net.lines[b.line];
      const auto& seg = b.segment;
      model::Element e;
      e.kind = "pipe";
      e.name = seg.id;
      e.guid = stableId(l.table, l.row);
      e.attributes = l.attributes;
      auto& a = e.attributes;
      a["pipe.typeCode"] = seg.type.code;
      a["pipe.typeClass"] = std::string(model::classCode(seg.type.cls));
      a["pipe.className"] = std::string(model::classNameZh(seg.type.cls));
      a["pipe.classNameEn"] = std::string(model::classNameEn(seg.type.cls));
      if (!seg.startPointId.empty()) a["pipe.startPoint"] = seg.startPointId;
      if (!seg.endPointId.empty()) a["pipe.endPoint"] = seg.endPointId;
      if (l.startDepth) a["pipe.startDepth"] = *l.startDepth;
      if (l.endDepth) a["pipe.endDepth"] = *l.endDepth;
      a["pipe.depthReference"] = std::string(model::depthReferenceName(b.reference));
      a["pipe.startHeight"] = seg.start().z();
      a["pipe.endHeight"] = seg.end().z();
      if (seg.section.shape == model::PipeSection::Shape::Circular) {
        a["pipe.section"] = std::string("circular");
        a["pipe.diameterMillimeters"] = seg.section.outerDiameterMeters * 1000.0;
        if (seg.section.innerDiameterMeters) a["pipe.innerDiameterMillimeters"] = *seg.section.innerDiameterMeters * 1000.0;
      } else {
        a["pipe.section"] = std::string("rectangular");
        a["pipe.widthMillimeters"] = seg.section.widthMeters * 1000.0;
        a["pipe.heightMillimeters"] = seg.section.heightMeters * 1000.0;
      }
      if (!l.sizeText.empty()) a["pipe.size"] = l.sizeText;
      if (!seg.material.empty()) a["pipe.material"] = seg.material;
      if (seg.pressureMpa) a["pipe.pressureMPa"] = *seg.pressureMpa;
      if (seg.gasPressureClass) {
        a["pipe.pressureClass"] = std::string(model::gasPressureClassName(*seg.gasPressureClass));
        a["pipe.pressureClassZh"] = std::string(model::gasPressureClassNameZh(*seg.gasPressureClass));
      }
      if (seg.voltageKv) a["pipe.voltageKv"] = *seg.voltageKv;
      if (seg.cableCount) a["pipe.cableCount"] = *seg.cableCount;
      if (!seg.burialMethod.empty()) a["pipe.burialMethod"] = seg.burialMethod;
      if (seg.year) a["pipe.year"] = *seg.year;
      if (!seg.owner.empty()) a["pipe.owner"] = seg.owner;
      if (!seg.status.empty()) a["pipe.status"] = seg.status;
      a["pipe.length"] = seg.length();
      a["pipe.source"] = l.table;
      a["pipe.row"] = static_cast<std::int64_t>(l.row);
      a.shrink_to_fit();

      geometry::SweepSection ss;
      if (seg.section.shape == model::PipeSection::Shape::Circular) {
        ss.radius = seg.section.outerDiameterMeters / 2.0;
      } else {
        ss.shape = geometry::SweepSection::Shape::Rectangle;
        ss.width = seg.section.widthMeters;
        ss.height = seg.section.heightMeters;
      }
      geometry::SweepOptions so;
      so.chordToleranceMeters = options.chordToleranceMeters;
      so.startPlaneNormal = startPlane[k];
      so.endPlaneNormal = endPlane[k];
      model::Shape shape;
      shape.mesh = geometry::sweep(seg.centreline, ss, so);
      shape.material.name = std::string(model::classCode(seg.type.cls)) + " " + std::string(model::classNameZh(seg.type.cls));
      shape.material.color = model::pipeTypeColor(seg.type);
      if (!shape.mesh.empty()) e.shapes.push_back(std::move(shape));
      e.pipe = std::make_shared<const model::PipeSegment>(std::move(b.segment));
      scene.addElement("pipes", std::move(e));
      ++out.pipes;
    }

    // Wells.
    if (options.buildWells) {
      std::size_t noDepth = 0;
      for (const auto& p : net.points) {
        if (!p.isWell) continue;
        auto ground = groundAt(&p, p.xy);
        const std::optional<double> depth = p.wellDepth ? p.wellDepth : p.depth;
        if (!ground || !depth || !(*depth > 0)) {
          ++noDepth;
          continue;
        }
        auto top = toScene({p.xy.x(), p.xy.y(), *ground});
        if (!top) continue;
        model::Well w;
        w.top = *top;
        w.depthMeters = *depth;
        w.type = p.type;
        w.pointId = p.id;
        w.feature = p.feature;
        w.coverSize = p.coverSize;
        w.source = p.table;
        w.sourceRow = p.row;
        geometry::SweepSection ss;
        auto cover = p.coverSize.empty() ? std::nullopt : parseSize(p.coverSize);
        if (cover && cover->rectangular) {
          w.widthMeters = std::max(cover->a / 1000.0, options.defaultWellDiameterMeters);
          w.lengthMeters = std::max(cover->b / 1000.0, options.defaultWellDiameterMeters);
          ss.shape = geometry::SweepSection::Shape::Rectangle;
          ss.width = w.widthMeters;
          ss.height = w.lengthMeters;
        } else {
          w.diameterMeters = std::max(cover ? cover->a / 1000.0 : 0.0, options.defaultWellDiameterMeters);
          ss.radius = w.diameterMeters / 2.0;
        }
        model::Element e;
        e.kind = "well";
        e.name = p.id;
        e.guid = stableId(p.table, p.row);
        e.attributes = p.attributes;
        e.attributes["pipe.typeCode"] = p.type.code;
        e.attributes["pipe.typeClass"] = std::string(model::classCode(p.type.cls));
        e.attributes["pipe.className"] = std::string(model::classNameZh(p.type.cls));
        e.attributes["pipe.wellDepth"] = *depth;
        e.attributes["pipe.groundHeight"] = *ground;
        if (!p.feature.empty()) e.attributes["pipe.feature"] = p.feature;
        e.attributes["pipe.source"] = p.table;
        e.attributes["pipe.row"] = static_cast<std::int64_t>(p.row);
        geometry::SweepOptions so;
        so.chordToleranceMeters = options.chordToleranceMeters;
        const Vec3 bottom = w.top - Vec3(0, 0, w.depthMeters);
        const Vec3 path[2] = {bottom, w.top};
        model::Shape shape;
        shape.mesh = geometry::sweep(path, ss, so);
        shape.material.name = std::string(model::classCode(p.type.cls)) + " well";
        shape.material.color = model::pipeTypeColor(p.type);
        if (!shape.mesh.empty()) e.shapes.push_back(std::move(shape));
        e.well = std::make_shared<const model::Well>(std::move(w));
        scene.addElement("wells", std::move(e));
        ++out.wells;
      }
      if (noDepth)
        diags.push_back(Diagnostic::info(ErrorCode::PrimitiveSkipped,
                                         std::to_string(noDepth) +
                                             " well point(s) without ground height or depth (井深/埋深): no well drawn",
                                         source));
    }
  } else {
    out.pipes = built.size();
  }
  if (out.skippedRows)
    diags.push_back(Diagnostic::warning(ErrorCode::InvalidElement,
                                        std::to_string(out.skippedRows) + " row(s) skipped (reported above)", source));
  out.scene = std::move(scene);
  return Result<PipeReadResult>::success(std::move(out), std::move(diags));
}

}  // namespace cim::io::pipes
