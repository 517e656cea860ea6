#pragma once
// Terminal output helpers: error lines and a progress bar that only draws on a terminal.

#include <string>
#include <string_view>
#include <vector>

#include "cim/core/diagnostic.h"
#include "cim/core/progress.h"

namespace cimtool {

/// "cim: error: <diagnostic>" on stderr, one line.
void printError(const cim::Diagnostic& d);
void printError(std::string_view message);
/// Warnings (and, with verbose, infos) on stderr, one line each.
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
  bool drawn_ = false;
};

}  // namespace cimtool
