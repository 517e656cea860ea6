// Output of the commands that find things: see report_output.h.
#include "report_output.h"

#include <cstdio>

#include "cim/app/analyse.h"
#include "cim/export/report.h"
#include "commands.h"
#include "terminal.h"

namespace cimtool {

void addReportOptions(CLI::App& cmd, ReportArgs& args) {
  cmd.add_option("-o,--output", args.output, "Write a report: .json, .geojson or .bcf (BCF 3.0)");
  cmd.add_option("--previous", args.previous, "A previous JSON report: mark each result new, active or resolved");
  cmd.add_flag("--json", args.json, "Print the JSON report instead of one line per result");
  cmd.add_flag("--wgs84", args.wgs84, "GeoJSON reports in WGS 84 (RFC 7946) instead of the scene CRS");
  cmd.add_flag("--fail-on-findings", args.failOnFindings, "Exit 3 when there are findings (for CI)");
  cmd.add_flag("-v,--verbose", args.verbose, "Print every diagnostic, not only warnings and errors");
}

int writeResults(const ReportArgs& args, const ReportContext& context, std::vector<cim::index::ClashResult> results) {
  cim::report::Report report;
  for (const auto& p : context.inputs) report.inputs.push_back(p.string());
  report.crs = context.crs;
  report.options = context.options;
  report.summary = context.summary;
  report.results = std::move(results);
  if (!args.previous.empty()) {
    auto previous = cim::report::readReport(args.previous);
    printDiagnostics(previous.diagnostics(), args.verbose);
    if (!previous.ok()) return kExitFailure;
    cim::report::markAgainstPrevious(report, previous.value());
  }
  std::size_t findings = 0, resolved = 0;
  for (const auto& r : report.results) (r.status == "resolved" ? resolved : findings)++;
  if (!context.headline.empty()) std::fprintf(args.json ? stderr : stdout, "%s\n", context.headline.c_str());
  if (args.json) {
    std::fputs(cim::report::reportJson(report).c_str(), stdout);
  } else {
    for (const auto& r : report.results) std::printf("%s\n", cim::app::resultLine(r).c_str());
    if (!args.previous.empty()) {
      std::size_t fresh = 0;
      for (const auto& r : report.results) fresh += r.status == "new";
      std::printf("against %s: %zu new, %zu still there, %zu resolved\n", args.previous.c_str(), fresh,
                  findings - fresh, resolved);
    }
  }
  if (!args.output.empty()) {
    cim::report::WriteOptions o;
    o.geojson = args.wgs84 ? cim::report::GeoJsonCoordinates::Wgs84 : cim::report::GeoJsonCoordinates::Scene;
    auto written = cim::report::writeReport(report, args.output, o);
    printDiagnostics(written.diagnostics(), args.verbose);
    if (!written.ok()) return kExitFailure;
    if (!args.json) std::printf("wrote %s (%zu result(s))\n", args.output.c_str(), report.results.size());
  }
  return args.failOnFindings && findings ? kExitFindings : kExitOk;
}

}  // namespace cimtool
