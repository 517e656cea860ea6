// cim near INPUT... --target SELECTOR|FILE|E,N,H (--within M | --k N) [--filter SELECTOR] [--horizontal] [--json]:
// what lies near elements, the features of a file, or a point.
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "cim/app/analyse.h"
#include "commands.h"
#include "load_options.h"
#include "report_output.h"
#include "terminal.h"

namespace cimtool {

namespace {

// "E,N,H" (three numbers) as a point; nullopt for anything else.
std::optional<Eigen::Vector3d> pointOf(const std::string& text) {
  std::istringstream in(text);
  double v[3];
  char comma = 0;
  if (!(in >> v[0] >> comma) || comma != ',' || !(in >> v[1] >> comma) || comma != ',' || !(in >> v[2])) return std::nullopt;
  in >> std::ws;
  if (!in.eof()) return std::nullopt;
  return Eigen::Vector3d(v[0], v[1], v[2]);
}

}  // namespace

Runner addNearCommand(CLI::App& app) {
  struct Args {
    std::vector<std::string> inputs;
    LoadArgs load;
    std::string target, filter = "*";
    double within = -1;
    std::size_t k = 0;
    bool horizontal = false;
    ReportArgs report;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("near", "List what lies within a distance of, or nearest to, elements, features or a point");
  cmd->add_option("inputs", args->inputs, inputsHelp())->required();
  addLoadOptions(*cmd, args->load);
  cmd->add_option("--target", args->target,
                  "What to measure from: a selector (class=sensor), a feature file (pits.geojson), or a point E,N,H in "
                  "--crs")
      ->required();
  auto* within = cmd->add_option("--within", args->within, "Everything within this many metres")->check(CLI::NonNegativeNumber);
  cmd->add_option("--k", args->k, "The k nearest")->check(CLI::PositiveNumber);
  cmd->add_option("--filter", args->filter, "Only elements this selector picks (e.g. layer=pipes,type=RQ)");
  cmd->add_flag("--horizontal", args->horizontal, "Measure in plan (horizontal distance) instead of 3D");
  addReportOptions(*cmd, args->report);
  (void)within;
  return [cmd, args]() {
    if (!cmd->parsed()) return -1;
    if (args->within < 0 && args->k == 0) {
      printError("cim near needs --within M or --k N");
      return kExitUsage;
    }
    cim::app::NearRequest q;
    for (const auto& i : args->inputs) q.inputs.emplace_back(i);
    q.load = args->load.toLoadOptions();
    if (auto p = pointOf(args->target)) q.targetPoint = *p;
    else if (std::filesystem::exists(args->target)) q.targetFile = args->target;
    else q.targetSelector = args->target;
    q.filter = args->filter;
    if (args->within >= 0) q.withinMeters = args->within;
    if (args->k > 0) q.k = args->k;
    q.horizontal = args->horizontal;
    ProgressBar bar;
    auto r = cim::app::runNear(q, bar.callback());
    bar.finish();
    printDiagnostics(r.diagnostics(), args->report.verbose);
    if (!r.ok()) return kExitFailure;
    std::vector<cim::index::ClashResult> all;
    for (const auto& row : r->rows) all.insert(all.end(), row.found.begin(), row.found.end());
    ReportContext context;
    context.inputs = q.inputs;
    if (r->crs) context.crs = r->crs->definition();
    context.options = {"target: " + args->target, "filter: " + q.filter,
                       q.k ? "k: " + std::to_string(*q.k) : "within_m: " + std::to_string(args->within),
                       std::string("measured: ") + (q.horizontal ? "in plan" : "3D")};
    context.summary["near.targets"] = static_cast<std::int64_t>(r->rows.size());
    context.headline = std::to_string(r->rows.size()) + " target(s), " + std::to_string(all.size()) + " found";
    return writeResults(args->report, context, all);
  };
}

}  // namespace cimtool
