// 3D Tiles metadata (metadata.cpp): property ids, and each tile's property table (EXT_structural_metadata) against
// the elements' own attributes, against `cim info --elements` and against the input files' text.

#include <sstream>

#include <catch2/catch.hpp>

#include "cim/export/tiles3d.h"
#include "cim/io/ifc.h"
#include "support/glb.h"
#include "support/test_scenes.h"
#include "support/test_support.h"
#include "support/tileset.h"

using namespace cim;
using namespace cimtest;
using nlohmann::json;
namespace fs = std::filesystem;

TEST_CASE("tiles3d propertyId keeps identifier characters only", "[tiles]") {
  CHECK(tiles3d::propertyId("Pset_WallCommon.FireRating") == "Pset_WallCommon_FireRating");
  CHECK(tiles3d::propertyId("3D view") == "_3D_view");
  CHECK(tiles3d::propertyId("管径 (mm)") == "u7ba1_u5f84_mm_");
  CHECK(tiles3d::propertyId("管径") == "u7ba1_u5f84");
  CHECK(tiles3d::propertyId("起点埋深") == "u8d77_u70b9_u57cb_u6df1");
  CHECK(tiles3d::propertyId("Pset.管径") == "Pset_u7ba1_u5f84");
  CHECK(tiles3d::propertyId("管a") == "u7ba1_a");
  CHECK(tiles3d::propertyId("\xF0\x9F\x98\x80") == "u1f600");  // outside the BMP
  CHECK(tiles3d::propertyId(std::string("a\xFF")) == "a_xff");   // not UTF-8
  CHECK(tiles3d::propertyId("...") == "_");
}

TEST_CASE("3D Tiles metadata: the pump station's property table holds each element's attributes", "[tiles]") {
  auto ifc = io::readIfc(cimtest::sourceDir() / "data/hangzhou/pump_station.ifc");
  REQUIRE(ifc.ok());
  const model::Scene& scene = ifc->scene;
  REQUIRE(scene.crs());
  TempDir dir;
  auto r = tiles3d::write(scene, dir / "out");
  REQUIRE(r.ok());
  REQUIRE(r->tilesets.size() == 1);
  const auto c = checkTileset(r->tilesets[0].tileset, scene, 100000, true);
  CHECK(c.maxErrorMeters < 1e-3);
  WARN("pump station: " << c.elements << " elements, " << c.vertices << " vertices in " << c.contentTiles
                        << " tiles, max round-trip error " << c.maxErrorMeters * 1000 << " mm");

  // Every element with triangles is in the table; for each, every attribute reads back equal (typed).
  std::size_t withTriangles = 0;
  scene.forEachElement([&](const model::Layer&, const model::Element& e) { withTriangles += e.triangleCount() > 0; });
  CHECK(c.elements == withTriangles);
  const auto [compared, asTextCount] = compareProperties(r->tilesets[0].tileset, scene);
  CHECK(compared > 20);
  WARN("pump station: " << compared << " attribute values compared, " << asTextCount << " of them as text (mixed types)");
}

TEST_CASE("3D Tiles metadata: a property has one id and one type in every tile, values read back typed", "[tiles]") {
  const model::Scene scene = cimtest::columnsAlongRoad();
  TempDir dir;
  tiles3d::WriteOptions options;
  options.maxTrianglesPerTile = 60;  // 5 columns per leaf
  auto four = tiles3d::write(scene, dir / "four", options);
  REQUIRE(four.ok());
  const auto [compared, asText] = compareProperties(four->tilesets[0].tileset, scene);
  CHECK(compared >= 60 * 3);
  CHECK(asText > 0);  // the mixed column
  // A property has one id and one type in every tile, whatever mix of elements a tile holds.
  {
    std::map<std::string, json> definition;  // id -> class property
    std::map<std::string, std::string> idOfName;
    std::map<std::string, json> noData;
    const fs::path tilesetPath = four->tilesets[0].tileset;
    for (const auto& t : walk(readJson(tilesetPath))) {
      if (t.contentUri.empty()) continue;
      const Glb g = readGlb(tilesetPath.parent_path() / t.contentUri);
      const auto& props = g.doc["extensions"]["EXT_structural_metadata"]["schema"]["classes"]["element"]["properties"];
      for (auto it = props.begin(); it != props.end(); ++it) {
        json d = it.value();
        if (d.contains("noData")) noData[it.key()] = d["noData"];
        d.erase("noData");  // present only where some element of the tile lacks the value
        auto [known, added] = definition.emplace(it.key(), d);
        INFO(it.key() << " in " << t.contentUri);
        CHECK(known->second == d);
        auto [named, first] = idOfName.emplace(d["name"], it.key());
        CHECK(named->second == it.key());
      }
    }
    CHECK(definition.at("Pset_ColumnCommon_IsExternal")["type"] == "ENUM");  // absent on 2 of 3 elements
    CHECK(definition.at("Pset_ColumnCommon_Flag")["type"] == "ENUM");  // element 17 lacks it
    CHECK(definition.at("Pset_ColumnCommon_Count")["componentType"] == "INT32");
    CHECK(noData.at("Pset_ColumnCommon_Count") == -2147483648);
    CHECK(definition.at("Big")["componentType"] == "INT64");  // one value beyond INT32
    CHECK(definition.at("Pset_ColumnCommon_Height")["componentType"] == "FLOAT64");
    CHECK(definition.at("Pset_ColumnCommon_Mixed")["type"] == "STRING");
    CHECK(idOfName.at("Note x") == "Note_x");
    CHECK(idOfName.at("Note.x") == "Note_x_2");
  }
}

namespace {

// The property table row of the element with this GUID in a leaf tile of the tileset, as {attribute name: value}
// (names from the schema; the fixed properties under "guid", "class", "name", "storey"); null when not found.
json tableRowOf(const fs::path& tilesetPath, const std::string& guid) {
  for (const auto& t : walk(readJson(tilesetPath))) {
    if (t.children > 0 || t.contentUri.empty()) continue;
    const Glb g = readGlb(tilesetPath.parent_path() / t.contentUri);
    const auto& ext = g.doc["extensions"]["EXT_structural_metadata"];
    const auto& props = ext["schema"]["classes"]["element"]["properties"];
    const std::size_t rows = ext["propertyTables"][0]["count"];
    for (std::size_t row = 0; row < rows; ++row) {
      if (propertyValue(g, "guid", row) != guid) continue;
      json out = json::object();
      for (auto it = props.begin(); it != props.end(); ++it) {
        const bool fixed = it.key() == "guid" || it.key() == "class" || it.key() == "name" || it.key() == "storey";
        out[fixed ? it.key() : it.value()["name"].get<std::string>()] = propertyValue(g, it.key(), row);
      }
      return out;
    }
  }
  return json();
}

// One JSON line of `cim info --elements --json` per element, by GUID.
std::map<std::string, json> infoElements(const std::string& args) {
  const auto r = cimtest::run(cimtest::shellQuote(CIM_CLI_PATH) + " info --elements --json " + args);
  REQUIRE(r.exitCode == 0);
  std::map<std::string, json> out;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);)
    if (!line.empty()) {
      auto j = json::parse(line);
      const std::string guid = j["guid"];
      out[guid] = std::move(j);
    }
  return out;
}

// The row agrees with the `cim info --elements` line: GUID, class, name, storey and every property (a property whose
// values differ in type between elements of a tile is written as text). Returns the number of properties compared.
std::size_t checkRowAgainstInfo(const json& row, const json& info) {
  REQUIRE(row.is_object());
  CHECK(row["guid"] == info["guid"]);
  CHECK(row["class"] == info["class"]);
  CHECK(row["name"] == info["name"]);
  CHECK(row["storey"] == info["storey"]);
  std::size_t compared = 0;
  for (const auto& [key, value] : info["properties"].items()) {
    if (key == "Storey") continue;
    INFO(key << ": table " << row.value(key, json()).dump() << ", cim info " << value.dump());
    REQUIRE(row.contains(key));
    const json& got = row[key];
    if (got.is_string() && !value.is_string()) {
      CHECK(got == (value.is_boolean() ? (value.get<bool>() ? "true" : "false") : value.dump()));
    } else if (value == "") {
      CHECK((got.is_null() || got == ""));  // "" is the string noData: an empty value reads as absent
    } else if (value.is_number_float()) {
      CHECK(got.get<double>() == value.get<double>());
    } else {
      CHECK(got == value);
    }
    ++compared;
  }
  return compared;
}

}  // namespace

TEST_CASE("cim tiles: sampled elements' table rows equal cim info --elements and the files' own values", "[tiles][cli]") {
  TempDir dir;
  const std::string cim = cimtest::shellQuote(CIM_CLI_PATH);
  const fs::path sample = cimtest::sourceDir() / "data/hangzhou";
  auto q = [](const fs::path& p) { return cimtest::shellQuote(p.string()); };

  // The bundled sample: BIM + terrain + pipes + site in one call, as the README runs it.
  const fs::path out = dir / "sample";
  auto tiled = cimtest::run(cim + " tiles " + q(sample / "pump_station.ifc") + " " + q(sample / "dem.tif") + " " +
                            q(sample / "pipe_lines.csv") + " " + q(sample / "site_features.geojson") +
                            " --crs EPSG:4549+5737 -o " + q(out));
  INFO(tiled.err);
  REQUIRE(tiled.exitCode == 0);
  const json index = readJson(out / "index.json");
  std::map<std::string, fs::path> tilesets;
  for (const auto& t : index["tilesets"]) tilesets[t["name"]] = out / t["uri"].get<std::string>();
  REQUIRE(tilesets.count("pipes"));
  REQUIRE(tilesets.count("pump_station.ifc"));

  // The gas main RQ1-RQ2, row 1 of pipe_lines.csv: "RQ1,RQ2,RQ,0.70,1.20,250,PE,0.3,,,,,ZM,2016,燃气公司,样例路"
  // (0.70: the sample's seeded cover defect).
  const auto pipes = infoElements(q(sample / "pipe_lines.csv") + " --crs EPSG:4549+5737");
  const auto gasMain = std::find_if(pipes.begin(), pipes.end(), [](const auto& p) { return p.second["name"] == "RQ1-RQ2"; });
  REQUIRE(gasMain != pipes.end());
  const json pipeRow = tableRowOf(tilesets["pipes"], gasMain->first);
  CHECK(checkRowAgainstInfo(pipeRow, gasMain->second) >= 30);
  CHECK(pipeRow["起点点号"] == "RQ1");
  CHECK(pipeRow["终点点号"] == "RQ2");
  CHECK(pipeRow["材质"] == "PE");
  CHECK(pipeRow["权属单位"] == "燃气公司");
  CHECK(pipeRow["pipe.typeCode"] == "RQ");
  CHECK(pipeRow["pipe.diameterMillimeters"] == 250.0);
  CHECK(pipeRow["pipe.pressureMPa"] == 0.3);
  CHECK(pipeRow["pipe.pressureClass"] == "medium A");  // 0.2 < 0.3 <= 0.4 MPa: GB 50028 medium pressure A
  CHECK(pipeRow["pipe.year"] == 2016);
  CHECK(pipeRow["pipe.startDepth"] == 0.7);
  CHECK(pipeRow["pipe.endDepth"] == 1.2);

  // The pump station's door (pump_station.ifc): every property as cim info lists it.
  const auto bim = infoElements(q(sample / "pump_station.ifc"));
  const auto door = std::find_if(bim.begin(), bim.end(), [](const auto& p) { return p.second["class"] == "IfcDoor"; });
  REQUIRE(door != bim.end());
  CHECK(checkRowAgainstInfo(tableRowOf(tilesets["pump_station.ifc"], door->first), door->second) >= 2);

  // Office_A: an exterior wall, against cim info and against the IFC text itself:
  //   #71=IFCWALLSTANDARDCASE('1b0OOEH1P4cx$jYCmjqBV2',#1,'Basic Wall:Exterior - Brick on Mtl. Stud:139415',...)
  //   #50761=IFCPROPERTYSET(...,'Pset_WallCommon',$,(#374,#23,#21,#57)); #374 Reference IFCLABEL('Basic Wall:Exterior
  //   - Brick on Mtl. Stud'); #23 LoadBearing .F.; #57 IsExternal .T.; #49866 PSet_Revit_Dimensions: #2418 Length
  //   IFCLENGTHMEASURE(50.23129999999995) (metres), #18113 Area 185.3361682172737; #39701 PSet_Revit_Phasing: #10
  //   'Phase Created' IFCLABEL('New Construction').
  const fs::path office = cimtest::sharedDataDir() / "ifc/Office_A_20110811.ifc";
  if (!fs::exists(office)) {
    WARN("skipped Office_A: " << office << " is absent");
    return;
  }
  auto officeTiled = cimtest::run(cim + " tiles " + q(office) + " --max-triangles 20000 -o " + q(dir / "office"));
  REQUIRE(officeTiled.exitCode == 0);
  const auto officeInfo = infoElements(q(office));
  const std::string guid = "1b0OOEH1P4cx$jYCmjqBV2";
  REQUIRE(officeInfo.count(guid));
  const json wall = tableRowOf(dir / "office" / "Office_A_20110811_ifc" / "tileset.json", guid);
  CHECK(checkRowAgainstInfo(wall, officeInfo.at(guid)) >= 60);
  CHECK(wall["class"] == "IfcWallStandardCase");
  CHECK(wall["name"] == "Basic Wall:Exterior - Brick on Mtl. Stud:139415");
  CHECK(wall["storey"] == "Level 1");
  CHECK(wall["Pset_WallCommon.Reference"] == "Basic Wall:Exterior - Brick on Mtl. Stud");
  // Booleans absent on some elements of a tile are the enum Boolean {false, true, unknown}: read as their names.
  CHECK(wall["Pset_WallCommon.IsExternal"] == "true");
  CHECK(wall["Pset_WallCommon.LoadBearing"] == "false");
  CHECK(wall["PSet_Revit_Dimensions.Length"] == 50.23129999999995);
  CHECK(wall["PSet_Revit_Dimensions.Area"] == 185.3361682172737);
  CHECK(wall["PSet_Revit_Phasing.Phase Created"] == "New Construction");
}
