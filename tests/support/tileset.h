#pragma once
// Reading a written 3D Tiles tileset back in tests: the tile tree with composed transforms, property table values,
// and the structural and round-trip checks every tileset must pass.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include "cim/model/scene.h"
#include "support/glb.h"

namespace cimtest {

/// The value of property `id` in row `row` of property table 0, decoded from the schema's type; null for noData.
nlohmann::json propertyValue(const Glb& g, const std::string& id, std::size_t row);

/// One tile of a tileset as the 3D Tiles spec composes it.
struct TileInfo {
  Eigen::Matrix4d transform;  ///< composed: root.transform × ... × this.transform
  Eigen::Vector3d boxCentre;
  Eigen::Matrix3d boxHalfAxes;  ///< columns
  double geometricError = 0;
  std::size_t depth = 0;
  int parent = -1;
  std::string contentUri;
  std::size_t children = 0;
};

/// Every tile, parents before children.
std::vector<TileInfo> walk(const nlohmann::json& tileset);

/// m applied to point p.
Eigen::Vector3d apply(const Eigen::Matrix4d& m, const Eigen::Vector3d& p);

/// True when the point (in the box's frame) is inside the oriented box, with a tolerance in metres.
bool insideBox(const TileInfo& t, const Eigen::Vector3d& p, double tol);

/// glTF Y-up content → the tile frame: 3D Tiles rotates glTF (x, y, z) to Z-up (x, -z, y) before the tile transform.
Eigen::Vector3d gltfToTileFrame(float x, float y, float z);

/// Every file under root: relative path -> bytes.
std::map<std::string, std::string> readTree(const std::filesystem::path& root);

nlohmann::json readJson(const std::filesystem::path& p);

/// Every element of the scene by id.
std::map<std::uint32_t, const cim::model::Element*> elementsById(const cim::model::Scene& s);

/// What checkTileset measured.
struct Checked {
  std::size_t tiles = 0, contentTiles = 0, lodTiles = 0, depth = 0, elements = 0, vertices = 0;
  double maxErrorMeters = 0, maxDistanceMeters = 0;
};

/// Structural checks of one tileset (composed transforms are ENU frames, volumes nested, errors not increasing with
/// depth, content inside its volume, feature ids naming rows naming elements, each element in one leaf, LODs showing
/// their own subtree, at most `budget` triangles a tile) and the round trip of every written vertex back to the scene
/// CRS; glTF-Validator on every GLB when `validate`.
Checked checkTileset(const std::filesystem::path& tilesetPath, const cim::model::Scene& scene, std::size_t budget,
                     bool validate);

/// For every row of every property table of the tileset: GUID, class, name, storey and every attribute of the element
/// the row names equal the element's own (typed). Returns {values compared, of them written as text}.
std::pair<std::size_t, std::size_t> compareProperties(const std::filesystem::path& tilesetPath, const cim::model::Scene& scene);

}  // namespace cimtest
