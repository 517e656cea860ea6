#include "terminal.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <set>
#include <utility>

namespace cimtool {

const std::vector<std::pair<std::string_view, std::string_view>>& cliFlagsOfLibraryOptions() {
  static const std::vector<std::pair<std::string_view, std::string_view>> kFlags = {
      {"LoadOptions::crs", "--crs"},
      {"LoadOptions::origin", "--origin"},
      {"LoadOptions::rotationDegrees", "--rotation"},
      {"LoadOptions::scale", "--scale"},
      {"LoadOptions::upAxis", "--up-axis"},
      {"LoadOptions::inputCrs", "--input-crs"},
      {"LoadOptions::pipePointTable", "--points"},
      {"LoadOptions::pipeFieldMapping", "--field-mapping"},
      {"LoadOptions::pipeType", "--pipe-type"},
      {"LoadOptions::terrainMaxErrorMeters", "--max-error"},
      {"LoadOptions::encoding", "--encoding"},
      {"LoadOptions::joins", "--join"},
      {"WriteOptions::overwrite", "--overwrite"},
      {"WriteOptions::maxTrianglesPerTile", "--max-triangles"},
      {"WriteOptions::mergeElements", "--merge"},
      {"WriteOptions::compression", "--compress"},
  };
  return kFlags;
}

std::string inCliWords(std::string message) {
  for (const auto& [name, flag] : cliFlagsOfLibraryOptions()) {
    for (std::size_t at = message.find(name); at != std::string::npos; at = message.find(name, at)) {
      const std::size_t end = at + name.size();
      if (end < message.size() && (std::isalnum(static_cast<unsigned char>(message[end])) || message[end] == '_')) {
        at = end;  // a longer name that starts the same way
        continue;
      }
      message.replace(at, name.size(), flag);
      at += flag.size();
    }
  }
  return message;
}

void printError(const cim::Diagnostic& d) {
  std::fprintf(stderr, "cim: error: %s\n", inCliWords(cim::formatDiagnostic(d)).c_str());
}

void printError(std::string_view message) {
  std::fprintf(stderr, "cim: error: %s\n", inCliWords(std::string(message)).c_str());
}

namespace {

// Notes about the run rather than an input: said once per run, also without --verbose.
bool isRunNote(const cim::Diagnostic& d) { return d.code == cim::ErrorCode::VerticalDatumApproximated; }

// The diagnostic without its file (said once in the file's header line).
std::string withoutSource(const cim::Diagnostic& d) {
  cim::Diagnostic copy = d;
  copy.source.clear();
  return inCliWords(cim::formatDiagnostic(copy));
}

std::string severityWord(cim::Severity s) { return s == cim::Severity::Info ? "note" : std::string(cim::severityName(s)); }

// One line for `group` (diagnostics of one code and severity from one file, in input order).
std::string groupLine(const std::vector<const cim::Diagnostic*>& group, const DiagnosticsView& view) {
  const cim::Diagnostic& first = *group.front();
  std::string line = severityWord(first.severity) + ": " + std::to_string(group.size()) + " x " +
                     std::string(cim::codeName(first.code)) + ", e.g. " + withoutSource(first);
  std::size_t named = 0;
  std::string also;
  for (std::size_t i = 1; i < group.size() && named < view.idsShown; ++i) {
    if (group[i]->elementId.empty()) continue;
    also += (also.empty() ? "" : ", ") + group[i]->elementId;
    ++named;
  }
  const std::size_t rest = group.size() - 1 - named;
  if (!also.empty()) line += "; also " + also;
  if (rest > 0) line += (also.empty() ? "; " : " and ") + std::to_string(rest) + " more";
  return line + " (--verbose lists all)";
}

// `diagnostics` per file (in the order files first appear), each file named once, grouped per code.
void appendGrouped(std::vector<std::string>& lines, const std::vector<const cim::Diagnostic*>& diagnostics,
                   const DiagnosticsView& view) {
  using Group = std::pair<std::pair<cim::Severity, cim::ErrorCode>, std::vector<const cim::Diagnostic*>>;
  std::vector<std::string> sources;
  std::map<std::string, std::vector<Group>> bySource;
  for (const auto* d : diagnostics) {
    auto [it, fresh] = bySource.try_emplace(d->source);
    if (fresh) sources.push_back(d->source);
    auto& groups = it->second;
    const auto key = std::make_pair(d->severity, d->code);
    auto g = std::find_if(groups.begin(), groups.end(), [&](const Group& entry) { return entry.first == key; });
    if (g == groups.end()) groups.push_back({key, {d}});
    else g->second.push_back(d);
  }
  // Diagnostics about no file (a failed write, ...) last: a failed command's own error is its last line.
  std::stable_partition(sources.begin(), sources.end(), [](const std::string& s) { return !s.empty(); });
  for (const auto& source : sources) {
    std::vector<std::string> own;
    for (const bool errors : {false, true})  // a file's errors after its warnings
      for (const auto& [key, group] : bySource[source]) {
        if ((key.first == cim::Severity::Error) != errors) continue;
        if (!view.verbose && group.size() > view.groupAbove) {
          own.push_back(groupLine(group, view));
          continue;
        }
        for (const auto* d : group) own.push_back(severityWord(d->severity) + ": " + withoutSource(*d));
      }
    if (source.empty() || own.size() == 1) {
      // One line: the file in it, where formatDiagnostic says it.
      for (auto& l : own) {
        const auto colon = l.find(": ");
        lines.push_back(source.empty() ? l : l.substr(0, colon + 2) + source + ": " + l.substr(colon + 2));
      }
      continue;
    }
    lines.push_back(source + ":");
    for (auto& l : own) lines.push_back("  " + l);
  }
}

}  // namespace

std::vector<std::string> diagnosticLines(const std::vector<cim::Diagnostic>& diagnostics, const DiagnosticsView& view) {
  static std::set<cim::ErrorCode> runNotesSaid;  // per process: one run
  std::vector<std::string> lines;
  std::vector<const cim::Diagnostic*> shown;
  for (const auto& d : diagnostics) {
    if (isRunNote(d)) {
      if (runNotesSaid.insert(d.code).second) lines.push_back("note: " + inCliWords(d.message));
      continue;
    }
    if (d.severity == cim::Severity::Info && !view.verbose) continue;
    shown.push_back(&d);
  }
  appendGrouped(lines, shown, view);
  return lines;
}

void printDiagnostics(const std::vector<cim::Diagnostic>& diagnostics, bool verbose) {
  DiagnosticsView view;
  view.verbose = verbose;
  for (const auto& line : diagnosticLines(diagnostics, view)) std::fprintf(stderr, "cim: %s\n", line.c_str());
}

ProgressBar::ProgressBar() : enabled_(isatty(STDERR_FILENO) == 1) {}
ProgressBar::~ProgressBar() { finish(); }

cim::ProgressFn ProgressBar::callback() {
  if (!enabled_) return {};
  return [this](std::string_view stage, double fraction) {
    const int percent = static_cast<int>(fraction * 100.0 + 0.5);
    if (percent == lastPercent_ && stage == lastStage_) return true;
    lastPercent_ = percent;
    lastStage_ = stage;
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
