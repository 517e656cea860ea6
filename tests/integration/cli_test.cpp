// The cim CLI as a user runs it: exit codes, one-line errors, the README's own commands.
#include <algorithm>
#include <fstream>
#include <functional>
#include <set>

#include <catch2/catch.hpp>

#include "support/test_support.h"

using cimtest::run;
using cimtest::shellQuote;
using cimtest::TempDir;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {
std::string cim(const std::string& args) { return shellQuote(CIM_CLI_PATH) + " " + args; }

std::size_t lineCount(const std::string& s) { return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n')); }
}  // namespace

TEST_CASE("cim --version and --help", "[cli]") {
  auto v = run(cim("--version"));
  CHECK(v.exitCode == 0);
  CHECK_THAT(v.out, StartsWith("cim 0."));
  auto h = run(cim("--help"));
  CHECK(h.exitCode == 0);
  CHECK_THAT(h.out, Contains("convert") && Contains("info"));
}

TEST_CASE("The issue's convert command writes a valid GLB that info describes", "[cli]") {
  TempDir dir;
  cimtest::writeFile(dir / "cube.obj", cimtest::cubeObj());
  auto c = run("cd " + shellQuote(dir.path().string()) + " && " +
               cim("convert cube.obj --crs EPSG:4549+5737 --origin 515398.97 3347837.87 10 -o cube.glb"));
  INFO(c.err);
  REQUIRE(c.exitCode == 0);
  CHECK_THAT(c.out, Contains("wrote cube.glb") && Contains("12 triangle(s)"));

  auto report = cimtest::validateGltf(dir / "cube.glb");
  INFO(report.dump());
  CHECK(report["errors"] == 0);

  auto i = run(cim("info " + shellQuote((dir / "cube.glb").string()) + " --json"));
  REQUIRE(i.exitCode == 0);
  CHECK(lineCount(i.out) == 1);
  auto j = nlohmann::json::parse(i.out);
  CHECK(j["triangles"] == 12);
  CHECK(j["crs"] == "EPSG:4549+5737");
  CHECK(j["bounds"]["min"][0].get<double>() == Approx(515398.47).margin(1e-3));
  CHECK(j["bounds"]["min"][1].get<double>() == Approx(3347837.37).margin(1e-3));
  CHECK(j["bounds"]["min"][2].get<double>() == Approx(9.5).margin(1e-3));
  CHECK(j["bounds"]["max"][0].get<double>() == Approx(515399.47).margin(1e-3));
  CHECK(j["bounds"]["max"][1].get<double>() == Approx(3347838.37).margin(1e-3));
  CHECK(j["bounds"]["max"][2].get<double>() == Approx(10.5).margin(1e-3));
  CHECK(j["centerWgs84"][0].get<double>() == Approx(120.16).margin(1e-6));
  CHECK(j["centerWgs84"][1].get<double>() == Approx(30.25).margin(1e-6));

  auto text = run(cim("info " + shellQuote((dir / "cube.glb").string())));
  CHECK(text.exitCode == 0);
  CHECK_THAT(text.out, Contains("triangles: 12") && Contains("EPSG:4549+5737"));
}

TEST_CASE("Bad input gives exit code 1 and one line naming the problem", "[cli]") {
  TempDir dir;
  cimtest::writeFile(dir / "cube.obj", cimtest::cubeObj());
  const std::string cube = shellQuote((dir / "cube.obj").string());
  const std::string out = shellQuote((dir / "o.glb").string());
  const std::string corrupt = shellQuote((cimtest::sourceDir() / "tests/corpus/mesh/bad_index.obj").string());
  struct Case {
    std::string name, args, expect;
  };
  const Case cases[] = {
      {"missing file", "convert " + shellQuote((dir / "nope.obj").string()) + " -o " + out, "nope.obj: file not found"},
      {"corrupt mesh", "convert " + corrupt + " -o " + out, "bad_index.obj: corrupt mesh"},
      {"unknown CRS", "convert " + cube + " --crs EPSG:99999 --origin 0 0 0 -o " + out, "unknown CRS 'EPSG:99999'"},
      {"unwritable output", "convert " + cube + " -o " + shellQuote((dir / "no/such/dir/o.glb").string()),
       "no/such/dir/o.glb: cannot write"},
      {"info on a missing file", "info " + shellQuote((dir / "nope.obj").string()), "nope.obj: file not found"},
  };
  for (const auto& c : cases) {
    INFO(c.name << ": " << c.args);
    auto r = run(cim(c.args));
    INFO("stderr: " << r.err);
    CHECK(r.exitCode == 1);
    CHECK(lineCount(r.err) == 1);
    CHECK_THAT(r.err, StartsWith("cim: error: ") && Contains(c.expect));
  }
  CHECK_FALSE(std::filesystem::exists(dir / "o.glb"));
}

TEST_CASE("info keeps going over several files and reports each", "[cli]") {
  TempDir dir;
  cimtest::writeFile(dir / "cube.obj", cimtest::cubeObj());
  auto r = run(cim("info --json " + shellQuote((dir / "cube.obj").string()) + " " +
                   shellQuote((dir / "gone.obj").string())));
  CHECK(r.exitCode == 1);
  REQUIRE(lineCount(r.out) == 2);
  auto second = nlohmann::json::parse(r.out.substr(r.out.find('\n') + 1));
  CHECK(second["error"]["name"] == "FileNotFound");
  auto first = nlohmann::json::parse(r.out.substr(0, r.out.find('\n')));
  CHECK(first["triangles"] == 12);
}

TEST_CASE("Usage errors give exit code 2", "[cli]") {
  for (const char* args : {"", "frobnicate", "convert", "convert a.obj", "convert a.obj -o x.glb --origin 1 2",
                           "convert a.obj -o x.glb --up-axis w", "info", "--no-such-flag",
                           "tiles a.obj -o d --memory -5", "tiles a.obj -o d --memory many", "tiles -o d",
                           "tiles a.obj --store s.gpkg -o d", "tiles a.obj -o d --as-of 2",
                           "store update s.gpkg a.csv --partial --replace-all"}) {
    INFO(args);
    auto r = run(cim(args));
    CHECK(r.exitCode == 2);
    CHECK_FALSE(r.err.empty());
  }
}

TEST_CASE("The bundled sample converts and validates", "[cli][sample]") {
  TempDir dir;
  const auto sample = cimtest::sourceDir() / "data/hangzhou/pump_station.obj";
  REQUIRE(std::filesystem::exists(sample));
  auto r = run(cim("convert " + shellQuote(sample.string()) +
                   " --crs EPSG:4549+5737 --origin 515398.97 3347837.87 8.2 -o " + shellQuote((dir / "s.glb").string())));
  INFO(r.err);
  REQUIRE(r.exitCode == 0);
  auto report = cimtest::validateGltf(dir / "s.glb");
  INFO(report.dump());
  CHECK(report["errors"] == 0);
  auto j = cimtest::readGlbJson(dir / "s.glb");
  std::set<std::string> names;
  for (const auto& n : j["nodes"]) names.insert(n.value("name", ""));
  CHECK(names.count("FoundationSlab") == 1);
  CHECK(names.count("Roof") == 1);
}

TEST_CASE("cim convert of every shared IFC writes a GLB that glTF-Validator accepts", "[cli][ifc][shared]") {
  TempDir out;
  for (const auto& path : cimtest::sharedFiles("ifc", ".ifc")) {
    const std::string name = path.stem().string();
    INFO(name);
    // Per-element nodes for most; --merge (one mesh, EXT_mesh_features) for the largest, as the tiler will write it.
    const bool merge = name == "Office_A_20110811" || name == "ISSUE_021_Mini_Project";
    const auto glb = out / (name + ".glb");
    auto r = run(cim("convert " + shellQuote(path.string()) + (merge ? " --merge" : "") + " -o " +
                     shellQuote(glb.string())));
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    auto report = cimtest::validateGltf(glb);
    INFO(report.dump());
    CHECK(report["errors"] == 0);
  }
}

TEST_CASE("cim tiles writes the bundled sample as one tileset per layer and replaces it only with --overwrite",
          "[cli][tiles]") {
  TempDir dir;
  const auto sample = cimtest::sourceDir() / "data/hangzhou";
  const std::string inputs = shellQuote((sample / "pump_station.ifc").string()) + " " +
                             shellQuote((sample / "pipe_lines.csv").string()) + " " +
                             shellQuote((sample / "dem.tif").string()) + " " +
                             shellQuote((sample / "site_features.geojson").string());
  const auto out = dir / "out";
  const std::string command = cim("tiles " + inputs + " --crs EPSG:4549+5737 --max-triangles 20000 -o " +
                                  shellQuote(out.string()));
  auto r = run(command);
  INFO(r.out << r.err);
  REQUIRE(r.exitCode == 0);
  CHECK_THAT(r.out, Contains("tileset.json") && Contains("index.json"));
  std::ifstream in(out / "index.json");
  const auto index = nlohmann::json::parse(in);
  CHECK(index["crs"] == "EPSG:4549+5737");
  CHECK(index["tilesets"].size() >= 3);  // BIM, pipes, terrain (+ site)
  for (const auto& t : index["tilesets"]) {
    INFO(t.dump());
    REQUIRE(std::filesystem::exists(out / t["uri"].get<std::string>()));
    CHECK(t["triangles"].get<std::size_t>() > 0);
    std::ifstream ts(out / t["uri"].get<std::string>());
    const auto tileset = nlohmann::json::parse(ts);
    CHECK(tileset["asset"]["version"] == "1.1");
    // The first content tile of each tileset passes glTF-Validator.
    std::function<std::string(const nlohmann::json&)> firstContent = [&](const nlohmann::json& tile) -> std::string {
      if (tile.contains("content")) return tile["content"]["uri"];
      for (const auto& c : tile.value("children", nlohmann::json::array()))
        if (auto u = firstContent(c); !u.empty()) return u;
      return {};
    };
    const auto uri = firstContent(tileset["root"]);
    REQUIRE_FALSE(uri.empty());
    const auto report = cimtest::validateGltf((out / t["uri"].get<std::string>()).parent_path() / uri);
    INFO(report.dump());
    CHECK(report["errors"] == 0);
  }

  auto again = run(command);
  CHECK(again.exitCode == 1);
  CHECK_THAT(again.err, Contains("overwrite"));
  auto replaced = run(command + " --overwrite");
  INFO(replaced.err);
  CHECK(replaced.exitCode == 0);
}
