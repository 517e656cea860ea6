#pragma once
// Helpers shared by the tests: temporary folders, running the CLI, the Khronos glTF-Validator.

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cimtest {

namespace fs = std::filesystem;

/// A fresh, empty folder under the system temp dir, removed when the object goes away.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }
  fs::path operator/(const std::string& name) const { return path_ / name; }

 private:
  fs::path path_;
};

struct CommandResult {
  int exitCode = -1;
  std::string out;
  std::string err;
};

/// Runs a shell command line, capturing stdout and stderr.
CommandResult run(const std::string& commandLine);

/// Quotes a string for /bin/sh.
std::string shellQuote(const std::string& s);

/// Runs the Khronos glTF-Validator (scripts/node) on a file and returns its report summary
/// {"errors","warnings","messages":[...]}. Fails the current test when the validator is not installed.
nlohmann::json validateGltf(const fs::path& file);

/// Writes text to a file (creating parents).
void writeFile(const fs::path& path, const std::string& text);

/// The project's source folder and the shared third-party data folder.
fs::path sourceDir();
fs::path sharedDataDir();

/// The files of one category of the shared data (`ifc`, `cityjson` ...) with the given extension, sorted, as the
/// folder holds them. Fails the current test unless the folder holds exactly the files SOURCES.md lists under
/// "### `<category>/<name>`" headings: a file lost from the folder, or added without its provenance, is an error, and
/// the tests that iterate the folder then cover every file without counting them by hand. Empty (with a WARN) when
/// the shared data is absent.
std::vector<fs::path> sharedFiles(const std::string& category, const std::string& extension);

/// The OBJ of a 1 m cube centred on its origin (8 vertices, 6 quads).
std::string cubeObj();

/// The JSON chunk of a GLB file.
nlohmann::json readGlbJson(const fs::path& glb);

}  // namespace cimtest
