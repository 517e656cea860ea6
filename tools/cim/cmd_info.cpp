// cim info FILE... [--json] [--elements]: what each file is (format, CRS, counts, bounds, diagnostics).
// Exit code: 0 when every file was read without an error-level diagnostic, 1 otherwise (a file that cannot be read,
// or one read with errors), 2 for a usage error.
#include <cstdio>

#include "cim/app/info.h"
#include "commands.h"
#include "load_options.h"
#include "terminal.h"

namespace cimtool {

namespace {

// The file's diagnostics under its summary, grouped as on stderr; the file is named once, in the summary.
void printInfoDiagnostics(std::vector<cim::Diagnostic> diagnostics, bool verbose) {
  for (auto& d : diagnostics) d.source.clear();
  DiagnosticsView view;
  view.verbose = verbose;
  for (const auto& line : diagnosticLines(diagnostics, view)) std::printf("    %s\n", line.c_str());
}

}  // namespace

Runner addInfoCommand(CLI::App& app) {
  struct Args {
    std::vector<std::string> files;
    bool json = false;
    bool elements = false;
    bool verbose = false;
    LoadArgs load;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("info", "Describe files: format, CRS, element and triangle counts, bounds");
  cmd->add_option("files", args->files, inputsHelp())->required();
  cmd->add_flag("--json", args->json, "One JSON object per file and line (every diagnostic, none grouped)");
  cmd->add_flag("--elements", args->elements,
                "List every element (guid, class, name, storey, triangles, bbox in the file's own frame or, with "
                "--crs, in that CRS; with --json also every property)");
  cmd->add_flag("-v,--verbose", args->verbose, "List every diagnostic and note, none grouped");
  addLoadOptions(*cmd, args->load);
  return [cmd, args]() {
    if (!cmd->parsed()) return -1;
    int code = kExitOk;
    const cim::app::LoadOptions lo = args->load.toLoadOptions();
    for (const auto& f : args->files) {
      if (args->elements) {
        ProgressBar bar;
        // Each element is printed as it is described (a large IFC is streamed, not held).
        auto r = cim::app::describeElements(
            f, lo,
            [&](const cim::app::ElementInfo& e) {
              if (args->json)
                std::printf("%s\n", cim::app::toJson(e).c_str());
              else
                std::printf("%-24s %-28s %8zu  %s\n", e.guid.c_str(), e.kind.c_str(), e.triangles, e.name.c_str());
            },
            bar.callback());
        bar.finish();
        if (!r.ok()) {
          printError(*r.error());
          code = kExitFailure;
          continue;
        }
        if (cim::countSeverity(r.diagnostics(), cim::Severity::Error) > 0) code = kExitFailure;
        printDiagnostics(r.diagnostics(), args->verbose);
        continue;
      }
      ProgressBar bar;
      auto r = cim::app::info(f, lo, bar.callback());
      bar.finish();
      if (!r.ok()) {
        printError(*r.error());
        if (args->json) std::printf("%s\n", cim::app::errorJson(f, *r.error()).c_str());
        code = kExitFailure;
        continue;
      }
      if (cim::countSeverity(r->diagnostics, cim::Severity::Error) > 0) code = kExitFailure;
      if (args->json) {
        std::printf("%s\n", cim::app::toJson(r.value()).c_str());
      } else {
        std::fputs(cim::app::toText(r.value(), /*listDiagnostics=*/false).c_str(), stdout);
        printInfoDiagnostics(r->diagnostics, args->verbose);
      }
      std::fflush(stdout);
    }
    return code;
  };
}

}  // namespace cimtool
