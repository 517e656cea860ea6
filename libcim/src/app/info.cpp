#include "cim/app/info.h"

#include <cstdio>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cim/app/load.h"
#include "cim/geo/georeference.h"
#include "cim/io/formats.h"
#include "cim/io/ifc_stream.h"
#include "cim/io/sniff.h"

namespace cim::app {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

namespace {

// A file's scene for inspection, read by the format the table gives it. Without a scene CRS or origin, an IFC model
// stays in its own georeference (or, with `engineeringFrame`, its engineering frame); with LoadOptions::crs it is
// placed (local models, at LoadOptions::origin) or reprojected into that CRS as loadScene does, so bounds and the
// WGS 84 centre are said in the CRS the user asked for. Fills the IFC and pipe summaries and the class counts of
// `fi` when given.
Result<model::Scene> inspect(const fs::path& path, bool engineeringFrame, FileInfo* fi, const LoadOptions& loadOptions,
                             const ProgressFn& progress) {
  auto ro = readOptions(loadOptions);
  if (!ro.ok()) return Result<model::Scene>::failureFrom(ro);
  const bool sceneFrame = ro->placement.crs.has_value() || loadOptions.origin.has_value();
  ro->frame = sceneFrame ? io::ReadFrame::Scene : engineeringFrame ? io::ReadFrame::Engineering : io::ReadFrame::File;
  auto r = readInput(path, *ro, loadOptions, progress);
  if (!r.ok()) return Result<model::Scene>::failureFrom(r);
  auto diags = r.takeDiagnostics();
  auto& read = r.value();
  if (fi && read.ifc) {
    fi->schema = read.ifc->schema;
    fi->application = read.ifc->application;
    fi->classes = read.ifc->productsByClass;
    fi->georeference = read.ifc->georeferenceSource;
    fi->lengthUnit = read.ifc->lengthUnit;
    fi->lengthUnitToMeters = read.ifc->lengthUnitToMeters;
    fi->openings = {read.ifc->openingsCut, read.ifc->openingsNotCut, read.ifc->openingBodiesBoxCut};
  }
  if (fi && read.pipes) {
    const auto& p = *read.pipes;
    fi->pipes = FileInfo::Pipes{std::string(io::pipeFormatName(p.format)), p.pipes, p.wells, p.skippedRows, p.qa};
  }
  if (fi && !read.ifc)
    read.scene.forEachElement([&](const model::Layer&, const model::Element& e) { ++fi->classes[e.kind]; });
  if (read.ifc && !sceneFrame) {
    if (auto joined = applyJoins(read.scene, loadOptions, diags); !joined.ok())
      return Result<model::Scene>::failure(*joined.error(), std::move(diags));
    return Result<model::Scene>::success(std::move(read.scene), std::move(diags));
  }
  model::Scene scene(ro->placement.crs);
  auto merged = mergeInput(scene, std::move(read.scene), !ro->placement.crs, path, diags);
  if (!merged.ok()) return Result<model::Scene>::failure(*merged.error(), std::move(diags));
  if (auto joined = applyJoins(scene, loadOptions, diags); !joined.ok())
    return Result<model::Scene>::failure(*joined.error(), std::move(diags));
  return Result<model::Scene>::success(std::move(scene), std::move(diags));
}

}  // namespace

Result<FileInfo> info(const fs::path& path, const LoadOptions& options, const ProgressFn& progress) {
  FileInfo fi;
  auto scene = inspect(path, false, &fi, options, progress);
  if (!scene.ok()) return Result<FileInfo>::failureFrom(scene);
  fi.path = path;
  fi.format = formatName(path);
  fi.diagnostics = scene.takeDiagnostics();
  const auto& s = scene.value();
  if (s.crs()) {
    fi.crs = s.crs()->definition();
    fi.crsName = s.crs()->name();
  }
  fi.elements = s.elementCount();
  fi.triangles = s.triangleCount();
  fi.vertices = s.vertexCount();
  fi.bounds = s.worldBounds();
  s.forEachElement([&](const model::Layer&, const model::Element& e) { fi.shapes += e.shapes.size(); });
  for (const auto& l : s.layers()) fi.layers.push_back({l.name, l.elements.size()});
  if (s.crs() && !fi.bounds.empty()) {
    auto g = geo::Georeference::create(*s.crs());
    if (g.ok()) {
      fi.centerWgs84 = g->projectToWgs84(fi.bounds.center());
      // Caveats of the WGS 84 centre (e.g. 1985 heights without a geoid grid) are notes, not problems of the file.
      for (Diagnostic d : g.diagnostics()) {
        d.severity = Severity::Info;
        d.message = "WGS 84 centre: " + d.message;
        fi.diagnostics.push_back(std::move(d));
      }
    }
  }
  return Result<FileInfo>::success(std::move(fi));
}

namespace {

// Millimetre-rounded numbers keep the JSON short and stable.
double mm(double v) { return std::round(v * 1000.0) / 1000.0; }

// {"min":[x,y,z],"max":[x,y,z]} in millimetres-rounded metres, or null for an empty box.
Json boxJson(const geometry::Aabb& b) {
  if (b.empty()) return nullptr;
  return {{"min", {mm(b.min.x()), mm(b.min.y()), mm(b.min.z())}}, {"max", {mm(b.max.x()), mm(b.max.y()), mm(b.max.z())}}};
}

Json diagnosticJson(const Diagnostic& d) {
  Json j;
  j["severity"] = severityName(d.severity);
  j["code"] = codeNumber(d.code);
  j["name"] = codeName(d.code);
  if (!d.elementId.empty()) j["element"] = d.elementId;
  j["message"] = d.message;
  return j;
}

}  // namespace

std::string toJson(const FileInfo& fi) {
  Json j;
  j["file"] = fi.path.string();
  j["format"] = fi.format;
  j["crs"] = fi.crs.empty() ? Json(nullptr) : Json(fi.crs);
  j["crsName"] = fi.crsName.empty() ? Json(nullptr) : Json(fi.crsName);
  j["elements"] = fi.elements;
  j["shapes"] = fi.shapes;
  j["triangles"] = fi.triangles;
  j["vertices"] = fi.vertices;
  j["bounds"] = boxJson(fi.bounds);
  if (fi.centerWgs84) {
    const auto& c = *fi.centerWgs84;
    j["centerWgs84"] = {std::round(c.x() * 1e9) / 1e9, std::round(c.y() * 1e9) / 1e9, mm(c.z())};
  }
  if (!fi.schema.empty()) j["schema"] = fi.schema;
  if (!fi.application.empty()) j["application"] = fi.application;
  if (!fi.georeference.empty()) j["georeference"] = fi.georeference;
  if (!fi.lengthUnit.empty()) j["lengthUnit"] = {{"name", fi.lengthUnit}, {"meters", fi.lengthUnitToMeters}};
  if (fi.openings.cut + fi.openings.notCut > 0)
    j["openings"] = {{"cut", fi.openings.cut}, {"notCut", fi.openings.notCut}, {"boxBodies", fi.openings.boxBodies}};
  j["classes"] = Json::object();
  for (const auto& [k, n] : fi.classes) j["classes"][k] = n;
  j["layers"] = Json::array();
  for (const auto& l : fi.layers) j["layers"].push_back({{"name", l.name}, {"elements", l.elements}});
  if (fi.pipes) {
    Json p;
    p["format"] = fi.pipes->format;
    p["pipes"] = fi.pipes->pipes;
    p["wells"] = fi.pipes->wells;
    p["skippedRows"] = fi.pipes->skippedRows;
    Json counts = Json::object();
    const auto c = fi.pipes->qa.counts();
    for (std::size_t k = 0; k < io::kPipeFindingKinds; ++k)
      counts[std::string(io::pipeFindingName(static_cast<io::PipeFindingKind>(k)))] = c[k];
    p["qa"] = counts;
    Json list = Json::array();
    for (const auto& f : fi.pipes->qa.findings) {
      Json jf;
      jf["kind"] = io::pipeFindingName(f.kind);
      jf["table"] = f.table;
      jf["row"] = f.row;
      if (!f.lineId.empty()) jf["line"] = f.lineId;
      jf["points"] = f.pointIds;
      if (f.otherRow >= 0) jf["otherRow"] = f.otherRow;
      jf["message"] = f.message;
      list.push_back(std::move(jf));
    }
    p["findings"] = std::move(list);
    j["pipes"] = std::move(p);
  }
  j["diagnostics"] = Json::array();
  for (const auto& d : fi.diagnostics) j["diagnostics"].push_back(diagnosticJson(d));
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string errorJson(const fs::path& path, const Diagnostic& error) {
  Json j;
  j["file"] = path.string();
  j["error"] = diagnosticJson(error);
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string toText(const FileInfo& fi, bool listDiagnostics) {
  std::ostringstream o;
  char buf[256];
  o << fi.path.string() << "\n";
  o << "  format:    " << fi.format << "\n";
  if (!fi.schema.empty()) o << "  schema:    " << fi.schema << (fi.application.empty() ? "" : " (from " + fi.application + ")") << "\n";
  if (!fi.lengthUnit.empty()) {
    std::snprintf(buf, sizeof buf, "%.10g", fi.lengthUnitToMeters);
    o << "  units:     " << fi.lengthUnit << " (" << buf << " m), coordinates scaled to metres\n";
  }
  o << "  CRS:       " << (fi.crs.empty() ? "none (local coordinates)" : fi.crs + " (" + fi.crsName + ")")
    << (fi.georeference.empty() ? "" : ", from " + fi.georeference) << "\n";
  o << "  elements:  " << fi.elements << " in " << fi.layers.size() << " layer(s), " << fi.shapes << " shape(s)\n";
  o << "  triangles: " << fi.triangles << ", vertices: " << fi.vertices << "\n";
  if (!fi.bounds.empty()) {
    std::snprintf(buf, sizeof buf, "  bounds:    min %.3f %.3f %.3f\n             max %.3f %.3f %.3f\n",
                  fi.bounds.min.x(), fi.bounds.min.y(), fi.bounds.min.z(), fi.bounds.max.x(), fi.bounds.max.y(),
                  fi.bounds.max.z());
    o << buf;
    const auto size = fi.bounds.size();
    std::snprintf(buf, sizeof buf, "  size:      %.3f x %.3f x %.3f m\n", size.x(), size.y(), size.z());
    o << buf;
  }
  if (fi.centerWgs84) {
    std::snprintf(buf, sizeof buf, "  centre:    %.8f E %.8f N, %.3f m above the WGS 84 ellipsoid\n", fi.centerWgs84->x(),
                  fi.centerWgs84->y(), fi.centerWgs84->z());
    o << buf;
  }
  if (!fi.classes.empty()) {
    o << "  classes:  ";
    std::size_t shown = 0;
    for (const auto& [k, n] : fi.classes) {
      o << (shown++ % 4 == 0 ? "\n    " : ", ") << k << " " << n;
    }
    o << "\n";
  }
  if (fi.openings.cut + fi.openings.notCut > 0)
    o << "  openings:  " << fi.openings.cut << " cut (" << fi.openings.boxBodies << " bodies as boxes), "
      << fi.openings.notCut << " not cut\n";
  if (fi.pipes) {
    const auto& p = *fi.pipes;
    o << "  pipes:     " << p.format << ": " << p.pipes << " pipe(s), " << p.wells << " well(s), " << p.skippedRows
      << " row(s) skipped\n";
    o << "  pipe QA:   " << p.qa.findings.size() << " finding(s)";
    const auto c = p.qa.counts();
    bool any = false;
    for (std::size_t k = 0; k < io::kPipeFindingKinds; ++k)
      if (c[k]) {
        o << (any ? ", " : ": ") << io::pipeFindingName(static_cast<io::PipeFindingKind>(k)) << " " << c[k];
        any = true;
      }
    o << "\n";
    for (const auto& f : p.qa.findings) o << "    " << io::formatFinding(f) << "\n";
  }
  o << "  diagnostics: " << countSeverity(fi.diagnostics, Severity::Error) << " error(s), "
    << countSeverity(fi.diagnostics, Severity::Warning) << " warning(s), " << countSeverity(fi.diagnostics, Severity::Info)
    << " note(s)\n";
  if (listDiagnostics)
    for (const auto& d : fi.diagnostics) o << "    " << severityName(d.severity) << ": " << formatDiagnostic(d) << "\n";
  return o.str();
}

namespace {

ElementInfo describe(const model::Element& e) {
  ElementInfo info;
  info.guid = e.guid;
  info.kind = e.kind;
  info.name = e.name;
  if (auto it = e.attributes.find("Storey"); it != e.attributes.end())
    if (auto* s = std::get_if<std::string>(&it->second)) info.storey = *s;
  info.triangles = e.triangleCount();
  info.bounds = e.worldBounds();
  info.attributes = e.attributes;
  return info;
}

// Whether the elements of `path` can be streamed from its reader: an IFC model shown in its engineering frame, with
// nothing to do on the whole scene afterwards (no placement, reprojection or join) and no placement option to note.
bool streamsElements(const fs::path& path, const LoadOptions& options) {
  if (!options.crs.empty() || options.origin || options.rotationDegrees != 0.0 || options.scale != 1.0 ||
      options.upAxis || !options.joins.empty())
    return false;
  return io::formatFor(io::sniffFile(path)).id == "ifc";
}

}  // namespace

Status describeElements(const fs::path& path, const LoadOptions& options, const ElementInfoSink& sink,
                        const ProgressFn& progress) {
  if (auto ro = readOptions(options); !ro.ok()) return Status::failureFrom(ro);
  if (streamsElements(path, options)) {
    io::IfcOptions ifcOptions;
    ifcOptions.applyGeoreference = false;  // the engineering frame, as readInput gives it for ReadFrame::Engineering
    auto read = io::readIfcElements(
        path, ifcOptions, [&](const std::string&, model::Element&& e) { sink(describe(e)); }, progress);
    if (!read.ok()) return Status::failureFrom(read);
    return okStatus(read.takeDiagnostics());
  }
  auto scene = inspect(path, true, nullptr, options, progress);
  if (!scene.ok()) return Status::failureFrom(scene);
  scene->forEachElement([&](const model::Layer&, const model::Element& e) { sink(describe(e)); });
  return okStatus(scene.takeDiagnostics());
}

Result<std::vector<ElementInfo>> describeElements(const fs::path& path, const LoadOptions& options,
                                                 const ProgressFn& progress) {
  std::vector<ElementInfo> out;
  auto described = describeElements(path, options, [&](const ElementInfo& e) { out.push_back(e); }, progress);
  if (!described.ok()) return Result<std::vector<ElementInfo>>::failureFrom(described);
  return Result<std::vector<ElementInfo>>::success(std::move(out), described.takeDiagnostics());
}

std::string toJson(const ElementInfo& e) {
  Json j;
  j["guid"] = e.guid;
  j["class"] = e.kind;
  j["name"] = e.name;
  j["storey"] = e.storey.empty() ? Json(nullptr) : Json(e.storey);
  j["triangles"] = e.triangles;
  j["bbox"] = boxJson(e.bounds);
  Json properties = Json::object();
  for (const auto& [key, value] : e.attributes) {
    Json& v = properties[key];
    if (const auto* s = std::get_if<std::string>(&value)) v = *s;
    else if (const auto* b = std::get_if<bool>(&value)) v = *b;
    else if (const auto* i = std::get_if<std::int64_t>(&value)) v = *i;
    else if (const auto* d = std::get_if<double>(&value)) v = *d;
    else v = nullptr;
  }
  j["properties"] = std::move(properties);
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace cim::app
