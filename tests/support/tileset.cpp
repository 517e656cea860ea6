#include "support/tileset.h"

#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <set>

#include <catch2/catch.hpp>

#include "cim/geo/ecef.h"
#include "cim/geo/georeference.h"
#include "support/test_support.h"

namespace cimtest {

using namespace cim;
using nlohmann::json;
namespace fs = std::filesystem;

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

// Every element of the scene by id.
std::map<std::uint32_t, const model::Element*> elementsById(const model::Scene& s) {
  std::map<std::uint32_t, const model::Element*> m;
  s.forEachElement([&](const model::Layer&, const model::Element& e) { m[e.id] = &e; });
  return m;
}

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

}  // namespace cimtest
