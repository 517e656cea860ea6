// cim clash INPUT... --a SELECTOR [--b SELECTOR] [--tolerance M] [--clearance M | --rules FILE|gb50289]
//           [--duplicates] [--touches] [-o REPORT]: clash and clearance sets over the inputs, one scene.
#include <cstdio>

#include "cim/app/analyse.h"
#include "commands.h"
#include "load_options.h"
#include "report_output.h"
#include "terminal.h"

namespace cimtool {

Runner addClashCommand(CLI::App& app) {
  struct Args {
    std::vector<std::string> inputs;
    LoadArgs load;
    std::string a = "*", b;
    double tolerance = 0.001;
    double clearance = -1;
    std::vector<std::string> rules;
    bool duplicates = false, touches = false, includeSpaces = false;
    ReportArgs report;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("clash", "Find hard clashes, clearance violations or duplicates between two selections");
  cmd->add_option("inputs", args->inputs, inputsHelp())->required();
  addLoadOptions(*cmd, args->load);
  cmd->add_option("--a", args->a, "Selection A (e.g. layer=pipes,type=RQ; class=IfcPipeSegment; *)")->capture_default_str();
  cmd->add_option("--b", args->b, "Selection B (default: A against itself)");
  cmd->add_option("--tolerance", args->tolerance, "Overlap allowed before a hard clash, metres (touches below it)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  auto* clearance = cmd->add_option("--clearance", args->clearance, "Report pairs closer than this many metres (3D)")
                        ->check(CLI::NonNegativeNumber);
  cmd->add_option("--rules", args->rules,
                  "Clearance rules: gb50289 (built in: GB 50289-2016 4.1.9/4.1.14, GB 50028 6.3.3) or a rule file; "
                  "repeat to extend (the first matching row wins)")
      ->excludes(clearance);
  cmd->add_flag("--duplicates", args->duplicates, "Report duplicates (the same geometry twice) instead");
  cmd->add_flag("--touches", args->touches, "Also report touches (overlaps within the tolerance)");
  cmd->add_flag("--include-spaces", args->includeSpaces,
                "Also check rooms, storeys, facility parts, openings and virtual elements (left out by default)");
  addReportOptions(*cmd, args->report);
  return [cmd, args]() {
    if (!cmd->parsed()) return -1;
    cim::app::ClashRequest q;
    for (const auto& i : args->inputs) q.inputs.emplace_back(i);
    q.load = args->load.toLoadOptions();
    q.a = args->a;
    if (!args->b.empty()) q.b = args->b;
    q.toleranceMeters = args->tolerance;
    q.reportTouches = args->touches;
    q.includeNonPhysical = args->includeSpaces;
    if (args->duplicates) q.mode = cim::index::ClashOptions::Mode::Duplicates;
    if (args->clearance >= 0) {
      q.mode = cim::index::ClashOptions::Mode::Clearance;
      q.clearanceMeters = args->clearance;
    } else if (!args->rules.empty()) {
      q.mode = cim::index::ClashOptions::Mode::Clearance;
      q.rules = args->rules;
    }
    ProgressBar bar;
    auto r = cim::app::runClash(q, bar.callback());
    bar.finish();
    printDiagnostics(r.diagnostics(), args->report.verbose);
    if (!r.ok()) return kExitFailure;
    const auto& rep = r->report;
    std::string skipped;
    auto add = [&](std::size_t n, const char* what) {
      if (n) skipped += (skipped.empty() ? " (" : ", ") + std::to_string(n) + what;
    };
    add(rep.joinedPairs, " joined in one network");
    add(rep.pairsWithoutRule, " without a rule");
    if (!args->touches) add(rep.touches, " touch(es) not listed");
    add(rep.skippedNonPhysical, " space(s), opening(s) or other non-physical element(s) left out");
    ReportContext context;
    context.inputs = q.inputs;
    if (r->index.crs()) context.crs = r->index.crs()->definition();
    context.options = {"a: " + q.a, "b: " + (q.b ? *q.b : std::string("(a against itself)")),
                       "mode: " + std::string(args->duplicates ? "duplicates"
                                              : args->clearance >= 0 ? "clearance " + std::to_string(args->clearance) + " m"
                                              : !args->rules.empty() ? "clearance by rules"
                                                                     : "hard"),
                       "tolerance_m: " + std::to_string(q.toleranceMeters)};
    for (const auto& rule : q.rules) context.options.push_back("rules: " + rule);
    context.summary["clash.selectedA"] = static_cast<std::int64_t>(rep.selectedA);
    context.summary["clash.selectedB"] = static_cast<std::int64_t>(rep.selectedB);
    context.summary["clash.candidatePairs"] = static_cast<std::int64_t>(rep.candidatePairs);
    context.summary["clash.joinedPairs"] = static_cast<std::int64_t>(rep.joinedPairs);
    context.summary["clash.pairsWithoutRule"] = static_cast<std::int64_t>(rep.pairsWithoutRule);
    context.summary["clash.touches"] = static_cast<std::int64_t>(rep.touches);
    context.summary["clash.skippedNonPhysical"] = static_cast<std::int64_t>(rep.skippedNonPhysical);
    context.headline = std::to_string(rep.results.size()) + " result(s): " + std::to_string(rep.selectedA) +
                       " element(s) in A, " + std::to_string(rep.selectedB) + " in B, " +
                       std::to_string(rep.candidatePairs) + " candidate pair(s)" + skipped + (skipped.empty() ? "" : ")");
    return writeResults(args->report, context, r->report.results);
  };
}

}  // namespace cimtool
