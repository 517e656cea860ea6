// io/formats: the one table of input formats. Which format reads a file is decided once, from one sniff, for every
// command; a file that two readers could take is read the same way by `cim info` and `cim convert`.
#include <filesystem>
#include <map>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cim/app/info.h"
#include "cim/app/load.h"
#include "cim/io/formats.h"
#include "support/pipe_tables.h"
#include "support/test_support.h"

using namespace cim;
using cimtest::TempDir;
namespace fs = std::filesystem;

namespace {

// A CJJ 61 gas line table whose file name also names a site kind ("pit"), with a WKT column the site reader can
// place: both the pipe reader (S_Exp, E_Exp) and the site reader (file name) accept it. Depths are given so the
// pipe reader could build it too.
void writeAmbiguousCsv(const fs::path& path) {
  cimtest::writeFile(path,
                     "S_Exp,E_Exp,S_Deep,E_Deep,PSize,Type,top,depth,WKT\n"
                     "P1,P2,1.2,1.2,200,RQ,10.0,3.0,\"POLYGON((515400 3347840,515410 3347840,515410 3347850,"
                     "515400 3347850,515400 3347840))\"\n");
}

// The kinds of a scene's elements, counted.
std::map<std::string, std::size_t> kindsOf(const model::Scene& s) {
  std::map<std::string, std::size_t> kinds;
  s.forEachElement([&](const model::Layer&, const model::Element& e) { ++kinds[e.kind]; });
  return kinds;
}

// Load options a shared input needs (the EPANET/SWMM files carry no CRS).
app::LoadOptions optionsFor(const fs::path& p) {
  app::LoadOptions o;
  const std::string name = p.filename().string();
  if (name == "ky4.inp") o.inputCrs = "EPSG:3547", o.crs = "EPSG:32616";
  if (name.rfind("swmm", 0) == 0) o.inputCrs = "EPSG:2817", o.crs = "EPSG:32618";
  return o;
}

}  // namespace

TEST_CASE("The format table sniffs a file once and names the first format that accepts it", "[io][formats]") {
  TempDir dir;
  cimtest::writeFile(dir / "cube.obj", cimtest::cubeObj());
  cimtest::writeGasCsv(dir.path());
  writeAmbiguousCsv(dir / "pit_lines.csv");
  cimtest::writeFile(dir / "works.geojson",
                     R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"kind":"sensor",)"
                     R"("elevation":5},"geometry":{"type":"Point","coordinates":[515400,3347840]}}]})");
  cimtest::writeFile(dir / "sewer.inp", "[JUNCTIONS]\nJ1 10 2\n[CONDUITS]\nC1 J1 J2 100 0.01\n");
  cimtest::writeFile(dir / "water.inp", "[JUNCTIONS]\nJ1 10\n[PIPES]\nP1 J1 J2 100 6 100\n");
  cimtest::writeFile(dir / "notes.xyz", "not a format libcim reads\n");
  struct Row {
    fs::path file;
    const char* id;
    const char* name;
  };
  const Row rows[] = {
      {dir / "cube.obj", "mesh", "Wavefront OBJ"},
      {cimtest::sourceDir() / "data/hangzhou/pump_station.ifc", "ifc", "IFC (STEP)"},
      {cimtest::sourceDir() / "data/hangzhou/dem.tif", "terrain", "GeoTIFF raster DEM"},
      {cimtest::sourceDir() / "data/hangzhou/pipe_lines.csv", "pipes", "CSV"},
      {cimtest::sourceDir() / "data/hangzhou/site_features.geojson", "site", "GeoJSON site features"},
      {cimtest::sourceDir() / "data/hangzhou/buildings.gml", "citygml", "CityGML 2.0"},
      {cimtest::sourceDir() / "data/hangzhou/buildings.city.json", "cityjson", "CityJSON 2.0"},
      {cimtest::sourceDir() / "data/hangzhou/buildings_footprints.geojson", "footprints", "GeoJSON building footprints"},
      {dir / "RQ_LINE.csv", "pipes", "CSV"},
      {dir / "RQ_POINT.csv", "pipes", "CSV"},
      {dir / "works.geojson", "site", "GeoJSON site features"},
      {dir / "pit_lines.csv", "site", "CSV site features"},  // both readers accept it: site features come first
      {dir / "sewer.inp", "pipes", "SWMM input (.inp)"},
      {dir / "water.inp", "pipes", "EPANET input (.inp)"},
      {dir / "notes.xyz", "mesh", "xyz"},  // nothing else takes it: the mesh reader says why it cannot
      {dir / "absent.geojson", "mesh", "GeoJSON"},
  };
  for (const auto& r : rows) {
    INFO(r.file.string());
    const io::Sniff sniff = io::sniffFile(r.file);
    const io::Format& format = io::formatFor(sniff);
    CHECK(format.id == r.id);
    CHECK(format.name(sniff) == r.name);
    CHECK(app::formatName(r.file) == r.name);
  }
  // The table's order decides between formats sharing an extension; meshes are last and take the rest.
  std::vector<std::string_view> ids;
  for (const auto& f : io::formats()) ids.push_back(f.id);
  CHECK(ids == std::vector<std::string_view>{"ifc", "citygml", "cityjson", "site", "pipes", "footprints", "terrain", "mesh"});
  CHECK(io::formatsHelp().find("EPANET/SWMM (.inp)") != std::string::npos);
}

TEST_CASE("cim info and cim convert read every bundled and shared input with the same reader", "[io][formats][shared]") {
  TempDir dir;
  std::vector<fs::path> inputs;
  for (const auto& e : fs::directory_iterator(cimtest::sourceDir() / "data/hangzhou"))
    if (e.path().extension() != ".md" && e.path().extension() != ".json" && e.path().extension() != ".mtl")
      inputs.push_back(e.path());
  writeAmbiguousCsv(dir / "pit_lines.csv");
  inputs.push_back(dir / "pit_lines.csv");
  for (const char* category : {"ifc", "dem", "pipes", "citygml", "cityjson"})
    if (fs::exists(cimtest::sharedDataDir() / category))
      for (const auto& e : fs::directory_iterator(cimtest::sharedDataDir() / category)) inputs.push_back(e.path());
  std::sort(inputs.begin(), inputs.end());
  std::size_t read = 0, refused = 0;
  for (const auto& p : inputs) {
    INFO(p.string());
    const auto options = optionsFor(p);
    auto loaded = app::loadScene({p}, options);   // what convert and tiles read
    auto described = app::info(p, options);       // what info reads
    REQUIRE(loaded.ok() == described.ok());
    if (!loaded.ok()) {
      // Refused alike, for the same reason.
      CHECK(loaded.error()->code == described.error()->code);
      ++refused;
      continue;
    }
    ++read;
    CHECK(described->format == app::formatName(p));
    CHECK(described->elements == loaded->elementCount());
    CHECK(described->triangles == loaded->triangleCount());
    if (described->schema.empty()) CHECK(described->classes == kindsOf(loaded.value()));  // IFC lists products
  }
  CHECK(read >= 30);
  INFO(refused << " inputs refused by both");

  // The ambiguous table from the command line: both commands take it as site features (a pit), not as a pipe.
  const std::string csv = cimtest::shellQuote((dir / "pit_lines.csv").string());
  const std::string cim = cimtest::shellQuote(CIM_CLI_PATH);
  auto info = cimtest::run(cim + " info --json " + csv + " --crs EPSG:4549");
  REQUIRE(info.exitCode == 0);
  const auto j = nlohmann::json::parse(info.out);
  CHECK(j["format"] == "CSV site features");
  CHECK(j["classes"] == nlohmann::json({{"excavation", 1}}));
  auto convert = cimtest::run(cim + " convert " + csv + " --crs EPSG:4549 -o " +
                              cimtest::shellQuote((dir / "pit.glb").string()));
  REQUIRE(convert.exitCode == 0);
  const auto glb = cimtest::readGlbJson(dir / "pit.glb");
  REQUIRE(glb["nodes"].size() >= 1);
  bool pit = false;
  for (const auto& n : glb["nodes"])
    if (n.contains("extras") && n["extras"].value("class", "") == "excavation") pit = true;
  CHECK(pit);
}
