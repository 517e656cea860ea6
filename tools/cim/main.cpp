// cim: command-line front end of libcim. Parsing and printing only; the work is in cim::app.
#include <cstdio>
#include <exception>

#include "cim/core/version.h"
#include "commands.h"
#include "terminal.h"

int main(int argc, char** argv) {
  CLI::App app{"cim: BIM, terrain and underground pipes in one georeferenced scene; glTF and 3D Tiles out"};
  app.set_version_flag("--version", std::string("cim ") + cim::kVersionString);
  app.require_subcommand(1);
  std::vector<cimtool::Runner> runners = {cimtool::addInfoCommand(app), cimtool::addConvertCommand(app),
                                           cimtool::addTilesCommand(app), cimtool::addViewCommand(app),
                                           cimtool::addClashCommand(app), cimtool::addNearCommand(app),
                                           cimtool::addCheckCommand(app), cimtool::addStoreCommand(app)};
  if (auto unknown = cimtool::unknownCommand(app, argc, argv)) {
    std::fprintf(stderr, "cim: unknown command '%s'; the commands are: %s (see 'cim --help')\n", unknown->c_str(),
                 cimtool::commandList(app).c_str());
    return cimtool::kExitUsage;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "cim: usage error: %s (see 'cim --help')\n", e.what());
    return cimtool::kExitUsage;
  }
  try {
    for (auto& run : runners) {
      const int code = run();
      if (code >= 0) return code;
    }
  } catch (const std::exception& e) {
    cimtool::printError(std::string("internal error: ") + e.what());
    return cimtool::kExitFailure;
  }
  return cimtool::kExitUsage;
}
