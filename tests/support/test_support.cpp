#include "support/test_support.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <algorithm>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

#include <catch2/catch.hpp>

namespace cimtest {

TempDir::TempDir() {
  std::random_device rd;
  for (int attempt = 0; attempt < 100; ++attempt) {
    fs::path p = fs::temp_directory_path() / ("cim-test-" + std::to_string(getpid()) + "-" + std::to_string(rd()));
    std::error_code ec;
    if (fs::create_directory(p, ec)) {
      path_ = p;
      return;
    }
  }
  FAIL("cannot create a temporary folder");
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string shellQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') q += "'\\''";
    else q += c;
  }
  return q + "'";
}

CommandResult run(const std::string& commandLine) {
  TempDir tmp;
  const fs::path out = tmp / "stdout", err = tmp / "stderr";
  const std::string full = commandLine + " >" + shellQuote(out.string()) + " 2>" + shellQuote(err.string()) + " </dev/null";
  const int status = std::system(full.c_str());
  CommandResult r;
  r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  auto slurp = [](const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

fs::path sourceDir() { return fs::path(CIM_SOURCE_DIR); }
fs::path sharedDataDir() { return fs::path(CIM_SHARED_DATA_DIR); }

std::vector<fs::path> sharedFiles(const std::string& category, const std::string& extension) {
  const fs::path dir = sharedDataDir() / category;
  if (!fs::exists(dir)) {
    WARN("shared data not found at " << dir << "; skipping");
    return {};
  }
  const auto endsWith = [](const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
  };
  std::set<std::string> inFolder, listed;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && endsWith(name, extension)) inFolder.insert(name);
  }
  // SOURCES.md gives each file a heading "### `<category>/<name>`".
  std::ifstream sources(sharedDataDir() / "SOURCES.md");
  const std::string prefix = "### `" + category + "/";
  for (std::string line; std::getline(sources, line);) {
    if (line.rfind(prefix, 0) != 0) continue;
    const auto end = line.find('`', prefix.size());
    if (end == std::string::npos) continue;
    const std::string name = line.substr(prefix.size(), end - prefix.size());
    if (endsWith(name, extension)) listed.insert(name);
  }
  for (const auto& name : inFolder)
    if (!listed.count(name)) FAIL_CHECK(category << "/" << name << " is in the folder but not in SOURCES.md");
  for (const auto& name : listed)
    if (!inFolder.count(name)) FAIL_CHECK(category << "/" << name << " is in SOURCES.md but not in the folder");
  CHECK_FALSE(inFolder.empty());
  std::vector<fs::path> files;
  for (const auto& name : inFolder) files.push_back(dir / name);
  return files;
}

nlohmann::json validateGltf(const fs::path& file) {
  const fs::path script = sourceDir() / "scripts/node/validate-gltf.mjs";
  const fs::path module = sourceDir() / "scripts/node/node_modules/gltf-validator/package.json";
  if (!fs::exists(module)) FAIL("glTF-Validator is not installed: run scripts/setup.sh (npm install in scripts/node)");
  auto r = run("node " + shellQuote(script.string()) + " " + shellQuote(file.string()));
  INFO("validator stderr: " << r.err);
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  if (j.is_discarded()) FAIL("validator printed no JSON: " << r.out << r.err);
  return j;
}

void writeFile(const fs::path& path, const std::string& text) {
  if (path.has_parent_path()) fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << text;
}

std::string cubeObj() {
  return "o Cube\n"
         "v -0.5 -0.5 -0.5\nv 0.5 -0.5 -0.5\nv 0.5 0.5 -0.5\nv -0.5 0.5 -0.5\n"
         "v -0.5 -0.5 0.5\nv 0.5 -0.5 0.5\nv 0.5 0.5 0.5\nv -0.5 0.5 0.5\n"
         "f 1 4 3 2\nf 5 6 7 8\nf 1 2 6 5\nf 2 3 7 6\nf 3 4 8 7\nf 4 1 5 8\n";
}

nlohmann::json readGlbJson(const fs::path& glb) {
  std::ifstream in(glb, std::ios::binary);
  char header[20];
  REQUIRE(in.read(header, 20));
  REQUIRE(std::string(header, 4) == "glTF");
  REQUIRE(std::string(header + 16, 4) == "JSON");
  std::uint32_t length;
  std::memcpy(&length, header + 12, 4);
  std::string text(length, '\0');
  REQUIRE(in.read(text.data(), length));
  return nlohmann::json::parse(text);
}

}  // namespace cimtest
