#include "terminal.h"

#include <unistd.h>

#include <cstdio>

namespace cimtool {

void printError(const cim::Diagnostic& d) { std::fprintf(stderr, "cim: error: %s\n", cim::formatDiagnostic(d).c_str()); }

void printError(std::string_view message) {
  std::fprintf(stderr, "cim: error: %.*s\n", static_cast<int>(message.size()), message.data());
}

void printDiagnostics(const std::vector<cim::Diagnostic>& diagnostics, bool verbose) {
  for (const auto& d : diagnostics) {
    if (d.severity == cim::Severity::Info && !verbose) continue;
    std::fprintf(stderr, "cim: %s: %s\n", std::string(cim::severityName(d.severity)).c_str(),
                 cim::formatDiagnostic(d).c_str());
  }
}

ProgressBar::ProgressBar() : enabled_(isatty(STDERR_FILENO) == 1) {}
ProgressBar::~ProgressBar() { finish(); }

cim::ProgressFn ProgressBar::callback() {
  if (!enabled_) return {};
  return [this](std::string_view stage, double fraction) {
    const int percent = static_cast<int>(fraction * 100.0 + 0.5);
    if (percent == lastPercent_) return true;
    lastPercent_ = percent;
    constexpr int kWidth = 30;
    const int filled = percent * kWidth / 100;
    std::fprintf(stderr, "\r[%.*s%*s] %3d%% %-12.*s", filled, "##############################", kWidth - filled, "",
                 percent, static_cast<int>(stage.size()), stage.data());
    std::fflush(stderr);
    drawn_ = true;
    return true;
  };
}

void ProgressBar::finish() {
  if (drawn_) {
    std::fprintf(stderr, "\r%*s\r", 60, "");
    std::fflush(stderr);
    drawn_ = false;
  }
}

}  // namespace cimtool
