#pragma once
// Terminal output: error lines, diagnostics grouped so a thousand findings stay a screen, the library's option names
// said as the CLI's flags, and a progress bar that only draws on a terminal.

#include <string>
#include <string_view>
#include <vector>

#include "cim/core/diagnostic.h"
#include "cim/core/progress.h"

namespace cimtool {

/// "cim: error: <diagnostic>" on stderr, one line.
void printError(const cim::Diagnostic& d);
void printError(std::string_view message);

/// `message` with the library's option names (LoadOptions::origin, WriteOptions::overwrite, ...) replaced by the
/// flags that set them (--origin, --overwrite, ...). Names without a flag are left as they are.
std::string inCliWords(std::string message);
/// The library option names the CLI maps to flags, and the flag of each.
const std::vector<std::pair<std::string_view, std::string_view>>& cliFlagsOfLibraryOptions();

/// How diagnostics are shown on a terminal (see printDiagnostics).
struct DiagnosticsView {
  bool verbose = false;               ///< every diagnostic, notes too, none grouped
  std::size_t groupAbove = 3;         ///< more diagnostics of one code in one file than this are one line
  std::size_t idsShown = 3;           ///< ids named in a grouped line
};

/// The lines printDiagnostics writes, each without its "cim: " prefix (apart, for tests).
/// Per input file: its path once, then one line per diagnostic, or one line per code when a file has more than
/// `groupAbove` of it ("warning: 40 × IfcBooleanNotApplied, e.g. element '#12': ...; also #13, #14, #15 and 36 more").
/// Notes (infos) only with verbose, except those about the run itself (an approximate vertical datum), which are
/// said once however many inputs give them. Errors come last.
std::vector<std::string> diagnosticLines(const std::vector<cim::Diagnostic>& diagnostics, const DiagnosticsView& view);
/// Writes diagnosticLines on stderr.
void printDiagnostics(const std::vector<cim::Diagnostic>& diagnostics, bool verbose);

/// A progress bar on stderr when it is a terminal; a no-op callback otherwise.
class ProgressBar {
 public:
  ProgressBar();
  ~ProgressBar();
  cim::ProgressFn callback();
  void finish();

 private:
  bool enabled_ = false;
  int lastPercent_ = -1;
  std::string lastStage_;
  bool drawn_ = false;
};

}  // namespace cimtool
