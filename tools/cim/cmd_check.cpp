// cim check excavation|cover|sensors|cavities|corridor INPUT... [--features FILE]... [-o REPORT]: the city's checks.
#include <cstdio>

#include "cim/app/analyse.h"
#include "commands.h"
#include "load_options.h"
#include "report_output.h"
#include "terminal.h"

namespace cimtool {

Runner addCheckCommand(CLI::App& app) {
  struct Args {
    std::string check;
    std::vector<std::string> inputs, features;
    LoadArgs load;
    std::string assets, zones = "gas_zones", cover = "cover";
    double within = -1;
    std::size_t k = 1;
    ReportArgs report;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "check", "Run one of the city's checks: excavation (pits and boreholes in gas protection zones), cover, sensors, "
               "cavities, corridor");
  cmd->add_option("check", args->check, "excavation, cover, sensors, cavities or corridor")
      ->required()
      ->check(CLI::IsMember({"excavation", "cover", "sensors", "cavities", "corridor"}));
  cmd->add_option("inputs", args->inputs, inputsHelp())->required();
  addLoadOptions(*cmd, args->load);
  cmd->add_option("--pits,--sensors,--cavities,--corridors,--features", args->features,
                  "Site-feature files with the works, sensors, cavities or corridors (when not among the inputs)");
  cmd->add_option("--assets", args->assets, "Selector of what is checked against (default per check: the pipes)");
  cmd->add_option("--within", args->within,
                  "cavities: the distance (default 2 m); corridor: clearance beyond the radius; sensors: farthest asset")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--k", args->k, "sensors: nearest assets per sensor")->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--zones", args->zones, "excavation: zone table (gas_zones, built in, or a file)")->capture_default_str();
  cmd->add_option("--cover-rules", args->cover, "cover: minimum-cover table (cover, built in, or a file)")->capture_default_str();
  addReportOptions(*cmd, args->report);
  return [cmd, args]() {
    if (!cmd->parsed()) return -1;
    cim::app::CheckRequest q;
    q.check = *cim::app::parseCheck(args->check);
    for (const auto& i : args->inputs) q.inputs.emplace_back(i);
    for (const auto& f : args->features) q.features.emplace_back(f);
    q.load = args->load.toLoadOptions();
    if (!args->assets.empty()) q.assets = args->assets;
    if (args->within >= 0) q.withinMeters = args->within;
    q.k = args->k;
    q.zonesFile = args->zones;
    q.coverFile = args->cover;
    ProgressBar bar;
    auto r = cim::app::runCheck(q, bar.callback());
    bar.finish();
    printDiagnostics(r.diagnostics(), args->report.verbose);
    if (!r.ok()) return kExitFailure;
    printDiagnostics(r->notes, args->report.verbose);
    ReportContext context;
    context.inputs = q.inputs;
    context.inputs.insert(context.inputs.end(), q.features.begin(), q.features.end());
    if (r->crs) context.crs = r->crs->definition();
    context.options = {"check: " + args->check};
    if (q.assets) context.options.push_back("assets: " + *q.assets);
    if (q.check == cim::app::Check::Excavation) context.options.push_back("zones: " + q.zonesFile);
    if (q.check == cim::app::Check::Cover) context.options.push_back("cover rules: " + q.coverFile);
    context.summary[args->check + ".checked"] = static_cast<std::int64_t>(r->checked);
    context.headline = args->check + ": " + std::to_string(r->checked) + " checked, " +
                       std::to_string(r->results.size()) + " finding(s)";
    return writeResults(args->report, context, r->results);
  };
}

}  // namespace cimtool
