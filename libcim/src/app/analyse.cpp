// The questions asked of a city model: clash sets, proximity queries, the city's checks (see cim/app/analyse.h).
#include "cim/app/analyse.h"

#include "cim/io/formats.h"
#include "cim/io/terrain.h"

namespace cim::app {

namespace fs = std::filesystem;

namespace {

Result<index::Selector> selector(const std::string& text, const char* what) {
  auto s = index::Selector::parse(text);
  if (!s.ok()) {
    Diagnostic d = *s.error();
    d.message = std::string(what) + ": " + d.message;
    return Result<index::Selector>::failure(std::move(d));
  }
  return s;
}

Result<index::RuleSet> loadRules(const std::vector<std::string>& names) {
  index::RuleSet all;
  for (const auto& name : names) {
    auto r = index::RuleSet::load(name);
    if (!r.ok()) return r;
    all.append(r.value());
  }
  return Result<index::RuleSet>::success(std::move(all));
}

// A result about a target and what was found near it.
index::ClashResult nearResult(index::ClashType type, const index::ElementRef& target, const index::Neighbour& n,
                              const index::Separation& s) {
  index::ClashResult r;
  r.a = target;
  r.b = index::refOf(*n.element);
  index::setMeasures(r, type, s);
  return r;
}

// The DEMs among the inputs, opened in the scene CRS, as one ground function (the first that knows a height).
Result<index::GroundFn> groundFromDems(const std::vector<fs::path>& inputs, const std::optional<geo::Crs>& sceneCrs,
                                       std::vector<Diagnostic>& notes) {
  auto terrains = std::make_shared<std::vector<io::Terrain>>();
  for (const auto& p : inputs) {
    if (io::formatFor(io::sniffFile(p)).id != "terrain") continue;
    io::TerrainOptions o;
    o.sceneCrs = sceneCrs;
    auto t = io::Terrain::open(p, o);
    if (!t.ok()) return Result<index::GroundFn>::failureFrom(t);
    for (const auto& d : t.diagnostics()) notes.push_back(d);
    terrains->push_back(std::move(t).value());
  }
  if (terrains->empty()) return Result<index::GroundFn>::success(index::GroundFn{});
  return Result<index::GroundFn>::success([terrains](double x, double y) -> std::optional<double> {
    for (const auto& t : *terrains)
      if (auto h = t.heightAt(x, y)) return h;
    return std::nullopt;
  });
}

}  // namespace

Result<index::SpatialIndex> loadIndex(const std::vector<fs::path>& inputs, const LoadOptions& options,
                                      const ProgressFn& progress) {
  auto scene = loadScene(inputs, options, progress);
  if (!scene.ok()) return Result<index::SpatialIndex>::failureFrom(scene);
  auto diags = scene.takeDiagnostics();
  return Result<index::SpatialIndex>::success(index::SpatialIndex::build(std::move(scene).value()), std::move(diags));
}

Result<ClashSet> runClash(const index::SpatialIndex& index, const ClashRequest& q, const ProgressFn& progress) {
  using R = Result<ClashSet>;
  auto a = selector(q.a, "selector A");
  if (!a.ok()) return R::failureFrom(a);
  std::optional<index::Selector> b;
  if (q.b) {
    auto s = selector(*q.b, "selector B");
    if (!s.ok()) return R::failureFrom(s);
    b = std::move(s).value();
  }
  auto rules = loadRules(q.rules);
  if (!rules.ok()) return R::failureFrom(rules);
  // The results point into set.rules: its vector keeps its elements where they are when the set is moved.
  ClashSet set{std::move(rules).value(), {}};
  index::ClashOptions o;
  o.a = std::move(a).value();
  o.b = std::move(b);
  o.mode = q.mode;
  o.toleranceMeters = q.toleranceMeters;
  o.reportTouches = q.reportTouches;
  o.clearanceMeters = q.clearanceMeters;
  o.rules = &set.rules;
  o.includeNonPhysical = q.includeNonPhysical;
  o.threads = q.threads;
  o.progress = progress;
  auto report = index::clash(index, o);
  if (!report.ok()) return R::failureFrom(report);
  set.report = std::move(report).value();
  return R::success(std::move(set));
}

Result<ClashRun> runClash(const ClashRequest& q, const ProgressFn& progress) {
  using R = Result<ClashRun>;
  // Selectors and rule files are read before the inputs, so that a typo fails at once.
  for (const auto* text : {&q.a, q.b ? &*q.b : nullptr}) {
    if (!text) continue;
    auto s = selector(*text, text == &q.a ? "selector A" : "selector B");
    if (!s.ok()) return R::failureFrom(s);
  }
  if (auto rules = loadRules(q.rules); !rules.ok()) return R::failureFrom(rules);
  auto loaded = loadIndex(q.inputs, q.load, [&](std::string_view stage, double f) {
    return !progress || progress(stage, 0.6 * f);
  });
  if (!loaded.ok()) return R::failureFrom(loaded);
  auto diags = loaded.takeDiagnostics();
  ProgressFn rest;
  if (progress) rest = [&](std::string_view stage, double f) { return progress(stage, 0.6 + 0.4 * f); };
  auto set = runClash(loaded.value(), q, rest);
  if (!set.ok()) return R::failure(*set.error(), std::move(diags));
  return R::success(ClashRun{std::move(loaded).value(), std::move(set->rules), std::move(set->report)},
                    std::move(diags));
}

Result<NearRun> runNear(const index::SpatialIndex& index, const NearRequest& q) {
  using R = Result<NearRun>;
  if (!q.withinMeters && !q.k)
    return R::failure(Diagnostic::error(ErrorCode::InvalidArgument, "give a distance (within) or a count (k)"));
  auto filter = selector(q.filter, "filter");
  if (!filter.ok()) return R::failureFrom(filter);
  std::vector<Diagnostic> diags;
  // The targets: probes with the names they are reported by.
  std::vector<std::pair<index::ElementRef, index::Probe>> targets;
  if (q.targetSelector) {
    auto t = selector(*q.targetSelector, "target");
    if (!t.ok()) return R::failureFrom(t);
    for (const auto* e : index.select(t.value())) targets.emplace_back(index::refOf(*e), index.probeOf(*e));
  }
  if (q.targetFile) {
    LoadOptions lo = q.load;
    if (lo.crs.empty() && index.crs()) lo.crs = index.crs()->definition();
    auto features = loadScene({*q.targetFile}, lo);
    if (!features.ok()) return R::failureFrom(features);
    for (auto& d : features.takeDiagnostics()) diags.push_back(std::move(d));
    features->forEachElement([&](const model::Layer& l, const model::Element& e) {
      targets.emplace_back(index::ElementRef{e.id, e.guid, e.kind, e.name, l.name},
                           index::Probe{index::elementShape(e), std::nullopt});
    });
  }
  if (q.targetPoint) targets.emplace_back(index::ElementRef{0, "", "point", "point", ""}, index::Probe::point(*q.targetPoint));
  if (q.targetProbe) targets.emplace_back(index::ElementRef{0, "", "probe", "probe", ""}, *q.targetProbe);
  NearRun run;
  run.crs = index.crs();
  for (const auto& [ref, probe] : targets) {
    NearRow row{ref, {}};
    const index::QueryOptions o{filter.value(), q.horizontal};
    const auto found = q.k ? index.nearest(probe, *q.k, o) : index.within(probe, *q.withinMeters, o);
    for (const auto& n : found) {
      if (q.k && q.withinMeters && n.distance > *q.withinMeters) continue;
      const auto s = index::separate(probe.shape, index.shapeOf(*n.element));
      row.found.push_back(nearResult(q.k ? index::ClashType::Nearest : index::ClashType::Within, ref, n, s));
    }
    run.rows.push_back(std::move(row));
  }
  return R::success(std::move(run), std::move(diags));
}

Result<NearRun> runNear(const NearRequest& q, const ProgressFn& progress) {
  using R = Result<NearRun>;
  if (!q.withinMeters && !q.k)
    return R::failure(Diagnostic::error(ErrorCode::InvalidArgument, "give a distance (within) or a count (k)"));
  if (auto filter = selector(q.filter, "filter"); !filter.ok()) return R::failureFrom(filter);
  auto loaded = loadIndex(q.inputs, q.load, progress);
  if (!loaded.ok()) return R::failureFrom(loaded);
  auto diags = loaded.takeDiagnostics();
  auto run = runNear(loaded.value(), q);
  for (const auto& d : run.diagnostics()) diags.push_back(d);
  if (!run.ok()) return R::failure(*run.error(), std::move(diags));
  return R::success(std::move(run).value(), std::move(diags));
}

std::optional<Check> parseCheck(std::string_view name) {
  if (name == "excavation") return Check::Excavation;
  if (name == "cover") return Check::Cover;
  if (name == "sensors") return Check::Sensors;
  if (name == "cavities") return Check::Cavities;
  if (name == "corridor" || name == "corridors") return Check::Corridor;
  return std::nullopt;
}

Result<CheckRun> runCheck(const index::SpatialIndex& index, const CheckRequest& q) {
  using R = Result<CheckRun>;
  std::optional<index::Selector> assets;
  if (q.assets) {
    auto s = selector(*q.assets, "assets");
    if (!s.ok()) return R::failureFrom(s);
    assets = std::move(s).value();
  }
  CheckRun run;
  run.crs = index.crs();
  std::optional<Result<std::vector<index::ClashResult>>> results;
  switch (q.check) {
    case Check::Excavation: {
      auto zones = index::loadZones(q.zonesFile);
      if (!zones.ok()) return R::failureFrom(zones);
      index::ExcavationOptions o;
      o.zones = &zones.value();
      if (assets) o.assets = *assets;
      run.checked = index.select(o.works).size();
      results.emplace(index::checkExcavation(index, o));
      break;
    }
    case Check::Cover: {
      auto rules = index::loadCover(q.coverFile);
      if (!rules.ok()) return R::failureFrom(rules);
      auto ground = groundFromDems(q.inputs, index.crs(), run.notes);
      if (!ground.ok()) return R::failureFrom(ground);
      index::CoverOptions o;
      o.rules = &rules.value();
      o.ground = ground.value();
      auto cover = index::checkCover(index, o);
      if (!cover.ok()) return R::failureFrom(cover);
      run.checked = cover->checked;
      if (cover->unknownGround)
        run.notes.push_back(Diagnostic::warning(ErrorCode::InvalidArgument,
                                                std::to_string(cover->unknownGround) +
                                                    " pipe(s) have no ground height above them (give a DEM): not checked"));
      results.emplace(Result<std::vector<index::ClashResult>>::success(std::move(cover->results)));
      break;
    }
    case Check::Sensors: {
      index::SensorOptions o;
      if (assets) o.assets = *assets;
      o.k = q.k;
      o.maxMeters = q.withinMeters;
      run.checked = index.select(o.sensors).size();
      results.emplace(index::checkSensors(index, o));
      break;
    }
    case Check::Cavities: {
      index::CavityOptions o;
      if (assets) o.assets = *assets;
      if (q.withinMeters) o.withinMeters = *q.withinMeters;
      run.checked = index.select(o.cavities).size();
      results.emplace(index::checkCavities(index, o));
      break;
    }
    case Check::Corridor: {
      index::CorridorOptions o;
      if (assets) o.obstacles = *assets;
      if (q.withinMeters) o.clearanceMeters = *q.withinMeters;
      run.checked = index.select(o.corridors).size();
      results.emplace(index::checkCorridors(index, o));
      break;
    }
  }
  if (!results->ok()) return R::failureFrom(*results);
  run.results = std::move(*results).value();
  return R::success(std::move(run));
}

Result<CheckRun> runCheck(const CheckRequest& q, const ProgressFn& progress) {
  using R = Result<CheckRun>;
  std::vector<fs::path> all = q.inputs;
  all.insert(all.end(), q.features.begin(), q.features.end());
  if (q.assets)
    if (auto s = selector(*q.assets, "assets"); !s.ok()) return R::failureFrom(s);
  auto loaded = loadIndex(all, q.load, progress);
  if (!loaded.ok()) return R::failureFrom(loaded);
  auto notes = loaded.takeDiagnostics();
  CheckRequest onIndex = q;
  onIndex.inputs = all;  // the DEMs of the cover check may be among either
  auto run = runCheck(loaded.value(), onIndex);
  if (!run.ok()) return run;
  notes.insert(notes.end(), run->notes.begin(), run->notes.end());
  run->notes = std::move(notes);
  return run;
}

std::string resultLine(const index::ClashResult& r) {
  auto name = [](const index::ElementRef& e) {
    std::string s = e.name.empty() ? e.guid : e.name;
    return s + " (" + e.kind + (e.layer.empty() ? "" : ", " + e.layer) + ")";
  };
  char buf[160];
  std::string line = std::string(index::clashTypeName(r.type));
  line.resize(std::max<std::size_t>(line.size() + 1, 16), ' ');
  line += name(r.a);
  if (r.a.id != r.b.id || r.a.guid != r.b.guid) line += " – " + name(r.b);
  line += ": ";
  switch (r.type) {
    case index::ClashType::Hard:
    case index::ClashType::Touch:
      std::snprintf(buf, sizeof buf, "overlap %.4f m deep", r.depth);
      line += buf;
      break;
    case index::ClashType::Cover:
      std::snprintf(buf, sizeof buf, "cover %.3f m < %.3f m at %.3f %.3f", r.distance, r.requiredMeters.value_or(0),
                    r.point.x(), r.point.y());
      line += buf;
      break;
    default: {
      const bool horizontal = r.requiredKind == "horizontal";
      const bool vertical = r.requiredKind == "vertical";
      const double measured = horizontal ? r.horizontal : vertical ? r.vertical.value_or(r.distance) : r.distance;
      std::snprintf(buf, sizeof buf, "%s %.3f m", horizontal ? "horizontal" : vertical ? "vertical" : "distance", measured);
      line += buf;
      if (r.requiredMeters) {
        std::snprintf(buf, sizeof buf, " < %.3f m required", *r.requiredMeters);
        line += buf;
      }
      if (!horizontal) {
        std::snprintf(buf, sizeof buf, " (horizontal %.3f m", r.horizontal);
        line += buf;
        if (r.vertical) std::snprintf(buf, sizeof buf, ", vertical %.3f m)", *r.vertical), line += buf;
        else line += ")";
      }
    }
  }
  if (auto z = r.details.find("zone"); z != r.details.end())
    if (const auto* s = std::get_if<std::string>(&z->second)) line += ", inside the " + *s + " zone";
  if (r.rule) line += " [" + r.rule->source + "]";
  else if (auto src = r.details.find("zone.source"); src != r.details.end()) {
    if (const auto* s = std::get_if<std::string>(&src->second)) line += " [" + *s + "]";
  } else if (auto cs = r.details.find("cover.source"); cs != r.details.end()) {
    if (const auto* s = std::get_if<std::string>(&cs->second)) line += " [" + *s + "]";
  }
  if (!r.status.empty()) line += " (" + r.status + ")";
  return line;
}

}  // namespace cim::app
