// The user's path through the CLI (README and --help only, real files): one set of load options on every command,
// metadata through a GLB round trip, messages that say what to do, exit codes, grouped diagnostics, progress, and
// published output without the producer's folders.
#include <algorithm>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <set>

#include <catch2/catch.hpp>

#include "support/test_support.h"
#include "support/tileset.h"

using cimtest::run;
using cimtest::shellQuote;
using cimtest::TempDir;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::string cli(const std::string& args) { return shellQuote(CIM_CLI_PATH) + " " + args; }
std::string q(const fs::path& p) { return shellQuote(p.string()); }
std::size_t lineCount(const std::string& s) { return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n')); }
std::size_t occurrences(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (auto at = s.find(what); at != std::string::npos; at = s.find(what, at + what.size())) ++n;
  return n;
}

// The sample's CRS member (GeoJSON's default is WGS 84).
const std::string kCrs4549 = R"("crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4549"}},)";

fs::path sample() { return cimtest::sourceDir() / "data/hangzhou"; }
fs::path fzkHaus() { return cimtest::sharedDataDir() / "ifc/AC20-FZK-Haus.ifc"; }

// The pump station IFC without its IfcMapConversion: a local model a user places with --crs/--origin/--rotation.
fs::path localIfc(const TempDir& dir) {
  std::ifstream in(sample() / "pump_station.ifc");
  std::ofstream out(dir / "local.ifc");
  for (std::string line; std::getline(in, line);)
    if (line.find("IFCMAPCONVERSION") == std::string::npos) out << line << "\n";
  return dir / "local.ifc";
}

// guid -> {"class", "name", "properties": {name: value}} from `cim info --elements --json`.
std::map<std::string, json> describedElements(const std::string& args) {
  auto r = run(cli("info --elements --json " + args));
  INFO(r.err);
  REQUIRE(r.exitCode == 0);
  std::map<std::string, json> out;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    const json e = json::parse(line);
    out[e["guid"].get<std::string>()] = e;
  }
  return out;
}

// guid -> {"class", "name", "properties": {attribute name: value}} from every leaf tile of every tileset in `dir`.
std::map<std::string, json> tiledElements(const fs::path& dir) {
  std::map<std::string, json> out;
  const json index = cimtest::readJson(dir / "index.json");
  for (const auto& t : index["tilesets"]) {
    const fs::path tilesetPath = dir / t["uri"].get<std::string>();
    for (const auto& tile : cimtest::walk(cimtest::readJson(tilesetPath))) {
      if (tile.contentUri.empty() || tile.children > 0) continue;
      const cimtest::Glb g = cimtest::readGlb(tilesetPath.parent_path() / tile.contentUri);
      const auto& ext = g.doc["extensions"]["EXT_structural_metadata"];
      const auto& props = ext["schema"]["classes"]["element"]["properties"];
      const std::size_t rows = ext["propertyTables"][0]["count"];
      for (std::size_t row = 0; row < rows; ++row) {
        const json guid = cimtest::propertyValue(g, "guid", row);
        if (!guid.is_string()) continue;
        json e;
        e["class"] = cimtest::propertyValue(g, "class", row);
        e["name"] = cimtest::propertyValue(g, "name", row);
        e["properties"] = json::object();
        for (auto it = props.begin(); it != props.end(); ++it) {
          const json v = cimtest::propertyValue(g, it.key(), row);
          if (!v.is_null()) e["properties"][it.value()["name"].get<std::string>()] = v;
        }
        out[guid.get<std::string>()] = e;
      }
    }
  }
  return out;
}

// Every GUID of `expected` is in `got` with its class, name and every property value (numbers to 1e-6 relative,
// booleans also as the tiles' text where a property mixes types). Returns the values compared.
std::size_t compareElements(const std::map<std::string, json>& expected, const std::map<std::string, json>& got) {
  std::size_t compared = 0;
  for (const auto& [guid, e] : expected) {
    INFO("element " << guid << " " << e["class"]);
    REQUIRE(got.count(guid) == 1);
    const json& g = got.at(guid);
    CHECK(g["class"] == e["class"]);
    CHECK((g["name"] == e["name"] || (e["name"] == "" && g["name"].is_null())));
    for (auto it = e["properties"].begin(); it != e["properties"].end(); ++it) {
      if (it.key() == "Storey" || it.value().is_null()) continue;
      INFO(it.key() << " = " << it.value().dump());
      if (it.value() == "" && !g["properties"].contains(it.key())) continue;  // "" is the tiles' noData
      REQUIRE(g["properties"].contains(it.key()));
      const json& v = g["properties"][it.key()];
      if (it.value().is_number() && v.is_number())
        CHECK(v.get<double>() == Approx(it.value().get<double>()).epsilon(1e-6));
      else if (it.value().is_string() && it.value() == "")
        CHECK((v == "" || v.is_null()));
      else if (!v.is_string() || it.value().is_string())
        CHECK(v == it.value());
      else  // a property of mixed types across the layer is written as text
        CHECK(v.get<std::string>() == (it.value().is_string() ? it.value().get<std::string>() : it.value().dump()));
      ++compared;
    }
  }
  return compared;
}

}  // namespace

TEST_CASE("Every command that loads takes the same load options", "[cli][options]") {
  const char* flags[] = {"--crs",        "--origin", "--rotation",  "--up-axis",   "--scale",
                         "--input-crs",  "--points", "--field-mapping", "--pipe-type", "--max-error"};
  for (const char* command : {"info", "convert", "tiles", "clash", "near", "check"}) {
    auto h = run(cli(std::string(command) + " --help"));
    INFO(command << ":\n" << h.out);
    REQUIRE(h.exitCode == 0);
    for (const char* flag : flags) {
      INFO(flag);
      CHECK(h.out.find(std::string(flag) + " ") != std::string::npos);
    }
  }
}

TEST_CASE("cim tiles of a local IFC placed with --rotation 30 keeps every GUID and property", "[cli][options][tiles]") {
  TempDir dir;
  const fs::path ifc = localIfc(dir);
  const std::string place = " --crs EPSG:4549+5737 --origin 515450 3347848 8.35";
  auto r0 = run(cli("tiles " + q(ifc) + place + " -o " + q(dir / "r0")));
  INFO(r0.err);
  REQUIRE(r0.exitCode == 0);
  auto r30 = run(cli("tiles " + q(ifc) + place + " --rotation 30 -o " + q(dir / "r30")));
  INFO(r30.err);
  REQUIRE(r30.exitCode == 0);

  // The rotation reached the tiles: the model's footprint (an axis-aligned building) turns by 30 degrees, so the
  // corners of its tiles' content move; compare the first leaf box centre's distance from the origin's, and the
  // orientation of the root box.
  auto rootBox = [&](const fs::path& d) {
    const json index = cimtest::readJson(d / "index.json");
    const auto tiles = cimtest::walk(cimtest::readJson(d / index["tilesets"][0]["uri"].get<std::string>()));
    return tiles.front();
  };
  const auto a = rootBox(dir / "r0"), b = rootBox(dir / "r30");
  const Eigen::Matrix3d axesA = a.transform.topLeftCorner<3, 3>() * a.boxHalfAxes;
  const Eigen::Matrix3d axesB = b.transform.topLeftCorner<3, 3>() * b.boxHalfAxes;
  CHECK((axesA - axesB).norm() > 0.1);

  // Every GUID and property of the model (as info describes it with the same placement) is in the tiles.
  const auto expected = describedElements(q(ifc) + place + " --rotation 30");
  REQUIRE(expected.size() >= 5);
  const auto tiled = tiledElements(dir / "r30");
  CHECK(compareElements(expected, tiled) > 20);
}

TEST_CASE("A libcim GLB keeps GUIDs, classes and properties through info --elements and tiles", "[cli][glb]") {
  TempDir dir;
  const fs::path glb = dir / "haus.glb";
  auto c = run(cli("convert " + q(fzkHaus()) + " -o " + q(glb)));
  INFO(c.err);
  REQUIRE(c.exitCode == 0);

  const auto fromIfc = describedElements(q(fzkHaus()));
  const auto fromGlb = describedElements(q(glb));
  // Elements with triangles are in the GLB (the IFC also lists spatial elements without geometry).
  std::map<std::string, json> drawn;
  for (const auto& [guid, e] : fromIfc)
    if (e["triangles"].get<std::size_t>() > 0) drawn[guid] = e;
  REQUIRE(drawn.size() > 50);
  CHECK(fromGlb.size() == drawn.size());
  CHECK(compareElements(drawn, fromGlb) > 500);

  auto t = run(cli("tiles " + q(glb) + " -o " + q(dir / "tiles")));
  INFO(t.err);
  REQUIRE(t.exitCode == 0);
  CHECK(compareElements(drawn, tiledElements(dir / "tiles")) > 500);

  // A merged GLB cannot give its elements back: said, not silent.
  auto m = run(cli("convert " + q(fzkHaus()) + " --merge -o " + q(dir / "merged.glb")));
  REQUIRE(m.exitCode == 0);
  auto i = run(cli("info " + q(dir / "merged.glb")));
  CHECK_THAT(i.out + i.err, Contains("written merged (--merge)"));
}

TEST_CASE("Messages say what was wrong and what to do", "[cli][messages]") {
  TempDir dir;
  cimtest::writeFile(dir / "cube.obj", cimtest::cubeObj());
  const std::string cube = q(dir / "cube.obj");

  SECTION("an unknown command names itself and the commands") {
    auto r = run(cli("frobnicate x.ifc"));
    CHECK(r.exitCode == 2);
    CHECK_THAT(r.err, Contains("unknown command 'frobnicate'") && Contains("info, convert, tiles"));
  }
  SECTION("an unknown CRS code says it is not in PROJ's database and how to find one") {
    auto r = run(cli("convert " + cube + " --crs EPSG:99999 --origin 0 0 0 -o " + q(dir / "o.glb")));
    CHECK(r.exitCode == 1);
    CHECK(lineCount(r.err) == 1);
    CHECK_THAT(r.err, Contains("EPSG has no CRS with code 99999") && Contains("projinfo") &&
                          !Contains("Unknown error"));
    auto a = run(cli("convert " + cube + " --crs NOSUCH:4549 --origin 0 0 0 -o " + q(dir / "o.glb")));
    CHECK_THAT(a.err, Contains("authority 'NOSUCH' is not in PROJ's database"));
  }
  SECTION("a geographic scene CRS is refused, naming projected ones") {
    // In degrees a model would collapse to 0 x 0 m.
    auto r = run(cli("convert " + cube + " --crs EPSG:4326 --origin 120.16 30.25 0 -o " + q(dir / "o.glb")));
    CHECK(r.exitCode == 1);
    CHECK(lineCount(r.err) == 1);
    CHECK_THAT(r.err, Contains("geographic") && Contains("EPSG:4549") && Contains("UTM") && Contains("--crs"));
    CHECK_FALSE(fs::exists(dir / "o.glb"));
  }
  SECTION("a CRS name PROJ cannot resolve lists the closest names with their codes") {
    auto r = run(cli("convert " + cube + " --crs " + shellQuote("CGCS2000 / 3-degree Gauss-Kruger CM 120X") +
                     " --origin 0 0 0 -o " + q(dir / "o.glb")));
    CHECK(r.exitCode == 1);
    CHECK_THAT(r.err, Contains("EPSG:4549"));
  }
  SECTION("the output folder is refused before the inputs are read, naming --overwrite") {
    auto first = run(cli("tiles " + cube + " --crs EPSG:4549+5737 --origin 515450 3347848 8 -o " + q(dir / "t")));
    REQUIRE(first.exitCode == 0);
    // The input does not exist: were it read first, the error would be about it.
    auto again = run(cli("tiles " + q(dir / "missing.ifc") + " -o " + q(dir / "t")));
    CHECK(again.exitCode == 1);
    CHECK_THAT(again.err, Contains("--overwrite") && !Contains("missing.ifc"));
    fs::create_directories(dir / "foreign");
    cimtest::writeFile(dir / "foreign/keep.txt", "not ours");
    auto foreign = run(cli("tiles " + cube + " --crs EPSG:4549+5737 --origin 0 0 0 --overwrite -o " + q(dir / "foreign")));
    CHECK(foreign.exitCode == 1);
    CHECK(fs::exists(dir / "foreign/keep.txt"));
  }
  SECTION("tiles of a local model without a CRS names --crs and --origin") {
    auto r = run(cli("tiles " + cube + " -o " + q(dir / "nocrs")));
    CHECK(r.exitCode == 1);
    CHECK_THAT(r.err, Contains("--crs") && Contains("--origin") && !Contains("LoadOptions"));
  }
  SECTION("convert refuses an output that is not .glb or .gltf, before reading") {
    auto r = run(cli("convert " + q(dir / "missing.ifc") + " -o " + q(dir / "x.obj")));
    CHECK(r.exitCode == 1);
    CHECK_THAT(r.err, Contains(".glb") && Contains(".gltf") && Contains("x.obj") && !Contains("missing.ifc"));
    CHECK_FALSE(fs::exists(dir / "x.obj"));
  }
  SECTION("library messages reach the user as flags") {
    auto r = run(cli("info " + q(fzkHaus()) + " --crs EPSG:25832 --origin 458870 5438780 110 --json"));
    REQUIRE(r.exitCode == 0);
    const json j = json::parse(r.out);
    bool said = false;
    for (const auto& d : j["diagnostics"])
      said = said || d["message"].get<std::string>().find("LoadOptions::origin overrides") != std::string::npos;
    CHECK(said);  // the library's words in the machine-readable record
    auto text = run(cli("info " + q(fzkHaus()) + " --crs EPSG:25832 --origin 458870 5438780 110 --verbose"));
    CHECK_THAT(text.out + text.err, Contains("--origin overrides") && !Contains("LoadOptions::"));
  }
}

TEST_CASE("cim info --crs says a georeferenced file in that CRS", "[cli][info]") {
  auto own = run(cli("info --json " + q(fzkHaus())));
  REQUIRE(own.exitCode == 0);
  const json a = json::parse(own.out);
  auto utm = run(cli("info --json --crs EPSG:25832 " + q(fzkHaus())));
  INFO(utm.err);
  REQUIRE(utm.exitCode == 0);
  const json b = json::parse(utm.out);
  CHECK(b["crs"] == "EPSG:25832");
  // IfcSite puts the house at 49.1004° N 8.4365° E: UTM 32N easting ~458,870 m, northing ~5,438,780 m.
  CHECK(b["bounds"]["min"][0].get<double>() == Approx(458858).margin(50));
  CHECK(b["bounds"]["min"][1].get<double>() == Approx(5438769).margin(50));
  // Same place, same size (a conformal projection this close to the central meridian keeps 24 m within 1 cm).
  for (int k = 0; k < 2; ++k)
    CHECK(b["bounds"]["max"][k].get<double>() - b["bounds"]["min"][k].get<double>() ==
          Approx(a["bounds"]["max"][k].get<double>() - a["bounds"]["min"][k].get<double>()).margin(0.5));
  CHECK(b["centerWgs84"][0].get<double>() == Approx(a["centerWgs84"][0].get<double>()).margin(1e-6));
  CHECK(b["centerWgs84"][1].get<double>() == Approx(a["centerWgs84"][1].get<double>()).margin(1e-6));
  // --elements with --crs: boxes in that CRS too.
  const auto elements = describedElements("--crs EPSG:25832 " + q(fzkHaus()));
  for (const auto& [guid, e] : elements)
    if (!e["bbox"].is_null()) CHECK(e["bbox"]["min"][0].get<double>() > 400000);
}

TEST_CASE("cim info counts errors and exits 1 when an input had one", "[cli][info][exit]") {
  TempDir dir;
  cimtest::writeFile(dir / "site.geojson", R"({"type":"FeatureCollection",)" + kCrs4549 + R"("features":[
    {"type":"Feature","properties":{"kind":"borehole","id":"B1","top":8.0,"depth":20.0},
     "geometry":{"type":"Point","coordinates":[515450,3347848]}},
    {"type":"Feature","properties":{"kind":"no-such-kind","id":"X"},
     "geometry":{"type":"Point","coordinates":[515460,3347848]}}]})");
  auto r = run(cli("info --crs EPSG:4549+5737 " + q(dir / "site.geojson")));
  INFO(r.out << r.err);
  CHECK(r.exitCode == 1);
  CHECK_THAT(r.out, Contains("1 error(s)") && Contains("no-such-kind"));
  auto clean = run(cli("info " + q(sample() / "pump_station.ifc")));
  CHECK(clean.exitCode == 0);
  CHECK_THAT(clean.out, Contains("0 error(s)"));
}

TEST_CASE("Repeated diagnostics are grouped and each file is named once", "[cli][noise]") {
  TempDir dir;
  // Twelve site features of a kind nobody knows: twelve error-level findings of one code in one file.
  std::string features;
  for (int i = 0; i < 12; ++i)
    features += std::string(i ? "," : "") + R"({"type":"Feature","properties":{"kind":"no-such-kind","id":"X)" +
                std::to_string(i) + R"("},"geometry":{"type":"Point","coordinates":[515450,3347848]}})";
  features += R"(,{"type":"Feature","properties":{"kind":"borehole","id":"B1","top":8.0,"depth":20.0},
     "geometry":{"type":"Point","coordinates":[515450,3347848]}})";
  cimtest::writeFile(dir / "site.geojson", R"({"type":"FeatureCollection",)" + kCrs4549 + R"("features":[)" + features + "]}");
  const std::string inputs = q(dir / "site.geojson") + " " + q(sample() / "pipe_lines.csv");
  auto r = run(cli("convert " + inputs + " --crs EPSG:4549+5737 -o " + q(dir / "o.glb")));
  INFO(r.err);
  REQUIRE(r.exitCode == 0);
  CHECK_THAT(r.err, Contains("12 x SiteFeatureSkipped") && Contains("--verbose"));
  CHECK(occurrences(r.err, (dir / "site.geojson").string()) == 1);
  CHECK(occurrences(r.err, (sample() / "pipe_lines.csv").string()) == 1);
  CHECK(lineCount(r.err) < 10);
  auto verbose = run(cli("convert " + inputs + " --crs EPSG:4549+5737 --verbose -o " + q(dir / "o2.glb")));
  CHECK(occurrences(verbose.err, "no-such-kind") + occurrences(verbose.err, "X11") >= 1);
  CHECK(lineCount(verbose.err) > 12);
  // The approximate 1985-height transformation is a note said once per run, not a warning per input.
  auto info = run(cli("info --crs EPSG:4549+5737 " + q(sample() / "pipe_lines.csv") + " " +
                      q(sample() / "site_features.geojson") + " " + q(sample() / "pump_station.ifc")));
  CHECK(occurrences(info.out + info.err, "approximate") <= 1);
  CHECK(occurrences(info.out + info.err, "warning: transformation") == 0);
}

TEST_CASE("Long stages show progress on a terminal", "[cli][progress]") {
  TempDir dir;
  const fs::path big = cimtest::sharedDataDir() / "ifc/AC20-FZK-Haus.ifc";
  // `script` gives the command a terminal; the bar is drawn on stderr, which script copies into its output.
  auto info = run("script -qec " + shellQuote(cli("info " + q(big))) + " /dev/null");
  CHECK_THAT(info.out, Contains("%") && Contains("ifc"));
  auto tiles = run("script -qec " + shellQuote(cli("tiles " + q(big) + " -o " + q(dir / "t"))) + " /dev/null");
  CHECK_THAT(tiles.out, Contains("tiling") && Contains("tiles"));
  // Not on a pipe: no bar in captured output.
  auto piped = run(cli("info " + q(big)));
  CHECK(piped.err.find('%') == std::string::npos);
}

TEST_CASE("No output of the bundled demo holds the folder it was made in", "[cli][paths][sample]") {
  TempDir dir;
  // What scripts/demo.sh gives: the station, terrain, pipes, site features, the buildings and their register.
  const std::string inputs = q(sample() / "pump_station.ifc") + " " + q(sample() / "dem.tif") + " " +
                             q(sample() / "pipe_lines.csv") + " " + q(sample() / "site_features.geojson") + " " +
                             q(sample() / "buildings_footprints.geojson") + " " + q(sample() / "buildings.city.json") +
                             " " + q(sample() / "buildings.gml") + " --join " + q(sample() / "building_register.csv") +
                             " --on guid=建筑编号";
  auto c = run(cli("convert " + inputs + " --crs EPSG:4549+5737 -o " + q(dir / "demo.glb")));
  REQUIRE(c.exitCode == 0);
  auto t = run(cli("tiles " + inputs + " --crs EPSG:4549+5737 -o " + q(dir / "tiles")));
  REQUIRE(t.exitCode == 0);
  std::size_t files = 0;
  const std::string made = fs::canonical(dir.path()).string(), from = fs::canonical(sample()).string();
  const std::string source = fs::canonical(cimtest::sourceDir()).string();
  for (const auto& entry : fs::recursive_directory_iterator(dir.path())) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), {});
    INFO(entry.path().string());
    CHECK(bytes.find(made) == std::string::npos);
    CHECK(bytes.find(from) == std::string::npos);
    CHECK(bytes.find(source) == std::string::npos);
    ++files;
  }
  CHECK(files > 5);
  // The file name stays: a clicked pipe still says which table it came from.
  std::size_t named = 0;
  for (const auto& [guid, e] : tiledElements(dir / "tiles"))
    if (e["properties"].value("pipe.source", std::string()) == "pipe_lines.csv") ++named;
  CHECK(named > 10);
}

TEST_CASE("cim info names an IFC's length unit", "[cli][info][units]") {
  // A millimetre file (its IfcSIUnit has the prefix MILLI): said as MILLIMETRE, not METRE.
  const fs::path mm = cimtest::sharedDataDir() / "ifc/ISSUE_021_Mini_Project.ifc";
  auto text = run(cli("info " + q(mm)));
  REQUIRE(text.exitCode == 0);
  CHECK_THAT(text.out, Contains("units:     MILLIMETRE (0.001 m)"));
  auto js = run(cli("info --json " + q(mm)));
  const json j = json::parse(js.out);
  CHECK(j["lengthUnit"]["name"] == "MILLIMETRE");
  CHECK(j["lengthUnit"]["meters"].get<double>() == Approx(0.001));
  auto m = run(cli("info --json " + q(sample() / "pump_station.ifc")));
  CHECK(json::parse(m.out)["lengthUnit"]["name"] == "METRE");
}
