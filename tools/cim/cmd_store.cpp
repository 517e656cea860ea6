// cim store import|update|log|diff|export|tiles|copy: the versioned city store (docs/store.md) on a GeoPackage file or a
// PostGIS database (postgresql://...; the password from PGPASSWORD or ~/.pgpass).
#include <cstdio>
#include <memory>

#include "cim/app/store.h"
#include "commands.h"
#include "load_options.h"
#include "terminal.h"

namespace cimtool {

namespace {

struct StoreArgs {
  std::string store, other, asOf, message;
  std::vector<std::string> inputs, keys;
  long long from = 0, to = 0;
  bool replaceAll = false, verbose = false;
  LoadArgs load;
};

int runUpdate(const StoreArgs& a, bool import) {
  cim::app::StoreUpdateOptions o;
  o.load = a.load.toLoadOptions();
  if (!import) o.update.keyFields = a.keys;
  o.update.message = a.message;
  o.update.replaceAll = a.replaceAll;
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

int runTiles(const StoreArgs& a) {
  auto r = cim::app::tileStore(a.store, a.asOf, a.other);
  printDiagnostics(r.diagnostics(), a.verbose);
  if (!r.ok()) return kExitFailure;
  std::printf("%s: %zu tileset(s); %zu file(s) written, %zu unchanged (left as they were), %zu removed\n",
              a.other.c_str(), r->written.tilesets.size(), r->rewritten, r->unchanged, r->removed);
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
  tiles->add_flag("-v,--verbose", a->verbose, "Print every diagnostic");
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
    if (tiles->parsed()) return runTiles(*a);
    if (copy->parsed()) return runCopy(*a);
    return kExitUsage;
  };
}

}  // namespace cimtool
