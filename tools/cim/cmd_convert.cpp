// cim convert INPUT... -o OUT.glb [--crs CRS] [--origin X Y Z]: inputs into one georeferenced glTF/GLB.
#include <cstdio>

#include "cim/app/convert.h"
#include "commands.h"
#include "load_options.h"
#include "terminal.h"

namespace cimtool {

Runner addConvertCommand(CLI::App& app) {
  struct Args {
    std::vector<std::string> inputs;
    std::string output;
    LoadArgs load;
    bool merge = false;
    bool verbose = false;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("convert", "Convert inputs into one georeferenced glTF 2.0 file (GLB or glTF)");
  cmd->add_option("inputs", args->inputs, inputsHelp())->required();
  cmd->add_option("-o,--output", args->output, "Output .glb or .gltf")->required();
  addLoadOptions(*cmd, args->load);
  cmd->add_flag("--merge", args->merge, "Merge elements per material (feature ids per vertex) instead of a node each");
  cmd->add_flag("-v,--verbose", args->verbose, "Also list informational diagnostics");
  return [cmd, args]() {
    if (!cmd->parsed()) return -1;
    cim::app::ConvertOptions o;
    for (const auto& i : args->inputs) o.inputs.emplace_back(i);
    o.output = args->output;
    o.load = args->load.toLoadOptions();
    o.mergeElements = args->merge;

    ProgressBar bar;
    auto r = cim::app::convert(o, bar.callback());
    bar.finish();
    printDiagnostics(r.diagnostics(), args->verbose);
    if (!r.ok()) {
      // printDiagnostics showed warnings; the error itself is the last line.
      return kExitFailure;
    }
    const auto& rep = r.value();
    const auto& w = rep.written;
    std::printf("wrote %s: %zu element(s), %zu triangle(s), %zu vertices, %zu material(s), %ju bytes\n",
                rep.output.string().c_str(), w.elements, w.triangles, w.vertices, w.materials, w.bytes);
    std::printf("  CRS %s, glTF origin at %.3f %.3f %.3f\n", rep.crs.empty() ? "none (local)" : rep.crs.c_str(),
                w.origin.x(), w.origin.y(), w.origin.z());
    return kExitOk;
  };
}

}  // namespace cimtool
