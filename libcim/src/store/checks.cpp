// Checks registered in a store (cim/store/store.h, docs/store.md "Checks"): a clash set, or the excavation, cavity,
// corridor, cover or sensor check of cim/index, kept by name with its parameters; after each version, re-run only on
// the elements that version touched and those within the check's reach (cover and sensors: the pipes or sensors near
// what it touched, each against all near it), their results marked new / active / resolved per version.
//
// Tables (made on first use; an older libcim ignores them):
//   cim_check  (name, kind, a, b, rules, clearance_m, tolerance_m, created, evaluated, nearest): nearest (the
//              sensors' k; null for the other kinds) was added after the others; a table an older libcim made gets
//              it at the next write, and reads without it take k = 1.
//   cim_result (check_name, id, type, a_*, b_*, measures, found_in, resolved_in): a result is active from found_in
//              until resolved_in; one that comes back later gets a new row.
#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "cim/index/checks.h"
#include "cim/index/clash.h"
#include "cim/index/rules.h"
#include "cim/index/spatial_index.h"
#include "store/codec.h"
#include "store/store_impl.h"

namespace cim::store {

using namespace detail;

std::string_view checkKindName(CheckDefinition::Kind kind) {
  switch (kind) {
    case CheckDefinition::Kind::Hard: return "hard";
    case CheckDefinition::Kind::Clearance: return "clearance";
    case CheckDefinition::Kind::Excavation: return "excavation";
    case CheckDefinition::Kind::Cavity: return "cavity";
    case CheckDefinition::Kind::Corridor: return "corridor";
    case CheckDefinition::Kind::Cover: return "cover";
    case CheckDefinition::Kind::Sensors: return "sensors";
  }
  return "clearance";
}

std::optional<CheckDefinition::Kind> parseCheckKind(std::string_view name) {
  using K = CheckDefinition::Kind;
  for (auto k : {K::Hard, K::Clearance, K::Excavation, K::Cavity, K::Corridor, K::Cover, K::Sensors})
    if (checkKindName(k) == name) return k;
  return std::nullopt;
}

namespace {

void ensureCheckTables(Db& db) {
  const bool pg = db.dialect() == Dialect::Postgres;
  const std::string i = pg ? "BIGINT" : "INTEGER", r = pg ? "DOUBLE PRECISION" : "REAL";
  db.exec("CREATE TABLE IF NOT EXISTS cim_check (name TEXT PRIMARY KEY, kind TEXT NOT NULL, a TEXT, b TEXT, rules TEXT, "
          "clearance_m " + r + ", tolerance_m " + r + ", created " + i + " NOT NULL, evaluated " + i + " NOT NULL, "
          "nearest " + i + ")");
  if (!db.hasColumn("cim_check", "nearest")) db.exec("ALTER TABLE cim_check ADD COLUMN nearest " + i);
  db.exec("CREATE TABLE IF NOT EXISTS cim_result (check_name TEXT NOT NULL, id TEXT NOT NULL, type TEXT NOT NULL, "
          "a_element " + i + ", a_layer TEXT, a_name TEXT, a_kind TEXT, b_element " + i +
          ", b_layer TEXT, b_name TEXT, b_kind TEXT, distance " + r + ", horizontal " + r + ", vertical " + r +
          ", required_m " + r + ", required_kind TEXT, rule TEXT, x " + r + ", y " + r + ", z " + r +
          ", details TEXT, found_in " + i + " NOT NULL, resolved_in " + i +
          ", PRIMARY KEY (check_name, id, found_in))");
  db.exec("CREATE INDEX IF NOT EXISTS cim_result_open ON cim_result (check_name, resolved_in)");
  // The rows a version made: its touched elements that are still there.
  db.exec("CREATE INDEX IF NOT EXISTS cim_element_made ON cim_element (valid_from)");
}

std::string joinLines(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : "\n") + s;
  return out;
}

std::vector<std::string> splitLines(const std::string& s) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < s.size()) {
    const auto nl = s.find('\n', at);
    out.push_back(s.substr(at, nl == std::string::npos ? std::string::npos : nl - at));
    if (nl == std::string::npos) break;
    at = nl + 1;
  }
  return out;
}

std::vector<CheckDefinition> readChecks(Db& db, const std::string& only = {}) {
  std::vector<CheckDefinition> out;
  if (!db.hasTable("cim_check")) return out;
  const std::string nearest = db.hasColumn("cim_check", "nearest") ? "nearest" : "NULL";
  auto s = db.prepare("SELECT name, kind, a, b, rules, clearance_m, tolerance_m, created, evaluated, " + nearest +
                      " FROM cim_check" +
                      std::string(only.empty() ? "" : " WHERE name = ?") + " ORDER BY name");
  if (!only.empty()) s->bind(1, std::string_view(only));
  while (s->step()) {
    CheckDefinition c;
    c.name = s->text(0);
    const std::string kind = s->text(1);
    if (const auto k = parseCheckKind(kind)) c.kind = *k;
    else c.unknownKind = kind;
    c.a = s->text(2), c.b = s->text(3);
    c.rules = splitLines(s->text(4));
    if (!s->isNull(5)) c.clearanceMeters = s->real(5);
    c.toleranceMeters = s->isNull(6) ? 0.001 : s->real(6);
    c.created = s->int64(7), c.evaluated = s->int64(8);
    if (!s->isNull(9) && s->int64(9) >= 1) c.nearest = std::size_t(s->int64(9));
    out.push_back(std::move(c));
  }
  return out;
}

// A check made ready to run: its selectors, rules or zones read, and how far from an element it looks.
struct Prepared {
  CheckDefinition def;
  index::Selector a, b;
  bool againstItself = false;
  index::RuleSet rules;
  std::vector<index::ZoneRule> zones;
  std::vector<index::CoverRule> cover;
  double reach = 0.0;       ///< in plan
  double reachZ = 0.0;      ///< in height (large where the check measures in plan)
};

// Whether a check takes works (A) against assets (B), as opposed to a clash set (or the cover check's pipes).
bool worksAgainstAssets(CheckDefinition::Kind k) {
  using K = CheckDefinition::Kind;
  return k == K::Excavation || k == K::Cavity || k == K::Corridor || k == K::Sensors;
}

// Whether what a check finds for an element of A depends on all that is near it, not on each pair alone: the cover
// check (a pipe and the whole ground over it) and the sensor check (a sensor's nearest asset). After an update such
// a check measures again the elements of A near what the version touched, each against all that is near it
// (measuredAgain), where the others measure the pairs with a touched element.
bool measuresWholeNeighbourhoods(CheckDefinition::Kind k) {
  using K = CheckDefinition::Kind;
  return k == K::Cover || k == K::Sensors;
}

// The selectors a check takes when it names none (index/checks.h's defaults).
std::pair<std::string, std::string> defaultSelectors(CheckDefinition::Kind k) {
  using K = CheckDefinition::Kind;
  if (k == K::Excavation) return {"class=excavation|borehole", "type=*"};
  if (k == K::Cavity) return {"class=cavity", "type=*"};
  if (k == K::Corridor) return {"class=drone_corridor", "class!=drone_corridor"};
  if (k == K::Sensors) return {"class=sensor", "type=*"};
  return {"*", ""};
}

Result<Prepared> prepare(const CheckDefinition& def) {
  using R = Result<Prepared>;
  using K = CheckDefinition::Kind;
  Prepared p;
  p.def = def;
  const bool excavation = def.kind == K::Excavation;
  const auto [aDefault, bDefault] = defaultSelectors(def.kind);
  const std::string aText = def.a.empty() ? aDefault : def.a;
  const std::string bText = def.b.empty() ? (worksAgainstAssets(def.kind) ? bDefault : aText) : def.b;
  p.againstItself = !worksAgainstAssets(def.kind) && (def.b.empty() || def.kind == K::Cover);
  auto a = index::Selector::parse(aText);
  if (!a.ok()) return R::failureFrom(a);
  auto b = index::Selector::parse(bText);
  if (!b.ok()) return R::failureFrom(b);
  p.a = a.value(), p.b = b.value();
  p.def.a = aText;
  p.def.b = p.againstItself ? std::string() : bText;
  constexpr double kAnyHeight = 1e7;  // checks measured in plan look through every height
  if (excavation) {
    auto z = index::loadZones(def.rules.empty() ? "gas_zones" : def.rules.front());
    if (!z.ok()) return R::failureFrom(z);
    p.zones = std::move(z).value();
    for (const auto& zone : p.zones) p.reach = std::max(p.reach, zone.toMeters);
    p.reachZ = kAnyHeight;
  } else if (def.kind == K::Cover) {
    // A pipe against the ground above it: its own plan, through every height (runAt's measuredAgain).
    p.def.rules = {def.rules.empty() ? std::string("cover") : def.rules.front()};
    auto c = index::loadCover(p.def.rules.front());
    if (!c.ok()) return R::failureFrom(c);
    p.cover = std::move(c).value();
    p.def.clearanceMeters.reset();
    p.reachZ = kAnyHeight;
  } else if (def.kind == K::Sensors) {
    // The nearest asset within a distance: what lies farther cannot become a sensor's nearest, so the check is local.
    if (!def.clearanceMeters || !(*def.clearanceMeters > 0) || !std::isfinite(*def.clearanceMeters))
      return R::failure(Diagnostic::error(ErrorCode::InvalidArgument,
                                          "check " + def.name + ": a registered sensor check needs the distance "
                                          "within which it looks for each sensor's nearest asset (metres > 0)"));
    if (def.nearest < 1 || def.nearest > CheckDefinition::kMostNearest)  // (each is a result row)
      return R::failure(Diagnostic::error(ErrorCode::InvalidArgument,
                                          "check " + def.name + ": the number of nearest assets per sensor must be "
                                          "1 to " + std::to_string(CheckDefinition::kMostNearest)));
    p.reach = p.reachZ = *def.clearanceMeters;
  } else if (def.kind == K::Cavity || def.kind == K::Corridor) {
    // Measured in 3D from the cavity's or corridor's own shape (its box holds the corridor's radius).
    p.def.clearanceMeters = def.clearanceMeters.value_or(def.kind == K::Cavity ? 2.0 : 0.0);
    if (*p.def.clearanceMeters < 0 || !std::isfinite(*p.def.clearanceMeters))
      return R::failure(Diagnostic::error(ErrorCode::InvalidArgument,
                                          "check " + def.name + ": the distance must be a number of metres >= 0"));
    p.reach = p.reachZ = *p.def.clearanceMeters;
  } else if (def.kind == K::Hard) {
    p.reach = p.reachZ = def.toleranceMeters;
  } else if (def.clearanceMeters) {
    p.reach = p.reachZ = *def.clearanceMeters;
  } else {
    if (def.rules.empty())
      return R::failure(Diagnostic::error(ErrorCode::InvalidArgument,
                                          "check " + def.name + ": a clearance check needs a distance or rules"));
    for (const auto& name : def.rules) {
      auto r = index::RuleSet::load(name);
      if (!r.ok()) return R::failureFrom(r);
      p.rules.append(r.value());
    }
    p.reach = p.rules.reach();
    p.reachZ = kAnyHeight;
  }
  if (def.kind != K::Sensors) p.def.nearest = 1;  // (stored as null: the others take no k)
  p.reach += 0.01, p.reachZ += 0.01;  // what touches the edge of the reach
  return R::success(std::move(p));
}

// The selector of `base` limited to the elements `ids`.
index::Selector restricted(const index::Selector& base, const std::string& idCondition) {
  const std::string text = base.empty() ? idCondition : base.text() + "," + idCondition;
  auto s = index::Selector::parse(text);
  if (!s.ok()) throw DbError("cannot restrict selector " + base.text() + " to the touched elements");
  return s.value();
}

struct Found {
  std::vector<index::ClashResult> results;
  std::size_t pairs = 0;
};

// A cover or sensor check (measuresWholeNeighbourhoods) on the elements `a` of its set A.
Found evaluateNeighbourhoods(const Prepared& p, const index::SpatialIndex& idx, const index::Selector& a) {
  Found out;
  if (p.def.kind == CheckDefinition::Kind::Cover) {
    index::CoverOptions o;
    o.rules = &p.cover;
    o.pipes = a;
    auto r = index::checkCover(idx, o);
    if (!r.ok()) throw DbError("check " + p.def.name + ": " + r.error()->message);
    out.pairs = r->checked;  // a pipe against the ground over it
    out.results = std::move(r.value().results);
    return out;
  }
  index::SensorOptions o;
  o.sensors = a;
  o.assets = p.b;
  o.maxMeters = p.def.clearanceMeters;
  o.k = p.def.nearest;
  for (const auto* sensor : idx.select(o.sensors))
    out.pairs += idx.within(idx.probeOf(*sensor), *o.maxMeters, {o.assets, false}).size();
  auto r = index::checkSensors(idx, o);
  if (!r.ok()) throw DbError("check " + p.def.name + ": " + r.error()->message);
  out.results = std::move(r).value();
  return out;
}

// Runs the check on the index; with `touched`, only pairs in which at least one element is touched (cover and
// sensors: only those elements of A).
Found evaluate(const Prepared& p, const index::SpatialIndex& idx, const std::vector<std::uint32_t>* touched) {
  Found out;
  std::string idCondition;
  if (touched) {
    idCondition = "id=";
    for (std::size_t i = 0; i < touched->size(); ++i) idCondition += (i ? "|" : "") + std::to_string((*touched)[i]);
  }
  std::unordered_set<std::string> seen;
  auto keep = [&](std::vector<index::ClashResult>&& rs) {
    for (auto& r : rs)
      if (seen.insert(r.id).second) out.results.push_back(std::move(r));
  };
  if (measuresWholeNeighbourhoods(p.def.kind))
    return evaluateNeighbourhoods(p, idx, touched ? restricted(p.a, idCondition) : p.a);
  if (worksAgainstAssets(p.def.kind)) {
    using K = CheckDefinition::Kind;
    auto run = [&](const index::Selector& works, const index::Selector& assets) {
      const bool excavation = p.def.kind == K::Excavation;  // zones are measured in plan
      for (const auto* w : idx.select(works))
        out.pairs += idx.within(idx.probeOf(*w), p.reach, {assets, excavation}).size();
      auto r = excavation                ? index::checkExcavation(idx, {works, assets, &p.zones})
               : p.def.kind == K::Cavity ? index::checkCavities(idx, {works, assets, *p.def.clearanceMeters})
                                         : index::checkCorridors(idx, {works, assets, *p.def.clearanceMeters});
      if (!r.ok()) throw DbError("check " + p.def.name + ": " + r.error()->message);
      keep(std::move(r).value());
    };
    if (!touched) run(p.a, p.b);
    else run(restricted(p.a, idCondition), p.b), run(p.a, restricted(p.b, idCondition));
    return out;
  }
  index::ClashOptions o;
  o.mode = p.def.kind == CheckDefinition::Kind::Hard ? index::ClashOptions::Mode::Hard
                                                      : index::ClashOptions::Mode::Clearance;
  o.toleranceMeters = p.def.toleranceMeters;
  o.clearanceMeters = p.def.clearanceMeters;
  if (!p.def.clearanceMeters && p.def.kind == CheckDefinition::Kind::Clearance) o.rules = &p.rules;
  o.threads = 1;
  auto run = [&](const index::Selector& a, const std::optional<index::Selector>& b) {
    o.a = a, o.b = b;
    auto r = index::clash(idx, o);
    if (!r.ok()) throw DbError("check " + p.def.name + ": " + r.error()->message);
    out.pairs += r->candidatePairs;
    keep(std::move(r.value().results));
  };
  if (!touched) {
    run(p.a, p.againstItself ? std::nullopt : std::optional(p.b));
  } else {
    // A pair with a touched element: that element in A (against all of B), or in B (against all of A).
    run(restricted(p.a, idCondition), p.b);
    if (!p.againstItself) run(p.a, restricted(p.b, idCondition));
  }
  return out;
}

struct OpenResult {
  std::string id;
  std::int64_t a = 0, b = 0, foundIn = 0;
};

std::unique_ptr<Statement> prepareInsertResult(Db& db) {
  return db.prepare(
      "INSERT INTO cim_result (check_name, id, type, a_element, a_layer, a_name, a_kind, b_element, b_layer, b_name, "
      "b_kind, distance, horizontal, vertical, required_m, required_kind, rule, x, y, z, details, found_in) VALUES "
      "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
}

void insertResult(Statement* s, const std::string& check, const index::ClashResult& r, std::int64_t version) {
  s->bind(1, std::string_view(check)), s->bind(2, std::string_view(r.id));
  s->bind(3, index::clashTypeName(r.type));
  s->bind(4, std::int64_t(r.a.id)), s->bind(5, std::string_view(r.a.layer)), s->bind(6, std::string_view(r.a.name));
  s->bind(7, std::string_view(r.a.kind));
  s->bind(8, std::int64_t(r.b.id)), s->bind(9, std::string_view(r.b.layer)), s->bind(10, std::string_view(r.b.name));
  s->bind(11, std::string_view(r.b.kind));
  s->bind(12, r.distance), s->bind(13, r.horizontal), s->bind(14, r.vertical), s->bind(15, r.requiredMeters);
  s->bind(16, std::string_view(r.requiredKind));
  const std::string rule = r.rule ? r.rule->source : std::string();
  s->bind(17, std::string_view(rule));
  s->bind(18, r.point.x()), s->bind(19, r.point.y()), s->bind(20, r.point.z());
  const std::string details = r.details.empty() ? std::string() : attributesJson(r.details);
  s->bind(21, std::string_view(details));
  s->bind(22, version);
  s->run();
}

// The box of an element row (columns from `col`: minx, miny, minz, maxx, maxy, maxz) grown by the check's reach.
geometry::Aabb grown(Statement& m, int col, const Prepared& p) {
  geometry::Aabb b;
  b.extend(Eigen::Vector3d(m.real(col) - p.reach, m.real(col + 1) - p.reach, m.real(col + 2) - p.reachZ));
  b.extend(Eigen::Vector3d(m.real(col + 3) + p.reach, m.real(col + 4) + p.reach, m.real(col + 5) + p.reachZ));
  return b;
}

// What a version touched and what lies within the check's reach of it (read back through the box index); `present`
// gets the touched elements there at `version`, sorted.
model::Scene neighbourhood(Store::Impl& impl, const Prepared& p, std::int64_t version,
                           std::vector<std::uint32_t>& present) {
  auto m = impl.db->prepare("SELECT element, minx, miny, minz, maxx, maxy, maxz FROM cim_element WHERE valid_from = ?");
  m->bind(1, version);
  std::vector<geometry::Aabb> boxes;
  while (m->step()) {
    present.push_back(static_cast<std::uint32_t>(m->int64(0)));
    if (!m->isNull(1)) boxes.push_back(grown(*m, 1, p));
  }
  std::sort(present.begin(), present.end());
  std::vector<Diagnostic> ignored;
  return boxes.empty() ? model::Scene() : impl.readScene(version, &boxes, ignored);
}

// The same for a check that measures whole neighbourhoods (measuresWholeNeighbourhoods). The elements of A measured
// again (`present`) are those within the check's reach of any row the version made or ended: a moved pipe or a
// terrain tile raised, added or removed under a pipe (cover: in plan, through every height); an asset moved near a
// sensor, or away from it. The scene read holds them and all within reach of each (a pipe's whole ground, every asset
// that may be a sensor's nearest).
model::Scene measuredAgain(Store::Impl& impl, const Prepared& p, std::int64_t version,
                           std::vector<std::uint32_t>& present) {
  auto m = impl.db->prepare("SELECT minx, miny, minz, maxx, maxy, maxz FROM cim_element WHERE (valid_from = ? OR "
                            "valid_to = ?) AND minx IS NOT NULL");
  m->bind(1, version), m->bind(2, version);
  std::vector<geometry::Aabb> touchedBoxes;
  while (m->step()) touchedBoxes.push_back(grown(*m, 0, p));
  std::vector<Diagnostic> ignored;
  if (touchedBoxes.empty()) return {};
  const model::Scene around = impl.readScene(version, &touchedBoxes, ignored);
  const bool pipesOnly = p.def.kind == CheckDefinition::Kind::Cover;
  std::vector<geometry::Aabb> boxes;
  around.forEachElement([&](const model::Layer& layer, const model::Element& e) {
    if ((pipesOnly && !e.pipe()) || !p.a.matches(e, layer.name)) return;
    geometry::Aabb b = e.worldBounds();
    if (e.pipe())
      for (const auto& v : e.pipe()->centreline) b.extend(v);  // (a pipe too short for a mesh has none)
    if (b.empty()) return;
    b.min -= Eigen::Vector3d(p.reach, p.reach, p.reachZ), b.max += Eigen::Vector3d(p.reach, p.reach, p.reachZ);
    present.push_back(e.id);
    boxes.push_back(b);
  });
  std::sort(present.begin(), present.end());
  return boxes.empty() ? model::Scene() : impl.readScene(version, &boxes, ignored);
}

// One run of a check at `version`, in one write transaction: full (every element) or on what the version touched.
CheckRun runAt(Store::Impl& impl, const Prepared& p, std::int64_t version, bool full) {
  Db& db = *impl.db;
  CheckRun run;
  run.check = p.def.name;
  run.version = version;
  run.full = full;
  std::vector<std::uint32_t> present;  // the elements measured again: touched ones there at `version` (cover: pipes)
  std::unordered_set<std::int64_t> touched, measured;
  model::Scene scene;
  if (full) {
    std::vector<Diagnostic> ignored;
    scene = impl.readScene(version, nullptr, ignored);
  } else {
    auto t = db.prepare("SELECT element FROM cim_element WHERE valid_from = ? OR valid_to = ?");
    t->bind(1, version), t->bind(2, version);
    while (t->step()) touched.insert(t->int64(0));
    run.touched = touched.size();
    scene = measuresWholeNeighbourhoods(p.def.kind) ? measuredAgain(impl, p, version, present)
                                                    : neighbourhood(impl, p, version, present);
    measured.insert(present.begin(), present.end());
  }
  run.neighbourhood = scene.elementCount();
  Found found;
  if (full || !present.empty()) {
    const auto idx = index::SpatialIndex::build(std::move(scene));
    found = evaluate(p, idx, full ? nullptr : &present);
  }
  run.pairsEvaluated = found.pairs;
  run.found = found.results.size();
  // The results open before this version, of the elements touched (all of them for a full run).
  std::unordered_map<std::string, OpenResult> open;
  {
    auto s = db.prepare("SELECT id, a_element, b_element, found_in FROM cim_result WHERE check_name = ? AND "
                        "resolved_in IS NULL AND found_in < ?");
    s->bind(1, std::string_view(p.def.name)), s->bind(2, version);
    while (s->step()) {
      OpenResult r{s->text(0), s->int64(1), s->int64(2), s->int64(3)};
      if (full || touched.count(r.a) || touched.count(r.b) || measured.count(r.a)) open.emplace(r.id, r);
    }
  }
  auto insert = prepareInsertResult(db);
  db.setBulk(true);  // PostgreSQL: the results are sent without a round trip each
  for (const auto& r : found.results) {
    if (open.erase(r.id)) {
      ++run.kept;
      continue;
    }
    insertResult(insert.get(), p.def.name, r, version);
    ++run.added;
  }
  auto resolve = db.prepare("UPDATE cim_result SET resolved_in = ? WHERE check_name = ? AND id = ? AND found_in = ?");
  for (const auto& [id, r] : open) {
    resolve->bind(1, version), resolve->bind(2, std::string_view(p.def.name)), resolve->bind(3, std::string_view(id));
    resolve->bind(4, r.foundIn);
    resolve->run();
    ++run.resolved;
  }
  auto done = db.prepare("UPDATE cim_check SET evaluated = ? WHERE name = ?");
  done->bind(1, version), done->bind(2, std::string_view(p.def.name));
  done->run();
  db.setBulk(false);  // waits for what was sent; throws its first failure (the caller rolls back)
  return run;
}

constexpr int kCheckWaitMilliseconds = 10000;

}  // namespace

namespace detail {

namespace {

// The columns of the check tables, in ensureCheckTables' order.
const std::vector<Column> kCheckColumns = {{"name", 't'}, {"kind", 't'}, {"a", 't'}, {"b", 't'}, {"rules", 't'},
                                           {"clearance_m", 'r'}, {"tolerance_m", 'r'}, {"created", 'i'},
                                           {"evaluated", 'i'}, {"nearest", 'i'}};
const std::vector<Column> kResultColumns = {
    {"check_name", 't'}, {"id", 't'},     {"type", 't'},     {"a_element", 'i'},   {"a_layer", 't'},
    {"a_name", 't'},     {"a_kind", 't'}, {"b_element", 'i'}, {"b_layer", 't'},    {"b_name", 't'},
    {"b_kind", 't'},     {"distance", 'r'}, {"horizontal", 'r'}, {"vertical", 'r'}, {"required_m", 'r'},
    {"required_kind", 't'}, {"rule", 't'}, {"x", 'r'},       {"y", 'r'},           {"z", 'r'},
    {"details", 't'},    {"found_in", 'i'}, {"resolved_in", 'i'}};

// Copies a table's rows; columns the source lacks (a table an older libcim made) stay null.
void copyRows(Db& from, Db& to, const std::string& table, std::vector<Column> columns) {
  std::erase_if(columns, [&](const Column& c) { return !from.hasColumn(table, c.name); });
  std::string list;
  for (const auto& c : columns) list += (list.empty() ? "" : ", ") + c.name;
  auto rows = from.prepare("SELECT " + list + " FROM " + table);
  auto put = to.prepareInsert(table, columns);
  while (rows->step()) {
    for (int k = 0; k < static_cast<int>(columns.size()); ++k) {
      if (rows->isNull(k)) put->bindNull(k + 1);
      else if (columns[k].type == 'i') put->bind(k + 1, rows->int64(k));
      else if (columns[k].type == 'r') put->bind(k + 1, rows->real(k));
      else put->bind(k + 1, std::string_view(rows->text(k)));
    }
    put->run();
  }
}

}  // namespace

void copyChecks(Db& from, Db& to) {
  if (!from.hasTable("cim_check")) return;
  ensureCheckTables(to);
  copyRows(from, to, "cim_check", kCheckColumns);
  copyRows(from, to, "cim_result", kResultColumns);
}

}  // namespace detail

Result<CheckRun> Store::addCheck(const CheckDefinition& check) {
  using R = Result<CheckRun>;
  auto& db = *impl_->db;
  if (check.name.empty())
    return R::failure(Diagnostic::error(ErrorCode::InvalidArgument, "a check needs a name", impl_->location));
  if (impl_->fresh)
    return R::failure(Diagnostic::error(ErrorCode::StoreVersionUnknown,
                                        "the store has no versions yet: import a scene before adding checks",
                                        impl_->location));
  auto prepared = prepare(check);
  if (!prepared.ok()) return R::failureFrom(prepared);
  try {
    db.beginWrite(kCheckWaitMilliseconds);
    ensureCheckTables(db);
    if (!readChecks(db, check.name).empty()) {
      db.rollback();
      return R::failure(Diagnostic::error(ErrorCode::InvalidArgument,
                                          "a check named '" + check.name + "' is registered already", impl_->location));
    }
    const std::int64_t current = impl_->resolveIn({});
    auto s = db.prepare("INSERT INTO cim_check (name, kind, a, b, rules, clearance_m, tolerance_m, created, "
                        "evaluated, nearest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    const auto& d = prepared->def;
    s->bind(1, std::string_view(d.name)), s->bind(2, checkKindName(d.kind));
    s->bind(3, std::string_view(d.a)), s->bind(4, std::string_view(d.b));
    const std::string rules = joinLines(d.rules);
    s->bind(5, std::string_view(rules));
    s->bind(6, d.clearanceMeters), s->bind(7, d.toleranceMeters);
    s->bind(8, current), s->bind(9, std::int64_t(0));
    if (d.kind == CheckDefinition::Kind::Sensors) s->bind(10, std::int64_t(d.nearest));
    else s->bindNull(10);
    s->run();
    CheckRun run = runAt(*impl_, prepared.value(), current, true);
    db.commit();
    return R::success(std::move(run));
  } catch (const DbError& e) {
    db.rollback();
    return R::failure(dbError(e, impl_->location));
  }
}

Result<bool> Store::removeCheck(const std::string& name) {
  auto& db = *impl_->db;
  if (impl_->fresh || !db.hasTable("cim_check")) return Result<bool>::success(false);
  try {
    db.beginWrite(kCheckWaitMilliseconds);
    const bool there = !readChecks(db, name).empty();
    for (const char* sql : {"DELETE FROM cim_result WHERE check_name = ?", "DELETE FROM cim_check WHERE name = ?"}) {
      auto s = db.prepare(sql);
      s->bind(1, std::string_view(name));
      s->run();
    }
    db.commit();
    return Result<bool>::success(there);
  } catch (const DbError& e) {
    db.rollback();
    return Result<bool>::failure(dbError(e, impl_->location));
  }
}

Result<std::vector<CheckDefinition>> Store::checks() {
  using R = Result<std::vector<CheckDefinition>>;
  if (impl_->fresh) return R::success({});
  try {
    return R::success(readChecks(*impl_->db));
  } catch (const DbError& e) {
    return R::failure(dbError(e, impl_->location));
  }
}

Result<std::vector<CheckRun>> Store::runChecks() {
  using R = Result<std::vector<CheckRun>>;
  auto& db = *impl_->db;
  std::vector<CheckRun> runs;
  std::vector<Diagnostic> skipped;
  if (impl_->fresh) return R::success(std::move(runs));
  try {
    const auto defs = readChecks(db);
    for (const auto& def : defs) {
      if (!def.unknownKind.empty()) {  // not run as something else: its results stay as they are
        skipped.push_back(Diagnostic::warning(ErrorCode::StoreFailed,
                                              "check " + def.name + " is of kind '" + def.unknownKind +
                                                  "', which this libcim does not know: not run",
                                              impl_->location));
        continue;
      }
      auto prepared = prepare(def);
      if (!prepared.ok())
        return R::failure(Diagnostic::error(ErrorCode::StoreFailed,
                                            "check " + def.name + " cannot run: " + prepared.error()->message,
                                            impl_->location));
      for (;;) {
        // One version per transaction; what the check has evaluated is read again under the writer's lock, so
        // two processes catching up never run one version twice.
        db.beginWrite(kCheckWaitMilliseconds);
        const auto now = readChecks(db, def.name);
        const std::int64_t current = impl_->resolveIn({});
        if (now.empty() || now.front().evaluated >= current) {
          db.rollback();
          break;
        }
        const bool full = now.front().evaluated == 0;
        runs.push_back(runAt(*impl_, prepared.value(), full ? current : now.front().evaluated + 1, full));
        db.commit();
      }
    }
  } catch (const DbError& e) {
    db.rollback();
    return R::failure(Diagnostic::error(ErrorCode::StoreFailed,
                                        std::string("a registered check could not run; its results stay at the "
                                                    "version before (run `cim store check run`): ") + e.what(),
                                        impl_->location),
                      std::move(skipped));
  }
  return R::success(std::move(runs), std::move(skipped));
}

Result<std::vector<StoredResult>> Store::results(const std::string& check, const AsOf& asOf) {
  using R = Result<std::vector<StoredResult>>;
  auto& db = *impl_->db;
  std::vector<StoredResult> out;
  std::vector<Diagnostic> diagnostics;
  if (impl_->fresh) return R::success(std::move(out));
  try {
    db.beginRead();
    const std::int64_t version = impl_->resolveIn(asOf);
    const auto defs = readChecks(db, check);
    if (!check.empty() && defs.empty()) {
      db.rollback();
      return R::failure(Diagnostic::error(ErrorCode::InvalidArgument, "no check named '" + check + "' in the store",
                                          impl_->location));
    }
    for (const auto& d : defs) {
      if (d.evaluated < version)
        diagnostics.push_back(Diagnostic::warning(
            ErrorCode::StoreFailed,
            "check " + d.name + " is evaluated up to version " + std::to_string(d.evaluated) + ", not " +
                std::to_string(version) +
                (d.unknownKind.empty() ? std::string(": run `cim store check run`")
                                       : ": its kind, '" + d.unknownKind + "', is one this libcim does not know"),
            impl_->location));
      auto s = db.prepare(
          "SELECT id, type, a_element, a_layer, a_name, a_kind, b_element, b_layer, b_name, b_kind, distance, "
          "horizontal, vertical, required_m, required_kind, rule, x, y, z, details, found_in, resolved_in FROM "
          "cim_result WHERE check_name = ? AND found_in <= ? AND (resolved_in IS NULL OR resolved_in >= ?) ORDER BY id");
      s->bind(1, std::string_view(d.name)), s->bind(2, version), s->bind(3, version);
      while (s->step()) {
        StoredResult r;
        r.check = d.name, r.id = s->text(0), r.type = s->text(1);
        r.aElement = s->int64(2), r.aLayer = s->text(3), r.aName = s->text(4), r.aKind = s->text(5);
        r.bElement = s->int64(6), r.bLayer = s->text(7), r.bName = s->text(8), r.bKind = s->text(9);
        r.distance = s->real(10), r.horizontal = s->real(11);
        if (!s->isNull(12)) r.vertical = s->real(12);
        if (!s->isNull(13)) r.requiredMeters = s->real(13);
        r.requiredKind = s->text(14), r.rule = s->text(15);
        r.x = s->real(16), r.y = s->real(17), r.z = s->real(18);
        r.details = s->text(19);
        r.foundIn = s->int64(20);
        if (!s->isNull(21)) r.resolvedIn = s->int64(21);
        r.status = r.resolvedIn && *r.resolvedIn == version ? "resolved" : r.foundIn == version ? "new" : "active";
        out.push_back(std::move(r));
      }
    }
    db.commit();
  } catch (...) {
    return R::failure(readFailure(&db, impl_->location), std::move(diagnostics));
  }
  auto rank = [](const std::string& status) { return status == "new" ? 0 : status == "active" ? 1 : 2; };
  std::stable_sort(out.begin(), out.end(), [&](const StoredResult& a, const StoredResult& b) {
    return std::make_tuple(std::cref(a.check), rank(a.status), std::cref(a.id)) <
           std::make_tuple(std::cref(b.check), rank(b.status), std::cref(b.id));
  });
  return R::success(std::move(out), std::move(diagnostics));
}

}  // namespace cim::store
