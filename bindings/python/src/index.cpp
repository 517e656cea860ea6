// The spatial index of a scene and the questions asked of it (near, clash, the city's checks), with their results as
// reports (JSON, GeoJSON, BCF) that Python lists, writes and turns into GeoDataFrames.
#include "common.h"
#include "cim/app/analyse.h"
#include "cim/export/report.h"
#include "cim/index/checks.h"
#include "cim/index/rules.h"

namespace cimpy {

namespace {

using cim::index::ClashResult;
using cim::index::ClearanceRule;
using cim::index::ElementRef;
using IndexRef = std::shared_ptr<IndexData>;

/// A report and what its results point into: the rules of its clash set, and those of the reports it was marked
/// against (their resolved results point into them).
struct ReportData {
  cim::report::Report report;
  std::vector<std::shared_ptr<const cim::index::RuleSet>> rules;
  std::vector<cim::Diagnostic> notes;  ///< what the run had to say (a check's notes, a report's skipped results)
};
using ReportRef = std::shared_ptr<ReportData>;

ReportRef makeReport(const IndexData& index, std::vector<ClashResult> results, std::vector<std::string> options) {
  auto r = std::make_shared<ReportData>();
  for (const auto& p : index.inputs) r->report.inputs.push_back(p.string());
  if (index.index.crs()) r->report.crs = index.index.crs()->definition();
  r->report.options = std::move(options);
  r->report.results = std::move(results);
  return r;
}

ElementView viewOf(const cim::index::Indexed& e, const IndexRef& owner) {
  // The element is shared with the index; the view keeps the index alive too.
  auto keep = std::make_shared<std::pair<IndexRef, std::shared_ptr<const cim::model::Element>>>(owner, e.element);
  return ElementView{std::shared_ptr<const cim::model::Element>(keep, e.element.get()), e.layer};
}

/// Runs `f` on the index with the GIL released and the index shared (queries) or held alone (changes).
template <class F>
auto reading(const IndexRef& i, F&& f) {
  Released released;
  std::shared_lock lock(i->mutex);
  return f(i->index);
}
template <class F>
auto writing(const IndexRef& i, F&& f) {
  Released released;
  std::unique_lock lock(i->mutex);
  return f(i->index);
}

std::vector<ElementView> viewsOf(const IndexRef& i, const std::vector<const cim::index::Indexed*>& found) {
  std::vector<ElementView> out;
  for (const auto* e : found) out.push_back(viewOf(*e, i));
  return out;
}

cim::index::Selector selectorOf(const std::string& text) { return take(cim::index::Selector::parse(text)); }

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// --- near: what to measure from ----------------------------------------------------------------------------------

/// The target of Index.near as a request: a selector (str), a feature file (os.PathLike), an Element of the scene,
/// a point (three numbers), a polyline ((n, 3) array, swept by `radius`), or a shapely geometry (Point, LineString,
/// Polygon: a prism between `bottom` and `top`).
std::string targetOf(const py::object& target, double radius, double bottom, double top, cim::app::NearRequest& q,
                     std::optional<ElementView>& element) {
  if (py::isinstance<py::str>(target)) {
    q.targetSelector = target.cast<std::string>();
    return "target: " + *q.targetSelector;
  }
  if (py::hasattr(target, "__fspath__")) {
    q.targetFile = target.cast<fs::path>();
    return "target: " + q.targetFile->string();
  }
  if (py::isinstance<ElementView>(target)) {
    const auto& v = target.cast<const ElementView&>();
    element = v;  // checked against the index under its lock
    q.targetSelector = "id=" + std::to_string(v.element->id);
    return "target: " + *q.targetSelector;
  }
  if (py::hasattr(target, "__geo_interface__")) {
    py::dict g = target.attr("__geo_interface__");
    const auto type = g["type"].cast<std::string>();
    auto point = [](const py::handle& c) {
      auto v = c.cast<std::vector<double>>();
      return Eigen::Vector3d(v.at(0), v.at(1), v.size() > 2 ? v[2] : 0.0);
    };
    if (type == "Point") {
      q.targetPoint = point(g["coordinates"]);
      return "target: point";
    }
    if (type == "LineString") {
      std::vector<Eigen::Vector3d> line;
      for (const auto& c : g["coordinates"]) line.push_back(point(c));
      q.targetProbe = cim::index::Probe::polyline(line, radius);
      return "target: line, radius " + number(radius) + " m";
    }
    if (type == "Polygon") {
      std::vector<std::vector<Eigen::Vector2d>> rings;
      for (const auto& ring : g["coordinates"]) {
        rings.emplace_back();
        for (const auto& c : ring) {
          const auto p = point(c);
          rings.back().emplace_back(p.x(), p.y());
        }
        if (rings.back().size() > 1 && rings.back().front() == rings.back().back()) rings.back().pop_back();
      }
      q.targetProbe = cim::index::Probe::prism(rings, bottom, top);
      return "target: polygon from " + number(bottom) + " to " + number(top) + " m";
    }
    throw py::type_error("near: a shapely target must be a Point, LineString or Polygon, not " + type);
  }
  auto a = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(target);
  if (a && a.ndim() == 1 && a.shape(0) == 3) {
    q.targetPoint = Eigen::Vector3d(a.at(0), a.at(1), a.at(2));
    return "target: point";
  }
  if (a && a.ndim() == 2 && a.shape(1) == 3 && a.shape(0) >= 1) {
    std::vector<Eigen::Vector3d> line;
    for (py::ssize_t i = 0; i < a.shape(0); ++i) line.emplace_back(a.at(i, 0), a.at(i, 1), a.at(i, 2));
    q.targetProbe = cim::index::Probe::polyline(line, radius);
    return "target: polyline, radius " + number(radius) + " m";
  }
  PyErr_Clear();
  throw py::type_error(
      "near: target must be a selector (str), a feature file (os.PathLike), a cim.Element, a point (x, y, z), a "
      "polyline ((n, 3) array) or a shapely Point, LineString or Polygon");
}

// --- the questions -----------------------------------------------------------------------------------------------

ReportRef near(const IndexRef& idx, const py::object& target, std::optional<double> within, std::optional<std::size_t> k,
               const std::string& filter, bool horizontal, double radius, double bottom, double top) {
  if (!within && !k) invalidArgument("near needs within= (metres) or k= (a count)");
  if (within && *within < 0) invalidArgument("within must not be negative");
  if (k && *k == 0) invalidArgument("k must be at least 1");
  if (radius < 0) invalidArgument("radius must not be negative");
  cim::app::NearRequest q;
  q.load = idx->load;
  std::optional<ElementView> element;
  const std::string targetText = targetOf(target, radius, bottom, top, q, element);
  q.filter = filter;
  q.withinMeters = within;
  q.k = k;
  q.horizontal = horizontal;
  auto run = runReleased(py::none(), [&](const cim::ProgressFn&) {
    std::shared_lock lock(idx->mutex);
    if (element) {
      const auto* found = idx->index.find(element->element->id);
      if (!found || found->element->guid != element->element->guid || found->element->kind != element->element->kind ||
          found->layer != element->layer)
        return cim::Result<cim::app::NearRun>::failure(cim::Diagnostic::error(
            cim::ErrorCode::InvalidArgument,
            "near: the element '" + element->element->name + "' is not in this index (it comes from another scene)"));
    }
    return cim::app::runNear(idx->index, q);
  });
  std::vector<ClashResult> all;
  for (const auto& row : run.rows) all.insert(all.end(), row.found.begin(), row.found.end());
  auto r = makeReport(*idx, std::move(all),
                      {targetText, "filter: " + filter, k ? "k: " + std::to_string(*k) : "within_m: " + number(*within),
                       std::string("measured: ") + (horizontal ? "in plan" : "3D")});
  r->report.summary["near.targets"] = static_cast<std::int64_t>(run.rows.size());
  return r;
}

ReportRef clash(const IndexRef& idx, const std::string& a, const std::optional<std::string>& b,
                const std::optional<std::string>& mode, double tolerance, bool touches, std::optional<double> clearance,
                const py::object& rules, bool includeNonPhysical, unsigned threads, py::object progress) {
  using Mode = cim::index::ClashOptions::Mode;
  cim::app::ClashRequest q;
  q.a = a;
  q.b = b;
  if (tolerance < 0) invalidArgument("tolerance must not be negative");
  q.toleranceMeters = tolerance;
  q.reportTouches = touches;
  q.clearanceMeters = clearance;
  q.includeNonPhysical = includeNonPhysical;
  if (!rules.is_none()) {
    // One name ('gb50289') or rule file, or a list of them (str or os.PathLike each).
    if (py::isinstance<py::str>(rules) || py::hasattr(rules, "__fspath__")) q.rules = {py::str(rules).cast<std::string>()};
    else
      for (const auto& r : rules) q.rules.push_back(py::str(r).cast<std::string>());
  }
  const std::string m = mode ? *mode : clearance || !q.rules.empty() ? "clearance" : "hard";
  if (m == "hard") q.mode = Mode::Hard;
  else if (m == "clearance") q.mode = Mode::Clearance;
  else if (m == "duplicates") q.mode = Mode::Duplicates;
  else invalidArgument("mode must be 'hard', 'clearance' or 'duplicates', not '" + m + "'");
  if (clearance && *clearance < 0) invalidArgument("clearance must not be negative");
  q.threads = threads;
  auto set = runReleased(std::move(progress), [&](const cim::ProgressFn& fn) {
    std::shared_lock lock(idx->mutex);
    return cim::app::runClash(idx->index, q, fn);
  });
  std::vector<std::string> options = {"a: " + a, "b: " + (b ? *b : std::string("(a against itself)")),
                                      "mode: " + (m == "clearance" && clearance ? "clearance " + number(*clearance) + " m"
                                                  : m == "clearance"            ? std::string("clearance by rules")
                                                                                : m),
                                      "tolerance_m: " + number(tolerance)};
  for (const auto& rule : q.rules) options.push_back("rules: " + rule);
  auto r = makeReport(*idx, set.report.results, std::move(options));
  r->rules.push_back(std::make_shared<const cim::index::RuleSet>(std::move(set.rules)));
  auto& s = r->report.summary;
  s["clash.selectedA"] = static_cast<std::int64_t>(set.report.selectedA);
  s["clash.selectedB"] = static_cast<std::int64_t>(set.report.selectedB);
  s["clash.candidatePairs"] = static_cast<std::int64_t>(set.report.candidatePairs);
  s["clash.joinedPairs"] = static_cast<std::int64_t>(set.report.joinedPairs);
  s["clash.pairsWithoutRule"] = static_cast<std::int64_t>(set.report.pairsWithoutRule);
  s["clash.touches"] = static_cast<std::int64_t>(set.report.touches);
  s["clash.skippedNonPhysical"] = static_cast<std::int64_t>(set.report.skippedNonPhysical);
  return r;
}

ReportRef check(const IndexRef& idx, const std::string& name, const std::optional<std::string>& assets,
                std::optional<double> within, std::size_t k, const std::string& zones, const std::string& cover) {
  auto which = cim::app::parseCheck(name);
  if (!which) invalidArgument("no check '" + name + "': excavation, cover, sensors, cavities or corridor");
  if (within && *within < 0) invalidArgument("distances must not be negative");
  if (k == 0) invalidArgument("k must be at least 1");
  cim::app::CheckRequest q;
  q.check = *which;
  q.inputs = idx->inputs;
  q.assets = assets;
  q.withinMeters = within;
  q.k = k;
  q.zonesFile = zones;
  q.coverFile = cover;
  auto run = runReleased(py::none(), [&](const cim::ProgressFn&) {
    std::shared_lock lock(idx->mutex);
    return cim::app::runCheck(idx->index, q);
  });
  std::vector<std::string> options = {"check: " + name};
  if (assets) options.push_back("assets: " + *assets);
  if (*which == cim::app::Check::Excavation) options.push_back("zones: " + zones);
  if (*which == cim::app::Check::Cover) options.push_back("cover rules: " + cover);
  auto r = makeReport(*idx, std::move(run.results), std::move(options));
  const std::string key = name == "corridors" ? "corridor" : name;
  r->report.summary[key + ".checked"] = static_cast<std::int64_t>(run.checked);
  r->notes = std::move(run.notes);
  return r;
}

void bindResults(py::module_& m) {
  py::class_<ElementRef>(m, "ElementRef", "An element as a result names it.")
      .def_readonly("id", &ElementRef::id)
      .def_readonly("guid", &ElementRef::guid)
      .def_readonly("kind", &ElementRef::kind)
      .def_readonly("name", &ElementRef::name)
      .def_readonly("layer", &ElementRef::layer)
      .def("__repr__", [](const ElementRef& e) { return "<cim.ElementRef " + e.name + " (" + e.kind + ", " + e.layer + ")>"; });

  py::class_<ClearanceRule>(m, "ClearanceRule", "A clearance requirement between two selections, citing its source.")
      .def_property_readonly("a", [](const ClearanceRule& r) { return r.a.text(); })
      .def_property_readonly("b", [](const ClearanceRule& r) { return r.b.text(); })
      .def_readonly("horizontal", &ClearanceRule::horizontalMeters)
      .def_readonly("vertical", &ClearanceRule::verticalMeters)
      .def_readonly("source", &ClearanceRule::source)
      .def_readonly("note", &ClearanceRule::note)
      .def_readonly("file", &ClearanceRule::file)
      .def_readonly("line", &ClearanceRule::line)
      .def("__repr__", [](const ClearanceRule& r) { return "<cim.ClearanceRule " + r.source + ">"; });

  py::class_<ClashResult, std::shared_ptr<ClashResult>>(
      m, "Result",
      "One finding: a clash, a clearance violation, a work in a protection zone, a pipe short of cover, an asset near "
      "a sensor ... between elements a and b (a = b for cover), with distances in metres and closest points in the "
      "scene CRS.")
      .def_readonly("id", &ClashResult::id, "Stable: the same pair and type give the same id in every run.")
      .def_property_readonly("type", [](const ClashResult& r) { return std::string(cim::index::clashTypeName(r.type)); },
                             "'hard', 'touch', 'clearance', 'duplicate', 'protection-zone', 'control-zone', 'cover', "
                             "'nearest', 'within', 'obstacle'.")
      .def_readonly("a", &ClashResult::a)
      .def_readonly("b", &ClashResult::b)
      .def_readonly("distance", &ClashResult::distance, "3D, surface to surface (cover: the cover).")
      .def_readonly("horizontal", &ClashResult::horizontal, "In plan (0 where they cross).")
      .def_readonly("vertical", &ClashResult::vertical, "The vertical gap at a crossing, or None.")
      .def_readonly("depth", &ClashResult::depth, "Hard clashes and touches: the penetration depth.")
      .def_property_readonly("on_a", [](const ClashResult& r) { return array3(r.onA); })
      .def_property_readonly("on_b", [](const ClashResult& r) { return array3(r.onB); })
      .def_property_readonly("point", [](const ClashResult& r) { return array3(r.point); }, "Where: between the closest points.")
      .def_readonly("required", &ClashResult::requiredMeters, "The clearance (or cover) that was not kept, or None.")
      .def_readonly("required_kind", &ClashResult::requiredKind, "'horizontal', 'vertical' or '3d'.")
      .def_property_readonly("rule", [](const ClashResult& r) -> std::optional<ClearanceRule> {
        if (!r.rule) return std::nullopt;
        return *r.rule;
      }, "The clearance rule that required it (None for a fixed clearance and the checks).")
      .def_readonly("status", &ClashResult::status, "Against a previous report: 'new', 'active', 'resolved'; else ''.")
      .def_property_readonly("details", [](const ClashResult& r) { return attributes(r.details); },
                             "What a check adds: the zone and its requirement, the asset's type, pressure class and "
                             "owner, cover values ...")
      .def_property_readonly("title", [](const ClashResult& r) { return cim::report::resultTitle(r); })
      .def_property_readonly("uuid", [](const ClashResult& r) { return cim::report::resultUuid(r.id); },
                             "The BCF topic GUID of the result.")
      .def("__str__", [](const ClashResult& r) { return cim::app::resultLine(r); })
      .def("__repr__", [](const ClashResult& r) { return "<cim.Result " + cim::app::resultLine(r) + ">"; });
}


void bindReport(py::module_& m) {
  py::class_<ReportData, ReportRef>(
      m, "Report",
      "The results of one question (near, clash, a check) or a report read back: a list of cim.Result with the inputs, "
      "CRS, options and summary counts; written as JSON, GeoJSON or BCF 3.0, and to_geodataframe() for GIS.")
      .def_property_readonly("results", [](const ReportRef& r) {
        py::list out;
        for (const auto& x : r->report.results) out.append(member(r, x));
        return out;
      })
      .def("__len__", [](const ReportData& r) { return r.report.results.size(); })
      .def("__getitem__", [](const ReportRef& r, py::ssize_t i) {
        const auto n = static_cast<py::ssize_t>(r->report.results.size());
        if (i < 0) i += n;
        if (i < 0 || i >= n) throw py::index_error("result index out of range");
        return member(r, r->report.results[static_cast<std::size_t>(i)]);
      })
      .def("__iter__", [](const ReportRef& r) {
        py::list out;
        for (const auto& x : r->report.results) out.append(member(r, x));
        return py::iter(out);
      })
      .def_property_readonly("crs", [](const ReportData& r) { return r.report.crs; }, "The scene CRS's definition; '' for a local scene.")
      .def_property_readonly("inputs", [](const ReportData& r) { return r.report.inputs; })
      .def_property_readonly("options", [](const ReportData& r) { return r.report.options; })
      .def_property_readonly("summary", [](const ReportData& r) { return attributes(r.report.summary); },
                             "Counts that are not results: 'excavation.checked', 'clash.candidatePairs' ...")
      .def_readonly("notes", &ReportData::notes, "What the run had to say (e.g. pipes without ground above them).")
      .def("lines", [](const ReportData& r) {
        std::vector<std::string> out;
        for (const auto& x : r.report.results) out.push_back(cim::app::resultLine(x));
        return out;
      }, "One line per result, as the cim tool prints them.")
      .def("to_json", [](const ReportData& r) { return cim::report::reportJson(r.report); }, "The JSON report (docs/reports.md).")
      .def("to_geojson", [](const ReportData& r, bool wgs84) {
        cim::report::WriteOptions o;
        o.geojson = wgs84 ? cim::report::GeoJsonCoordinates::Wgs84 : cim::report::GeoJsonCoordinates::Scene;
        return take(cim::report::reportGeoJson(r.report, o));
      }, py::arg("wgs84") = false, "GeoJSON text: per result a Point and a LineString between the closest points.")
      .def("write",
           [](const ReportData& r, const py::object& path, bool wgs84, const std::string& author,
              const std::string& creationDate, const std::string& projectName, const py::object& viewpointOrigin) {
             cim::report::WriteOptions o;
             o.geojson = wgs84 ? cim::report::GeoJsonCoordinates::Wgs84 : cim::report::GeoJsonCoordinates::Scene;
             o.author = author;
             o.creationDate = creationDate;
             o.projectName = projectName;
             if (!viewpointOrigin.is_none()) o.viewpointOrigin = vector3(viewpointOrigin, "viewpoint_origin");
             const fs::path out = paths(path, "path").at(0);
             runReleased(py::none(), [&](const cim::ProgressFn&) { return cim::report::writeReport(r.report, out, o); });
           },
           py::arg("path"), py::kw_only(), py::arg("wgs84") = false, py::arg("author") = "libcim",
           py::arg("creation_date") = "", py::arg("project_name") = "", py::arg("viewpoint_origin") = py::none(),
           "Writes .json, .geojson or .bcf/.bcfzip (BCF 3.0) by the extension, atomically.")
      .def("mark_against", [](const ReportData& r, const ReportData& previous) {
        auto out = std::make_shared<ReportData>(r);
        cim::report::markAgainstPrevious(out->report, previous.report);
        out->rules.insert(out->rules.end(), previous.rules.begin(), previous.rules.end());
        return out;
      }, py::arg("previous"), "A copy with each result marked 'new' or 'active' and the previous run's results that "
                              "are gone appended as 'resolved'.")
      .def("__str__", [](const ReportData& r) {
        std::string s;
        for (const auto& x : r.report.results) s += cim::app::resultLine(x) + "\n";
        return s;
      })
      .def("__repr__", [](const ReportData& r) {
        return "<cim.Report " + std::to_string(r.report.results.size()) + " result(s)" +
               (r.report.crs.empty() ? std::string() : " in " + r.report.crs) + ">";
      });
}

void bindChecks(py::class_<IndexData, std::shared_ptr<IndexData>>& index) {
  index
      .def("check",
           [](const IndexRef& i, const std::string& name, const std::optional<std::string>& assets,
              std::optional<double> within, std::size_t k, const std::string& zones, const std::string& cover) {
             return check(i, name, assets, within, k, zones, cover);
           },
           py::arg("name"), py::kw_only(), py::arg("assets") = py::none(), py::arg("within") = py::none(),
           py::arg("k") = 1, py::arg("zones") = "gas_zones", py::arg("cover") = "cover",
           "One of the city's checks by name: 'excavation', 'cover', 'sensors', 'cavities', 'corridor'.")
      .def("check_excavation",
           [](const IndexRef& i, const std::optional<std::string>& assets, const std::string& zones) {
             return check(i, "excavation", assets, std::nullopt, 1, zones, "cover");
           },
           py::arg("assets") = py::none(), py::arg("zones") = "gas_zones",
           "Every pit and borehole against the protection and control zones of the pipes near it (GB 55009-2021).")
      .def("check_cover",
           [](const IndexRef& i, const std::optional<std::string>& assets, const std::string& rules) {
             return check(i, "cover", assets, std::nullopt, 1, "gas_zones", rules);
           },
           py::arg("assets") = py::none(), py::arg("rules") = "cover",
           "Pipes with less cover than their minimum (GB 50028 §6.3.4); the ground is the scene's DEM, else its terrain.")
      .def("check_sensors",
           [](const IndexRef& i, std::size_t k, const std::optional<std::string>& assets, std::optional<double> within) {
             return check(i, "sensors", assets, within, k, "gas_zones", "cover");
           },
           py::arg("k") = 1, py::arg("assets") = py::none(), py::arg("within") = py::none(),
           "For each sensor its k nearest assets (within= metres at most).")
      .def("check_cavities",
           [](const IndexRef& i, double within, const std::optional<std::string>& assets) {
             return check(i, "cavities", assets, within, 1, "gas_zones", "cover");
           },
           py::arg("within") = 2.0, py::arg("assets") = py::none(),
           "For each road cavity the assets within the distance.")
      .def("check_corridor",
           [](const IndexRef& i, double clearance, const std::optional<std::string>& obstacles) {
             return check(i, "corridor", obstacles, clearance, 1, "gas_zones", "cover");
           },
           py::arg("clearance") = 0.0, py::arg("obstacles") = py::none(),
           "For each drone corridor the obstacles within its clearance beyond its radius.");
}

void bindChanges(py::class_<IndexData, std::shared_ptr<IndexData>>& index) {
  index
      .def("insert", [](const IndexRef& i, const std::string& layer, const ElementView& e) {
        cim::model::Element copy = *e.element;
        return take(writing(i, [&](cim::index::SpatialIndex& x) { return x.insert(layer, std::move(copy)); }));
      }, py::arg("layer"), py::arg("element"),
         "Adds a copy of an element (cim.pipe_element, cim.excavation_element, or one of another scene) to a layer "
         "with the next free id, which it returns. What-if questions: the index changes, its Scene does not.")
      .def("update", [](const IndexRef& i, std::uint32_t id, const ElementView& e) {
        cim::model::Element copy = *e.element;
        if (!writing(i, [&](cim::index::SpatialIndex& x) { return x.update(id, std::move(copy)); }))
          throw py::key_error("no element with id " + std::to_string(id));
      }, py::arg("id"), py::arg("element"), "Replaces element `id` by a copy of `element` (moved, resized ...).")
      .def("remove", [](const IndexRef& i, std::uint32_t id) {
        if (!writing(i, [&](cim::index::SpatialIndex& x) { return x.remove(id); }))
          throw py::key_error("no element with id " + std::to_string(id));
      }, py::arg("id"), "Removes element `id` from the index.");
}

void bindIndexClass(py::module_& m) {
  py::class_<IndexData, std::shared_ptr<IndexData>> index(
      m, "Index",
      "One spatial index over every layer of a scene (Scene.index()): elements by id, GUID, selector or box, "
      "proximity queries, clash sets and the city's checks, measured on the exact shapes. Queries release the GIL.");
  index.def("__len__", [](const IndexRef& i) { return reading(i, [](const cim::index::SpatialIndex& x) { return x.size(); }); })
      .def_property_readonly("crs", [](const IndexData& i) { return i.index.crs(); })
      .def("element", [](const IndexRef& i, std::uint32_t id) {
        auto v = reading(i, [&](const cim::index::SpatialIndex& x) -> std::optional<ElementView> {
          if (const auto* e = x.find(id)) return viewOf(*e, i);
          return std::nullopt;
        });
        if (!v) throw py::key_error("no element with id " + std::to_string(id));
        return *v;
      }, py::arg("id"))
      .def("find_guid", [](const IndexRef& i, const std::string& guid) {
        return reading(i, [&](const cim::index::SpatialIndex& x) -> std::optional<ElementView> {
          if (const auto* e = x.findGuid(guid)) return viewOf(*e, i);
          return std::nullopt;
        });
      }, py::arg("guid"), "The element with this GUID, or None.")
      .def("select", [](const IndexRef& i, const std::string& selector) {
        const auto s = selectorOf(selector);
        return reading(i, [&](const cim::index::SpatialIndex& x) { return viewsOf(i, x.select(s)); });
      }, py::arg("selector") = "*", "Every element a selector picks, in id order.")
      .def("in_box", [](const IndexRef& i, const py::object& min, const py::object& max, const std::string& filter) {
        cim::geometry::Aabb box;
        box.extend(vector3(min, "min"));
        box.extend(vector3(max, "max"));
        const auto s = selectorOf(filter);
        return reading(i, [&](const cim::index::SpatialIndex& x) { return viewsOf(i, x.inBox(box, s)); });
      }, py::arg("min"), py::arg("max"), py::arg("filter") = "*", "Elements whose bounds meet the box.")
      .def("terrain_height", [](const IndexRef& i, double e, double n) {
        return reading(i, [&](const cim::index::SpatialIndex& x) { return cim::index::terrainHeight(x, e, n); });
      }, py::arg("easting"), py::arg("northing"), "The terrain elements' height under a point, or None.")
      .def("near",
           [](const IndexRef& i, const py::object& target, std::optional<double> within, std::optional<std::size_t> k,
              const std::string& filter, bool horizontal, double radius, double bottom, double top) {
             return near(i, target, within, k, filter, horizontal, radius, bottom, top);
           },
           py::arg("target"), py::kw_only(), py::arg("within") = py::none(), py::arg("k") = py::none(),
           py::arg("filter") = "*", py::arg("horizontal") = false, py::arg("radius") = 0.0,
           py::arg("bottom") = -1.0e4, py::arg("top") = 1.0e4,
           R"(What lies within a distance of (within=metres), or nearest to (k=count), a target: a selector
('class=sensor'), a feature file (pathlib.Path), an Element, a point (x, y, z), a polyline ((n, 3) array, swept by
radius) or a shapely Point / LineString / Polygon (a prism from bottom to top). filter: which elements may be found;
horizontal: measure in plan. Results are of type 'within' or 'nearest', a = the target, nearest first.)")
      .def("clash",
           [](const IndexRef& i, const std::string& a, const std::optional<std::string>& b,
              const std::optional<std::string>& mode, double tolerance, bool touches, std::optional<double> clearance,
              const py::object& rules, bool includeNonPhysical, unsigned threads, py::object progress) {
             return clash(i, a, b, mode, tolerance, touches, clearance, rules, includeNonPhysical, threads,
                          std::move(progress));
           },
           py::arg("a") = "*", py::arg("b") = py::none(), py::kw_only(), py::arg("mode") = py::none(),
           py::arg("tolerance") = 0.001, py::arg("touches") = false, py::arg("clearance") = py::none(),
           py::arg("rules") = py::none(), py::arg("include_non_physical") = false, py::arg("threads") = 0,
           py::arg("progress") = py::none(),
           R"(A clash set of selection a against b (or against itself): mode 'hard' (default), 'clearance' (with
clearance=metres, or rules='gb50289' or rule files) or 'duplicates'. Parts of one network joined at a node are not
checked against each other; rooms, storeys, facility parts, openings and virtual elements are left out unless
include_non_physical=True.)")
      .def("__repr__", [](const IndexRef& i) {
        const auto n = reading(i, [](const cim::index::SpatialIndex& x) { return x.size(); });
        return "<cim.Index " + std::to_string(n) + " elements" +
               (i->index.crs() ? " in " + i->index.crs()->definition() : std::string()) + ">";
      });
  bindChecks(index);
  bindChanges(index);
}

void bindReadReport(py::module_& m) {
  m.def("read_report", [](const py::object& path) {
    const fs::path in = paths(path, "path").at(0);
    auto read = cim::report::readReport(in);
    auto notes = read.diagnostics();
    auto r = std::make_shared<ReportData>();
    r->report = take(std::move(read));
    r->notes = std::move(notes);
    return r;
  }, py::arg("path"), "A JSON report written by Report.write or `cim ... -o report.json`.");
}

void bindRules(py::module_& m) {
  using cim::index::CoverRule;
  using cim::index::ZoneRule;
  py::class_<ZoneRule>(m, "ZoneRule",
                       "A zone around the elements a selector picks: from_m to to_m from their outer surface "
                       "('protection' 0 – 0.5 m, 'control' 0.5 – 5 m ...), with what it requires of works inside it.")
      .def_readonly("zone", &ZoneRule::zone)
      .def_property_readonly("selector", [](const ZoneRule& r) { return r.selector.text(); })
      .def_readonly("from_m", &ZoneRule::fromMeters)
      .def_readonly("to_m", &ZoneRule::toMeters)
      .def_readonly("source", &ZoneRule::source)
      .def_readonly("requirement", &ZoneRule::requirement)
      .def_readonly("line", &ZoneRule::line)
      .def("matches", [](const ZoneRule& r, const ElementView& e) { return r.selector.matches(*e.element, e.layer); },
           py::arg("element"))
      .def("__repr__", [](const ZoneRule& r) {
        return "<cim.ZoneRule " + r.zone + " " + r.selector.text() + " " + number(r.fromMeters) + "–" +
               number(r.toMeters) + " m>";
      });
  py::class_<CoverRule>(m, "CoverRule", "A minimum cover (ground above the pipe's top) for the elements a selector picks.")
      .def_property_readonly("selector", [](const CoverRule& r) { return r.selector.text(); })
      .def_readonly("min_cover_m", &CoverRule::minCoverMeters)
      .def_readonly("source", &CoverRule::source)
      .def_readonly("line", &CoverRule::line)
      .def("matches", [](const CoverRule& r, const ElementView& e) { return r.selector.matches(*e.element, e.layer); },
           py::arg("element"))
      .def("__repr__", [](const CoverRule& r) { return "<cim.CoverRule " + r.selector.text() + " " + number(r.minCoverMeters) + " m>"; });

  m.def("zone_rules", [](const std::string& name) { return take(cim::index::loadZones(name)); },
        py::arg("name") = "gas_zones",
        "The protection and control zones of a table: the built-in 'gas_zones' (GB 55009-2021) or a zone file.");
  m.def("cover_rules", [](const std::string& name) { return take(cim::index::loadCover(name)); },
        py::arg("name") = "cover", "The minimum-cover rules of a table: the built-in 'cover' (GB 50028) or a file.");
  m.def("clearance_rules", [](const std::string& name) { return take(cim::index::RuleSet::load(name)).rules(); },
        py::arg("name") = "gb50289",
        "The clearance rules of a table: the built-in 'gb50289' (GB 50289-2016, GB 50028) or a rule file.");
}

}  // namespace

void bindIndex(py::module_& m) {
  bindResults(m);
  bindRules(m);
  bindReport(m);
  bindReadReport(m);
  bindIndexClass(m);
  // Scene.index() here, once Index is known, so that its signature names it.
  auto scene = py::reinterpret_borrow<py::class_<SceneData, std::shared_ptr<SceneData>>>(m.attr("Scene"));
  scene.def("index", &sceneIndex,
            "The spatial index over every layer (built on first call, then kept): near, clash and the city's checks.");
}

}  // namespace cimpy
