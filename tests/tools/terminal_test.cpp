// The CLI's terminal output (tools/cim/terminal): diagnostics grouped per file and code, the library's option names
// said as flags, run notes said once.
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <catch2/catch.hpp>

#include "support/test_support.h"
#include "terminal.h"

using namespace cim;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
namespace fs = std::filesystem;

namespace {

std::size_t linesContaining(const std::vector<std::string>& lines, const std::string& what) {
  return static_cast<std::size_t>(
      std::count_if(lines.begin(), lines.end(), [&](const std::string& l) { return l.find(what) != std::string::npos; }));
}

}  // namespace

TEST_CASE("Many diagnostics of one code in one file are one line with the count and the first ids", "[cli][terminal]") {
  std::vector<Diagnostic> diags;
  for (int i = 0; i < 40; ++i)
    diags.push_back(Diagnostic::warning(ErrorCode::IfcBooleanNotApplied, "boolean not applied (first operand not closed)",
                                        "/data/office.ifc", "#" + std::to_string(100 + i)));
  diags.push_back(Diagnostic::warning(ErrorCode::IfcItemNotRead, "IfcSurfaceOfRevolution not read", "/data/office.ifc",
                                      "#7"));
  diags.push_back(Diagnostic::warning(ErrorCode::InvalidElement, "bad row", "/data/pipes.csv", "row 3"));

  cimtool::DiagnosticsView view;
  const auto lines = cimtool::diagnosticLines(diags, view);
  INFO([&] {
    std::string all;
    for (const auto& l : lines) all += l + "\n";
    return all;
  }());
  // office.ifc: a header naming it once, the grouped line, the single one; pipes.csv: one line naming it.
  REQUIRE(lines.size() == 4);
  CHECK(lines[0] == "/data/office.ifc:");
  CHECK_THAT(lines[1], StartsWith("  warning: 40 x IfcBooleanNotApplied, e.g. element '#100'") &&
                           Contains("also #101, #102, #103 and 36 more") && Contains("--verbose"));
  CHECK_THAT(lines[2], StartsWith("  warning: element '#7'"));
  CHECK(lines[3] == "warning: /data/pipes.csv: element 'row 3': bad row");
  CHECK(linesContaining(lines, "/data/office.ifc") == 1);

  view.verbose = true;
  const auto all = cimtool::diagnosticLines(diags, view);
  CHECK(all.size() == 1 + 41 + 1);
  CHECK(linesContaining(all, "#139") == 1);
  CHECK(linesContaining(all, "/data/office.ifc") == 1);
}

TEST_CASE("Three of a kind stay three lines, notes only with verbose, errors last", "[cli][terminal]") {
  // A failed command's own error (about no file) is its last line.
  const auto failed = cimtool::diagnosticLines(
      {Diagnostic::error(ErrorCode::FileUnwritable, "cannot write"), Diagnostic::warning(ErrorCode::InvalidElement, "bad", "a.csv")},
      {});
  REQUIRE(failed.size() == 2);
  CHECK(failed.back() == "error: cannot write");
  std::vector<Diagnostic> diags;
  diags.push_back(Diagnostic::error(ErrorCode::SiteFeatureSkipped, "unknown kind; skipped", "s.geojson", "feature 0"));
  for (int i = 0; i < 3; ++i)
    diags.push_back(Diagnostic::warning(ErrorCode::InvalidElement, "bad", "s.geojson", "feature " + std::to_string(i + 1)));
  diags.push_back(Diagnostic::info(ErrorCode::ConventionApplied, "a convention", "s.geojson"));
  const auto lines = cimtool::diagnosticLines(diags, {});
  REQUIRE(lines.size() == 5);
  CHECK(lines[0] == "s.geojson:");
  CHECK(linesContaining(lines, "convention") == 0);
  CHECK(lines.back() == "  error: element 'feature 0': unknown kind; skipped");  // the file's errors after its warnings
  // Errors are grouped too, after the warnings.
  for (int i = 0; i < 10; ++i)
    diags.push_back(Diagnostic::error(ErrorCode::SiteFeatureSkipped, "unknown kind; skipped", "s.geojson",
                                      "feature " + std::to_string(10 + i)));
  const auto grouped = cimtool::diagnosticLines(diags, {});
  CHECK(grouped.size() == 5);
  CHECK_THAT(grouped.back(), Contains("11 x SiteFeatureSkipped"));
  cimtool::DiagnosticsView verbose;
  verbose.verbose = true;
  CHECK(linesContaining(cimtool::diagnosticLines(diags, verbose), "convention") == 1);
}

TEST_CASE("The approximate vertical datum is said once per run however many inputs give it", "[cli][terminal]") {
  const Diagnostic note = Diagnostic::info(ErrorCode::VerticalDatumApproximated,
                                           "transformation from 'EPSG:4549+5737' to 'EPSG:4979' is approximate (test "
                                           "note for the once-per-run rule)");
  std::vector<Diagnostic> diags = {note, note, note};
  const auto first = cimtool::diagnosticLines(diags, {});
  CHECK(linesContaining(first, "approximate") == 1);
  CHECK_THAT(first.front(), StartsWith("note: "));
  // A later command step in the same run (another call) does not say it again.
  CHECK(linesContaining(cimtool::diagnosticLines({note}, {}), "approximate") == 0);
}

TEST_CASE("Library option names are said as the CLI's flags", "[cli][terminal]") {
  CHECK(cimtool::inCliWords("give LoadOptions::crs, and LoadOptions::origin for a local model") ==
        "give --crs, and --origin for a local model");
  CHECK(cimtool::inCliWords("the folder exists; WriteOptions::overwrite replaces it") ==
        "the folder exists; --overwrite replaces it");
  CHECK(cimtool::inCliWords("LoadOptions::inputCrs") == "--input-crs");
  // A longer name that starts like a mapped one is not cut.
  CHECK(cimtool::inCliWords("LoadOptions::crsOfSomething") == "LoadOptions::crsOfSomething");
}

TEST_CASE("Every option name the library's messages use has a CLI flag", "[cli][terminal]") {
  // Scans the library's sources for XxxOptions::name inside string literals: a message naming an option the CLI
  // cannot say as a flag would reach the user in C++ words.
  std::set<std::string> mapped;
  for (const auto& [name, flag] : cimtool::cliFlagsOfLibraryOptions()) mapped.insert(std::string(name));
  const std::regex literal("\"([^\"\\\\]|\\\\.)*\"");
  const std::regex option("\\b[A-Z][A-Za-z]*Options::[a-z][A-Za-z]*");
  std::set<std::string> used;
  for (const auto& entry : fs::recursive_directory_iterator(cimtest::sourceDir() / "libcim/src")) {
    if (entry.path().extension() != ".cpp" && entry.path().extension() != ".h") continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    const std::string s = text.str();
    for (std::sregex_iterator l(s.begin(), s.end(), literal), end; l != end; ++l) {
      const std::string lit = l->str();
      for (std::sregex_iterator o(lit.begin(), lit.end(), option); o != end; ++o) {
        INFO(entry.path().string() << ": " << o->str());
        CHECK(mapped.count(o->str()) == 1);
        used.insert(o->str());
      }
    }
  }
  // The scan found the names this pass put into messages (the scan works).
  CHECK(used.count("LoadOptions::origin") == 1);
  CHECK(used.count("WriteOptions::overwrite") == 1);
  CHECK(used.count("LoadOptions::inputCrs") == 1);
}
