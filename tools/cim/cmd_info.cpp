// cim info FILE... [--json]: what each file is (format, CRS, counts, bounds, diagnostics).
#include <cstdio>

#include "cim/app/info.h"
#include "commands.h"
#include "load_options.h"
#include "terminal.h"

namespace cimtool {

Runner addInfoCommand(CLI::App& app) {
  struct Args {
    std::vector<std::string> files;
    bool json = false;
    bool elements = false;
    LoadArgs load;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("info", "Describe files: format, CRS, element and triangle counts, bounds");
  cmd->add_option("files", args->files, inputsHelp())->required();
  cmd->add_flag("--json", args->json, "One JSON object per file and line");
  cmd->add_flag("--elements", args->elements,
                "List every element (guid, class, name, storey, triangles, bbox in the file's own frame; with --json also every property)");
  addLoadOptions(*cmd, args->load, kSceneCrsOption | kPipeOptions | kCityOptions);
  return [cmd, args]() {
    if (!cmd->parsed()) return -1;
    int code = kExitOk;
    const cim::app::LoadOptions lo = args->load.toLoadOptions();
    for (const auto& f : args->files) {
      if (args->elements) {
        auto r = cim::app::describeElements(f, lo);
        if (!r.ok()) {
          printError(*r.error());
          code = kExitFailure;
          continue;
        }
        for (const auto& e : r.value()) {
          if (args->json) {
            std::printf("%s\n", cim::app::toJson(e).c_str());
          } else {
            std::printf("%-24s %-28s %8zu  %s\n", e.guid.c_str(), e.kind.c_str(), e.triangles, e.name.c_str());
          }
        }
        continue;
      }
      auto r = cim::app::info(f, lo);
      if (!r.ok()) {
        printError(*r.error());
        if (args->json) std::printf("%s\n", cim::app::errorJson(f, *r.error()).c_str());
        code = kExitFailure;
        continue;
      }
      if (args->json) {
        std::printf("%s\n", cim::app::toJson(r.value()).c_str());
      } else {
        std::fputs(cim::app::toText(r.value()).c_str(), stdout);
      }
    }
    return code;
  };
}

}  // namespace cimtool
