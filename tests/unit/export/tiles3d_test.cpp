// 3D Tiles 1.1 export: placement round trip (< 1 mm, also 5 km from a tile centre), tiling by budget, structural
// validation of the tilesets, glTF-Validator on every GLB, and property tables against the elements' attributes.

#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <set>

#include <catch2/catch.hpp>

#include "cim/export/tiles3d.h"
#include "cim/geo/ecef.h"
#include "cim/geo/georeference.h"
#include "cim/io/ifc.h"
#include "support/glb.h"
#include "support/test_support.h"

using namespace cim;
using cimtest::Glb;
using cimtest::readGlb;
using cimtest::TempDir;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// The value of property `id` in row `row` of property table 0, decoded from the schema's type; null for noData.
json propertyValue(const Glb& g, const std::string& id, std::size_t row) {
  const auto& ext = g.doc["extensions"]["EXT_structural_metadata"];
  const auto& cls = ext["schema"]["classes"][ext["propertyTables"][0]["class"].get<std::string>()]["properties"][id];
  const auto& prop = ext["propertyTables"][0]["properties"][id];
  std::size_t length = 0;
  const char* values = g.view(prop["values"].get<int>(), length);
  const std::string type = cls["type"];
  json v;
  if (type == "STRING") {
    std::size_t offLength = 0;
    const char* offsets = g.view(prop["stringOffsets"].get<int>(), offLength);
    std::uint32_t a = 0, b = 0;
    std::memcpy(&a, offsets + 4 * row, 4);
    std::memcpy(&b, offsets + 4 * (row + 1), 4);
    REQUIRE(b <= length);
    v = std::string(values + a, values + b);
  } else if (type == "BOOLEAN") {
    v = ((static_cast<unsigned char>(values[row / 8]) >> (row % 8)) & 1u) != 0;
  } else if (type == "ENUM") {
    const auto raw = static_cast<unsigned char>(values[row]);
    for (const auto& e : ext["schema"]["enums"][cls["enumType"].get<std::string>()]["values"])
      if (e["value"] == raw) v = e["name"];
  } else if (cls["componentType"] == "INT64") {
    std::int64_t x;
    std::memcpy(&x, values + 8 * row, 8);
    v = x;
  } else if (cls["componentType"] == "INT32") {
    std::int32_t x;
    std::memcpy(&x, values + 4 * row, 4);
    v = x;
  } else if (cls["componentType"] == "UINT32") {
    std::uint32_t x;
    std::memcpy(&x, values + 4 * row, 4);
    v = x;
  } else if (cls["componentType"] == "FLOAT64") {
    double x;
    std::memcpy(&x, values + 8 * row, 8);
    v = x;
  } else {
    FAIL("unexpected property type " << cls.dump());
  }
  if (cls.contains("noData") && v == cls["noData"]) return json();
  return v;
}

// ---- tileset walking: composed transforms as the 3D Tiles spec defines them ----
struct TileInfo {
  Eigen::Matrix4d transform;  // composed: root.transform × ... × this.transform
  Eigen::Vector3d boxCentre;
  Eigen::Matrix3d boxHalfAxes;  // columns
  double geometricError = 0;
  std::size_t depth = 0;
  int parent = -1;
  std::string contentUri;
  std::size_t children = 0;
};

std::vector<TileInfo> walk(const json& tileset) {
  std::vector<TileInfo> out;
  std::function<void(const json&, const Eigen::Matrix4d&, std::size_t, int)> visit =
      [&](const json& t, const Eigen::Matrix4d& parent, std::size_t depth, int parentIndex) {
        Eigen::Matrix4d local = Eigen::Matrix4d::Identity();
        if (t.contains("transform"))
          for (int i = 0; i < 16; ++i) local(i % 4, i / 4) = t["transform"][static_cast<std::size_t>(i)].get<double>();
        TileInfo info;
        info.transform = parent * local;
        const auto& b = t["boundingVolume"]["box"];
        REQUIRE(b.size() == 12);
        info.boxCentre = Eigen::Vector3d(b[0].get<double>(), b[1].get<double>(), b[2].get<double>());
        for (int c = 0; c < 3; ++c)
          for (int r = 0; r < 3; ++r) info.boxHalfAxes(r, c) = b[static_cast<std::size_t>(3 + 3 * c + r)].get<double>();
        info.geometricError = t["geometricError"];
        info.depth = depth;
        info.parent = parentIndex;
        if (t.contains("content")) info.contentUri = t["content"]["uri"];
        info.children = t.contains("children") ? t["children"].size() : 0;
        out.push_back(info);
        const int self = static_cast<int>(out.size() - 1);
        if (t.contains("children"))
          for (const auto& c : t["children"]) visit(c, out[static_cast<std::size_t>(self)].transform, depth + 1, self);
      };
  visit(tileset["root"], Eigen::Matrix4d::Identity(), 0, -1);
  return out;
}

Eigen::Vector3d apply(const Eigen::Matrix4d& m, const Eigen::Vector3d& p) {
  return (m * p.homogeneous()).head<3>();
}

// True when the point (in the box's frame) is inside the oriented box, with a tolerance in metres.
bool insideBox(const TileInfo& t, const Eigen::Vector3d& p, double tol) {
  const Eigen::Vector3d d = p - t.boxCentre;
  for (int k = 0; k < 3; ++k) {
    const Eigen::Vector3d axis = t.boxHalfAxes.col(k);
    const double h = axis.norm();
    const double s = h > 0 ? std::abs(d.dot(axis / h)) : d.norm();
    if (s > h + tol) return false;
  }
  return true;
}

// glTF Y-up content → the tile frame: 3D Tiles rotates glTF (x, y, z) to Z-up (x, -z, y) before the tile transform.
Eigen::Vector3d gltfToTileFrame(float x, float y, float z) { return {x, -static_cast<double>(z), y}; }

// Every file under root: relative path -> bytes.
std::map<std::string, std::string> readTree(const fs::path& root) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    files[fs::relative(e.path(), root).string()] =
        std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  return files;
}

json readJson(const fs::path& p) {
  std::ifstream in(p);
  return json::parse(in);
}

geometry::Mesh boxMesh(const Eigen::Vector3d& corner, const Eigen::Vector3d& size) {
  geometry::Mesh m;
  m.origin = corner;
  const float x = static_cast<float>(size.x()), y = static_cast<float>(size.y()), z = static_cast<float>(size.z());
  m.positions = {{0, 0, 0}, {x, 0, 0}, {x, y, 0}, {0, y, 0}, {0, 0, z}, {x, 0, z}, {x, y, z}, {0, y, z}};
  m.indices = {0, 2, 1, 0, 3, 2, 4, 5, 6, 4, 6, 7, 0, 1, 5, 0, 5, 4, 1, 2, 6, 1, 6, 5, 2, 3, 7, 2, 7, 6, 3, 0, 4, 3, 4, 7};
  return m;
}

model::Element boxElement(const Eigen::Vector3d& corner, const Eigen::Vector3d& size, const std::string& name) {
  model::Element e;
  e.kind = "IfcWall";
  e.name = name;
  e.guid = "guid-" + name;
  e.shapes.push_back({boxMesh(corner, size), model::Material{"wall", {0.8f, 0.7f, 0.6f, 1}}});
  return e;
}

// A grid of `count`² one-triangle-strip plates (a grid mesh of 2·k² triangles each), spacing metres apart.
model::Element plate(const Eigen::Vector3d& corner, int k, double size, const std::string& name) {
  geometry::Mesh m;
  m.origin = corner;
  for (int j = 0; j <= k; ++j)
    for (int i = 0; i <= k; ++i)
      m.positions.emplace_back(static_cast<float>(size * i / k), static_cast<float>(size * j / k),
                               static_cast<float>(0.1 * ((i + j) % 2)));
  for (int j = 0; j < k; ++j)
    for (int i = 0; i < k; ++i) {
      const auto a = static_cast<std::uint32_t>(j * (k + 1) + i), b = a + 1, c = a + static_cast<std::uint32_t>(k + 1), d = c + 1;
      m.indices.insert(m.indices.end(), {a, b, d, a, d, c});
    }
  model::Element e;
  e.kind = "IfcSlab";
  e.name = name;
  e.guid = "guid-" + name;
  e.shapes.push_back({std::move(m), model::Material{"slab", {0.5f, 0.5f, 0.5f, 1}}});
  return e;
}

const geo::Crs& hangzhouCrs() {
  static const geo::Crs crs = geo::Crs::fromUserInput("EPSG:4549+5737").value();
  return crs;
}

// Every element of the scene by id.
std::map<std::uint32_t, const model::Element*> elementsById(const model::Scene& s) {
  std::map<std::uint32_t, const model::Element*> m;
  s.forEachElement([&](const model::Layer&, const model::Element& e) { m[e.id] = &e; });
  return m;
}

struct Checked {
  std::size_t tiles = 0, contentTiles = 0, lodTiles = 0, depth = 0, elements = 0, vertices = 0;
  double maxErrorMeters = 0, maxDistanceMeters = 0;
};

// Structural checks of one tileset and the round trip of every written vertex; returns what it measured.
Checked checkTileset(const fs::path& tilesetPath, const model::Scene& scene, std::size_t budget, bool validate) {
  const json tileset = readJson(tilesetPath);
  CHECK(tileset["asset"]["version"] == "1.1");
  const auto tiles = walk(tileset);
  const auto georef = geo::Georeference::create(*scene.crs());
  REQUIRE(georef.ok());
  const auto byId = elementsById(scene);
  CHECK(tileset["geometricError"].get<double>() >= tiles[0].geometricError);
  CHECK(tileset["geometricError"].get<double>() > 0);

  Checked c;
  c.tiles = tiles.size();
  std::set<std::uint32_t> seen;
  std::vector<std::set<std::uint32_t>> idsOf(tiles.size());
  for (std::size_t i = 0; i < tiles.size(); ++i) {
    const auto& t = tiles[i];
    c.depth = std::max(c.depth, t.depth);
    INFO("tile " << i << " depth " << t.depth);
    // The composed transform is the ENU frame at its own origin: rigid, up = ellipsoid normal, east horizontal.
    const Eigen::Vector3d origin = t.transform.block<3, 1>(0, 3);
    const Eigen::Matrix4d enu = geo::enuToEcef(geo::ecefToGeodetic(origin)).matrix();
    CHECK((t.transform - enu).block<3, 3>(0, 0).cwiseAbs().maxCoeff() < 1e-9);
    CHECK(t.transform.row(3).isApprox(Eigen::RowVector4d(0, 0, 0, 1)));
    // Bounding volume inside the parent's; geometric error not increasing with depth.
    if (t.parent >= 0) {
      const auto& p = tiles[static_cast<std::size_t>(t.parent)];
      CHECK(t.geometricError <= p.geometricError);
      const Eigen::Matrix4d toParent = p.transform.inverse() * t.transform;
      for (int k = 0; k < 8; ++k) {
        Eigen::Vector3d corner = t.boxCentre;
        for (int a = 0; a < 3; ++a) corner += ((k >> a) & 1 ? 1.0 : -1.0) * t.boxHalfAxes.col(a);
        CHECK(insideBox(p, apply(toParent, corner), 1e-6));
      }
    }
    if (t.children == 0) CHECK(t.geometricError == 0.0);
    if (t.contentUri.empty()) {
      CHECK(t.children > 0);
      continue;
    }
    c.contentTiles++;
    const fs::path glbPath = tilesetPath.parent_path() / t.contentUri;
    REQUIRE(fs::exists(glbPath));
    if (validate) {
      const auto report = cimtest::validateGltf(glbPath);
      INFO(report.dump());
      CHECK(report["errors"] == 0);
    }
    const Glb g = readGlb(glbPath);
    std::set<std::string> used(g.doc["extensionsUsed"].begin(), g.doc["extensionsUsed"].end());
    CHECK(used.count("EXT_mesh_features"));
    CHECK(used.count("EXT_structural_metadata"));
    const auto& table = g.doc["extensions"]["EXT_structural_metadata"]["propertyTables"][0];
    const std::size_t rows = table["count"];
    std::size_t triangles = 0, outside = 0, badRows = 0;
    for (const auto& prim : g.doc["meshes"][0]["primitives"]) {
      const auto& fid = prim["extensions"]["EXT_mesh_features"]["featureIds"][0];
      CHECK(fid["propertyTable"] == 0);
      CHECK(fid["attribute"] == 0);
      triangles += g.doc["accessors"][prim["indices"].get<std::size_t>()]["count"].get<std::size_t>() / 3;
      const auto pos = g.floats(prim["attributes"]["POSITION"]);
      const auto ids = g.floats(prim["attributes"]["_FEATURE_ID_0"]);
      REQUIRE(pos.size() == 3 * ids.size());
      for (std::size_t v = 0; v < ids.size(); ++v) {
        const auto row = static_cast<std::size_t>(ids[v]);
        if (row >= rows) ++badRows;
        if (row >= rows) continue;
        const Eigen::Vector3d local = gltfToTileFrame(pos[3 * v], pos[3 * v + 1], pos[3 * v + 2]);
        if (!insideBox(t, local, 1e-6)) ++outside;
        c.maxDistanceMeters = std::max(c.maxDistanceMeters, local.norm());
        // Back to the scene CRS and to the nearest vertex of the element the feature id names.
        const auto back = georef->ecefToProject(apply(t.transform, local));
        REQUIRE(back);
        const auto id = propertyValue(g, "elementId", row).get<std::uint32_t>();
        if (!byId.count(id)) ++badRows;
        if (!byId.count(id)) continue;
        double best = std::numeric_limits<double>::infinity();
        for (const auto& shape : byId.at(id)->shapes)
          for (std::size_t w = 0; w < shape.mesh.positions.size(); ++w)
            best = std::min(best, (shape.mesh.worldPosition(w) - *back).norm());
        c.maxErrorMeters = std::max(c.maxErrorMeters, best);
        c.vertices++;
      }
    }
    CHECK(outside == 0);  // content inside its tile's bounding volume
    CHECK(badRows == 0);  // feature ids name rows, rows name elements of the scene
    if (rows > 1) CHECK(triangles <= budget);
    for (std::size_t r = 0; r < rows; ++r) {
      const auto id = propertyValue(g, "elementId", r).get<std::uint32_t>();
      idsOf[i].insert(id);
      if (t.children == 0) CHECK(seen.insert(id).second);  // each element in exactly one leaf
    }
    if (t.children > 0) c.lodTiles++;
  }
  c.elements = seen.size();
  // An inner tile's LOD shows only elements of its own subtree's leaves.
  std::vector<std::set<std::uint32_t>> below(tiles.size());
  for (std::size_t i = 0; i < tiles.size(); ++i) {
    if (tiles[i].children > 0) continue;
    for (int p = tiles[i].parent; p >= 0; p = tiles[static_cast<std::size_t>(p)].parent)
      below[static_cast<std::size_t>(p)].insert(idsOf[i].begin(), idsOf[i].end());
  }
  for (std::size_t i = 0; i < tiles.size(); ++i)
    for (auto id : idsOf[i])
      if (tiles[i].children > 0) CHECK(below[i].count(id) == 1);
  return c;
}


// For every row of every property table of the tileset: GUID, class, name, storey and every attribute of the element
// the row names equal the element's own (typed). Returns {values compared, of them written as text}.
std::pair<std::size_t, std::size_t> compareProperties(const fs::path& tilesetPath, const model::Scene& scene) {
  std::size_t compared = 0, asTextCount = 0;
  const auto byId = elementsById(scene);
  const json tileset = readJson(tilesetPath);
  for (const auto& t : walk(tileset)) {
    if (t.contentUri.empty()) continue;
    const Glb g = readGlb(tilesetPath.parent_path() / t.contentUri);
    const auto& ext = g.doc["extensions"]["EXT_structural_metadata"];
    const auto& props = ext["schema"]["classes"]["element"]["properties"];
    // Attribute name -> property id, from the schema's names.
    std::map<std::string, std::string> idOf;
    for (auto it = props.begin(); it != props.end(); ++it) idOf[it.value()["name"]] = it.key();
    const std::size_t rows = ext["propertyTables"][0]["count"];
    for (std::size_t row = 0; row < rows; ++row) {
      const auto& e = *byId.at(propertyValue(g, "elementId", row).get<std::uint32_t>());
      INFO("element " << e.guid << " " << e.kind);
      CHECK(propertyValue(g, "guid", row) == (e.guid.empty() ? json() : json(e.guid)));
      CHECK(propertyValue(g, "class", row) == e.kind);
      CHECK(propertyValue(g, "name", row) == (e.name.empty() ? json() : json(e.name)));
      if (e.attributes.contains("Storey"))
        CHECK(propertyValue(g, "storey", row) == std::get<std::string>(e.attributes.at("Storey")));
      for (const auto& [key, value] : e.attributes) {
        if (key == "Storey") continue;
        REQUIRE(idOf.count(key));
        const json got = propertyValue(g, idOf.at(key), row);
        INFO(key << " = " << got.dump());
        // A key with values of different types on different elements is a STRING property (values as text).
        const bool asText = props[idOf.at(key)]["type"] == "STRING";
        std::visit(
            [&](const auto& x) {
              using T = std::decay_t<decltype(x)>;
              if constexpr (std::is_same_v<T, std::monostate>) {
                CHECK(got.is_null());
              } else if constexpr (std::is_same_v<T, std::string>) {
                CHECK((got == x || (x.empty() && got.is_null())));  // "" is noData where a value is absent
              } else if (asText) {
                ++asTextCount;
                CHECK(got.is_string());
              } else if constexpr (std::is_same_v<T, bool>) {
                CHECK((got == x || got == (x ? "true" : "false")));
              } else if constexpr (std::is_same_v<T, double>) {
                CHECK(got.get<double>() == x);
              } else {
                CHECK(got.get<std::int64_t>() == x);
              }
            },
            value);
        ++compared;
      }
    }
  }
  return {compared, asTextCount};
}

}  // namespace

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

TEST_CASE("3D Tiles of Office_A in its own IfcSite frame: structure, placement, every property value", "[tiles][shared]") {
  const auto path = cimtest::sharedDataDir() / "ifc/Office_A_20110811.ifc";
  if (!fs::exists(path)) {
    WARN("skipped: " << path << " is absent");
    return;
  }
  auto ifc = io::readIfc(path);
  REQUIRE(ifc.ok());
  const model::Scene& scene = ifc->scene;
  REQUIRE(scene.crs());  // the IfcSite reference point as a local transverse Mercator CRS
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

// A box as flat-shaded meshes come from IFC: 24 vertices (4 per face) at 8 distinct positions.
model::Element flatBoxElement(const Eigen::Vector3d& corner, const Eigen::Vector3d& size, const std::string& name) {
  model::Element e;
  e.kind = "IfcColumn";
  e.name = name;
  e.guid = "guid-" + name;
  geometry::Mesh m;
  m.origin = corner;
  const float x = static_cast<float>(size.x()), y = static_cast<float>(size.y()), z = static_cast<float>(size.z());
  const Eigen::Vector3f c[8] = {{0, 0, 0}, {x, 0, 0}, {x, y, 0}, {0, y, 0}, {0, 0, z}, {x, 0, z}, {x, y, z}, {0, y, z}};
  const int faces[6][4] = {{0, 3, 2, 1}, {4, 5, 6, 7}, {0, 1, 5, 4}, {1, 2, 6, 5}, {2, 3, 7, 6}, {3, 0, 4, 7}};
  for (const auto& f : faces) {
    const auto base = static_cast<std::uint32_t>(m.positions.size());
    for (int k : f) m.positions.push_back(c[k]);
    m.indices.insert(m.indices.end(), {base, base + 1, base + 2, base, base + 2, base + 3});
  }
  e.shapes.push_back({std::move(m), model::Material{"column", {0.6f, 0.6f, 0.7f, 1}}});
  return e;
}

TEST_CASE("3D Tiles: flat-shaded meshes and mixed attributes, the same bytes with 1 and 4 threads", "[tiles]") {
  model::Scene scene(hangzhouCrs());
  // 60 flat-shaded boxes along 3 km (tiles far apart), with attributes of every kind, present on some elements only.
  for (int i = 0; i < 60; ++i) {
    const std::string number = std::to_string(i);
    auto e = flatBoxElement({514000.0 + 50.0 * i, 3347800.0 + 7.0 * (i % 5), 6.0 + 0.25 * i}, {0.5, 0.5, 3.0 + i % 4},
                            std::string("c").append(number));
    e.attributes["Pset_ColumnCommon.Height"] = 3.0 + i % 4;
    if (i % 2 == 0) e.attributes["Pset_ColumnCommon.Count"] = std::int64_t{i};
    if (i % 3 == 0) e.attributes["Pset_ColumnCommon.IsExternal"] = (i % 6 == 0);
    if (i % 5 == 0) e.attributes["Pset_ColumnCommon.Reference"] = std::string("C-").append(number);
    e.attributes["Pset_ColumnCommon.Mixed"] = i % 2 ? model::AttributeValue(std::string("x")) : model::AttributeValue(1.5);
    e.attributes["Storey"] = std::string(i < 30 ? "B1" : "B2");
    if (i != 17) e.attributes["Pset_ColumnCommon.Flag"] = (i % 2 == 0);
    e.attributes["Big"] = std::int64_t{i == 59 ? 3000000000LL : i};  // a whole boolean column in most tiles
    if (i % 4 == 0) e.attributes["Note.x"] = std::string("dot");    // both names give the id Note_x:
    if (i % 7 == 0) e.attributes["Note x"] = std::string("space");  // "Note x" sorts first and keeps it
    scene.addElement("bim", std::move(e));
  }
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

  // Statistics and bytes do not depend on the number of threads.
  CHECK(one->tilesets[0].bytes == four->tilesets[0].bytes);
  CHECK(one->tilesets[0].lodTriangles == four->tilesets[0].lodTriangles);
  CHECK(one->tilesets[0].maxVertexDistanceMeters == four->tilesets[0].maxVertexDistanceMeters);
  const auto a = readTree(dir / "one"), b = readTree(dir / "four");
  CHECK(a.size() > 12);
  CHECK(a == b);
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

  // The gas main RQ1-RQ2, row 1 of pipe_lines.csv: "RQ1,RQ2,RQ,1.20,1.20,250,PE,0.3,,,,,ZM,2016,燃气公司,样例路".
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
  CHECK(pipeRow["pipe.startDepth"] == 1.2);

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
