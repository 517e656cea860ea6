#pragma once
// The output of the commands that find things (clash, near, check): one line per result on stdout (or the JSON
// report with --json), a report file (-o: .json, .geojson, .bcf), results marked against a previous report, and the
// exit code.

#include <filesystem>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cim/index/clash.h"
#include "cim/model/element.h"

namespace cimtool {

struct ReportArgs {
  std::string output;    ///< -o REPORT
  std::string previous;  ///< --previous REPORT
  bool json = false;     ///< the JSON report on stdout instead of text lines
  bool wgs84 = false;    ///< GeoJSON in WGS 84 instead of the scene CRS
  bool failOnFindings = false;
  bool verbose = false;
};

/// -o, --previous, --json, --wgs84, --fail-on-findings, -v.
void addReportOptions(CLI::App& cmd, ReportArgs& args);

/// What a report says it is about.
struct ReportContext {
  std::vector<std::filesystem::path> inputs;
  std::string crs;                   ///< the scene CRS's definition; empty for a local scene
  std::vector<std::string> options;  ///< the run's selections and options, as the report lists them
  cim::model::Attributes summary;    ///< counts that are not results
  std::string headline;              ///< one line for people: what was looked at (stderr with --json)
};

/// Exit code of a run with findings and --fail-on-findings.
inline constexpr int kExitFindings = 3;

/// Reads --previous (before anything is printed, so a bad one fails the run), marks the results, prints them,
/// writes -o; returns the exit code: 0; 1 when a report cannot be read or written; 3 with --fail-on-findings when
/// there are findings (resolved ones do not count).
int writeResults(const ReportArgs& args, const ReportContext& context, std::vector<cim::index::ClashResult> results);

}  // namespace cimtool
