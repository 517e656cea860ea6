// cim store import|update|log|diff|export|tiles|copy|check|results: the versioned city store (docs/store.md) on a GeoPackage file or a
// PostGIS database (postgresql://...; the password from PGPASSWORD or ~/.pgpass).
#include <cstdint>
#include <cstdio>
#include <memory>

#include "cim/app/store.h"
#include "commands.h"
#include "load_options.h"
#include "terminal.h"

namespace cimtool {

namespace {

struct StoreArgs {
  std::string store, other, asOf, message, check, kind = "clearance", a, b;
  std::vector<std::string> rules;
  double clearance = -1, tolerance = 0.001;
  std::size_t nearest = 1;
  std::vector<std::string> inputs, keys;
  long long from = 0, to = 0;
  std::size_t memoryMb = cim::tiles3d::ElementSpool::kDefaultMemoryBytes >> 20;
  bool replaceAll = false, partial = false, verbose = false;
  LoadArgs load;
};

int runUpdate(const StoreArgs& a, bool import) {
  cim::app::StoreUpdateOptions o;
  o.load = a.load.toLoadOptions();
  if (!import) o.update.keyFields = a.keys;
  o.update.message = a.message;
  o.update.replaceAll = a.replaceAll;
  o.update.partial = a.partial;
  std::vector<std::filesystem::path> inputs(a.inputs.begin(), a.inputs.end());
  auto r = cim::app::storeUpdate(a.store, inputs, o);
  printDiagnostics(r.diagnostics(), a.verbose);
  if (!r.ok()) return kExitFailure;
  std::fputs(cim::app::toText(r.value()).c_str(), stdout);
  return kExitOk;
}

int runLog(const StoreArgs& a) {
  auto st = cim::store::Store::open(a.store);
  if (!st.ok()) return printError(*st.error()), kExitFailure;
  auto log = st->log();
  if (!log.ok()) return printError(*log.error()), kExitFailure;
  std::fputs(cim::app::logText(log.value()).c_str(), stdout);
  return kExitOk;
}

int runDiff(const StoreArgs& a) {
  auto st = cim::store::Store::open(a.store);
  if (!st.ok()) return printError(*st.error()), kExitFailure;
  auto d = st->diff(a.from, a.to);
  if (!d.ok()) return printError(*d.error()), kExitFailure;
  std::printf("version %lld -> %lld: %zu added, %zu removed, %zu changed (%zu moved)\n", a.from, a.to, d->added(),
              d->removed(), d->changed(), d->moved());
  std::fputs(cim::store::formatDiff(d.value()).c_str(), stdout);
  return kExitOk;
}

int runExport(const StoreArgs& a) {
  auto r = cim::app::exportStore(a.store, a.asOf, a.other);
  printDiagnostics(r.diagnostics(), a.verbose);
  if (!r.ok()) return kExitFailure;
  std::printf("wrote %s\n", a.other.c_str());
  return kExitOk;
}

int runCheckAdd(const StoreArgs& a) {
  auto st = cim::store::Store::open(a.store);
  if (!st.ok()) return printError(*st.error()), kExitFailure;
  cim::store::CheckDefinition c;
  c.name = a.check;
  c.kind = cim::store::parseCheckKind(a.kind).value_or(cim::store::CheckDefinition::Kind::Clearance);
  c.a = a.a, c.b = a.b, c.rules = a.rules, c.toleranceMeters = a.tolerance, c.nearest = a.nearest;
  if (a.clearance >= 0) c.clearanceMeters = a.clearance;
  if (c.kind == cim::store::CheckDefinition::Kind::Clearance && !c.clearanceMeters && c.rules.empty())
    c.rules = {"gb50289"};
  auto r = st->addCheck(c);
  printDiagnostics(r.diagnostics(), a.verbose);
  if (!r.ok()) return kExitFailure;  // (the error is among the diagnostics)
  std::fputs(cim::app::checkRunsText({r.value()}).c_str(), stdout);
  return kExitOk;
}

int runCheckList(const StoreArgs& a) {
  auto st = cim::store::Store::open(a.store);
  if (!st.ok()) return printError(*st.error()), kExitFailure;
  auto checks = st->checks();
  if (!checks.ok()) return printError(*checks.error()), kExitFailure;
  std::fputs(cim::app::checkListText(checks.value()).c_str(), stdout);
  return kExitOk;
}

int runCheckRun(const StoreArgs& a) {
  auto st = cim::store::Store::open(a.store);
  if (!st.ok()) return printError(*st.error()), kExitFailure;
  auto r = st->runChecks();
  if (!r.ok()) return printError(*r.error()), kExitFailure;
  std::fputs(r->empty() ? "every check is up to date\n" : cim::app::checkRunsText(r.value()).c_str(), stdout);
  return kExitOk;
}

int runCheckRemove(const StoreArgs& a) {
  auto st = cim::store::Store::open(a.store);
  if (!st.ok()) return printError(*st.error()), kExitFailure;
  auto r = st->removeCheck(a.check);
  if (!r.ok()) return printError(*r.error()), kExitFailure;
  if (!r.value())
    return printError(cim::Diagnostic::error(cim::ErrorCode::InvalidArgument, "no check named '" + a.check + "'",
                                             a.store)),
           kExitFailure;
  std::printf("removed check %s and its results\n", a.check.c_str());
  return kExitOk;
}

int runResults(const StoreArgs& a) {
  auto st = cim::store::Store::open(a.store);
  if (!st.ok()) return printError(*st.error()), kExitFailure;
  const auto asOf = cim::store::AsOf::parse(a.asOf);
  auto version = st->resolve(asOf);
  if (!version.ok()) return printError(*version.error()), kExitFailure;
  auto r = st->results(a.check, asOf);
  printDiagnostics(r.diagnostics(), a.verbose);
  if (!r.ok()) return kExitFailure;  // (the error is among the diagnostics)
  std::fputs(cim::app::resultsText(r.value(), version.value()).c_str(), stdout);
  return kExitOk;
}

int runCopy(const StoreArgs& a) {
  auto r = cim::app::copyStore(a.store, a.other);
  printDiagnostics(r.diagnostics(), a.verbose);
  if (!r.ok()) return kExitFailure;
  std::printf("copied %s into %s\n", a.store.c_str(), a.other.c_str());
  return kExitOk;
}

}  // namespace

int runStoreTiles(const std::string& store, const std::string& asOf, const std::string& output,
                  const cim::tiles3d::WriteOptions& options, std::size_t memoryMb, bool verbose) {
  auto r = cim::app::tileStore(store, asOf, output, options, memoryMb << 20);
  printDiagnostics(r.diagnostics(), verbose);
  if (!r.ok()) return kExitFailure;
  std::printf("%s: %zu tileset(s); %zu file(s) written, %zu unchanged (left as they were), %zu removed\n",
              output.c_str(), r->written.tilesets.size(), r->rewritten, r->unchanged, r->removed);
  if (r->spooledElements > 0)
    std::printf("%zu element(s) beyond --memory %zu MB waited in a temporary file (%ju bytes)\n", r->spooledElements,
                memoryMb, static_cast<std::uintmax_t>(r->spooledBytes));
  return kExitOk;
}

Runner addStoreCommand(CLI::App& app) {
  auto a = std::make_shared<StoreArgs>();
  auto* cmd = app.add_subcommand("store", "A versioned city store (GeoPackage file or postgresql://...)");
  cmd->require_subcommand(1);
  const std::string storeHelp = "Store: a .gpkg file, or postgresql://user@host/db (password from PGPASSWORD or ~/.pgpass)";
  auto* imp = cmd->add_subcommand("import", "Store inputs as a new version (creates the store)");
  auto* upd = cmd->add_subcommand("update", "Store what changed in the inputs, matched by key, as a new version");
  for (auto* c : {imp, upd}) {
    c->add_option("store", a->store, storeHelp)->required();
    c->add_option("inputs", a->inputs, inputsHelp())->required();
    c->add_option("-m,--message", a->message, "Message recorded with the version");
    c->add_flag("--replace-all", a->replaceAll, "Remove stored elements of every layer the inputs lack (default: only of the inputs' layers)");
    c->add_flag("-v,--verbose", a->verbose, "Print every diagnostic");
    addLoadOptions(*c, a->load);
  }
  upd->add_flag("--partial", a->partial,
                "The inputs are a change set (new and changed elements only): nothing stored is removed for being "
                "absent from them, and their pipes are joined to the stored pipes they meet")
      ->excludes("--replace-all");
  upd->add_option("--key", a->keys, "Key fields, comma-separated: guid, start,end (CJJ 61 point numbers), id, name, or an attribute")
      ->delimiter(',');
  auto* log = cmd->add_subcommand("log", "List the versions");
  log->add_option("store", a->store, storeHelp)->required();
  auto* diff = cmd->add_subcommand("diff", "What changed between two versions");
  diff->add_option("store", a->store, storeHelp)->required();
  diff->add_option("from", a->from, "Earlier version")->required();
  diff->add_option("to", a->to, "Later version")->required();
  auto* exp = cmd->add_subcommand("export", "Write the scene as of a version as GLB/glTF");
  exp->add_option("store", a->store, storeHelp)->required();
  exp->add_option("output", a->other, "Output .glb or .gltf")->required();
  exp->add_option("--as-of", a->asOf, "Version number or UTC date/time (default: current)");
  exp->add_flag("-v,--verbose", a->verbose, "Print every diagnostic");
  auto* tiles = cmd->add_subcommand("tiles", "Write 3D Tiles as of a version, rewriting only the files that changed");
  tiles->add_option("store", a->store, storeHelp)->required();
  tiles->add_option("-o,--output", a->other, "Output folder (made or brought up to date)")->required();
  tiles->add_option("--as-of", a->asOf, "Version number or UTC date/time (default: current)");
  tiles->add_option("--memory", a->memoryMb,
                    "Megabytes of elements kept in memory while reading the store; the rest wait in a temporary file "
                    "for their tile (default 512)")
      ->check(CLI::Range(std::size_t(0), std::size_t(1) << 30));
  tiles->add_flag("-v,--verbose", a->verbose, "Print every diagnostic");
  auto* check = cmd->add_subcommand("check", "Checks kept in the store, re-run after every import or update on what it touched");
  check->require_subcommand(1);
  auto* checkAdd = check->add_subcommand("add", "Register a check and run it on the current version");
  checkAdd->add_option("store", a->store, storeHelp)->required();
  checkAdd->add_option("name", a->check, "Name of the check")->required();
  checkAdd->add_option("--kind", a->kind, "clearance (default), hard, excavation, cavity, corridor, cover or sensors")
      ->check(CLI::IsMember({"clearance", "hard", "excavation", "cavity", "corridor", "cover", "sensors"}));
  checkAdd->add_option("--a", a->a,
                       "Selection A (default: every element; excavation: the works, class=excavation|borehole; "
                       "cavity: class=cavity; corridor: class=drone_corridor; cover: the pipes; sensors: "
                       "class=sensor)");
  checkAdd->add_option("--b", a->b,
                       "Selection B (default: A against itself; excavation, cavity and sensors: the assets, "
                       "type=*; corridor: the obstacles, class!=drone_corridor)");
  checkAdd->add_option("--rules", a->rules,
                       "Clearance rules (gb50289, the default, or a rule file); excavation: zones (gas_zones or a "
                       "file); cover: the cover table (cover, GB 50028 §6.3.4 for gas mains, or a file)");
  checkAdd->add_option("--clearance", a->clearance,
                       "Clearance at one distance in metres (3D) instead of rules; cavity: the distance searched "
                       "(default 2); corridor: beyond the corridor's radius (default 0); sensors: the distance "
                       "within which each sensor's nearest asset is looked for (required)")
      ->check(CLI::NonNegativeNumber);
  checkAdd->add_option("--tolerance", a->tolerance, "Hard clashes: overlap allowed, metres")->check(CLI::NonNegativeNumber);
  checkAdd->add_option("--k", a->nearest, "sensors: nearest assets kept per sensor, within --clearance")
      ->check(CLI::Range(std::size_t(1), cim::store::CheckDefinition::kMostNearest))
      ->capture_default_str();
  checkAdd->add_flag("-v,--verbose", a->verbose, "Print every diagnostic");
  auto* checkList = check->add_subcommand("list", "List the registered checks");
  checkList->add_option("store", a->store, storeHelp)->required();
  auto* checkRun = check->add_subcommand("run", "Bring every check up to the current version");
  checkRun->add_option("store", a->store, storeHelp)->required();
  auto* checkRemove = check->add_subcommand("remove", "Unregister a check and drop its results");
  checkRemove->add_option("store", a->store, storeHelp)->required();
  checkRemove->add_option("name", a->check, "Name of the check")->required();
  auto* results = cmd->add_subcommand("results", "Results of the registered checks as of a version: new, active, resolved");
  results->add_option("store", a->store, storeHelp)->required();
  results->add_option("--check", a->check, "Only this check");
  results->add_option("--as-of", a->asOf, "Version number or UTC date/time (default: current)");
  results->add_flag("-v,--verbose", a->verbose, "Print every diagnostic");
  auto* copy = cmd->add_subcommand("copy", "Copy a store with its whole history into a new one");
  copy->add_option("from", a->store, "Source store")->required();
  copy->add_option("to", a->other, "New store (.gpkg or postgresql://...)")->required();
  return [=]() {
    if (!cmd->parsed()) return -1;
    if (imp->parsed()) return runUpdate(*a, true);
    if (upd->parsed()) return runUpdate(*a, false);
    if (log->parsed()) return runLog(*a);
    if (diff->parsed()) return runDiff(*a);
    if (exp->parsed()) return runExport(*a);
    if (tiles->parsed()) return runStoreTiles(a->store, a->asOf, a->other, {}, a->memoryMb, a->verbose);
    if (copy->parsed()) return runCopy(*a);
    if (checkAdd->parsed()) return runCheckAdd(*a);
    if (checkList->parsed()) return runCheckList(*a);
    if (checkRun->parsed()) return runCheckRun(*a);
    if (checkRemove->parsed()) return runCheckRemove(*a);
    if (results->parsed()) return runResults(*a);
    return kExitUsage;
  };
}

}  // namespace cimtool
