// cim info FILE... [--json]: what each file is (format, CRS, counts, bounds, diagnostics).
#include <cstdio>

#include "cim/app/info.h"
#include "commands.h"
#include "terminal.h"

namespace cimtool {

Runner addInfoCommand(CLI::App& app) {
  struct Args {
    std::vector<std::string> files;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("info", "Describe files: format, CRS, element and triangle counts, bounds");
  cmd->add_option("files", args->files, "Input files")->required();
  cmd->add_flag("--json", args->json, "One JSON object per file and line");
  return [cmd, args]() {
    if (!cmd->parsed()) return -1;
    int code = kExitOk;
    for (const auto& f : args->files) {
      auto r = cim::app::info(f);
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
