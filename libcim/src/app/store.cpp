// The store commands over cim::store: read the inputs (as loadScene does, keeping each pipe table's QA report),
// update the store, and pick the QA findings of what changed.
#include "cim/app/store.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <set>

#include "cim/model/pipe_element.h"

namespace cim::app {

namespace fs = std::filesystem;

namespace {

// loadScene, keeping the pipe QA findings of every input.
Result<model::Scene> loadWithQa(const std::vector<fs::path>& inputs, const LoadOptions& options,
                                std::vector<io::PipeFinding>& qa, const ProgressFn& progress) {
  std::vector<Diagnostic> diags;
  if (inputs.empty())
    return Result<model::Scene>::failure(Diagnostic::error(ErrorCode::InvalidArgument, "no input files given"));
  auto ro = readOptions(options);
  if (!ro.ok()) return Result<model::Scene>::failureFrom(ro);
  model::Scene scene(ro->placement.crs);
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    auto loaded = readInput(inputs[i], *ro, options, progress);
    if (!loaded.ok()) return Result<model::Scene>::failureFrom(loaded);
    for (auto& d : loaded.takeDiagnostics()) diags.push_back(std::move(d));
    if (loaded->pipes)
      for (auto& f : loaded->pipes->qa.findings) qa.push_back(std::move(f));
    auto merged = mergeInput(scene, std::move(loaded.value().scene), i == 0 && !ro->placement.crs, inputs[i], diags);
    if (!merged.ok()) return Result<model::Scene>::failure(*merged.error(), std::move(diags));
  }
  return Result<model::Scene>::success(std::move(scene), std::move(diags));
}

// A change set's pipes and the stored pipes they meet. The pipe reader mitres the joints of the pipes of one input
// only, so a change set's pipe whose neighbour is stored, not given, would be cut square there, and the stored
// neighbour would keep the cut it had with the pipe's old position. Here every end of the set's pipes, and of the
// stored pipes they meet, is cut as a read of the whole table would cut it: mitred where exactly two pipes meet
// after the update (model::mitreJoint), square elsewhere. Stored pipes whose mesh changes by that join the set
// (their content otherwise as stored). Returns how many did. A stored pipe that a pipe of the set replaces is told by
// the store's automatic key (start and end point numbers).
class ChangeSetJoints {
 public:
  ChangeSetJoints(store::Store& st, model::Scene& scene, double chordTolerance)
      : store_(st), scene_(scene), tolerance_(chordTolerance) {}

  Result<std::size_t> run() {
    std::vector<std::string> names;
    for (const auto& layer : scene_.layers()) names.push_back(layer.name);
    for (const auto& name : names)
      for (auto& e : scene_.layer(name).elements)
        if (e.pipe() && !e.shapes.empty()) {
          incoming_.push_back({name, &e});
          replaced_.insert({name, store::automaticKey(e)});
        }
    if (incoming_.empty()) return Result<std::size_t>::success(0);
    // The stored pipes at the set's ends, and the stored pipes at those pipes' other ends (whose cut there is
    // needed to sweep them again).
    std::vector<Pipe> pipes;
    for (const auto& in : incoming_) pipes.push_back({in.layer, in.element});
    std::set<Node> touched;
    std::vector<geometry::Aabb> boxes;
    for (const auto& in : incoming_) addEnds(*in.element->pipe(), in.layer, touched, boxes);
    auto near = store_.read({}, boxes);
    if (!near.ok()) return Result<std::size_t>::failureFrom(near);
    std::vector<Pipe> neighbours = storedAt(near.value(), touched);
    std::set<Node> far = touched;  // (the stored pipes at the touched nodes are read already)
    boxes.clear();
    for (const auto& n : neighbours) addEnds(*n.element->pipe(), n.layer, far, boxes);
    auto beyond = store_.read({}, boxes);
    if (!beyond.ok()) return Result<std::size_t>::failureFrom(beyond);
    for (const auto& node : touched) far.erase(node);
    std::vector<Pipe> others = storedAt(beyond.value(), far);
    for (auto* list : {&neighbours, &others})
      for (const auto& p : *list) pipes.push_back(p);
    for (const auto& p : pipes) {
      const auto* s = p.element->pipe();
      for (const bool atStart : {true, false}) {
        const std::string& id = atStart ? s->startPointId : s->endPointId;
        if (!id.empty()) ends_[{p.layer, id}].push_back({s, atStart});
      }
    }
    for (const auto& in : incoming_) in.element->shapes.front().mesh = sweep(*in.element->pipe(), in.layer);
    std::size_t rejoined = 0;
    for (const auto& n : neighbours) {
      auto mesh = sweep(*n.element->pipe(), n.layer);
      if (geometry::sameGeometry(mesh, n.element->shapes.front().mesh)) continue;
      model::Element changed = *n.element;
      changed.shapes.front().mesh = std::move(mesh);
      scene_.addElement(n.layer, std::move(changed));
      ++rejoined;
    }
    return Result<std::size_t>::success(rejoined);
  }

 private:
  using Node = std::pair<std::string, std::string>;  // layer, point number
  struct Pipe {
    std::string layer;
    model::Element* element;
  };
  struct End {
    const model::PipeSegment* pipe;
    bool atStart;
  };

  // The nodes of a pipe's two ends (those with a point number), and a box of ±2 mm around each for the store.
  static void addEnds(const model::PipeSegment& p, const std::string& layer, std::set<Node>& nodes,
                      std::vector<geometry::Aabb>& boxes) {
    for (const bool atStart : {true, false}) {
      const std::string& id = atStart ? p.startPointId : p.endPointId;
      if (id.empty() || !nodes.insert({layer, id}).second) continue;
      const Eigen::Vector3d at = atStart ? p.start() : p.end();
      geometry::Aabb b;
      b.extend(at - Eigen::Vector3d::Constant(0.002));
      b.extend(at + Eigen::Vector3d::Constant(0.002));
      boxes.push_back(b);
    }
  }

  // The stored pipes of `found` with an end at one of `nodes`, other than those the change set replaces (by their
  // automatic key), each once; kept alive in stored_.
  std::vector<Pipe> storedAt(model::Scene& found, const std::set<Node>& nodes) {
    std::vector<Pipe> out;
    auto layers = found.takeLayers();
    for (auto& layer : layers)
      for (auto& e : layer.elements) {
        const auto* p = e.pipe();
        if (!p || e.shapes.empty() || replaced_.count({layer.name, store::automaticKey(e)})) continue;
        if (!nodes.count({layer.name, p->startPointId}) && !nodes.count({layer.name, p->endPointId})) continue;
        if (!seen_.insert(e.id).second) continue;
        stored_.push_back(std::make_unique<model::Element>(std::move(e)));
        out.push_back({layer.name, stored_.back().get()});
      }
    return out;
  }

  // The cut of one end: mitred with the one other pipe at its node, else square.
  std::optional<Eigen::Vector3d> cut(const model::PipeSegment& p, const std::string& layer, bool atStart) const {
    const std::string& id = atStart ? p.startPointId : p.endPointId;
    const auto it = id.empty() ? ends_.end() : ends_.find({layer, id});
    if (it == ends_.end() || it->second.size() != 2) return std::nullopt;
    const End& other = it->second[0].pipe == &p && it->second[0].atStart == atStart ? it->second[1] : it->second[0];
    const auto joint = model::mitreJoint(p, atStart, *other.pipe, other.atStart);
    return joint ? std::optional(joint->a) : std::nullopt;
  }

  geometry::Mesh sweep(const model::PipeSegment& p, const std::string& layer) const {
    model::PipeMeshOptions o;
    o.chordToleranceMeters = tolerance_;
    o.startPlaneNormal = cut(p, layer, true);
    o.endPlaneNormal = cut(p, layer, false);
    return model::pipeMesh(p, o);
  }

  store::Store& store_;
  model::Scene& scene_;
  double tolerance_;
  std::vector<Pipe> incoming_;
  std::set<Node> replaced_;
  std::set<std::uint32_t> seen_;
  std::vector<std::unique_ptr<model::Element>> stored_;
  std::map<Node, std::vector<End>> ends_;
};

}  // namespace

Result<StoreUpdateResult> storeUpdate(const std::string& location, const std::vector<fs::path>& inputs,
                                      const StoreUpdateOptions& options, const ProgressFn& progress) {
  auto opened = store::Store::open(location, true);
  if (!opened.ok()) return Result<StoreUpdateResult>::failureFrom(opened);
  auto& st = opened.value();
  LoadOptions load = options.load;
  if (load.crs.empty()) {
    auto crs = st.crs();
    if (crs.ok()) load.crs = *crs;
  }
  std::vector<io::PipeFinding> qa;
  auto scene = loadWithQa(inputs, load, qa, progress);
  if (!scene.ok()) return Result<StoreUpdateResult>::failureFrom(scene);
  std::vector<Diagnostic> diags = scene.takeDiagnostics();
  std::size_t rejoined = 0;
  if (options.update.partial) {  // a change set: joined to the stored pipes it meets
    auto joined = ChangeSetJoints(st, scene.value(), io::PipeOptions{}.chordToleranceMeters).run();
    if (!joined.ok()) return Result<StoreUpdateResult>::failure(*joined.error(), std::move(diags));
    rejoined = *joined;
  }
  store::UpdateOptions update = options.update;
  if (update.source.empty())
    for (const auto& i : inputs) update.source += (update.source.empty() ? "" : ", ") + i.string();
  auto updated = st.update(scene.value(), update);
  for (const auto& d : updated.diagnostics()) diags.push_back(d);
  if (!updated.ok()) return Result<StoreUpdateResult>::failure(*updated.error(), std::move(diags));
  StoreUpdateResult result;
  result.location = st.location();
  result.report = std::move(updated).value();
  result.qaAll = qa.size();
  result.rejoined = rejoined;
  // The QA on what changed: findings of added or changed lines (by line id), or at their end points.
  std::set<std::string> lines, points;
  for (const auto& c : result.report.diff.changes) {
    if (c.kind == store::Change::Kind::Removed || c.elementKind != "pipe") continue;
    lines.insert(c.name);
    const auto dash = c.key.find('-');
    if (dash != std::string::npos) points.insert(c.key.substr(0, dash)), points.insert(c.key.substr(dash + 1));
  }
  for (auto& f : qa) {
    bool touched = lines.count(f.lineId) > 0;
    for (const auto& p : f.pointIds) touched = touched || points.count(p) > 0;
    if (touched) result.qa.push_back(std::move(f));
  }
  return Result<StoreUpdateResult>::success(std::move(result), std::move(diags));
}

std::string toText(const StoreUpdateResult& r) {
  const auto& d = r.report.diff;
  std::string out;
  char buf[256];
  if (!r.report.version) {
    std::snprintf(buf, sizeof buf, "%s: nothing changed (%zu element(s) as stored); no new version, still version %lld\n",
                  r.location.c_str(), r.report.unchanged, static_cast<long long>(d.to));
    return buf;
  }
  const auto& v = *r.report.version;
  std::snprintf(buf, sizeof buf, "%s: version %lld (%s)%s%s\n", r.location.c_str(), static_cast<long long>(v.number),
                v.time.c_str(), v.message.empty() ? "" : ": ", v.message.c_str());
  out += buf;
  std::snprintf(buf, sizeof buf, "  %zu added, %zu removed, %zu changed (%zu moved), %zu unchanged\n", d.added(),
                d.removed(), d.changed(), d.moved(), r.report.unchanged);
  out += buf;
  if (r.rejoined > 0) {
    std::snprintf(buf, sizeof buf, "  %zu stored pipe(s) cut again where the change set's pipes meet them\n",
                  r.rejoined);
    out += buf;
  }
  // The changes themselves, up to a screenful (`cim store diff` lists them all).
  constexpr std::size_t kListed = 100;
  store::Diff shown = d;
  if (shown.changes.size() > kListed) shown.changes.resize(kListed);
  out += store::formatDiff(shown);
  if (d.changes.size() > kListed) {
    std::snprintf(buf, sizeof buf, "  ... and %zu more (cim store diff STORE %lld %lld)\n", d.changes.size() - kListed,
                  static_cast<long long>(d.from), static_cast<long long>(d.to));
    out += buf;
  }
  std::snprintf(buf, sizeof buf, "pipe QA on what changed: %zu finding(s) (%zu in the whole input)\n", r.qa.size(),
                r.qaAll);
  out += buf;
  for (std::size_t i = 0; i < r.qa.size() && i < kListed; ++i) out += "  " + io::formatFinding(r.qa[i]) + "\n";
  out += checkRunsText(r.report.checks);
  return out;
}

Result<model::Scene> readStore(const std::string& location, const std::string& asOf) {
  auto st = store::Store::open(location);
  if (!st.ok()) return Result<model::Scene>::failureFrom(st);
  return st->read(store::AsOf::parse(asOf));
}

Status copyStore(const std::string& from, const std::string& to) {
  auto source = store::Store::open(from);
  if (!source.ok()) return Status::failureFrom(source);
  auto target = store::Store::open(to, true);
  if (!target.ok()) return Status::failureFrom(target);
  return source->copyTo(target.value());
}

}  // namespace cim::app

namespace cim::app {

Result<gltf::WriteStats> exportStore(const std::string& location, const std::string& asOf,
                                     const std::filesystem::path& output) {
  auto scene = readStore(location, asOf);
  if (!scene.ok()) return Result<gltf::WriteStats>::failureFrom(scene);
  if (scene->triangleCount() == 0)
    return Result<gltf::WriteStats>::failure(
        Diagnostic::error(ErrorCode::NoGeometry, "nothing to write: the store holds no triangles at that version",
                          location),
        scene.takeDiagnostics());
  return gltf::write(scene.value(), output);
}

namespace {

bool sameBytes(const fs::path& a, const fs::path& b) {
  std::error_code ec;
  if (!fs::exists(b, ec) || fs::file_size(a, ec) != fs::file_size(b, ec)) return false;
  std::ifstream fa(a, std::ios::binary), fb(b, std::ios::binary);
  char ba[1 << 16], bb[1 << 16];
  while (fa && fb) {
    fa.read(ba, sizeof ba);
    fb.read(bb, sizeof bb);
    if (fa.gcount() != fb.gcount() || std::memcmp(ba, bb, std::size_t(fa.gcount())) != 0) return false;
  }
  return !fa && !fb;
}

// Makes `target` hold exactly the files of `fresh`, writing only files that are new or differ.
Status syncFolder(const fs::path& fresh, const fs::path& target, StoreTilesReport& report) {
  std::error_code ec;
  std::set<fs::path> made;
  for (const auto& entry : fs::recursive_directory_iterator(fresh)) {
    if (!entry.is_regular_file()) continue;
    const fs::path relative = fs::relative(entry.path(), fresh);
    made.insert(relative);
    const fs::path to = target / relative;
    if (sameBytes(entry.path(), to)) {
      ++report.unchanged;
      continue;
    }
    fs::create_directories(to.parent_path(), ec);
    fs::rename(entry.path(), to, ec);  // same file system: the replacement is atomic
    if (ec) fs::copy_file(entry.path(), to, fs::copy_options::overwrite_existing, ec);
    if (ec)
      return Status::failure(Diagnostic::error(ErrorCode::FileUnwritable,
                                               "cannot write " + to.string() + ": " + ec.message(), to.string()));
    ++report.rewritten;
  }
  std::vector<fs::path> stale;
  for (const auto& entry : fs::recursive_directory_iterator(target, ec))
    if (entry.is_regular_file() && !made.count(fs::relative(entry.path(), target))) stale.push_back(entry.path());
  for (const auto& p : stale) report.removed += fs::remove(p, ec) ? 1 : 0;
  return okStatus();
}

}  // namespace

Result<StoreTilesReport> tileStore(const std::string& location, const std::string& asOf, const fs::path& outputDir,
                                   const tiles3d::WriteOptions& options, std::size_t memoryBytes) {
  using R = Result<StoreTilesReport>;
  auto st = store::Store::open(location);
  if (!st.ok()) return R::failureFrom(st);
  auto crs = st->sceneCrs();
  if (!crs.ok()) return R::failureFrom(crs);
  tiles3d::ElementSpool spool(memoryBytes);
  auto read = st->forEachElement(store::AsOf::parse(asOf), [&spool](const std::string& layer, model::Element&& e) {
    return spool.add(layer, std::move(e));
  });
  if (!read.ok()) return R::failureFrom(read);
  std::vector<Diagnostic> diags = read.takeDiagnostics();
  spool.setCrs(*crs);
  std::error_code ec;
  const fs::path fresh = outputDir.parent_path() / (outputDir.filename().string() + ".cim-new");
  fs::remove_all(fresh, ec);
  tiles3d::WriteOptions o = options;
  o.overwrite = true;
  auto written = tiles3d::write(spool, fresh, o);
  if (!written.ok()) {
    fs::remove_all(fresh, ec);
    return Result<StoreTilesReport>::failure(*written.error(), std::move(diags));
  }
  StoreTilesReport report;
  report.written = std::move(written).value();
  report.spooledElements = spool.spooledElements();
  report.spooledBytes = spool.spooledBytes();
  report.written.index = outputDir / fs::relative(report.written.index, fresh);
  for (auto& t : report.written.tilesets) t.tileset = outputDir / fs::relative(t.tileset, fresh);
  fs::create_directories(outputDir, ec);
  auto synced = syncFolder(fresh, outputDir, report);
  fs::remove_all(fresh, ec);
  if (!synced.ok()) return Result<StoreTilesReport>::failure(*synced.error(), std::move(diags));
  return Result<StoreTilesReport>::success(std::move(report), std::move(diags));
}

std::string checkRunsText(const std::vector<store::CheckRun>& runs) {
  std::string out;
  char buf[512];
  for (const auto& r : runs) {
    std::snprintf(buf, sizeof buf,
                  "check %s at version %lld (%s): %zu element(s) read, %zu pair(s) evaluated: %zu new, %zu resolved, "
                  "%zu kept active\n",
                  r.check.c_str(), static_cast<long long>(r.version),
                  r.full ? "every element" : (std::to_string(r.touched) + " touched").c_str(), r.neighbourhood,
                  r.pairsEvaluated, r.added, r.resolved, r.kept);
    out += buf;
  }
  return out;
}

std::string resultsText(const std::vector<store::StoredResult>& results, std::int64_t version) {
  std::string out;
  char buf[256];
  std::size_t counts[3] = {0, 0, 0};
  auto element = [](const std::string& layer, const std::string& name, const std::string& kind, std::int64_t id) {
    return layer + " " + (name.empty() ? kind + " #" + std::to_string(id) : name);
  };
  for (const auto& r : results) {
    counts[r.status == "new" ? 0 : r.status == "active" ? 1 : 2]++;
    std::snprintf(buf, sizeof buf, "%-8s %s %s: ", r.status.c_str(), r.check.c_str(), r.type.c_str());
    out += buf;
    out += element(r.aLayer, r.aName, r.aKind, r.aElement) + " - " + element(r.bLayer, r.bName, r.bKind, r.bElement);
    std::snprintf(buf, sizeof buf, "  %.3f m", r.requiredKind == "horizontal" ? r.horizontal
                                               : r.requiredKind == "vertical" && r.vertical ? *r.vertical
                                                                                             : r.distance);
    out += buf;
    if (r.requiredMeters) {
      std::snprintf(buf, sizeof buf, " < %.3f m %s", *r.requiredMeters, r.requiredKind.c_str());
      out += buf;
    }
    if (!r.rule.empty()) out += " (" + r.rule + ")";
    std::snprintf(buf, sizeof buf, "  found in %lld", static_cast<long long>(r.foundIn));
    out += buf;
    if (r.resolvedIn) out += ", resolved in " + std::to_string(*r.resolvedIn);
    out += "\n";
  }
  std::snprintf(buf, sizeof buf, "version %lld: %zu new, %zu active, %zu resolved\n", static_cast<long long>(version),
                counts[0], counts[1], counts[2]);
  return out + buf;
}

std::string checkListText(const std::vector<store::CheckDefinition>& checks) {
  using Kind = store::CheckDefinition::Kind;
  std::string out;
  char buf[64];
  for (const auto& c : checks) {
    // Excavation: its rules are zone tables; cover: a cover table.
    const std::string label = c.kind == Kind::Excavation ? "zones: " : c.kind == Kind::Cover ? "cover table: " : "rules: ";
    std::string measure;
    for (const auto& r : c.rules) measure += (measure.empty() ? label : ", ") + r;
    if (c.clearanceMeters) {
      std::snprintf(buf, sizeof buf, "%g m", *c.clearanceMeters);
      measure = c.kind == Kind::Cavity     ? std::string("within ") + buf
                : c.kind == Kind::Sensors  ? (c.nearest > 1 ? std::to_string(c.nearest) + " " : std::string()) +
                                                 "nearest within " + buf
                : c.kind == Kind::Corridor ? std::string("clearance ") + buf + " beyond the corridor's radius"
                                           : std::string("clearance ") + buf;
    } else if (measure.empty() && c.kind == Kind::Excavation) {
      measure = label + "gas_zones";
    }
    out.append(c.name).append("  ");
    if (!c.unknownKind.empty()) {  // a newer libcim's: its parameters may mean something else
      out.append(c.unknownKind).append("  (a kind this libcim does not know: not run)  added in ");
      out.append(std::to_string(c.created)).append(", evaluated to ").append(std::to_string(c.evaluated)).append("\n");
      continue;
    }
    out.append(store::checkKindName(c.kind)).append("  a: ").append(c.a).append("  b: ");
    out.append(c.b.empty() ? "(a against itself)" : c.b).append("  ").append(measure);
    out.append("  added in ").append(std::to_string(c.created)).append(", evaluated to ");
    out.append(std::to_string(c.evaluated)).append("\n");
  }
  return out;
}

std::string logText(const std::vector<store::VersionInfo>& versions) {
  std::string out;
  for (const auto& v : versions) {
    out += std::to_string(v.number) + "  " + v.time + "  " + v.kind + "  " + v.source;
    if (!v.message.empty()) out += "  \"" + v.message + "\"";
    out += "\n";
  }
  return out;
}

}  // namespace cim::app
