// cim tiles INPUT... -o DIR [--max-triangles N] [--compress meshopt|draco|none] [--overwrite] [--memory MB]: inputs as
// 3D Tiles 1.1, one tileset per layer. cim tiles --store STORE -o DIR [--as-of V]: a store's scene, rewriting only the
// files whose bytes changed (the same as `cim store tiles`).
#include <cstdio>

#include "cim/app/store.h"
#include "cim/app/tiles.h"
#include "commands.h"
#include "load_options.h"
#include "terminal.h"

namespace cimtool {

Runner addTilesCommand(CLI::App& app) {
  struct Args {
    std::vector<std::string> inputs;
    std::string output;
    LoadArgs load;
    std::size_t maxTriangles = cim::tiles3d::WriteOptions{}.maxTrianglesPerTile;
    std::string compress = "none";
    bool overwrite = false;
    bool verbose = false;
    std::size_t memoryMb = cim::app::TileOptions{}.memoryBytes >> 20;
    std::string store, asOf;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("tiles", "Write inputs as 3D Tiles 1.1: one tileset per layer and an index.json");
  auto* inputs = cmd->add_option("inputs", args->inputs, inputsHelp());
  auto* store = cmd->add_option("--store", args->store,
                                "Tile a store's scene instead of inputs (a .gpkg file or postgresql://...): only the "
                                "files whose bytes changed since the last run into the folder are rewritten");
  store->excludes(inputs);
  cmd->add_option("--as-of", args->asOf, "With --store: version number or UTC date/time (default: current)")
      ->needs(store);
  cmd->add_option("-o,--output", args->output, "Output folder")->required();
  addLoadOptions(*cmd, args->load);
  cmd->add_option("--max-triangles", args->maxTriangles, "Triangle budget per tile (an element is never split)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--compress", args->compress,
                  "Mesh compression of the tiles: meshopt (EXT_meshopt_compression), draco (KHR_draco_mesh_compression) "
                  "or none")
      ->check(CLI::IsMember({"meshopt", "draco", "none"}));
  cmd->add_flag("--overwrite", args->overwrite, "Replace an output folder written earlier by cim tiles");
  cmd->add_option("--memory", args->memoryMb,
                  "Megabytes of elements kept in memory while loading (or reading --store); the rest wait in a "
                  "temporary file for their tile (default 512)")
      ->check(CLI::Range(std::size_t(0), std::size_t(1) << 30));  // not negative, and MB << 20 fits
  cmd->add_flag("-v,--verbose", args->verbose, "Also list informational diagnostics");
  return [cmd, args]() {
    if (!cmd->parsed()) return -1;
    cim::tiles3d::WriteOptions write;
    write.maxTrianglesPerTile = args->maxTriangles;
    write.overwrite = args->overwrite;  // (a store's folder is always brought up to date)
    write.compression = cim::parseMeshCompression(args->compress).value_or(cim::MeshCompression::None);
    if (!args->store.empty())
      return runStoreTiles(args->store, args->asOf, args->output, write, args->memoryMb, args->verbose);
    if (args->inputs.empty()) {
      printError("cim tiles: give the inputs, or --store STORE");
      return kExitUsage;
    }
    cim::app::TileOptions o;
    for (const auto& i : args->inputs) o.inputs.emplace_back(i);
    o.outputDir = args->output;
    o.load = args->load.toLoadOptions();
    o.write = write;
    o.memoryBytes = args->memoryMb << 20;

    ProgressBar bar;
    auto r = cim::app::tile(o, bar.callback());
    bar.finish();
    printDiagnostics(r.diagnostics(), args->verbose);
    if (!r.ok()) return kExitFailure;
    const auto& w = r->written;
    for (const auto& t : w.tilesets)
      std::printf("wrote %s: %zu element(s), %zu triangle(s) in %zu tile(s) (%zu with content, depth %zu), %ju bytes\n",
                  t.tileset.string().c_str(), t.elements, t.triangles, t.tiles, t.contentTiles, t.depth, t.bytes);
    std::printf("index %s, CRS %s\n", w.index.string().c_str(), r->crs.c_str());
    if (r->spooledElements > 0)
      std::printf("%zu element(s) beyond --memory %zu MB waited in a temporary file (%ju bytes)\n", r->spooledElements,
                  args->memoryMb, static_cast<std::uintmax_t>(r->spooledBytes));
    return kExitOk;
  };
}

}  // namespace cimtool
