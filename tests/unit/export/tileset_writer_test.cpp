// 3D Tiles 1.1 export as a whole (tileset_writer.cpp runs the tiling, frames, content and JSON): placement round trip
// (< 1 mm, also 5 km from a tile centre), tiling by budget, structural validation of the tilesets, glTF-Validator on
// every GLB, the output folder and overwrite, the same bytes whatever the number of threads.

#include <map>

#include <catch2/catch.hpp>

#include "cim/export/tiles3d.h"
#include "cim/geo/georeference.h"
#include "support/glb.h"
#include "support/test_scenes.h"
#include "support/test_support.h"
#include "support/tileset.h"

using namespace cim;
using namespace cimtest;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

model::Element boxElement(const Eigen::Vector3d& corner, const Eigen::Vector3d& size, const std::string& name) {
  return elementOf(boxMesh(corner, size), "IfcWall", name, model::Material{"wall", {0.8f, 0.7f, 0.6f, 1}});
}

}  // namespace

TEST_CASE("3D Tiles placement: every written vertex maps back to the scene CRS within 1 mm, also 5 km out", "[tiles]") {
  // Three boxes 5 km apart west to east around the Hangzhou check point; one tile holds all of them, so its centre
  // is near the middle box and the outer boxes' vertices are ~5 km from it.
  model::Scene scene(hangzhouCrs());
  scene.addElement("bim", boxElement({510000.0, 3347830.0, 8.0}, {10, 6, 3}, "west"));
  scene.addElement("bim", boxElement({515000.0, 3347830.0, 8.0}, {10, 6, 3}, "middle"));
  scene.addElement("bim", boxElement({520000.0, 3347830.0, 8.0}, {10, 6, 3}, "east"));
  scene.addElement("bim", boxElement({515000.0, 3347830.0, 40.0}, {1, 1, 1}, "high"));
  TempDir dir;
  auto r = tiles3d::write(scene, dir / "out");
  REQUIRE(r.ok());
  REQUIRE(r->tilesets.size() == 1);
  CHECK(r->tilesets[0].tiles == 1);
  CHECK(r->tilesets[0].elements == 4);
  CHECK(r->tilesets[0].triangles == 48);
  const auto c = checkTileset(r->tilesets[0].tileset, scene, 100000, true);
  CHECK(c.vertices == 32);
  CHECK(c.elements == 4);
  CHECK(c.maxDistanceMeters > 5000.0);
  CHECK(c.maxErrorMeters < 1e-3);
  WARN("placement: max round-trip error " << c.maxErrorMeters * 1000 << " mm, farthest vertex " << c.maxDistanceMeters
                                          << " m from its tile centre");

  // Up is up: the high box's vertices come out higher in glTF Y (the up axis) than the ground boxes'.
  const json tileset = readJson(r->tilesets[0].tileset);
  const Glb g = readGlb(r->tilesets[0].tileset.parent_path() / tileset["root"]["content"]["uri"].get<std::string>());
  const auto& prim = g.doc["meshes"][0]["primitives"][0];
  const auto pos = g.floats(prim["attributes"]["POSITION"]);
  const auto ids = g.floats(prim["attributes"]["_FEATURE_ID_0"]);
  float highY = -1e9f, middleY = -1e9f;
  for (std::size_t v = 0; v < ids.size(); ++v) {
    const auto name = propertyValue(g, "name", static_cast<std::size_t>(ids[v]));
    if (name == "high") highY = std::max(highY, pos[3 * v + 1]);
    if (name == "middle") middleY = std::max(middleY, pos[3 * v + 1]);
  }
  // Heights 41 m and 11 m (scene) differ by 30 m up; Earth curvature over ~0 km changes nothing at the cm level.
  CHECK(highY - middleY == Approx(30.0).margin(0.05));
}

TEST_CASE("3D Tiles tiling: budget, one tile per element, nested volumes, validator, overwrite", "[tiles]") {
  model::Scene scene(hangzhouCrs());
  // 64 boxes (12 triangles each) on a 200 m grid of 8 × 8, and one 800-triangle plate above the budget.
  for (int j = 0; j < 8; ++j)
    for (int i = 0; i < 8; ++i)
      scene.addElement("bim", boxElement({515000.0 + 25.0 * i, 3347800.0 + 25.0 * j, 8.0}, {4, 4, 3},
                                         std::to_string(i) + "_" + std::to_string(j)));
  scene.addElement("bim", plate({515050.0, 3347850.0, 20.0}, 20, 30.0, "plate"));
  scene.addElement("pipes", boxElement({515000.0, 3347790.0, 5.0}, {200, 0.3, 0.3}, "main"));
  const std::size_t budget = 200;
  TempDir dir;
  const fs::path out = dir / "out";
  tiles3d::WriteOptions options;
  options.maxTrianglesPerTile = budget;
  auto r = tiles3d::write(scene, out, options);
  REQUIRE(r.ok());
  REQUIRE(r->tilesets.size() == 2);

  // The index names both tilesets; both exist; nothing was written next to the output folder.
  const json index = readJson(out / "index.json");
  REQUIRE(index["tilesets"].size() == 2);
  CHECK(index["tilesets"][0]["name"] == "bim");
  CHECK(index["tilesets"][1]["name"] == "pipes");
  CHECK(index["crs"] == "EPSG:4549+5737");
  for (const auto& t : index["tilesets"]) CHECK(fs::exists(out / t["uri"].get<std::string>()));
  std::size_t siblings = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path())) ++siblings;
  CHECK(siblings == 1);

  const auto bim = checkTileset(r->tilesets[0].tileset, scene, budget, true);
  CHECK(bim.elements == 65);
  CHECK(bim.maxErrorMeters < 1e-3);
  // 64 × 12 + 800 triangles with at most 200 per tile (the plate alone): at least 768 / 200 → 4 box tiles + 1.
  CHECK(bim.contentTiles >= 5);
  CHECK(bim.depth >= 2);
  CHECK(r->tilesets[0].maxTileTriangles == 800);
  // Every inner tile carries an LOD (simplified, within the budget, checked above) with a positive error.
  CHECK(bim.lodTiles == bim.tiles - (bim.contentTiles - bim.lodTiles));
  CHECK(bim.lodTiles > 0);
  CHECK(r->tilesets[0].lodTriangles > 0);
  const json bimTileset = readJson(r->tilesets[0].tileset);
  CHECK(bimTileset["root"].contains("content"));
  CHECK(bimTileset["root"]["geometricError"].get<double>() > 0.0);
  WARN("tiling: " << bim.tiles << " tiles, " << bim.contentTiles << " with content (" << bim.lodTiles << " LODs, "
                  << r->tilesets[0].lodTriangles << " LOD triangles), depth " << bim.depth << ", root error "
                  << bimTileset["root"]["geometricError"].get<double>() << " m, max round-trip error "
                  << bim.maxErrorMeters * 1000 << " mm");
  const auto pipes = checkTileset(r->tilesets[1].tileset, scene, budget, true);
  CHECK(pipes.elements == 1);
  CHECK(pipes.tiles == 1);

  // An existing output folder is replaced only with overwrite, and only when this exporter wrote it.
  auto again = tiles3d::write(scene, out, options);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error()->code == ErrorCode::FileUnwritable);
  CHECK(fs::exists(out / "index.json"));
  options.overwrite = true;
  CHECK(tiles3d::write(scene, out, options).ok());
  // Without LODs the inner tiles are empty and the structure still holds.
  options.lods = false;
  auto plain = tiles3d::write(scene, out, options);
  REQUIRE(plain.ok());
  const auto noLods = checkTileset(plain->tilesets[0].tileset, scene, budget, false);
  CHECK(noLods.lodTiles == 0);
  CHECK(noLods.contentTiles == bim.contentTiles - bim.lodTiles);
  CHECK(noLods.elements == 65);
  options.lods = true;
  cimtest::writeFile(dir / "foreign" / "notes.txt", "keep me");
  auto foreign = tiles3d::write(scene, dir / "foreign", options);
  REQUIRE_FALSE(foreign.ok());
  CHECK(fs::exists(dir / "foreign" / "notes.txt"));

  // The same scene gives the same bytes (file names and contents) twice.
  options.overwrite = false;
  REQUIRE(tiles3d::write(scene, dir / "a", options).ok());
  REQUIRE(tiles3d::write(scene, dir / "b", options).ok());
  const auto filesA = readTree(dir / "a"), filesB = readTree(dir / "b");
  CHECK(filesA.size() > 10);
  CHECK(filesA == filesB);

  // A local scene cannot be tiled.
  model::Scene local;
  local.addElement("bim", boxElement({0, 0, 0}, {1, 1, 1}, "local"));
  auto noCrs = tiles3d::write(local, dir / "local");
  REQUIRE_FALSE(noCrs.ok());
  CHECK(noCrs.error()->code == ErrorCode::InvalidArgument);
}

TEST_CASE("3D Tiles of Office_A in its own IfcSite frame: structure, placement, every property value", "[tiles][shared]") {
  const auto office = cimtest::officeA();
  if (!office) return;
  const model::Scene& scene = *office;
  TempDir dir;
  tiles3d::WriteOptions options;
  options.maxTrianglesPerTile = 5000;
  auto r = tiles3d::write(scene, dir / "out", options);
  REQUIRE(r.ok());
  REQUIRE(r->tilesets.size() == 1);
  const auto& t = r->tilesets[0];
  const auto c = checkTileset(t.tileset, scene, options.maxTrianglesPerTile, true);
  CHECK(c.maxErrorMeters < 1e-3);
  std::size_t withTriangles = 0;
  scene.forEachElement([&](const model::Layer&, const model::Element& e) { withTriangles += e.triangleCount() > 0; });
  CHECK(c.elements == withTriangles);
  CHECK(c.contentTiles >= scene.triangleCount() / options.maxTrianglesPerTile);
  const auto [compared, asText] = compareProperties(t.tileset, scene);
  CHECK(compared > 1000);
  WARN("Office_A: " << c.elements << " elements, " << t.triangles << " triangles in " << c.tiles << " tiles ("
                    << c.contentTiles << " with content, depth " << c.depth << ", largest " << t.maxTileTriangles
                    << " triangles), max round-trip error " << c.maxErrorMeters * 1000 << " mm, " << compared
                    << " property values compared (" << asText << " as text)");
}

TEST_CASE("3D Tiles: flat-shaded meshes keep every vertex in place and in order, the same bytes with 1 and 4 threads", "[tiles]") {
  const model::Scene scene = cimtest::columnsAlongRoad();
  TempDir dir;
  tiles3d::WriteOptions options;
  options.maxTrianglesPerTile = 60;  // 5 boxes per leaf
  options.threads = 1;
  auto one = tiles3d::write(scene, dir / "one", options);
  REQUIRE(one.ok());
  options.threads = 4;
  auto four = tiles3d::write(scene, dir / "four", options);
  REQUIRE(four.ok());

  // Every written vertex is where it belongs (positions are transformed once per distinct position and shared).
  const auto c = checkTileset(four->tilesets[0].tileset, scene, options.maxTrianglesPerTile, false);
  CHECK(c.maxErrorMeters < 1e-3);
  CHECK(c.elements == 60);
  CHECK(four->tilesets[0].vertices == 60u * 24u);
  CHECK(four->tilesets[0].triangles == 60u * 12u);
  CHECK(c.depth >= 3);
  // Leaves keep each element's vertices in order: the k-th vertex of an element in a leaf is its mesh's k-th vertex.
  {
    const auto georef = geo::Georeference::create(*scene.crs());
    REQUIRE(georef.ok());
    const auto byId = elementsById(scene);
    double worst = 0.0;
    std::size_t checked = 0;
    const fs::path tilesetPath = four->tilesets[0].tileset;
    for (const auto& t : walk(readJson(tilesetPath))) {
      if (t.children > 0 || t.contentUri.empty()) continue;
      const Glb g = readGlb(tilesetPath.parent_path() / t.contentUri);
      std::map<std::uint32_t, std::size_t> next;  // element id -> its next vertex
      for (const auto& prim : g.doc["meshes"][0]["primitives"]) {
        const auto pos = g.floats(prim["attributes"]["POSITION"]);
        const auto ids = g.floats(prim["attributes"]["_FEATURE_ID_0"]);
        for (std::size_t v = 0; v < ids.size(); ++v) {
          const auto id = propertyValue(g, "elementId", static_cast<std::size_t>(ids[v])).get<std::uint32_t>();
          const auto& mesh = byId.at(id)->shapes[0].mesh;
          const std::size_t k = next[id]++;
          REQUIRE(k < mesh.positions.size());
          const auto back = georef->ecefToProject(apply(t.transform, gltfToTileFrame(pos[3 * v], pos[3 * v + 1], pos[3 * v + 2])));
          REQUIRE(back);
          worst = std::max(worst, (*back - mesh.worldPosition(k)).norm());
          ++checked;
        }
      }
    }
    CHECK(checked == 60u * 24u);
    CHECK(worst < 1e-3);
  }

  // Statistics and bytes do not depend on the number of threads.
  CHECK(one->tilesets[0].bytes == four->tilesets[0].bytes);
  CHECK(one->tilesets[0].lodTriangles == four->tilesets[0].lodTriangles);
  CHECK(one->tilesets[0].maxVertexDistanceMeters == four->tilesets[0].maxVertexDistanceMeters);
  const auto a = readTree(dir / "one"), b = readTree(dir / "four");
  CHECK(a.size() > 12);
  CHECK(a == b);
}
